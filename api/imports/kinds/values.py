"""Reading cell values for the import kinds: required cells, dates, numbers, yes/no, enum choices, code lists,
and the length limits of the API schemas. Each parser records a row error and reports failure instead of raising.
"""

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ValidationError

from api.frameworks.library import fold_accents
from api.imports.kinds.base import Context, Row
from api.models.base import utcnow

LIST_SEPARATOR = re.compile(r"\s*[;\n]\s*")


def required(ctx: Context, row: Row, key: str) -> str | None:
    value = row.get(key)
    if value is None:
        col_ = ctx.kind.column(key)
        ctx.error(
            row.number, key, "required", f"Thiếu “{col_.header}”.", f"'{col_.header}' ({key}) is required."
        )
    return value


def parse_date(ctx: Context, row: Row, key: str) -> tuple[bool, date | None]:
    """ISO ``2024-06-30`` or Vietnamese ``30/06/2024``; ``(ok, value)``."""
    text = row.get(key)
    if text is None:
        return True, None
    d = parse_date_text(text)
    if d is None:
        ctx.error(
            row.number,
            key,
            "invalid_date",
            f"Ngày “{text}” không hợp lệ (dùng dạng 30/06/2024 hoặc 2024-06-30).",
            f"Invalid date '{text}' (use 2024-06-30 or 30/06/2024).",
        )
        return False, None
    return True, d


def date_cell(d: date | None) -> str | None:
    """A date written into an export as people read it, ``30/06/2024`` (``parse_date_text`` reads it back)."""
    return f"{d.day:02d}/{d.month:02d}/{d.year}" if d else None


_ROMAN_QUARTERS = {"Q1": "I", "Q2": "II", "Q3": "III", "Q4": "IV"}


def period_cell(code: str, year: int | None) -> str:
    """A reporting period in words, ``Quý III/2024``, ``6 tháng đầu năm 2024``, ``Năm 2024`` (read back by the
    deadline parser); an unknown code stays as stored."""
    tail = f"/{year}" if year else ""
    if code in _ROMAN_QUARTERS:
        return f"Quý {_ROMAN_QUARTERS[code]}{tail}"
    if code in ("H1", "H2"):
        half = "6 tháng đầu năm" if code == "H1" else "6 tháng cuối năm"
        return f"{half} {year}" if year else half
    if code == "Y":
        return f"Năm {year}" if year else "Năm"
    return f"{code}{tail}"


def parse_date_text(text: str) -> date | None:
    """``2024-06-30`` or ``30/06/2024`` (also ``30-06-2024``, ``30.06.2024``)."""
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}([ T][\d:.+Z-]*)?", text):
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            return None
    m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text)
    if m:
        try:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError:
            return None
    return None


def parse_int(
    ctx: Context, row: Row, key: str, lo: int | None = None, hi: int | None = None
) -> tuple[bool, int | None]:
    text = row.get(key)
    if text is None:
        return True, None
    try:
        value = int(text) if re.fullmatch(r"[+-]?\d+", text) else int(float(text.replace(",", ".")))
        if float(text.replace(",", ".")) != value:
            raise ValueError
    except ValueError:
        ctx.error(
            row.number,
            key,
            "invalid_number",
            f"“{text}” không phải là số nguyên.",
            f"'{text}' is not an integer.",
        )
        return False, None
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        ctx.error(
            row.number,
            key,
            "out_of_range",
            f"Giá trị {value} nằm ngoài khoảng cho phép ({lo}–{hi}).",
            f"{value} is out of range ({lo}–{hi}).",
        )
        return False, None
    return True, value


def parse_float(ctx: Context, row: Row, key: str) -> tuple[bool, float | None]:
    text = row.get(key)
    if text is None:
        return True, None
    try:
        return True, float(text.replace(",", ".")) if text.count(",") == 1 and "." not in text else float(
            text
        )
    except ValueError:
        ctx.error(
            row.number, key, "invalid_number", f"“{text}” không phải là số.", f"'{text}' is not a number."
        )
        return False, None


TRUE_WORDS = {"true", "1", "x", "co", "yes", "dung", "c"}
FALSE_WORDS = {"false", "0", "khong", "no", "sai", "k"}


def parse_bool(ctx: Context, row: Row, key: str) -> tuple[bool, bool | None]:
    text = row.get(key)
    if text is None:
        return True, None
    folded = fold_accents(text).strip()
    if folded in TRUE_WORDS:
        return True, True
    if folded in FALSE_WORDS:
        return True, False
    ctx.error(
        row.number,
        key,
        "invalid_bool",
        f"“{text}” phải là Có hoặc Không.",
        f"'{text}' must be yes/no (true/false).",
    )
    return False, None


