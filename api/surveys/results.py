"""Survey results: satisfaction rates per question, factor, desk, unit and month, the weighted index, official
results beside, and the plan's work linked to each factor and question.

- **Satisfaction rate** (tỷ lệ hài lòng) = satisfied answers / valid answers: a 5-level question counts its top two
  levels (Hài lòng, Rất hài lòng), a yes/no question its "Có" [B: the usual SIPAS rule, not verified against
  QĐ 1001]. A factor's rate pools the answers of its questions.
- **Index** per factor = its rate × 100; the **overall index** = Σ wᶠ·indexᶠ / Σ wᶠ over the factors with answers,
  where wᶠ is the ``max_points`` of the factor's SIPAS framework node (the node its questions link to). Weights are
  framework data: change them in the framework and the index follows. When a factor has no weighted node, every
  factor weighs the same and ``weights_source`` says ``equal``.
- **Small samples**: fewer than ``MIN_SAMPLE`` responses, or a 95 % Wilson interval wider than ``MAX_CI_WIDTH``
  points, is flagged ``small_sample``; the interval is always given.
- Answers flagged ``duplicate`` or ``honeypot`` are left out unless ``include_flagged``; the counts say how many.

A fixed number of SQL statements, every aggregate in SQL, every statement scoped by :mod:`api.authz.scope_survey`.
"""

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, Field
from sqlmodel import Session, col

from api.assignments.buckets import Bucket
from api.authz import scope, scope_survey
from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.models import FrameworkNode, OrgUnit
from api.models.survey import (
    CollectionPoint,
    QuestionScale,
    SipasOfficialResult,
    SurveyAnswer,
    SurveyFactor,
    SurveyQuestion,
    SurveyResponse,
)
from api.surveys.schemas import FACTOR_NAMES

P = Permission
MIN_SAMPLE = 30
MAX_CI_WIDTH = 20.0  # percentage points
Z = 1.959964  # 95 %
FACTORS = list(SurveyFactor)


# --- shapes -----------------------------------------------------------------------------------------------


class Figure(BaseModel):
    """Counts and the satisfaction rate (%), with its 95 % Wilson interval."""

    responses: int = 0
    answers: int = 0
    satisfied: int = 0
    satisfied_share: float | None = Field(default=None, description="% hài lòng (2 mức cao nhất)")
    ci_low: float | None = None
    ci_high: float | None = None
    small_sample: bool = True


class LinkedTask(BaseModel):
    task_id: int
    plan_id: int
    label: str
    title: str
    assignments: int
    buckets: dict[str, int]


class FactorResult(Figure):
    factor: SurveyFactor
    factor_name: str
    node_id: int | None = None
    node_code: str | None = None
    weight: float | None = None
    index: float | None = None
    official_percent: float | None = None
    gap: float | None = Field(default=None, description="index − official (điểm %)")
    tasks: list[LinkedTask] = Field(default_factory=list)


class QuestionResult(Figure):
    question_id: int
    survey_id: int
    code: str
    text: str
    factor: SurveyFactor
    scale: QuestionScale
    node_id: int | None
    tasks: list[LinkedTask] = Field(default_factory=list)


class GroupResult(Figure):
    id: int
    name: str
    unit_id: int | None = None
    unit_name: str | None = None
    index: float | None = None
    factors: dict[str, float | None] = Field(default_factory=dict)


class MonthResult(BaseModel):
    month: str  # yyyy-mm
    responses: int
    index: float | None
    factors: dict[str, float | None]


class OfficialRow(BaseModel):
    unit_id: int
    unit_name: str
    year: int
    factor: str  # "" = the whole index
    percent: float
    source: str | None
    illustrative: bool


class Flags(BaseModel):
    out_of_hours: int = 0
    burst: int = 0
    duplicate: int = 0
    honeypot: int = 0


class SurveyResults(BaseModel):
    start: date | None
    end: date | None
    unit_id: int | None
    point_id: int | None
    include_flagged: bool
    responses: int
    excluded: int = Field(description="Phiếu trùng / phiếu máy tự điền không tính")
    flags: Flags
    weights_source: str  # framework | equal
    weights_verified: bool
    min_sample: int = MIN_SAMPLE
    overall: Figure
    index: float | None
    official_year: int | None
    official_index: float | None
    gap: float | None
    factors: list[FactorResult]
    questions: list[QuestionResult]
    desks: list[GroupResult]
    units: list[GroupResult]
    months: list[MonthResult]
    official: list[OfficialRow]


