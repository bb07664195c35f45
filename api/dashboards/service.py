"""Tổng hợp: bucket counts, progress and rankings of the scoped assignments, computed in SQL.

Fast by construction (national dataset: ``bench/national.py``, 3,300 communes × 60 = 198,000 assignments):

- every aggregate reads one derived table, :func:`_rows`: the scoped assignments filtered by ``unit_id IN
  (units in reach)`` (``scope.assignments_in_reach``), so the planner reads the covering index
  ``ix_assignment_unit_cover`` (SQLite) or hashes the units once (PostgreSQL) instead of joining and testing
  ``org_unit`` per assignment — or, for a district's or province's reach that is every assignment there is,
  every row without those tests (``scope_dashboard.assignments_in_reach_scan``: the same rows, decided once per
  statement) — with the bucket computed once per assignment as a small integer (:func:`bucket_code_expr`: the
  conditions of ``buckets.bucket_expr``, the single definition, "due soon" being one more code);
- two groupings of it, whatever the number of units, plans or criteria: by unit and by (task, plan), each
  bucket a pivoted ``count(*) FILTER (WHERE b = i)``. PostgreSQL computes both in one pass (``GROUPING SETS``);
  SQLite, which has no grouping sets, in two;
- one statement (:func:`_aggregates`, a ``UNION ALL``) joins the labels: one row per unit / plan / task with
  its rank (``row_number()``, so string ordering follows the database collation); the lĩnh vực and criteria
  are rolled up in Python from the per-task rows and one small statement for the criteria linked to them.

Three statements (plus the principal's) whatever the size of the scope. Python only works over those grouped
rows, as tuples (bounded by the number of units, plans and criteria): the totals are the sum of the per-unit
rows, and the lagging ranking sorts them by on-time rate.

#19, 06/12/2026 (EXPLAIN ANALYZE and in-process timings on the national dataset, machine loaded 7–12 by other
sessions, so only same-sitting ratios mean anything):

- the grouping was by (unit, bucket name) and (task, plan, bucket name): the CASE gave a string per row, both
  hash tables keyed on it (10,080 groups), then the outer query sorted and re-grouped 9,900 rows to pivot.
  Grouping by the integer keys alone with the buckets as FILTER counts (3,360 groups, no re-grouping): core
  aggregate 92 → 59 ms on a quiet machine (psql, best of 9; the scan and the scope's hash join alone are
  33 ms, so it is now ~1.8× a bare scan), whole statement EXPLAIN (ANALYZE, TIMING OFF) 410–509 → 334–377 ms
  loaded; PostgreSQL summed the bigints as ``numeric``, now cast back (no ``Decimal`` per cell);
- rejected, by the figures: (a) a counts table kept up to date on every write (per unit and task / status):
  the bucket depends on the reference date (``due_date < today``), so such a table has to be keyed at least
  by (unit, status, due date, completed on time), and on the national dataset that key has 198,000 distinct
  values for 198,000 assignments (every commune's 60 tasks have their own deadlines; 923 for 2,995 rows on the
  demo) — nothing to gain over the scan, for triggers on every write path; (b) the same compaction in the query
  (GROUP BY status, due date first, CASE over the groups): 222,300 groups, 220–377 ms against 59–92;
  (c) covering index for an index-only scan: ``ix_assignment_unit_cover`` already covers the columns and, once
  vacuumed, PostgreSQL still prefers the 18 MB heap to the 15 MB index (the cost is per row, not per page);
  (d) the criteria links as a fourth branch of the aggregate (one round trip less): PostgreSQL nests the
  links over the per-task CTE, 0.8 → 7.6 ms on the demo commune;
- Python: ``_unit``/``_stat`` built a dict per unit via ``Enum.value`` (~60 ms per national request under
  cProfile); rows are now tuples read by position. The route answers the document as JSON bytes
  (``pydantic_core.to_json``) instead of FastAPI validating the dict against ``Summary`` again in another
  worker-thread hop (the recount test checks the document is exactly the schema's shape).

#19, fifth round (06/12/2026 evening; backend CPU per execution from ``/proc``, statements alternated, machine
loaded 8–14 by other sessions): of the national aggregate's ~120 ms of PostgreSQL CPU, a bare read of its seven
columns is ~15–25 ms; the unit scope's hash join ~17 ms and the hidden-draft ``NOT IN`` ~6 ms; the CASE ~11 ms;
the second grouping set (by task) ~18 ms; the pivoted counts ~20 ms. Done: due soon as a sixth code (one CASE
per row, six FILTER counts, no second CASE nor ``sum(soon)``) and the row subquery fenced (``OFFSET 0``):
124–129 → 108–113 ms; the scope tests skipped when they exclude nothing (``scope_dashboard``): → 94–102 ms;
the Python roll-up in C loops (fetchall, zip/sum, ``heapq.nsmallest``): 15.9 → 10.9 ms per national request.
Measured and left: JIT (compiling costs more than it saves: 108 → 120 ms, with optimisation 345 ms); packing
the bucket counts into one ``sum(1 << 10·code)`` (−8 %, but exact only below 1,024 rows per group, and the exact
21-bit form is no faster than the FILTERs); ``GROUP BY (unit, code)`` instead of pivoted counts (no faster);
the units' grouping sorted over an index-only scan (MixedAggregate, −18 %, but PostgreSQL only takes it with
``enable_seqscan`` off); a LATERAL per unit over the covering index (−12 %, the plan forced by a fence, and an
index-only scan only while the table is vacuumed); parallel workers (no help to throughput on two cores under
eight connections). The floor of this shape (scan, CASE, two groupings, no scope test) is ~70 ms.
"""

