"""The 2023 world of the reports tests (the demo plan is for 2024, so exact counts stay exact)."""

from datetime import date

import pytest

from api.models import AssignmentStatus
from tests.reports.helpers import (
    generate_periods,
    make_assignment,
    make_evidence,
    make_plan,
    make_task,
    top_nodes,
    unit,
)

A = AssignmentStatus


@pytest.fixture
def world(session, client, auth):  # type: ignore[no-untyped-def]
    """Hoa Thám's 2023 work: six assignments around the Quý I and Quý III boundaries, evidence, a recurring task."""
    district, hoatham = unit(session, "LS.BG"), unit(session, "LS.BG.X.HOATHAM")
    nodes = top_nodes(session)
    plan = make_plan(session, issuer=district)

    def task(label: str, due: date, node: str | None = "2"):  # type: ignore[no-untyped-def]
        return make_task(
            session, plan=plan, label=label, lead=hoatham, due=due, nodes=[nodes[node]] if node else []
        )

    ids = {}
    ids["on_1403"] = make_assignment(session, task=task("1", date(2023, 3, 31)), unit=hoatham, status=A.approved,
                                     completed=date(2023, 3, 14), result="Đã ban hành kế hoạch")  # fmt: skip
    ids["on_1503"] = make_assignment(session, task=task("2", date(2023, 3, 31)), unit=hoatham, status=A.approved,
                                     completed=date(2023, 3, 15))  # fmt: skip
    ids["on_1006"] = make_assignment(session, task=task("3", date(2023, 6, 30), "3"), unit=hoatham,
                                     status=A.approved, completed=date(2023, 6, 10))  # fmt: skip
    ids["on_1506"] = make_assignment(session, task=task("4", date(2023, 6, 30), "3"), unit=hoatham,
                                     status=A.approved, completed=date(2023, 6, 15))  # fmt: skip
    ids["overdue"] = make_assignment(session, task=task("5", date(2023, 2, 28), None), unit=hoatham,
                                     status=A.not_started)  # fmt: skip
    ids["late"] = make_assignment(session, task=task("6", date(2023, 3, 1)), unit=hoatham, status=A.approved,
                                  completed=date(2023, 3, 10))  # fmt: skip
    recurring = make_task(session, plan=plan, label="7", lead=hoatham, due=None)
    for q, end in enumerate([date(2023, 3, 31), date(2023, 6, 30), date(2023, 9, 30), date(2023, 12, 31)], 1):
        make_assignment(session, task=recurring, unit=hoatham, instance_key=f"2023-Q{q}", due=end,
                        status=A.in_progress)  # fmt: skip
    make_evidence(session, assignment=ids["on_1403"], title="Kế hoạch CCHC xã", doc_number="12/KH-UBND",
                  issue_date=date(2023, 3, 10))  # fmt: skip
    make_evidence(session, assignment=ids["on_1506"], title="Báo cáo khảo sát",
                  effective_from=date(2023, 7, 1), effective_to=date(2023, 12, 31))  # fmt: skip
    make_evidence(session, assignment=ids["on_1006"], title="Thông báo", issue_date=date(2023, 4, 1))
    session.commit()
    periods = generate_periods(client, auth("noivu"))
    return {"unit": hoatham, "periods": periods, "ids": {k: v.id for k, v in ids.items()}}
