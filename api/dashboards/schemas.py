from datetime import date
from typing import Literal

from pydantic import BaseModel

from api.assignments.schemas import AssignmentRead


class BucketCounts(BaseModel):
    done_on_time: int = 0
    done_late: int = 0
    overdue: int = 0
    in_progress_on_time: int = 0
    awaiting_review: int = 0  # chờ duyệt: submitted on time, deadline passed, not yet reviewed


class UnitStat(BaseModel):
    unit_id: int
    code: str
    name: str
    total: int
    avg_progress: float
    buckets: BucketCounts
    on_time_rate: float | None  # % done on time among assignments that came due or are done


class PlanStat(BaseModel):
    plan_id: int
    label: str
    year: int
    title: str
    total: int
    avg_progress: float
    buckets: BucketCounts


class AreaStat(BaseModel):
    node_id: int
    code: str
    title: str
    framework_code: str
    total: int
    avg_progress: float
    buckets: BucketCounts


class CriterionOverdue(BaseModel):
    node_id: int
    code: str
    title: str
    framework_code: str
    overdue: int


class Summary(BaseModel):
    as_of: date
    due_soon_days: int
    total: int
    avg_progress: float
    buckets: BucketCounts
    by_unit: list[UnitStat]
    lagging_units: list[UnitStat]
    by_plan: list[PlanStat]
    by_area: list[AreaStat]
    criteria_most_overdue: list[CriterionOverdue]
    due_soon: list[AssignmentRead]  # the first rows (by due date) of the work list's "sắp đến hạn" filter
    due_soon_total: int = 0  # every row of that filter: the number a card shows


class TrendPoint(BaseModel):
    """The figures at the end of one period (the last point ends at the as-of date)."""

    period_start: date
    period_end: date
    due: int  # came due by period_end
    done_on_time: int
    done_late: int
    overdue: int  # past due and not done at period_end
    awaiting_review: int = 0  # past due, done on time by the unit, waiting for review at period_end


class Trend(BaseModel):
    as_of: date
    granularity: Literal["month", "week"]
    date_from: date
    points: list[TrendPoint]