# --- arithmetic -------------------------------------------------------------------------------------------


def wilson(satisfied: int, n: int) -> tuple[float, float] | None:
    """95 % Wilson score interval of ``satisfied`` out of ``n``, in %."""
    return wilson_share(satisfied / n, n) if n > 0 else None


def wilson_share(p: float, n: int) -> tuple[float, float] | None:
    """95 % Wilson score interval of the share ``p`` observed on ``n`` respondents, in %. A factor pools several
    answers per respondent: its interval uses the respondents, not the answers (answers of one person agree)."""
    if n <= 0:
        return None
    z2 = Z * Z
    denom = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = Z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    return round(max(0.0, centre - half) * 100, 2), round(min(1.0, centre + half) * 100, 2)


def figure(responses: int, answers: int, satisfied: int) -> dict[str, Any]:
    share = round(satisfied / answers * 100, 2) if answers else None
    ci = wilson_share(satisfied / answers, min(responses, answers) or answers) if answers else None
    low, high = ci if ci else (None, None)
    small = responses < MIN_SAMPLE or ci is None or (ci[1] - ci[0]) > MAX_CI_WIDTH
    return {
        "responses": responses,
        "answers": answers,
        "satisfied": satisfied,
        "satisfied_share": share,
        "ci_low": low,
        "ci_high": high,
        "small_sample": small,
    }


def weighted_index(
    shares: dict[SurveyFactor, float | None], weights: dict[SurveyFactor, float]
) -> float | None:
    """Σ w·share / Σ w over the factors that have a share (and a positive weight)."""
    total = sum(weights.get(f, 0.0) for f, s in shares.items() if s is not None)
    if total <= 0:
        return None
    return round(sum(weights.get(f, 0.0) * s for f, s in shares.items() if s is not None) / total, 2)


# --- queries ----------------------------------------------------------------------------------------------


@dataclass
class Filters:
    start: date | None = None
    end: date | None = None
    unit_path: str | None = None
    point_id: int | None = None
    include_flagged: bool = False

    def where(self, answers: bool = True) -> list[Any]:
        out: list[Any] = [scope_survey.date_between(col(SurveyResponse.answered_on), self.start, self.end)]
        if self.unit_path is not None:
            out.append(col(OrgUnit.path).startswith(self.unit_path))
        if self.point_id is not None:
            out.append(SurveyResponse.point_id == self.point_id)
        if answers and not self.include_flagged:
            out += [col(SurveyResponse.duplicate).is_(False), col(SurveyResponse.honeypot).is_(False)]
        return out


def _satisfied() -> Any:
    likert = sa.and_(col(SurveyQuestion.scale) == QuestionScale.likert5, col(SurveyAnswer.value) >= 4)
    yes = sa.and_(col(SurveyQuestion.scale) == QuestionScale.yes_no, col(SurveyAnswer.value) == 1)
    return sa.func.sum(sa.case((sa.or_(likert, yes), 1), else_=0))


def _measures() -> tuple[Any, Any, Any]:
    return (
        sa.func.count(sa.distinct(col(SurveyAnswer.response_id))),
        sa.func.count(),
        _satisfied(),
    )


@dataclass
class Reach:
    """Where the answers are read: the caller's reach (the survey pages) or a report's own unit (or subtree).
    Every statement comes from :mod:`api.authz.scope_survey`."""

    answers: Callable[..., Any]  # (*columns) → SELECT over answers ⋈ responses ⋈ questions ⋈ unit
    responses: Callable[..., Any]  # (*columns) → SELECT over responses ⋈ unit
    official: Callable[[], Any]  # (result, unit code, unit name)
    nodes: Callable[[list[int]], Any]  # the SIPAS nodes the questions link to
    tasks: Callable[[list[int], date], Any]  # linked task buckets


def principal_reach(principal: Principal) -> Reach:
    return Reach(
        answers=lambda *c: scope_survey.answers_in_reach(principal, *c),
        responses=lambda *c: scope_survey.responses_in_reach(principal, *c),
        official=lambda: scope_survey.official_rows(principal),
        nodes=lambda ids: scope.visible_nodes(principal).where(col(FrameworkNode.id).in_(ids)),
        tasks=lambda ids, today: scope_survey.linked_task_buckets(principal, ids, today),
    )


