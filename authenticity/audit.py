"""Campaign audit: did the brief (or a script passed along outside it) control the posts?

``audit_campaign(posts, brief)`` reads the posts creators wrote from one
brief and returns an :class:`AuditReport`: a verdict (``ok`` / ``watch`` /
``over-controlled``), an over-control index 0–100, the evidence in plain
words, and per-post, per-phrase and per-creator detail.

All text signals work on the *compact* form of normalized text (see
:mod:`authenticity.overlap`: no spaces or punctuation, so Chinese needs no
segmentation) and its character shingles (``K`` = 6 characters).

Expected terms
    Mandatory hashtags, @mentions, brand and product names (from the brief's
    hashtags, mentions, name lines and title), the mandatory lines and the
    quoted phrases of the brief's mandatory section, and common disclosure
    words (广告, #ad, paid partnership …). Posts are *supposed* to carry them:
    they are reported apart (``expected_terms``) and their characters count
    neither as copied nor as shared text.

Signals
    1. **Scripted share** — the share of posts the model (``resolve_model``,
       one batch) calls scripted, and the distribution of ``p_scripted``.
    2. **Brief copy** — per post, the share of its own characters (expected
       terms left out) inside runs copied from the brief (runs of brief
       shingles at least ``MIN_COPY_CJK`` / ``MIN_COPY_LATIN`` characters long,
       so a shared word or product fact is not copying), the longest run, and
       the runs as readable phrases. The brief's mandatory section is not part
       of the reference.
    3. **Echoed brief phrases** — the brief's key messages, sample-script
       sentences and other lines, split into sentences and clauses; a phrase
       is echoed by a post when ``ECHO_COVER`` of its shingles are in the post.
       Reported with the share of posts; counted against the brief from
       ``ECHO_SHARE`` of posts up.
    4. **Hidden template** — shingles (not in expected terms) that at least
       ``TEMPLATE_SHARE`` of posts (and ``TEMPLATE_MIN_POSTS``) contain are
       merged into runs, cut at sentence ends, and the pieces that are not
       mostly brief text become *shared phrases*; a post uses the template
       when ``POST_TEMPLATE`` of its text is such phrases. A shared list
       skeleton (①②③, 1. 2. 3., ✅✅✅) is reported too.
    5. **Near-duplicates** — clusters of posts whose shingle Jaccard
       similarity is at least :data:`authenticity.dedup.DUP_THRESHOLD`
       (exact for small campaigns, MinHash-LSH verified exactly for large).
    6. **Creators** — per creator: posts, reused share, scripted share.
    7. **Engagement** — likes / saves / comments / shares … by band
       (``reused``: copies the brief, uses the template or is a near-duplicate;
       ``scripted``: the model calls it scripted; ``own words``: neither).

Over-control index
    ``sum(weight × score)`` over :data:`COMPONENTS`, each score in [0, 1]:

    ========== ====== =====================================================
    component  weight score
    ========== ====== =====================================================
    reuse      35     share of posts reusing text (a post copies the brief
                      when ``POST_COPY`` of it is copied, uses the template
                      when ``POST_TEMPLATE`` of it is shared phrases, or is
                      in a near-duplicate cluster) ÷ 0.75, capped at 1
    borrowed   25     mean share of a post taken from the brief, the hidden
                      template or (for near-duplicates) another post ÷ 0.6
    duplicates 25     share of posts in near-duplicate clusters ÷ 0.5
    scripted   15     share of posts the model calls scripted
    ========== ====== =====================================================

Verdict
    ``over-controlled`` from :data:`OVER_AT` (65), ``watch`` from
    :data:`WATCH_AT` (20), else ``ok``; and two rules on top, reported in
    ``verdict_rules``: when at least :data:`MAJORITY_REUSE` (half) of the
    posts reuse text the verdict is ``over-controlled``; a near-duplicate
    cluster of :data:`DUP_FLOOR_POSTS` (3) or more posts (and at least 5 % of
    posts) makes it at least ``watch``.

    Calibration (``data/campaigns``, 14 campaigns): loose briefs score 0–4,
    partial copying / partial templates / a few near-duplicates 31–49,
    word-for-word briefs, pasted sample scripts and hidden templates 89–98;
    the scripted component (15 points at most) cannot move a campaign across
    a cut-off on its own, so a retrained model does not change these
    verdicts. The reused share is 0 % for loose campaigns, 17–33 % for
    ``watch`` and 65–78 % for ``over-controlled`` ones.

Limits
    A campaign has at most :data:`MAX_POSTS` rows and its brief at most
    :data:`~authenticity.brief.MAX_BRIEF_CHARS` characters (both refused with
    an :class:`~authenticity.errors.InputError` beyond); a post over
    :data:`~authenticity.scoring.MAX_CHARS` characters gets status
    ``too_long`` and is left out of the signals.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .audit_report import (
    AuditReport,
    Component,
    CreatorResult,
    DuplicateCluster,
    EchoedPhrase,
    EngagementBand,
    ExpectedTerm,
    Highlight,
    PostResult,
    SharedPhrase,
    SharedStructure,
)
from .brief import _KEY, _MANDATORY, _SCRIPT, MAX_BRIEF_CHARS, Brief, parse_brief
from .dedup import DUP_THRESHOLD, near_duplicates, similarity_matrix
from .errors import InputError
from .io import find_column
from .normalize import clean_unicode, readable
from .overlap import Compact, K, compact, covered, is_latin, runs
from .scoring import row_status
from .tokenize import detect_lang

__all__ = [
    "COMPONENTS",
    "CREATOR_COLUMN_NAMES",
    "ID_COLUMN_NAMES",
    "MAX_POSTS",
    "OVER_AT",
    "VERDICTS",
    "WATCH_AT",
    "AuditReport",
    "Component",
    "CreatorResult",
    "DuplicateCluster",
    "EchoedPhrase",
    "EngagementBand",
    "ExpectedTerm",
    "Highlight",
    "PostResult",
    "SharedPhrase",
    "SharedStructure",
    "audit_campaign",
    "expected_terms",
]

# -- thresholds (calibrated on data/campaigns; documented in the module docstring) ----
MIN_COPY_CJK = 8
MIN_COPY_LATIN = 16
ECHO_COVER = 0.7
ECHO_MIN_LEN_CJK = 8
ECHO_MIN_WORDS_LATIN = 4
ECHO_MIN_POSTS = 2
ECHO_SHARE = 0.25
TEMPLATE_SHARE = 0.2
TEMPLATE_MIN_POSTS = 3
TEMPLATE_MIN_LEN_CJK = 8
TEMPLATE_MIN_LEN_LATIN = 16
TEMPLATE_BRIEF_MAX = 0.5
VARIANT_OVERLAP = 0.5
POST_COPY = 0.3
POST_TEMPLATE = 0.2
WATCH_AT = 20.0
OVER_AT = 65.0
#: a near-duplicate cluster this large (and at least DUP_FLOOR_SHARE of posts) makes the verdict at least watch
DUP_FLOOR_POSTS = 3
DUP_FLOOR_SHARE = 0.05
#: when at least this share of posts reuse text (brief copy, hidden template, near-duplicate) the verdict is
#: over-controlled whatever the index (calibration: over-controlled campaigns 65–78 %, watch campaigns 17–33 %)
MAJORITY_REUSE = 0.5
VERDICTS = ("ok", "watch", "over-controlled")
#: campaigns up to this many posts keep the full similarity matrix (for the report's heatmap)
SIMILARITY_MAX = 80
#: rows of one campaign audited at most (20,000 posts take about half a minute and 2 GB)
MAX_POSTS = 20_000

#: (name, weight, saturation, what it measures)
COMPONENTS: tuple[tuple[str, float, float, str], ...] = (
    ("reuse", 35.0, 0.75, "share of posts that copy the brief, use a hidden template or are near-duplicates"),
    ("borrowed", 25.0, 0.6, "mean share of a post's text taken from the brief, a hidden template or another post"),
    ("duplicates", 25.0, 0.5, "share of posts in near-duplicate clusters"),
    ("scripted", 15.0, 1.0, "share of posts the model calls scripted"),
)

CREATOR_COLUMN_NAMES = (
    "creator", "author", "user", "username", "user_name", "screen_name", "nickname", "handle", "account",
    "kol", "koc", "influencer", "creator_name", "author_name", "作者", "博主", "达人", "昵称", "用户",
    "用户名", "账号", "创作者", "达人昵称", "博主昵称",
)
ID_COLUMN_NAMES = ("post_id", "id", "note_id", "post", "笔记id", "笔记ID", "编号", "序号", "id号")
ENGAGEMENT_COLUMNS: dict[str, tuple[str, ...]] = {
    "likes": ("likes", "like", "like_count", "likes_count", "点赞", "点赞数", "赞", "获赞"),
    "saves": ("saves", "save", "collects", "collect", "collected", "favorites", "收藏", "收藏数"),
    "comments": ("comments", "comment_count", "comments_count", "评论数", "评论量"),
    "shares": ("shares", "share", "share_count", "reposts", "retweets", "转发", "转发数", "分享", "分享数"),
    "views": ("views", "view_count", "plays", "impressions", "浏览", "浏览量", "阅读", "阅读量", "播放", "播放量"),
}
_DISCLOSURE = ("广告", "品牌合作", "商业合作", "赞助", "#ad", "#sponsored", "#gifted", "paid partnership")

_QUOTED = re.compile(r"[「『“\"]([^「『“\"」』”\n]{2,60})[」』”\"]")
_LIST_PREFIX = re.compile(r"^\s*(?:[>]+\s*)*(?:[-*•·]|\d+[.)、]|[①-⑩])?\s*")
_SENTENCE_SPLIT = re.compile(r"(?<=[。！？!?；;…])|\n|(?<=\.)\s+")
_CLAUSE_SPLIT = re.compile(r"[，,、：:]|\s[—–-]+\s|[—–]{1,2}")
_SENTENCE_END = re.compile(r"[。！？!?；;…\n]|\.\s")
_TITLE_SPLIT = re.compile(r"\s[·|｜—–-]\s|[·｜|—–:：]")
_WORD = re.compile(r"[A-Za-z0-9'’]")
_LATIN_WORD = re.compile(r"[A-Za-z0-9]+(?:['’-][A-Za-z0-9]+)*")
_DROP = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b\u200c\u200e\u200f\u202a-\u202e"
                   "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\ue000-\uf8ff\ud800-\udfff]")
_DISPLAY_PREFIX = re.compile(r"^(?:[①-⑩]|\d\ufe0f?\u20e3|\d{1,2}[.、)）]\s|[-•·▪➡👉✅✔☑✓>]|\s)+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_MARKER = re.compile(r"[①-⑩]|[✅✔☑✓]|\d\ufe0f?\u20e3|(?:^|\n)\s*\d{1,2}[.、)）]|(?:^|\n)\s*[-•·▪➡👉]")


# -- brief helpers ------------------------------------------------------------------------


def _section_kind(title: str) -> str:
    if not title:
        return "brief"
    if _SCRIPT.search(title) and not _KEY.search(title):
        return "sample script"
    if _MANDATORY.search(title) and not _KEY.search(title):
        return "mandatory"
    if _KEY.search(title):
        return "key message"
    return "brief"


def _title_names(brief: Brief) -> list[str]:
    """Brand and product names from the brief's title (the text before ``·`` / ``—`` / ``|``)."""
    title = next((t for t in brief.sections if t), "")
    if not title:
        return []
    head = _TITLE_SPLIT.split(title)[0].strip()
    out = []
    if 2 <= len(compact(head).chars) <= 30:
        out.append(head)
    for tok in re.split(r"[\s,，/]+", head):
        tok = tok.strip("()（）")
        if len(tok) < 2:
            continue
        if _CJK.search(tok) or any(c.isdigit() for c in tok) or (tok.isupper() and len(tok) >= 3) or "&" in tok:
            out.append(tok)
    return out


