"""Framework validation errors: one :class:`NodeError` per problem, with Vietnamese and English messages."""

import json
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

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
    "scoring": "cách chấm điểm (dạng dữ liệu)",
    "options": "các mức chấm",
    "label": "nhãn",
    "label_en": "nhãn tiếng Anh",
    "min_value": "giá trị tối thiểu",
    "value_label": "đại lượng đo",
    "value_unit": "đơn vị đo",
    "start_points": "điểm khởi đầu",
    "per_unit": "điểm trừ mỗi lần",
    "min_points": "điểm tối thiểu",
    "applicability": "đơn vị áp dụng",
    "levels": "cấp đơn vị",
    "kinds": "loại đơn vị",
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


def fmt_number(value: float, *, vi: bool) -> str:
    """Format a number for a message: at most 6 decimals; decimal comma in Vietnamese ("10,5")."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(".", ",") if vi else text


def show_value(value: Any) -> str:
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


def node_error(
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
    given = show_value(detail.get("input"))

    def make(code: str, vi: str, en: str) -> NodeError:
        return node_error(
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
        shown_vi = fmt_number(float(limit), vi=True) if isinstance(limit, int | float) else str(limit)
        shown_en = fmt_number(float(limit), vi=False) if isinstance(limit, int | float) else str(limit)
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


def from_validation_error(exc: ValidationError, *, prefix: str, node_code: str | None) -> list[NodeError]:
    return [_from_pydantic(d, prefix=prefix, node_code=node_code) for d in exc.errors()]
