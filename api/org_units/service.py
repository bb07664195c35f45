"""Org units (đơn vị): a tree with levels, kinds, validity dates and succession links.

History is never rewritten: a unit with history is deactivated (``valid_to``), never deleted.
"""

from datetime import date
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from api.audit.service import diff, record, record_create, snapshot
from api.authz import scope
from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.config import get_settings
from api.errors import Conflict, FieldError, Forbidden, Unprocessable
from api.models import Assignment, Membership, OrgUnit, Plan, UnitSuccession
from api.models.base import utcnow
from api.org_units.schemas import DeactivateRequest, OrgUnitCreate, OrgUnitUpdate, SuccessionCreate

P = Permission


def _code_taken(session: Session, code: str) -> bool:
    # Uniqueness is global (codes are natural keys for imports), so this check is not scoped.
    return session.exec(select(func.count()).select_from(OrgUnit).where(OrgUnit.code == code)).one() > 0


def create_unit(session: Session, principal: Principal, *, data: OrgUnitCreate) -> OrgUnit:
    """Create a unit under a parent the caller manages (root units: only admins at a root)."""
    if data.parent_id is None:
        if not any(g.unit_path.count("/") == 2 and P.units_manage in g.permissions for g in principal.grants):
            raise Forbidden(
                "Chỉ quản trị hệ thống cấp cao nhất mới được tạo đơn vị gốc.",
                "Only a top-level admin may create a root unit.",
                code="root_unit_forbidden",
            )
        parent = None
    else:
        parent = scope.get_unit(session, principal, data.parent_id, P.units_manage)
    if _code_taken(session, data.code):
        raise Conflict(
            f"Mã đơn vị '{data.code}' đã tồn tại.",
            f"Unit code '{data.code}' already exists.",
            code="duplicate_code",
            errors=[FieldError(field="code", message="Mã đã tồn tại")],
        )
    _check_dates(data.valid_from, data.valid_to)
    unit = OrgUnit(**data.model_dump())
    session.add(unit)
    session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    session.add(unit)
    session.flush()
    record_create(session, principal, "org_unit", unit, unit.id)
    return unit


def _check_dates(valid_from: date | None, valid_to: date | None) -> None:
    if valid_from and valid_to and valid_to < valid_from:
        raise Unprocessable(
            "Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.",
            "valid_to must be after valid_from.",
            errors=[FieldError(field="valid_to", message="Phải sau ngày bắt đầu")],
        )


def update_unit(session: Session, principal: Principal, *, unit: OrgUnit, data: OrgUnitUpdate) -> OrgUnit:
    before = snapshot(unit)
    changes = data.model_dump(exclude_unset=True)
    new_parent_id = changes.pop("parent_id", unit.parent_id)
    for key, value in changes.items():
        setattr(unit, key, value)
    _check_dates(unit.valid_from, unit.valid_to)
    if new_parent_id != unit.parent_id:
        if new_parent_id is None:
            raise Unprocessable(
                "Không thể chuyển đơn vị thành đơn vị gốc.", "Cannot detach a unit to the root."
            )
        parent = scope.get_unit(session, principal, new_parent_id, P.units_manage)
        if parent.path.startswith(unit.path):
            raise Unprocessable(
                "Không thể đặt đơn vị vào chính cây con của nó.",
                "Cannot move a unit under itself.",
                errors=[FieldError(field="parent_id", code="cycle", message="Tạo vòng lặp")],
            )
        old_path, new_path = unit.path, f"{parent.path}{unit.id}/"
        unit.parent_id = parent.id
        # Re-path the whole subtree in one statement.
        session.execute(
            update(OrgUnit)
            .where(col(OrgUnit.path).startswith(old_path), col(OrgUnit.id) != unit.id)
            .values(path=func.replace(OrgUnit.path, old_path, new_path))
            .execution_options(synchronize_session=False)
        )
        unit.path = new_path
    unit.updated_at = utcnow()
    session.add(unit)
    session.flush()
    record(session, principal, "update", "org_unit", unit.id, unit.id, diff(before, snapshot(unit)))
    return unit


def has_history(session: Session, unit_id: int) -> bool:
    checks: list[Any] = [
        select(func.count()).select_from(Membership).where(Membership.unit_id == unit_id),
        select(func.count()).select_from(Assignment).where(Assignment.unit_id == unit_id),
        select(func.count()).select_from(Plan).where(Plan.issuing_unit_id == unit_id),
        select(func.count()).select_from(OrgUnit).where(OrgUnit.parent_id == unit_id),
        select(func.count())
        .select_from(UnitSuccession)
        .where((col(UnitSuccession.from_unit_id) == unit_id) | (col(UnitSuccession.to_unit_id) == unit_id)),
    ]
    return any(session.exec(q).one() for q in checks)


def deactivate_unit(
    session: Session, principal: Principal, *, unit: OrgUnit, data: DeactivateRequest
) -> OrgUnit:
    before = snapshot(unit)
    unit.is_active = False
    unit.valid_to = data.valid_to or unit.valid_to or get_settings().today()
    unit.updated_at = utcnow()
    session.add(unit)
    session.flush()
    record(
        session,
        principal,
        "deactivate",
        "org_unit",
        unit.id,
        unit.id,
        diff(before, snapshot(unit)),
        data.reason,
    )
    return unit


def _has_history_error() -> Conflict:
    return Conflict(
        "Đơn vị đã có dữ liệu (người dùng, kế hoạch, nhiệm vụ, đơn vị con hoặc nhật ký) nên không thể xóa; "
        "hãy dùng chức năng ngừng hoạt động.",
        "The unit has history; deactivate it instead of deleting.",
        code="unit_has_history",
    )


def delete_unit(session: Session, principal: Principal, *, unit: OrgUnit) -> None:
    if has_history(session, unit.id or 0):
        raise _has_history_error()
    record(session, principal, "delete", "org_unit", unit.id, unit.parent_id, diff(snapshot(unit), {}))
    # Any other row still pointing at the unit (audit events, tokens, evidence, reports…) is history too: the
    # database refuses the delete, and a savepoint keeps the request's transaction usable to say so.
    try:
        with session.begin_nested():
            session.delete(unit)
            session.flush()
    except IntegrityError:
        raise _has_history_error() from None


def add_succession(
    session: Session, principal: Principal, *, unit: OrgUnit, data: SuccessionCreate
) -> UnitSuccession:
    target = scope.get_unit(session, principal, data.to_unit_id, P.units_read)
    if target.id == unit.id:
        raise Unprocessable("Đơn vị kế thừa phải khác đơn vị hiện tại.", "A unit cannot succeed itself.")
    row = UnitSuccession(from_unit_id=unit.id or 0, **data.model_dump())
    session.add(row)
    session.flush()
    record_create(session, principal, "unit_succession", row, unit.id)
    return row
