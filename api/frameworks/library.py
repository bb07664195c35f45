"""Framework library: the file format of an index framework (bộ chỉ số) and its validation.

A framework is PAR INDEX, SIPAS or a province's own index (bộ chỉ số cấp sở/huyện/xã). Point tables
change with each decision of Bộ Nội vụ or of a province, so they live in versioned data files (one
framework per YAML or JSON file, format in ``framework.schema.json``), never in code. This module is pure
Python: no database access.

Entry points: :func:`parse_document` (dict → :class:`FrameworkDoc`, collecting *all* errors),
:func:`load_file`, :func:`parse_text`, :func:`dump_document` (canonical dict, lossless round trip),
:func:`shipped_files`, :func:`tree_order`, :func:`fold_accents`.
"""

import itertools
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Protocol, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = [
    "DATA_DIR",
    "SCHEMA_PATH",
    "SUM_TOLERANCE",
    "FormulaSpec",
    "FrameworkDoc",
    "FrameworkMeta",
    "FrameworkValidationError",
    "NodeDoc",
    "NodeError",
    "RankingBand",
    "Threshold",
    "band_for",
    "dump_document",
    "dump_json",
    "dump_yaml",
    "fold_accents",
    "formula_points",
    "load_file",
    "load_shipped",
    "parse_document",
    "parse_text",
    "shipped_files",
    "tree_order",
]

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
# Errors
# ----------------------------------------------------------------------------------------------------


class NodeError(BaseModel):
    """One problem found in a framework document.

    ``node_code`` names the node (None for file-level or ``framework`` errors); ``field`` is the path
    inside that node or inside ``framework`` (e.g. ``max_points``, ``formula.thresholds[0].points``);
    ``location`` is the full path in the document (e.g. ``nodes[3].max_points``). ``code`` is stable and
    meant for machines; ``message`` is Vietnamese, ``message_en`` English.
    """

    model_config = ConfigDict(frozen=True)

    node_code: str | None
    field: str | None
    code: str
    message: str
    message_en: str
    location: str = ""


class FrameworkValidationError(ValueError):
    """A framework document is invalid; ``errors`` lists every problem found, not just the first."""

    def __init__(self, errors: list[NodeError]) -> None:
        self.errors = errors
        shown = "; ".join(e.message for e in errors[:5])
        more = f" (và {len(errors) - 5} lỗi khác)" if len(errors) > 5 else ""
        super().__init__(f"Bộ chỉ số không hợp lệ, {len(errors)} lỗi: {shown}{more}")


_FIELD_LABELS: dict[str, str] = {
    "format_version": "phiên bản định dạng",
    "framework": "thông tin bộ chỉ số",
    "nodes": "danh sách mục",
    "code": "mã",
    "parent": "mã mục cha",
    "title": "tên",
    "title_en": "tên tiếng Anh",
    "order": "thứ tự",
    "level_name": "cấp (lĩnh vực, tiêu chí…)",
    "max_points": "điểm tối đa",
    "scoring_method": "phương pháp chấm",
    "scoring_rule": "cách chấm",
    "formula": "công thức",
    "numerator": "tử số",
    "denominator": "mẫu số",
    "thresholds": "các ngưỡng",
    "min_ratio": "tỷ lệ tối thiểu",
    "points": "điểm",
    "expected_evidence": "tài liệu kiểm chứng",
    "children_sum": "kiểm tra tổng điểm mục con",
    "verified": "đã xác minh",
    "source_note": "ghi chú nguồn",
    "name": "tên",
    "name_en": "tên tiếng Anh",
    "kind": "loại bộ chỉ số",
    "valid_from_year": "năm bắt đầu áp dụng",
    "valid_to_year": "năm kết thúc áp dụng",
    "issuing_document": "văn bản ban hành",
    "status": "trạng thái",
    "scale": "thang điểm",
    "root_sum_equals_scale": "kiểm tra tổng điểm với thang điểm",
    "ranking_bands": "các nhóm xếp loại",
    "min_percent": "tỷ lệ tối thiểu (%)",
    "max_percent": "tỷ lệ tối đa (%)",
    "note": "ghi chú",
    "provenance": "nguồn gốc số liệu",
}

