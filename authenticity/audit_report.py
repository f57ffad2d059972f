"""The campaign audit's report: what :func:`authenticity.audit.audit_campaign` returns.

Plain frozen dataclasses; ``AuditReport.as_dict()`` is what ``authenticity audit --json`` prints, and
:mod:`authenticity.report` renders the terminal and HTML views from them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = [
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
]


@dataclass(frozen=True)
class Highlight:
    """A marked range of a post's *normalized* text: ``kind`` is ``brief``, ``template`` or ``expected``."""

    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class PostResult:
    """One input row. Rows that are not ``ok`` carry a status and no signals."""

    row: int
    post_id: int | str
    status: str
    text: str = ""
    creator: str | None = None
    lang: str | None = None
    p_scripted: float | None = None
    label: str | None = None
    brief_copy: float = 0.0
    longest_copy: int = 0
    copied_spans: tuple[str, ...] = ()
    echoed: tuple[int, ...] = ()
    template_share: float = 0.0
    shared: tuple[int, ...] = ()
    duplicate_cluster: int | None = None
    max_similarity: float = 0.0
    borrowed: float = 0.0
    copies_brief: bool = False
    uses_template: bool = False
    band: str | None = None
    engagement: dict[str, float | None] = field(default_factory=dict)
    highlights: tuple[Highlight, ...] = ()

    @property
    def reuses(self) -> bool:
        """Copies the brief, uses a hidden template, or is a near-duplicate."""
        return self.copies_brief or self.uses_template or self.duplicate_cluster is not None

    def as_dict(self, include_text: bool = False) -> dict[str, Any]:
        d = {k: v for k, v in asdict(self).items() if k not in ("text", "highlights")}
        d["reuses"] = self.reuses
        if include_text:
            d["text"] = self.text
            d["highlights"] = [asdict(h) for h in self.highlights]
        return d


@dataclass(frozen=True)
class EchoedPhrase:
    """A brief phrase that posts repeat (``posts`` are post ids)."""

    text: str
    source: str
    n_posts: int
    share: float
    posts: tuple[int | str, ...]
    counted: bool


@dataclass(frozen=True)
class SharedPhrase:
    """A phrase not in the brief that many posts share (a hidden template)."""

    text: str
    n_posts: int
    share: float
    posts: tuple[int | str, ...]


@dataclass(frozen=True)
class SharedStructure:
    """A list skeleton (①②③, 1. 2. 3., ✅✅✅) that many posts follow."""

    skeleton: str
    n_posts: int
    share: float
    posts: tuple[int | str, ...]


@dataclass(frozen=True)
class ExpectedTerm:
    """A term posts are supposed to carry (hashtag, mention, name, mandatory line)."""

    text: str
    kind: str
    n_posts: int
    share: float


@dataclass(frozen=True)
class DuplicateCluster:
    posts: tuple[int | str, ...]
    mean_similarity: float
    min_similarity: float
    creators: tuple[str, ...] = ()


@dataclass(frozen=True)
class CreatorResult:
    creator: str
    n_posts: int
    n_reusing: int
    mean_brief_copy: float
    mean_borrowed: float
    scripted_share: float
    posts: tuple[int | str, ...]


@dataclass(frozen=True)
class EngagementBand:
    band: str
    n_posts: int
    median: dict[str, float | None]
    mean: dict[str, float | None]


@dataclass(frozen=True)
class Component:
    """One term of the over-control index: ``points = weight × score``."""

    name: str
    description: str
    value: float
    score: float
    weight: float
    points: float


@dataclass(frozen=True)
class AuditReport:
    """The result of :func:`audit_campaign`. ``as_dict()`` is what ``audit --json`` prints."""

    verdict: str
    over_control_index: float
    components: tuple[Component, ...]
    #: verdict rules that applied on top of the index (empty when the index alone decided)
    verdict_rules: tuple[str, ...]
    reasons: tuple[str, ...]
    recommendations: tuple[str, ...]
    n_rows: int
    n_posts: int
    lang: str
    scripted_share: float
    p_scripted_quantiles: dict[str, float]
    p_scripted_histogram: tuple[int, ...]
    mean_brief_copy: float
    echoed_phrases: tuple[EchoedPhrase, ...]
    expected_terms: tuple[ExpectedTerm, ...]
    shared_phrases: tuple[SharedPhrase, ...]
    shared_structure: SharedStructure | None
    duplicate_clusters: tuple[DuplicateCluster, ...]
    duplicate_method: str
    creators: tuple[CreatorResult, ...]
    copiers: tuple[str, ...]
    engagement: tuple[EngagementBand, ...]
    posts: tuple[PostResult, ...]
    brief_title: str = ""
    #: pairwise post similarity (ok posts, input order) for charts; only for campaigns up to SIMILARITY_MAX posts
    similarity: tuple[tuple[float, ...], ...] | None = None
    columns: dict[str, str | None] = field(default_factory=dict)
    model: dict[str, Any] = field(default_factory=dict)
    thresholds: dict[str, float] = field(default_factory=dict)

    def post(self, post_id: int | str) -> PostResult:
        """The post with this id."""
        for p in self.posts:
            if p.post_id == post_id:
                return p
        raise KeyError(post_id)

    def as_dict(self, include_text: bool = False) -> dict[str, Any]:
        d: dict[str, Any] = {}
        for f in self.__dataclass_fields__:
            v = getattr(self, f)
            if f == "similarity":
                continue
            if f == "posts":
                d[f] = [p.as_dict(include_text) for p in v]
            elif isinstance(v, tuple) and v and hasattr(v[0], "__dataclass_fields__"):
                d[f] = [asdict(x) for x in v]
            elif hasattr(v, "__dataclass_fields__"):
                d[f] = asdict(v)
            else:
                d[f] = v
        return d
