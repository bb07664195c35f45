"""Table models. Importing this package registers every table on ``SQLModel.metadata``."""

from api.models.assignment import Assignment, AssignmentComment, AssignmentStatus
from api.models.audit import AuditEvent, IdempotencyRecord
from api.models.evidence import Evidence, EvidenceOwner
from api.models.framework import Framework, FrameworkKind, FrameworkNode, FrameworkStatus, ScoringMethod
from api.models.org import OrgUnit, SuccessionKind, UnitKind, UnitLevel, UnitSuccession
from api.models.plan import (
    DeadlineKind,
    Plan,
    PlanFramework,
    PlanSection,
    PlanStatus,
    Priority,
    Recurrence,
    Task,
    TaskNode,
    TaskUnit,
    TaskUnitRole,
)
from api.models.report import (
    DeliveryAttempt,
    DeliveryStatus,
    PeriodKind,
    PortalDelivery,
    Report,
    ReportingPeriod,
    ReportLevel,
    ReportStatus,
    ReportTemplate,
)
from api.models.user import ApiToken, AuthSession, LoginThrottle, Membership, RefreshToken, Role, User

__all__ = [
    "ApiToken",
    "Assignment",
    "AssignmentComment",
    "AssignmentStatus",
    "AuditEvent",
    "AuthSession",
    "DeadlineKind",
    "DeliveryAttempt",
    "DeliveryStatus",
    "Evidence",
    "EvidenceOwner",
    "Framework",
    "FrameworkKind",
    "FrameworkNode",
    "FrameworkStatus",
    "IdempotencyRecord",
    "LoginThrottle",
    "Membership",
    "OrgUnit",
    "PeriodKind",
    "Plan",
    "PlanFramework",
    "PlanSection",
    "PlanStatus",
    "PortalDelivery",
    "Priority",
    "Recurrence",
    "RefreshToken",
    "Report",
    "ReportLevel",
    "ReportStatus",
    "ReportTemplate",
    "ReportingPeriod",
    "Role",
    "ScoringMethod",
    "SuccessionKind",
    "Task",
    "TaskNode",
    "TaskUnit",
    "TaskUnitRole",
    "UnitKind",
    "UnitLevel",
    "UnitSuccession",
    "User",
]
