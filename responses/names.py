"""Short display names for organisations, for buttons, tables and headlines."""

from __future__ import annotations

import re

_SHORTEN = [
    (re.compile(r"\s*Community Rehabilitation Company$"), " CRC"),
    (re.compile(r"^(.*?) Division, National Probation Service$"), r"NPS \1"),
    (re.compile(r"\s*Probation Delivery Unit$"), " PDU"),
    (re.compile(r"^Probation Service – (.*)$"), r"\1"),
]


def short_name(name: str) -> str:
    """A name short enough for a button or a table: "Wales Community Rehabilitation Company" -> "Wales CRC"."""
    for pattern, repl in _SHORTEN:
        name = pattern.sub(repl, name)
    return name