import functools
import heapq
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from api import hot_rows
from api.assignments import buckets
from api.assignments.buckets import Bucket
from api.assignments.service import row_select, to_reads
from api.authz import scope, scope_dashboard
from api.authz.principal import Grant, Principal
from api.models import Assignment, Framework, FrameworkNode, OrgUnit, Plan, TaskNode

B = list(Bucket)
BUCKET_VALUES = tuple(b.value for b in B)
OVERDUE = Bucket.overdue.value
LAGGING_UNITS = 10
CRITERIA_MOST_OVERDUE = 10
DUE_SOON_ROWS = 20
# What came due or is done: the denominator of the on-time rate. Chờ duyệt (awaiting_review) is left out of
# both sides until the reviewer decides: the unit did its part on time, the item is not yet judged.
DUE_OR_DONE = (Bucket.done_on_time, Bucket.done_late, Bucket.overdue)
KINDS = ("unit", "plan", "task")


def unit_filter(unit_id: int, include_predecessors: bool) -> Any:
    """``assignment.unit_id`` is the unit, or (``include_predecessors``) the unit or a unit merged / renamed into
    it, transitively. Always applied on top of the scope (:func:`scope.assignments_in_reach`): a predecessor the
    caller does not reach (a 2026 commune head and the dissolved district's communes) is not counted."""
    if include_predecessors:
        return col(Assignment.unit_id).in_(scope.unit_and_predecessors(unit_id))
    return col(Assignment.unit_id) == unit_id


# The code of an in-progress assignment that is also due soon: counted as ``in_progress_on_time`` and as due
# soon. Nothing else can be due soon (not approved, due today or later: no other bucket's conditions hold).
SOON_CODE = len(BUCKET_VALUES)
# Code → bucket name, for every code :func:`bucket_code_expr` gives.
CODE_BUCKETS = (*BUCKET_VALUES, Bucket.in_progress_on_time.value)


