"""Reading a seeding brief: its sections and what creators are *required* to include.

A brief is free text or Markdown. When it has headings, sections are
recognised by their titles (English or Chinese):

- **key messages** (key messages, talking points, selling points, 核心卖点, 卖点, 关键信息 …);
- **mandatory** (mandatory, required, must, 必带, 必须, 硬性要求, 话题 …);
- **sample script** (sample script, sample caption, example post, 参考文案, 示例文案 …).

Mandatory hashtags, @mentions, the brand and product names and the lines of
the mandatory section are *expected* in posts: the audit and the draft check
report them apart and do not count them as copying.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .normalize import clean_unicode

__all__ = ["Brief", "parse_brief", "MAX_BRIEF_CHARS"]

MAX_BRIEF_CHARS = 200_000

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*$")
_BOLD_HEADING = re.compile(r"^\s*(?:\*\*|__)(.+?)(?:\*\*|__)\s*[:：]?\s*$|^\s*【(.+?)】\s*$")
_KEY = re.compile(
    r"key message|talking point|selling point|key point|messag|卖点|关键信息|核心信息|重点|传播点|要点", re.I
)
_MANDATORY = re.compile(r"mandator|required|requirement|must|必带|必须|硬性|强制|规范|要求|话题|hashtag|tag", re.I)
_SCRIPT = re.compile(r"sample|script|example|template|caption|参考文案|示例|范文|文案|脚本|模板", re.I)
_HASHTAG = re.compile(r"#[^\s#\[\]*_`,，。:：;；!！?？()（）]{1,40}(?:\[(?:话题|話題)\]#)?")
_DISCLOSURE_TAGS = {"ad", "ads", "sponsored", "gifted", "collab", "partner", "广告", "合作", "赞助"}
_MENTION = re.compile(r"@[^\s@#,，。!！?？:：;；、()（）\[\]【】'\"]{1,30}")
_NAME_LINE = re.compile(
    r"^\s*[-*]?\s*(?:\*\*)?(?:brand|product|product name|品牌|产品|产品名|商品|品名)(?:\*\*)?\s*[:：]\s*(.+)$",
    re.I | re.M,
)
_LIST_PREFIX = re.compile(r"^\s*(?:[-*•·]|\d+[.)、]|[①-⑩])\s*")
_LABEL_PREFIX = re.compile(r"^[^:：]{1,12}[:：]\s*")


@dataclass(frozen=True)
class Brief:
    """A parsed brief."""

    text: str
    sections: dict[str, str] = field(default_factory=dict)
    key_messages: tuple[str, ...] = ()
    sample_script: str = ""
    hashtags: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    mandatory_lines: tuple[str, ...] = ()

    @property
    def expected_terms(self) -> tuple[str, ...]:
        """Everything posts are expected to carry: hashtags, mentions, names, mandatory lines."""
        return self.hashtags + self.mentions + self.names + self.mandatory_lines


def _items(body: str) -> list[str]:
    out = []
    for line in body.splitlines():
        line = _LIST_PREFIX.sub("", line).strip().strip("*_`>").strip()
        if len(line) >= 2:
            out.append(line)
    return out


def parse_brief(text: str) -> Brief:
    """Parse a brief (see the module docstring). Any string is accepted."""
    text = clean_unicode(text).lstrip("\ufeff")
    sections: dict[str, str] = {}
    current = ""
    buf: list[str] = []
    for line in text.splitlines():
        m = _HEADING.match(line) or _BOLD_HEADING.match(line)
        if m:
            if buf:
                sections[current] = (sections.get(current, "") + "\n" + "\n".join(buf)).strip()
            current = next(g for g in m.groups()[1:] + m.groups()[:1] if g and not g.startswith("#")).strip()
            buf = []
        else:
            buf.append(line)
    if buf:
        sections[current] = (sections.get(current, "") + "\n" + "\n".join(buf)).strip()

    key: list[str] = []
    script: list[str] = []
    mandatory: list[str] = []
    for title, body in sections.items():
        if not title:
            continue
        if _SCRIPT.search(title) and not _KEY.search(title):
            script.append(body)
        elif _MANDATORY.search(title) and not _KEY.search(title):
            mandatory.extend(_items(body))
        elif _KEY.search(title):
            key.extend(_items(body))

    hashtags = tuple(dict.fromkeys(_HASHTAG.findall(text)))
    mentions = tuple(dict.fromkeys(m.rstrip(".") for m in _MENTION.findall(text)))
    names: list[str] = []
    for m in _NAME_LINE.finditer(text):
        value = re.split(r"[（(,，;；。|]", m.group(1))[0].strip().strip("*「」\"'")
        if 1 < len(value) <= 40:
            names.append(value)
    for tag in hashtags:
        core = tag.strip("#").split("[")[0]
        if 2 < len(core) <= 20 and core.lower() not in _DISCLOSURE_TAGS:
            names.append(core)
    names += [m[1:] for m in mentions if len(m) > 2]
    mand_lines = []
    for item in mandatory:
        item = _HASHTAG.sub(" ", _MENTION.sub(" ", item))
        item = _LABEL_PREFIX.sub("", item).strip(" 「」\"'“”")
        if len(item) >= 4:
            mand_lines.append(item)
    return Brief(
        text=text,
        sections=sections,
        key_messages=tuple(key),
        sample_script="\n\n".join(script),
        hashtags=hashtags,
        mentions=mentions,
        names=tuple(dict.fromkeys(names)),
        mandatory_lines=tuple(mand_lines),
    )
