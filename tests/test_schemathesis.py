"""Property-based run of the whole OpenAPI document, in-process (ASGI), as a logged-in district admin: no 5xx,
and every response matches what the document says (status code, content type, body schema).

One test walks every operation with a few positive and negative examples each, on one database, and reports
every operation that misbehaves (schemathesis' own pytest integration needs per-test fixtures we cannot afford
for a hundred operations).
"""

from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.authz.world import use_cheap_passwords
from tests.conftest import DEMO_PASSWORD

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Ending the caller's own session would turn the rest of the run into 401s; logout is covered by test_jwt.
SKIPPED = {"auth-logout"}
PUBLIC = {"auth-login", "auth-refresh", "health-get"}
EXAMPLES = {GenerationMode.POSITIVE: 6, GenerationMode.NEGATIVE: 3}


def _run_operation(operation: Any, mode: GenerationMode, headers: dict[str, str]) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES[mode],
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


def test_api_conforms_to_its_document(app: Any, client: Any, session: Any) -> None:
    use_cheap_passwords(session)
    r = client.post("/api/v1/auth/login", json={"username": "noivu", "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.text
    auth = {"Authorization": f"Bearer {r.json()['access_token']}"}
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)

    failures: list[str] = []
    seen = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        op_id = operation.definition.raw.get("operationId", operation.label)
        if op_id in SKIPPED:
            continue
        seen += 1
        for mode in EXAMPLES:
            try:
                _run_operation(operation, mode, {} if op_id in PUBLIC else auth)
            except (KeyboardInterrupt, SystemExit):
                raise
            except Unsatisfiable:  # nothing to negate (no parameters, no body)
                continue
            except (
                BaseException
            ) as exc:  # collect every misbehaving operation (failure groups too), then fail once
                failures.append(f"--- {op_id} ({mode.value}): {str(exc)[:1500]}")
    assert seen >= 25
    assert not failures, f"{len(failures)} operation/mode pairs break the document:\n" + "\n".join(failures)
