"""Tokenization of normalized text into script runs and tokens.

Chinese runs are segmented by jieba's algorithm (precise mode with HMM, plus
the user dictionary in ``lexicons/userdict.txt``); Latin and other alphabetic
runs by a regular expression; hashtags, Xiaohongshu bracket emoji (``[赞r]``),
emoji, placeholders and punctuation marks (``! ? . , ; : 。 、``: writing
habits are signal) are single tokens.

The segmenter is a private instance, loaded lazily on first use and quiet (no
log lines on stderr). By default it is ``rjieba`` (a binding of jieba-rs: the
same dictionary and algorithm, about 20 times faster); plain ``jieba`` is the
reference and the fallback, and the tests check that both segment the bundled
corpus identically. Set ``AUTHENTICITY_SEGMENTER=jieba`` to force jieba.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

__all__ = ["CJK_RE", "cut_chinese", "detect_lang", "detect_langs", "script_runs", "segmenter_name", "splice",
           "token_parts", "tokenize"]

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FA1F))
CJK_RE = re.compile(f"[{_CJK}]+")
_LATIN_RE = re.compile(r"[a-z]")

# The token alternatives' character classes, shared by the regex and by the compiled tokenizer's table
# (``char_kinds``): a placeholder; a hashtag's and a bracket emoji's body; a Latin (or other alphabetic) word;
# punctuation kept as tokens; the first character of an emoji.
_PH = r"[\ue001-\ue00f]"
_TAG_BODY = r"""[^\s#\[\]!?.,;:。!?、()""'']"""
_BEMOJI_BODY = r"[^\[\]\s]"
_WORD = rf"[^\W_{_CJK}]"
_PUNCT = r"[!?.,;:。、]"
_EMOJI = r"[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u2190-\u21FF]"

_TOKEN_RE = re.compile(
    rf"""(?P<ph>{_PH})
    |(?P<tag>\#{_TAG_BODY}{{1,40}})
    |(?P<bemoji>\[{_BEMOJI_BODY}{{1,8}}r\])
    |(?P<cjk>[{_CJK}]+)
    |(?P<word>{_WORD}+(?:['’]{_WORD}+)*)
    |(?P<punct>{_PUNCT})
    |(?P<emoji>{_EMOJI}\ufe0f?)
    """,
    re.VERBOSE,
)

# The same alternatives without names: ``findall`` then returns the tokens as strings, built in C.
_TOKENS = re.compile(re.sub(r"\(\?P<\w+>", "(?:", _TOKEN_RE.pattern), re.VERBOSE).findall

_lock = threading.Lock()


def _userdict() -> list[tuple[str, int]]:
    text = resources.files("authenticity").joinpath("lexicons/userdict.txt").read_text("utf-8")
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, freq = line.rsplit(maxsplit=1)
            out.append((word, int(freq)))
    return out


def _want() -> str:
    return os.environ.get("AUTHENTICITY_SEGMENTER", "rjieba").strip().lower()


@lru_cache(maxsize=2)
def _load(name: str) -> tuple[str, Callable[[str], list[str]]]:
    with _lock:
        if name == "rjieba":
            try:
                import rjieba
            except ImportError:  # pragma: no cover - rjieba is a core dependency
                return _load("jieba")
            seg = rjieba.Jieba()
            for word, freq in _userdict():
                seg.add_word(word, freq, None)
            return "rjieba", lambda s: seg.cut(s, True)
        import jieba

        jieba.setLogLevel(logging.WARNING)
        logging.getLogger("jieba").setLevel(logging.WARNING)
        tok = jieba.Tokenizer()
        tok.initialize()
        for word, freq in _userdict():
            tok.add_word(word, freq)
        return "jieba", lambda s: tok.lcut(s, HMM=True)


def segmenter_name() -> str:
    """The segmenter in use: ``"rjieba"`` or ``"jieba"``."""
    return _load(_want())[0]


def cut_chinese(run: str, segmenter: str | None = None) -> list[str]:
    """Segment one run of Chinese characters into words."""
    return _load(segmenter or _want())[1](run)


def tokenize(text: str) -> list[str]:
    """Split *normalized* text into tokens (see :func:`authenticity.normalize`)."""
    toks, runs, words = token_parts(text)
    return splice(toks, runs, words) if runs else toks


def token_parts(text: str) -> tuple[list[str], list[int], list[str]]:
    """What :func:`tokenize` splices together: ``(tokens, runs, words)``.

    ``tokens`` has each run of Chinese characters as one token; ``runs`` holds
    the positions of those runs in ``tokens``; ``words`` is the segmenter's
    output for the runs, in order, with ``"\\n"`` between one run's words and
    the next's. Tokens that are not Chinese runs (hashtags, bracket emoji,
    Latin words, punctuation …) are final here already.
    """
    toks = _TOKENS(text)
    if not CJK_RE.search(text):
        return toks, [], []
    # Chinese runs are the tokens that start with a Chinese character (tags and bracket emoji start with # and [);
    # comparing whole strings against the range ends tests the first character without indexing.
    at = [i for i, t in enumerate(toks)
          if t >= "\u3400" and (t < "\ua000" or "\uf900" <= t < "\ufb00" or "\U00020000" <= t < "\U0002fa20")]
    if not at:
        return toks, at, []
    # One call to the segmenter per post: runs joined by newlines, which it keeps as tokens of their own.
    return toks, at, _load(_want())[1]("\n".join([toks[i] for i in at]))


def splice(toks: list[str], runs: list[int], words: list[str]) -> list[str]:
    """The tokens of :func:`token_parts` with each Chinese run replaced by its words."""
    out: list[str] = []
    prev = pos = 0
    last = len(runs) - 1
    for k, i in enumerate(runs):
        end = words.index("\n", pos) if k < last else len(words)
        out += toks[prev:i]
        out += words[pos:end]
        prev, pos = i + 1, end + 1
    out += toks[prev:]
    return out


#: bits of ``char_kinds``: which token alternatives a character can start or continue (as in ``authenticity._nb``)
KIND_BITS = {"ph": 1, "tag": 2, "bemoji": 4, "cjk": 8, "word": 16, "punct": 32, "emoji": 64}
_KIND_CLASSES = {"ph": _PH, "tag": _TAG_BODY, "bemoji": _BEMOJI_BODY, "cjk": f"[{_CJK}]", "word": _WORD,
                 "punct": _PUNCT, "emoji": _EMOJI}
#: the table covers planes 0-3; every character beyond is a hashtag or bracket emoji body character and nothing else
KIND_TABLE_SIZE = 0x40000


@lru_cache(maxsize=1)
def char_kinds() -> Any:
    """``table[cp]``: the kinds (``KIND_BITS``) of character ``cp``, for the compiled tokenizer.

    Built from the token regex's own character classes, so the two cannot disagree about a character.
    """
    import numpy as np

    table = np.zeros(KIND_TABLE_SIZE, dtype=np.uint8)
    chars = "".join(map(chr, range(KIND_TABLE_SIZE)))
    for kind, cls in _KIND_CLASSES.items():
        for m in re.finditer(cls + "+", chars):
            table[m.start() : m.end()] |= KIND_BITS[kind]
    return table


def segment_runs(text: str, starts: list[int], ends: list[int]) -> list[str]:
    """The segmenter's words for the runs of Chinese characters ``text[starts[k]:ends[k]]``, in one call.

    The runs are joined by newlines, which the segmenter keeps as words of their own, so the words of one run
    are followed by ``"\\n"`` (but the last run's), as in ``token_parts``.
    """
    if not starts:
        return []
    return _load(_want())[1]("\n".join([text[s:e] for s, e in zip(starts, ends, strict=True)]))


def script_runs(text: str) -> list[tuple[str, str]]:
    """Split text into ``(kind, run)`` pairs, kind ``"cjk"`` or ``"other"``."""
    runs: list[tuple[str, str]] = []
    pos = 0
    for m in CJK_RE.finditer(text):
        if m.start() > pos:
            runs.append(("other", text[pos : m.start()]))
        runs.append(("cjk", m.group()))
        pos = m.end()
    if pos < len(text):
        runs.append(("other", text[pos:]))
    return runs


def detect_lang(text: str) -> str:
    """``"zh"``, ``"en"``, ``"mixed"`` or ``"other"`` for a normalized post.

    Counts Chinese characters against Latin letters: a post is ``mixed`` when
    the minority script has at least 3 Latin words' worth of letters and at
    least 8% of the letters.
    """
    return _lang_of(sum(len(r) for r in CJK_RE.findall(text)), len(_LATIN_RE.findall(text)))


def detect_langs(texts: Sequence[str]) -> list[str]:
    """``detect_lang`` of each text, counting characters for the whole batch at once with NumPy."""
    import numpy as np

    if not texts:
        return []
    cp = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    doc = np.repeat(np.arange(len(texts)), lengths)
    cjk = np.zeros(len(cp), dtype=bool)
    for lo, hi in _CJK_RANGES:
        cjk |= (cp >= lo) & (cp <= hi)
    latin = (cp >= 0x61) & (cp <= 0x7A)
    n_cjk = np.bincount(doc[cjk], minlength=len(texts)).tolist()
    n_lat = np.bincount(doc[latin], minlength=len(texts)).tolist()
    return [_lang_of(c, la) for c, la in zip(n_cjk, n_lat, strict=True)]


def _lang_of(n_cjk: int, n_lat: int) -> str:
    if n_cjk == 0 and n_lat == 0:
        return "other"
    # a Chinese character carries about as much as 3 Latin letters
    w_cjk, w_lat = n_cjk * 3, n_lat
    total = w_cjk + w_lat
    if n_cjk and n_lat >= 6 and min(w_cjk, w_lat) / total >= 0.08:
        return "mixed"
    return "zh" if w_cjk >= w_lat else "en"
