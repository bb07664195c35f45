"""What every import kind shares: columns, header matching, row errors, counts and the context.

A kind declares its columns (Vietnamese header first, English key and aliases accepted), its natural key, how to
validate rows (``prepare``: reads the database in a few batched queries, writes nothing, collects *every* error)
and how to write what ``prepare`` decided (``apply``: batched inserts/updates in the request's transaction).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from pydantic import BaseModel
from sqlmodel import Session

from api.authz import scope
from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.config import Settings
from api.frameworks.library import fold_accents
from api.imports.parsing import Table


@dataclass(frozen=True)
class Column:
    """One column of a kind's layout. ``choices`` names a dropdown of the template (see ``templates.py``)."""

    key: str
    header: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    example: str = ""
    choices: str | None = None
    note: str = ""
    width: int = 18
    text: bool = True  # stored as text in the template (codes such as "1.10" must not become numbers)


class RowError(BaseModel):
    """One problem of the input: ``row`` as the user sees it (header = 1), ``column`` as written in the file."""

    row: int | None = None
    column: str | None = None
    field: str | None = None
    code: str = "invalid"
    message: str
    message_en: str | None = None


@dataclass
class Row:
    number: int
    values: dict[str, str | None]

    def get(self, key: str) -> str | None:
        return self.values.get(key)


@dataclass
class UnitInfo:
    id: int
    code: str
    path: str
    level: str
    name: str
    in_scope: bool


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    details: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, status: str, n: int = 1) -> None:
        setattr(self, status, getattr(self, status) + n)

    def detail(self, what: str, status: str, n: int = 1) -> None:
        bucket = self.details.setdefault(what, {})
        bucket[status] = bucket.get(status, 0) + n


def norm_header(text: str) -> str:
    """Header comparison: accents, case, spacing, the template's required mark (*) and bracketed hints."""
    text = re.sub(r"\(.*?\)|\*", " ", text)
    return re.sub(r"[\s_\-./]+", " ", fold_accents(text)).strip()


@dataclass
class Context:
    """Everything a kind needs while validating and writing one import."""

    session: Session
    principal: Principal
    settings: Settings
    kind: "Kind"
    dry_run: bool
    params: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # column key → header as written in the file
    _units: dict[str, UnitInfo] | None = None

    # -- errors ---------------------------------------------------------------------------------------------
    def error(self, row: int | None, key: str | None, code: str, message: str, message_en: str) -> None:
        column = None
        if key is not None:
            column = (self.headers.get(key) or self.kind.column(key).header) if self.kind.has(key) else key
        self.errors.append(
            RowError(row=row, column=column, field=key, code=code, message=message, message_en=message_en)
        )

    # -- units ----------------------------------------------------------------------------------------------
    def units(self, codes: Iterable[str] = ()) -> dict[str, UnitInfo]:
        """Units the caller may import into (imports:run and the kind's permission), plus any of ``codes``
        found elsewhere (flagged ``in_scope=False`` so rows can say why they are refused)."""
        if self._units is None:
            stmt = scope.import_units(self.principal, self.kind.permission)
            self._units = {
                u.code: UnitInfo(u.id or 0, u.code, u.path, u.level.value, u.name, True)
                for u in self.session.exec(stmt).all()
            }
        missing = sorted({c for c in codes if c and c not in self._units})
        if missing:
            for uid, code, path, level, name in self.session.exec(scope.units_by_codes(missing)).all():
                self._units[code] = UnitInfo(
                    uid, code, path, str(getattr(level, "value", level)), name, False
                )
        return self._units

    def resolve_unit(self, row: int, key: str, code: str) -> UnitInfo | None:
        """A unit referred to by code in a row: ``None`` (with a row error) when unknown or out of reach."""
        unit = self.units([code]).get(code)
        if unit is None:
            self.error(
                row, key, "unknown_unit", f"Không có đơn vị mã “{code}”.", f"No unit with code '{code}'."
            )
            return None
        if not unit.in_scope:
            self.error(
                row,
                key,
                "unit_out_of_scope",
                f"Đơn vị “{code}” không thuộc phạm vi quản lý của bạn.",
                f"Unit '{code}' is outside your scope.",
            )
            return None
        return unit

    def scoped_unit_ids(self) -> list[int]:
        return [u.id for u in self.units().values() if u.in_scope]


