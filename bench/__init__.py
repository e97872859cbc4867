"""Benchmarks of the planner: synthetic visits with a known (planted) solution."""
