"""The advertising-law lexicon a draft check looks terms up in.

One JSON file ships with the package (``lexicons/ad_law.json``: absolute
terms such as 最, 第一, 全网最低, "best ever", with severity, category and a
suggested rewording, plus disclosure labels and exemptions); ``--lexicon``
adds files of the same shape. An entry is ``{"match": literal}`` or
``{"regex": pattern}``; literal Chinese terms also match their Traditional
spelling.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import InputError
from .normalize import clean_unicode

__all__ = ["SEVERITIES", "TO_SIMPLIFIED", "Lexicon", "LexiconPattern", "fold", "load_lexicon"]

SEVERITIES = ("high", "medium", "low")

# Traditional -> Simplified, one character each (so offsets do not move), for the characters of the
# lexicon's Chinese terms: 「全網最低價」 matches 全网最低.
TO_SIMPLIFIED = str.maketrans(
    "網價國級頂療癒見醫藥證質選勝獨滿減優碼贊廣傳類銷業們寶殺險無專號聯電話鏈區費錢買賣發體驗當馬間時極緻萬敵絕對壓淨禮贈"
    "領謝來歡熱暢權進強雙紅為與個這麼後開終長樣膚過頭幾貓點節輪場張條頁歲週兩顆蓋應該會說讓愛擔討厭問題遺尋鬆據統華實驚護"
    "膠瘋闆搶購車櫥員屬請夠衛機臉衝億劑處妝風齊彈絲兒蟲鹽黃乾濕舊師飯錯嗎還聽現經歷觀覺顏裝穩續換調燈細舉薦評論鏡麵筆記紀"
    "畫總線訊營養雞蘭齡層樓邊際興奮滅協單擁標準測試盡憑確",
    "网价国级顶疗愈见医药证质选胜独满减优码赞广传类销业们宝杀险无专号联电话链区费钱买卖发体验当马间时极致万敌绝对压净礼赠"
    "领谢来欢热畅权进强双红为与个这么后开终长样肤过头几猫点节轮场张条页岁周两颗盖应该会说让爱担讨厌问题遗寻松据统华实惊护"
    "胶疯板抢购车橱员属请够卫机脸冲亿剂处妆风齐弹丝儿虫盐黄干湿旧师饭错吗还听现经历观觉颜装稳续换调灯细举荐评论镜面笔记纪"
    "画总线讯营养鸡兰龄层楼边际兴奋灭协单拥标准测试尽凭确",
)


@dataclass(frozen=True)
class LexiconPattern:
    """One compiled lexicon entry: what it matches, in which language, and how to report it."""

    rx: re.Pattern[str]
    lang: str
    category: str = ""
    severity: str = "medium"
    suggestion: str = ""
    reason: str = ""


@dataclass(frozen=True)
class Lexicon:
    """The compiled advertising-law lexicon (see the module docstring for the file schema)."""

    categories: dict[str, str]
    terms: tuple[LexiconPattern, ...]
    exemptions: tuple[LexiconPattern, ...]
    labels: tuple[re.Pattern[str], ...]
    label_names: tuple[str, ...]
    weak: tuple[re.Pattern[str], ...]
    weak_names: tuple[str, ...]
    denials: tuple[re.Pattern[str], ...]
    cues: tuple[tuple[re.Pattern[str], str], ...]
    expected: dict[str, str]


def fold(s: str) -> str:
    """The form the lexicon matches against: cleaned, NFKC, lowercase (offsets are kept by the caller)."""
    return clean_unicode(unicodedata.normalize("NFKC", clean_unicode(s)).lower())


def _literal(s: str) -> str:
    s = fold(s).translate(TO_SIMPLIFIED)
    e = re.escape(s)
    if s[:1].isascii() and s[:1].isalnum():
        e = r"(?<![a-z0-9])" + e
    if s[-1:].isascii() and s[-1:].isalnum():
        e += r"(?![a-z0-9])"
    return e


def _compile(entry: Any, where: str) -> tuple[re.Pattern[str], str]:
    if not isinstance(entry, dict):
        raise InputError(f"{where}: expected an object with 'match' or 'regex', got {type(entry).__name__}")
    m, r = entry.get("match"), entry.get("regex")
    if (m is None) == (r is None) or not isinstance(m if r is None else r, str) or not (m or r):
        raise InputError(f"{where}: give exactly one of 'match' (a literal) or 'regex' (a non-empty string)")
    lang = entry.get("lang", "any")
    if lang not in ("zh", "en", "any"):
        raise InputError(f"{where}: 'lang' must be zh, en or any, got {lang!r}")
    try:
        return re.compile(_literal(m) if r is None else r), lang
    except re.error as exc:
        raise InputError(f"{where}: invalid regex {r!r} ({exc})") from None


def _str_list(d: dict[str, Any], key: str, where: str) -> list[str]:
    v = d.get(key, [])
    if not isinstance(v, list) or not all(isinstance(x, str) and x for x in v):
        raise InputError(f"{where}: 'disclosure.{key}' must be a list of non-empty strings")
    return v


def _read_lexicon(text: str, where: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"lexicon {where} is not valid JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(data, dict):
        raise InputError(f"lexicon {where} must be a JSON object with 'terms' and 'exemptions'")
    return data


def _lexicon_sources(extra: Sequence[str]) -> list[tuple[str, str]]:
    ref = resources.files("authenticity").joinpath("lexicons/ad_law.json")
    out = [("ad_law.json", ref.read_text("utf-8"))]
    for p in extra:
        path = Path(p)
        if not path.is_file():
            raise InputError(f"lexicon file not found: {path}")
        try:
            out.append((str(path), path.read_text("utf-8-sig")))
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read lexicon {path} as UTF-8 ({exc})") from None
    return out


@lru_cache(maxsize=8)
def _load_lexicon(extra: tuple[str, ...]) -> Lexicon:
    categories: dict[str, str] = {}
    terms: list[LexiconPattern] = []
    exemptions: list[LexiconPattern] = []
    disc: dict[str, list[str]] = {"labels": [], "weak": [], "denials": []}
    cues: list[tuple[re.Pattern[str], str]] = []
    expected: dict[str, str] = {}
    for where, text in _lexicon_sources(extra):
        data = _read_lexicon(text, where)
        cats = data.get("categories", {})
        if not isinstance(cats, dict):
            raise InputError(f"lexicon {where}: 'categories' must be an object of name: description")
        categories.update({str(k): str(v) for k, v in cats.items()})
        for i, e in enumerate(data.get("terms", [])):
            w = f"lexicon {where}, terms[{i}]"
            rx, lang = _compile(e, w)
            sev = e.get("severity", "medium")
            if sev not in SEVERITIES:
                raise InputError(f"{w}: 'severity' must be one of {', '.join(SEVERITIES)}, got {sev!r}")
            terms.append(LexiconPattern(rx, lang, str(e.get("category", "absolute")), sev,
                                        str(e.get("suggestion", ""))))
        for i, e in enumerate(data.get("exemptions", [])):
            rx, lang = _compile(e, f"lexicon {where}, exemptions[{i}]")
            exemptions.append(LexiconPattern(rx, lang, reason=str(e.get("reason", ""))))
        d = data.get("disclosure", {})
        if not isinstance(d, dict):
            raise InputError(f"lexicon {where}: 'disclosure' must be an object")
        for key in disc:
            disc[key] += _str_list(d, key, f"lexicon {where}")
        for i, e in enumerate(d.get("cues", [])):
            rx, _ = _compile(e, f"lexicon {where}, disclosure.cues[{i}]")
            cues.append((rx, str(e.get("cue", "sponsorship cue"))))
        exp = d.get("expected", {})
        if not isinstance(exp, dict):
            raise InputError(f"lexicon {where}: 'disclosure.expected' must be an object of lang: label")
        expected.update({str(k): str(v) for k, v in exp.items()})
    lab = list(dict.fromkeys(disc["labels"]))
    weak = list(dict.fromkeys(disc["weak"]))
    return Lexicon(
        categories=categories,
        terms=tuple(terms),
        exemptions=tuple(exemptions),
        labels=tuple(re.compile(_literal(s)) for s in lab),
        label_names=tuple(lab),
        weak=tuple(re.compile(_literal(s)) for s in weak),
        weak_names=tuple(weak),
        denials=tuple(re.compile(_literal(s)) for s in dict.fromkeys(disc["denials"])),
        cues=tuple(cues),
        expected=expected,
    )


def load_lexicon(extra: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None) -> Lexicon:
    """The shipped lexicon, extended by the files in ``extra`` (cached)."""
    if extra is None:
        paths: tuple[str, ...] = ()
    elif isinstance(extra, (str, os.PathLike)):
        paths = (str(Path(extra).resolve()),)
    else:
        paths = tuple(str(Path(p).resolve()) for p in extra)
    return _load_lexicon(paths)