@functools.lru_cache(maxsize=32)
def bucket_code_expr(today: date, soon_days: int) -> Any:
    """:func:`buckets.bucket_expr` (the single definition: its very conditions, in its order) answering the
    bucket's index in ``BUCKET_VALUES`` instead of its name, except that an assignment the else branch
    (``in_progress_on_time``) takes and :func:`buckets.due_soon_expr` flags answers ``SOON_CODE``. Aggregates
    count ``code = i`` per group: comparing and hashing a small integer per row instead of a string, and
    grouping by unit / task alone (the buckets as pivoted columns) rather than by (unit / task, bucket name),
    was ~40 % of the national aggregate's time on PostgreSQL (bench note in the module docstring); the due-soon
    count as one more code instead of a second CASE per row, another ~12 %. Immutable SQL holding only the day:
    shared safely."""
    expr = buckets.bucket_expr(today)
    code = {v: i for i, v in enumerate(BUCKET_VALUES)}
    return sa.case(
        *[(cond, sa.literal_column(str(code[buckets.const_value(value)]))) for cond, value in expr.whens],
        (buckets.due_soon_expr(today, soon_days), sa.literal_column(str(SOON_CODE))),
        else_=sa.literal_column(str(code[buckets.const_value(expr.else_)])),
    )


def _rows(
    principal: Principal,
    *,
    today: date,
    soon_days: int,
    plan_id: int | None,
    unit_id: int | None,
    include_predecessors: bool = False,
) -> Any:
    """One row per scoped assignment with its bucket code (:func:`bucket_code_expr`: the bucket's index in
    ``BUCKET_VALUES``, or ``SOON_CODE`` for in progress and due soon, the work list's "sắp đến hạn" filter): the
    only input of the aggregates. The rows are ``scope.assignments_in_reach``'s, read through
    :func:`scope_dashboard.assignments_in_reach_scan` (a district's or province's reach that is every assignment
    skips the per-row unit and plan tests).

    ``OFFSET 0`` keeps it a subquery of its own: otherwise the database may inline it into the grouping and
    evaluate the CASE once per pivoted count that reads it instead of once per row (PostgreSQL does so for a
    plain ``GROUP BY``, SQLite for both groupings)."""
    columns: tuple[Any, ...] = (
        col(Assignment.unit_id).label("unit_id"),
        col(Assignment.task_id).label("task_id"),
        col(Assignment.plan_id).label("plan_id"),
        col(Assignment.progress).label("progress"),
        bucket_code_expr(today, soon_days).label("b"),
    )
    where = []
    if plan_id is not None:
        where.append(col(Assignment.plan_id) == plan_id)
    if unit_id is not None:
        where.append(unit_filter(unit_id, include_predecessors))
    stmt = scope_dashboard.assignments_in_reach_scan(principal, columns, *where)
    return stmt.offset(0).subquery("r")


def _counts(rows: Any) -> list[Any]:
    """``n``, ``sp`` (progress sum), one count per bucket (named after it) and ``ns`` (due soon) of a group: one
    ``count(*) FILTER`` per code, ``in_progress_on_time`` the sum of its two codes (the database evaluates a
    repeated aggregate once)."""
    by_code = [
        sa.func.count().filter(rows.c.b == sa.literal_column(str(i))) for i in range(len(CODE_BUCKETS))
    ]
    in_progress = BUCKET_VALUES.index(Bucket.in_progress_on_time.value)
    return [
        sa.func.count().label("n"),
        sa.func.sum(rows.c.progress).label("sp"),
        *[
            (by_code[i] + by_code[SOON_CODE] if i == in_progress else by_code[i]).label(v)
            for i, v in enumerate(BUCKET_VALUES)
        ],
        by_code[SOON_CODE].label("ns"),
    ]


COUNT_COLUMNS = ("n", "sp", *BUCKET_VALUES, "ns")


