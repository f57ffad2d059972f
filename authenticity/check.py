"""The draft check: one post, before it is published.

``check_draft(text, brief=None, model=None, lang="auto")`` returns a frozen
:class:`CheckReport` with, in order:

1. **verdict** — ``p_scripted``, ``label`` and a one-sentence ``summary``;
2. **why** — ``reasons``: the phrases and style signals that pushed the score
   either way, with their weights (log-odds), and ``sentences``: every
   sentence of the draft scored on its own (one batch), so the most scripted
   ones can be highlighted;
3. **copied from the brief** (when a brief is given) — the spans of the draft
   found verbatim or near-verbatim in the brief (6-character shingles, see
   :mod:`authenticity.overlap`), merged into readable phrases, and the share
   of the draft they cover; mandatory hashtags, @mentions, brand names and
   mandatory lines are listed apart (``expected``) and not counted;
4. **advertising-law terms** — absolute terms, efficacy/medical claims,
   guarantees and contact diversion, each with a severity and a suggested
   rewording, from the lexicon described below;
5. **disclosure** — when the draft reads sponsored and carries no disclosure
   label, a reminder naming the label to use;
6. **suggestions** — concrete edits derived from the experience markers the
   draft lacks and the scripted signals it shows.

The report renders three ways: ``as_dict()`` (the ``--json`` object),
``render(color=...)`` (the terminal view) and ``_repr_html_()`` (a Jupyter
notebook). All offsets (``start``, ``end``) are Python string indices (code
points) into the draft exactly as given; ``text[start:end]`` is the span.

Limits: a draft is at most :data:`MAX_DRAFT_CHARS` characters (check one post
at a time); a brief at most :data:`~authenticity.brief.MAX_BRIEF_CHARS`.

The advertising-law lexicon
---------------------------
One JSON file, ``authenticity/lexicons/ad_law.json``; users extend it with
their own files of the same shape (``check_draft(..., lexicon=[path])``, or
``authenticity check --lexicon FILE``), merged after the shipped one::

    {
      "version": 1,
      "categories": {"absolute": "what it is and the rule behind it", ...},
      "terms": [
        {"match": "全网最低", "lang": "zh", "category": "absolute",
         "severity": "high", "suggestion": "state the actual price instead"},
        {"regex": "第一(?![次天周])", ...}
      ],
      "exemptions": [
        {"regex": "最佳(?:使用|食用)(?:时间)?", "lang": "zh", "reason": "usage instruction"}
      ],
      "disclosure": {
        "labels": ["广告", "合作", "#ad", ...],       # a real disclosure
        "weak":   ["gifted", "collab", "sp", ...],   # noted as weak, not enough
        "denials": ["不是广告", "not sponsored", ...], # never count as a label
        "cues": [{"regex": "link in bio", "cue": "shopping link"}, ...],
        "expected": {"zh": "广告", "en": "#ad", "mixed": "#ad / 广告"}
      }
    }

- A term has exactly one of ``match`` (a literal) or ``regex`` (a Python
  regular expression). Both are applied to the draft after Unicode NFKC and
  lowercasing (full-width ``ＮＯ．１`` is ``no.1``), so write them in lower
  case. A literal that starts or ends with a Latin letter or digit only
  matches at a word boundary (``sp`` does not match inside ``spf``).
- ``lang``: ``zh``, ``en`` or ``any`` (default). With ``lang="auto"`` every
  term applies; forcing ``--lang zh`` skips the ``en`` terms and vice versa.
- ``severity``: ``high`` (prohibited or a platform violation), ``medium``
  (needs proof, or likely to be read as a claim) or ``low`` (a note).
  ``--fail-on absolute-terms`` fails on ``high`` and ``medium``.
- ``category``: any name; the shipped ones (``absolute``, ``efficacy``,
  ``guarantee``, ``contact``) are described under ``categories``.
- Where terms overlap, the longest match wins, then the more severe.
- An **exemption** (same ``match``/``regex``/``lang`` keys, plus ``reason``)
  suppresses every term match it covers: usage instructions (最佳使用时间,
  "for best results"), self-comparison (本品牌最新款), drawbacks (唯一的缺点)
  and other set phrases. Brand and product names from the brief (its names,
  hashtags and @mentions) are exempt too.
- Chinese terms are written in Simplified characters: Traditional characters
  of the draft are mapped to Simplified before matching (全網最低價 matches
  全网最低), one character for one, so offsets do not move.
- ``disclosure`` lists are extended, ``expected`` entries replaced, by later files.
  (The ``#`` remarks above are explanations, not JSON.)
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .brief import MAX_BRIEF_CHARS, Brief, parse_brief
from .errors import InputError
from .lexicon import SEVERITIES, TO_SIMPLIFIED, Lexicon, LexiconPattern, fold, load_lexicon
from .normalize import _SUBS, PLACEHOLDERS, normalize
from .tokenize import detect_lang

if TYPE_CHECKING:
    from .model import Model

__all__ = [
    "COPY_FAIL_SHARE",
    "FAIL_CONDITIONS",
    "MAX_DRAFT_CHARS",
    "SEVERITIES",
    "SPONSORED_P",
    "CheckReport",
    "CopiedSpan",
    "Cue",
    "Disclosure",
    "ExpectedTerm",
    "LawTerm",
    "Lexicon",
    "Reason",
    "SentenceScore",
    "Suggestion",
    "check_draft",
    "load_lexicon",
    "split_sentences",
]

#: longest draft accepted, in characters (one post; a longer text is refused)
MAX_DRAFT_CHARS = 20_000
#: a draft this scripted reads sponsored even without other cues
SPONSORED_P = 0.8
#: ``--fail-on copied`` fails when at least this share of the draft is copied from the brief
COPY_FAIL_SHARE = 0.3
#: what ``--fail-on`` accepts (``any`` means all of them)
FAIL_CONDITIONS = ("scripted", "absolute-terms", "undisclosed", "copied")
_LANGS = ("auto", "zh", "en")
_N_PHRASES = 6
_N_SIGNALS = 4
_MIN_WEIGHT = 0.05
_MAX_SUGGESTIONS = 6

# ---------------------------------------------------------------------------
# report objects


@dataclass(frozen=True)
class Reason:
    """A phrase or style signal that pushed the score (``weight`` in log-odds, + = toward scripted)."""

    kind: str  # "phrase" | "signal"
    text: str
    weight: float
    start: int | None = None
    end: int | None = None
    name: str | None = None  # signal name
    value: float | None = None  # signal raw value

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": self.kind, "text": self.text, "weight": round(self.weight, 3)}
        if self.kind == "phrase":
            d.update(start=self.start, end=self.end)
        else:
            d.update(name=self.name, value=None if self.value is None else round(self.value, 3) + 0.0)
        return d


@dataclass(frozen=True)
class SentenceScore:
    """One sentence of the draft, scored on its own."""

    text: str
    start: int
    end: int
    p_scripted: float
    highlight: bool

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end,
                "p_scripted": round(self.p_scripted, 4), "highlight": self.highlight}


@dataclass(frozen=True)
class CopiedSpan:
    """A phrase of the draft found (near-)verbatim in the brief."""

    text: str
    start: int
    end: int

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class ExpectedTerm:
    """A mandatory hashtag, @mention, name or line of the brief found in the draft (not copying)."""

    text: str
    kind: str  # hashtag | mention | name | mandatory

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "kind": self.kind}


@dataclass(frozen=True)
class LawTerm:
    """An advertising-law term found in the draft."""

    text: str
    start: int
    end: int
    category: str
    severity: str
    suggestion: str
    why: str

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end, "category": self.category,
                "severity": self.severity, "suggestion": self.suggestion, "why": self.why}


@dataclass(frozen=True)
class Cue:
    """Something that makes a draft read sponsored."""

    kind: str
    text: str
    start: int | None = None
    end: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class Disclosure:
    """Does the draft read sponsored, and does it say so?"""

    sponsored: bool
    reads_scripted: bool
    cues: tuple[Cue, ...]
    labels: tuple[str, ...]
    weak: tuple[str, ...]
    denials: tuple[str, ...]
    needed: bool
    expected_label: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "sponsored": self.sponsored,
            "reads_scripted": self.reads_scripted,
            "cues": [c.as_dict() for c in self.cues],
            "labels": list(self.labels),
            "weak": list(self.weak),
            "denials": list(self.denials),
            "needed": self.needed,
            "expected_label": self.expected_label,
            "message": self.message,
        }


@dataclass(frozen=True)
class Suggestion:
    """One concrete edit."""

    id: str
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text}


@dataclass(frozen=True)
class CheckReport:
    """The draft check of one post; see the module docstring."""

    text: str
    lang: str
    p_scripted: float
    label: str
    threshold: float
    summary: str
    reasons: tuple[Reason, ...]
    sentences: tuple[SentenceScore, ...]
    copied_share: float | None
    copied: tuple[CopiedSpan, ...]
    expected: tuple[ExpectedTerm, ...]
    absolute_terms: tuple[LawTerm, ...]
    disclosure: Disclosure
    suggestions: tuple[Suggestion, ...]
    brief_given: bool = False

    # -- views ----------------------------------------------------------------
    def reasons_toward(self, direction: str) -> list[Reason]:
        """Reasons pushing toward ``"scripted"`` or ``"authentic"``, strongest first."""
        sign = 1 if direction == "scripted" else -1
        return sorted((r for r in self.reasons if r.weight * sign > 0), key=lambda r: -abs(r.weight))

    def failed(self, conditions: Iterable[str]) -> list[str]:
        """Which of the ``--fail-on`` conditions are met, each as a short explanation."""
        wanted = _fail_conditions(conditions)
        out = []
        if "scripted" in wanted and self.label == "scripted":
            out.append(f"scripted (p_scripted {self.p_scripted:.2f} >= {self.threshold:.2f})")
        if "absolute-terms" in wanted:
            hits = [t.text for t in self.absolute_terms if t.severity in ("high", "medium")]
            if hits:
                out.append(f"absolute-terms ({len(hits)}: {', '.join(dict.fromkeys(hits))})")
        if "undisclosed" in wanted and self.disclosure.needed:
            out.append(f'undisclosed (add "{self.disclosure.expected_label}")')
        if "copied" in wanted and self.copied_share is not None and self.copied_share >= COPY_FAIL_SHARE:
            out.append(f"copied ({self.copied_share:.0%} of the draft is copied from the brief)")
        return out

    def as_dict(self) -> dict[str, Any]:
        """The ``--json`` object."""
        return {
            "p_scripted": round(self.p_scripted, 4),
            "label": self.label,
            "summary": self.summary,
            "lang": self.lang,
            "threshold": round(self.threshold, 4),
            "n_chars": len(self.text),
            "reasons": {d: [r.as_dict() for r in self.reasons_toward(d)] for d in ("scripted", "authentic")},
            "sentences": [s.as_dict() for s in self.sentences],
            "copied_from_brief": None if not self.brief_given else {
                "share": round(self.copied_share or 0.0, 4),
                "spans": [s.as_dict() for s in self.copied],
                "expected": [e.as_dict() for e in self.expected],
            },
            "absolute_terms": [t.as_dict() for t in self.absolute_terms],
            "disclosure": self.disclosure.as_dict(),
            "suggestions": [s.as_dict() for s in self.suggestions],
        }

    def render(self, color: bool = False, source: str | None = None) -> str:
        """The terminal view (ANSI colours when ``color``)."""
        from .check_render import render_terminal

        return render_terminal(self, color, source)

    def __str__(self) -> str:
        return self.render(color=False)

    def _repr_html_(self) -> str:
        from .check_render import render_html

        return render_html(self)


# ---------------------------------------------------------------------------
# offsets: normalized / folded text back to the draft as given

_PH = frozenset(PLACEHOLDERS.values())
_MAX_SKIP = 24


def _fold(text: str) -> tuple[str, list[int]]:
    """NFKC + lowercase, character by character, remembering each output char's source index."""
    out: list[str] = []
    src: list[int] = []
    for i, ch in enumerate(text):
        if ch < "\x80":
            if ch == "\r":
                f = "\n"
            elif ch in "\n\t" or " " <= ch < "\x7f":
                f = ch.lower()
            else:
                continue
        else:
            f = fold(ch)
        out.append(f)
        src.extend([i] * len(f))
    return "".join(out), src