def expected_terms(brief: Brief) -> list[tuple[str, str]]:
    """``(term, kind)`` pairs posts are expected to carry; kinds: hashtag, mention, name, mandatory, disclosure."""
    out: list[tuple[str, str]] = []
    out += [(t, "hashtag") for t in brief.hashtags]
    out += [(t, "mention") for t in brief.mentions]
    out += [(t, "name") for t in brief.names]
    out += [(t, "name") for t in _title_names(brief)]
    out += [(t, "mandatory") for t in brief.mandatory_lines]
    for title, body in brief.sections.items():
        if _section_kind(title) == "mandatory":
            out += [(q.strip(), "mandatory") for q in _QUOTED.findall(body)]
    out += [(t, "disclosure") for t in _DISCLOSURE]
    seen: set[str] = set()
    uniq = []
    for term, kind in out:
        key = compact(term).chars if kind != "mention" else term.lower()
        if len(key) >= 2 and key not in seen:
            seen.add(key)
            uniq.append((term, kind))
    return uniq


def _reference_text(brief: Brief) -> str:
    """The brief without its mandatory section(s): what posts should not copy."""
    if not brief.sections:
        return brief.text
    parts = []
    for title, body in brief.sections.items():
        if _section_kind(title) == "mandatory":
            continue
        parts.append(title)
        parts.append(body)
    return "\n".join(parts)