def report_reach(unit: OrgUnit, subtree: bool) -> Reach:
    """A periodic report's own answers: the unit's desks, or every desk of the district's subtree."""
    return Reach(
        answers=lambda *c: scope_survey.report_answers(unit, subtree, *c),
        responses=lambda *c: scope_survey.report_responses(unit, subtree, *c),
        official=lambda: scope_survey.report_official(unit, subtree),
        nodes=scope_survey.nodes_by_ids,
        tasks=lambda ids, today: scope_survey.report_linked_task_buckets(unit, subtree, ids, today),
    )


def _grouped(session: Session, reach: Reach, f: Filters, *keys: Any) -> list[Any]:
    stmt = reach.answers(*keys, *_measures()).where(*f.where()).group_by(*keys)
    return list(session.execute(stmt).all())


def compute(
    session: Session,
    principal: Principal,
    *,
    today: date,
    start: date | None = None,
    end: date | None = None,
    unit_id: int | None = None,
    point_id: int | None = None,
    include_flagged: bool = False,
    official_year: int | None = None,
) -> SurveyResults:
    f = Filters(start=start, end=end, point_id=point_id, include_flagged=include_flagged)
    if unit_id is not None:
        f.unit_path = scope.get_unit(session, principal, unit_id, P.surveys_read).path
    if point_id is not None:
        scope_survey.get_point(session, principal, point_id)
    res = compute_in(session, principal_reach(principal), f, today=today, official_year=official_year)
    res.unit_id = unit_id
    return res


def for_report(session: Session, *, unit: OrgUnit, subtree: bool, start: date, end: date) -> SurveyResults:
    """The survey results of a periodic report: the answers of the report's own desks (a unit's, or every desk
    of the district's subtree) dated ``start``..``end``, linked work as of ``end`` (a bounded statement count)."""
    f = Filters(start=start, end=end)
    return compute_in(
        session, report_reach(unit, subtree), f, today=end, official_year=end.year, months=False
    )


def count_for_report(session: Session, *, unit: OrgUnit, subtree: bool, start: date, end: date) -> int:
    """Valid responses (neither duplicate nor honeypot) of a report's own desks in ``start``..``end``."""
    f = Filters(start=start, end=end)
    stmt = report_reach(unit, subtree).responses(sa.func.count()).where(*f.where())
    return int(session.execute(stmt).scalar_one() or 0)


