"""`python -m benchmarks [name ...]`: run every benchmarks/bench_*.py module's main(), or the named ones."""

from __future__ import annotations

import sys
from importlib import import_module
from pathlib import Path

HERE = Path(__file__).resolve().parent


def available() -> list[str]:
    return sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))


def run(names: list[str]) -> int:
    known = available()
    unknown = [n for n in names if n.removeprefix("bench_") not in known]
    if unknown:
        print(f"unknown benchmark(s) {', '.join(unknown)}; available: {', '.join(known)}", file=sys.stderr)
        return 2
    for name in [n.removeprefix("bench_") for n in names] or known:
        print(f"== {name}", flush=True)
        import_module(f"benchmarks.bench_{name}").main()
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
