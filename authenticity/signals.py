"""Named style signals: the hand-made, documented features of the model.

Each signal is a number computed from one normalized post and its tokens.
They sit beside the n-gram features in the linear model, so each one's
contribution to a score can be shown by name ("many calls to action", "says
how long it was used"). ``SIGNALS`` lists them in model order with a
one-line description; ``docs()`` renders the table used in the model card.

Counts are taken as ``log1p(count)`` and densities per 100 characters, so no
single long post dominates.

Keyword signals count the words of ``KEYWORDS[name]``: at each position the
longest listed word that matches, left to right, without overlaps; a Latin
word only counts as a whole word (no letter, digit or Chinese character right
before or after it). Every pattern here is written so that each alternative
starts with a literal character or a character class: Python's regex engine
then skips, in C, every position whose character cannot start a match, which
makes one pass over a post cost a few microseconds instead of tens.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from . import _kernels
from .normalize import PLACEHOLDERS

__all__ = ["KEYWORDS", "SIGNALS", "SIGNAL_NAMES", "Signal", "docs", "keyword_pattern",
           "signal_matrix", "signal_values"]

KEYWORDS: dict[str, tuple[str, ...]] = {
    "first_person": ("我", "本人", "俺", "咱", "i", "me", "my", "mine", "myself", "i'm", "i've", "i'd", "i'll", "im"),
    "addresses_audience": (
        "姐妹", "姐妹们", "家人们", "宝子", "宝子们", "宝宝们", "集美", "集美们", "小伙伴们", "朋友们", "大家", "你们",
        "you guys", "y'all", "everyone", "babe", "babes", "besties", "ladies",
    ),
    "superlatives": (
        "最", "第一", "唯一", "顶级", "极致", "天花板", "无敌", "完美", "全网", "史上", "万能", "100%",
        "best", "ever", "perfect", "ultimate", "#1", "number one", "unbeatable", "flawless",
        "incredible", "amazing", "absolutely", "guaranteed",
    ),
    "hype_words": (
        "绝绝子", "yyds", "闭眼入", "闭眼冲", "宝藏", "神器", "必入", "必备", "封神", "爆款", "种草",
        "狠狠爱", "谁用谁知道", "一生推", "无限回购", "真香", "must-have", "must have", "game changer",
        "game-changer", "holy grail", "obsessed", "life-changing", "life changing", "hidden gem",
        "run don't walk", "a must", "10/10", "slay", "hype",
    ),
    "calls_to_action": (
        "冲", "赶紧", "手慢无", "链接", "评论区", "扣1", "私信", "下单", "抢", "戳", "入手", "快去",
        "直播间", "领券", "点击", "关注", "link in bio", "use code", "use my code", "shop now",
        "tap the link", "click the link", "swipe up", "don't miss", "grab yours", "order now",
        "limited time", "while stocks last", "check out", "comment below", "dm me", "follow",
    ),
    "price_discount": (
        "优惠", "折扣", "券", "特价", "秒杀", "包邮", "福利", "活动价", "原价", "赠品", "满减", "拼团",
        "discount", "promo", "coupon", "sale", "deal", "off", "free shipping", "code",
    ),
    "personal_context": (
        "干皮", "油皮", "混油", "混干", "敏感肌", "痘肌", "黄皮", "黑头", "我家", "家里", "老公", "男朋友",
        "女朋友", "孩子", "儿子", "女儿", "宝宝", "我妈", "我爸", "室友", "同事", "租的", "预算", "工资",
        "通勤", "学生党", "上班", "加班", "宿舍", "my skin", "dry skin", "oily skin", "sensitive skin",
        "my kid", "my son", "my daughter", "my husband", "my wife", "my partner", "my mom", "my dad",
        "roommate", "my budget", "commute", "my flat", "my apartment", "my dog", "my cat", "我家狗",
        "我家猫", "my office", "my job",
    ),
    "balance": (
        "缺点", "不足", "但是", "不过", "可惜", "就是有点", "有点", "一般", "美中不足", "唯一的问题",
        "but", "however", "though", "downside", "cons", "con:", "wish", "only complaint", "not perfect",
        "drawback", "although", "a bit", "slightly", "meh",
    ),
    "negative": (
        "难用", "失望", "退货", "退款", "踩雷", "差评", "垃圾", "后悔", "不推荐", "不会回购", "过敏",
        "坑", "翻车", "拉胯", "不值", "disappointed", "returned", "return it", "broke", "broken",
        "waste", "refund", "regret", "wouldn't recommend", "not worth", "won't buy", "terrible",
        "awful", "rash", "breakout",
    ),
    "hedging": (
        "不确定", "可能", "好像", "感觉", "也许", "大概", "应该", "说不定", "不知道是不是", "因人而异",
        "maybe", "probably", "not sure", "i think", "i guess", "kind of", "kinda", "sort of",
        "seems", "might", "ymmv",
    ),
    "disclosure_thanks": (
        "感谢", "合作", "赞助", "品牌方", "寄来", "送的", "官方", "广告", "#ad", "#sponsored",
        "sponsored", "gifted", "#gifted", "collab", "partnered", "pr package", "thanks to",
        "in partnership",
    ),
}

_LATIN_WORD = re.compile(r"[a-z0-9][a-z0-9' /-]*")
# After a Latin word's first character: the character before it is not a word character (letter, digit, CJK).
_AFTER_FIRST_WORD_START = r"(?<!\w.)"


def _trie_regex(words: Iterable[tuple[str, str]]) -> str:
    """A regex for ``(word, end_assertion)`` pairs, as a trie: longest word first, no backtracking between words."""
    tree: dict = {}
    for word, end in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = end

    def emit(node: dict) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        end = node.get("")
        if not branches:
            return end or ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return body if end is None else f"(?:{body}|{end})"

    return emit(tree)


def keyword_pattern(words: Iterable[str]) -> str:
    """A regex counting ``words`` as the signals do (see the module docstring).

    Each top-level alternative starts with a literal first character, so the
    regex engine can skip impossible positions in C.
    """
    groups: dict[tuple[str, bool], list[tuple[str, str]]] = {}
    for w in dict.fromkeys(words):
        if not w:
            raise ValueError("empty keyword")
        latin = _LATIN_WORD.fullmatch(w) is not None
        end = r"\b" if latin and w[-1].isalnum() else ""
        groups.setdefault((w[0], latin), []).append((w[1:], end))
    alts = []
    for (first, latin), rests in sorted(groups.items()):
        alts.append(re.escape(first) + (_AFTER_FIRST_WORD_START if latin else "") + _trie_regex(rests))
    return "|".join(alts)


def _first_char_dispatch(starts: Iterable[str], tail: str) -> str:
    """``(?:s1|s2|…)tail`` written with one literal-led alternative per start, so the engine can skip ahead."""
    return "|".join(re.escape(s) + tail for s in starts)


def _digit_led(tail: str, before: str = r"\w") -> str:
    """``(?<!before)\\d…`` for ASCII digits: a number not preceded by ``before``, as ten literal-led alternatives.

    Use through :class:`_DigitPattern`, which falls back to the exact ``\\d`` form for text with other digits.
    """
    return "|".join(f"{d}(?<!{before}.){tail}" for d in "0123456789")


# a decimal digit other than 0-9 (Arabic-Indic, Devanagari, …): a negated class, so the engine scans for it in C
_OTHER_DIGIT = re.compile(r"[^\D0-9]")


class _DigitPattern:
    """A pattern whose numbers start with ``\\d``, fast for the usual text.

    Written with ``\\d`` first, the pattern could not start with a literal and the regex engine would try it at
    every position; so text whose digits are all 0-9 gets a form with one literal-led alternative per digit, and
    any other text the exact form (``findall`` and ``finditer`` as on a compiled pattern).
    """

    def __init__(self, fast: str, exact: str) -> None:
        self.fast = re.compile(fast)
        self.exact = re.compile(exact)

    def _pick(self, text: str) -> re.Pattern[str]:
        return self.exact if _OTHER_DIGIT.search(text) else self.fast

    def findall(self, text: str) -> list[Any]:
        return self._pick(text).findall(text)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self._pick(text).finditer(text)


_KW = {name: re.compile(keyword_pattern(words)) for name, words in KEYWORDS.items()}
_FIRST_PERSON = _KW["first_person"]
_ADDRESS = _KW["addresses_audience"]
_SUPERLATIVE = _KW["superlatives"]
_HYPE = _KW["hype_words"]
_CTA = _KW["calls_to_action"]
_PRICE_WORDS = _KW["price_discount"]
_PERSONAL = _KW["personal_context"]
_BALANCE = _KW["balance"]
_NEGATIVE = _KW["negative"]
_HEDGE = _KW["hedging"]
_DISCLOSURE = _KW["disclosure_thanks"]

_NUM = r"[一二两三四五六七八九十半几\d]"
_EN_SPAN = (r"\s(?:about\s|almost\s|nearly\s|a\s|an\s|\d+\s|two\s|three\s|four\s|six\s|few\s|couple\s(?:of\s)?)?"
            r"(?:\w+\s)?(?:days?|weeks?|months?|years?|nights?)\b")
_DURATION_PARTS = (
    # 用了两周, 坚持3个月, 已经半年
    _first_char_dispatch(("用了", "坚持", "吃了", "穿了", "住了", "开了", "养了", "玩了", "读了", "已经", "连续"),
                         rf"[^\s,。!?\x00]{{0,3}}?{_NUM}+\s?(?:个)?(?:天|周|星期|礼拜|禮拜|个月|個月|月|年|次|晚|瓶|罐)"),
    # 第三天, 第2瓶
    r"第[一二三四五六七八九十\d]+(?:天|周|个月|次|瓶)",
    # for two weeks, after a month
    "|".join(f"{w[0]}{_AFTER_FIRST_WORD_START}{w[1:]}{_EN_SPAN}" for w in ("for", "after", "over", "within", "in")),
)
# 3 weeks in, 2 months later
_DURATION_NUMBER = r"\d*\s?(?:days?|weeks?|months?|years?)\s(?:in|later|of use|now)\b"
_DURATION = _DigitPattern("|".join((*_DURATION_PARTS, _digit_led(_DURATION_NUMBER))),
                          "|".join((*_DURATION_PARTS, rf"\d(?<!\w.){_DURATION_NUMBER}")))
_UNIT = (r"\d{0,7}(?:\.\d{1,3})?\s?(?:ml|g|kg|mg|cm|mm|m|km|l|%|h|hr|hrs|hours?|mins?|minutes?|days?|weeks?|"
         r"months?|years?|nights?|floors?|毫升|克|斤|公斤|厘米|米|公里|小时|分钟|天|周|个月|年|楼|层|岁|次|晚|块)")
_UNIT_NUMBER = _DigitPattern(_digit_led(_UNIT, before=r"[\d.]"), rf"\d(?<![\d.].){_UNIT}")
_LIST_LINE = re.compile(r"(?m)^\s*(?:[-•·*>]|\d+[.、)]|[①-⑩]|[\u2600-\u27bf\U0001F300-\U0001FAFF]\ufe0f?)")
_SENT_SPLIT = re.compile(r"[。!?\n.;;…]+")
# One character class first (emoji, or the "[" of a bracket emoji such as [赞r]), then what that start needs.
_EMOJI = re.compile(r"[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\[](?:(?<=\[)[^\[\]\s\x00]{1,8}r\]|(?<!\[))")
_PH_PRICE = re.compile(f"[{PLACEHOLDERS['price']}{PLACEHOLDERS['discount']}]")
_PH_LINK = re.compile(f"[{PLACEHOLDERS['url']}{PLACEHOLDERS['mention']}]")


def _hashtags(text: str, toks: Sequence[str]) -> float:
    if "#" not in text or not toks:
        return 0.0
    # tokens that start with "#", counted in C over the joined tokens
    return math.log1p(("\x00" + "\x00".join(toks)).count("\x00#"))


def _list_lines(text: str, toks: Sequence[str]) -> float:
    lines = text.count("\n") + 1
    return len(_LIST_LINE.findall(text)) / lines if lines > 1 else 0.0


def _variety(text: str, toks: Sequence[str]) -> float:
    lens = [len(s) for s in _SENT_SPLIT.split(text) if s.strip()]
    if len(lens) < 2:
        return 0.0
    mean = sum(lens) / len(lens)
    var = sum((x - mean) ** 2 for x in lens) / len(lens)
    return min(math.sqrt(var) / mean, 3.0)


# Lookup tables by code point (the last entry stands for everything above): sentence ends and the NUL between
# posts; whitespace (``str.isspace``, whose highest character is U+3000).
_TABLE_SIZE = 0x3004
_SENT_END = np.zeros(_TABLE_SIZE, dtype=bool)
_SENT_END[[0, *map(ord, "。!?\n.;;…")]] = True
_SPACE = np.array([chr(c).isspace() for c in range(_TABLE_SIZE)], dtype=bool)
_SPACE[-1] = False


def _variety_batch(texts: Sequence[str], tokens: Sequence[Sequence[str]]) -> np.ndarray:
    """``_variety`` of every text at once: sentence pieces found with NumPy over the NUL-joined batch."""
    n = len(texts)
    cp = np.frombuffer("\x00".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    at = np.minimum(cp, _TABLE_SIZE - 1)
    inside = ~_SENT_END[at]
    edges = np.diff(inside.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    # a piece counts when it has a character other than whitespace (``s.strip()`` in ``_variety``)
    solid = np.concatenate(([0], np.cumsum(inside & ~_SPACE[at])))
    keep = solid[ends] > solid[starts]
    starts, lengths = starts[keep], (ends - starts)[keep].astype(np.float64)
    doc = np.cumsum(cp == 0)[starts]  # pieces never contain the separator
    k = np.bincount(doc, minlength=n).astype(np.float64)
    mean = np.bincount(doc, lengths, minlength=n) / np.maximum(k, 1)
    var = np.bincount(doc, (lengths - mean[doc]) ** 2, minlength=n) / np.maximum(k, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.minimum(np.sqrt(var) / mean, 3.0)
    out[k < 2] = 0.0
    return out


def _question(text: str, toks: Sequence[str]) -> float:
    return min(text.count("?"), 5) / 5


# How a count of matches becomes a signal value: log1p(count), per 100 characters, or per token. The same
# functions serve one post (numbers) and a batch (arrays), so both paths compute identical values.
_SCALES: dict[str, Callable[[Any, Any, Any], Any]] = {
    "log": lambda count, n_chars, n_tokens: np.log1p(count),
    "per100": lambda count, n_chars, n_tokens: 100.0 * count / (n_chars + 20),
    "per_token": lambda count, n_chars, n_tokens: count / (n_tokens + 5),
}


@dataclass(frozen=True)
class Signal:
    """One named style signal.

    A *counted* signal has ``patterns`` and a ``scale``: its value is the
    number of matches of the patterns, scaled (see ``_SCALES``); the others
    compute their value with ``func``.
    """

    name: str
    description: str
    func: Callable[[str, Sequence[str]], float] | None = None
    patterns: tuple[re.Pattern[str] | _DigitPattern, ...] = ()
    scale: str = ""
    #: the same as ``func`` for a whole batch of NUL-free texts, when that is faster
    batch: Callable[[Sequence[str], Sequence[Sequence[str]]], np.ndarray] | None = None

    def value(self, text: str, tokens: Sequence[str]) -> float:
        """This signal's raw value for one normalized post and its tokens."""
        if self.func is not None:
            return self.func(text, tokens)
        count = sum(len(rx.findall(text)) for rx in self.patterns)
        return float(_SCALES[self.scale](count, len(text), len(tokens)))