def _groupings(rows: Any, dialect: str) -> tuple[Any, Any]:
    """CTEs ``per_unit`` (unit_id, n, sp, <buckets>, ns) and ``per_task`` (task_id, plan_id, n, sp, <buckets>,
    ns): one row per unit / task, the buckets pivoted while grouping."""
    if dialect == "postgresql":
        both = (
            sa.select(
                *rows.c["unit_id", "task_id", "plan_id"],
                sa.func.grouping(rows.c.unit_id).label("by_task"),
                *_counts(rows),
            )
            .group_by(
                sa.func.grouping_sets(sa.tuple_(rows.c.unit_id), sa.tuple_(rows.c.task_id, rows.c.plan_id))
            )
            .cte("per_unit_and_task")
        )
        per_unit = sa.select(both.c.unit_id, *both.c[COUNT_COLUMNS]).where(both.c.by_task == 0)
        per_task = sa.select(both.c.task_id, both.c.plan_id, *both.c[COUNT_COLUMNS]).where(
            both.c.by_task == 1
        )
    else:
        per_unit = sa.select(rows.c.unit_id, *_counts(rows)).group_by(rows.c.unit_id)
        per_task = sa.select(rows.c.task_id, rows.c.plan_id, *_counts(rows)).group_by(
            rows.c.task_id, rows.c.plan_id
        )
    return per_unit.cte("per_unit"), per_task.cte("per_task")


def _as_is(g: Any) -> list[Any]:
    """The counts of one grouped row (``per_unit``: one row per unit already)."""
    return [
        g.c[c].label(("total", "progress_sum", *BUCKET_VALUES, "soon")[i])
        for i, c in enumerate(COUNT_COLUMNS)
    ]


def _pivot(g: Any) -> list[Any]:
    """``total``, ``progress_sum``, one count per bucket and ``soon``, summed over the rows of ``g`` (as
    BIGINT: PostgreSQL sums bigints as numeric, which the driver would turn into ``Decimal``)."""
    names = ("total", "progress_sum", *BUCKET_VALUES, "soon")
    return [sa.cast(sa.func.sum(g.c[c]), sa.BigInteger).label(names[i]) for i, c in enumerate(COUNT_COLUMNS)]


# The aggregate statement's aliases, made once per process: an alias is only SQL structure (no data), and a new
# one per request made SQLAlchemy rebuild and adapt its column collections every time — about half the CPU of a
# district dashboard (bench/bench_http.py --profile district_dashboard). Each is used once in the statement.
_UNIT = aliased(OrgUnit, name="agg_unit")
_PLAN = aliased(Plan, name="agg_plan")
_NODE = aliased(FrameworkNode, name="agg_node")
_NODE_FW = aliased(Framework, name="agg_node_fw")
_TOP = aliased(FrameworkNode, name="agg_top")
_TOP_FW = aliased(Framework, name="agg_top_fw")


def _aggregate_statement(rows: Any, dialect: str) -> Any:
    """By unit, by plan and by task, in one statement.

    Rows are ``(kind, id, code, title, extra, year, total, progress_sum, <buckets>, soon, pos)``; ``pos`` orders
    the units and plans as the API lists them (``row_number()``, so string ordering follows the database
    collation). Tasks (``id`` the task) feed the lĩnh vực and criteria in Python (:func:`_by_node`): joining the
    grouped rows to the criteria in SQL made PostgreSQL, which cannot estimate how many grouped rows a grouping
    set yields, loop over them once per criterion link (~2/3 of the statement's time on the demo data).
    """
    per_unit, per_task = _groupings(rows, dialect)
    no_text, no_int = sa.cast(sa.null(), sa.String), sa.cast(sa.null(), sa.Integer)

    unit: Any = _UNIT
    by_unit = sa.select(
        sa.literal_column("'unit'").label("kind"),
        unit.id.label("id"),
        unit.code.label("code"),
        unit.name.label("title"),
        no_text.label("extra"),
        no_int.label("year"),
        *_as_is(per_unit),
        sa.func.row_number().over(order_by=(unit.code, unit.id)).label("pos"),
    ).join_from(per_unit, unit, unit.id == per_unit.c.unit_id)

    plan: Any = _PLAN
    by_plan = (
        sa.select(
            sa.literal_column("'plan'"),
            plan.id,
            plan.number,
            plan.title,
            plan.symbol,
            plan.year,
            *_pivot(per_task),
            sa.func.row_number().over(order_by=(plan.year.desc(), plan.id)),
        )
        .join_from(per_task, plan, plan.id == per_task.c.plan_id)
        .group_by(plan.id, plan.number, plan.title, plan.symbol, plan.year)
    )

    by_task = sa.select(
        sa.literal_column("'task'"),
        per_task.c.task_id,
        no_text,
        no_text,
        no_text,
        no_int,
        *_pivot(per_task),
        no_int,
    ).group_by(per_task.c.task_id)
    return sa.union_all(by_unit, by_plan, by_task)


