"""Matrix rows for dashboards: every holder of dashboards:read (not the system admin). Aggregates are scoped;
the foreign plan filter must aggregate nothing foreign (checked as a 200 with zero rows is not a refusal, so the
foreign side is the plan filter answering an empty summary — see the note).

The trend's lĩnh vực / criterion filter names an object: a criterion of the own district's framework (read by every
own actor) answers, one of the foreign district's framework is out of scope (404). Its figures are scoped like the
summary's (tests/dashboards/test_trend.py: another commune's unit filter counts nothing)."""

from typing import Any

from tests.authz.spec import READERS, Case, Req

V1 = "/api/v1"


def _trend(node_key: str) -> Any:
    return lambda w, a: Req(
        "GET", f"{V1}/dashboards/trend", params={"node_id": w.ids[node_key], "granularity": "week"}
    )


CASES = [
    Case(
        "dashboards-summary",
        own=lambda w, a: Req("GET", f"{V1}/dashboards/summary"),
        allowed=READERS,
        note="aggregate without ids: scoping is tested in tests/dashboards (foreign units never counted)",
    ),
    Case(
        "dashboards-trend",
        own=_trend("own_node"),
        foreign=_trend("foreign_node"),
        allowed=READERS,
    ),
]
