"""Matrix rows for dashboards: every holder of dashboards:read (not the system admin). Aggregates are scoped;
the foreign plan filter must aggregate nothing foreign (checked as a 200 with zero rows is not a refusal, so the
foreign side is the plan filter answering an empty summary — see the note)."""

from tests.authz.spec import READERS, Case, Req

V1 = "/api/v1"

CASES = [
    Case(
        "dashboards-summary",
        own=lambda w, a: Req("GET", f"{V1}/dashboards/summary"),
        allowed=READERS,
        note="aggregate without ids: scoping is tested in tests/dashboards (foreign units never counted)",
    ),
]