def compute_in(
    session: Session,
    reach: Reach,
    f: Filters,
    *,
    today: date,
    official_year: int | None = None,
    months: bool = True,
) -> SurveyResults:
    """Everything of :class:`SurveyResults` in a fixed number of statements (``months=False``: no trend, two
    fewer — a report does not show it)."""
    start, end, point_id, include_flagged = f.start, f.end, f.point_id, f.include_flagged
    # 1. per question
    q_rows = _grouped(
        session,
        reach,
        f,
        SurveyQuestion.id,
        SurveyQuestion.survey_id,
        SurveyQuestion.code,
        SurveyQuestion.text,
        SurveyQuestion.factor,
        SurveyQuestion.scale,
        SurveyQuestion.node_id,
    )
    # 2./3. per desk × factor and unit × factor
    p_rows = _grouped(session, reach, f, SurveyResponse.point_id, SurveyQuestion.factor)
    u_rows = _grouped(session, reach, f, SurveyResponse.unit_id, SurveyQuestion.factor)
    # 4. per month × factor
    year_e = sa.extract("year", col(SurveyResponse.answered_on))
    month_e = sa.extract("month", col(SurveyResponse.answered_on))
    m_rows, m_resp = [], []
    if months:
        m_rows = _grouped(session, reach, f, year_e, month_e, SurveyQuestion.factor)
        m_resp = list(
            session.execute(
                reach.responses(year_e, month_e, sa.func.count()).where(*f.where()).group_by(year_e, month_e)
            ).all()
        )
    # 5. responses and flags (all of them, flagged ones too)
    flag_cols = [
        sa.func.sum(sa.case((col(c).is_(True), 1), else_=0))
        for c in (
            SurveyResponse.out_of_hours,
            SurveyResponse.burst,
            SurveyResponse.duplicate,
            SurveyResponse.honeypot,
        )
    ]
    excluded_e = sa.func.sum(
        sa.case(
            (sa.or_(col(SurveyResponse.duplicate).is_(True), col(SurveyResponse.honeypot).is_(True)), 1),
            else_=0,
        )
    )
    total, ooh, burst, dup, hp, excluded = session.execute(
        reach.responses(sa.func.count(), *flag_cols, excluded_e).where(*f.where(answers=False))
    ).one()
    total = int(total or 0)
    excluded = 0 if include_flagged else int(excluded or 0)

    # factors: pool the question rows
    fac: dict[SurveyFactor, list[int]] = {x: [0, 0] for x in FACTORS}
    node_of: dict[SurveyFactor, int] = {}
    for _qid, _sid, _code, _text, factor, _scale, node_id, _r, n, sat in sorted(q_rows, key=lambda r: r[0]):
        factor = SurveyFactor(factor)
        fac[factor][0] += int(n)
        fac[factor][1] += int(sat or 0)
        if node_id is not None:
            node_of.setdefault(factor, int(node_id))
    fac_resp: dict[SurveyFactor, int] = defaultdict(int)
    for _pid, factor, r, _n, _s in p_rows:
        fac_resp[SurveyFactor(factor)] += int(r)

    # 6. weights from the framework nodes
    nodes = {}
    if node_of:
        nodes = {n.id: n for n in session.exec(reach.nodes(list(set(node_of.values())))).all()}
    framework_weights = {
        x: float(nodes[node_of[x]].max_points)  # type: ignore[arg-type]
        for x in FACTORS
        if x in node_of and node_of[x] in nodes and nodes[node_of[x]].max_points is not None
    }
    answered = [x for x in FACTORS if fac[x][0] > 0]
    if answered and all(x in framework_weights for x in answered):
        weights, weights_source = framework_weights, "framework"
        weights_verified = all(nodes[node_of[x]].verified for x in answered)
    else:
        weights, weights_source, weights_verified = {x: 1.0 for x in FACTORS}, "equal", False

    def shares(rows: dict[SurveyFactor, list[int]]) -> dict[SurveyFactor, float | None]:
        return {x: (round(s / n * 100, 2) if n else None) for x, (n, s) in rows.items()}

    fac_shares = shares(fac)
    index = weighted_index(fac_shares, weights)

    # 7. official results beside
    off_rows = _official(session, reach, f.unit_path, official_year or (end or today).year)
    off_year = off_rows[0].year if off_rows else None
    head_unit = off_rows[0].unit_id if off_rows else None
    off_by_factor = {o.factor: o.percent for o in off_rows if o.unit_id == head_unit}

    # 8. linked tasks per node
    node_ids = sorted({int(r[6]) for r in q_rows if r[6] is not None} | set(node_of.values()))
    tasks = _linked_tasks(session, reach, node_ids, today)

    factors = []
    for x in FACTORS:
        n, s = fac[x]
        node = nodes.get(node_of.get(x, -1))
        idx = fac_shares[x]
        official = off_by_factor.get(x.value)
        factors.append(
            FactorResult(
                factor=x,
                factor_name=FACTOR_NAMES[x],
                node_id=node.id if node else None,
                node_code=node.code if node else None,
                weight=weights.get(x),
                index=idx,
                official_percent=official,
                gap=None if idx is None or official is None else round(idx - official, 2),
                tasks=tasks.get(node.id or 0, []) if node else [],
                **figure(fac_resp[x], n, s),
            )
        )
    questions = [
        QuestionResult(
            question_id=qid,
            survey_id=sid,
            code=code,
            text=text,
            factor=SurveyFactor(factor),
            scale=QuestionScale(scale),
            node_id=node_id,
            tasks=tasks.get(node_id, []) if node_id else [],
            **figure(int(r), int(n), int(sat or 0)),
        )
        for qid, sid, code, text, factor, scale, node_id, r, n, sat in sorted(
            q_rows, key=lambda r: (r[1], r[0])
        )
    ]
    desks = _groups(session, p_rows, weights, "point")
    units = _groups(session, u_rows, weights, "unit")
    trend = _months(m_rows, m_resp, weights)
    all_n = sum(v[0] for v in fac.values())
    all_s = sum(v[1] for v in fac.values())
    official_index = off_by_factor.get("")
    return SurveyResults(
        start=start,
        end=end,
        unit_id=None,
        point_id=point_id,
        include_flagged=include_flagged,
        responses=total - excluded,
        excluded=excluded,
        flags=Flags(
            out_of_hours=int(ooh or 0), burst=int(burst or 0), duplicate=int(dup or 0), honeypot=int(hp or 0)
        ),
        weights_source=weights_source,
        weights_verified=weights_verified,
        overall=Figure(**figure(total - excluded, all_n, all_s)),
        index=index,
        official_year=off_year,
        official_index=official_index,
        gap=None if index is None or official_index is None else round(index - official_index, 2),
        factors=factors,
        questions=questions,
        desks=desks,
        units=units,
        months=trend,
        official=off_rows,
    )