@dataclass
class _Candidate:
    text: str
    source: str
    shingles: frozenset[str]
    parent: int | None  # index of the sentence this clause belongs to


def _own_len(chars: str, mask: list[bool]) -> int:
    return sum(1 for m in mask if not m)


def _echo_candidates(brief: Brief, exp: list[str]) -> list[_Candidate]:
    out: list[_Candidate] = []
    seen: set[frozenset[str]] = set()

    def add(text: str, source: str, parent: int | None) -> int | None:
        text = text.strip().strip("*_`>").strip(" \t,，.。!！?？;；:：-—–")
        c = compact(text)
        if not c.chars:
            return None
        mask = _mask(c.chars, exp)
        n_own = _own_len(c.chars, mask)
        if is_latin(c.chars):
            if len(_LATIN_WORD.findall(text)) < ECHO_MIN_WORDS_LATIN:
                return None  # a name or a term ("biang biang noodles"), not a sentence to copy
        elif n_own < ECHO_MIN_LEN_CJK:
            return None
        sh = frozenset(_own_shingles(c.chars, mask))
        if not sh or sh in seen:
            return None
        seen.add(sh)
        out.append(_Candidate(text, source, sh, parent))
        return len(out) - 1

    for title, body in brief.sections.items():
        kind = _section_kind(title)
        if kind == "mandatory":
            continue
        for raw in body.splitlines():
            # Markdown table rows: each cell is its own line
            cells = [raw]
            if raw.strip().startswith("|"):
                cells = [x for x in re.split(r"\s*\|\s*", raw) if x.strip(" -:")]
            for line in cells:
                _add_line(line, kind, add)
    return out


def _add_line(line: str, kind: str, add: Any) -> None:
    """Add one brief line: each sentence, and each clause of a sentence with several."""
    line = _LIST_PREFIX.sub("", line).strip()
    for sent in _SENTENCE_SPLIT.split(line) if line else ():
        if not sent or not sent.strip():
            continue
        idx = add(sent, kind, None)
        clauses = [c for c in _CLAUSE_SPLIT.split(sent) if c and c.strip()]
        if len(clauses) > 1:
            for cl in clauses:
                add(cl, kind, idx)


# -- text helpers -------------------------------------------------------------------------


def _mask(chars: str, exp: Sequence[str]) -> list[bool]:
    mask = [False] * len(chars)
    for e in exp:
        start = chars.find(e)
        while start >= 0:
            for j in range(start, start + len(e)):
                mask[j] = True
            start = chars.find(e, start + 1)
    return mask


def _own_shingles(chars: str, mask: list[bool], k: int = K) -> set[str]:
    """Shingles that touch no expected-term character (a short text is one shingle)."""
    n = len(chars)
    if n == 0:
        return set()
    if n <= k:
        return {chars} if not any(mask) else set()
    out = set()
    # prefix count of masked characters makes each window check O(1)
    pre = [0]
    for m in mask:
        pre.append(pre[-1] + m)
    for i in range(n - k + 1):
        if pre[i + k] == pre[i]:
            out.add(chars[i : i + k])
    return out


def _min_len(s: str, cjk: int, latin: int) -> int:
    return latin if is_latin(s) else cjk


def _split_sentences(c: Compact, a: int, b: int) -> list[tuple[int, int]]:
    """Cut the compact run ``[a, b)`` where the normalized text ends a sentence between two characters."""
    out = []
    start = a
    for i in range(a, b - 1):
        gap = c.norm[c.offsets[i] + 1 : c.offsets[i + 1]]
        if gap and _SENTENCE_END.search(gap):
            out.append((start, i + 1))
            start = i + 1
    out.append((start, b))
    return out


def _readable(c: Compact, a: int, b: int) -> str:
    return readable(c.norm[c.offsets[a] : c.offsets[b - 1] + 1]).strip()


