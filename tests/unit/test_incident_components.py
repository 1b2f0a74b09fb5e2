"""Merging linked incident clusters into components (pure; no database)."""

from __future__ import annotations

from linewatch.incidents import components


def test_incident_components_join_chains_and_take_the_smallest_key():
    links = [("p:v:3:1", "p:v:4:0"), ("p:v:4:0", "p:v:5:2"), ("p:v:9:0", "p:v:10:1"), ("p:v:5:2", "p:v:2:7")]
    got = components(links)
    assert {k for k, v in got.items() if v == "p:v:2:7"} == {"p:v:2:7", "p:v:3:1", "p:v:4:0", "p:v:5:2"}
    assert got["p:v:9:0"] == got["p:v:10:1"] == "p:v:10:1"
    assert components(list(reversed(links))) == got