_EXPECTED: list[tuple[str, str, str]] = [  # pydantic error-type prefix, Vietnamese, English
    ("float", "một số", "a number"),
    ("int", "một số nguyên", "an integer"),
    ("string", "một chuỗi văn bản (trong YAML nên đặt trong dấu nháy)", "a text string (quote it in YAML)"),
    ("bool", "true hoặc false", "true or false"),
    ("list", "một danh sách", "a list"),
    ("dict", "một nhóm trường (đối tượng)", "an object (mapping)"),
    ("model", "một nhóm trường (đối tượng)", "an object (mapping)"),
]


def _num(value: float, *, vi: bool) -> str:
    """Format a number for a message: at most 6 decimals; decimal comma in Vietnamese ("10,5")."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(".", ",") if vi else text


def _show(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _path(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _label(name: str) -> str:
    label = _FIELD_LABELS.get(name)
    return f"“{label}” ({name})" if label else f"“{name}”"


def _subject(node_code: str | None, prefix: str) -> tuple[str, str]:
    if node_code is not None:
        return f"Mục {node_code}", f"Node {node_code}"
    if prefix.startswith("nodes["):
        return f"Mục ở vị trí {prefix}", f"Node at {prefix}"
    if prefix == "framework":
        return "Thông tin bộ chỉ số", "Framework header"
    return "Tệp bộ chỉ số", "Framework file"


def _err(
    code: str, vi: str, en: str, *, node_code: str | None = None, field: str | None = None, location: str = ""
) -> NodeError:
    return NodeError(
        node_code=node_code, field=field, code=code, message=vi, message_en=en, location=location
    )


def _from_pydantic(detail: Any, *, prefix: str, node_code: str | None) -> NodeError:
    """Translate one pydantic error into a NodeError with a Vietnamese message an officer can act on."""
    loc: tuple[int | str, ...] = tuple(detail["loc"])
    etype: str = detail["type"]
    ctx: dict[str, Any] = detail.get("ctx") or {}
    field = _path(loc) or None
    location = ".".join(p for p in (prefix, field or "") if p).replace(".[", "[")
    names = [p for p in loc if isinstance(p, str)]
    name = names[-1] if names else ""
    who_vi, who_en = _subject(node_code, prefix)
    what_vi = f"trường {_label(name)}" if name else "giá trị"
    what_en = f"field '{field}'" if field else "value"
    given = _show(detail.get("input"))

    def make(code: str, vi: str, en: str) -> NodeError:
        return _err(
            code, f"{who_vi}: {vi}", f"{who_en}: {en}", node_code=node_code, field=field, location=location
        )

    if etype == "missing":
        return make("missing_field", f"thiếu trường bắt buộc {_label(name)}.", f"missing required {what_en}.")
    if etype == "extra_forbidden":
        return make(
            "unknown_field",
            f"trường “{name}” không thuộc định dạng bộ chỉ số (có thể gõ sai tên trường).",
            f"unknown {what_en} (typo?).",
        )
    if etype == "literal_error":
        allowed = ctx.get("expected", "")
        return make(
            "invalid_value",
            f"{what_vi} có giá trị {given} không hợp lệ; chỉ chấp nhận: {allowed}.",
            f"{what_en} has invalid value {given}; allowed: {allowed}.",
        )
    if etype == "string_pattern_mismatch":
        if name in ("code", "parent"):
            return make(
                "invalid_value",
                f"{what_vi} = {given} không đúng dạng mã: chỉ dùng chữ cái không dấu, chữ số, dấu chấm, "
                "gạch dưới, gạch ngang, bắt đầu bằng chữ hoặc số"
                + (" (mã bộ chỉ số phải viết hoa)." if prefix == "framework" else "."),
                f"{what_en} = {given} is not a valid code (pattern {ctx.get('pattern', '')}).",
            )
        return make("invalid_value", f"{what_vi} không được để trống.", f"{what_en} must not be blank.")
    bounds = {
        "greater_than_equal": ("phải lớn hơn hoặc bằng", "must be ≥", "ge"),
        "greater_than": ("phải lớn hơn", "must be >", "gt"),
        "less_than_equal": ("phải nhỏ hơn hoặc bằng", "must be ≤", "le"),
        "less_than": ("phải nhỏ hơn", "must be <", "lt"),
    }
    if etype in bounds:
        vi, en, key = bounds[etype]
        limit = ctx.get(key)
        shown_vi = _num(float(limit), vi=True) if isinstance(limit, int | float) else str(limit)
        shown_en = _num(float(limit), vi=False) if isinstance(limit, int | float) else str(limit)
        return make(
            "invalid_value",
            f"{what_vi} {vi} {shown_vi} (đang là {given}).",
            f"{what_en} {en} {shown_en} (got {given}).",
        )
    if etype in ("too_short", "too_long", "string_too_long"):
        return make(
            "invalid_value",
            f"{what_vi} có độ dài không hợp lệ ({detail['msg']}).",
            f"{what_en}: {detail['msg']}.",
        )
    for prefix_type, exp_vi, exp_en in _EXPECTED:
        if etype.startswith(prefix_type):
            hint = ""
            if name in ("code", "parent") and isinstance(detail.get("input"), int | float):
                hint = ' Mã phải là chuỗi: trong YAML hãy đặt trong dấu nháy, ví dụ code: "1.10".'
            return make(
                "wrong_type",
                f"{what_vi} phải là {exp_vi}, nhưng đang là {given}.{hint}",
                f"{what_en} must be {exp_en}, got {given}.",
            )
    return make("invalid_value", f"{what_vi} không hợp lệ: {detail['msg']}.", f"{what_en}: {detail['msg']}.")


def _validation_errors(exc: ValidationError, *, prefix: str, node_code: str | None) -> list[NodeError]:
    return [_from_pydantic(d, prefix=prefix, node_code=node_code) for d in exc.errors()]


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


# ----------------------------------------------------------------------------------------------------
# Parsing and checks
# ----------------------------------------------------------------------------------------------------


@dataclass
class _Entry:
    index: int
    code: str | None  # best effort, even when the node failed validation
    parent: str | None
    node: NodeDoc | None  # None when the node failed validation

    @property
    def location(self) -> str:
        return f"nodes[{self.index}]"


def _raw_code(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)  # wrong type, reported elsewhere; used only to name the node and avoid cascades
    return None


def _check_structure(entries: list[_Entry]) -> list[NodeError]:
    """Duplicate codes, unknown parents and cycles."""
    errors: list[NodeError] = []
    positions: dict[str, list[int]] = {}
    for e in entries:
        if e.code is not None:
            positions.setdefault(e.code, []).append(e.index)
    for code, idxs in positions.items():
        if len(idxs) > 1:
            where = ", ".join(f"nodes[{i}]" for i in idxs)
            errors.append(
                _err(
                    "duplicate_code",
                    f"Mã “{code}” bị trùng: có {len(idxs)} mục cùng mã ({where}). Mỗi mục phải có mã riêng.",
                    f"Code '{code}' is used by {len(idxs)} nodes ({where}); codes must be unique.",
                    node_code=code,
                    field="code",
                    location=f"nodes[{idxs[1]}].code",
                )
            )
    parent_of: dict[str, str | None] = {}
    for e in entries:
        if e.code is None:
            continue
        parent_of.setdefault(e.code, e.parent)
        if e.parent is not None and e.parent not in positions:
            errors.append(
                _err(
                    "unknown_parent",
                    f"Mục {e.code} khai báo mục cha “{e.parent}” nhưng không có mục nào mang mã này.",
                    f"Node {e.code} names parent '{e.parent}', but no node has that code.",
                    node_code=e.code,
                    field="parent",
                    location=f"{e.location}.parent",
                )
            )
    done: set[str] = set()
    for start in parent_of:
        path: list[str] = []
        on_path: set[str] = set()
        current: str | None = start
        while current is not None and current in parent_of and current not in done:
            if current in on_path:
                cycle = path[path.index(current) :]
                chain = " → ".join([*cycle, current])
                for code in cycle:
                    errors.append(
                        _err(
                            "cycle",
                            f"Mục {code} nằm trong vòng lặp cha–con: {chain} (“→” nghĩa là “có mục cha là”). "
                            "Một mục không thể là cấp trên của chính nó.",
                            f"Node {code} is in a parent cycle: {chain} ('→' means 'has parent').",
                            node_code=code,
                            field="parent",
                            location=f"nodes[{positions[code][0]}].parent",
                        )
                    )
                break
            path.append(current)
            on_path.add(current)
            current = parent_of[current]
        done.update(path)
    return errors


def _check_node(entry: _Entry, node: NodeDoc) -> list[NodeError]:
    """Rules that concern one node alone."""
    errors: list[NodeError] = []
    loc = entry.location
    if not node.verified and node.source_note is None:
        errors.append(
            _err(
                "missing_source_note",
                f"Mục {node.code} chưa được xác minh (verified: false) nên phải ghi rõ nguồn hoặc lý do "
                "trong “ghi chú nguồn” (source_note).",
                f"Node {node.code} is not verified, so source_note must say where its values come from.",
                node_code=node.code,
                field="source_note",
                location=f"{loc}.source_note",
            )
        )
    if node.scoring_method == "formula" and node.formula is None:
        errors.append(
            _err(
                "formula_missing",
                f"Mục {node.code} chấm theo công thức (formula) nhưng chưa khai báo công thức "
                "(tử số, mẫu số, các ngưỡng).",
                f"Node {node.code} uses scoring_method 'formula' but has no formula.",
                node_code=node.code,
                field="formula",
                location=f"{loc}.formula",
            )
        )
    if node.scoring_method != "formula" and node.formula is not None:
        errors.append(
            _err(
                "formula_unexpected",
                f"Mục {node.code} có công thức nhưng phương pháp chấm là “{node.scoring_method}”; "
                "chỉ mục chấm theo công thức (formula) mới có công thức.",
                f"Node {node.code} has a formula but scoring_method is '{node.scoring_method}'.",
                node_code=node.code,
                field="formula",
                location=f"{loc}.formula",
            )
        )
    if node.formula is not None:
        ratios = [t.min_ratio for t in node.formula.thresholds]
        if any(a <= b for a, b in itertools.pairwise(ratios)):
            errors.append(
                _err(
                    "bad_threshold",
                    f"Mục {node.code}: các ngưỡng của công thức phải xếp theo tỷ lệ tối thiểu giảm dần, "
                    "không trùng nhau.",
                    f"Node {node.code}: formula thresholds must have strictly decreasing min_ratio.",
                    node_code=node.code,
                    field="formula.thresholds",
                    location=f"{loc}.formula.thresholds",
                )
            )
        if node.max_points is not None:
            for i, t in enumerate(node.formula.thresholds):
                if t.points > node.max_points + SUM_TOLERANCE:
                    errors.append(
                        _err(
                            "bad_threshold",
                            f"Mục {node.code}: ngưỡng thứ {i + 1} cho {_num(t.points, vi=True)} điểm, vượt "
                            f"điểm tối đa {_num(node.max_points, vi=True)} của mục.",
                            f"Node {node.code}: threshold {i + 1} gives {_num(t.points, vi=False)} points, "
                            f"above max_points {_num(node.max_points, vi=False)}.",
                            node_code=node.code,
                            field=f"formula.thresholds[{i}].points",
                            location=f"{loc}.formula.thresholds[{i}].points",
                        )
                    )
    return errors


def _noun(level_names: Iterable[str], fallback: str) -> str:
    names = {n.strip().lower() for n in level_names}
    return names.pop() if len(names) == 1 else fallback


def _check_sums(entries: list[_Entry], duplicated: set[str]) -> list[NodeError]:
    """Children's max_points must add up to the parent's (when ``children_sum`` and both are known).

    All children known: the sums must be equal. Some children unknown (null): the known ones must not
    exceed the parent. A parent with an invalid or duplicated node among its family is skipped to avoid
    cascading errors.
    """
    errors: list[NodeError] = []
    kids: dict[str, list[_Entry]] = {}
    for e in entries:
        if e.parent is not None:
            kids.setdefault(e.parent, []).append(e)
    for e in entries:
        node = e.node
        if node is None or node.code in duplicated or node.max_points is None or not node.children_sum:
            continue
        family = kids.get(node.code, [])
        if not family or any(k.node is None for k in family):
            continue
        children = [k.node for k in family if k.node is not None]
        known = [c for c in children if c.max_points is not None]
        if not known:
            continue
        total = math.fsum(c.max_points for c in known if c.max_points is not None)
        complete = len(known) == len(children)
        if complete and abs(total - node.max_points) <= SUM_TOLERANCE:
            continue
        if not complete and total <= node.max_points + SUM_TOLERANCE:
            continue
        ordered = tree_order(known)
        codes = ", ".join(c.code for c in ordered)
        kid_noun = _noun((c.level_name for c in ordered), "mục")
        own_noun = node.level_name.strip().lower()
        tail_vi = (
            " Hãy sửa điểm tối đa, hoặc đặt children_sum: false nếu văn bản quy định cách tính khác."
            if complete
            else " (chưa tính các mục con chưa có điểm) — đã vượt quá điểm của mục cha."
        )
        errors.append(
            _err(
                "bad_sum",
                f"Tổng điểm tối đa của các {kid_noun} con ({codes}) là {_num(total, vi=True)} nhưng "
                f"{own_noun} {node.code} có {_num(node.max_points, vi=True)} điểm.{tail_vi}",
                f"Children ({codes}) of node {node.code} have max_points totalling {_num(total, vi=False)}, "
                f"but node {node.code} has {_num(node.max_points, vi=False)}"
                + ("." if complete else " (children with null points not counted)."),
                node_code=node.code,
                field="max_points",
                location=f"{e.location}.max_points",
            )
        )
    return errors


def _check_meta(meta: FrameworkMeta) -> list[NodeError]:
    errors: list[NodeError] = []
    if meta.valid_to_year is not None and meta.valid_to_year < meta.valid_from_year:
        errors.append(
            _err(
                "bad_year_range",
                f"Thông tin bộ chỉ số: năm kết thúc áp dụng ({meta.valid_to_year}) trước năm bắt đầu "
                f"({meta.valid_from_year}).",
                f"Framework: valid_to_year {meta.valid_to_year} is before "
                f"valid_from_year {meta.valid_from_year}.",
                field="valid_to_year",
                location="framework.valid_to_year",
            )
        )
    seen: set[str] = set()
    previous_min: float | None = None
    for i, band in enumerate(meta.ranking_bands):
        where = f"ranking_bands[{i}]"
        if band.code in seen:
            errors.append(
                _err(
                    "duplicate_code",
                    f"Nhóm xếp loại: mã “{band.code}” bị trùng.",
                    f"Ranking band code '{band.code}' is duplicated.",
                    field=f"{where}.code",
                    location=f"framework.{where}.code",
                )
            )
        seen.add(band.code)
        if not band.verified and band.note is None:
            errors.append(
                _err(
                    "missing_source_note",
                    f"Nhóm xếp loại {band.code} chưa được xác minh (verified: false) nên phải ghi nguồn "
                    "hoặc lý do trong “ghi chú” (note).",
                    f"Ranking band {band.code} is not verified, so note must give the source or reason.",
                    field=f"{where}.note",
                    location=f"framework.{where}.note",
                )
            )
        low = band.min_percent if band.min_percent is not None else 0.0
        high = band.max_percent if band.max_percent is not None else math.inf
        if low > high:
            errors.append(
                _err(
                    "bad_band",
                    f"Nhóm xếp loại {band.code}: tỷ lệ tối thiểu lớn hơn tỷ lệ tối đa.",
                    f"Ranking band {band.code}: min_percent is above max_percent.",
                    field=where,
                    location=f"framework.{where}",
                )
            )
        if previous_min is not None and low > previous_min:
            errors.append(
                _err(
                    "bad_band",
                    f"Nhóm xếp loại {band.code}: các nhóm phải xếp từ cao xuống thấp.",
                    f"Ranking band {band.code}: bands must be ordered from high to low.",
                    field=where,
                    location=f"framework.{where}",
                )
            )
        previous_min = low
    return errors


def _check_root_sum(meta: FrameworkMeta, entries: list[_Entry]) -> list[NodeError]:
    roots = [e for e in entries if e.parent is None]
    if any(e.node is None for e in roots):
        return []
    nodes = tree_order([e.node for e in roots if e.node is not None])
    unknown = [n.code for n in nodes if n.max_points is None]
    if unknown:
        listed = ", ".join(unknown)
        return [
            _err(
                "bad_root_sum",
                "Bộ chỉ số yêu cầu tổng điểm các mục cấp cao nhất bằng thang điểm "
                f"{_num(meta.scale, vi=True)} (root_sum_equals_scale: true) nhưng các mục {listed} chưa có "
                "điểm tối đa.",
                f"root_sum_equals_scale is true but top-level nodes {listed} have no max_points.",
                field="root_sum_equals_scale",
                location="framework.root_sum_equals_scale",
            )
        ]
    total = math.fsum(n.max_points for n in nodes if n.max_points is not None)
    if abs(total - meta.scale) <= SUM_TOLERANCE:
        return []
    codes = ", ".join(n.code for n in nodes)
    return [
        _err(
            "bad_root_sum",
            f"Tổng điểm tối đa của các mục cấp cao nhất ({codes}) là {_num(total, vi=True)} nhưng thang "
            f"điểm của bộ chỉ số là {_num(meta.scale, vi=True)}.",
            f"Top-level nodes ({codes}) total {_num(total, vi=False)} but the scale is "
            f"{_num(meta.scale, vi=False)}.",
            field="scale",
            location="framework.scale",
        )
    ]


def parse_document(data: Any) -> FrameworkDoc:
    """Validate a framework document (as loaded from YAML/JSON) and return it with nodes in tree order.

    Raises :class:`FrameworkValidationError` listing *every* problem: type and schema errors (attached to
    the node's code when possible), duplicate codes, unknown parents, cycles, point sums, unverified values
    without a source note, formula nodes without a formula, and (if ``root_sum_equals_scale``) the top-level
    sum vs ``scale``.
    """
    if not isinstance(data, dict):
        raise FrameworkValidationError(
            [
                _err(
                    "wrong_type",
                    f"Tệp bộ chỉ số phải là một nhóm trường (format_version, framework, nodes), "
                    f"nhưng đang là {_show(data)}.",
                    "A framework document must be a mapping with format_version, framework and nodes.",
                )
            ]
        )
    errors: list[NodeError] = []
    for key in data:
        if key not in ("format_version", "framework", "nodes"):
            errors.append(
                _err(
                    "unknown_field",
                    f"Tệp bộ chỉ số: trường “{key}” không thuộc định dạng (chỉ có format_version, framework, "
                    "nodes).",
                    f"Unknown top-level field '{key}'.",
                    field=str(key),
                    location=str(key),
                )
            )
    version = data.get("format_version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        errors.append(
            _err(
                "unsupported_version" if "format_version" in data else "missing_field",
                f"Tệp bộ chỉ số: phiên bản định dạng (format_version) phải là {FORMAT_VERSION}, "
                f"nhưng đang là {_show(version)}.",
                f"format_version must be {FORMAT_VERSION}, got {_show(version)}.",
                field="format_version",
                location="format_version",
            )
        )

    meta: FrameworkMeta | None = None
    if "framework" not in data:
        errors.append(
            _err(
                "missing_field",
                "Tệp bộ chỉ số: thiếu phần thông tin chung “framework”.",
                "Missing 'framework' section.",
                field="framework",
                location="framework",
            )
        )
    else:
        try:
            meta = FrameworkMeta.model_validate(data["framework"])
        except ValidationError as exc:
            errors.extend(_validation_errors(exc, prefix="framework", node_code=None))
        if meta is not None:
            errors.extend(_check_meta(meta))

    raw_nodes = data.get("nodes")
    entries: list[_Entry] = []
    if "nodes" not in data:
        errors.append(
            _err(
                "missing_field",
                "Tệp bộ chỉ số: thiếu danh sách mục “nodes”.",
                "Missing 'nodes' list.",
                field="nodes",
                location="nodes",
            )
        )
    elif not isinstance(raw_nodes, list):
        errors.append(
            _err(
                "wrong_type",
                f"Tệp bộ chỉ số: “nodes” phải là một danh sách, nhưng đang là {_show(raw_nodes)}.",
                "'nodes' must be a list.",
                field="nodes",
                location="nodes",
            )
        )
    else:
        for i, raw in enumerate(raw_nodes):
            code = _raw_code(raw.get("code")) if isinstance(raw, dict) else None
            parent = _raw_code(raw.get("parent")) if isinstance(raw, dict) else None
            node: NodeDoc | None = None
            try:
                node = NodeDoc.model_validate(raw)
            except ValidationError as exc:
                errors.extend(_validation_errors(exc, prefix=f"nodes[{i}]", node_code=code))
            entries.append(_Entry(index=i, code=code, parent=parent, node=node))

    errors.extend(_check_structure(entries))
    for e in entries:
        if e.node is not None:
            errors.extend(_check_node(e, e.node))
    counts: dict[str, int] = {}
    for e in entries:
        if e.code is not None:
            counts[e.code] = counts.get(e.code, 0) + 1
    errors.extend(_check_sums(entries, {c for c, n in counts.items() if n > 1}))
    if meta is not None and meta.root_sum_equals_scale:
        errors.extend(_check_root_sum(meta, entries))

    if errors or meta is None:
        raise FrameworkValidationError(errors)
    nodes = [e.node for e in entries if e.node is not None]
    return FrameworkDoc(format_version=FORMAT_VERSION, framework=meta, nodes=tree_order(nodes))


# ----------------------------------------------------------------------------------------------------
# Files, dumping, helpers
# ----------------------------------------------------------------------------------------------------

# Keys kept in the canonical dump even when null, because null carries meaning there (no parent, points
# unknown, still in force, open-ended band). Other null optional fields are left out.
_KEEP_NULL_META = {"valid_to_year"}
_KEEP_NULL_BAND = {"min_percent", "max_percent"}
_KEEP_NULL_NODE = {"parent", "max_points"}


def _prune(values: dict[str, Any], keep: set[str]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None or k in keep}


def dump_document(doc: FrameworkDoc) -> dict[str, Any]:
    """Canonical plain dict: fixed key order, nodes in tree order; ``parse_document`` gives ``doc`` back."""
    meta = _prune(doc.framework.model_dump(mode="json"), _KEEP_NULL_META)
    meta["ranking_bands"] = [_prune(b, _KEEP_NULL_BAND) for b in meta["ranking_bands"]]
    nodes = [_prune(n.model_dump(mode="json"), _KEEP_NULL_NODE) for n in tree_order(doc.nodes)]
    return {"format_version": doc.format_version, "framework": meta, "nodes": nodes}


def dump_yaml(doc: FrameworkDoc) -> str:
    """YAML text of the canonical dict (UTF-8 text, Vietnamese kept readable)."""
    return yaml.safe_dump(dump_document(doc), allow_unicode=True, sort_keys=False, width=110)


def dump_json(doc: FrameworkDoc) -> str:
    """JSON text of the canonical dict."""
    return json.dumps(dump_document(doc), ensure_ascii=False, indent=2) + "\n"


def _read_error(vi: str, en: str) -> FrameworkValidationError:
    return FrameworkValidationError([_err("unreadable_file", vi, en)])


def parse_text(text: str, fmt: Literal["yaml", "json"]) -> FrameworkDoc:
    """Parse YAML or JSON text (e.g. an uploaded file) and validate it with :func:`parse_document`."""
    try:
        data = json.loads(text) if fmt == "json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise _read_error(
            f"Không đọc được nội dung {fmt.upper()}: {exc}", f"Cannot read {fmt.upper()} text: {exc}"
        ) from exc
    return parse_document(data)


def load_file(path: str | Path) -> FrameworkDoc:
    """Load one framework file; ``.yaml``/``.yml`` is read as YAML, ``.json`` as JSON."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".yaml", ".yml", ".json"):
        raise _read_error(
            f"Tệp {p.name}: chỉ hỗ trợ .yaml, .yml hoặc .json.", f"{p.name}: only .yaml, .yml or .json files."
        )
    return parse_text(p.read_text(encoding="utf-8"), "json" if suffix == ".json" else "yaml")


def shipped_files() -> list[Path]:
    """The framework files shipped with parsipas (``api/frameworks/data``), sorted by name."""
    return sorted(p for p in DATA_DIR.iterdir() if p.suffix.lower() in (".yaml", ".yml", ".json"))


def load_shipped() -> list[FrameworkDoc]:
    """All shipped frameworks, parsed and validated."""
    return [load_file(p) for p in shipped_files()]


def fold_accents(text: str) -> str:
    """Lower-case and strip Vietnamese diacritics (đ → d) for accent-insensitive search."""
    text = text.replace("đ", "d").replace("Đ", "D")
    stripped = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).lower()


def formula_points(formula: FormulaSpec, numerator: float, denominator: float) -> float | None:
    """Points earned by a ratio criterion; ``None`` when the denominator is 0 (nothing to measure)."""
    if denominator <= 0:
        return None
    ratio = numerator / denominator
    for step in sorted(formula.thresholds, key=lambda t: t.min_ratio, reverse=True):
        if ratio + 1e-12 >= step.min_ratio:
            return step.points
    return 0.0


def band_for(meta: FrameworkMeta, percent: float) -> RankingBand | None:
    """The ranking band (nhóm xếp loại) of a result in percent; min inclusive, max exclusive."""
    for band in meta.ranking_bands:
        if (band.min_percent is None or percent >= band.min_percent) and (
            band.max_percent is None or percent < band.max_percent
        ):
            return band
    return None