class _Align:
    """Maps spans of the normalized text, or of the folded text, to spans of the original."""

    def __init__(self, original: str, norm: str) -> None:
        self.n = len(original)
        self.folded, self.src = _fold(original)
        #: the folded text with Traditional characters simplified: what the lexicon is matched against
        self.matchable = self.folded.translate(TO_SIMPLIFIED)
        self.starts, self.ends = self._align(norm)

    def _o(self, j: int) -> int:
        return self.src[j] if j < len(self.src) else self.n

    def _align(self, norm: str) -> tuple[list[int], list[int]]:
        f, n = self.folded, len(self.folded)
        starts = [0] * len(norm)
        ends = [0] * len(norm)
        j = 0
        for i, c in enumerate(norm):
            if c.isspace():
                starts[i] = ends[i] = self._o(j)
                continue
            if c in _PH:
                j = self._placeholder(i, c, norm, j, starts, ends)
                continue
            k, skipped = j, 0
            while k < n and f[k] != c:
                if not f[k].isspace():
                    skipped += 1
                    if skipped > _MAX_SKIP:
                        break
                k += 1
            if k < n and f[k] == c:
                starts[i], ends[i] = self.src[k], self.src[k] + 1
                j = k + 1
            else:
                starts[i] = ends[i] = self._o(j)
        return starts, ends

    def _placeholder(self, i: int, ph: str, norm: str, j: int, starts: list[int], ends: list[int]) -> int:
        """Map placeholder ``norm[i]`` to the original text it replaced; return the next folded position."""
        f, n = self.folded, len(self.folded)
        while j < n and f[j].isspace():
            j += 1
        # the normalizer's own pattern for this placeholder, searched just ahead
        best: tuple[int, int] | None = None
        for rx, repl in _SUBS:
            if ph in repl:
                m = rx.search(f, j, min(n, j + 2000))
                if m and m.start() - j <= 40 and m.end() > m.start() and (best is None or m.start() < best[0]):
                    best = (m.start(), m.end())
        if best is not None:
            s, e = best
            starts[i], ends[i] = self.src[s], self.src[e - 1] + 1
            return e
        # fallback: up to the next piece of normalized text
        anchor, k = "", i + 1
        while k < len(norm) and norm[k].isspace():
            k += 1
        while k < len(norm) and len(anchor) < 3 and not norm[k].isspace() and norm[k] not in _PH:
            anchor += norm[k]
            k += 1
        found = f.find(anchor, j + 1, j + 600) if anchor else -1
        if found < 0:
            found = j
            while found < n and not f[found].isspace():
                found += 1
        e = found
        while e > j and f[e - 1].isspace():
            e -= 1
        starts[i], ends[i] = self._o(j), (self.src[e - 1] + 1 if e > j else self._o(j))
        return found

    def norm_span(self, s: int, e: int) -> tuple[int, int]:
        if e <= s or s >= len(self.starts):
            return (self.n, self.n) if s >= len(self.starts) else (self.starts[s], self.starts[s])
        a, b = self.starts[s], max(self.ends[min(e, len(self.ends)) - 1], self.starts[s])
        return a, b

    def fold_span(self, s: int, e: int) -> tuple[int, int]:
        if e <= s:
            return self._o(s), self._o(s)
        return self.src[s], self.src[e - 1] + 1