def _node_statement(dialect: str) -> Any:
    """The criteria linked to the tasks ``:task_ids`` with their lĩnh vực (the top-level node above each), and
    each one's place in the API's order: criteria by code, lĩnh vực by framework, order, code. No principal
    data: the task ids come from the scoped aggregate.

    On PostgreSQL the ids are one array parameter (``= ANY(:task_ids)``): an expanding ``IN`` is rendered into
    the SQL text again at every execution (SQLAlchemy's post-compile step), about a tenth of the district
    dashboard's Python on the demo's 65 tasks, and its text changed with their number."""
    node: Any = _NODE
    node_fw: Any = _NODE_FW
    top: Any = _TOP
    top_fw: Any = _TOP_FW
    return (
        sa.select(
            col(TaskNode.task_id),
            node.id,
            node.code,
            node.title,
            node_fw.code,
            top.id,
            top.code,
            top.title,
            top_fw.code,
            sa.func.dense_rank().over(order_by=(node.code, node.id)),
            sa.func.dense_rank().over(order_by=(top_fw.code, top.order, top.code, top.id)),
        )
        .join(node, node.id == TaskNode.node_id)
        .join(node_fw, node_fw.id == node.framework_id)
        .join(
            top,
            sa.and_(
                top.framework_id == node.framework_id,
                top.parent_id.is_(None),
                sa.or_(
                    top.id == node.id,
                    node.path.contains(sa.literal("/") + sa.cast(top.id, sa.String) + "/"),
                ),
            ),
        )
        .join(top_fw, top_fw.id == top.framework_id)
        .where(
            col(TaskNode.task_id) == sa.any_(sa.bindparam("task_ids", type_=postgresql.ARRAY(sa.Integer())))
            if dialect == "postgresql"
            else col(TaskNode.task_id).in_(sa.bindparam("task_ids", expanding=True))
        )
    )


_NODES = {dialect: _node_statement(dialect) for dialect in ("postgresql", "sqlite")}
_STATEMENTS_KEPT = 256


@functools.lru_cache(maxsize=_STATEMENTS_KEPT)
def _statements(
    dialect: str,
    grants: tuple[Grant, ...],
    today: date,
    soon_days: int,
    plan_id: int | None,
    unit_id: int | None,
    include_predecessors: bool,
) -> tuple[Any, Any]:
    """The aggregate and the due-soon rows' statements, built from their arguments only.

    Building them (the scope's subqueries, the bucket CASE, the pivots: ~2,000 SQLAlchemy expression objects)
    was about a third of a dashboard's time. A statement is SQL text plus the values it was built from, and all
    of them are in the key — the caller's grants (unit ids and paths, roles), the reference date and every
    filter — so a kept statement is exactly the one this request would build: no result and nothing read from
    the database is kept, and a caller with other grants never gets another's statement.
    """
    principal = Principal(user_id=None, token_id=None, name="", grants=grants)
    rows = _rows(
        principal,
        today=today,
        soon_days=soon_days,
        plan_id=plan_id,
        unit_id=unit_id,
        include_predecessors=include_predecessors,
    )
    soon_stmt = row_select(principal, today=today, soon_days=soon_days).where(
        buckets.due_soon_expr(today, soon_days)
    )
    if plan_id is not None:
        soon_stmt = soon_stmt.where(col(Assignment.plan_id) == plan_id)
    if unit_id is not None:
        soon_stmt = soon_stmt.where(unit_filter(unit_id, include_predecessors))
    soon_stmt = soon_stmt.order_by(col(Assignment.due_date), col(Assignment.id)).limit(DUE_SOON_ROWS)
    return _aggregate_statement(rows, dialect), soon_stmt


