"""Named style signals: the hand-made, documented features of the model.

Each signal is a number computed from one normalized post and its tokens.
They sit beside the n-gram features in the linear model, so each one's
contribution to a score can be shown by name ("many calls to action", "says
how long it was used"). ``SIGNALS`` lists them in model order with a
one-line description; ``docs()`` renders the table used in the model card.

Counts are taken as ``log1p(count)`` and densities per 100 characters, so no
single long post dominates.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .normalize import PLACEHOLDERS

__all__ = ["SIGNALS", "SIGNAL_NAMES", "Signal", "docs", "signal_matrix", "signal_values"]


def _trie(words: list[str]) -> str:
    """A regex matching exactly ``words``, built as a trie so each position tries one branch."""
    tree: dict = {}
    for w in words:
        node = tree
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return f"(?:{body})?"
        return body

    return emit(tree)


def _alt(*words: str) -> str:
    """An alternation of literal words, as a trie; Latin words only match as whole words."""
    latin = [w for w in words if re.fullmatch(r"[a-z0-9][a-z0-9' /-]*", w)]
    other = [w for w in words if w not in latin]
    parts = []
    if other:
        parts.append(_trie(other))
    if latin:
        alnum_end = [w for w in latin if w[-1].isalnum()]
        other_end = [w for w in latin if not w[-1].isalnum()]
        if alnum_end:
            parts.append(r"\b" + _trie(alnum_end) + r"\b")
        if other_end:
            parts.append(r"\b" + _trie(other_end))
    return "|".join(f"(?:{p})" for p in parts)


_FIRST_PERSON = re.compile(r"我|本人|俺|咱|\b(?:i|me|my|mine|myself|i'm|i've|i'd|i'll|im)\b")
_ADDRESS = re.compile(
    r"姐妹们?|家人们|宝子们?|宝宝们|集美们?|小伙伴们|朋友们|大家|你们|"
    r"\b(?:you guys|y'all|everyone|babes?|besties|ladies)\b"
)
_SUPERLATIVE = re.compile(
    _alt("最", "第一", "唯一", "顶级", "极致", "天花板", "无敌", "完美", "全网", "史上", "万能", "100%",
         "best", "ever", "perfect", "ultimate", "#1", "number one", "unbeatable", "flawless",
         "incredible", "amazing", "absolutely", "guaranteed")
)
_HYPE = re.compile(
    _alt("绝绝子", "yyds", "闭眼入", "闭眼冲", "宝藏", "神器", "必入", "必备", "封神", "爆款", "种草",
         "狠狠爱", "谁用谁知道", "一生推", "无限回购", "真香", "must-have", "must have", "game changer",
         "game-changer", "holy grail", "obsessed", "life-changing", "life changing", "hidden gem",
         "run don't walk", "a must", "10/10", "slay", "hype")
)
_CTA = re.compile(
    _alt("冲", "赶紧", "手慢无", "链接", "评论区", "扣1", "私信", "下单", "抢", "戳", "入手", "快去",
         "直播间", "领券", "点击", "关注", "link in bio", "use code", "use my code", "shop now",
         "tap the link", "click the link", "swipe up", "don't miss", "grab yours", "order now",
         "limited time", "while stocks last", "check out", "comment below", "dm me", "follow")
)
_PRICE_WORDS = re.compile(
    _alt("优惠", "折扣", "券", "特价", "秒杀", "包邮", "福利", "活动价", "原价", "赠品", "满减", "拼团",
         "discount", "promo", "coupon", "sale", "deal", "off", "free shipping", "code")
)
_DURATION = re.compile(
    r"(?:用了|坚持|吃了|穿了|住了|开了|养了|玩了|读了|已经|连续)[^\s,。!?]{0,3}?"
    r"(?:[一二两三四五六七八九十半几\d]+)\s?(?:个)?(?:天|周|星期|礼拜|禮拜|个月|個月|月|年|次|晚|瓶|罐)"
    r"|第[一二三四五六七八九十\d]+(?:天|周|个月|次|瓶)"
    r"|\b(?:for|after|over|within|in)\s(?:about\s|almost\s|nearly\s|a\s|an\s|\d+\s|two\s|three\s|four\s|"
    r"six\s|few\s|couple\s(?:of\s)?)?(?:\w+\s)?(?:days?|weeks?|months?|years?|nights?)\b"
    r"|\b\d+\s?(?:days?|weeks?|months?|years?)\s(?:in|later|of use|now)\b"
)
_PERSONAL = re.compile(
    _alt("干皮", "油皮", "混油", "混干", "敏感肌", "痘肌", "黄皮", "黑头", "我家", "家里", "老公", "男朋友",
         "女朋友", "孩子", "儿子", "女儿", "宝宝", "我妈", "我爸", "室友", "同事", "租的", "预算", "工资",
         "通勤", "学生党", "上班", "加班", "宿舍", "my skin", "dry skin", "oily skin", "sensitive skin",
         "my kid", "my son", "my daughter", "my husband", "my wife", "my partner", "my mom", "my dad",
         "roommate", "my budget", "commute", "my flat", "my apartment", "my dog", "my cat", "我家狗",
         "我家猫", "my office", "my job")
)
_BALANCE = re.compile(
    _alt("缺点", "不足", "但是", "不过", "可惜", "就是有点", "有点", "一般", "美中不足", "唯一的问题",
         "but", "however", "though", "downside", "cons", "con:", "wish", "only complaint", "not perfect",
         "drawback", "although", "a bit", "slightly", "meh")
)
_NEGATIVE = re.compile(
    _alt("难用", "失望", "退货", "退款", "踩雷", "差评", "垃圾", "后悔", "不推荐", "不会回购", "过敏",
         "坑", "翻车", "拉胯", "不值", "disappointed", "returned", "return it", "broke", "broken",
         "waste", "refund", "regret", "wouldn't recommend", "not worth", "won't buy", "terrible",
         "awful", "rash", "breakout")
)
_HEDGE = re.compile(
    _alt("不确定", "可能", "好像", "感觉", "也许", "大概", "应该", "说不定", "不知道是不是", "因人而异",
         "maybe", "probably", "not sure", "i think", "i guess", "kind of", "kinda", "sort of",
         "seems", "might", "ymmv")
)
_DISCLOSURE = re.compile(
    _alt("感谢", "合作", "赞助", "品牌方", "寄来", "送的", "官方", "广告", "#ad", "#sponsored",
         "sponsored", "gifted", "#gifted", "collab", "partnered", "pr package", "thanks to",
         "in partnership")
)
_UNIT_NUMBER = re.compile(
    r"(?<![\d.])\d{1,8}(?:\.\d{1,3})?\s?(?:ml|g|kg|mg|cm|mm|m|km|l|%|h|hr|hrs|hours?|mins?|minutes?|days?|weeks?|"
    r"months?|years?|nights?|floors?|毫升|克|斤|公斤|厘米|米|公里|小时|分钟|天|周|个月|年|楼|层|岁|次|晚|块)"
)
_LIST_LINE = re.compile(r"(?m)^\s*(?:[-•·*>]|\d+[.、)]|[①-⑩]|[\u2600-\u27bf\U0001F300-\U0001FAFF]\ufe0f?)")
_SENT_SPLIT = re.compile(r"[。!?\n.;;…]+")
_EMOJI = re.compile(r"[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF]|\[[^\[\]\s]{1,8}r\]")
_PH_PRICE = re.compile(f"[{PLACEHOLDERS['price']}{PLACEHOLDERS['discount']}]")
_PH_LINK = re.compile(f"[{PLACEHOLDERS['url']}{PLACEHOLDERS['mention']}]")


def _count(rx: re.Pattern[str]) -> Callable[[str, Sequence[str]], float]:
    return lambda text, toks: math.log1p(len(rx.findall(text)))


def _per100(rx: re.Pattern[str]) -> Callable[[str, Sequence[str]], float]:
    return lambda text, toks: 100.0 * len(rx.findall(text)) / (len(text) + 20)


def _ratio(rx: re.Pattern[str]) -> Callable[[str, Sequence[str]], float]:
    return lambda text, toks: len(rx.findall(text)) / (len(toks) + 5)


def _hashtags(text: str, toks: Sequence[str]) -> float:
    return math.log1p(sum(1 for t in toks if t.startswith("#")))


def _price(text: str, toks: Sequence[str]) -> float:
    return math.log1p(len(_PH_PRICE.findall(text)) + len(_PRICE_WORDS.findall(text)))


def _links(text: str, toks: Sequence[str]) -> float:
    return math.log1p(len(_PH_LINK.findall(text)))


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


def _question(text: str, toks: Sequence[str]) -> float:
    return min(text.count("?"), 5) / 5


@dataclass(frozen=True)
class Signal:
    """One named style signal."""

    name: str
    description: str
    func: Callable[[str, Sequence[str]], float]


SIGNALS: tuple[Signal, ...] = (
    Signal("first_person", "first-person words (我, I, my) per token", _ratio(_FIRST_PERSON)),
    Signal("addresses_audience", "addresses the audience (姐妹们, 家人们, you guys) per token",
           _ratio(_ADDRESS)),
    Signal("exclamations", "exclamation marks per 100 characters", _per100(re.compile("!"))),
    Signal("emoji", "emoji and bracket emoji ([赞R]) per 100 characters", _per100(_EMOJI)),
    Signal("hashtags", "number of hashtags (log)", _hashtags),
    Signal("superlatives", "superlatives and absolute terms (最, 第一, best, #1, perfect) (log)",
           _count(_SUPERLATIVE)),
    Signal("hype_words", "hype words (绝绝子, 闭眼入, yyds, must-have, holy grail) (log)", _count(_HYPE)),
    Signal("calls_to_action", "calls to action (冲, 手慢无, 链接, link in bio, use code) (log)", _count(_CTA)),
    Signal("price_discount", "prices, discounts and deal words (¥199, 5折, 领券, promo) (log)", _price),
    Signal("links_mentions", "links and @mentions (log)", _links),
    Signal("duration_of_use", "says how long it was used (用了两周, after 3 weeks) (log)", _count(_DURATION)),
    Signal("personal_context", "own situation (干皮, 我家, budget, my kid, commute) (log)", _count(_PERSONAL)),
    Signal("balance", "drawbacks and caveats (缺点, 但是, 不过, but, downside) (log)", _count(_BALANCE)),
    Signal("negative", "negative experience (失望, 退货, 踩雷, returned, waste) (log)", _count(_NEGATIVE)),
    Signal("hedging", "uncertainty (可能, 感觉, 不确定, maybe, I think) (log)", _count(_HEDGE)),
    Signal("disclosure_thanks", "sponsorship words and brand thanks (合作, 感谢, gifted, #ad) (log)",
           _count(_DISCLOSURE)),
    Signal("specific_numbers", "numbers with units (20ml, 3周, 2 hours, 5楼) per 100 characters",
           _per100(_UNIT_NUMBER)),
    Signal("list_structure", "share of lines that start with a bullet, number or emoji", _list_lines),
    Signal("sentence_variety", "variation of sentence lengths (coefficient of variation)", _variety),
    Signal("questions", "question marks (capped at 5, scaled to 0-1)", _question),
)
SIGNAL_NAMES: tuple[str, ...] = tuple(s.name for s in SIGNALS)


def signal_values(text: str, tokens: Sequence[str]) -> list[float]:
    """The raw signal values of one normalized post, in ``SIGNALS`` order."""
    return [s.func(text, tokens) for s in SIGNALS]


def signal_matrix(texts: Sequence[str], tokens: Sequence[Sequence[str]]) -> np.ndarray:
    """A dense ``(n_posts, n_signals)`` float64 matrix of raw signal values."""
    out = np.zeros((len(texts), len(SIGNALS)), dtype=np.float64)
    for i, (t, toks) in enumerate(zip(texts, tokens, strict=True)):
        out[i] = signal_values(t, toks)
    return out


def docs() -> str:
    """A Markdown table of the signals (used by the model card and README)."""
    rows = ["| signal | what it measures |", "|---|---|"]
    rows += [f"| `{s.name}` | {s.description} |" for s in SIGNALS]
    return "\n".join(rows)