def _counted(name: str, description: str, scale: str, *patterns: re.Pattern[str] | _DigitPattern) -> Signal:
    return Signal(name, description, patterns=patterns, scale=scale)


SIGNALS: tuple[Signal, ...] = (
    _counted("first_person", "first-person words (我, I, my) per token", "per_token", _FIRST_PERSON),
    _counted("addresses_audience", "addresses the audience (姐妹们, 家人们, you guys) per token", "per_token",
             _ADDRESS),
    _counted("exclamations", "exclamation marks per 100 characters", "per100", re.compile("!")),
    _counted("emoji", "emoji and bracket emoji ([赞R]) per 100 characters", "per100", _EMOJI),
    Signal("hashtags", "number of hashtags (log)", _hashtags),
    _counted("superlatives", "superlatives and absolute terms (最, 第一, best, #1, perfect) (log)", "log",
             _SUPERLATIVE),
    _counted("hype_words", "hype words (绝绝子, 闭眼入, yyds, must-have, holy grail) (log)", "log", _HYPE),
    _counted("calls_to_action", "calls to action (冲, 手慢无, 链接, link in bio, use code) (log)", "log", _CTA),
    _counted("price_discount", "prices, discounts and deal words (¥199, 5折, 领券, promo) (log)", "log", _PH_PRICE,
             _PRICE_WORDS),
    _counted("links_mentions", "links and @mentions (log)", "log", _PH_LINK),
    _counted("duration_of_use", "says how long it was used (用了两周, after 3 weeks) (log)", "log", _DURATION),
    _counted("personal_context", "own situation (干皮, 我家, budget, my kid, commute) (log)", "log", _PERSONAL),
    _counted("balance", "drawbacks and caveats (缺点, 但是, 不过, but, downside) (log)", "log", _BALANCE),
    _counted("negative", "negative experience (失望, 退货, 踩雷, returned, waste) (log)", "log", _NEGATIVE),
    _counted("hedging", "uncertainty (可能, 感觉, 不确定, maybe, I think) (log)", "log", _HEDGE),
    _counted("disclosure_thanks", "sponsorship words and brand thanks (合作, 感谢, gifted, #ad) (log)", "log",
             _DISCLOSURE),
    _counted("specific_numbers", "numbers with units (20ml, 3周, 2 hours, 5楼) per 100 characters", "per100",
             _UNIT_NUMBER),
    Signal("list_structure", "share of lines that start with a bullet, number or emoji", _list_lines),
    Signal("sentence_variety", "variation of sentence lengths (coefficient of variation)", _variety,
           batch=_variety_batch),
    Signal("questions", "question marks (capped at 5, scaled to 0-1)", _question),
)
SIGNAL_NAMES: tuple[str, ...] = tuple(s.name for s in SIGNALS)

