"""The text policy at the edge (api/text.py, api/edge.py): control, non-XML and bidi characters are refused with
a field error wherever a string comes in, everything else is stored in NFC — the same on SQLite and PostgreSQL.
The characters are generated per class, not picked by hand."""

import json
import unicodedata
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, col, select

from api import text
from api.edge import MAX_JSON_DEPTH, police_json
from api.models import Assignment, OrgUnit

V1 = "/api/v1"
C0 = [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"]
C1 = [chr(c) for c in range(0x7F, 0xA0)]
BIDI = [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]]
NON_XML = ["\ufffe", "\uffff", "\ud800", "\udfff"]
FORBIDDEN = C0 + C1 + BIDI + NON_XML
FORBIDDEN_CHARS = st.sampled_from(FORBIDDEN)
PLAIN = st.text(st.characters(codec="utf-8", exclude_characters="".join(FORBIDDEN)), max_size=20)


def _hostile(prefix: str, char: str, suffix: str) -> str:
    return prefix + char + suffix


@given(prefix=PLAIN, char=FORBIDDEN_CHARS, suffix=PLAIN)
def test_every_forbidden_character_is_refused_anywhere_in_a_string(
    prefix: str, char: str, suffix: str
) -> None:
    found = text.problem(prefix + char + suffix)
    assert found is not None
    assert found.code == ("bidi_control" if char in BIDI else "control_character")
    assert text.for_document(prefix + char + suffix) == text.for_document(prefix) + text.for_document(suffix)


@given(value=PLAIN)
def test_ordinary_text_passes_and_tab_newline_carriage_return_are_kept(value: str) -> None:
    assert text.problem(value + "\t\n\r") is None
    assert text.normalise(value) == unicodedata.normalize("NFC", value)


def test_the_whole_c0_c1_range_is_classified() -> None:
    for code in range(0xA0):
        char = chr(code)
        refused = text.problem(f"a{char}b") is not None
        assert refused == (char in C0 or char in C1), hex(code)


@given(char=FORBIDDEN_CHARS, depth=st.integers(0, 3))
def test_json_bodies_name_the_nested_field(char: str, depth: int) -> None:
    body: Any = {"name": f"x{char}"}
    path = "name"
    for i in range(depth):
        body = {"items": [{"ok": "y"}, body]} if i % 2 else {"outer": body}
        path = f"items.1.{path}" if i % 2 else f"outer.{path}"
    import json

    _, errors = police_json(json.dumps(body).encode())
    assert [e.field for e in errors] == [path]


def test_json_depth_is_bounded_before_any_route_runs() -> None:
    _, errors = police_json(b"[" * (MAX_JSON_DEPTH + 2) + b"]" * (MAX_JSON_DEPTH + 2))
    assert errors and errors[0].code == "json_too_deep"
    _, errors = police_json(b"[" * 100_000)  # unterminated and far deeper than the recursion limit
    assert errors and errors[0].code == "json_too_deep"
    assert police_json(b"[" * 10 + b"]" * 10)[1] == []


# --- through the API: the main resources' text fields -------------------------------------------------------


def _assert_refused(r: Any, field: str) -> None:
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert problem["code"] == "invalid_text" and problem["detail"].startswith("Có giá trị")
    assert [e["field"] for e in problem["errors"]] == [field]
    assert problem["errors"][0]["code"] in ("control_character", "bidi_control")


def _json(body: Any, headers: dict[str, str]) -> dict[str, Any]:
    """A JSON body as any client may send it: non-ASCII as \\u escapes, so a lone surrogate (which no UTF-8 can
    carry) arrives as ``\\ud800`` and is decoded by the server into the string it checks."""
    return {"content": json.dumps(body).encode(), "headers": {**headers, "Content-Type": "application/json"}}


def _etag(client: TestClient, headers: dict[str, str], path: str) -> str:
    r = client.get(path, headers=headers)
    assert r.status_code == 200, r.text
    return r.headers["etag"]


def _first_assignment(session: Session, unit_code: str) -> int:
    """An assignment the unit's officer may still edit."""
    unit = session.exec(select(OrgUnit).where(OrgUnit.code == unit_code)).one()
    aid = session.exec(
        select(Assignment.id)
        .where(Assignment.unit_id == unit.id, col(Assignment.status).in_(["not_started", "in_progress"]))
        .order_by(col(Assignment.id))
    ).first()
    session.commit()
    assert aid is not None
    return aid


SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))


