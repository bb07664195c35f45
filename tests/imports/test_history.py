"""Import history (issue 18): one row per run — who, unit, when, kind, file, dry run, outcome — kept even when the
import is refused or only a dry run (their writes roll back, the history row stays), bounded errors, scoped list."""

from api.models.import_run import KEPT_ERRORS
from tests.imports.helpers import (
    API,
    TABLES,
    UNIT_HEADER,
    count,
    counts,
    csv_bytes,
    make_token,
    post_file,
    post_json,
)

NEW = [
    ["LS.BG.X.LS1", "UBND xã Lịch Sử Một", "Xã", "UBND", "LS.BG"],
    ["LS.BG.X.LS2", "UBND xã Lịch Sử Hai", "commune", "people_committee", "LS.BG"],
]


def _history(client, h, **params):  # type: ignore[no-untyped-def]
    r = client.get(f"{API}/history", headers=h, params=params or None)
    assert r.status_code == 200, r.text
    return r.json()


def test_dry_run_real_run_and_refused_run_are_each_recorded(client, auth, db) -> None:
    h = auth("noivu")
    assert _history(client, h)["total"] == 0
    before = counts(db, TABLES)

    r = post_file(client, "org-units", "don-vi.csv", csv_bytes(UNIT_HEADER, NEW), h, dry_run="true")
    assert r.status_code == 200, r.text
    assert counts(db, TABLES) == before, "the dry run's writes roll back; only its history row stays"
    page = _history(client, h)
    assert page["total"] == 1
    run = page["items"][0]
    assert run["kind"] == "org-units" and run["kind_label"] == "Đơn vị"
    assert (run["file_name"], run["dry_run"], run["outcome"]) == ("don-vi.csv", True, "succeeded")
    assert (run["rows"], run["created"], run["updated"], run["error_count"], run["errors"]) == (
        2,
        2,
        0,
        0,
        [],
    )
    assert run["actor_name"] and run["unit_name"] and run["at"] and run["allowed_actions"] == []

    # the same rows as JSON, for real: no file name
    rows = [dict(zip(UNIT_HEADER, r, strict=True)) for r in NEW]
    r = post_json(client, "org-units", rows, h)
    assert r.status_code == 200, r.text
    assert count(db, "org_unit") == before["org_unit"] + 2

    # a refused file: three errors on one row, nothing written but the history row
    bad = [["LS.BG.X.LS3", "", "Tỉnh lẻ", "không có", "KHONG.CO"]]
    before = counts(db, TABLES)
    r = post_file(client, "org-units", "loi.csv", csv_bytes(UNIT_HEADER, bad), h)
    assert r.status_code == 422, r.text
    n_errors = len(r.json()["errors"])
    assert n_errors >= 3
    assert counts(db, TABLES) == before

    items = _history(client, h)["items"]
    assert [(i["dry_run"], i["outcome"], i["file_name"]) for i in items] == [
        (False, "rejected", "loi.csv"),
        (False, "succeeded", None),
        (True, "succeeded", "don-vi.csv"),
    ], "newest first"
    refused = items[0]
    assert refused["error_count"] == n_errors and len(refused["errors"]) == n_errors
    assert {e["row"] for e in refused["errors"]} == {2}
    assert all(e["message"] for e in refused["errors"])
    assert items[1]["created"] == 2 and items[1]["rows"] == 2

    assert _history(client, h, kind="users")["total"] == 0
    assert _history(client, h, kind="org-units")["total"] == 3
    assert len(_history(client, h, limit=1)["items"]) == 1


def test_the_error_list_kept_is_bounded_but_the_count_is_exact(client, auth, db) -> None:
    h = auth("noivu")
    bad = [
        [f"LS.BG.X.B{i:03d}", f"Xã {i}", "không phải cấp", "UBND", "LS.BG"] for i in range(KEPT_ERRORS + 20)
    ]
    r = post_file(client, "org-units", "nhieu-loi.csv", csv_bytes(UNIT_HEADER, bad), h)
    assert r.status_code == 422, r.text
    total = len(r.json()["errors"])
    assert total >= KEPT_ERRORS + 20
    run = _history(client, h)["items"][0]
    assert run["error_count"] == total
    assert len(run["errors"]) == KEPT_ERRORS
    assert run["errors"][0]["row"] == 2, "the first errors in row order are kept"


def test_a_replayed_idempotent_import_is_not_a_new_run(client, auth, db) -> None:
    h = {**auth("noivu"), "Idempotency-Key": "history-replay-1"}
    data = csv_bytes(UNIT_HEADER, NEW)
    for _ in range(2):
        r = post_file(client, "org-units", "don-vi.csv", data, h)
        assert r.status_code == 200, r.text
    assert _history(client, auth("noivu"))["total"] == 1


def test_history_is_scoped_and_needs_imports_run(client, auth, db) -> None:
    noivu = auth("noivu")
    r = post_file(client, "org-units", "don-vi.csv", csv_bytes(UNIT_HEADER, NEW), noivu, dry_run="true")
    assert r.status_code == 200, r.text
    # a unit officer and a leader may not import, nor read the history
    for user in ("canbo.hoatham", "chutich"):
        assert client.get(f"{API}/history", headers=auth(user)).status_code == 403
    # a district token with imports:run sees the district's runs, and its own run names the token
    tok = make_token(db, "LS.BG", ["imports:run", "units:manage"])
    assert _history(client, tok)["total"] == 1
    r = post_file(client, "org-units", "qua-api.csv", csv_bytes(UNIT_HEADER, NEW), tok, dry_run="true")
    assert r.status_code == 200, r.text
    items = _history(client, noivu)["items"]
    assert [i["file_name"] for i in items] == ["qua-api.csv", "don-vi.csv"]
    assert items[0]["actor_name"] != items[1]["actor_name"]
    # runs of units out of reach never show: tests/authz/cases/imports.py (imports-history, a foreign district's run)
