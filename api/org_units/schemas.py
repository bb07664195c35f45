from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from api.models.org import SuccessionKind, UnitKind, UnitLevel

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"


class OrgUnitCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=64, pattern=CODE_PATTERN)
    name: str = Field(min_length=1, max_length=255)
    short_name: str | None = Field(default=None, max_length=120)
    level: UnitLevel
    kind: UnitKind
    parent_id: int | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    verified: bool = True
    source_note: str | None = Field(default=None, max_length=4000)


class OrgUnitUpdate(BaseModel):
    """Fields left out stay as they are; ``null`` is refused where the field cannot be empty."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(default=None, min_length=1, max_length=255)  # type: ignore[assignment]
    short_name: str | None = Field(default=None, max_length=120)
    kind: UnitKind = Field(default=None)  # type: ignore[assignment]
    parent_id: int | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    verified: bool = Field(default=None)  # type: ignore[assignment]
    source_note: str | None = Field(default=None, max_length=4000)


class OrgUnitRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    code: str
    name: str
    short_name: str | None
    level: UnitLevel
    kind: UnitKind
    parent_id: int | None
    path: str
    valid_from: date | None
    valid_to: date | None
    is_active: bool
    verified: bool
    source_note: str | None
    version: int
    created_at: datetime


class DeactivateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    valid_to: date | None = None
    reason: str = Field(min_length=3, max_length=1000)


class SuccessionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    to_unit_id: int
    kind: SuccessionKind
    effective_date: date
    legal_basis: str | None = Field(default=None, max_length=500)
    verified: bool = True
    note: str | None = Field(default=None, max_length=4000)


class SuccessionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    from_unit_id: int
    to_unit_id: int
    kind: SuccessionKind
    effective_date: date
    legal_basis: str | None
    verified: bool
    note: str | None


class TransferRequest(BaseModel):
    """Chuyển giao công việc: to the only successor by default, or to the unit chosen here."""

    model_config = ConfigDict(extra="forbid")
    to_unit_id: int | None = Field(default=None, description="Đơn vị nhận; mặc định: đơn vị kế thừa duy nhất")


class TransferSkip(BaseModel):
    id: int
    reason: str  # successor_has_task | successor_has_report | outside_period_owner
    task_id: int | None = None
    instance: str | None = None
    period_id: int | None = None


class TransferUnit(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    code: str
    name: str


class TransferRead(BaseModel):
    """What a transfer moved (or, on a dry run, would move) and what it left with the old unit, and why."""

    dry_run: bool
    from_unit: TransferUnit
    to_unit: TransferUnit
    successors: list[TransferUnit]
    assignments: list[int]
    assignments_skipped: list[TransferSkip]
    evidence: list[int]
    reports: list[int]
    reports_skipped: list[TransferSkip]
    tasks_lead_changed: list[int]
