"""Import of org units (đơn vị), upserted by unit code.

A row names its parent by code (``Mã đơn vị cấp trên``): an existing unit in the caller's reach or another row of
the same file (parents may come after their children). Only the columns present in the file are written, so a
file with just codes and names renames units without touching anything else. A unit's level cannot change (as in
the API); moving a unit goes through ``api.org_units.service.update_unit`` (cycle check, subtree re-path).
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import col

from api.audit.service import diff, snapshot
from api.authz import scope
from api.authz.permissions import Permission
from api.imports.kinds.base import Column, Context, Counts, Kind, Row
from api.imports.kinds.values import (
    Choice,
    bool_text,
    date_cell,
    now_utc,
    parse_bool,
    parse_date,
    required,
    schema_errors,
)
from api.imports.kinds.writes import audit_many, changes_of, insert_returning_ids, update_rows
from api.models import OrgUnit, UnitKind, UnitLevel
from api.org_units import service as units_service
from api.org_units.schemas import OrgUnitCreate, OrgUnitUpdate

P = Permission

LEVELS = Choice(UnitLevel, {"province": "Tỉnh", "district": "Huyện", "commune": "Xã"})
UNIT_KINDS = Choice(
    UnitKind,
    {
        "people_committee": "UBND",
        "department": "Cơ quan chuyên môn",
        "public_service_unit": "Đơn vị sự nghiệp",
        "office": "Văn phòng",
        "other": "Khác",
    },
)
FIELDS = ["name", "short_name", "level", "kind", "valid_from", "valid_to", "verified", "source_note"]


@dataclass(eq=False)
class UnitRow:
    row: Row
    code: str
    parent_code: str | None
    values: dict[str, Any]  # only the columns present in the file
    existing: OrgUnit | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    move: bool = False


@dataclass
class Prepared:
    create: list[UnitRow] = field(default_factory=list)
    update: list[UnitRow] = field(default_factory=list)


class OrgUnitsKind(Kind):
    name = "org-units"
    title = "Đơn vị"
    title_en = "org units"
    permission = P.units_manage
    sheet_title = "Đơn vị"
    columns = [
        Column("code", "Mã đơn vị", True, ("ma", "unit code"), "LS.BG.X.HONGPHONG", width=22),
        Column("name", "Tên đơn vị", True, ("ten",), "Ủy ban nhân dân xã Hồng Phong", width=40, text=True),
        Column("short_name", "Tên viết tắt", False, ("short name",), "UBND xã Hồng Phong", width=26),
        Column("level", "Cấp", True, ("cap don vi",), "Xã", choices="levels", width=10),
        Column("kind", "Loại đơn vị", True, ("loai", "unit kind"), "UBND", choices="unit_kinds", width=20),
        Column(
            "parent_code",
            "Mã đơn vị cấp trên",
            True,
            ("parent", "ma don vi cha"),
            "LS.BG",
            choices="units",
            width=22,
        ),
        Column("valid_from", "Hiệu lực từ ngày", False, ("valid from", "tu ngay"), "01/01/2024", width=14),
        Column("valid_to", "Hiệu lực đến ngày", False, ("valid to", "den ngay"), "", width=14),
        Column("verified", "Đã xác minh", False, (), "Có", choices="bool", width=12),
        Column("source_note", "Ghi chú nguồn", False, ("source note", "ghi chu"), "", width=40),
    ]

    # -- validation -----------------------------------------------------------------------------------------
    def _parse(self, ctx: Context, row: Row) -> UnitRow | None:
        code, name = required(ctx, row, "code"), required(ctx, row, "name")
        parent_code = row.get("parent_code")  # blank only for an existing top-level unit (checked later)
        ok_level, level = LEVELS.parse(ctx, row, "level")
        ok_kind, kind = UNIT_KINDS.parse(ctx, row, "kind")
        ok_from, valid_from = parse_date(ctx, row, "valid_from")
        ok_to, valid_to = parse_date(ctx, row, "valid_to")
        ok_v, verified = parse_bool(ctx, row, "verified")
        if not (code and name and ok_level and ok_kind and ok_from and ok_to and ok_v):
            return None
        if level is None:
            required(ctx, row, "level")
        if kind is None:
            required(ctx, row, "kind")
        data = {
            "code": code,
            "name": name,
            "short_name": row.get("short_name"),
            "level": level or UnitLevel.commune,
            "kind": kind or UnitKind.other,
            "valid_from": valid_from,
            "valid_to": valid_to,
            "verified": True if verified is None else verified,
            "source_note": row.get("source_note"),
        }
        if schema_errors(ctx, row, OrgUnitCreate, data, {k: k for k in data}) is None or not (level and kind):
            return None
        if valid_from and valid_to and valid_to < valid_from:
            ctx.error(
                row.number,
                "valid_to",
                "invalid_dates",
                "Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.",
                "valid_to must be after valid_from.",
            )
            return None
        present = {k: v for k, v in data.items() if k in ctx.headers and k != "code"}
        if "verified" in present and verified is None:
            present.pop("verified")  # blank: keep the stored value
        return UnitRow(row=row, code=code, parent_code=parent_code, values=present)

    def prepare(self, ctx: Context, rows: list[Row], counts: Counts) -> Prepared:
        parsed: dict[str, UnitRow] = {}
        for row in rows:
            item = self._parse(ctx, row)
            code = row.get("code")
            if code and code in parsed:
                ctx.error(
                    row.number,
                    "code",
                    "duplicate_key",
                    f"Mã đơn vị “{code}” trùng với dòng {parsed[code].row.number}.",
                    f"Unit code '{code}' repeats row {parsed[code].row.number}.",
                )
                continue
            if item is not None:
                parsed[item.code] = item
        codes = set(parsed) | {u.parent_code for u in parsed.values() if u.parent_code}
        units = ctx.units(codes)
        existing = self._existing(ctx, [c for c in parsed if c in units and units[c].in_scope])
        code_of = {u.id: u.code for u in units.values()}
        above = {u.parent_id for u in existing.values() if u.parent_id and u.parent_id not in code_of}
        if above:
            code_of.update(
                {u.id or 0: u.code for u in ctx.session.exec(scope.units_by_ids(list(above))).all()}
            )
        out = Prepared()
        for item in parsed.values():
            info = units.get(item.code)
            if info is not None and not info.in_scope:
                ctx.error(
                    item.row.number,
                    "code",
                    "unit_out_of_scope",
                    f"Mã đơn vị “{item.code}” đã được dùng cho một đơn vị không thuộc phạm vi quản lý của bạn.",
                    f"Unit code '{item.code}' belongs to a unit outside your scope.",
                )
                continue
            item.existing = existing.get(item.code)
            self._check_parent(ctx, item, parsed, code_of)
        self._check_cycles(ctx, parsed, units)
        bad_rows = {e.row for e in ctx.errors}
        for item in parsed.values():
            if item.row.number in bad_rows:
                continue
            if item.existing is None:
                out.create.append(item)
                counts.add("created")
                continue
            before = snapshot(item.existing, FIELDS)
            after = {**before, **{k: _plain(v) for k, v in item.values.items()}}
            item.changes = diff(before, after)
            if item.changes.get("level"):
                ctx.error(
                    item.row.number,
                    "level",
                    "level_change",
                    "Không thể đổi cấp của đơn vị đã có.",
                    "The level of an existing unit cannot change.",
                )
                continue
            if item.changes or item.move:
                out.update.append(item)
                counts.add("updated")
            else:
                counts.add("unchanged")
        return out

    def _existing(self, ctx: Context, codes: list[str]) -> dict[str, OrgUnit]:
        if not codes:
            return {}
        stmt = scope.import_units(ctx.principal, self.permission).where(col(OrgUnit.code).in_(codes))
        return {u.code: u for u in ctx.session.exec(stmt).all()}

    def _check_parent(
        self, ctx: Context, item: UnitRow, parsed: dict[str, UnitRow], code_of: dict[int, str]
    ) -> None:
        current = code_of.get(item.existing.parent_id) if item.existing and item.existing.parent_id else None
        if item.existing is not None and item.parent_code == current:
            return  # unchanged parent: may be above the caller's reach (its own top unit)
        if item.parent_code is None:
            if item.existing is None:
                required(ctx, item.row, "parent_code")
            else:
                ctx.error(
                    item.row.number,
                    "parent_code",
                    "required",
                    "Không thể chuyển đơn vị thành đơn vị gốc: hãy ghi mã đơn vị cấp trên.",
                    "Cannot detach a unit to the root: give its parent code.",
                )
            return
        if item.existing is not None:
            item.move = True
        if item.parent_code == item.code:
            ctx.error(
                item.row.number,
                "parent_code",
                "cycle",
                "Đơn vị không thể là cấp trên của chính nó.",
                "A unit cannot be its own parent.",
            )
        elif item.parent_code not in parsed:
            ctx.resolve_unit(item.row.number, "parent_code", item.parent_code or "")

    def _check_cycles(self, ctx: Context, parsed: dict[str, UnitRow], units: dict[str, Any]) -> None:
        """Follow the new parents through the file; where the chain reaches a stored unit, that unit must not
        lie inside the subtree of a stored unit the chain moves (its path would start with that unit's path)."""
        for code, item in parsed.items():
            chain = [code]
            p = item.parent_code
            while p is not None:
                if p in chain:
                    ctx.error(
                        item.row.number,
                        "parent_code",
                        "cycle",
                        f"Đơn vị cấp trên tạo thành vòng lặp ({' → '.join([*chain, p])}).",
                        "The parents form a cycle.",
                    )
                    break
                if p not in parsed:
                    target = units.get(p)
                    moved = [units[c] for c in chain if c in units and units[c].in_scope]
                    if target is not None and any(target.path.startswith(m.path) for m in moved):
                        ctx.error(
                            item.row.number,
                            "parent_code",
                            "cycle",
                            f"Không thể đặt đơn vị vào cây con của chính nó ({p} thuộc {code}).",
                            "A unit cannot be moved under its own subtree.",
                        )
                    break
                chain.append(p)
                p = parsed[p].parent_code

    # -- writing --------------------------------------------------------------------------------------------
    def apply(self, ctx: Context, prepared: Prepared) -> None:
        session = ctx.session
        units = ctx.units()
        paths = {c: u.path for c, u in units.items()}
        ids = {c: u.id for c, u in units.items()}
        pending = list(prepared.create)
        created: list[tuple[int, int | None, dict[str, Any]]] = []
        now = now_utc()
        while pending:  # one wave per depth: parents get their ids before their children
            wave = [u for u in pending if u.parent_code in ids]
            if not wave:  # pragma: no cover - excluded by the cycle check
                raise RuntimeError("unresolved parents in org unit import")
            pending = [u for u in pending if u.parent_code not in ids]
            rows = [
                {
                    "code": u.code,
                    "name": u.values["name"],
                    "short_name": u.values.get("short_name"),
                    "level": u.values["level"].value,
                    "kind": u.values["kind"].value,
                    "parent_id": ids[u.parent_code or ""],
                    "path": "/",
                    "valid_from": u.values.get("valid_from"),
                    "valid_to": u.values.get("valid_to"),
                    "is_active": u.values.get("valid_to") is None
                    or u.values["valid_to"] >= ctx.settings.today(),
                    "verified": u.values.get("verified", True),
                    "source_note": u.values.get("source_note"),
                    "version": 1,
                    "created_at": now,
                }
                for u in wave
            ]
            new_ids = insert_returning_ids(session, OrgUnit, rows, ("code",))
            for u, uid, r in zip(wave, new_ids, rows, strict=True):
                ids[u.code] = uid
                paths[u.code] = f"{paths[u.parent_code or '']}{uid}/"
                created.append(
                    (
                        uid,
                        uid,
                        changes_of(
                            None, {k: v for k, v in r.items() if k not in ("path", "version", "created_at")}
                        ),
                    )
                )
            update_rows(
                session,
                OrgUnit,
                [{"id": ids[u.code], "path": paths[u.code]} for u in wave],
                bump_version=False,
            )
        audit_many(session, ctx.principal, "create", "org_unit", created, "Nhập từ tệp / bulk import")

        plain_updates = [u for u in prepared.update if not u.move]
        update_rows(
            session,
            OrgUnit,
            [{"id": u.existing.id, **u.values, "updated_at": now} for u in plain_updates if u.existing],
        )
        audit_many(
            session,
            ctx.principal,
            "update",
            "org_unit",
            [(u.existing.id, u.existing.id, u.changes) for u in plain_updates if u.existing],
            "Nhập từ tệp / bulk import",
        )
        moves = [u for u in prepared.update if u.move]
        if moves:
            session.expire_all()
            for u in sorted(moves, key=lambda m: m.row.number):
                unit = session.get(OrgUnit, u.existing.id if u.existing else 0)
                assert unit is not None
                data = {k: v for k, v in u.values.items() if k != "level"}
                data["parent_id"] = ids[u.parent_code or ""]
                units_service.update_unit(session, ctx.principal, unit=unit, data=OrgUnitUpdate(**data))

    # -- export ---------------------------------------------------------------------------------------------
    def export_rows(self, ctx: Context) -> list[dict[str, str | None]]:
        rows = ctx.session.exec(
            scope.import_units(ctx.principal, self.permission).order_by(col(OrgUnit.path), col(OrgUnit.id))
        ).all()
        code_of = {u.id: u.code for u in rows}
        outside = {u.parent_id for u in rows if u.parent_id is not None and u.parent_id not in code_of}
        if outside:
            code_of.update({u.id: u.code for u in ctx.session.exec(scope.units_by_ids(list(outside))).all()})
        return [
            {
                "code": u.code,
                "name": u.name,
                "short_name": u.short_name,
                "level": LEVELS.label(u.level),
                "kind": UNIT_KINDS.label(u.kind),
                "parent_code": code_of.get(u.parent_id) if u.parent_id else None,
                "valid_from": _date(u.valid_from),
                "valid_to": _date(u.valid_to),
                "verified": bool_text(u.verified),
                "source_note": u.source_note,
            }
            for u in rows
        ]


def _date(d: date | None) -> str | None:
    return date_cell(d)


def _plain(value: Any) -> Any:
    from api.imports.kinds.writes import plain

    return plain(value)


KIND = OrgUnitsKind()
