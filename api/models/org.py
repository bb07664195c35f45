from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from api.models.base import Versioned, created_at_field, enum_field, ts_field


class UnitLevel(StrEnum):
    province = "province"
    district = "district"
    commune = "commune"


class UnitKind(StrEnum):
    people_committee = "people_committee"
    department = "department"
    public_service_unit = "public_service_unit"
    office = "office"
    other = "other"


class SuccessionKind(StrEnum):
    merged_into = "merged_into"
    split_from = "split_from"
    renamed_to = "renamed_to"


class OrgUnit(Versioned, SQLModel, table=True):
    """Đơn vị: a node of the organisation tree (province → district → departments, communes)."""

    __tablename__ = "org_unit"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(max_length=255)
    short_name: str | None = Field(default=None, max_length=120)
    level: UnitLevel = enum_field(UnitLevel)
    kind: UnitKind = enum_field(UnitKind)
    parent_id: int | None = Field(default=None, foreign_key="org_unit.id", index=True)
    # Materialised path of ids, "/1/4/23/": subtree queries are one indexed LIKE.
    path: str = Field(default="/", max_length=512, index=True)
    valid_from: date | None = None
    valid_to: date | None = None
    is_active: bool = Field(default=True)
    verified: bool = Field(default=True)
    source_note: str | None = Field(default=None, sa_type=sa.Text)
    version: int = Field(default=1)
    created_at: datetime = created_at_field()
    updated_at: datetime | None = ts_field()


class UnitSuccession(SQLModel, table=True):
    """Kế thừa: a unit merged into / split from / renamed to another, with the legal basis."""

    __tablename__ = "unit_succession"
    __table_args__ = (sa.UniqueConstraint("from_unit_id", "to_unit_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    from_unit_id: int = Field(foreign_key="org_unit.id", index=True)
    to_unit_id: int = Field(foreign_key="org_unit.id", index=True)
    kind: SuccessionKind = enum_field(SuccessionKind)
    effective_date: date
    legal_basis: str | None = Field(default=None, max_length=500)
    verified: bool = Field(default=True)
    note: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = created_at_field()
