"""Feed formats: one module per format, each turning a file into canonical observation frames.

A format module exposes `parse(path, chunk_rows) -> Iterator[pandas.DataFrame]`, yielding frames
with the columns of `linewatch.observation` (see that module for the contract). Registering a new
format is one module plus one line in FORMATS.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from importlib import import_module
from pathlib import Path

import pandas as pd

Parser = Callable[[Path, int], Iterator[pd.DataFrame]]

FORMATS = {
    "synthetic": "linewatch.feeds.synthetic",
    "firms": "linewatch.feeds.firms",
    "acled": "linewatch.feeds.acled",
    "ucdp": "linewatch.feeds.ucdp",
    "reports": "linewatch.feeds.reports",
}


def parser_for(fmt: str) -> Parser:
    try:
        module = FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown feed format {fmt!r}; known formats: {', '.join(sorted(FORMATS))}") from None
    return import_module(module).parse