def _groups(
    session: Session, rows: list[Any], weights: dict[SurveyFactor, float], kind: str
) -> list[GroupResult]:
    per: dict[int, dict[SurveyFactor, list[int]]] = defaultdict(lambda: {x: [0, 0, 0] for x in FACTORS})
    for gid, factor, r, n, s in rows:
        cell = per[int(gid)][SurveyFactor(factor)]
        cell[0], cell[1], cell[2] = int(r), int(n), int(s or 0)
    if not per:
        return []
    ids = sorted(per)
    names: dict[int, tuple[str, int | None, str | None]] = {}
    if kind == "point":
        for point, unit_name, _survey_name in session.execute(scope_survey.point_rows(ids)).all():
            names[point.id] = (point.name, point.unit_id, unit_name)
    else:
        for uid, name, _code in session.execute(scope_survey.units_with_names(ids)).all():
            names[uid] = (name, uid, name)
    out = []
    for gid in ids:
        cells = per[gid]
        fshares = {x: (round(c[2] / c[1] * 100, 2) if c[1] else None) for x, c in cells.items()}
        responses = max(c[0] for c in cells.values())
        n = sum(c[1] for c in cells.values())
        s = sum(c[2] for c in cells.values())
        name, unit_id, unit_name = names.get(gid, (str(gid), None, None))
        out.append(
            GroupResult(
                id=gid,
                name=name,
                unit_id=unit_id,
                unit_name=unit_name,
                index=weighted_index(fshares, weights),
                factors={x.value: v for x, v in fshares.items()},
                **figure(responses, n, s),
            )
        )
    return sorted(out, key=lambda g: g.name)


def _months(rows: list[Any], responses: Any, weights: dict[SurveyFactor, float]) -> list[MonthResult]:
    per: dict[str, dict[SurveyFactor, float | None]] = defaultdict(lambda: {x: None for x in FACTORS})
    for y, m, factor, _r, n, s in rows:
        per[f"{int(y):04d}-{int(m):02d}"][SurveyFactor(factor)] = (
            round(int(s or 0) / int(n) * 100, 2) if n else None
        )
    counts = {f"{int(y):04d}-{int(m):02d}": int(c) for y, m, c in responses}
    return [
        MonthResult(
            month=key,
            responses=counts.get(key, 0),
            index=weighted_index(per[key], weights),
            factors={x.value: v for x, v in per[key].items()},
        )
        for key in sorted(per)
    ]


def _official(session: Session, reach: Reach, unit_path: str | None, year: int) -> list[OfficialRow]:
    """Official rows of ``year`` (or the latest year before it) in reach, the highest unit first."""
    stmt = reach.official().where(col(SipasOfficialResult.year) <= year)
    if unit_path is not None:
        stmt = stmt.where(col(OrgUnit.path).startswith(unit_path))
    rows = session.execute(stmt.add_columns(OrgUnit.path)).all()
    if not rows:
        return []
    latest = max(r[0].year for r in rows)
    chosen = sorted(
        (r for r in rows if r[0].year == latest), key=lambda r: (r[3].count("/"), r[3], r[0].factor)
    )
    return [
        OfficialRow(
            unit_id=o.unit_id,
            unit_name=name,
            year=o.year,
            factor=o.factor,
            percent=o.percent_milli / 1000,
            source=o.source,
            illustrative=o.illustrative,
        )
        for o, _code, name, _path in chosen
    ]


def _linked_tasks(
    session: Session, reach: Reach, node_ids: list[int], today: date
) -> dict[int, list[LinkedTask]]:
    if not node_ids:
        return {}
    out: dict[int, dict[int, LinkedTask]] = defaultdict(dict)
    for node_id, task_id, label, title, plan_id, bucket, n in session.execute(
        reach.tasks(node_ids, today)
    ).all():
        task = out[node_id].get(task_id)
        if task is None:
            task = out[node_id][task_id] = LinkedTask(
                task_id=task_id,
                plan_id=plan_id,
                label=label,
                title=title,
                assignments=0,
                buckets={b.value: 0 for b in Bucket},
            )
        task.assignments += int(n)
        task.buckets[str(bucket)] = task.buckets.get(str(bucket), 0) + int(n)
    return {nid: list(ts.values()) for nid, ts in out.items()}


__all__ = ["CollectionPoint", "SurveyResults", "compute", "weighted_index", "wilson"]