# Positions in a row of the aggregate statement: kind, id, code, title, extra, year, then the counts, then pos.
_TOTAL, _PSUM, _B0, _SOON, _POS = 6, 7, 8, 8 + len(BUCKET_VALUES), 9 + len(BUCKET_VALUES)
_ON_TIME = _B0 + BUCKET_VALUES.index(Bucket.done_on_time.value)
_OVERDUE = _B0 + BUCKET_VALUES.index(OVERDUE)
_DUE_OR_DONE = tuple(_B0 + BUCKET_VALUES.index(b.value) for b in DUE_OR_DONE)


def _aggregates(session: Session, statement: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Rows of the aggregate statement per kind (plain tuples), units and plans in the order the API lists
    them. Every count is a BIGINT (``_pivot``), so the driver gives ints."""
    out: dict[str, list[tuple[Any, ...]]] = {k: [] for k in KINDS}
    # Through the Core connection: plain columns, no ORM entity to load (the ORM's per-execution set-up for
    # this union of aliased entities was about half of the statement's client-side time).
    # Fetched at once (one fetchall: row-by-row iteration was ~a third of the roll-up's Python nationally).
    for r in hot_rows.rows(session.connection(), statement):
        out[r[0]].append(r)
    for kind in ("unit", "plan"):
        out[kind].sort(key=itemgetter(_POS))
    return out


def _by_node(
    session: Session, tasks: list[tuple[Any, ...]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Lĩnh vực and criteria most overdue from the per-task rows.

    An assignment counts once per lĩnh vực, however many of its criteria the task links under it; a criterion
    counts the overdue assignments of every task linked to it (only criteria with some).
    """
    if not tasks:
        return [], []
    by_task = {r[1]: r for r in tasks}
    connection = session.connection()
    nodes = _NODES.get(connection.dialect.name)
    if nodes is None:
        nodes = _node_statement(connection.dialect.name)
    links = hot_rows.rows(connection, nodes, {"task_ids": sorted(by_task)})
    areas: dict[int, dict[str, Any]] = {}
    area_tasks: dict[int, set[int]] = defaultdict(set)
    criteria: dict[int, dict[str, Any]] = {}
    for task_id, nid, ncode, ntitle, nfw, tid, tcode, ttitle, tfw, npos, tpos in links:
        if tid not in areas:
            areas[tid] = {"pos": tpos, "ref": _node_ref(tid, tcode, ttitle, tfw)}
        area_tasks[tid].add(task_id)
        if nid not in criteria:
            criteria[nid] = {"pos": npos, "ref": _node_ref(nid, ncode, ntitle, nfw), "tasks": set()}
        criteria[nid]["tasks"].add(task_id)
    by_area = []
    for tid, a in sorted(areas.items(), key=lambda kv: kv[1]["pos"]):
        total, psum, counts = _sum_rows([by_task[t] for t in area_tasks[tid]])
        by_area.append(
            {**a["ref"], "total": total, "avg_progress": _avg(psum, total), "buckets": _named(counts)}
        )
    overdue = []
    for c in criteria.values():
        n = sum(by_task[t][_OVERDUE] for t in c["tasks"])
        if n:
            overdue.append((-n, c["pos"], {**c["ref"], "overdue": n}))
    overdue.sort(key=lambda x: (x[0], x[1]))
    return by_area, [x[2] for x in overdue[:CRITERIA_MOST_OVERDUE]]


def _node_ref(node_id: int, code: str, title: str, framework_code: str) -> dict[str, Any]:
    return {"node_id": node_id, "code": code, "title": title, "framework_code": framework_code}


def _sum_rows(rows: Sequence[tuple[Any, ...]]) -> tuple[int, int, list[int]]:
    """Total, progress sum and the bucket counts (in ``BUCKET_VALUES`` order) summed over aggregate rows."""
    if not rows:
        return 0, 0, [0] * len(BUCKET_VALUES)
    # Column by column (zip, sum: loops in C) rather than a generator per column over the 3,300 rows of a
    # national district.
    total, psum, *counts = zip(*(r[_TOTAL:_SOON] for r in rows), strict=True)
    return sum(total), sum(filter(None, psum)), [sum(c) for c in counts]


def _named(counts: Sequence[int]) -> dict[str, int]:
    return dict(zip(BUCKET_VALUES, counts, strict=True))


def _avg(progress_sum: int, total: int) -> float:
    return round(progress_sum / total, 1) if total else 0.0


def _rates(rows: Sequence[tuple[Any, ...]]) -> list[float | None]:
    """Per row: the share done on time among what came due or is done (None when nothing did)."""
    a, b, c = _DUE_OR_DONE
    return [r[_ON_TIME] / d if (d := r[a] + r[b] + r[c]) else None for r in rows]


def _unit_out(r: tuple[Any, ...], rate: float | None) -> dict[str, Any]:
    return {
        "unit_id": r[1],
        "code": r[2],
        "name": r[3],
        "total": r[_TOTAL],
        "avg_progress": _avg(r[_PSUM] or 0, r[_TOTAL]),
        "buckets": _named(r[_B0:_SOON]),
        "on_time_rate": None if rate is None else round(rate * 100, 1),
    }


def _lagging(units: Sequence[tuple[Any, ...]], rates: Sequence[float | None]) -> list[int]:
    """Positions in ``units`` of the lowest on-time rate first, then most overdue, then unit code (``units``
    come in code order: the position breaks the ties). Units with nothing due or done yet are not ranked."""
    ranked = [(rate, -units[i][_OVERDUE], i) for i, rate in enumerate(rates) if rate is not None]
    return [i for *_, i in heapq.nsmallest(LAGGING_UNITS, ranked)]


def summary(
    session: Session,
    principal: Principal,
    *,
    today: date,
    soon_days: int,
    plan_id: int | None = None,
    unit_id: int | None = None,
    include_predecessors: bool = False,
    limit: int = 200,
) -> dict[str, Any]:
    """The ``Summary`` document as plain data (dicts, ints, floats, strings, the due-soon rows as
    ``AssignmentRead``): the route serialises it as it is (``tests/dashboards/test_summary.py`` checks it
    against the schema)."""
    aggregate, soon_stmt = _statements(
        session.get_bind().dialect.name,
        principal.grants,
        today,
        soon_days,
        plan_id,
        unit_id,
        include_predecessors,
    )
    agg = _aggregates(session, aggregate)
    units = agg["unit"]
    rates = _rates(units)
    by_area, criteria_most_overdue = _by_node(session, agg["task"])
    # Core rows (the assignment's columns, then the row's): no ORM instance per row, as the lists
    due_soon = to_reads(hot_rows.rows(session.connection(), soon_stmt), flat=True)

    total, psum, counts = _sum_rows(units)
    return {
        "as_of": today,
        "due_soon_days": soon_days,
        "total": total,
        "avg_progress": _avg(psum, total),
        "buckets": _named(counts),
        "by_unit": [_unit_out(r, rates[i]) for i, r in enumerate(units[:limit])],
        "lagging_units": [_unit_out(units[i], rates[i]) for i in _lagging(units, rates)],
        "by_plan": [
            {
                "plan_id": r[1],
                "label": f"{r[2]}/{r[4]}",
                "year": r[5],
                "title": r[3],
                "total": r[_TOTAL],
                "avg_progress": _avg(r[_PSUM] or 0, r[_TOTAL]),
                "buckets": _named(r[_B0:_SOON]),
            }
            for r in agg["plan"][:limit]
        ],
        "by_area": by_area,
        "criteria_most_overdue": criteria_most_overdue,
        "due_soon": due_soon,
        # The list is cut at DUE_SOON_ROWS; the count is of every row of the work list's "sắp đến hạn" filter
        # (summed over the units' rows of the aggregate), so a card and its list never disagree.
        "due_soon_total": sum(filter(None, map(itemgetter(_SOON), units))),
    }
