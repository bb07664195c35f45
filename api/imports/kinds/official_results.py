"""Import of official results (kết quả chính thức): what the province or the Ministry published for a unit and year.

One row per unit × framework × year × node (empty node code = the whole index), upserted by that natural key.
Points and percent are exact decimals (at most three decimals, comma or point), bounded by the node's maximum
(the framework's for the whole index) and by 100 %. Writing needs ``assessments:manage`` on the unit (with
``imports:run``); the framework must be readable and the node must belong to it.
"""

from typing import Any

from sqlmodel import col

from api.authz import scope_scoring
from api.authz.permissions import Permission
from api.imports.kinds.base import Column, Context, Counts, Kind, Row
from api.imports.kinds.values import parse_int, required
from api.imports.kinds.writes import Upserts, apply_upserts, classify
from api.models import Framework, FrameworkNode, OfficialResult
from api.scoring.points import PointsError, from_milli, to_decimal, to_milli

P = Permission
FIELDS = ("node_id", "points_milli", "percent_milli", "rank", "source")
KEY = ("unit_id", "framework_id", "year", "node_code")
MAX_SOURCE = 500


def _points(
    ctx: Context, row: Row, key: str, upper: int | None, what: str, what_en: str
) -> tuple[bool, int | None]:
    text = row.get(key)
    if text is None:
        return True, None
    try:
        milli = to_milli(text)
    except PointsError:
        ctx.error(
            row.number,
            key,
            "invalid_number",
            f"“{text}” không phải là số hợp lệ (tối đa 3 chữ số thập phân, ví dụ 12,75).",
            f"'{text}' is not a number with at most three decimals.",
        )
        return False, None
    if milli < 0 or (upper is not None and milli > upper):
        hi = "" if upper is None else f" đến {str(from_milli(upper)).replace('.', ',')}"
        ctx.error(
            row.number,
            key,
            "out_of_range",
            f"{what} {text} nằm ngoài khoảng cho phép (0{hi}).",
            f"{what_en} {text} is out of range.",
        )
        return False, None
    return True, milli