def test_text_fields_of_main_resources_refuse_generated_characters(
    client: TestClient, auth: Any, session: Session
) -> None:
    officer, admin = auth("canbo.hoatham"), auth("noivu")
    aid = _first_assignment(session, "LS.BG.X.HOATHAM")
    unit_id = session.exec(select(OrgUnit.id).where(OrgUnit.code == "LS.BG.X.HOATHAM")).one()
    session.commit()

    @SETTINGS
    @given(prefix=PLAIN, char=FORBIDDEN_CHARS)
    @example(prefix="", char="\ud800")  # a lone surrogate: the query string gets it as %ED%A0%80
    def run(prefix: str, char: str) -> None:
        bad = _hostile(prefix, char, " kết quả")
        etag = _etag(client, officer, f"{V1}/assignments/{aid}")
        r = client.patch(f"{V1}/assignments/{aid}", **_json({"result": bad}, {**officer, "If-Match": etag}))
        _assert_refused(r, "result")
        etag = _etag(client, admin, f"{V1}/org-units/{unit_id}")
        r = client.patch(f"{V1}/org-units/{unit_id}", **_json({"name": bad}, {**admin, "If-Match": etag}))
        _assert_refused(r, "name")
        r = client.post(f"{V1}/reports", **_json({"period_id": 1, "unit_id": unit_id, "x": {"y": [bad]}}, officer))
        _assert_refused(r, "x.y.0")
        r = client.post(f"{V1}/auth/login", **_json({"username": bad, "password": "x"}, {}))
        _assert_refused(r, "username")
        # a lone surrogate cannot be UTF-8: sent as the bytes a broken client would send (%ED%A0%80)
        q = quote(bad.encode("utf-8", "surrogatepass"))
        r = client.get(f"{V1}/assignments?q={q}", headers=officer)
        _assert_refused(r, "q")

    run()
    # nothing was stored
    assert client.get(f"{V1}/org-units/{unit_id}", headers=admin).json()["name"] == "UBND xã Hoa Thám"


def test_report_narrative_refuses_generated_characters(
    client: TestClient, auth: Any, session: Session
) -> None:
    from tests.reports.helpers import generate_periods, open_report

    head = auth("chutich.hoatham")
    unit_id = session.exec(select(OrgUnit.id).where(OrgUnit.code == "LS.BG.X.HOATHAM")).one()
    session.commit()
    periods = generate_periods(client, auth("noivu"), 2024)
    rep = open_report(client, auth("canbo.hoatham"), periods["q1"]["id"], unit_id)

    @SETTINGS
    @given(char=FORBIDDEN_CHARS)
    def run(char: str) -> None:
        etag = _etag(client, head, f"{V1}/reports/{rep['id']}")
        body = {"narrative": {"ket_qua": f"Đã hoàn thành{char}"}}
        r = client.patch(f"{V1}/reports/{rep['id']}", **_json(body, {**head, "If-Match": etag}))
        _assert_refused(r, "narrative.ket_qua")

    run()


def test_strings_are_stored_in_nfc(client: TestClient, auth: Any, session: Session) -> None:
    admin = auth("noivu")
    unit_id = session.exec(select(OrgUnit.id).where(OrgUnit.code == "LS.BG.X.HOATHAM")).one()
    session.commit()
    decomposed = unicodedata.normalize("NFD", "UBND xã Hoà Thám")
    assert decomposed != "UBND xã Hoà Thám"
    etag = _etag(client, admin, f"{V1}/org-units/{unit_id}")
    r = client.patch(
        f"{V1}/org-units/{unit_id}", json={"name": decomposed}, headers={**admin, "If-Match": etag}
    )
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "UBND xã Hoà Thám"
    with Session(session.get_bind()) as s:
        assert s.get(OrgUnit, unit_id).name == "UBND xã Hoà Thám"  # type: ignore[union-attr]


def test_tab_and_newlines_are_kept_in_free_text(client: TestClient, auth: Any, session: Session) -> None:
    officer = auth("canbo.hoatham")
    aid = _first_assignment(session, "LS.BG.X.HOATHAM")
    etag = _etag(client, officer, f"{V1}/assignments/{aid}")
    value = "Dòng 1\r\nDòng 2\n\tmục a"
    r = client.patch(f"{V1}/assignments/{aid}", json={"result": value}, headers={**officer, "If-Match": etag})
    assert r.status_code == 200, r.text
    assert r.json()["result"] == value


@pytest.mark.parametrize("path", ["/api/v1/org-units/%00", "/api/v1/org-units/a%E2%80%AEb"])
def test_a_path_with_a_forbidden_character_is_refused(client: TestClient, auth: Any, path: str) -> None:
    r = client.get(path, headers=auth("noivu"))
    _assert_refused(r, "path")


def test_query_bytes_that_are_not_utf8_are_refused(client: TestClient, auth: Any) -> None:
    """Not silently replaced by U+FFFD: the field is named and nothing runs."""
    h = auth("canbo.hoatham")
    for query in ("q=%FF%FE", "q=ok%C3", "q=%ED%A0%80", "unit_id=%FF"):
        r = client.get(f"{V1}/assignments?{query}", headers=h)
        _assert_refused(r, query.split("=")[0])
    assert client.get(f"{V1}/assignments?q=b%C3%A1o%20c%C3%A1o", headers=h).status_code == 200
