"""Framework documents: the file format of an index framework (pydantic models) and tree ordering.

Keep the models in step with ``framework.schema.json`` (a test validates the shipped files against both).
Validation with collected errors is :mod:`api.frameworks.validation`; files and dumps are
:mod:`api.frameworks.library`.
"""

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field

DATA_DIR = Path(__file__).parent / "data"
SCHEMA_PATH = Path(__file__).parent / "framework.schema.json"
SUM_TOLERANCE = 1e-6
FORMAT_VERSION = 1


# ----------------------------------------------------------------------------------------------------
# File format (keep in step with framework.schema.json; a test validates the shipped files against both)
# ----------------------------------------------------------------------------------------------------

_NODE_CODE_RE = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
_FRAMEWORK_CODE_RE = r"^[A-Z0-9][A-Z0-9_.-]*$"

NodeCode = Annotated[str, Field(pattern=_NODE_CODE_RE, max_length=40)]
FrameworkCode = Annotated[str, Field(pattern=_FRAMEWORK_CODE_RE, max_length=80)]
Text = Annotated[str, Field(pattern=r"\S")]  # any non-blank text
Percent = Annotated[float, Field(ge=0, le=100)]
Year = Annotated[int, Field(ge=1990, le=2100)]

FrameworkKind = Literal["par_index", "sipas", "local_index"]
FrameworkStatus = Literal["draft", "published", "retired"]
ScoringMethod = Literal["self_assessed", "survey", "formula"]

# Strict: "10" is not a number and 1 is not a string. YAML turns unquoted 1.10 into the float 1.1, so a node
# code must be quoted; silently coercing it would corrupt the code.
_STRICT = ConfigDict(strict=True, extra="forbid", frozen=True)


class Threshold(BaseModel):
    """One step of a formula: ratio ≥ ``min_ratio`` earns ``points``."""

    model_config = _STRICT

    min_ratio: Annotated[float, Field(ge=0, le=1)]
    points: Annotated[float, Field(ge=0)]


class FormulaSpec(BaseModel):
    """Ratio criterion (tiêu chí tính theo tỷ lệ): numerator / denominator mapped to points by thresholds."""

    model_config = _STRICT

    numerator: Text
    denominator: Text
    thresholds: Annotated[list[Threshold], Field(min_length=1)]


class ScoringOption(BaseModel):
    """One choice of an "options" rule: label → points (negative points are deductions, điểm trừ)."""

    model_config = _STRICT

    label: Text
    label_en: Text | None = None
    points: float


class ScoringThreshold(BaseModel):
    """One step of a "thresholds" rule: a measured value ≥ ``min_value`` (inclusive) earns ``points``."""

    model_config = _STRICT

    min_value: float
    points: float


class ScoringSpec(BaseModel):
    """The scoring rule as data (cách chấm điểm), applied by ``api.scoring.rules``.

    - ``options``: the unit picks one option, its points are the score;
    - ``thresholds``: the unit enters a measured value (e.g. a % of records on time), the highest step whose
      ``min_value`` it reaches gives the points; below every step → ``min_points``;
    - ``deduction``: ``start_points`` minus ``per_unit`` for each counted item (e.g. each late report), never
      below ``min_points``;
    - ``manual``: points typed by the unit within ``[min_points, max_points]``.
    """

    model_config = _STRICT

    kind: Literal["options", "thresholds", "deduction", "manual"]
    options: Annotated[list[ScoringOption], Field(min_length=1)] | None = None
    thresholds: Annotated[list[ScoringThreshold], Field(min_length=1)] | None = None
    value_label: Text | None = None  # what is measured, e.g. "Tỷ lệ hồ sơ giải quyết đúng hạn"
    value_unit: Annotated[str, Field(max_length=20)] | None = None  # e.g. "%"
    start_points: float | None = None
    per_unit: Annotated[float, Field(gt=0)] | None = None
    min_points: float = 0


class Applicability(BaseModel):
    """Which units a framework version scores: levels and kinds (an empty list = any)."""

    model_config = _STRICT

    levels: list[Literal["province", "district", "commune"]] = Field(default_factory=list)
    kinds: list[Literal["people_committee", "department", "public_service_unit", "office", "other"]] = Field(
        default_factory=list
    )


