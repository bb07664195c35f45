"""Index scoring: assessment rounds, per-unit sheets, per-node scores, official results.

Points are exact decimals. They are stored as integers in thousandths of a point (``*_milli``) so that every sum —
in Python, on SQLite (which has no decimal type) and on PostgreSQL — is exact: 0,25 + 0,5 is 750 + 500 = 1250.
The API converts them to ``Decimal`` (see :mod:`api.scoring.points`).
"""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from api.models.base import Versioned, created_at_field, enum_field, json_field, ts_field


class RoundStatus(StrEnum):
    open = "open"  # đang đánh giá
    published = "published"  # đã công bố


class SheetStatus(StrEnum):
    """Trạng thái phiếu chấm điểm của một đơn vị trong một đợt đánh giá."""

    not_started = "not_started"  # chưa chấm
    in_progress = "in_progress"  # đang tự chấm
    returned = "returned"  # bị trả lại (the unit scores again)
    submitted = "submitted"  # đã nộp
    under_appraisal = "under_appraisal"  # đang thẩm định
    appraised = "appraised"  # đã thẩm định
    approved = "approved"  # đã phê duyệt
    published = "published"  # công bố


class AppraisalState(StrEnum):
    pending = "pending"  # chưa thẩm định
    accepted = "accepted"  # công nhận điểm tự chấm
    adjusted = "adjusted"  # điều chỉnh (with a reason)
    returned = "returned"  # trả lại để đơn vị chấm lại (with a reason)


class AssessmentRound(Versioned, SQLModel, table=True):
    """Đợt đánh giá: one framework version scored for one year over a set of units.

    ``owner_unit_id`` is the unit that runs the round (Phòng Nội vụ's district, or the province for Sở Nội vụ); its
    appraisers and leaders act on the sheets, and after publication every user under it sees the ranking.
    """

    __tablename__ = "assessment_round"

    id: int | None = Field(default=None, primary_key=True)
    framework_id: int = Field(foreign_key="framework.id", index=True)
    owner_unit_id: int = Field(foreign_key="org_unit.id", index=True)
    year: int
    name: str = Field(max_length=300)
    self_start_date: date
    self_end_date: date
    appraisal_start_date: date
    appraisal_end_date: date
    status: RoundStatus = enum_field(RoundStatus, default=RoundStatus.open)
    published_at: datetime | None = ts_field()
    published_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    decision_ref: str | None = Field(default=None, max_length=200)  # số quyết định công bố
    note: str | None = Field(default=None, sa_type=sa.Text)
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    version: int = Field(default=1)
    created_at: datetime = created_at_field()
    updated_at: datetime | None = ts_field()


class AssessmentSheet(Versioned, SQLModel, table=True):
    """Phiếu tự đánh giá, chấm điểm of one unit in one round (its scores are :class:`Score` rows)."""

    __tablename__ = "assessment_sheet"
    __table_args__ = (sa.UniqueConstraint("round_id", "unit_id"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="assessment_round.id", index=True)
    unit_id: int = Field(foreign_key="org_unit.id", index=True)
    status: SheetStatus = enum_field(SheetStatus, default=SheetStatus.not_started)
    difficulties: str | None = Field(default=None, sa_type=sa.Text)  # khó khăn, vướng mắc
    recommendations: str | None = Field(default=None, sa_type=sa.Text)  # kiến nghị, đề xuất
    signer_title: str | None = Field(default=None, max_length=200)
    signer_name: str | None = Field(default=None, max_length=200)
    return_reason: str | None = Field(default=None, sa_type=sa.Text)
    reopen_reason: str | None = Field(default=None, sa_type=sa.Text)
    submitted_at: datetime | None = ts_field()
    submitted_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    appraised_at: datetime | None = ts_field()
    appraised_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    approved_at: datetime | None = ts_field()
    approved_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    version: int = Field(default=1)
    created_at: datetime = created_at_field()
    updated_at: datetime | None = ts_field()


class Score(Versioned, SQLModel, table=True):
    """Điểm của một tiêu chí thành phần trên một phiếu: self-score (with evidence or giải trình) and appraisal."""

    __tablename__ = "score"
    __table_args__ = (sa.UniqueConstraint("sheet_id", "node_id"),)

    id: int | None = Field(default=None, primary_key=True)
    sheet_id: int = Field(foreign_key="assessment_sheet.id", index=True)
    node_id: int = Field(foreign_key="framework_node.id", index=True)
    option_index: int | None = None  # chosen option of an "options" rule (0-based)
    measured_value: str | None = Field(default=None, max_length=40)  # exact decimal text of a measured value
    self_points_milli: int | None = None
    manual: bool = Field(default=False)  # points typed instead of computed by the rule (needs a comment)
    comment: str | None = Field(default=None, sa_type=sa.Text)
    explanation: str | None = Field(default=None, sa_type=sa.Text)  # giải trình (required without evidence)
    appraisal_state: AppraisalState = enum_field(AppraisalState, default=AppraisalState.pending)
    appraised_points_milli: int | None = None
    appraisal_reason: str | None = Field(default=None, sa_type=sa.Text)
    updated_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    appraised_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    version: int = Field(default=1)
    created_at: datetime = created_at_field()
    updated_at: datetime | None = ts_field()


class ScoreEvidence(SQLModel, table=True):
    """Tài liệu kiểm chứng cited for a score (evidence of the unit's assignments or uploaded to the sheet)."""

    __tablename__ = "score_evidence"

    score_id: int = Field(foreign_key="score.id", primary_key=True)
    evidence_id: int = Field(foreign_key="evidence.id", primary_key=True, index=True)
    created_at: datetime = created_at_field()


class OfficialResult(SQLModel, table=True):
    """What the province or the Ministry published for a unit and year: overall (``node_id`` null) or per node."""

    __tablename__ = "official_result"
    __table_args__ = (sa.UniqueConstraint("unit_id", "framework_id", "year", "node_code"),)

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="org_unit.id", index=True)
    framework_id: int = Field(foreign_key="framework.id", index=True)
    year: int
    node_id: int | None = Field(default=None, foreign_key="framework_node.id")
    node_code: str = Field(default="", max_length=40)  # "" = the whole index
    points_milli: int | None = None
    percent_milli: int | None = None  # index % × 1000
    rank: int | None = None
    source: str | None = Field(default=None, max_length=500)  # the decision that published it
    extra: dict[str, Any] = json_field(dict)
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = created_at_field()
