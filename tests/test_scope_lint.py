"""Row visibility lives in ``api/authz/scope.py`` only: no other module may select a scoped table directly.

Parses every module under ``api/`` and fails on ``select(<ScopedModel>)``, ``select(<ScopedModel>.column)``,
``select(col(<ScopedModel>.column))`` and ``.select_from(<ScopedModel>)`` outside the modules allowed to
(scope itself, seeding, operator commands, credential checks, migrations) and the few justified exceptions below.
"""

import ast
from pathlib import Path

API = Path(__file__).resolve().parent.parent / "api"

SCOPED = {
    "Plan",
    "Task",
    "Assignment",
    "Evidence",
    "OrgUnit",
    "User",
    "AuditEvent",
    "ApiToken",
    "Framework",
    "FrameworkNode",
    # reports and their delivery
    "Report",
    "ReportingPeriod",
    "ReportTemplate",
    "PortalDelivery",
    "DeliveryAttempt",
    # index scoring
    "AssessmentRound",
    "AssessmentSheet",
    "Score",
    "ScoreEvidence",
    "OfficialResult",
    # notifications (a user's own messages and preferences; district settings)
    "NotificationMessage",
    "NotificationPreference",
    "NotificationSetting",
    "NotificationTemplate",
    # CCHC activities (issue 16)
    "InspectionPlan",
    "Inspection",
    "Finding",
    "OutreachOutput",
    "AccountabilitySession",
    "AccountabilityItem",
    # report outlines and indicator tables (issue 16)
    "ReportOutline",
    "Indicator",
    "IndicatorValue",
    # import history (issue 18)
    "ImportRun",
    # SIPAS survey (issue 20)
    "Survey",
    "SurveyQuestion",
    "CollectionPoint",
    "SurveyResponse",
    "SipasOfficialResult",
    "SurveyAnswer",  # answers of a response: by the desk's unit (api/authz/scope_survey.py)
}

# Modules that may select scoped tables: the scoping module, writers of setup data, and credential checks
# (which run before there is a principal to scope by).
ALLOWED_MODULES = {
    "api/authz/scope.py",
    "api/authz/scope_scoring.py",  # the scoring part of the scoping module, re-exported by scope.py
    "api/authz/scope_notifications.py",  # recipients and inboxes: the notification part of the scoping module
    "api/authz/scope_evidence.py",  # who may delete a document, its uploaders' names: the evidence part
    "api/authz/scope_activities.py",  # inspections, outreach, accountability: the activities part
    "api/authz/scope_outline.py",  # report outlines and indicator values: the report-outline part
    "api/authz/scope_survey.py",  # surveys, desks, responses: the survey part
    "api/authz/scope_appendix.py",  # the plan appendix's first N units and coordinators per task
    "api/authz/scope_dashboard.py",  # the dashboard's scan: the scoped rows, or every row when that is the same
    "api/cli.py",
    "api/auth/service.py",
    "api/migrate.py",
    # The outbox claim (portal delivery and notifications) runs as the system, with no principal; it only takes
    # due rows of the outbox table it is given.
    "api/outbox.py",
}
ALLOWED_PREFIXES = ("api/demo/",)
ALLOWED_SUFFIXES = ("/seed.py", "/cli.py")  # seeding and operator commands (no principal, like api/cli.py)

# Justified exceptions, (module, function) → why. Keep this short; prefer a scoped query in scope.py.
ALLOWED_CALLS: dict[tuple[str, str], str] = {
    ("api/org_units/service.py", "_code_taken"): "unit codes are globally unique natural keys",
    (
        "api/org_units/service.py",
        "has_history",
    ): "counts rows of a unit the caller already reached (get_unit)",
    ("api/users/service.py", "create_user"): "usernames are globally unique natural keys",
    ("api/frameworks/importer.py", "code_taken"): "framework codes are globally unique natural keys",
    (
        "api/users/service.py",
        "_unit_codes",
    ): "codes of the units named in the memberships being granted, for the password rule (not shown to anyone)",
}


def _scoped_name(node: ast.AST) -> str | None:
    """``Plan`` / ``Plan.id`` / ``col(Plan.id)`` → "Plan" when it names a scoped model."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "col" and node.args:
        node = node.args[0]
    if isinstance(node, ast.Attribute):
        node = node.value
    if isinstance(node, ast.Name) and node.id in SCOPED:
        return node.id
    return None


def _call_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


class _Finder(ast.NodeVisitor):
    def __init__(self) -> None:
        self.stack: list[str] = []
        self.hits: list[tuple[str, int, str]] = []  # (function, line, text)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.stack.append(node.name)
        self.generic_visit(node)
        self.stack.pop()

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_Call(self, node: ast.Call) -> None:
        name = _call_name(node)
        if name in ("select", "select_from"):
            models = [m for m in (_scoped_name(a) for a in node.args) if m]
            if models:
                func = self.stack[0] if self.stack else "<module>"
                self.hits.append((func, node.lineno, f"{name}({', '.join(models)})"))
        self.generic_visit(node)


def _module_allowed(rel: str) -> bool:
    return rel in ALLOWED_MODULES or rel.startswith(ALLOWED_PREFIXES) or rel.endswith(ALLOWED_SUFFIXES)


def find_violations(root: Path = API) -> list[str]:
    out = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root.parent).as_posix()
        if _module_allowed(rel):
            continue
        finder = _Finder()
        finder.visit(ast.parse(path.read_text(encoding="utf-8"), filename=rel))
        for func, line, text in finder.hits:
            if (rel, func) not in ALLOWED_CALLS:
                out.append(f"{rel}:{line} in {func}(): {text}")
    return out


def test_scoped_tables_are_selected_only_through_scope() -> None:
    violations = find_violations()
    assert not violations, (
        "select a scoped table through api/authz/scope.py (append a function there) instead of:\n  "
        + "\n  ".join(violations)
    )


def test_the_allow_list_is_current() -> None:
    """Every justified exception still exists (a stale entry would silently allow a future violation)."""
    found: set[tuple[str, str]] = set()
    for rel, func in ALLOWED_CALLS:
        finder = _Finder()
        finder.visit(ast.parse((API.parent / rel).read_text(encoding="utf-8")))
        if any(f == func for f, _, _ in finder.hits):
            found.add((rel, func))
    assert found == set(ALLOWED_CALLS), sorted(set(ALLOWED_CALLS) - found)


def test_the_lint_catches_what_it_should(tmp_path: Path) -> None:
    pkg = tmp_path / "api" / "things"
    pkg.mkdir(parents=True)
    (pkg / "service.py").write_text(
        "from sqlmodel import col, select\n"
        "def a(s):\n    return s.exec(select(Plan).where(Plan.id == 1))\n"
        "def b(s):\n    return select(col(User.username))\n"
        "def c(s):\n    return select(func.count()).select_from(Evidence)\n"
        "def ok(s):\n    return select(Membership).join(OrgUnit)\n",
        encoding="utf-8",
    )
    (tmp_path / "api" / "authz").mkdir()
    (tmp_path / "api" / "authz" / "scope.py").write_text(
        "def v():\n    return select(Plan)\n", encoding="utf-8"
    )
    found = find_violations(tmp_path / "api")
    assert [v.split(" in ")[1] for v in found] == [
        "a(): select(Plan)",
        "b(): select(User)",
        "c(): select_from(Evidence)",
    ]