class Kind:
    """Base of the import kinds; subclasses fill the class attributes and the three methods."""

    name: ClassVar[str]
    title: ClassVar[str]
    title_en: ClassVar[str]
    permission: ClassVar[Permission]
    columns: ClassVar[list[Column]]
    accepts_document: ClassVar[bool] = False
    sheet_title: ClassVar[str] = "Dữ liệu"

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def has(self, key: str) -> bool:
        return any(c.key == key for c in self.columns)

    def _lookup(self) -> dict[str, str]:
        lookup: dict[str, str] = {}
        for c in self.columns:
            for name in (c.header, c.key, *c.aliases):
                lookup[norm_header(name)] = c.key
        return lookup

    def _unknown(self, ctx: Context, row: int, name: str) -> None:
        ctx.error(
            row,
            None,
            "unknown_column",
            f"Cột “{name}” không thuộc mẫu nhập {self.title.lower()}. Hãy đổi tên cho đúng mẫu hoặc xóa cột.",
            f"Column '{name}' is not part of the {self.title_en} layout.",
        )
        ctx.errors[-1].column = name

    def match_headers(self, ctx: Context, table: Table) -> list[Row]:
        """Map headers (or JSON keys) to column keys; unknown or missing required columns are errors."""
        if table.source == "json":
            return self._match_json(ctx, table)
        lookup = self._lookup()
        mapping: dict[str, str] = {}
        for h in table.headers:
            if not h:
                continue
            key = lookup.get(norm_header(h))
            if key is None:
                self._unknown(ctx, 1, h)
            elif key in ctx.headers:
                ctx.error(
                    1,
                    key,
                    "duplicate_column",
                    f"Cột “{h}” bị lặp (đã có cột “{ctx.headers[key]}”).",
                    f"Column '{h}' appears twice.",
                )
            else:
                mapping[h] = key
                ctx.headers[key] = h
        present = set(mapping.values())
        for c in self.columns:
            if c.required and c.key not in present and table.rows and self.requires_column(ctx, c):
                ctx.error(
                    1,
                    c.key,
                    "missing_column",
                    f"Thiếu cột bắt buộc “{c.header}”.",
                    f"Missing required column '{c.header}' ({c.key}).",
                )
        rows: list[Row] = []
        for number, record in table.rows:
            values: dict[str, str | None] = {}
            for h, v in record.items():
                if h in mapping:
                    values[mapping[h]] = v
                elif v is not None and h.startswith("#"):
                    ctx.error(
                        number,
                        None,
                        "value_without_header",
                        f"Ô ở cột thứ {h[1:]} có dữ liệu nhưng cột không có tiêu đề.",
                        f"Cell in column {h[1:]} has a value but no header.",
                    )
            rows.append(Row(number, values))
        return rows

    def _match_json(self, ctx: Context, table: Table) -> list[Row]:
        """JSON items are mapped one by one (an item may use English keys, the next Vietnamese headers)."""
        lookup = self._lookup()
        reported: set[str] = set()
        rows: list[Row] = []
        for number, record in table.rows:
            values: dict[str, str | None] = {}
            for name, v in record.items():
                key = lookup.get(norm_header(name))
                if key is None:
                    if name not in reported:
                        reported.add(name)
                        self._unknown(ctx, number, name)
                    continue
                if key in values and values[key] != v:
                    ctx.error(
                        number,
                        key,
                        "duplicate_column",
                        f"“{name}” bị lặp trong cùng một dòng.",
                        f"'{name}' given twice in one item.",
                    )
                values[key] = v
                ctx.headers.setdefault(key, name)
            rows.append(Row(number, values))
        return rows

    def requires_column(self, ctx: Context, column: Column) -> bool:
        return True

    # -- to be provided by each kind --------------------------------------------------------------------------
    def start(self, ctx: Context) -> None:
        """Checks that do not depend on the rows (e.g. the target plan exists and is reachable: else 404)."""

    def prepare(self, ctx: Context, rows: list[Row], counts: Counts) -> Any:
        """Validate every row (errors into ``ctx``), decide creates/updates; write nothing."""
        raise NotImplementedError

    def apply(self, ctx: Context, prepared: Any) -> None:
        """Write what ``prepare`` decided, in batches."""
        raise NotImplementedError

    def export_rows(self, ctx: Context) -> list[dict[str, str | None]]:
        """The current data in the import layout (column key → text)."""
        raise NotImplementedError

    def sample_row(self, ctx: Context) -> dict[str, str | None]:
        """The template's example row; unit columns get units of the caller's own scope."""
        scoped = sorted(
            (u for u in ctx.units().values() if u.in_scope), key=lambda u: (u.path.count("/"), u.code)
        )
        pick = {"parent_code": 0, "issuing_unit": 0, "unit_code": 1, "lead_unit": 1, "coordinating_units": 2}
        row: dict[str, str | None] = {}
        for c in self.columns:
            row[c.key] = c.example or None
            if c.choices == "units" and scoped:
                row[c.key] = scoped[min(pick.get(c.key, 1), len(scoped) - 1)].code
        return row
