"""Benchmarks: measured ratios, never timed tests.

Each `benchmarks/bench_<name>.py` module has a `main()` that measures something against a baseline
taken in the same run, and prints its figures as `name: value` lines (`common.report`). Run them all
with `make bench` (`python -m benchmarks`), or some by name: `python -m benchmarks ingest flag`.

Shared helpers live in `benchmarks/common.py`: a fresh, migrated benchmark database
(`linewatch_bench`, beside the configured one), a timer, measurement in a child process (for a
per-measurement peak RSS), and the printing of figures. Generated data goes under `bench-data/`
(gitignored), keyed by its parameters so it is made once.
"""
