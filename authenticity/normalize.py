"""Text normalization: Unicode, placeholders, hashtags, prices, platform emoji.

``normalize(text)`` is the first step of every path (training, scoring, the
draft check and the campaign audit), so it is total: any ``str`` goes in,
including lone surrogates, control characters and megabyte posts, and a
``str`` comes out.

What it does, in order:

1. replaces lone surrogates (invalid UTF-16 halves) with U+FFFD and removes
   control and format characters (keeping newlines and the zero-width joiner
   inside emoji sequences);
2. Unicode NFKC, which folds full-width forms (``ＡＢＣ１２３！`` → ``ABC123!``);
3. lowercases (only cased scripts change);
4. replaces URLs, e-mails, @mentions, phone numbers, prices and discounts with
   one-character placeholders (private-use code points, see ``PLACEHOLDERS``);
5. rewrites Xiaohongshu ``#话题[话题]#`` and Weibo ``#话题#`` hashtags to the
   plain ``#话题`` form; keeps emoji and bracket emoji such as ``[赞r]``;
6. collapses runs of spaces to one space and runs of blank lines to one ``\\n``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Any

from ._regex import led

__all__ = ["GATE_WORDS", "PLACEHOLDERS", "PLACEHOLDER_NAMES", "clean_unicode", "normalize", "normalize_batch",
           "readable"]

PLACEHOLDERS: dict[str, str] = {
    "url": "\ue001",
    "email": "\ue002",
    "mention": "\ue003",
    "phone": "\ue004",
    "price": "\ue005",
    "discount": "\ue006",
}
PLACEHOLDER_NAMES: dict[str, str] = {v: f"<{k}>" for k, v in PLACEHOLDERS.items()}

# Characters removed before anything else: C0/C1 controls but \n and \t,
# format characters (bidi marks, zero-width space, BOM) but the ZWJ, and the
# private-use area we use for placeholders.
_DROP_RE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b\u200c\u200e\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\ue000-\uf8ff]"
)
_SURROGATE_RE = re.compile("[\ud800-\udfff]")

_P = PLACEHOLDERS
_SUBS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?:https?://|www\.)[^\s\u3000-\u303f\uff00-\uffef<>\"']{1,500}"), f" {_P['url']} "),
    (
        re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){0,4}\.[a-z]{2,12}"),
        f" {_P['email']} ",
    ),
    (
        re.compile(r"(?<![a-z0-9-])[a-z0-9-]{1,63}\.(?:com|cn|net|org|io|co|me|ly|shop|store)(?:/[^\s]{0,200})?\b"),
        f" {_P['url']} ",
    ),
    (re.compile(r"@[^\s@#,，。!?:;、()\[\]【】'\"]{1,30}"), f" {_P['mention']} "),
    (
        re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d{9}(?!\d)|(?<![\d.])\d{3,4}-\d{3,4}-\d{4}(?!\d)"),
        f" {_P['phone']} ",
    ),
    (
        re.compile(led([
            ("满", r"\d{1,7}减\d{1,7}"),
            (r"\d", r"(?<![\d.].)\d{0,2}(?:\.\d{1,2})?\s?折"),
            (r"\d", r"(?<!\d.)\d{0,2}\s?%\s?off\b"),
            (r"\d", r"(?<!\d.)\d{0,2}\s?% discount"),
            ("b", r"(?<!\w.)ogo\b"),
            ("买", "一送一"),
            ("第", "二件半价"),
        ])),
        f" {_P['discount']} ",
    ),
    (
        re.compile(led([
            ("¥$€£", r"\s?\d{1,10}(?:[.,]\d{1,3}){0,3}"),
            (r"\d", r"(?<![\d.].)\d{0,9}(?:\.\d{1,2})?\s?(?:元|块钱|rmb|usd|dollars?|bucks|quid)"),
        ])),
        f" {_P['price']} ",
    ),
    # Xiaohongshu topic tags: "#好物分享[话题]#" -> "#好物分享"
    (re.compile(r"#([^#\s\[\]]{1,40})\[(?:话题|話題)\]#"), r" #\1 "),
    # Weibo topic tags: "#好物分享#" -> "#好物分享"
    (re.compile(r"#([^#\s]{1,30})#"), r" #\1 "),
]
# Cheap tests that must pass before a substitution is tried (most posts have no URL, phone, price …): each is a
# necessary condition for its substitution to match, so skipping the substitution when it fails changes nothing.
# Substring tests run in C; the regexes start with a literal or a character class, so they scan in C too.
def _has_web(text: str) -> bool:
    return "http" in text or "www." in text


def _has_at(text: str) -> bool:
    return "@" in text


def _has_hash(text: str) -> bool:
    return "#" in text


# The words that open the discount and the price substitutions; with the phone number's digits, the costliest
# gates, which ``normalize_batch`` computes for a whole batch in one compiled pass (``_nb.gates``).
GATE_WORDS: tuple[tuple[str, ...], ...] = (
    ("折", "%", "满", "bogo", "买一送一", "第二件"),
    ("¥", "$", "€", "£", "元", "块钱", "rmb", "usd", "dollar", "bucks", "quid"),
)
_PHONE_GATE = 4  # the index of the first of the three gates: phone, discount, price

_GATES: list[Callable[[str], object]] = [
    _has_web,
    re.compile(r"@[a-z0-9-]{1,63}\.").search,  # an e-mail address: @domain.
    re.compile(r"\.(?:com|cn|net|org|io|co|me|ly|shop|store)").search,
    _has_at,
    re.compile(r"\d(?:\d{6}|\d\d-\d)").search,  # a mobile number's 7 digits in a row, or 010-1234-…
    *(re.compile("|".join(map(re.escape, words))).search for words in GATE_WORDS),
    _has_hash,
    _has_hash,
]
# Runs of spaces become one space, written so that a lone space (most of them) is not a match at all; and only
# tried when there are two spaces in a row or a whitespace character other than space and newline.
_SPACES_RE = re.compile(r"[^\S\n](?:(?<= )[^\S\n]+|(?<! )[^\S\n]*)")
_OTHER_SPACE_RE = re.compile(r"[^\S \n]")
_NEWLINES_RE = re.compile(r"[ \n](?:(?<= )\n\s*|(?<=\n)\s*)")
# Characters common in Chinese posts whose NFKC form is their own full decomposition (full-width punctuation,
# the ideographic space, …): replacing them first leaves NFKC's result unchanged and usually makes the post
# NFKC-normal already, which skips the much slower general normalization.
_NFKC_COMMON: tuple[tuple[str, str], ...] = tuple(
    (c, unicodedata.normalize("NFKC", c))
    for c in "，！？：；（）～｜＜＞＋％＃＠　…℃"
)


def clean_unicode(text: str) -> str:
    """Make any ``str`` safe to process: no lone surrogates, controls or placeholders."""
    if _SURROGATE_RE.search(text):
        text = _SURROGATE_RE.sub("\ufffd", text)
    return _DROP_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def normalize(text: str) -> str:
    """Return the normalized form of one post (see the module docstring).

    >>> normalize("ＷＯＷ 这个精华¥１９９ 闭眼入！ #好物分享[话题]# @小鹿")
    'wow 这个精华 \\ue005 闭眼入! #好物分享 \\ue003'
    """
    if not isinstance(text, str):
        raise TypeError(f"normalize() expects a str, got {type(text).__name__}")
    return _finish(_start(text))


def normalize_batch(texts: Iterable[str]) -> list[str]:
    """``normalize`` of each text; with the compiled kernels, three costly gates run for the batch in one pass."""
    from . import _kernels

    texts = list(texts)  # any iterable, read once
    for t in texts:
        if not isinstance(t, str):
            raise TypeError(f"normalize() expects a str, got {type(t).__name__}")
    started = list(map(_start, texts))
    if not _kernels.use(len(started)):
        return list(map(_finish, started))
    known = _kernels.gate_flags(started, _digit_table(), GATE_WORDS).tolist()
    return list(map(_finish, started, known))


def _start(text: str) -> str:
    # No character's NFKC form or lowercase holds a character that clean_unicode drops (the tests check every
    # code point), so one cleaning pass, before, suffices.
    return _nfkc(clean_unicode(text)).lower()


def _finish(text: str, known: Sequence[bool] | None = None) -> str:
    """The substitutions and the spacing of ``normalize``; ``known`` holds the phone, discount and price gates.

    ``known`` may be computed before any substitution. A gate matches only digits, hyphens and its words, never a
    space or a placeholder, and every substitution writes a placeholder with spaces around it: so an earlier
    substitution can make a later gate false, never true, and a gate that was true but no longer is costs only a
    search that finds nothing. (A gate word with a space in it would need this argument again.)
    """
    for k, ((pattern, repl), gate) in enumerate(zip(_SUBS, _GATES, strict=True)):
        j = k - _PHONE_GATE
        if known is not None and 0 <= j < 3:
            if not known[j]:
                continue
        elif not gate(text):
            continue
        text = pattern.sub(repl, text)
    if "  " in text or _OTHER_SPACE_RE.search(text):
        text = _SPACES_RE.sub(" ", text)
    if "\n" in text:
        text = _NEWLINES_RE.sub("\n", text)
    return text.strip()


@lru_cache(maxsize=1)
def _digit_table() -> Any:
    """``table[cp]``: whether ``chr(cp)`` is a decimal digit (regex ``\\d``); every one is below U+20000."""
    import numpy as np

    table = np.zeros(0x20000, dtype=np.bool_)
    for m in re.finditer(r"\d+", "".join(map(chr, range(len(table))))):
        table[m.start() : m.end()] = True
    return table


def _nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, faster for the usual post."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    for c, repl in _NFKC_COMMON:
        if c in text:
            text = text.replace(c, repl)
    if unicodedata.is_normalized("NFKC", text):
        return text
    return unicodedata.normalize("NFKC", text)


def readable(fragment: str) -> str:
    """Replace placeholder characters with readable names such as ``<url>``."""
    for ch, name in PLACEHOLDER_NAMES.items():
        if ch in fragment:
            fragment = fragment.replace(ch, name)
    return fragment