class OfficialResultsKind(Kind):
    name = "official-results"
    title = "Kết quả chính thức"
    title_en = "official results"
    permission = P.assessments_manage
    sheet_title = "Kết quả chính thức"
    columns = [
        Column("unit_code", "Mã đơn vị", True, ("unit", "ma don vi"), "LS.BG.X.HOATHAM", choices="units", width=22),
        Column("framework_code", "Mã bộ chỉ số", True, ("framework", "bo chi so"), "PAR_INDEX_TINH_876", width=24),
        Column("year", "Năm", True, ("nam",), "2024", width=8),
        Column(
            "node_code", "Mã tiêu chí", False, ("node", "tieu chi", "linh vuc"), "",
            note="Để trống: toàn bộ chỉ số / empty: the whole index", width=14,
        ),
        Column("points", "Điểm", False, ("diem",), "78,5", width=10),
        Column("percent", "Tỷ lệ (%)", False, ("ty le", "chi so"), "78,5", width=10),
        Column("rank", "Xếp hạng", False, ("hang", "xep hang"), "3", width=10),
        Column("source", "Nguồn (quyết định công bố)", False, ("nguon", "quyet dinh"), "QĐ 123/QĐ-UBND", width=36),
    ]  # fmt: skip

    def prepare(self, ctx: Context, rows: list[Row], counts: Counts) -> Upserts:
        fw_codes = sorted({c for r in rows if (c := r.get("framework_code"))})
        frameworks = {
            f.code: f
            for f in ctx.session.exec(scope_scoring.frameworks_by_codes(ctx.principal, fw_codes)).all()
        }
        fw_ids = [f.id or 0 for f in frameworks.values()]
        nodes: dict[tuple[int, str], FrameworkNode] = {
            (n.framework_id, n.code): n
            for n in ctx.session.exec(scope_scoring.nodes_of_frameworks(fw_ids)).all()
        }
        tops: dict[int, list[FrameworkNode]] = {}
        for n in nodes.values():
            if n.parent_id is None:
                tops.setdefault(n.framework_id, []).append(n)
        ctx.units([c for r in rows if (c := r.get("unit_code"))])
        parsed: list[tuple[Row, dict[str, Any]]] = []
        seen: dict[tuple[int, int, int, str], int] = {}
        for row in rows:
            item = self._parse(ctx, row, frameworks, nodes, tops)
            if item is None:
                continue
            key = (item["unit_id"], item["framework_id"], item["year"], item["node_code"])
            if key in seen:
                ctx.error(
                    row.number,
                    "node_code",
                    "duplicate_key",
                    f"Trùng đơn vị, bộ chỉ số, năm và tiêu chí với dòng {seen[key]}.",
                    f"Same unit, framework, year and node as row {seen[key]}.",
                )
                continue
            seen[key] = row.number
            parsed.append((row, item))
        unit_ids = sorted({i["unit_id"] for _, i in parsed})
        existing = {
            (o.unit_id, o.framework_id, o.year, o.node_code): o
            for o in ctx.session.exec(
                scope_scoring.official_results_by_keys(ctx.principal, unit_ids, fw_ids)
            ).all()
        }
        return classify([item for _row, item in parsed], existing, KEY, FIELDS, counts)

    def _parse(
        self,
        ctx: Context,
        row: Row,
        frameworks: dict[str, Framework],
        nodes: dict[tuple[int, str], FrameworkNode],
        tops: dict[int, list[FrameworkNode]],
    ) -> dict[str, Any] | None:
        unit_code, fw_code = required(ctx, row, "unit_code"), required(ctx, row, "framework_code")
        ok_year, year = parse_int(ctx, row, "year", 2000, 2100)
        if year is None and ok_year:
            required(ctx, row, "year")
        unit = ctx.resolve_unit(row.number, "unit_code", unit_code) if unit_code else None
        fw = frameworks.get(fw_code or "")
        if fw_code and fw is None:
            ctx.error(
                row.number,
                "framework_code",
                "unknown_framework",
                f"Không có bộ chỉ số mã “{fw_code}” (hoặc bạn không được xem).",
                f"No readable framework with code '{fw_code}'.",
            )
        node_code = (row.get("node_code") or "").strip()
        node = None
        if fw is not None and node_code:
            node = nodes.get((fw.id or 0, node_code))
            if node is None:
                ctx.error(
                    row.number,
                    "node_code",
                    "unknown_node",
                    f"Bộ chỉ số “{fw.code}” không có tiêu chí mã “{node_code}”.",
                    f"Framework '{fw.code}' has no node '{node_code}'.",
                )
        upper = None
        if node is not None and node.max_points is not None:
            upper = to_milli(node.max_points)
        elif fw is not None and not node_code:
            fw_tops = tops.get(fw.id or 0, [])
            if fw_tops and all(t.max_points is not None for t in fw_tops):
                upper = sum(to_milli(t.max_points) for t in fw_tops)
            elif fw.scale:
                upper = to_milli(fw.scale)
        ok_points, points = _points(ctx, row, "points", upper, "Điểm", "Points")
        ok_pct, pct = _points(ctx, row, "percent", to_milli(100), "Tỷ lệ", "Percent")
        ok_rank, rank = parse_int(ctx, row, "rank", 1, 100_000)
        source = row.get("source")
        if source is not None and len(source) > MAX_SOURCE:
            ctx.error(
                row.number,
                "source",
                "string_too_long",
                f"Giá trị quá dài ({len(source)} ký tự, tối đa {MAX_SOURCE}).",
                f"Too long ({len(source)} characters, at most {MAX_SOURCE}).",
            )
            return None
        if ok_points and ok_pct and ok_rank and points is None and pct is None and rank is None:
            ctx.error(
                row.number,
                "points",
                "required",
                "Cần ít nhất một trong các cột Điểm, Tỷ lệ (%) hoặc Xếp hạng.",
                "Give at least one of points, percent or rank.",
            )
            return None
        if not (unit and fw and year and ok_points and ok_pct and ok_rank) or (node_code and node is None):
            return None
        return {
            "unit_id": unit.id,
            "framework_id": fw.id,
            "year": year,
            "node_code": node_code,
            "node_id": node.id if node else None,
            "points_milli": points,
            "percent_milli": pct,
            "rank": rank,
            "source": source,
        }

    def apply(self, ctx: Context, prepared: Upserts) -> None:
        apply_upserts(ctx.session, ctx.principal, OfficialResult, prepared, key=KEY, fields=FIELDS,
                      entity_type="official_result", extra={"extra": {}})  # fmt: skip

    def export_rows(self, ctx: Context) -> list[dict[str, str | None]]:
        stmt = (
            scope_scoring.official_result_rows(ctx.principal)
            .where(col(OfficialResult.unit_id).in_(ctx.scoped_unit_ids()))
            .order_by(col(OfficialResult.year), col(Framework.code), col(OfficialResult.unit_id))
        )
        out: list[dict[str, str | None]] = []
        for o, unit_code, _un, fw_code, _fn, _nt in ctx.session.execute(stmt).all():
            out.append(
                {
                    "unit_code": unit_code,
                    "framework_code": fw_code,
                    "year": str(o.year),
                    "node_code": o.node_code or None,
                    "points": _text(o.points_milli),
                    "percent": _text(o.percent_milli),
                    "rank": None if o.rank is None else str(o.rank),
                    "source": o.source,
                }
            )
        return out


def _text(milli: int | None) -> str | None:
    """Exact points as a Vietnamese decimal (12,75)."""
    value = from_milli(milli)
    return None if value is None else format(to_decimal(value), "f").replace(".", ",")


KIND = OfficialResultsKind()
