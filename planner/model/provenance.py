"""Where a fact in a visit file comes from."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from planner.model.base import Frozen
from planner.model.text import Line


class SourceKind(StrEnum):
    SEED = "seed"  # a line of the seed article in seeds/
    CITED = "cited"  # another published source
    ASSUMED = "assumed"  # not reported anywhere: a planning assumption, with its reason


class Provenance(Frozen):
    """The source of a fact: a seed line (with the quoted words), a citation, or an
    assumption with its reason."""

    source: SourceKind
    line: int | None = Field(
        default=None, ge=1, le=1_000_000, description="Line of the seed article."
    )
    quote: Line | None = Field(
        default=None, min_length=3, max_length=2000, description="Words quoted verbatim."
    )
    ref: Line | None = Field(default=None, min_length=2, max_length=500, description="Citation.")
    reason: Line | None = Field(
        default=None, min_length=3, max_length=1000, description="Why it is assumed."
    )

    @model_validator(mode="after")
    def _complete(self) -> Provenance:
        if self.source is SourceKind.SEED and (self.line is None or not self.quote):
            raise ValueError("a seed provenance needs 'line' and 'quote'")
        if self.source is SourceKind.CITED and not self.ref:
            raise ValueError("a cited provenance needs 'ref' (the source)")
        if self.source is SourceKind.ASSUMED and not self.reason:
            raise ValueError("an assumed fact needs a 'reason'")
        return self


class FieldSources(dict[str, Provenance]):
    """An item's provenance per field ('provenance_of'), read-only and hashable like
    the frozen models that hold it."""

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted((k, v) for k, v in self.items())))

    def _read_only(self, *args: object, **kwargs: object) -> None:
        raise TypeError("an item's provenance per field is read-only")

    __setitem__ = __delitem__ = _read_only
    clear = pop = popitem = setdefault = update = _read_only  # type: ignore[assignment]


def field_sources(value: dict[str, Provenance]) -> FieldSources:
    return value if isinstance(value, FieldSources) else FieldSources(value)
