"""Evidence (tài liệu kiểm chứng) request and response bodies."""

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from api.models.evidence import EvidenceOwner


class EvidenceMeta(BaseModel):
    """Metadata of a document: what it is and which period it proves (separate from the upload time)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    title: str = Field(min_length=1, max_length=500)
    doc_number: str | None = Field(default=None, max_length=120)  # số/ký hiệu
    issue_date: date | None = None
    issuing_body: str | None = Field(default=None, max_length=300)
    effective_from: date | None = None
    effective_to: date | None = None
    description: str | None = Field(default=None, max_length=10_000)

    @field_validator("effective_to")
    @classmethod
    def _period(cls, value: date | None, info: ValidationInfo) -> date | None:
        """On the field itself (``loc`` effective_to), so the form marks the date that is out of order."""
        start = info.data.get("effective_from")
        if value and start and value < start:
            raise PydanticCustomError("invalid_period", "effective_to must not be before effective_from")
        return value


class EvidenceCreate(EvidenceMeta):
    """Multipart fields next to the ``file`` part; ``series_id`` uploads a new version of that series."""

    series_id: str | None = Field(default=None, min_length=1, max_length=36)


class EvidenceUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    title: str | None = Field(default=None, min_length=1, max_length=500)
    doc_number: str | None = Field(default=None, max_length=120)
    issue_date: date | None = None
    issuing_body: str | None = Field(default=None, max_length=300)
    effective_from: date | None = None
    effective_to: date | None = None
    description: str | None = Field(default=None, max_length=10_000)


class EvidenceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    series_id: str
    version_no: int
    owner_type: EvidenceOwner
    owner_id: int
    unit_id: int
    title: str
    doc_number: str | None
    issue_date: date | None
    issuing_body: str | None
    effective_from: date | None
    effective_to: date | None
    description: str | None
    filename: str
    mime: str
    size: int
    sha256: str
    uploaded_by_id: int | None
    uploaded_at: datetime
    deleted_at: datetime | None
    deleted_by_id: int | None
    uploaded_by_name: str | None = None
    allowed_actions: list[str] = Field(
        default_factory=list,
        description="What the caller may do with this document now: update, replace (new version), delete, restore",
    )


class EvidenceUploaded(EvidenceRead):
    """Answer of an upload: 201 with the new version, or 200 with the document already there when the same file
    (same SHA-256) was just uploaded to this owner; then ``duplicate_of`` is its id and nothing is stored."""

    duplicate_of: int | None = None


class EvidenceDetail(EvidenceRead):
    """One document plus every version of its series (newest first)."""

    versions: list[EvidenceRead] = []


class AcceptedType(BaseModel):
    extension: str
    mime: str
    label: str


class AcceptedFiles(BaseModel):
    """What an upload of evidence may be: the types the content check verifies and the size limit (for the drop
    zones to say before anyone uploads)."""

    types: list[AcceptedType]
    names: str  # "PDF, DOC, DOCX, …" as written in the refusal message
    max_mb: int