# Signals that count plain lists of literal words. With the compiled kernels (``authenticity[fast]``) one pass over
# a batch counts all of them, with the same rule as their regexes (the tests compare the two).
_LITERALS: dict[str, tuple[str, ...]] = {
    **KEYWORDS,
    "exclamations": ("!",),
    "price_discount": (*KEYWORDS["price_discount"], PLACEHOLDERS["price"], PLACEHOLDERS["discount"]),
    "links_mentions": (PLACEHOLDERS["url"], PLACEHOLDERS["mention"]),
}
_LITERAL_COLUMNS = [SIGNAL_NAMES.index(name) for name in _LITERALS]


@lru_cache(maxsize=1)
def _literal_table() -> Any:
    from ._kernels import LiteralTable

    return LiteralTable([tuple((w, _LATIN_WORD.fullmatch(w) is not None) for w in dict.fromkeys(words))
                         for words in _LITERALS.values()])


def signal_values(text: str, tokens: Sequence[str]) -> list[float]:
    """The raw signal values of one normalized post, in ``SIGNALS`` order."""
    return [s.value(text, tokens) for s in SIGNALS]


def signal_matrix(texts: Sequence[str], tokens: Sequence[Sequence[str]],
                  n_tokens: np.ndarray | None = None) -> np.ndarray:
    """A dense ``(n_posts, n_signals)`` float64 matrix of raw signal values (row *i* is ``signal_values`` of post *i*).

    Counted signals run their patterns once over the whole batch, joined with
    NUL separators that no pattern can match across, and assign matches to
    posts by position. With the compiled kernels, one pass counts every signal
    that is a list of literal words.

    With ``n_tokens`` (each post's number of tokens), ``tokens`` need only
    hold each post's hashtags (the tokens that start with ``#``), the only
    tokens a signal reads; any other tokens are ignored. Texts must then be
    free of NUL.
    """
    n = len(texts)
    if n != len(tokens):
        raise ValueError(f"{n} texts but {len(tokens)} token lists")
    out = np.zeros((n, len(SIGNALS)), dtype=np.float64)
    if n == 0:
        return out
    if any("\x00" in t for t in texts):  # normalized text never has NUL; anything else goes post by post
        if n_tokens is not None:
            raise ValueError("signal_matrix: texts with NUL need their full token lists, not n_tokens")
        for i, (t, toks) in enumerate(zip(texts, tokens, strict=True)):
            out[i] = signal_values(t, toks)
        return out
    joined = "\x00".join(texts)
    n_chars = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    if n_tokens is None:
        n_tokens = np.fromiter(map(len, tokens), dtype=np.int64, count=n)
    starts = np.zeros(n, dtype=np.int64)
    np.cumsum(n_chars[:-1] + 1, out=starts[1:])
    compiled = np.zeros((n, len(SIGNALS)), dtype=np.int64)
    done: set[int] = set()
    other_digits: bool | None = None
    if _kernels.use(n):
        compiled[:, _LITERAL_COLUMNS] = _kernels.literal_counts(list(texts), _literal_table())
        done.update(_LITERAL_COLUMNS)

    for j, s in enumerate(SIGNALS):
        if s.batch is not None:
            out[:, j] = s.batch(texts, tokens)
            continue
        if s.func is not None:
            out[:, j] = [s.func(t, k) for t, k in zip(texts, tokens, strict=True)]
            continue
        if j in done:
            c = compiled[:, j].astype(np.float64)
        else:
            c = np.zeros(n)
            for rx in s.patterns:
                if isinstance(rx, _DigitPattern):  # one look for other digits serves every such pattern
                    other_digits = _OTHER_DIGIT.search(joined) is not None if other_digits is None else other_digits
                    rx = rx.exact if other_digits else rx.fast
                pos = np.fromiter((m.start() for m in rx.finditer(joined)), dtype=np.int64)
                c += np.bincount(np.searchsorted(starts, pos, side="right") - 1, minlength=n)
        out[:, j] = _SCALES[s.scale](c, n_chars, n_tokens)
    return out


def docs() -> str:
    """A Markdown table of the signals (used by the model card and README)."""
    rows = ["| signal | what it measures |", "|---|---|"]
    rows += [f"| `{s.name}` | {s.description} |" for s in SIGNALS]
    return "\n".join(rows)