def _keep(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LNS" or ch == "#"


def align_to_original(text: str, c: Compact) -> list[int]:
    """For each compact character of ``c`` (the compact form of ``text``), its offset in ``text`` (-1 if none).

    Each original character is NFKC-folded and lowercased on its own and
    compared with the compact text; where they differ (placeholders for
    mentions, URLs and prices, ``[话题]`` suffixes) the two are aligned with
    :class:`difflib.SequenceMatcher`.
    """
    chars: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if _DROP.match(ch):
            continue
        for f in unicodedata.normalize("NFKC", ch).lower():
            if _keep(f):
                chars.append(f)
                where.append(i)
    folded = "".join(chars)
    if folded == c.chars:
        return where
    out = [-1] * len(c.chars)
    sm = difflib.SequenceMatcher(None, c.chars, folded, autojunk=False)
    for a, b, size in sm.get_matching_blocks():
        for j in range(size):
            out[a + j] = where[b + j]
    return out


def original_slice(text: str, where: Sequence[int], a: int, z: int) -> tuple[int, int] | None:
    """The range of ``text`` that compact characters ``[a, z)`` come from, widened to whole Latin words."""
    mapped = [where[j] for j in range(a, z) if where[j] >= 0]
    if not mapped:
        return None
    start, end = min(mapped), max(mapped) + 1
    while start > 0 and _WORD.match(text[start - 1]) and _WORD.match(text[start]):
        start -= 1
    while end < len(text) and _WORD.match(text[end]) and _WORD.match(text[end - 1]):
        end += 1
    return start, end


def _display(text: str, where: Sequence[int] | None, c: Compact, a: int, z: int) -> str:
    """A readable phrase for compact range ``[a, z)``: from the original text when it can be mapped."""
    rng = original_slice(text, where, a, z) if where is not None else None
    frag = text[rng[0] : rng[1]] if rng else _readable(c, a, z)
    frag = " ".join(frag.split())
    frag = _DISPLAY_PREFIX.sub("", frag)
    return frag.strip(" ,，.。;；:：、-—–") or frag


def _skeleton(norm: str) -> str:
    marks = []
    for m in _MARKER.finditer(norm):
        tok = m.group().strip()
        tok = re.sub(r"\d{1,2}", "N", tok) if tok[:1].isdigit() and "\u20e3" not in tok else tok
        marks.append(tok)
    return " ".join(marks) if len(marks) >= 2 else ""


def _parse_count(v: Any) -> float | None:
    if v is None:
        return None
    if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
        f = float(v)
        return f if math.isfinite(f) and f >= 0 else None
    s = str(v).strip().lower().replace(",", "").replace("+", "")
    if not s:
        return None
    mult = 1.0
    for suffix, m in (("万", 1e4), ("w", 1e4), ("k", 1e3), ("千", 1e3), ("m", 1e6), ("亿", 1e8)):
        if s.endswith(suffix):
            s, mult = s[: -len(suffix)].strip(), m
            break
    try:
        f = float(s) * mult
    except ValueError:
        return None
    return f if math.isfinite(f) and f >= 0 else None


def _fmt_ids(ids: Sequence[int | str], limit: int = 8) -> str:
    ids = [str(i) for i in ids]
    more = len(ids) - limit
    if more > 0:
        ids = ids[:limit]
    if len(ids) == 1:
        s = ids[0]
    else:
        s = ", ".join(ids[:-1]) + " and " + ids[-1] if more <= 0 else ", ".join(ids)
    return s + (f" and {more} more" if more > 0 else "")


def _quote(s: str, limit: int = 60) -> str:
    s = " ".join(s.split())
    return "“" + (s if len(s) <= limit else s[: limit - 1] + "…") + "”"


# -- the audit ----------------------------------------------------------------------------


@dataclass
class _P:
    row: int
    pid: int | str
    text: str
    creator: str | None
    status: str = "ok"
    c: Compact | None = None
    mask: list[bool] = field(default_factory=list)
    n_own: int = 0
    sh: set[str] = field(default_factory=set)
    brief_cov: list[bool] = field(default_factory=list)
    tpl_cov: list[bool] = field(default_factory=list)
    copy_runs: list[tuple[int, int]] = field(default_factory=list)


def _check_campaign_size(n: int) -> None:
    if n > MAX_POSTS:
        raise InputError(f"{n:,} posts in one campaign; at most {MAX_POSTS:,} are audited: audit one campaign "
                         "(one brief) at a time")


def _rows(posts: Any, text_col: str | None, creator_col: str | None,
          id_col: str | None) -> tuple[list[_P], dict[str, str | None], pd.DataFrame | None]:
    cols: dict[str, str | None] = {"text": None, "creator": None, "id": None}
    if isinstance(posts, pd.DataFrame):
        df = posts.reset_index(drop=True)
        if len(df) == 0:
            raise InputError("the posts table has no rows; give at least one post")
        _check_campaign_size(len(df))
        tcol = find_column(df, text_col, source="the posts table")
        ccol = None
        if creator_col is not None:
            ccol = find_column(df, creator_col, kind="creator", source="the posts table")
        else:
            try:
                ccol = find_column(df, None, kind="creator", candidates=CREATOR_COLUMN_NAMES)
            except InputError:
                ccol = None
        icol = None
        if id_col is not None:
            icol = find_column(df, id_col, kind="id", source="the posts table")
        else:
            try:
                icol = find_column(df, None, kind="id", candidates=ID_COLUMN_NAMES)
            except InputError:
                icol = None
        if icol in (tcol, ccol):
            icol = None
        cols.update(text=tcol, creator=ccol, id=icol)
        texts = df[tcol].tolist()
        creators = df[ccol].tolist() if ccol else [None] * len(df)
        ids_raw = df[icol].tolist() if icol else None
    else:
        if isinstance(posts, (str, bytes)):
            raise InputError("posts must be a list of texts or a DataFrame, got one string; wrap it: [text]")
        if isinstance(posts, Mapping):
            raise InputError("posts must be a list of texts or a DataFrame, got a mapping; pass its values or "
                             "pd.DataFrame(...)")
        try:
            texts = list(posts)
        except TypeError:
            raise InputError(f"posts must be a list of texts or a DataFrame, got {type(posts).__name__}") from None
        if not texts:
            raise InputError("no posts given; give at least one post")
        _check_campaign_size(len(texts))
        if creator_col is not None or text_col is not None:
            raise InputError("text_col and creator_col apply to a DataFrame; posts is a list of texts")
        df = None
        creators = [None] * len(texts)
        ids_raw = None
    n = len(texts)
    ids: list[int | str]
    if ids_raw is not None:
        strs = ["" if v is None or (isinstance(v, float) and v != v) else str(v).strip() for v in ids_raw]
        if all(re.fullmatch(r"\d{1,15}", s) for s in strs) and len(set(strs)) == n:
            ids = [int(s) for s in strs]
        elif all(strs) and len(set(strs)) == n:
            ids = list(strs)
        else:
            ids = list(range(1, n + 1))
            cols["id"] = None
    else:
        ids = list(range(1, n + 1))
    out = []
    for i, (t, cr) in enumerate(zip(texts, creators, strict=True)):
        creator = None
        if cr is not None and not (isinstance(cr, float) and cr != cr) and str(cr).strip():
            creator = clean_unicode(str(cr)).strip()
        status = row_status(t)
        if isinstance(t, str):
            text = t
        else:
            text = "" if status == "empty" else str(t)
        out.append(_P(i, ids[i], text, creator, status))
    return out, cols, df


def audit_campaign(posts: pd.DataFrame | Sequence[str], brief: str | Brief, *, text_col: str | None = None,
                   creator_col: str | None = None, model: Any = None, id_col: str | None = None) -> AuditReport:
    """Audit a seeding campaign: the posts creators wrote from ``brief``.

    ``posts`` is a DataFrame (text column found by name or given as
    ``text_col``; a creator column — ``creator``, ``author``, ``作者``, ``博主``,
    ``达人`` … — and a post id column are used when present) or a list of texts.
    ``brief`` is the brief's text (Markdown or plain) or a parsed
    :class:`~authenticity.brief.Brief`. ``model`` is a model, a model path or
    ``None`` for the shipped default. Every row comes back in ``posts``, in
    order; rows without text get a status and are left out of the signals.
    """
    from .persist import resolve_model

    if isinstance(brief, Brief):
        b = brief
    elif isinstance(brief, str):
        if len(brief) > MAX_BRIEF_CHARS:
            raise InputError(f"the brief is too long: {len(brief):,} characters (limit {MAX_BRIEF_CHARS:,})")
        b = parse_brief(brief)
    else:
        raise InputError(f"brief must be the brief's text or a Brief, got {type(brief).__name__}")
    rows, cols, df = _rows(posts, text_col, creator_col, id_col)
    mdl = model if model is not None and hasattr(model, "predict_proba") else resolve_model(model)

    terms = expected_terms(b)
    exp = [compact(t).chars for t, kind in terms if kind != "mention"]
    exp = sorted({e for e in exp if len(e) >= 2}, key=len, reverse=True)

    for p in rows:
        if p.status != "ok":
            continue
        c = compact(p.text)
        if not c.chars:
            p.status = "empty"
            continue
        p.c = c
        p.mask = _mask(c.chars, exp)
        p.n_own = _own_len(c.chars, p.mask)
        p.sh = _own_shingles(c.chars, p.mask)
    ok = [p for p in rows if p.status == "ok"]
    if not ok:
        raise InputError(f"none of the {len(rows)} posts has any text; check the text column"
                         + (f" ('{cols['text']}')" if cols["text"] else ""))
    n = len(ok)

    # 1. scripted share (one batch)
    probs = np.asarray(mdl.predict_proba([p.text for p in ok]), dtype=float)
    labels = [mdl.label_of(float(x)) for x in probs]
    scripted = np.array([lab == mdl.labels[1] for lab in labels])

    # 2. brief copy
    ref = compact(_reference_text(b))
    ref_sh = {ref.chars[i : i + K] for i in range(max(0, len(ref.chars) - K + 1))}
    for p in ok:
        assert p.c is not None
        cov = covered(p.c.chars, ref_sh, mask=p.mask)
        kept = [(a, z) for a, z in runs(cov)
                if z - a >= _min_len(p.c.chars[a:z], MIN_COPY_CJK, MIN_COPY_LATIN)]
        p.copy_runs = kept
        p.brief_cov = [False] * len(cov)
        for a, z in kept:
            for j in range(a, z):
                p.brief_cov[j] = True

    # 3. echoed brief phrases
    cands = _echo_candidates(b, exp)
    echo_posts = _echo(cands, ok)
    echoed = _echoed_phrases(cands, echo_posts, ok, n)

    # 4. hidden template
    shared, shared_sets = _template(ok, ref_sh, n)
    structure = _structure(ok, n)

    # 5. near-duplicates
    dd = near_duplicates([p.sh for p in ok], threshold=DUP_THRESHOLD)
    clusters_raw, dup_method, max_sim = dd.clusters, dd.method, dd.best
    cluster_of: dict[int, int] = {}
    for ci, cl in enumerate(clusters_raw):
        for m in cl.members:
            cluster_of[m] = ci
    sim_matrix = None
    if n <= SIMILARITY_MAX:
        m = similarity_matrix([p.sh for p in ok])
        sim_matrix = tuple(tuple(round(float(x), 3) for x in row) for row in m)

    # per-post results
    eng_cols = _engagement_columns(df, cols) if df is not None else {}
    results: dict[int, PostResult] = {}
    echoed_by_post: dict[int, list[int]] = defaultdict(list)
    row_of = {p.pid: p.row for p in ok}
    for ei, ph in enumerate(echoed):
        for pid in ph.posts:
            echoed_by_post[row_of[pid]].append(ei)
    shared_by_post: dict[int, list[int]] = defaultdict(list)
    for si, members in enumerate(shared_sets):
        for i in members:
            shared_by_post[i].append(si)
    for i, p in enumerate(ok):
        assert p.c is not None
        own = max(p.n_own, 1)
        brief_copy = sum(z - a for a, z in p.copy_runs) / own
        tpl = p.tpl_cov or [False] * len(p.c.chars)
        tpl_share = sum(1 for t, m in zip(tpl, p.mask, strict=True) if t and not m) / own
        borrowed = sum(1 for bc, t in zip(p.brief_cov, tpl, strict=True) if bc or t) / own
        if i in cluster_of:
            borrowed = max(borrowed, max_sim[i])
        copies = brief_copy >= POST_COPY
        uses_tpl = tpl_share >= POST_TEMPLATE
        in_dup = i in cluster_of
        band = "reused" if (copies or uses_tpl or in_dup) else ("scripted" if scripted[i] else "own words")
        results[p.row] = PostResult(
            row=p.row, post_id=p.pid, status="ok", text=p.text, creator=p.creator,
            lang=detect_lang(p.c.norm), p_scripted=round(float(probs[i]), 4), label=labels[i],
            brief_copy=round(brief_copy, 4), longest_copy=max((z - a for a, z in p.copy_runs), default=0),
            copied_spans=tuple(_readable(p.c, a, z) for a, z in p.copy_runs),
            echoed=tuple(echoed_by_post.get(p.row, ())), template_share=round(tpl_share, 4),
            shared=tuple(shared_by_post.get(i, ())),
            duplicate_cluster=cluster_of.get(i), max_similarity=round(max_sim[i], 4),
            borrowed=round(borrowed, 4), copies_brief=copies, uses_template=uses_tpl, band=band,
            engagement={k: _parse_count(df.at[p.row, col]) for k, col in eng_cols.items()} if df is not None
            else {},
            highlights=_highlights(p, tpl),
        )
    post_results = tuple(
        results.get(p.row) or PostResult(row=p.row, post_id=p.pid, status=p.status, text=p.text, creator=p.creator)
        for p in rows
    )
    okr = [results[p.row] for p in ok]

    dup_clusters = tuple(
        DuplicateCluster(
            posts=tuple(ok[m].pid for m in cl.members), mean_similarity=round(cl.mean_similarity, 4),
            min_similarity=round(cl.min_similarity, 4),
            creators=tuple(dict.fromkeys(ok[m].creator for m in cl.members if ok[m].creator)),
        )
        for cl in clusters_raw
    )

    # index
    share_reuse = float(np.mean([r.reuses for r in okr]))
    mean_borrowed = float(np.mean([r.borrowed for r in okr]))
    share_dup = len(cluster_of) / n
    scripted_share = float(scripted.mean())
    values = {"reuse": share_reuse, "borrowed": mean_borrowed, "duplicates": share_dup, "scripted": scripted_share}
    comps = []
    for name, weight, sat, desc in COMPONENTS:
        v = values[name]
        s = min(1.0, v / sat)
        comps.append(Component(name, desc, round(v, 4), round(s, 4), weight, round(weight * s, 2)))
    index = round(sum(c.points for c in comps), 1)
    verdict = "over-controlled" if index >= OVER_AT else "watch" if index >= WATCH_AT else "ok"
    rules: list[str] = []
    if verdict != "over-controlled" and share_reuse >= MAJORITY_REUSE:
        verdict = "over-controlled"
        rules.append(f"over-controlled because {round(share_reuse * n)} of {n} posts ({share_reuse:.0%}) reuse "
                     f"text, and from {MAJORITY_REUSE:.0%} the verdict is over-controlled whatever the index")
    floor = next((c for c in clusters_raw if len(c.members) >= max(DUP_FLOOR_POSTS, DUP_FLOOR_SHARE * n)), None)
    if verdict == "ok" and floor is not None:
        verdict = "watch"
        rules.append(f"at least watch because {len(floor.members)} posts are near-duplicates of each other")

    exp_terms = _expected_counts(terms, ok, n)
    creators = _creators(okr)
    copiers = tuple(dict.fromkeys(r.creator for r in okr if r.reuses and r.creator))
    engagement = _engagement(okr, list(eng_cols))
    langs = Counter(r.lang for r in okr)
    lang = langs.most_common(1)[0][0] if langs else "other"
    if len(langs) > 1 and langs.most_common(1)[0][1] < 0.7 * n:
        lang = "mixed"

    reasons, recs = _explain(verdict, n, okr, echoed, shared, structure, dup_clusters, scripted_share,
                             exp_terms, creators)
    reasons = [f"verdict {r}" for r in rules] + reasons
    eng_line = _engagement_line(engagement)
    if eng_line:
        reasons.append(eng_line)
    q = np.quantile(probs, [0.1, 0.25, 0.5, 0.75, 0.9])
    hist = np.histogram(probs, bins=10, range=(0.0, 1.0))[0]
    title = next((t for t in b.sections if t), "")
    return AuditReport(
        verdict=verdict, over_control_index=index, components=tuple(comps), verdict_rules=tuple(rules),
        reasons=tuple(reasons),
        recommendations=tuple(recs), n_rows=len(rows), n_posts=n, lang=lang,
        scripted_share=round(scripted_share, 4),
        p_scripted_quantiles={k: round(float(v), 4) for k, v in zip(("p10", "p25", "p50", "p75", "p90"), q,
                                                                     strict=True)},
        p_scripted_histogram=tuple(int(x) for x in hist),
        mean_brief_copy=round(float(np.mean([r.brief_copy for r in okr])), 4),
        echoed_phrases=tuple(echoed), expected_terms=tuple(exp_terms), shared_phrases=tuple(shared),
        shared_structure=structure, duplicate_clusters=dup_clusters, duplicate_method=dup_method,
        creators=tuple(creators), copiers=copiers, engagement=tuple(engagement), posts=post_results,
        brief_title=title, similarity=sim_matrix,
        columns={**cols, "engagement": ", ".join(f"{k}={v}" for k, v in eng_cols.items()) or None},
        model={"path": mdl.meta.get("path"), "threshold": float(mdl.threshold)},
        thresholds={"watch_at": WATCH_AT, "over_at": OVER_AT, "majority_reuse": MAJORITY_REUSE,
                    "duplicate_floor_posts": DUP_FLOOR_POSTS, "duplicate_jaccard": DUP_THRESHOLD,
                    "echo_cover": ECHO_COVER, "echo_share": ECHO_SHARE, "template_share": TEMPLATE_SHARE,
                    "post_copy": POST_COPY, "post_template": POST_TEMPLATE},
    )


def _echo(cands: list[_Candidate], ok: list[_P]) -> list[list[int]]:
    """For each candidate phrase, the indices (into ``ok``) of the posts that echo it."""
    index: dict[str, list[int]] = defaultdict(list)
    for ci, cand in enumerate(cands):
        for s in cand.shingles:
            index[s].append(ci)
    sizes = [len(c.shingles) for c in cands]
    out: list[list[int]] = [[] for _ in cands]
    for i, p in enumerate(ok):
        hits: Counter[int] = Counter()
        for s in p.sh & index.keys():
            for ci in index[s]:
                hits[ci] += 1
        for ci, h in hits.items():
            if h >= ECHO_COVER * sizes[ci]:
                out[ci].append(i)
    return out


def _echoed_phrases(cands: list[_Candidate], echo_posts: list[list[int]], ok: list[_P],
                    n: int) -> list[EchoedPhrase]:
    keep = []
    for ci, cand in enumerate(cands):
        k = len(echo_posts[ci])
        if k < ECHO_MIN_POSTS:
            continue
        if cand.parent is not None:
            parent_k = len(echo_posts[cand.parent])
            if k < parent_k + max(2, math.ceil(0.1 * n)):
                continue
        keep.append(ci)
    out = [
        EchoedPhrase(cands[ci].text, cands[ci].source, len(echo_posts[ci]), round(len(echo_posts[ci]) / n, 4),
                     tuple(ok[i].pid for i in echo_posts[ci]), len(echo_posts[ci]) / n >= ECHO_SHARE)
        for ci in keep
    ]
    out.sort(key=lambda e: (-e.n_posts, -len(e.text)))
    return out


def _template(ok: list[_P], ref_sh: set[str], n: int) -> tuple[list[SharedPhrase], list[set[int]]]:
    """Phrases outside the brief shared by many posts; sets ``tpl_cov`` on each post."""
    need = max(TEMPLATE_MIN_POSTS, math.ceil(TEMPLATE_SHARE * n))
    for p in ok:
        p.tpl_cov = [False] * len(p.c.chars) if p.c else []
    if n < need:
        return [], []
    df: Counter[str] = Counter()
    for p in ok:
        df.update(p.sh)
    frequent = {s for s, k in df.items() if k >= need}
    if not frequent:
        return [], []
    postings: dict[str, list[int]] = defaultdict(list)
    pieces: Counter[str] = Counter()
    for i, p in enumerate(ok):
        assert p.c is not None
        hits = p.sh & frequent
        if not hits:
            continue
        for s in hits:
            postings[s].append(i)
        cov = covered(p.c.chars, hits, mask=p.mask)
        for a, z in runs(cov):
            for a2, z2 in _split_sentences(p.c, a, z):
                piece = p.c.chars[a2:z2]
                if z2 - a2 >= _min_len(piece, TEMPLATE_MIN_LEN_CJK, TEMPLATE_MIN_LEN_LATIN):
                    pieces[piece] += 1
    # each candidate piece with the posts that contain it verbatim, the best-supported first
    cands: list[tuple[str, set[int], set[str]]] = []
    for piece, _count in sorted(pieces.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[:400]:
        sh = {piece[j : j + K] for j in range(len(piece) - K + 1)}
        if sum(1 for s in sh if s in ref_sh) > TEMPLATE_BRIEF_MAX * len(sh):
            continue  # mostly brief text: counted as brief copy, not as a hidden template
        rare = sorted(sh, key=lambda s: len(postings.get(s, ())))[:3]
        support = set(postings.get(rare[0], ()))
        for s in rare[1:]:
            support &= set(postings.get(s, ()))
        support = {i for i in support if piece in ok[i].c.chars}  # type: ignore[union-attr]
        cands.append((piece, support, sh))
    cands.sort(key=lambda c: (-len(c[1]), -len(c[0]), c[0]))
    accepted: list[tuple[str, set[int], set[str]]] = []
    for piece, support, sh in cands:
        # a piece that mostly repeats an accepted phrase is a variant of it (a word changed, an opener added)
        # (or strings several accepted phrases together)
        known = set().union(*(a[2] for a in accepted)) if accepted else set()
        if len(known & sh) >= VARIANT_OVERLAP * len(sh):
            for a in accepted:
                if len(a[2] & sh) >= VARIANT_OVERLAP * min(len(a[2]), len(sh)):
                    a[1].update(support)
        elif len(support) >= need and len(accepted) < 30:
            accepted.append((piece, set(support), sh))
    shared: list[SharedPhrase] = []
    sets: list[set[int]] = []
    kept: list[tuple[str, set[int], set[str]]] = []
    for piece, support, _sh in accepted:
        # mark coverage and take the readable text from the first post that has the exact piece
        text = ""
        for i in sorted(support):
            p = ok[i]
            assert p.c is not None
            start = p.c.chars.find(piece)
            if start < 0:
                continue
            if not text:
                text = _display(p.text, align_to_original(p.text, p.c), p.c, start, start + len(piece))
            while start >= 0:
                for j in range(start, start + len(piece)):
                    p.tpl_cov[j] = not p.mask[j]
                start = p.c.chars.find(piece, start + 1)
        if not text:
            continue
        kept.append((piece, support, _sh))
        sets.append(support)
        shared.append(SharedPhrase(text, len(support), round(len(support) / n, 4),
                                   tuple(ok[i].pid for i in sorted(support))))
    # variants: posts that carry most of a phrase but not the exact piece get their coverage from the shingles
    for _piece, support, sh in kept:
        for i in support:
            p = ok[i]
            assert p.c is not None
            cov = covered(p.c.chars, sh, mask=p.mask)
            p.tpl_cov = [x or y for x, y in zip(p.tpl_cov, cov, strict=True)]
    order = sorted(range(len(shared)), key=lambda j: (-shared[j].n_posts, min(sets[j]) if sets[j] else 0))
    return [shared[j] for j in order], [sets[j] for j in order]


def _structure(ok: list[_P], n: int) -> SharedStructure | None:
    need = max(TEMPLATE_MIN_POSTS, math.ceil(TEMPLATE_SHARE * n))
    sk: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(ok):
        s = _skeleton(p.c.norm) if p.c else ""
        if s:
            sk[s].append(i)
    if not sk:
        return None
    best, members = max(sk.items(), key=lambda kv: (len(kv[1]), len(kv[0])))
    if len(members) < need:
        return None
    return SharedStructure(best, len(members), round(len(members) / n, 4), tuple(ok[i].pid for i in members))


def _highlights(p: _P, tpl: list[bool]) -> tuple[Highlight, ...]:
    assert p.c is not None
    out = []
    for kind, cov in (("brief", p.brief_cov), ("template", [t and not b for t, b in zip(tpl, p.brief_cov,
                                                                                        strict=True)]),
                      ("expected", p.mask)):
        for a, z in runs(cov):
            out.append(Highlight(p.c.offsets[a], p.c.offsets[z - 1] + 1, kind))
    out.sort(key=lambda h: (h.start, h.end))
    return tuple(out)


def _fold(s: str) -> str:
    """Compact form of raw text (NFKC, lowercase, letters/digits/symbols/#), keeping @mention and URL text."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", clean_unicode(s)).lower() if _keep(ch))


def _expected_counts(terms: list[tuple[str, str]], ok: list[_P], n: int) -> list[ExpectedTerm]:
    """How many posts carry each expected term (compared on the folded raw text).

    A name already inside a listed hashtag or mention (``RidgebackBox`` in
    ``#RidgebackBox``) is not listed again.
    """
    raw = [_fold(p.text) for p in ok]
    out: list[ExpectedTerm] = []
    listed: list[str] = []
    for term, kind in terms:
        t = _fold(term)
        if len(t) < 2 or (kind == "name" and any(t in x for x in listed)):
            continue
        k = sum(1 for s in raw if t in s)
        if k or kind != "disclosure":
            out.append(ExpectedTerm(term, kind, k, round(k / n, 4)))
            listed.append(t)
    out.sort(key=lambda e: -e.n_posts)
    return out


def _creators(okr: list[PostResult]) -> list[CreatorResult]:
    groups: dict[str, list[PostResult]] = defaultdict(list)
    for r in okr:
        if r.creator:
            groups[r.creator].append(r)
    out = [
        CreatorResult(
            creator=c, n_posts=len(rs), n_reusing=sum(r.reuses for r in rs),
            mean_brief_copy=round(float(np.mean([r.brief_copy for r in rs])), 4),
            mean_borrowed=round(float(np.mean([r.borrowed for r in rs])), 4),
            scripted_share=round(float(np.mean([r.label == "scripted" for r in rs])), 4),
            posts=tuple(r.post_id for r in rs),
        )
        for c, rs in groups.items()
    ]
    out.sort(key=lambda c: (-c.n_reusing / c.n_posts, -c.mean_borrowed, -c.scripted_share, c.creator))
    return out


def _engagement_columns(df: pd.DataFrame, cols: dict[str, str | None]) -> dict[str, str]:
    out: dict[str, str] = {}
    taken = {cols.get("text"), cols.get("creator"), cols.get("id")}
    lowered = {str(c).lower().strip(): str(c) for c in df.columns}
    for kind, names in ENGAGEMENT_COLUMNS.items():
        for name in names:
            col = lowered.get(name.lower())
            if col is None or col in taken:
                continue
            vals = [_parse_count(v) for v in df[col].tolist()]
            if sum(v is not None for v in vals) >= max(1, 0.5 * len(vals)):
                out[kind] = col
                taken.add(col)
                break
    return out


def _engagement(okr: list[PostResult], kinds: list[str]) -> list[EngagementBand]:
    if not kinds:
        return []
    out = []
    for band in ("own words", "scripted", "reused"):
        rs = [r for r in okr if r.band == band]
        if not rs:
            continue
        med: dict[str, float | None] = {}
        mean: dict[str, float | None] = {}
        for k in kinds:
            vals = [r.engagement.get(k) for r in rs]
            vals = [v for v in vals if v is not None]
            med[k] = round(float(np.median(vals)), 2) if vals else None
            mean[k] = round(float(np.mean(vals)), 2) if vals else None
        out.append(EngagementBand(band, len(rs), med, mean))
    return out


def _engagement_line(bands: list[EngagementBand]) -> str:
    """One sentence comparing reused (or scripted) posts with posts in the creators' own words."""
    by = {b.band: b for b in bands}
    own = by.get("own words")
    other = by.get("reused") or by.get("scripted")
    if own is None or other is None or own.n_posts < 3 or other.n_posts < 3:
        return ""
    for k in ("likes", "saves", "comments", "shares", "views"):
        a, b = own.median.get(k), other.median.get(k)
        if a is None or b is None:
            continue
        label = "reused" if other.band == "reused" else "scripted-sounding"
        return (f"engagement: {label} posts got a median of {b:,.0f} {k} ({other.n_posts} posts), posts in the "
                f"creators' own words {a:,.0f} ({own.n_posts} posts)")
    return ""


def _explain(verdict: str, n: int, okr: list[PostResult], echoed: list[EchoedPhrase], shared: list[SharedPhrase],
             structure: SharedStructure | None, clusters: Sequence[DuplicateCluster], scripted_share: float,
             exp_terms: list[ExpectedTerm], creators: list[CreatorResult]) -> tuple[list[str], list[str]]:
    reasons: list[str] = []
    recs: list[str] = []
    counted = [e for e in echoed if e.counted]
    groups: dict[tuple[int, str], list[EchoedPhrase]] = defaultdict(list)
    for e in counted:
        groups[(e.n_posts, e.source)].append(e)
    for (k, source), es in list(groups.items())[:4]:
        where = {"key message": "the brief's key messages", "sample script": "the brief's sample script"}.get(
            source, "the brief")
        if len(es) == 1:
            reasons.append(f"{k} of {n} posts repeat {_quote(es[0].text)} from {where}")
        else:
            shown = [_quote(e.text) for e in es[:6]]
            more = f" and {len(es) - 6} more" if len(es) > 6 else ""
            listed = ", ".join(shown[:-1]) + " and " + shown[-1] if not more else ", ".join(shown) + more
            reasons.append(f"{k} of {n} posts repeat these {len(es)} phrases from {where}: {listed}")
    copiers = [r for r in okr if r.copies_brief]
    mean_copy = float(np.mean([r.brief_copy for r in okr]))
    if copiers:
        top = max(copiers, key=lambda r: r.brief_copy)
        reasons.append(f"{len(copiers)} of {n} posts copy at least {POST_COPY:.0%} of their text from the brief "
                       f"(on average {mean_copy:.0%} of a post; post {top.post_id} copies {top.brief_copy:.0%})")
    users = [r for r in okr if r.uses_template]
    if shared and users:
        phrases = ", ".join(_quote(s.text, 50) for s in shared[:3])
        reasons.append(f"{len(users)} of {n} posts share text that is not in the brief ({phrases}): "
                       "a script passed along outside the brief")
        if structure is not None:
            reasons.append(f"{structure.n_posts} of {n} posts follow the same list structure "
                           f"({structure.skeleton})")
    for cl in clusters[:4]:
        reasons.append(f"posts {_fmt_ids(cl.posts)} are near-duplicates ({cl.mean_similarity:.0%} of their "
                       "wording in common on average)")
    if len(clusters) > 4:
        reasons.append(f"{len(clusters) - 4} more near-duplicate clusters")
    k_scripted = round(scripted_share * n)
    if k_scripted:
        reasons.append(f"the model reads {k_scripted} of {n} posts as scripted ad copy")
    if verdict == "ok":
        present = [e for e in exp_terms if e.share >= 0.5][:4]
        bits = []
        if present:
            bits.append("posts share the expected terms (" + ", ".join(e.text for e in present)
                        + "), which are not counted against the brief")
        if not counted:
            bits.append("no brief sentence is repeated by a quarter of the posts or more")
        if not clusters:
            bits.append("no near-duplicate posts")
        if not users:
            bits.append("no shared text outside the brief")
        if bits:
            reasons.insert(0, "; ".join(bits))

    # recommendations
    key = [e for e in counted if e.source == "key message"]
    script = [e for e in counted if e.source == "sample script"]
    other = [e for e in counted if e.source == "brief"]
    if key:
        recs.append(f"Turn the key messages into facts creators may mention in their own words (for example "
                    f"the fact behind {_quote(key[0].text, 40)}), and drop any 'use verbatim' instruction.")
    if script:
        recs.append("Remove the sample script or mark it 'for tone only, do not copy'; ask each creator for "
                    "one thing only they can say: how long they used it, their situation, one drawback.")
    if other and not key and not script:
        recs.append(f"Posts repeat the brief's wording ({_quote(other[0].text, 40)}): give facts as keywords "
                    "rather than sentences.")
    if users:
        recs.append("The shared text is not in the brief: ask the agency or creator group where the script came "
                    "from, withdraw it, and ask the creators who used it for their own take.")
    if clusters:
        ids = [pid for cl in clusters[:3] for pid in cl.posts]
        recs.append(f"Ask the creators of posts {_fmt_ids(ids)} to rewrite them in their own words before "
                    "publishing or boosting: identical captions read as spam to audiences and platforms.")
    if scripted_share >= 0.5 and not (key or script or users or clusters):
        recs.append("Posts read like ads even without copying: ask for experience (how long, in what situation, "
                    "what did not work) rather than selling points.")
    if verdict == "ok" and not recs:
        recs.append("The brief leaves creators room: keep mandatory items to disclosure, tags and facts.")
    if verdict != "ok" and creators:
        free = [c for c in creators if c.n_reusing == 0][-3:]
        if free:
            recs.append("Posts to learn from (written in the creators' own words): "
                        + ", ".join(f"{c.creator} (post {_fmt_ids(c.posts)})" for c in free) + ".")
    return reasons, recs
