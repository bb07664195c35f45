"""Kết quả và xếp hạng: totals of a round per unit and per lĩnh vực, and one sheet's results at every level.

Sums are integer sums of the ``*_milli`` columns in SQL (exact on SQLite and PostgreSQL); ``Decimal`` only at the
edge. The round's figures come from one aggregate (scores grouped by sheet × lĩnh vực — the lĩnh vực of a node is
the top-level node whose path prefixes the node's path — outer-joined to the sheets in view), so the number of
statements does not grow with units or nodes. Per unit, "appraised points" are the appraised points where a node
was appraised and the self-score elsewhere (the figure the council approves).

Who sees what (``api.authz.scope_scoring``): before publication a participant sees the units of the round in its
own reach (a commune its own totals only), and ranks are given only when the list is the whole round; after
publication every user under the owner unit holding ``results:read`` sees the whole ranking.
"""

from decimal import Decimal
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from api.authz import scope, scope_scoring
from api.authz.principal import Principal
from api.models import (
    AssessmentRound,
    AssessmentSheet,
    Framework,
    FrameworkNode,
    OfficialResult,
    RoundStatus,
    SheetStatus,
)
from api.pagination import PageParams
from api.scoring.points import MILLI, percent, to_decimal, to_milli

# Statuses that take part in the ranking (đã nộp and after); the others are listed after the ranked units.
RANKED = frozenset(
    {
        SheetStatus.submitted,
        SheetStatus.under_appraisal,
        SheetStatus.appraised,
        SheetStatus.approved,
        SheetStatus.published,
    }
)
WEAKEST = 5
_SHEET_STATUS = {s.value: s for s in SheetStatus}


def pts(milli: int | None) -> Decimal | None:
    """Milli-points → exact ``Decimal`` without exponent notation (10, not ``1E+1``, in JSON)."""
    if milli is None:
        return None
    return _pts(int(milli))