def bool_text(value: bool | None) -> str | None:
    return None if value is None else ("Có" if value else "Không")


class Choice:
    """An enum column: accepts the stored value or its Vietnamese label (accents and case ignored)."""

    def __init__(self, enum: type[StrEnum], labels: dict[str, str], exclude: tuple[str, ...] = ()) -> None:
        self.enum = enum
        self.labels = labels
        self.members = [m for m in enum if m.value not in exclude]
        self._lookup: dict[str, StrEnum] = {}
        for member in self.members:
            self._lookup[fold_accents(member.value)] = member
            self._lookup[fold_accents(member.value.replace("_", " "))] = member
            if member.value in labels:
                self._lookup[fold_accents(labels[member.value])] = member

    def label(self, value: StrEnum | str | None) -> str | None:
        if value is None:
            return None
        v = value.value if isinstance(value, StrEnum) else value
        return self.labels.get(v, v)

    def options(self) -> list[str]:
        return [self.labels.get(m.value, m.value) for m in self.members]

    def values(self) -> list[str]:
        return [m.value for m in self.members]

    def parse(self, ctx: Context, row: Row, key: str) -> tuple[bool, Any]:
        text = row.get(key)
        if text is None:
            return True, None
        member = self._lookup.get(fold_accents(text).strip())
        if member is None:
            ctx.error(
                row.number,
                key,
                "invalid_choice",
                f"“{text}” không thuộc danh sách: {', '.join(self.options())}.",
                f"'{text}' is not one of: {', '.join(self.values())}.",
            )
            return False, None
        return True, member


def split_list(text: str | None) -> list[str]:
    """``"A; B;C"`` → ``["A", "B", "C"]`` (also newline-separated, as typed in one Excel cell)."""
    if not text:
        return []
    return [p for p in (s.strip() for s in LIST_SEPARATOR.split(text)) if p]


def schema_errors(
    ctx: Context, row: Row, model: type[BaseModel], data: dict[str, Any], fields: dict[str, str]
) -> BaseModel | None:
    """Validate ``data`` with an API schema (the same rules as the single-object routes); map its errors
    to columns through ``fields`` (schema field → column key)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for e in exc.errors():
            loc = [str(p) for p in e.get("loc", ())]
            key = fields.get(loc[0]) if loc else None
            ctx.error(row.number, key, str(e.get("type", "invalid")), _schema_vi(e), str(e.get("msg", "")))
        return None


def max_lengths(model: type[BaseModel]) -> dict[str, int]:
    """``field → max_length`` declared by an API schema (so bulk paths check the same limits cheaply)."""
    out: dict[str, int] = {}
    for name, info in model.model_fields.items():
        for m in info.metadata:
            if getattr(m, "max_length", None) is not None:
                out[name] = m.max_length
    return out


def check_lengths(ctx: Context, row: Row, limits: dict[str, int], values: dict[str, Any]) -> bool:
    ok = True
    for key, value in values.items():
        limit = limits.get(key)
        if limit is not None and isinstance(value, str) and len(value) > limit:
            ctx.error(
                row.number,
                key,
                "string_too_long",
                f"Giá trị quá dài ({len(value)} ký tự, tối đa {limit}).",
                f"Too long ({len(value)} characters, at most {limit}).",
            )
            ok = False
    return ok


_SCHEMA_VI = {
    "string_too_long": "quá dài",
    "string_too_short": "không được để trống",
    "string_pattern_mismatch": "sai định dạng (mã chỉ gồm chữ cái không dấu, chữ số, dấu chấm, gạch dưới, gạch ngang)",
    "missing": "bắt buộc phải có",
    "greater_than_equal": "quá nhỏ",
    "less_than_equal": "quá lớn",
}


def _schema_vi(e: Any) -> str:
    kind = str(e.get("type", ""))
    what = _SCHEMA_VI.get(kind, "không hợp lệ")
    ctx_ = e.get("ctx") or {}
    if kind == "string_too_long" and "max_length" in ctx_:
        what += f" (tối đa {ctx_['max_length']} ký tự)"
    return f"Giá trị {what}."


def batched(items: Sequence[Any], size: int = 1000) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def now_utc() -> datetime:
    return utcnow()
