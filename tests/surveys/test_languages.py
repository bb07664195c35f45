"""Tày and Nùng labels of the shipped survey (#20): none exist yet, and parsipas does not invent them — the data
says so per language and the API shows it (labelled questions, verified flag, a Vietnamese note) instead of an
empty field."""

from typing import Any

from fastapi.testclient import TestClient

from api.surveys.seed import load_default
from tests.surveys.conftest import V1


def test_the_data_has_no_invented_labels_and_flags_each_language() -> None:
    doc = load_default()
    assert all(not q.get("tay") and not q.get("nung") for q in doc["questions"])
    assert {k: v["verified"] for k, v in doc["languages"].items()} == {
        "tay": False,
        "nung": False,
        "en": False,
    }


def test_the_api_flags_missing_and_unchecked_labels(client: TestClient, auth: Any) -> None:
    r = client.get(f"{V1}/surveys", headers=auth("canbo.hoatham"))
    assert r.status_code == 200, r.text
    default = next(s for s in r.json()["items"] if s["owner_unit_id"] is None)
    langs = {x["code"]: x for x in default["languages"]}
    n = len(default["questions"])
    assert langs["tay"]["labelled"] == 0 and langs["tay"]["verified"] is False
    assert langs["tay"]["note"].startswith("Chưa có bản dịch tiếng Tày")
    assert langs["nung"]["labelled"] == 0 and langs["nung"]["note"].startswith("Chưa có bản dịch tiếng Nùng")
    assert (
        langs["en"]["labelled"] == n
        and langs["en"]["verified"] is False
        and "chưa được kiểm tra" in langs["en"]["note"]
    )
    assert all(not (q["labels"].get("tay") or q["labels"].get("nung")) for q in default["questions"])
