"""Evidence API: streamed upload, type by content, limits, scope, versions, soft delete, download."""

import hashlib
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select

from api.config import get_settings
from api.evidence.seed import demo_hashes
from api.evidence.storage import LocalStorage
from api.main import create_app
from api.models import Assignment, AssignmentStatus, AuditEvent, Evidence
from tests.conftest import login
from tests.evidence.helpers import (
    docx_bytes,
    make_assignment,
    pdf_bytes,
    unit_id,
    zip_bomb_docx,
)

API = "/api/v1"
VN_NAME = "Báo cáo quý I.pdf"


@pytest.fixture
def ids(session: Session) -> dict[str, int]:
    bg = unit_id(session, "LS.BG")
    plan_id, own = make_assignment(session, issuer_id=bg, unit=unit_id(session, "LS.BG.X.HOATHAM"))
    _, other = make_assignment(
        session, issuer_id=bg, unit=unit_id(session, "LS.BG.X.TANVAN"), label="EV.2", number="98"
    )
    session.commit()
    return {"plan": plan_id, "own": own, "tanvan": other}


@pytest.fixture
def store(app: Any, tmp_path: Path) -> LocalStorage:
    storage = LocalStorage(tmp_path / "store")
    app.state.evidence_storage = storage
    return storage


def _disk(store: LocalStorage) -> list[str]:
    return sorted(str(p.relative_to(store.root)) for p in store.root.rglob("*") if p.is_file())


def _rows(db: sa.Engine) -> int:
    """Evidence rows besides the demo seed's (whose documents are :func:`api.evidence.seed.demo_hashes`)."""
    with Session(db) as s:
        return int(
            s.exec(
                select(func.count()).select_from(Evidence).where(col(Evidence.sha256).not_in(demo_hashes()))
            ).one()
        )


def _upload(
    client: TestClient,
    headers: dict[str, str],
    assignment_id: int,
    data: bytes,
    filename: str = VN_NAME,
    **fields: Any,
) -> Any:
    fields.setdefault("title", "Báo cáo kết quả quý I")
    return client.post(
        f"{API}/assignments/{assignment_id}/evidence",
        headers=headers,
        data=fields,
        files={"file": (filename, data, "application/octet-stream")},
    )


