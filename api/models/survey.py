"""SIPAS survey (issue 20): surveys with versioned questions per factor, collection points (desks), immutable
responses, official SIPAS results.

- ``Survey`` (phiếu khảo sát): a versioned set of questions grouped by SIPAS factor (yếu tố). ``draft`` is edited;
  ``published`` is immutable (a new version is a copy); ``retired`` stops new answers. ``version`` is the survey's
  version number (code + version are unique); ``lock_version`` is the optimistic lock behind its ETag.
- ``CollectionPoint`` (điểm khảo sát): a one-stop desk (bộ phận một cửa) of a unit. Its public token is an HMAC of
  the point id and ``token_secret`` under the app's secret: rotating the secret revokes every printed QR code.
- ``SurveyResponse`` (phiếu trả lời): never edited. Flags mark doubtful answers (never dropped); the phone number,
  the device id and the address are stored only as keyed hashes.
- ``SipasOfficialResult``: what the Ministry (or province) published for a unit, year and factor.
"""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

from api.models.base import created_at_field, enum_field, json_field, ts_field


class SurveyStatus(StrEnum):
    draft = "draft"  # đang soạn
    published = "published"  # đang dùng (không sửa được)
    retired = "retired"  # ngừng dùng


class SurveyFactor(StrEnum):
    """The five SIPAS factors (yếu tố) of service delivery, QĐ 2640/QĐ-BNV, still reported under QĐ 1001."""

    tiep_can = "tiep_can"  # Tiếp cận dịch vụ hành chính công
    thu_tuc = "thu_tuc"  # Thủ tục hành chính
    cong_chuc = "cong_chuc"  # Công chức giải quyết công việc
    ket_qua = "ket_qua"  # Kết quả cung ứng dịch vụ
    gop_y = "gop_y"  # Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị


class QuestionScale(StrEnum):
    likert5 = "likert5"  # 1 Rất không hài lòng … 5 Rất hài lòng
    yes_no = "yes_no"  # 0 Không, 1 Có


class ResponseSource(StrEnum):
    qr = "qr"  # điện thoại quét mã QR
    kiosk = "kiosk"  # máy tính bảng tại bộ phận một cửa
    paper = "paper"  # phiếu giấy, cán bộ nhập
    import_ = "import"  # phiếu giấy, nhập từ tệp


class _LockVersioned:
    """Optimistic locking on ``lock_version`` (``version`` is the survey's own version number)."""

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.lock_version}  # type: ignore[attr-defined]


