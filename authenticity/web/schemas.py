"""Request bodies of the JSON API (pydantic models, so they appear in the OpenAPI schema).

Shape rules are checked here (a missing field, a wrong type: 422); size caps
are checked by the endpoints against :class:`~authenticity.web.guard.Limits`
(413), because they depend on how the app was configured.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["CheckRequest", "ScoreRequest"]


class CheckRequest(BaseModel):
    """``POST /v1/check``: one draft, and optionally the brief it was written from."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"text": "姐妹们冲！这款精华真的绝绝子，全网最低价，链接在评论区", "brief": None, "lang": "auto"},
    ]})

    text: str = Field(description="the draft, as it would be posted")
    brief: str | None = Field(default=None, description="the brief (text or Markdown); shows what the draft copied")
    lang: Literal["auto", "zh", "en"] = Field(
        default="auto", description="language of the advertising-law terms to check (auto: both)")


class ScoreRequest(BaseModel):
    """``POST /v1/score``: give ``texts`` (a list of strings) or ``records`` (a list of objects), not both."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"texts": ["用了两周，干皮冬天够用，就是有点黏", "The #1 serum, guaranteed results! link in bio"]},
        {"records": [{"id": "a1", "text": "用了两周，干皮冬天够用"}], "text_col": "text"},
    ]})

    texts: list[Any] | None = Field(default=None, description="posts to score; null, numbers and blank strings "
                                    "come back with a status instead of a score")
    records: list[dict[str, Any]] | None = Field(default=None, description="objects holding the post in a text "
                                                 "field (found by name: text, content, 正文, 内容 … or text_col)")
    text_col: str | None = Field(default=None, description="the text field of the records (default: auto-detected)")

    @model_validator(mode="after")
    def _one_of(self) -> ScoreRequest:
        if (self.texts is None) == (self.records is None):
            raise ValueError("give exactly one of 'texts' (a list of strings) or 'records' (a list of objects)")
        if self.text_col is not None and self.records is None:
            raise ValueError("'text_col' applies to 'records' only")
        return self
