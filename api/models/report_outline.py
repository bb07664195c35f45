"""Report outlines as data (issue 16): report templates per level with sections and indicator tables, indicator
values per unit and period.

A :class:`ReportOutline` is the đề cương of a periodic CCHC report for one level (``unit`` — a commune or a
department, told apart by ``unit_kind`` — or ``district``, the aggregated report): its sections in order (each
filled automatically from data, written by the unit, a heading, or the indicator table) and its
:class:`Indicator` rows (biểu số liệu). Shipped defaults have no owner; a district copies one to make its own.
An :class:`IndicatorValue` is what a unit entered on its report for one indicator.
"""

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from api.models.base import Versioned, created_at_field, enum_field, json_field, ts_field
from api.models.report import ReportLevel


class Rollup(StrEnum):
    sum = "sum"  # the district's value is the sum of the units' values
    average = "average"  # … their mean
    share = "share"  # … sum of a numerator indicator / sum of a denominator indicator, in per cent
    none = "none"  # not rolled up: the district enters (or computes) its own value


class ReportOutline(Versioned, SQLModel, table=True):
    __tablename__ = "report_outline"

    id: int | None = Field(default=None, primary_key=True)
    level: ReportLevel = enum_field(ReportLevel)
    unit_kind: str | None = Field(
        default=None, max_length=20
    )  # commune | department (unit level); None = any
    owner_unit_id: int | None = Field(default=None, foreign_key="org_unit.id", index=True)  # None = shipped
    based_on_id: int | None = Field(default=None, foreign_key="report_outline.id")
    code: str = Field(max_length=60)  # shipped defaults: "cchc-huyen", "cchc-xa", "cchc-phong"
    name: str = Field(max_length=300)
    verified: bool = Field(default=False)
    source_note: str | None = Field(default=None, sa_type=sa.Text)
    sections: list[Any] = json_field(list)
    version: int = Field(default=1)
    created_at: datetime = created_at_field()
    updated_at: datetime | None = ts_field()


class Indicator(SQLModel, table=True):
    """One row of the biểu số liệu: entered by the unit per period, or computed from parsipas data."""

    __tablename__ = "report_indicator"
    __table_args__ = (sa.UniqueConstraint("outline_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    outline_id: int = Field(foreign_key="report_outline.id", index=True)
    code: str = Field(max_length=40)
    section_key: str = Field(max_length=60)
    name: str = Field(max_length=500)
    unit_of_measure: str = Field(max_length=40)
    computed: bool = Field(default=False)
    source: str | None = Field(default=None, max_length=60)  # computed: what it is computed from
    rollup: Rollup = enum_field(Rollup, default=Rollup.sum)
    numerator_code: str | None = Field(default=None, max_length=40)  # rollup share: the two indicators
    denominator_code: str | None = Field(default=None, max_length=40)
    order: int = Field(default=0)


class IndicatorValue(SQLModel, table=True):
    """What a unit entered for one indicator on its report of one period."""

    __tablename__ = "report_indicator_value"
    __table_args__ = (sa.UniqueConstraint("report_id", "indicator_id"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", index=True)
    indicator_id: int = Field(foreign_key="report_indicator.id", index=True)
    unit_id: int = Field(foreign_key="org_unit.id", index=True)
    value: float | None = Field(default=None, sa_type=sa.Float)
    note: str | None = Field(default=None, sa_type=sa.Text)
    entered_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    entered_at: datetime = created_at_field()
