"""API shapes of the SIPAS survey. Enum values are English snake_case; the SPA words them."""

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from api.models.survey import QuestionScale, ResponseSource, SurveyFactor, SurveyStatus
from api.surveys.languages import LanguageStatus

FACTOR_NAMES: dict[SurveyFactor, str] = {
    SurveyFactor.tiep_can: "Tiếp cận dịch vụ hành chính công",
    SurveyFactor.thu_tuc: "Thủ tục hành chính",
    SurveyFactor.cong_chuc: "Công chức giải quyết công việc",
    SurveyFactor.ket_qua: "Kết quả cung ứng dịch vụ hành chính công",
    SurveyFactor.gop_y: "Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị",
}

Label = Annotated[str, Field(min_length=1, max_length=1000)]


class QuestionLabels(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tay: Label | None = None
    nung: Label | None = None
    en: Label | None = None


class QuestionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9_.-]+$")
    factor: SurveyFactor
    order: int = Field(default=0, ge=0, le=10_000)
    text: str = Field(min_length=1, max_length=1000)
    labels: QuestionLabels = Field(default_factory=QuestionLabels)
    scale: QuestionScale = QuestionScale.likert5
    required: bool = True
    node_id: int | None = None


class QuestionRead(QuestionIn):
    id: int
    factor_name: str


class SurveyCreate(BaseModel):
    """A new draft: empty, or a copy of ``copy_from_id`` (a new version when the code is the same)."""

    model_config = ConfigDict(extra="forbid")

    owner_unit_id: int
    code: str | None = Field(default=None, min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str | None = Field(default=None, min_length=1, max_length=300)
    copy_from_id: int | None = None
    framework_id: int | None = None
    allow_comment: bool = True
    questions: list[QuestionIn] | None = Field(default=None, max_length=100)


class SurveyUpdate(BaseModel):
    """Edits of a draft (a published survey never changes)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=300)
    source_note: str | None = Field(default=None, max_length=4000)
    framework_id: int | None = None
    allow_comment: bool | None = None
    questions: list[QuestionIn] | None = Field(default=None, min_length=1, max_length=100)


class SurveyRead(BaseModel):
    id: int
    owner_unit_id: int | None
    code: str
    name: str
    version: int
    status: SurveyStatus
    verified: bool
    source_note: str | None
    framework_id: int | None
    allow_comment: bool
    published_at: datetime | None
    questions: list[QuestionRead]
    languages: list[LanguageStatus] = Field(
        default_factory=list,
        description="Nhãn Tày / Nùng / Anh: số câu có nhãn, đã kiểm tra chưa (chưa có = ghi rõ)",
    )
    points: int = 0
    allowed_actions: list[str] = Field(default_factory=list)


class PointCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit_id: int
    code: str = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str = Field(min_length=1, max_length=300)
    address: str | None = Field(default=None, max_length=500)
    opening_hours: str = Field(default="07:30-11:30,13:30-17:00", max_length=100)
    open_days: str = Field(default="1-5", max_length=20)
    survey_id: int | None = None


class PointUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=300)
    address: str | None = Field(default=None, max_length=500)
    opening_hours: str | None = Field(default=None, max_length=100)
    open_days: str | None = Field(default=None, max_length=20)
    active: bool | None = None
    survey_id: int | None = None


class PointRead(BaseModel):
    id: int
    unit_id: int
    unit_name: str
    code: str
    name: str
    address: str | None
    opening_hours: str
    open_days: str
    active: bool
    survey_id: int
    survey_name: str
    token: str | None = Field(default=None, description="Chỉ người quản lý thấy / managers only")
    public_url: str | None = None
    poster_pdf_url: str
    poster_png_url: str
    token_rotated_at: datetime | None
    allowed_actions: list[str] = Field(default_factory=list)


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question_id: int
    value: int = Field(ge=0, le=5)


class PaperResponseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answered_on: date
    answers: list[AnswerIn] = Field(min_length=1, max_length=100)
    comment: str | None = Field(default=None, max_length=2000)


class PaperBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    responses: list[PaperResponseIn] = Field(min_length=1, max_length=500)


class PaperResult(BaseModel):
    created: int
    flagged: dict[str, int]


# --- the public form --------------------------------------------------------------------------------------


class PublicQuestion(BaseModel):
    id: int
    factor: SurveyFactor
    text: str
    labels: dict[str, Any]
    scale: QuestionScale
    required: bool


class PublicSurvey(BaseModel):
    questions: list[PublicQuestion]
    allow_comment: bool


class PublicForm(BaseModel):
    desk_name: str
    unit_name: str
    survey: PublicSurvey
    honeypot_field_name: str


class PublicThanks(BaseModel):
    thanks: bool = True


class ResponseFlags(BaseModel):
    out_of_hours: bool = False
    burst: bool = False
    duplicate: bool = False
    honeypot: bool = False


class ResponseRead(BaseModel):
    id: int
    point_id: int
    source: ResponseSource
    submitted_at: datetime
    answered_on: date
    flags: ResponseFlags
