"""The published exchange document: a valid draft 2020-12 schema, and what the adapter builds validates."""

import copy
import json

import pytest
from jsonschema import Draft202012Validator

from api.models import ReportingPeriod
from api.portal.adapters import ParsipasV1Adapter, load_schema
from api.portal.service import enqueue_delivery
from api.reports.exchange import DOCUMENT_VERSION, ReportLinks
from tests.portal.factories import FIGURES, approved_report, unit_by_code


@pytest.fixture
def validator() -> Draft202012Validator:
    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.fixture
def document(db, session, portal_settings):  # type: ignore[no-untyped-def]
    unit = unit_by_code(session, "LS.BG")
    report = approved_report(session, unit_id=unit.id)
    return enqueue_delivery(session, report=report, principal=None, settings=portal_settings()).payload


def test_built_payload_is_valid(validator, document, session):
    assert list(validator.iter_errors(document)) == []
    assert document["document_version"] == DOCUMENT_VERSION
    assert document["unit"] == {
        "code": "LS.BG",
        "name": unit_by_code(session, "LS.BG").name,
        "level": "district",
    }
    assert document["period"]["kind"] == "q1" and document["period"]["data_to"] == "2024-03-14"
    assert document["figures"] == FIGURES
    assert document["report"]["signer"] == {"name": "Nguyễn Mạnh Tuấn", "title": "Chủ tịch"}
    assert document["narrative"]["de_xuat_kien_nghi"] is None
    assert document["narrative"]["ton_tai_han_che"] == "Còn chậm."
    assert document["narrative"]["nguyen_nhan"] is None  # every section present, empty ones as null
    assert set(document["links"]) == {"docx", "xlsx", "json"}


@pytest.mark.parametrize(
    "breakage",
    [
        lambda d: d.pop("unit"),
        lambda d: d.__setitem__("document_version", "parsipas.report.v2"),
        lambda d: d["period"].__setitem__("kind", "q2"),
        lambda d: d["period"].__setitem__("data_from", "15/12/2023"),
        lambda d: d["figures"]["buckets"].__setitem__("overdue", -1),
        lambda d: d["figures"].__setitem__("completed_in_window", "6"),
        lambda d: d["links"].pop("xlsx"),
        lambda d: d.__setitem__("extra", 1),
    ],
)
def test_schema_rejects_broken_documents(validator, document, breakage):
    broken = copy.deepcopy(document)
    breakage(broken)
    assert list(validator.iter_errors(broken)) != []


def test_same_payload_gives_the_same_bytes(document):
    adapter = ParsipasV1Adapter()
    first = adapter.request(document, "k1")
    again = adapter.request(json.loads(json.dumps(document)), "k1")
    assert first.body == again.body and first.method == "POST"
    assert json.loads(first.body) == document


def test_relative_links_without_a_public_url(db, session):
    unit = unit_by_code(session, "LS.BG")
    report = approved_report(session, unit_id=unit.id)
    period = session.get(ReportingPeriod, report.period_id)
    links = ReportLinks.for_report(report.id)
    doc = ParsipasV1Adapter().build_payload(report, period, unit, links)
    assert doc["links"]["xlsx"] == f"/api/v1/reports/{report.id}/export?format=xlsx"
    assert doc["source"]["instance"] is None
    assert list(Draft202012Validator(load_schema()).iter_errors(doc)) == []
