"""Language-neutral text overlap: character shingles, copied spans, similarity.

Texts are compared on a *compact* form: normalized (see
:mod:`authenticity.normalize`), then with whitespace and punctuation removed,
so "持妆12小时，不脱妆" and "持妆12小时 不脱妆!" are the same and Chinese needs
no segmentation. Shingles are ``k`` consecutive compact characters. Every
compact character remembers its offset in the normalized text, so copied
spans can be shown as readable phrases.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .normalize import normalize, readable

__all__ = [
    "K",
    "MIN_SPAN",
    "Compact",
    "Span",
    "compact",
    "shingles",
    "copied_spans",
    "copy_share",
    "covered",
    "expected_mask",
    "jaccard",
    "merge_spans",
    "is_latin",
    "runs",
]

K = 6
#: a copied span must cover at least this many compact characters to be shown
MIN_SPAN = 8
_LATIN = re.compile(r"[a-z0-9]")


def _keep(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return cat[0] in "LNS" or ch == "#"


@dataclass(frozen=True)
class Compact:
    """A normalized text, its compact form, and the offset of each compact char."""

    norm: str
    chars: str
    offsets: tuple[int, ...]


@dataclass(frozen=True)
class Span:
    """A span of a normalized text: ``text`` is readable, offsets index ``norm``."""

    text: str
    start: int
    end: int
    length: int  # compact characters covered


def compact(text: str, *, normalized: bool = False) -> Compact:
    """Normalize ``text`` (unless already normalized) and drop spaces and punctuation."""
    norm = text if normalized else normalize(text)
    idx = [i for i, ch in enumerate(norm) if _keep(ch)]
    return Compact(norm, "".join(norm[i] for i in idx), tuple(idx))


def shingles(c: Compact | str, k: int = K) -> set[str]:
    """The set of ``k``-character shingles of a compact text (a short text is one shingle)."""
    s = c.chars if isinstance(c, Compact) else c
    if not s:
        return set()
    if len(s) <= k:
        return {s}
    return {s[i : i + k] for i in range(len(s) - k + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def expected_mask(c: Compact, exclude: Iterable[str]) -> list[bool]:
    """Which compact characters of ``c`` belong to an expected term (hashtag, brand, mandatory line)."""
    mask = [False] * len(c.chars)
    for e in exclude:
        e = compact(e).chars
        if len(e) < 2:
            continue
        start = c.chars.find(e)
        while start >= 0:
            for j in range(start, start + len(e)):
                mask[j] = True
            start = c.chars.find(e, start + 1)
    return mask


def copy_share(c: Compact, reference: set[str], k: int = K, exclude: Iterable[str] = ()) -> float:
    """Share of the compact characters of ``c`` covered by ``reference`` shingles.

    Characters of expected terms (``exclude``) count neither as copied nor in the total.
    """
    if not c.chars or not reference:
        return 0.0
    mask = expected_mask(c, exclude)
    total = sum(1 for m in mask if not m)
    if total == 0:
        return 0.0
    return sum(covered(c.chars, reference, k, mask)) / total


def covered(s: str, reference: set[str] | frozenset[str], k: int = K,
            mask: Sequence[bool] | None = None) -> list[bool]:
    """Which characters of compact text ``s`` lie inside a ``k``-shingle found in ``reference``.

    A text shorter than ``k`` is covered whole when it is itself in ``reference``.
    Characters where ``mask`` is true (expected terms) are never covered.
    """
    cov = [False] * len(s)
    if len(s) < k:
        if s in reference and s:
            cov = [True] * len(s)
    else:
        for i in range(len(s) - k + 1):
            if s[i : i + k] in reference:
                for j in range(i, i + k):
                    cov[j] = True
    if mask is not None:
        cov = [cv and not m for cv, m in zip(cov, mask, strict=True)]
    return cov


def runs(flags: Sequence[bool]) -> list[tuple[int, int]]:
    """The maximal runs ``[start, end)`` of true values in ``flags``."""
    out = []
    i, n = 0, len(flags)
    while i < n:
        if not flags[i]:
            i += 1
            continue
        j = i
        while j < n and flags[j]:
            j += 1
        out.append((i, j))
        i = j
    return out


def copied_spans(c: Compact, reference: set[str], *, k: int = K, min_len: int = MIN_SPAN,
                 exclude: Iterable[str] = ()) -> list[Span]:
    """Maximal runs of ``c`` covered by reference shingles, as readable phrases.

    Runs shorter than ``min_len`` compact characters, and runs that are
    wholly inside one of the ``exclude`` strings (mandatory hashtags, brand
    names …, compared in compact form), are left out.
    """
    if not c.chars or not reference:
        return []
    out: list[Span] = []
    for i, j in runs(covered(c.chars, reference, k, expected_mask(c, exclude))):
        if j - i >= min_len:
            start, end = c.offsets[i], c.offsets[j - 1] + 1
            out.append(Span(readable(c.norm[start:end]).strip(), start, end, j - i))
    return out


def merge_spans(spans: Sequence[Span]) -> list[Span]:
    """Merge overlapping or touching spans (sorted by start)."""
    out: list[Span] = []
    for s in sorted(spans, key=lambda s: (s.start, -s.end)):
        if out and s.start <= out[-1].end + 1:
            last = out[-1]
            if s.end > last.end:
                out[-1] = Span(last.text, last.start, s.end, last.length + s.length)
        else:
            out.append(s)
    return out


def is_latin(s: str) -> bool:
    """True when most characters of ``s`` are Latin letters or digits."""
    return bool(s) and len(_LATIN.findall(s)) * 2 >= len(s)