class Survey(_LockVersioned, SQLModel, table=True):
    """Phiếu khảo sát sự hài lòng: questions per SIPAS factor. ``owner_unit_id`` null = shipped default."""

    __tablename__ = "survey"
    __table_args__ = (sa.UniqueConstraint("code", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    owner_unit_id: int | None = Field(default=None, foreign_key="org_unit.id", index=True)
    code: str = Field(max_length=80, index=True)
    name: str = Field(max_length=300)
    version: int = Field(default=1)
    status: SurveyStatus = enum_field(SurveyStatus, default=SurveyStatus.draft)
    verified: bool = Field(default=False)
    source_note: str | None = Field(default=None, sa_type=sa.Text)
    # The SIPAS framework whose nodes the questions link to; the factor nodes' max_points are the index weights.
    framework_id: int | None = Field(default=None, foreign_key="framework.id")
    allow_comment: bool = Field(default=True)
    cloned_from_id: int | None = Field(default=None, foreign_key="survey.id")
    published_at: datetime | None = ts_field()
    lock_version: int = Field(default=1)
    created_at: datetime = created_at_field()
    updated_at: datetime | None = ts_field()


class SurveyQuestion(SQLModel, table=True):
    """Câu hỏi: Vietnamese text, optional Tày / Nùng / English labels (``labels``), a scale, a SIPAS node."""

    __tablename__ = "survey_question"
    __table_args__ = (sa.UniqueConstraint("survey_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey.id", index=True)
    code: str = Field(max_length=20)  # short code used by paper-form imports ("TC1")
    factor: SurveyFactor = enum_field(SurveyFactor)
    order: int = Field(default=0)
    text: str = Field(sa_type=sa.Text)
    labels: dict[str, Any] = json_field(dict)
    scale: QuestionScale = enum_field(QuestionScale, default=QuestionScale.likert5)
    required: bool = Field(default=True)
    node_id: int | None = Field(default=None, foreign_key="framework_node.id", index=True)


class CollectionPoint(_LockVersioned, SQLModel, table=True):
    """Điểm khảo sát: a one-stop desk of a unit, with a signed public token (revocable by rotating the secret)."""

    __tablename__ = "collection_point"

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="org_unit.id", index=True)
    code: str = Field(max_length=80, unique=True)
    name: str = Field(max_length=300)
    address: str | None = Field(default=None, max_length=500)
    opening_hours: str = Field(default="07:30-11:30,13:30-17:00", max_length=100)
    open_days: str = Field(default="1-5", max_length=20)  # ISO weekdays: "1-5" = Thứ Hai – Thứ Sáu
    active: bool = Field(default=True)
    survey_id: int = Field(foreign_key="survey.id", index=True)
    token_secret: str = Field(max_length=64)
    token_rotated_at: datetime | None = ts_field()
    lock_version: int = Field(default=1)
    created_at: datetime = created_at_field()
    updated_at: datetime | None = ts_field()


class SurveyResponse(SQLModel, table=True):
    """Phiếu trả lời: immutable once written. ``unit_id`` is the desk's unit (for scope and aggregates)."""

    __tablename__ = "survey_response"
    __table_args__ = (
        sa.Index("ix_survey_response_point_submitted", "point_id", "submitted_at"),
        sa.Index("ix_survey_response_client_submitted", "client_hash", "submitted_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    point_id: int = Field(foreign_key="collection_point.id")
    unit_id: int = Field(foreign_key="org_unit.id", index=True)
    survey_id: int = Field(foreign_key="survey.id", index=True)
    source: ResponseSource = enum_field(ResponseSource)
    submitted_at: datetime = created_at_field()
    answered_on: date = Field(index=True)  # local date of the visit (paper: as written on the form)
    client_hash: str | None = Field(default=None, max_length=64)
    address_hash: str | None = Field(default=None, max_length=64)
    phone_hash: str | None = Field(default=None, max_length=64)
    answers_hash: str = Field(max_length=64)
    comment: str | None = Field(default=None, sa_type=sa.Text)
    out_of_hours: bool = Field(default=False)
    burst: bool = Field(default=False)
    duplicate: bool = Field(default=False)
    honeypot: bool = Field(default=False)
    entered_by_id: int | None = Field(default=None, foreign_key="user_account.id")


class SurveyAnswer(SQLModel, table=True):
    """One answer of a response: likert5 1..5, yes_no 0/1."""

    __tablename__ = "survey_answer"

    response_id: int = Field(foreign_key="survey_response.id", primary_key=True)
    question_id: int = Field(foreign_key="survey_question.id", primary_key=True, index=True)
    value: int


class SurveyThrottle(SQLModel, table=True):
    """Fixed-window counters of the public form, per device and per address (keyed hashes), for every worker."""

    __tablename__ = "survey_throttle"

    key: str = Field(primary_key=True, max_length=100)
    window_start: datetime = ts_field(nullable=False)
    count: int = Field(default=0)


class SipasOfficialResult(SQLModel, table=True):
    """Kết quả SIPAS chính thức per unit, year and factor (``factor`` "" = the whole index), in % × 1000."""

    __tablename__ = "sipas_official_result"
    __table_args__ = (sa.UniqueConstraint("unit_id", "year", "factor"),)

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="org_unit.id", index=True)
    year: int
    factor: str = Field(default="", max_length=20)
    percent_milli: int
    source: str | None = Field(default=None, max_length=500)
    illustrative: bool = Field(default=False)  # demo figures, not published ones
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = created_at_field()