@lru_cache(maxsize=8192)
def _pts(milli: int) -> Decimal:
    """Decimals are immutable and a ranking repeats the same few totals thousands of times: built once each."""
    if milli % 1000 == 0:
        return Decimal(milli // 1000)
    return (Decimal(milli) / MILLI).normalize()


def milli_of(max_points: float | None) -> int | None:
    return None if max_points is None else to_milli(max_points)


def leaves_of(nodes: list[FrameworkNode]) -> set[int]:
    parents = {n.parent_id for n in nodes if n.parent_id is not None}
    return {n.id or 0 for n in nodes if n.id not in parents}


def framework_max(fw: Framework, tops: list[FrameworkNode]) -> int | None:
    """The index's maximum: the sum of the lĩnh vực maxima when all are known, else the framework's scale."""
    if tops and all(t.max_points is not None for t in tops):
        return sum(milli_of(t.max_points) or 0 for t in tops)
    return to_milli(fw.scale) if fw.scale else None


def bands_of(fw: Framework) -> list[dict[str, Any]]:
    out = []
    for b in fw.ranking_bands or []:
        out.append(
            {
                "code": str(b.get("code", "")),
                "name": str(b.get("name", "")),
                "verified": bool(b.get("verified", False)),
                "min_percent": None if b.get("min_percent") is None else to_decimal(b["min_percent"]),
                "max_percent": None if b.get("max_percent") is None else to_decimal(b["max_percent"]),
            }
        )
    return out


def band_for(bands: list[dict[str, Any]], points_milli: int, max_milli: int | None) -> dict[str, Any] | None:
    """The band holding ``points / max``, compared exactly (no rounding: 79,999 % is not 80 %)."""
    if not max_milli:
        return None
    scaled = Decimal(points_milli) * 100  # percent × max_milli
    for b in bands:
        lo, hi = b["min_percent"], b["max_percent"]
        if (lo is None or scaled >= lo * max_milli) and (hi is None or scaled < hi * max_milli):
            return b
    return None


def competition_ranks(values: list[int]) -> list[int]:
    """Ranks of values already sorted descending: equal values share a rank, the next one skips (1, 1, 3)."""
    ranks: list[int] = []
    for i, v in enumerate(values):
        ranks.append(ranks[-1] if i and v == values[i - 1] else i + 1)
    return ranks


# --- the round ---------------------------------------------------------------------------------------------------


def _round_aggregate(
    session: Session, principal: Principal, rnd: AssessmentRound, everyone: bool, areas: list[list[int]]
) -> list[Any]:
    """One row per sheet in view: totals, and per lĩnh vực (``f<i>`` for ``areas[i]``) as columns.

    ``areas[i]`` lists the node ids under the i-th lĩnh vực (by path prefix, from the nodes already loaded), so
    the per-lĩnh vực sums are conditional sums of one pass over the scores grouped by sheet: no join on node
    paths, which planners misestimate (PostgreSQL chose a nested loop of sheets × nodes for it). One row per unit
    comes back, not one per unit and lĩnh vực; rows are read through Core (no ORM row processing)."""
    sheets = scope_scoring.result_sheets(principal, rnd.id or 0, everyone=everyone).subquery("s")
    sc = scope.sheet_scores(sa.select(sheets.c.id)).subquery("sc")
    final = sa.func.coalesce(sc.c.appraised_points_milli, sc.c.self_points_milli)
    per_area = [
        sa.func.sum(sa.case((sc.c.node_id.in_(ids), final))).label(f"f{i}") for i, ids in enumerate(areas)
    ]
    every_node = [n for ids in areas for n in ids]
    per_sheet = (
        sa.select(
            sc.c.sheet_id,
            sa.func.sum(sc.c.self_points_milli).label("self_milli"),
            sa.func.sum(final).label("final_milli"),
            sa.func.count(final).label("scored"),
            *per_area,
        )
        .where(sc.c.node_id.in_(every_node))
        .group_by(sc.c.sheet_id)
        .subquery("ps")
    )
    stmt = sa.select(
        *sheets.c["id", "unit_id", "status", "unit_code", "unit_name", "in_round"],
        *[c for c in per_sheet.c if c.key != "sheet_id"],
    ).outerjoin_from(sheets, per_sheet, per_sheet.c.sheet_id == sheets.c.id)
    return list(session.connection().execute(stmt).all())


def fast_percent(points_milli: int | None, max_milli: int | None) -> Decimal | None:
    """:func:`api.scoring.points.percent` (two decimals, half up) in integer arithmetic: it runs per unit and
    lĩnh vực of a ranking."""
    if points_milli is None or not max_milli:
        return None
    return _fast_percent(int(points_milli), int(max_milli))


@lru_cache(maxsize=8192)
def _fast_percent(points_milli: int, max_milli: int) -> Decimal:
    num = abs(points_milli) * 10_000 * 2 + max_milli
    hundredths = num // (2 * max_milli)
    return Decimal(-hundredths if points_milli < 0 else hundredths).scaleb(-2)


def round_results(
    session: Session, principal: Principal, *, round_id: int, page: PageParams | None = None
) -> dict[str, Any]:
    """Totals, index %, band and rank of the units of the round in view, with per-lĩnh vực totals: every unit,
    or the ``page`` of them in ranking order. Ranks and the sort are over every unit in view whatever the page;
    only the page's rows are built into results."""
    rnd = scope.get_round_readable(session, principal, round_id)
    fw = session.exec(scope_scoring.framework_of(rnd.framework_id)).one()
    nodes = list(session.exec(scope.round_nodes(rnd.framework_id)).all())
    tops = sorted((n for n in nodes if n.parent_id is None), key=lambda n: (n.order, n.code))
    leaves = leaves_of(nodes)
    everyone = rnd.status == RoundStatus.published and (
        session.execute(scope_scoring.results_public(principal, round_id).limit(1)).first() is not None
    )
    top_ids = [t.id or 0 for t in tops]
    areas = [[n.id or 0 for n in nodes if n.path.startswith(t.path)] for t in tops]
    rows = _round_aggregate(session, principal, rnd, everyone, areas)

    max_milli = framework_max(fw, tops)
    bands = bands_of(fw)
    area_max = [milli_of(t.max_points) for t in tops]
    in_round = rows[0].in_round if rows else 0
    complete = len(rows) == in_round
    # ranked (đã nộp and after) by points then code, ranks shared on ties (1, 1, 3); the others after, by code
    ranked = sorted((r for r in rows if r.status in RANKED), key=lambda r: (-(r.final_milli or 0), r.unit_code))
    others = sorted((r for r in rows if r.status not in RANKED), key=lambda r: r.unit_code)
    ranks = competition_ranks([r.final_milli or 0 for r in ranked])
    ordered = [*ranked, *others]
    start = 0 if page is None else page.offset
    stop = len(ordered) if page is None else page.offset + page.limit
    out_units = []
    for i in range(start, min(stop, len(ordered))):
        r = ordered[i]
        is_ranked = i < len(ranked)
        final = r.final_milli or 0
        area_final = r[9:]
        area_points = [pts(v) for v in area_final]
        out_units.append(
            {
                "sheet_id": r.id,
                "unit_id": r.unit_id,
                "unit_code": r.unit_code,
                "unit_name": r.unit_name,
                "status": _SHEET_STATUS[r.status],
                "ranked": is_ranked,
                "rank": ranks[i] if is_ranked and complete else None,
                "self_points": pts(r.self_milli or 0),
                "appraised_points": pts(final),
                "max_points": pts(max_milli),
                "percent": fast_percent(final, max_milli),
                "band": band_for(bands, final, max_milli) if is_ranked else None,
                "scored": r.scored or 0,
                "area_points": area_points,
                "area_percent": [fast_percent(v, m) for v, m in zip(area_final, area_max, strict=True)],
                # the same points keyed by lĩnh vực, for the results exports (not part of the API shape)
                "areas": [
                    {"node_id": tid, "appraised_points": p}
                    for tid, p in zip(top_ids, area_points, strict=True)
                ],
            }
        )
    return {
        "round_id": rnd.id,
        "round_name": rnd.name,
        "year": rnd.year,
        "framework_id": fw.id,
        "framework_code": fw.code,
        "framework_name": fw.name,
        "round_status": rnd.status.value,
        "published": rnd.status == RoundStatus.published,
        "complete": complete,
        "units_in_round": in_round,
        "max_points": pts(max_milli),
        "scorable": sum(1 for n in nodes if n.id in leaves and n.scoring_method != "survey"),
        "bands": bands,
        "areas": [
            {
                "node_id": t.id,
                "code": t.code,
                "title": t.title,
                "title_en": t.title_en,
                "max_points": pts(milli_of(t.max_points)),
            }
            for t in tops
        ],
        "units": out_units,
        "total": len(ordered),
        "limit": len(ordered) if page is None else page.limit,
        "offset": start,
    }


# --- one sheet ---------------------------------------------------------------------------------------------------


def _node_sums(
    session: Session, sheet_ids: list[int], framework_ids: list[int]
) -> dict[tuple[int, int], Any]:
    """``(sheet_id, node_id) → (self_milli, final_milli, scored)`` for every node at every level, one statement:
    each score counts for its node and every ancestor (path prefix)."""
    sc = scope.sheet_scores(sheet_ids).subquery("sc")
    leaf = scope_scoring.nodes_of_frameworks(framework_ids).subquery("leaf")
    anc = scope_scoring.nodes_of_frameworks(framework_ids).subquery("anc")
    final = sa.func.coalesce(sc.c.appraised_points_milli, sc.c.self_points_milli)
    stmt = (
        sa.select(
            sc.c.sheet_id,
            anc.c.id,
            sa.func.sum(sc.c.self_points_milli),
            sa.func.sum(final),
            sa.func.count(final),
        )
        .join_from(sc, leaf, leaf.c.id == sc.c.node_id)
        .join(anc, sa.and_(anc.c.framework_id == leaf.c.framework_id, leaf.c.path.startswith(anc.c.path)))
        .group_by(sc.c.sheet_id, anc.c.id)
    )
    return {(r[0], r[1]): (r[2], r[3], r[4]) for r in session.execute(stmt).all()}


def _previous(
    session: Session, principal: Principal, sheet: AssessmentSheet, rnd: AssessmentRound, fw: Framework
) -> tuple[AssessmentSheet, AssessmentRound] | None:
    """The same unit's sheet of the previous year on this framework or the one it was cloned from; a published
    round first, then the latest."""
    fw_ids = [fw.id or 0, *([fw.cloned_from_id] if fw.cloned_from_id else [])]
    stmt = scope_scoring.previous_sheets(principal, sheet.unit_id, rnd.year - 1, fw_ids).order_by(
        sa.case((col(AssessmentRound.status) == RoundStatus.published, 0), else_=1),
        col(AssessmentRound.id).desc(),
    )
    row = session.execute(stmt.limit(1)).first()
    return (row[0], row[1]) if row else None


def _gap(official_milli: int | None, final_milli: int | None) -> Decimal | None:
    if official_milli is None or final_milli is None:
        return None
    return pts(official_milli - final_milli)


def _official(o: OfficialResult | None, final_milli: int | None) -> dict[str, Any] | None:
    if o is None:
        return None
    return {
        "points": pts(o.points_milli),
        "percent": pts(o.percent_milli),
        "rank": o.rank,
        "source": o.source,
        "gap": _gap(o.points_milli, final_milli),
    }


def _prev_figures(
    prev_id: int | None, sums: dict[tuple[int, int], Any], prev_sheet: int | None, max_milli: int | None,
    final_milli: int | None, pct: Decimal | None,
) -> dict[str, Any] | None:  # fmt: skip
    if prev_sheet is None or prev_id is None:
        return None
    p = sums.get((prev_sheet, prev_id))
    points = p[1] if p else None
    ppct = percent(points, max_milli)
    return {
        "node_id": prev_id,
        "points": pts(points),
        "percent": ppct,
        "change": _gap(final_milli, points),
        "percent_change": None if pct is None or ppct is None else pct - ppct,
    }


def sheet_results(session: Session, principal: Principal, *, sheet_id: int) -> dict[str, Any]:
    """Self vs appraised vs official per node at every level, change since last year, weakest criteria."""
    sheet = scope.get_sheet(session, principal, sheet_id)
    rnd = session.exec(scope_scoring.sheet_round(sheet.round_id)).one()
    fw = session.exec(scope_scoring.framework_of(rnd.framework_id)).one()
    unit = session.exec(scope.units_by_ids([sheet.unit_id])).one()
    prev = _previous(session, principal, sheet, rnd, fw)
    prev_sheet, prev_round = prev if prev else (None, None)
    fw_ids = sorted({fw.id or 0, *([prev_round.framework_id] if prev_round else [])})
    all_nodes = list(session.exec(scope_scoring.nodes_of_frameworks(fw_ids)).all())
    nodes = sorted((n for n in all_nodes if n.framework_id == fw.id), key=lambda n: n.path)
    sums = _node_sums(session, [sheet.id or 0, *([prev_sheet.id or 0] if prev_sheet else [])], fw_ids)
    officials = {
        o.node_code: o
        for o in session.exec(scope_scoring.official_results_of(sheet.unit_id, [fw.id or 0], rnd.year)).all()
    }
    # Year-over-year mapping: same framework → same node; a cloned version → the node it was cloned from.
    same_fw = prev_round is not None and prev_round.framework_id == fw.id
    prev_ids = {n.id for n in all_nodes if prev_round and n.framework_id == prev_round.framework_id}

    def prev_of(n: FrameworkNode) -> int | None:
        if prev_round is None:
            return None
        target = n.id if same_fw else n.cloned_from_id
        return target if target in prev_ids else None

    leaves = leaves_of(nodes)
    order = {
        n.id: i for i, n in enumerate(sorted(nodes, key=lambda n: _tree_key(n, {m.id: m for m in nodes})))
    }
    out_nodes: list[dict[str, Any]] = []
    for n in sorted(nodes, key=lambda n: order[n.id]):
        s = sums.get((sheet.id or 0, n.id or 0))
        self_m, final_m = (s[0], s[1]) if s else (None, None)
        mx = milli_of(n.max_points)
        pct = percent(final_m, mx)
        out_nodes.append(
            {
                "node_id": n.id,
                "parent_id": n.parent_id,
                "code": n.code,
                "title": n.title,
                "title_en": n.title_en,
                "depth": n.depth,
                "level_name": n.level_name,
                "leaf": n.id in leaves,
                "max_points": pts(mx),
                "self_points": pts(self_m),
                "appraised_points": pts(final_m),
                "percent": pct,
                "official": _official(officials.get(n.code), final_m),
                "previous": _prev_figures(
                    prev_of(n), sums, prev_sheet.id if prev_sheet else None, mx, final_m, pct
                ),
            }
        )

    tops = [n for n in nodes if n.parent_id is None]
    max_milli = framework_max(fw, tops)
    tot_self = sum((sums.get((sheet.id or 0, t.id or 0)) or (0, 0, 0))[0] or 0 for t in tops)
    tot_final = sum((sums.get((sheet.id or 0, t.id or 0)) or (0, 0, 0))[1] or 0 for t in tops)
    tot_pct = percent(tot_final, max_milli)
    total: dict[str, Any] = {
        "node_id": None,
        "code": "",
        "title": fw.name,
        "depth": -1,
        "leaf": False,
        "max_points": pts(max_milli),
        "self_points": pts(tot_self),
        "appraised_points": pts(tot_final),
        "percent": tot_pct,
        "official": _official(officials.get(""), tot_final),
    }
    if prev_sheet is not None and prev_round is not None:
        prev_tops = [
            n for n in all_nodes if n.framework_id == prev_round.framework_id and n.parent_id is None
        ]
        prev_final = sum((sums.get((prev_sheet.id or 0, t.id or 0)) or (0, 0, 0))[1] or 0 for t in prev_tops)
        prev_fw_max = max_milli if same_fw else _max_of_tops(prev_tops, max_milli)
        ppct = percent(prev_final, prev_fw_max)
        total["previous"] = {
            "node_id": None,
            "points": pts(prev_final),
            "percent": ppct,
            "change": pts(tot_final - prev_final),
            "percent_change": None if tot_pct is None or ppct is None else tot_pct - ppct,
        }
    weakest = sorted(
        (
            r
            for r in out_nodes
            if r["leaf"]
            and r["percent"] is not None
            and r["max_points"]
            and r["appraised_points"] is not None
        ),
        key=lambda r: (r["percent"], r["code"]),
    )[:WEAKEST]
    return {
        "sheet_id": sheet.id,
        "round_id": rnd.id,
        "round_name": rnd.name,
        "year": rnd.year,
        "unit_id": sheet.unit_id,
        "unit_name": unit.name,
        "status": sheet.status,
        "framework_id": fw.id,
        "framework_name": fw.name,
        "band": band_for(bands_of(fw), tot_final, max_milli),
        "total": total,
        "nodes": out_nodes,
        "previous_sheet": None
        if prev_sheet is None or prev_round is None
        else {
            "sheet_id": prev_sheet.id,
            "round_id": prev_round.id,
            "round_name": prev_round.name,
            "year": prev_round.year,
            "framework_id": prev_round.framework_id,
        },
        "weakest": weakest,
    }


def _max_of_tops(tops: list[FrameworkNode], fallback: int | None) -> int | None:
    if tops and all(t.max_points is not None for t in tops):
        return sum(milli_of(t.max_points) or 0 for t in tops)
    return fallback


def _tree_key(n: FrameworkNode, by_id: dict[int | None, FrameworkNode]) -> tuple[Any, ...]:
    """Tree order: each ancestor's (order, code) from the top down."""
    chain: list[tuple[int, str]] = []
    cur: FrameworkNode | None = n
    while cur is not None:
        chain.append((cur.order, cur.code))
        cur = by_id.get(cur.parent_id) if cur.parent_id is not None else None
    return tuple(reversed(chain))


__all__ = ["RANKED", "band_for", "competition_ranks", "round_results", "sheet_results"]