# ---------------------------------------------------------------------------
# sentences

_SENT_END = re.compile(
    r"[。！？!?…]+[”’」』）)\]】\"']*|[.．](?=\s)|[～~]+(?=\s|$|[\u4e00-\u9fff])|\n"
)
_WORDY = re.compile(r"\w")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text`` (split at 。！？!?… ～, ". " and newlines).

    Whitespace around a sentence is not part of it; pieces with no letter,
    digit or CJK character (an emoji line, a divider) are left out.
    """
    out: list[tuple[int, int]] = []
    pos = 0
    bounds = [m.end() for m in _SENT_END.finditer(text)] + [len(text)]
    for end in bounds:
        s, e = pos, end
        pos = end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s and _WORDY.search(text, s, e):
            out.append((s, e))
    return out


# ---------------------------------------------------------------------------
# the check


def _span_text(text: str, s: int, e: int) -> str:
    return " ".join(text[s:e].split())


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    """Shrink a span so it neither starts nor ends with whitespace or punctuation."""
    def soft(ch: str) -> bool:
        return ch.isspace() or ch in "～~" or (unicodedata.category(ch)[0] == "P" and ch not in "#@%")

    while s < e and soft(text[s]):
        s += 1
    while e > s and soft(text[e - 1]):
        e -= 1
    return s, e


def _resolve_brief(brief: str | Brief | None) -> Brief | None:
    if brief is None or isinstance(brief, Brief):
        return brief
    if not isinstance(brief, str):
        raise InputError(f"brief must be the brief's text (str) or a parsed Brief, got {type(brief).__name__}")
    if not brief.strip():
        raise InputError("the brief is empty; pass brief=None to check without one")
    if len(brief) > MAX_BRIEF_CHARS:
        raise InputError(f"the brief is too long: {len(brief):,} characters (limit {MAX_BRIEF_CHARS:,})")
    return parse_brief(brief)


def _check_text(text: Any) -> str:
    if not isinstance(text, str):
        raise InputError(f"check_draft() expects the draft as a str, got {type(text).__name__}")
    if len(text) > MAX_DRAFT_CHARS:
        raise InputError(
            f"the draft is too long: {len(text):,} characters (limit {MAX_DRAFT_CHARS:,}); check one post at "
            "a time, or score many posts with 'authenticity score'"
        )
    # lone surrogates become U+FFFD (same length: offsets are unchanged)
    text = re.sub("[\ud800-\udfff]", "\ufffd", text)
    if not text.strip():
        raise InputError("the draft is empty; give the text of one post")
    return text


def check_draft(
    text: str,
    brief: str | Brief | None = None,
    model: Model | str | os.PathLike[str] | None = None,
    lang: str = "auto",
    *,
    lexicon: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,
) -> CheckReport:
    """Check one draft before publishing; see the module docstring.

    ``brief`` is the brief's text (or a parsed :class:`~authenticity.brief.Brief`);
    ``model`` a :class:`~authenticity.model.Model`, a model path or ``None``
    (the shipped default); ``lang`` ``"auto"``, ``"zh"`` or ``"en"``;
    ``lexicon`` extra lexicon file(s) merged with the shipped one.
    """
    from .persist import resolve_model

    if lang not in _LANGS:
        raise InputError(f"lang must be one of {', '.join(_LANGS)}, got {lang!r}")
    text = _check_text(text)
    b = _resolve_brief(brief)
    lex = load_lexicon(lexicon)
    m = resolve_model(model)

    norm = normalize(text)
    detected = detect_lang(norm)
    draft_lang = detected if lang == "auto" else lang
    align = _Align(text, norm)

    exp = m.explain(text)
    p = float(exp.p_scripted)
    label = m.label_of(p)
    reasons = _reasons(exp, m, text, align)

    bounds = split_sentences(text)
    probs = m.predict_proba([text[s:e] for s, e in bounds]) if bounds else []
    sentences = tuple(
        SentenceScore(text[s:e], s, e, float(q), bool(q >= m.threshold))
        for (s, e), q in zip(bounds, probs, strict=True)
    )

    copied_share, copied, expected = _brief_copy(text, norm, align, b)
    terms = _law_terms(text, align, lex, lang, b)
    disclosure = _disclosure(text, align, lex, p, b, draft_lang)
    suggestions = _suggestions(text, norm, draft_lang, copied, expected, terms, disclosure)
    summary = _summary(p, label, m.threshold, reasons, copied_share, terms, disclosure)
    return CheckReport(
        text=text,
        lang=detected,
        p_scripted=p,
        label=label,
        threshold=float(m.threshold),
        summary=summary,
        reasons=reasons,
        sentences=sentences,
        copied_share=copied_share,
        copied=copied,
        expected=expected,
        absolute_terms=terms,
        disclosure=disclosure,
        suggestions=suggestions,
        brief_given=b is not None,
    )


# -- why ----------------------------------------------------------------------

_SIGNAL_LABELS = {
    "first_person": "first-person words (我, I, my)",
    "addresses_audience": "talking to the audience (姐妹们, you guys)",
    "exclamations": "exclamation marks",
    "emoji": "emoji",
    "hashtags": "hashtags",
    "superlatives": "superlatives and absolute terms",
    "hype_words": "hype words (绝绝子, must-have)",
    "calls_to_action": "calls to action (冲, link in bio)",
    "price_discount": "price and discount talk",
    "links_mentions": "links and @mentions",
    "duration_of_use": "how long it was used",
    "personal_context": "own situation (skin type, family, budget)",
    "balance": "drawbacks and caveats",
    "negative": "negative experiences",
    "hedging": "hedging (maybe, 感觉)",
    "disclosure_thanks": "sponsorship words and brand thanks",
    "specific_numbers": "specific numbers with units",
    "list_structure": "bullet-list structure",
    "sentence_variety": "variety of sentence lengths",
    "questions": "questions",
}


def _reasons(exp: Any, model: Any, text: str, align: _Align) -> tuple[Reason, ...]:
    out: list[Reason] = []
    for direction in ("scripted", "authentic"):
        for ph in exp.top_phrases(_N_PHRASES, direction):
            if abs(ph.weight) < _MIN_WEIGHT:
                continue
            s, e = _trim(text, *align.norm_span(ph.start, ph.end))
            if e > s:
                out.append(Reason("phrase", _span_text(text, s, e), float(ph.weight), s, e))
            elif ph.text.strip():  # could not be located in the draft: shown, not highlighted
                out.append(Reason("phrase", ph.text.strip(), float(ph.weight)))
    coef = model.signal_weights()
    for direction in ("scripted", "authentic"):
        for sig in exp.top_signals(_N_SIGNALS, direction):
            if abs(sig.weight) < _MIN_WEIGHT or not coef.get(sig.name):
                continue
            above = (sig.weight > 0) == (coef[sig.name] > 0)
            how = "none" if sig.value == 0 and not above else ("more than usual" if above else "less than usual")
            label = _SIGNAL_LABELS.get(sig.name, sig.description)
            out.append(Reason("signal", f"{label}: {how}", float(sig.weight), name=sig.name, value=float(sig.value)))
    return tuple(out)


# -- copied from the brief -----------------------------------------------------------


def _brief_copy(text: str, norm: str, align: _Align, b: Brief | None
                ) -> tuple[float | None, tuple[CopiedSpan, ...], tuple[ExpectedTerm, ...]]:
    if b is None:
        return None, (), ()
    from .overlap import compact, copied_spans, copy_share, shingles

    c = compact(norm, normalized=True)
    ref = shingles(compact(b.text))
    exclude = b.expected_terms
    share = float(copy_share(c, ref, exclude=exclude))
    raw = [align.norm_span(sp.start, sp.end) for sp in copied_spans(c, ref, exclude=exclude)]
    merged: list[list[int]] = []
    for s, e in sorted(raw):
        if merged and s - merged[-1][1] <= 4 and "\n" not in text[merged[-1][1]:s]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    # one phrase per sentence: a copied paragraph reads as its copied sentences
    pieces: list[tuple[int, int]] = []
    for s, e in merged:
        for ss, se in split_sentences(text[s:e]):
            a, z = _trim(text, s + ss, s + se)
            if len(_WORDY.findall(text, a, z)) >= 4:
                pieces.append((a, z))
    spans = tuple(CopiedSpan(_span_text(text, s, e), s, e) for s, e in pieces)

    expected: list[ExpectedTerm] = []
    folded = align.folded
    for kind, items in (("hashtag", b.hashtags), ("mention", b.mentions), ("name", b.names),
                        ("mandatory", b.mandatory_lines)):
        for item in items:
            if kind == "hashtag":
                shown = normalize(item)
                found = shown in norm
                shown = item.split("[")[0]
            elif kind == "mention":
                shown, found = item, fold(item) in folded
            else:
                cc = compact(item).chars
                shown, found = item, len(cc) >= 2 and cc in c.chars
            if found and not any(fold(shown).lstrip("#@") in fold(x.text) for x in expected):
                expected.append(ExpectedTerm(shown, kind))
    return share, spans, tuple(expected)


# -- advertising-law terms -----------------------------------------------------------


def _applies(pattern_lang: str, lang: str) -> bool:
    return pattern_lang == "any" or lang == "auto" or pattern_lang == lang


def _name_spans(folded: str, b: Brief | None) -> list[tuple[int, int]]:
    if b is None:
        return []
    out = []
    for name in (*b.names, *b.hashtags, *b.mentions):
        key = fold(name.split("[")[0]).strip().translate(TO_SIMPLIFIED)
        if len(key) < 2:
            continue
        start = folded.find(key)
        while start >= 0:
            out.append((start, start + len(key)))
            start = folded.find(key, start + 1)
    return out


def _law_terms(text: str, align: _Align, lex: Lexicon, lang: str, b: Brief | None) -> tuple[LawTerm, ...]:
    folded = align.matchable
    sev_rank = {s: i for i, s in enumerate(SEVERITIES)}
    found: list[tuple[int, int, LexiconPattern]] = []
    for t in lex.terms:
        if not _applies(t.lang, lang):
            continue
        for mt in t.rx.finditer(folded):
            if mt.end() > mt.start():
                found.append((mt.start(), mt.end(), t))
    if not found:
        return ()
    covers = [(mt.start(), mt.end()) for ex in lex.exemptions if _applies(ex.lang, lang)
              for mt in ex.rx.finditer(folded)]
    covers += _name_spans(folded, b)
    kept: list[tuple[int, int, LexiconPattern]] = []
    # longest first, then most severe, then leftmost
    for s, e, t in sorted(found, key=lambda x: (-(x[1] - x[0]), sev_rank[x[2].severity], x[0])):
        if any(cs <= s and e <= ce for cs, ce in covers):
            continue
        if any(s < ke and ks < e for ks, ke, _ in kept):
            continue
        kept.append((s, e, t))
    out = []
    for s, e, t in sorted(kept, key=lambda x: x[0]):
        os_, oe = align.fold_span(s, e)
        out.append(LawTerm(_span_text(text, os_, oe) or folded[s:e], os_, oe, t.category, t.severity,
                           t.suggestion, lex.categories.get(t.category, "")))
    return tuple(out)


# -- disclosure -------------------------------------------------------------------


def _spans(rxs: Iterable[re.Pattern[str]], s: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for rx in rxs for m in rx.finditer(s) if m.end() > m.start()]


def _expected_label(lex: Lexicon, b: Brief | None, lang: str) -> str:
    if b is not None:
        names = {fold(n): n for n in lex.label_names}
        for tag in b.hashtags:
            if fold(tag) in names:
                return tag
        for line in b.mandatory_lines:
            for rx, name in zip(lex.labels, lex.label_names, strict=True):
                if rx.search(fold(line)):
                    return name
    return lex.expected.get(lang) or lex.expected.get("en") or "#ad"


def _disclosure(text: str, align: _Align, lex: Lexicon, p: float, b: Brief | None, lang: str) -> Disclosure:
    folded = align.matchable
    denial_spans = _spans(lex.denials, folded)

    def outside(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        return [(s, e) for s, e in spans if not any(ds <= s and e <= de for ds, de in denial_spans)]

    def texts(spans: list[tuple[int, int]]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(_span_text(text, *align.fold_span(s, e)) for s, e in sorted(spans)))

    labels = texts(outside(_spans(lex.labels, folded)))
    label_spans = outside(_spans(lex.labels, folded))
    weak_spans = [(s, e) for s, e in outside(_spans(lex.weak, folded))
                  if not any(ls <= s < le or ls < e <= le for ls, le in label_spans)]
    weak = texts(weak_spans)
    denials = texts(denial_spans)

    cues: list[Cue] = []
    if b is not None:
        cues.append(Cue("brief", "written from a brand brief"))
    seen: list[tuple[int, int]] = []
    for rx, kind in lex.cues:
        for mt in rx.finditer(folded):
            s, e = mt.start(), mt.end()
            if e <= s or any(s < se and ss < e for ss, se in seen):
                continue
            seen.append((s, e))
            os_, oe = align.fold_span(s, e)
            cues.append(Cue(kind, _span_text(text, os_, oe), os_, oe))
    reads_scripted = p >= SPONSORED_P
    if reads_scripted:
        cues.append(Cue("reads scripted", f"p_scripted {p:.2f}"))
    sponsored = bool(cues)
    needed = sponsored and not labels
    expected = _expected_label(lex, b, lang)
    if not sponsored:
        message = "No sponsorship cues found; no disclosure needed." if not labels else \
            f'Disclosed ("{labels[0]}").'
    elif labels:
        message = f'Reads sponsored and is disclosed ("{labels[0]}").'
    else:
        why = ", ".join(f'{c.kind} "{c.text}"' if c.kind not in ("brief", "reads scripted") else c.text
                        for c in cues[:3])
        message = f'Reads sponsored ({why}) but carries no disclosure: add "{expected}" at the start of the post.'
        if weak:
            message += f' {", ".join(chr(34) + w + chr(34) for w in weak[:3])} alone is a weak label.'
        if denials:
            message += f' It says "{denials[0]}": remove that unless it is true.'
    return Disclosure(sponsored, reads_scripted, tuple(cues), labels, weak, denials, needed, expected, message)


# -- suggestions --------------------------------------------------------------------

@dataclass(frozen=True)
class _Examples:
    """Examples for the suggestions, per product category: (Chinese, English) pairs."""

    situation: tuple[str, str]
    observation: tuple[str, str]
    drawback: tuple[str, str]
    duration: tuple[str, str]
    number: tuple[str, str]


_GENERAL = _Examples(
    ("what you needed it for and your budget (预算)", "what you needed it for and your budget"),
    ("「让我意外的是…」", '"what surprised me was …"'),
    ("「缺点是价格偏高，打折再入更划算」", '"the downside: it\'s pricey unless it\'s on sale"'),
    ("「用了两周」", '"after two weeks"'),
    ("「用了 14 天」", '"14 days in"'),
)
def _topic(zh: str, en: str) -> re.Pattern[str]:
    return re.compile(f"{zh}|(?<![a-z])(?:{en})(?![a-z])")


_CATEGORIES: tuple[tuple[re.Pattern[str], _Examples], ...] = (
    (_topic("精华|面霜|乳液|水乳|面膜|防晒|粉底|口红|唇|护肤|皮肤|肤|洁面|卸妆",
            "serums?|creams?|moisturi[sz]er|sunscreen|spf|skin|foundation|lipstick|make-?up|toner|cleanser"),
     _Examples(("your skin type (干皮/油皮/敏感肌) and the season",
                "your skin type (dry, oily, sensitive) and the season"),
               ("「第三天开始上妆不卡粉了」", '"by day three my make-up stopped flaking"'),
               ("「缺点是有点黏，要等一会儿才能上妆」", '"the only downside: it\'s a bit sticky under make-up"'),
               ("「用了两周」 or 「空瓶第二瓶了」", '"after three weeks" or "I\'m on my second bottle"'),
               ("「30ml 用了一个半月」", '"the 30 ml bottle lasted me six weeks"'))),
    (_topic("零食|口味|味道|好吃|咖啡|奶茶|饮料|吃|喝", "snacks?|tastes?|tasty|flavou?rs?|coffee|delicious|ate|eat"),
     _Examples(("when and with whom you had it, and your own taste (怕甜/爱吃辣)", "when you had it and what you "
                "usually like"),
               ("「海盐黑椒味偏咸，配无糖酸奶刚好」", '"the sea-salt one is quite salty, good with plain yogurt"'),
               ("「缺点是一袋有点少，开了容易受潮」", '"the downside: the bags go stale fast once open"'),
               ("「这一盒吃了两周」", '"I\'ve had a box over two weeks"'),
               ("「一袋 30g，下午吃一袋刚好」", '"one 30 g bag is just right in the afternoon"'))),
    (_topic("耳机|手机|续航|充电|电池|屏幕|电脑|相机",
            "earbuds|headphones|phone|battery|charg(?:e|es|ed|ing)|laptop|camera|screen"),
     _Examples(("how you use it (通勤、健身、上班) and what you used before", "how you use it (commute, gym, work) "
                "and what you used before"),
               ("「地铁上降噪够用，但风大时有杂音」", '"noise cancelling is fine on the train but struggles in wind"'),
               ("「缺点是戴久了耳朵有点胀」", '"the downside: my ears ache after two hours"'),
               ("「每天通勤用了一个月」", '"a month of daily commuting"'),
               ("「实际续航大概 6 小时」", '"I actually get about 6 hours per charge"'))),
    (_topic("宝宝|孩子|猫|狗|扫地|拖地|家里|户型", "baby|kids?|cats?|dogs?|vacuum|home|flat|apartment"),
     _Examples(("your home and family (几口人、养猫、户型)",
                "your home and family (kids, pets, the size of your place)"),
               ("「猫毛一天一清，但边角还得手动」", '"it keeps up with the cat hair but misses corners"'),
               ("「缺点是噪音有点大，晚上不敢开」", '"the downside: too loud to run at night"'),
               ("「用了一个月」", '"after a month"'),
               ("「80 平两室一厅，一次 40 分钟」", '"about 40 minutes for our 80 m² flat"'))),
)


def _suggestions(text: str, norm: str, lang: str, copied: tuple[CopiedSpan, ...], expected: tuple[ExpectedTerm, ...],
                 terms: tuple[LawTerm, ...], disclosure: Disclosure) -> tuple[Suggestion, ...]:
    from .signals import _ADDRESS, _CTA, _HYPE, SIGNAL_NAMES, signal_values
    from .tokenize import tokenize

    k = 0 if lang in ("zh", "mixed") else 1
    exs = next((e for rx, e in _CATEGORIES if rx.search(norm)), _GENERAL)

    def quote(items: Iterable[str], n: int = 3) -> str:
        return ", ".join(f'"{_short(x, 40)}"' for x in list(dict.fromkeys(items))[:n])

    sig = dict(zip(SIGNAL_NAMES, signal_values(norm, tokenize(norm)), strict=True))
    out: list[Suggestion] = []
    if disclosure.needed:
        extra = f" ({quote(disclosure.weak, 2)} alone is not enough)" if disclosure.weak else ""
        out.append(Suggestion("disclose", f'Add the disclosure "{disclosure.expected_label}" at the start of the '
                                          f"post{extra}."))
    flagged = [t for t in terms if t.severity in ("high", "medium")]
    if flagged:
        out.append(Suggestion("law_terms", f"Rephrase the advertising-law terms {quote(t.text for t in flagged)}: "
                                           f'for "{flagged[0].text}", {flagged[0].suggestion}.'))
    if copied:
        longest = sorted(copied, key=lambda sp: -(sp.end - sp.start))
        out.append(Suggestion("copied", f"Replace the pasted selling points ({quote(sp.text for sp in longest[:2])}"
                                        f"{', …' if len(copied) > 2 else ''}) with what you noticed yourself, e.g. "
                                        f"{exs.observation[k]}."))
    required = [fold(x.text) for x in expected if x.kind == "mandatory"]
    ctas = [m.group() for m in _CTA.finditer(norm) if not any(m.group() in r for r in required)]
    if ctas:
        out.append(Suggestion("hard_sell", f"Cut the hard sell ({quote(ctas)}): one plain line about where to "
                                           "find it is enough."))
    hype = [m.group() for m in _HYPE.finditer(norm)]
    if hype:
        example = "what changed, when, and how much" if copied else f"e.g. {exs.observation[k]}"
        out.append(Suggestion("hype", f"Swap hype words ({quote(hype)}) for one concrete observation: {example}."))
    if sig["duration_of_use"] == 0:
        out.append(Suggestion("duration", f"Say how long you have used it, e.g. {exs.duration[k]}."))
    if sig["balance"] == 0 and sig["negative"] == 0:
        out.append(Suggestion("drawback", f"Name one drawback or something you would change, e.g. "
                                          f"{exs.drawback[k]}."))
    if sig["personal_context"] == 0:
        out.append(Suggestion("situation", f"Describe your own situation: {exs.situation[k]}, so readers can tell "
                                           "whether it fits them."))
    if sig["first_person"] == 0:
        out.append(Suggestion("first_person", "Write from your own point of view ("
                                              + ("「我…」" if k == 0 else '"I …"') + ") instead of describing the "
                                              "product."))
    address = [m.group() for m in _ADDRESS.finditer(norm)]
    if len(address) >= 2:
        out.append(Suggestion("audience", f"Talk about your own use rather than to the audience ({quote(address)})."))
    if sig["specific_numbers"] == 0 and len(norm) >= 60:
        out.append(Suggestion("specifics", f"Add one specific detail with a number, e.g. {exs.number[k]}."))
    if sig["list_structure"] >= 0.5 and norm.count("\n") >= 2:
        out.append(Suggestion("list", "A bullet list of selling points reads like a product page; tell it as a "
                                      "short story of your first week instead."))
    return tuple(out[:_MAX_SUGGESTIONS])


# -- summary ---------------------------------------------------------------------------


_SUMMARY_SIGNALS = {
    "scripted": {
        "calls_to_action": "calls to action", "hype_words": "hype words", "superlatives": "superlatives",
        "addresses_audience": "talking to the audience", "price_discount": "discount talk",
        "list_structure": "a bullet list of selling points", "hashtags": "many hashtags",
        "exclamations": "exclamation marks", "links_mentions": "links and mentions", "emoji": "emoji",
    },
    "authentic": {
        "balance": "it names drawbacks", "duration_of_use": "it says how long it was used",
        "personal_context": "it describes the writer's own situation", "first_person": "it speaks in the first person",
        "hedging": "it hedges like a real user", "negative": "it admits what went wrong",
        "specific_numbers": "it gives specific numbers", "questions": "it asks questions",
    },
}


def _summary(p: float, label: str, threshold: float, reasons: tuple[Reason, ...], copied_share: float | None,
             terms: tuple[LawTerm, ...], disclosure: Disclosure) -> str:
    if p >= SPONSORED_P:
        head = "Reads like scripted ad copy"
    elif label == "scripted":
        head = "Leans scripted"
    elif p >= 0.3:
        head = "Mostly reads like a personal note, with some ad-like lines"
    else:
        head = "Reads like a genuine experience note"
    direction = "scripted" if label == "scripted" else "authentic"
    sign = 1 if direction == "scripted" else -1
    strongest = sorted((r for r in reasons if r.weight * sign > 0), key=lambda r: -abs(r.weight))
    words = _SUMMARY_SIGNALS[direction]
    because: list[str] = []
    if direction == "scripted":
        phrase = next((r for r in strongest if r.kind == "phrase"), None)
        if phrase and (phrase is strongest[0] or abs(phrase.weight) >= 0.5):
            because.append(f'"{_short(phrase.text)}"')
    for r in strongest:
        if r.kind == "signal" and r.name in words and (r.value or 0) > 0 and len(because) < 2:
            because.append(words[r.name])
    if copied_share is not None and copied_share >= 0.2:
        because.append(f"{copied_share:.0%} of it copied from the brief")
    out = f"{head} (p_scripted {p:.2f})"
    if because:
        out += (", mostly because of " if direction == "scripted" else ": ") + _join(because)
    todo = []
    n = sum(1 for t in terms if t.severity in ("high", "medium"))
    if n:
        todo.append(f"rephrase {n} advertising-law term{'s' if n > 1 else ''}")
    if disclosure.needed:
        todo.append(f'add "{disclosure.expected_label}"')
    if todo:
        out += "; before posting, " + " and ".join(todo)
    return out + "."


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _short(s: str, n: int = 30) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def _fail_conditions(conditions: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for c in conditions:
        for part in str(c).split(","):
            part = part.strip().lower()
            if not part:
                continue
            if part == "any":
                out.update(FAIL_CONDITIONS)
            elif part in FAIL_CONDITIONS:
                out.add(part)
            else:
                raise InputError(f"unknown --fail-on condition {part!r}; use {', '.join(FAIL_CONDITIONS)} or any")
    return out