def _multipart(
    fields: dict[str, str], filename: str, payload: Iterator[bytes], boundary: str
) -> Iterator[bytes]:
    for k, v in fields.items():
        yield f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
    yield (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    yield from payload
    yield f"\r\n--{boundary}--\r\n".encode()


def test_round_trip_bytes_hash_and_vietnamese_filename(
    client: TestClient, auth: Any, ids: dict[str, int], store: LocalStorage, db: sa.Engine
) -> None:
    data = pdf_bytes(3 * 1024 * 1024 + 17)
    r = _upload(
        client,
        auth("canbo.hoatham"),
        ids["own"],
        data,
        doc_number="12/BC-UBND",
        issue_date="2024-03-30",
        effective_from="2024-01-01",
        effective_to="2024-03-31",
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert body["size"] == len(data) and body["mime"] == "application/pdf"
    assert body["filename"] == VN_NAME and body["version_no"] == 1
    assert body["effective_to"] == "2024-03-31" and body["doc_number"] == "12/BC-UBND"
    assert store.path_for(body["sha256"]).read_bytes() == data
    assert _disk(store) == [str(store.path_for(body["sha256"]).relative_to(store.root))]

    d = client.get(f"{API}/evidence/{body['id']}/content", headers=auth("chutich.hoatham"))
    assert d.status_code == 200
    assert d.content == data and hashlib.sha256(d.content).hexdigest() == body["sha256"]
    assert d.headers["etag"] == f'"{body["sha256"]}"'
    assert d.headers["x-content-type-options"] == "nosniff"
    assert d.headers["accept-ranges"] == "bytes"
    assert d.headers["content-type"].startswith("application/pdf")
    cd = d.headers["content-disposition"]
    assert cd.startswith('attachment; filename="Bao cao quy I.pdf"')
    assert unquote(cd.split("filename*=UTF-8''")[1]) == VN_NAME
    with Session(db) as s:
        events = s.exec(select(AuditEvent).where(AuditEvent.action == "evidence.upload")).all()
        assert [e.entity_id for e in events] == [str(body["id"])]


def test_413_from_content_length_leaves_nothing(
    app: Any, db: sa.Engine, ids: dict[str, int], tmp_path: Path
) -> None:
    small = create_app(get_settings().model_copy(update={"max_upload_mb": 1}), db)
    store = LocalStorage(tmp_path / "small")
    small.state.evidence_storage = store
    with TestClient(small) as c:
        r = _upload(c, login(c, "canbo.hoatham"), ids["own"], pdf_bytes(3 * 1024 * 1024))
    assert r.status_code == 413
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "evidence_too_large"
    assert _disk(store) == [] and _rows(db) == 0


def test_413_while_streaming_chunked_leaves_nothing(
    db: sa.Engine, ids: dict[str, int], tmp_path: Path
) -> None:
    small = create_app(get_settings().model_copy(update={"max_upload_mb": 1}), db)
    store = LocalStorage(tmp_path / "small")
    small.state.evidence_storage = store
    boundary = uuid.uuid4().hex
    chunk = b"%PDF-1.4\n" + b"x" * 65_527
    payload = (chunk for _ in range(40))  # 2.5 MiB, no Content-Length (chunked)
    with TestClient(small) as c:
        headers = {**login(c, "canbo.hoatham"), "Content-Type": f"multipart/form-data; boundary={boundary}"}
        r = c.post(
            f"{API}/assignments/{ids['own']}/evidence",
            headers=headers,
            content=_multipart({"title": "Lớn"}, "big.pdf", payload, boundary),
        )
    assert r.status_code == 413, r.text
    assert r.json()["code"] == "evidence_too_large"
    assert (store.root / "tmp").is_dir() and (store.root / "sha256").is_dir()
    assert _disk(store) == [] and _rows(db) == 0


def test_415_executable_renamed_pdf(
    client: TestClient, auth: Any, ids: dict[str, int], store: LocalStorage, db: sa.Engine
) -> None:
    exe = b"MZ\x90\x00" + b"\x00" * 4096
    r = _upload(client, auth("canbo.hoatham"), ids["own"], exe, filename="quyet-dinh.pdf")
    assert r.status_code == 415
    assert r.json()["code"] == "evidence_type_not_allowed"
    assert "thực thi" in r.json()["detail"]
    assert _disk(store) == [] and _rows(db) == 0


def test_415_name_contradicts_content(
    client: TestClient, auth: Any, ids: dict[str, int], store: LocalStorage
) -> None:
    r = _upload(client, auth("canbo.hoatham"), ids["own"], pdf_bytes(), filename="bang-tinh.xlsx")
    assert r.status_code == 415 and r.json()["code"] == "evidence_type_mismatch"
    assert _disk(store) == []


def test_zip_bomb_refused(
    client: TestClient, auth: Any, ids: dict[str, int], store: LocalStorage, db: sa.Engine
) -> None:
    r = _upload(client, auth("canbo.hoatham"), ids["own"], zip_bomb_docx(), filename="bao-cao.docx")
    assert r.status_code == 415
    assert r.json()["code"] == "evidence_zip_bomb_suspected"
    assert _disk(store) == [] and _rows(db) == 0


def test_docx_accepted_and_missing_title_refused(
    client: TestClient, auth: Any, ids: dict[str, int], store: LocalStorage, db: sa.Engine
) -> None:
    r = _upload(client, auth("canbo.hoatham"), ids["own"], docx_bytes(), filename="bao-cao.docx", title="")
    assert r.status_code == 422
    assert any(e["field"] == "title" for e in r.json()["errors"])
    assert _disk(store) == [] and _rows(db) == 0
    r = _upload(client, auth("canbo.hoatham"), ids["own"], docx_bytes(), filename="bao-cao")
    assert r.status_code == 201
    assert r.json()["filename"] == "bao-cao.docx" and r.json()["mime"].endswith("wordprocessingml.document")


def test_foreign_commune_gets_404(
    client: TestClient, auth: Any, ids: dict[str, int], store: LocalStorage
) -> None:
    r = _upload(client, auth("canbo.hoatham"), ids["own"], pdf_bytes())
    ev = r.json()["id"]
    tanvan = auth("canbo.tanvan")
    assert client.get(f"{API}/evidence/{ev}/content", headers=tanvan).status_code == 404
    assert client.get(f"{API}/evidence/{ev}", headers=tanvan).status_code == 404
    assert client.get(f"{API}/assignments/{ids['own']}/evidence", headers=tanvan).status_code == 404
    # and Hoa Thám cannot upload onto Tân Văn's assignment
    r = _upload(client, auth("canbo.hoatham"), ids["tanvan"], pdf_bytes())
    assert r.status_code == 404
    assert client.get(f"{API}/evidence/{ev}/content", headers=auth("noivu")).status_code == 200


def test_versions_and_lists(client: TestClient, auth: Any, ids: dict[str, int], store: LocalStorage) -> None:
    h = auth("canbo.hoatham")
    v1 = _upload(client, h, ids["own"], pdf_bytes(seed=1), filename="v1.pdf").json()
    v2 = _upload(
        client, h, ids["own"], pdf_bytes(seed=2), filename="v2.pdf", series_id=v1["series_id"]
    ).json()
    other = _upload(client, h, ids["own"], pdf_bytes(seed=1), filename="khac.pdf", title="Khác").json()
    assert v2["series_id"] == v1["series_id"] and v2["version_no"] == 2
    assert other["sha256"] == v1["sha256"]  # identical content stored once
    assert len(_disk(store)) == 2
    latest = client.get(f"{API}/assignments/{ids['own']}/evidence", headers=h).json()
    assert sorted(i["id"] for i in latest["items"]) == sorted([v2["id"], other["id"]])
    everything = client.get(f"{API}/assignments/{ids['own']}/evidence?all_versions=true", headers=h).json()
    assert everything["total"] == 3
    detail = client.get(f"{API}/evidence/{v1['id']}", headers=h).json()
    assert [v["version_no"] for v in detail["versions"]] == [2, 1]
    old = client.get(f"{API}/evidence/{v1['id']}/content", headers=h)
    assert old.content == pdf_bytes(seed=1)
    bad = _upload(client, h, ids["own"], pdf_bytes(), series_id=str(uuid.uuid4()))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "series_id"


def test_soft_delete_and_restore(
    client: TestClient, auth: Any, ids: dict[str, int], store: LocalStorage, db: sa.Engine
) -> None:
    ev = _upload(client, auth("chutich.hoatham"), ids["own"], pdf_bytes()).json()
    url = f"{API}/evidence/{ev['id']}"
    r = client.delete(url, headers=auth("canbo.hoatham"))  # an officer deletes only what they uploaded
    assert r.status_code == 403 and r.json()["code"] == "evidence_delete_forbidden"
    assert client.delete(url, headers=auth("chutich.hoatham")).status_code == 204
    assert client.get(url, headers=auth("canbo.hoatham")).status_code == 404
    assert client.get(f"{url}/content", headers=auth("canbo.hoatham")).status_code == 404
    assert (
        client.get(f"{API}/assignments/{ids['own']}/evidence", headers=auth("canbo.hoatham")).json()["total"]
        == 0
    )
    assert store.exists(ev["sha256"])  # soft: the blob stays
    assert client.post(f"{url}/restore", headers=auth("canbo.hoatham")).status_code == 403
    assert client.post(f"{url}/restore", headers=auth("chutich.hoatham")).status_code == 403
    seen = client.get(f"{API}/assignments/{ids['own']}/evidence?include_deleted=true", headers=auth("noivu"))
    assert [i["id"] for i in seen.json()["items"]] == [ev["id"]]
    r = client.post(f"{url}/restore", headers=auth("noivu"))
    assert r.status_code == 200 and r.json()["deleted_at"] is None
    assert client.post(f"{url}/restore", headers=auth("noivu")).status_code == 409
    assert client.get(f"{url}/content", headers=auth("canbo.hoatham")).content == pdf_bytes()
    with Session(db) as s:
        actions = s.exec(select(AuditEvent.action).where(AuditEvent.entity_type == "evidence")).all()
    assert sorted(actions) == ["evidence.delete", "evidence.restore", "evidence.upload"]


def test_range_and_conditional_requests(
    client: TestClient, auth: Any, ids: dict[str, int], store: LocalStorage
) -> None:
    data = pdf_bytes(300_000)
    ev = _upload(client, auth("canbo.hoatham"), ids["own"], data).json()
    url, h = f"{API}/evidence/{ev['id']}/content", auth("canbo.hoatham")
    r = client.get(url, headers={**h, "Range": "bytes=100-70099"})
    assert r.status_code == 206 and r.content == data[100:70100]
    assert r.headers["content-range"] == f"bytes 100-70099/{len(data)}"
    r = client.get(url, headers={**h, "Range": "bytes=-10"})
    assert r.status_code == 206 and r.content == data[-10:]
    r = client.get(url, headers={**h, "Range": f"bytes={len(data)}-"})
    assert r.status_code == 416 and r.headers["content-range"] == f"bytes */{len(data)}"
    r = client.get(url, headers={**h, "If-None-Match": f'"{ev["sha256"]}"'})
    assert r.status_code == 304 and r.content == b""


def test_patch_metadata_requires_if_match(
    client: TestClient, auth: Any, ids: dict[str, int], store: LocalStorage
) -> None:
    h = auth("canbo.hoatham")
    ev = _upload(client, h, ids["own"], pdf_bytes())
    etag, url = ev.headers["etag"], f"{API}/evidence/{ev.json()['id']}"
    assert client.patch(url, headers=h, json={"title": "Mới"}).status_code == 428
    r = client.patch(url, headers={**h, "If-Match": etag}, json={"title": "Mới", "doc_number": "5/QĐ"})
    assert r.status_code == 200 and r.json()["title"] == "Mới" and r.headers["etag"] != etag
    assert client.patch(url, headers={**h, "If-Match": etag}, json={"title": "X"}).status_code == 412
    r = client.patch(
        url,
        headers={**h, "If-Match": r.headers["etag"]},
        json={"effective_from": "2024-05-01", "effective_to": "2024-01-01"},
    )
    assert r.status_code == 422


def test_approved_assignment_is_read_only(
    client: TestClient, auth: Any, ids: dict[str, int], store: LocalStorage, session: Session
) -> None:
    ev = _upload(client, auth("canbo.hoatham"), ids["own"], pdf_bytes()).json()
    a = session.get(Assignment, ids["own"])
    assert a is not None
    a.status = AssignmentStatus.approved
    session.commit()
    r = _upload(client, auth("canbo.hoatham"), ids["own"], pdf_bytes(seed=5))
    assert r.status_code == 409 and r.json()["code"] == "assignment_read_only"
    assert client.delete(f"{API}/evidence/{ev['id']}", headers=auth("chutich.hoatham")).status_code == 409
    assert client.get(f"{API}/evidence/{ev['id']}/content", headers=auth("canbo.hoatham")).status_code == 200


def test_idempotency_key_replays(
    client: TestClient, auth: Any, ids: dict[str, int], store: LocalStorage, db: sa.Engine
) -> None:
    h = {**auth("canbo.hoatham"), "Idempotency-Key": "up-1"}
    first = _upload(client, h, ids["own"], pdf_bytes())
    again = _upload(client, h, ids["own"], pdf_bytes())
    assert first.status_code == again.status_code == 201
    assert again.headers.get("idempotent-replayed") == "true" and again.json()["id"] == first.json()["id"]
    assert _rows(db) == 1
    other = _upload(client, h, ids["own"], pdf_bytes(seed=9))
    assert other.status_code == 422 and _rows(db) == 1


def test_plan_evidence(client: TestClient, auth: Any, ids: dict[str, int], store: LocalStorage) -> None:
    url = f"{API}/plans/{ids['plan']}/evidence"
    files = {"file": ("ke-hoach.pdf", pdf_bytes(), "application/pdf")}
    assert (
        client.post(url, headers=auth("canbo.hoatham"), data={"title": "KH"}, files=files).status_code == 404
    )
    r = client.post(url, headers=auth("noivu"), data={"title": "Kế hoạch số 99"}, files=files)
    assert r.status_code == 201 and r.json()["owner_type"] == "plan"
    listed = client.get(url, headers=auth("canbo.hoatham")).json()  # the commune sees the plan's documents
    assert [i["id"] for i in listed["items"]] == [r.json()["id"]]


def test_s3_backend_through_the_api(
    db: sa.Engine, ids: dict[str, int], moto_endpoint: str, s3_client: Any, tmp_path: Path
) -> None:
    from tests.evidence.conftest import BUCKET

    prefix = f"api-{uuid.uuid4().hex}/"
    settings = get_settings().model_copy(
        update={
            "storage_backend": "s3",
            "s3_bucket": BUCKET,
            "s3_endpoint_url": moto_endpoint,
            "s3_region": "us-east-1",
            "s3_access_key": "testing",
            "s3_secret_key": "testing",
            "s3_prefix": prefix,
            "data_dir": tmp_path,
        }
    )
    data = pdf_bytes(9 * 1024 * 1024)  # multipart upload to S3
    with TestClient(create_app(settings, db)) as c:
        h = login(c, "canbo.hoatham")
        r = _upload(c, h, ids["own"], data)
        assert r.status_code == 201, r.text
        sha = r.json()["sha256"]
        key = f"{prefix}sha256/{sha[:2]}/{sha[2:4]}/{sha}"
        assert s3_client.head_object(Bucket=BUCKET, Key=key)["ContentLength"] == len(data)
        d = c.get(f"{API}/evidence/{r.json()['id']}/content", headers=h)
        assert d.status_code == 200 and d.content == data
        part = c.get(f"{API}/evidence/{r.json()['id']}/content", headers={**h, "Range": "bytes=5-9"})
        assert part.status_code == 206 and part.content == data[5:10]
        bad = _upload(c, h, ids["own"], b"MZ" + b"\x00" * 100, filename="x.pdf")
        assert bad.status_code == 415
    assert not [p for p in (tmp_path / "evidence-spool").rglob("*") if p.is_file()]


@pytest.mark.parametrize("bad", ["\x00", "\x0b", "\x85", "\u202e", "\u2066"])
def test_upload_fields_follow_the_text_policy(
    client: TestClient, auth: Any, ids: dict[str, int], store: LocalStorage, db: sa.Engine, bad: str
) -> None:
    """Multipart text fields get the same policy as JSON bodies (api/text.py); nothing is kept."""
    r = _upload(
        client, auth("canbo.hoatham"), ids["own"], docx_bytes(), filename="bao-cao.docx", title=f"Báo{bad}cáo"
    )
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "invalid_text" and r.json()["errors"][0]["field"] == "title"
    assert _rows(db) == 0 and not [p for p in _disk(store) if not p.startswith("tmp")]


def test_legacy_word_and_excel_uploads(
    client: TestClient, auth: Any, ids: dict[str, int], store: LocalStorage, db: sa.Engine
) -> None:
    """DOC and XLS are kept when the sniffer verifies them (#18); a .doc with macros is refused, nothing kept."""
    from tests.evidence import ole2

    h = auth("canbo.hoatham")
    for data, name, mime in ((ole2.word(), "bien-ban.doc", "application/msword"),
                             (ole2.excel(), "so-lieu.xls", "application/vnd.ms-excel")):  # fmt: skip
        r = _upload(client, h, ids["own"], data, filename=name)
        assert r.status_code == 201, r.text
        assert r.json()["mime"] == mime and r.json()["filename"] == name
        got = client.get(f"{API}/evidence/{r.json()['id']}/content", headers=h)
        assert got.status_code == 200 and got.content == data
    rows = _rows(db)
    bad = _upload(client, h, ids["own"], ole2.word(macros=True), filename="co-macro.doc")
    assert bad.status_code == 415 and "macro" in bad.json()["detail"]
    assert _rows(db) == rows


def test_accepted_types_and_limit_for_the_drop_zones(client: TestClient, auth: Any, app: Any) -> None:
    r = client.get(f"{API}/evidence/accepted", headers=auth("canbo.hoatham"))
    assert r.status_code == 200
    body = r.json()
    assert body["max_mb"] == app.state.settings.max_upload_mb
    assert [t["extension"] for t in body["types"]] == ["pdf", "doc", "docx", "xls", "xlsx", "odt", "ods", "jpg",
                                                       "png", "zip"]  # fmt: skip
    assert body["names"] == "PDF, DOC, DOCX, XLS, XLSX, ODT, ODS, JPEG, PNG, ZIP"
    assert client.get(f"{API}/evidence/accepted").status_code == 401


def test_upload_errors_name_the_field_in_words(
    client: TestClient, auth: Any, ids: dict[str, int], store: LocalStorage, db: sa.Engine
) -> None:
    """An empty required field and a period out of order are each marked on their own field, named as the form
    names it (#18), and nothing is kept."""
    h = auth("canbo.hoatham")
    r = _upload(
        client, h, ids["own"], pdf_bytes(), title="", effective_from="2024-05-01", effective_to="2024-01-01"
    )
    assert r.status_code == 422
    errors = {e["field"]: e for e in r.json()["errors"]}
    assert errors["title"]["message"] == "Chưa nhập tiêu đề (bắt buộc)."
    assert errors["effective_to"]["code"] == "invalid_period"
    assert errors["effective_to"]["message"] == "Hiệu lực đến ngày không được trước ngày “Hiệu lực từ ngày”."
    assert _rows(db) == 0