class RankingBand(BaseModel):
    """Nhóm xếp loại. ``min_percent`` is inclusive, ``max_percent`` exclusive; ``None`` = open end."""

    model_config = _STRICT

    code: Annotated[str, Field(pattern=_NODE_CODE_RE, max_length=40)]
    name: Text
    min_percent: Percent | None = None
    max_percent: Percent | None = None
    verified: bool
    note: Text | None = None


class FrameworkMeta(BaseModel):
    """Thông tin chung của bộ chỉ số."""

    model_config = _STRICT

    code: FrameworkCode
    name: Annotated[str, Field(pattern=r"\S", max_length=300)]
    name_en: Annotated[str, Field(pattern=r"\S", max_length=300)] | None = None
    kind: FrameworkKind
    valid_from_year: Year
    valid_to_year: Year | None = None
    issuing_document: Annotated[str, Field(pattern=r"\S", max_length=500)] | None = None
    status: FrameworkStatus
    scale: Annotated[float, Field(gt=0)]
    root_sum_equals_scale: bool = False
    ranking_bands: list[RankingBand] = Field(default_factory=list)
    applicability: Applicability | None = None
    provenance: Text


class NodeDoc(BaseModel):
    """One node: lĩnh vực / tiêu chí / tiêu chí thành phần, or a SIPAS phần / yếu tố / câu hỏi."""

    model_config = _STRICT

    code: NodeCode
    parent: NodeCode | None = None
    title: Text
    title_en: Text | None = None
    order: Annotated[int, Field(ge=0)]
    level_name: Annotated[str, Field(pattern=r"\S", max_length=80)]
    max_points: Annotated[float, Field(ge=0)] | None = None
    scoring_method: ScoringMethod
    scoring_rule: Text | None = None
    formula: FormulaSpec | None = None
    scoring: ScoringSpec | None = None
    expected_evidence: Text | None = None  # tài liệu kiểm chứng
    children_sum: bool = True
    verified: bool
    source_note: Text | None = None


class FrameworkDoc(BaseModel):
    """A whole framework file. Built by :func:`parse_document`, whose ``nodes`` are always in tree order."""

    model_config = _STRICT

    format_version: Literal[1]
    framework: FrameworkMeta
    nodes: list[NodeDoc]


# ----------------------------------------------------------------------------------------------------
# Tree helpers
# ----------------------------------------------------------------------------------------------------


class TreeItem(Protocol):
    """Anything with a code, a parent code and an order (NodeDoc, or a DB row exposing these)."""

    @property
    def code(self) -> str: ...

    @property
    def parent(self) -> str | None: ...

    @property
    def order(self) -> int: ...


T = TypeVar("T", bound=TreeItem)


def natural_key(code: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key so that "2" < "10" and "1.2" < "1.10"."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", code) if p)


def tree_order(nodes: Iterable[T]) -> list[T]:
    """Parents before children, siblings by ``order`` then code (natural order), depth first.

    Nodes whose parent is missing count as roots; nodes caught in a cycle come last, in input order.
    """
    items = list(nodes)
    codes = {n.code for n in items}
    children: dict[str | None, list[int]] = {}
    for i, n in enumerate(items):
        key = n.parent if n.parent in codes else None
        children.setdefault(key, []).append(i)
    for idxs in children.values():
        idxs.sort(key=lambda i: (items[i].order, natural_key(items[i].code), i))
    out: list[int] = []
    seen: set[int] = set()
    seen_codes: set[str] = set()
    stack = list(reversed(children.get(None, [])))
    while stack:
        i = stack.pop()
        if i in seen:
            continue
        seen.add(i)
        out.append(i)
        code = items[i].code
        if code in seen_codes:  # duplicate code: do not walk the same subtree twice
            continue
        seen_codes.add(code)
        stack.extend(reversed(children.get(code, [])))
    out.extend(i for i in range(len(items)) if i not in seen)
    return [items[i] for i in out]
