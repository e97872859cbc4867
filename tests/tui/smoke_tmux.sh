#!/usr/bin/env bash
# Smoke test of `planner tui` in a real terminal (tmux): open a copy of the reference
# visit, navigate, nudge an item 15 min later, save, quit; the caller checks the files.
# Usage: smoke_tmux.sh PLANNER_EXECUTABLE VISIT_COPY
set -euo pipefail
planner=$1
visit=$2
sock="planner-smoke-$$"
session=smoke
tm() { tmux -L "$sock" "$@"; }
cleanup() { tm kill-server 2>/dev/null || true; }
trap cleanup EXIT

wait_for() {  # wait_for TEXT: poll the pane until TEXT shows (20 s at most)
    for _ in $(seq 1 200); do
        if tm capture-pane -p -t "$session" | grep -qF -- "$1"; then return 0; fi
        sleep 0.1
    done
    echo "smoke: timed out waiting for: $1" >&2
    tm capture-pane -p -t "$session" >&2
    return 1
}

tm new-session -d -s "$session" -x 100 -y 30 \
    "env TERM=xterm-256color TEXTUAL_ANIMATIONS=none $planner tui $visit; echo \"planner exited \$?\""
tm set-option -t "$session" remain-on-exit on >/dev/null
wait_for "plan v1"
tm send-keys -t "$session" l            # day 2
wait_for "Or Avner"
tm send-keys -t "$session" h / ; wait_for "search title"
tm send-keys -t "$session" "Martyrs" Enter
wait_for "1 match"
tm send-keys -t "$session" ">"
wait_for "plan v2"
wait_for "unsaved"
tm send-keys -t "$session" C-s
for _ in $(seq 1 100); do
    if ! tm capture-pane -p -t "$session" | grep -qF "unsaved"; then break; fi
    sleep 0.1
done
tm send-keys -t "$session" q
# tmux writes "Pane is dead (status N, …)" once the process is reaped; the shell's own
# line is a fallback (#{pane_dead_status} was seen empty on tmux 3.3a)
status=""
for _ in $(seq 1 200); do
    screen=$(tm capture-pane -p -t "$session")
    status=$(printf '%s\n' "$screen" \
        | sed -n -e 's/.*Pane is dead (status \([0-9]*\).*/\1/p' -e 's/.*planner exited \([0-9]*\).*/\1/p' \
        | tail -1)
    if [ -n "$status" ]; then break; fi
    sleep 0.1
done
echo "exit status: $status"
tm capture-pane -p -t "$session"
[ "$status" = "0" ]
