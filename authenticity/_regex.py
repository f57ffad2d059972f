"""Regex helpers for hot paths.

Python's ``re`` skips, in C, every position whose character cannot start a
match, but only when the pattern visibly starts with a literal or a single
character class; a leading ``\\b``, lookbehind or group of alternatives turns
that off and the engine tries the whole pattern at every position. ``led``
rewrites an alternation into the fast form without changing what it matches.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["led"]


def led(alternatives: Sequence[tuple[str, str]]) -> str:
    """``alt1|alt2|…`` where alternative *i* is one character of class ``[first_i]`` followed by ``rest_i``.

    Written as ``[first_1…first_n](?:(?<=[first_1])rest_1|…)``: one character class first, then each
    alternative, in order, checks which character it started with. ``first`` is the inside of a character
    class (``"\\\\d"``, ``"满"``, ``"¥$€£"``); ``rest`` may start with lookbehinds about what came before the
    first character, such as ``(?<![\\\\d.].)`` for "not preceded by a digit or dot".
    """
    if not alternatives:
        raise ValueError("led() needs at least one alternative")
    union = "".join(first for first, _ in alternatives)
    body = "|".join(f"(?<=[{first}]){rest}" for first, rest in alternatives)
    return f"[{union}](?:{body})"
