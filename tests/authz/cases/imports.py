"""Matrix rows for bulk imports, templates and exports (imports:run: district_admin and district tokens).

``setup`` creates a draft plan issued by LS.BG and one issued by the foreign district ``XX.D``. The rows use the
``tasks`` kind, whose target plan is named by id: a plan out of reach answers 404 to a holder of the permission.
Units referred to by code inside rows are row errors instead (tested in ``tests/imports``).
"""

from typing import Any

from tests.authz.spec import DISTRICT_ADMINS, Case, Req

V1 = "/api/v1/imports"


def setup(w: Any) -> None:
    from api.models import Plan

    s = w.session
    for side, issuer in (("own", w.units["LS.BG"]), ("foreign", w.ids["foreign_district"])):
        plan = Plan(number=f"IMP-{side}", title="Kế hoạch nhập liệu", issuing_unit_id=issuer, year=2024)
        s.add(plan)
        s.flush()
        w.ids[f"imports_{side}_plan"] = plan.id
    from api.models.import_run import ImportOutcome, ImportRun

    for side, unit in (("own", w.units["LS.BG"]), ("foreign", w.ids["foreign_district"])):
        run = ImportRun(
            unit_id=unit, actor_name="Người nhập", kind="tasks", dry_run=True, outcome=ImportOutcome.succeeded
        )
        s.add(run)
        s.flush()
        w.ids[f"imports_{side}_run"] = run.id
    s.commit()


def _row(unit: str) -> list[dict[str, str]]:
    return [
        {"STT": "1", "Nhiệm vụ, giải pháp": "Nhiệm vụ nhập từ tệp", "Thời hạn": "Q4", "Đơn vị chủ trì": unit}
    ]


def _run(side: str, unit: str) -> Any:
    return lambda w, a: Req(
        "POST", f"{V1}/tasks", json=_row(unit), params={"plan_id": w.ids[f"imports_{side}_plan"]}
    )


def _export(fmt: str, side: str) -> Any:
    return lambda w, a: Req(
        "GET", f"{V1}/tasks/export.{fmt}", params={"plan_id": w.ids[f"imports_{side}_plan"]}
    )


CASES = [
    Case(
        "imports-run",
        own=_run("own", "LS.BG.X.HOATHAM"),
        foreign=_run("foreign", "XX.D.C"),
        allowed=DISTRICT_ADMINS,
    ),
    Case(
        "imports-history",
        own=lambda w, a: Req("GET", f"{V1}/history"),
        allowed=DISTRICT_ADMINS | {"admin"},  # the province's admin imports units and users: it sees LS.BG's runs
        list_foreign_ids=lambda w: {w.ids["imports_foreign_run"]},
    ),
    Case(
        "imports-template",
        own=lambda w, a: Req("GET", f"{V1}/tasks/template.xlsx"),
        allowed=DISTRICT_ADMINS,
        note="no object is named: the template's dropdowns list only the caller's own units",
    ),
    Case(
        "imports-export-xlsx",
        own=_export("xlsx", "own"),
        foreign=_export("xlsx", "foreign"),
        allowed=DISTRICT_ADMINS,
    ),
    Case(
        "imports-export-csv",
        own=_export("csv", "own"),
        foreign=_export("csv", "foreign"),
        allowed=DISTRICT_ADMINS,
    ),
]
