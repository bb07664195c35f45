"""Plain factories: demo assignments put in the state a test needs, written through the session."""

from datetime import UTC, date, datetime

from sqlmodel import Session, col, select

from api.models import Assignment, AssignmentStatus, OrgUnit, Plan, PlanStatus, User

HOATHAM = "LS.BG.X.HOATHAM"
TANVAN = "LS.BG.X.TANVAN"


def unit_id(session: Session, code: str) -> int:
    return session.exec(select(OrgUnit.id).where(OrgUnit.code == code)).one()  # type: ignore[return-value]


def user_id(session: Session, username: str) -> int:
    return session.exec(select(User.id).where(User.username == username)).one()  # type: ignore[return-value]


def assignment_of(session: Session, code: str, *, skip: int = 0) -> Assignment:
    """An assignment of the unit on an issued plan (the ``skip``-th by id)."""
    stmt = (
        select(Assignment)
        .join(Plan, col(Plan.id) == col(Assignment.plan_id))
        .where(col(Assignment.unit_id) == unit_id(session, code), col(Plan.status) == PlanStatus.issued)
        .order_by(col(Assignment.id))
        .offset(skip)
    )
    return session.exec(stmt).first()  # type: ignore[return-value]


def submitted(session: Session, code: str = HOATHAM, *, skip: int = 0) -> int:
    a = assignment_of(session, code, skip=skip)
    a.status, a.submitted_at, a.progress = AssignmentStatus.submitted, datetime.now(UTC), 100
    session.add(a)
    session.commit()
    return a.id or 0


def open_with_due(session: Session, code: str, due: date, *, skip: int = 0) -> int:
    a = assignment_of(session, code, skip=skip)
    a.status, a.due_date, a.completed_date = AssignmentStatus.in_progress, due, None
    session.add(a)
    session.commit()
    return a.id or 0


def set_email(session: Session, username: str, email: str | None, language: str = "vi") -> None:
    u = session.exec(select(User).where(User.username == username)).one()
    u.email, u.language = email, language
    session.add(u)
    session.commit()


def close_other_work(session: Session) -> None:
    """Approve every assignment, so the daily pass sees only what a test opens."""
    for a in session.exec(
        select(Assignment).where(col(Assignment.status) != AssignmentStatus.approved)
    ).all():
        a.status = AssignmentStatus.approved
        session.add(a)
    session.commit()
