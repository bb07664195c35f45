"""CCHC activities: inspections with findings and follow-ups that are ordinary assignments of the inspected unit,
outreach outputs, accountability sessions; their scope, validation, idempotency, If-Match and the period summary."""

from datetime import date

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from api.authz.permissions import Permission
from api.authz.principal import Principal, grant_for_role
from api.models import AuditEvent, OrgUnit, Task
from api.models.activity import Finding, Inspection, OutreachOutput
from api.models.user import Role
from tests.dashboards.test_summary import count_statements

API = "/api/v1"
P = Permission


def _unit(session: Session, code: str) -> OrgUnit:
    unit = session.exec(select(OrgUnit).where(OrgUnit.code == code)).one()
    session.commit()  # SQLite: no transaction left open while the app writes
    return unit


def _all(session: Session, stmt: object) -> list:  # type: ignore[type-arg]
    rows = list(session.exec(stmt).all())  # type: ignore[call-overload]
    session.commit()
    return rows


def _inspect(
    client: TestClient, h: dict[str, str], unit_id: int, day: str = "2024-08-20", **kw: object
) -> dict:  # type: ignore[type-arg]
    body = {"unit_id": unit_id, "kind": "periodic", "date": day, "team": ["Hoàng Thị Lan - Phòng Nội vụ"],
            "areas": ["thu_tuc_hanh_chinh", "chinh_quyen_so"], "summary": "Kiểm tra công tác CCHC", **kw}  # fmt: skip
    r = client.post(f"{API}/inspections", json=body, headers=h)
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def _finding(client: TestClient, h: dict[str, str], ins_id: int, follow: bool = True, **kw: object) -> dict:  # type: ignore[type-arg]
    body: dict[str, object] = {"content": "Chưa niêm yết đầy đủ TTHC tại bộ phận một cửa", "severity": "medium",
                               "area": "thu_tuc_hanh_chinh", **kw}  # fmt: skip
    if follow:
        body["follow_up"] = {"title": "Niêm yết đầy đủ, cập nhật TTHC tại bộ phận một cửa",
                             "product": "Báo cáo kết quả khắc phục", "deadline": "2024-10-31"}  # fmt: skip
    r = client.post(f"{API}/inspections/{ins_id}/findings", json=body, headers=h)
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def test_follow_up_is_an_ordinary_assignment_in_the_units_work_list_and_buckets(
    client: TestClient, session: Session, auth
) -> None:  # type: ignore[no-untyped-def]
    hoatham = _unit(session, "LS.BG.X.HOATHAM")
    noivu = auth("noivu")
    ins = _inspect(client, noivu, hoatham.id or 0)
    assert ins["status"] == "open" and ins["unit_name"] and ins["findings"] == []
    assert set(ins["allowed_actions"]) >= {"update", "add_finding", "close"}
    got = _finding(client, noivu, ins["id"])
    (finding,) = got["findings"]
    fu = finding["follow_up"]
    assert fu["title"].startswith("Niêm yết") and fu["deadline"] == "2024-10-31"
    assert fu["status"] == "not_started" and fu["bucket"] == "in_progress_on_time"
    assert "delete" not in finding["allowed_actions"]

    # The commune sees it in its own work list, with its bucket, and in the counts.
    head = auth("chutich.hoatham")
    work = client.get(f"{API}/assignments/work", headers=head, params={"limit": 500}).json()
    row = next(i for i in work["items"] if i["id"] == fu["assignment_id"])
    assert row["bucket"] == "in_progress_on_time"
    listed = client.get(
        f"{API}/assignments", headers=head, params={"bucket": "in_progress_on_time", "limit": 500}
    )
    assert fu["assignment_id"] in {i["id"] for i in listed.json()["items"]}
    # It is a task of the district's issued plan, in the on-demand section, added by amendment with its reason.
    task = client.get(f"{API}/tasks/{fu['task_id']}", headers=noivu).json()
    assert task["label"].startswith("KP.")
    reasons = _all(
        session,
        select(AuditEvent.note).where(
            AuditEvent.action == "plan_amended", AuditEvent.entity_id == str(fu["assignment_id"])
        ),
    )
    assert reasons == ["Bổ sung nhiệm vụ khắc phục sau kiểm tra ngày 20/08/2024"]
    # A second follow-up goes into the same section with the next number.
    second = _finding(client, noivu, ins["id"], content="Chưa số hóa hồ sơ", severity="low")
    labels = {client.get(f"{API}/tasks/{f['follow_up']['task_id']}", headers=noivu).json()["label"]
              for f in second["findings"]}  # fmt: skip
    assert len(labels) == 2 and all(x.startswith("KP.") for x in labels)

    # Closing waits for the follow-ups (or a forced close with its reason).
    etag = client.get(f"{API}/inspections/{ins['id']}", headers=noivu).headers["ETag"]
    r = client.post(
        f"{API}/inspections/{ins['id']}/close",
        json={"conclusion": "Đạt"},
        headers={**noivu, "If-Match": etag},
    )
    assert r.status_code == 409 and r.json()["code"] == "follow_ups_open"
    r = client.post(f"{API}/inspections/{ins['id']}/close", json={"conclusion": "Đạt", "force": True},
                    headers={**noivu, "If-Match": etag})  # fmt: skip
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    r = client.post(f"{API}/inspections/{ins['id']}/close",
                    json={"conclusion": "Đạt", "force": True, "reason": "Theo dõi tiếp trong kế hoạch năm"},
                    headers={**noivu, "If-Match": etag})  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "closed" and r.json()["close_reason"] == "Theo dõi tiếp trong kế hoạch năm"


def test_no_issued_plan_refuses_the_follow_up_and_writes_nothing(
    client: TestClient, session: Session, auth
) -> None:  # type: ignore[no-untyped-def]
    hoatham = _unit(session, "LS.BG.X.HOATHAM")
    noivu = auth("noivu")
    ins = _inspect(client, noivu, hoatham.id or 0, day="2023-05-10")
    body = {"content": "X", "severity": "high", "follow_up": {"title": "Y", "deadline": "2023-06-30"}}
    r = client.post(f"{API}/inspections/{ins['id']}/findings", json=body, headers=noivu)
    assert r.status_code == 409 and r.json()["code"] == "no_issued_plan"
    assert "2023" in r.json()["detail"]
    assert _all(session, select(Finding).where(Finding.inspection_id == ins["id"])) == []


def test_a_commune_sees_only_its_own_inspections_and_sessions(
    client: TestClient, session: Session, auth
) -> None:  # type: ignore[no-untyped-def]
    hoatham, tanvan = _unit(session, "LS.BG.X.HOATHAM"), _unit(session, "LS.BG.X.TANVAN")
    noivu = auth("noivu")
    own = _inspect(client, noivu, hoatham.id or 0)
    other = _inspect(client, noivu, tanvan.id or 0, kind="adhoc")
    s_own = client.post(f"{API}/accountability-sessions", headers=noivu,
                        json={"unit_id": hoatham.id, "date": "2024-09-12", "items": [{"label": "Chậm số hóa"}]}).json()  # fmt: skip
    s_other = client.post(f"{API}/accountability-sessions", headers=noivu,
                          json={"unit_id": tanvan.id, "date": "2024-09-12", "items": [{"label": "Chậm"}]}).json()  # fmt: skip
    head = auth("chutich.hoatham")
    listed = client.get(f"{API}/inspections", headers=head).json()
    assert own["id"] in {i["id"] for i in listed["items"]} and other["id"] not in {
        i["id"] for i in listed["items"]
    }
    assert {i["unit_id"] for i in listed["items"]} == {hoatham.id} and listed["total"] == len(listed["items"])
    assert client.get(f"{API}/inspections/{other['id']}", headers=head).status_code == 404
    assert client.get(f"{API}/inspections/{own['id']}", headers=head).status_code == 200
    sessions = client.get(f"{API}/accountability-sessions", headers=head).json()
    assert s_own["id"] in {s["id"] for s in sessions["items"]}
    assert {s["unit_id"] for s in sessions["items"]} == {hoatham.id} and sessions["total"] == len(
        sessions["items"]
    )
    assert client.get(f"{API}/accountability-sessions/{s_other['id']}", headers=head).status_code == 404
    assert client.get(f"{API}/inspections/{other['id']}/evidence", headers=head).status_code == 404
    # The commune reads, it does not manage: no actions offered, and the edit is refused.
    assert client.get(f"{API}/inspections/{own['id']}", headers=head).json()["allowed_actions"] == []
    # The district sees both.
    seen = {
        i["id"]
        for i in client.get(f"{API}/inspections", headers=noivu, params={"limit": 500}).json()["items"]
    }
    assert {own["id"], other["id"]} <= seen
    # And the summary for the commune's head counts only its own rows, even when asked for more.
    from api.activities.summary import period_summary

    principal = Principal(user_id=None, token_id=None, name="t",
                          grants=(grant_for_role(hoatham.id or 0, hoatham.path, Role.unit_head),))  # fmt: skip
    got = period_summary(
        session, principal, [hoatham.id or 0, tanvan.id or 0], date(2024, 7, 1), date(2024, 9, 30)
    )
    assert own["id"] in [i.id for i in got.inspections] and {i.unit_id for i in got.inspections} == {
        hoatham.id
    }
    assert s_own["id"] in [s.id for s in got.sessions] and {s.unit_id for s in got.sessions} == {hoatham.id}


def test_validation_errors_are_vietnamese_problems_and_change_nothing(
    client: TestClient, session: Session, auth
) -> None:  # type: ignore[no-untyped-def]
    hoatham = _unit(session, "LS.BG.X.HOATHAM")
    noivu = auth("noivu")
    before = (len(_all(session, select(Inspection))), len(_all(session, select(OutreachOutput))))
    findings = len(_all(session, select(Finding)))
    bad = [
        {"unit_id": hoatham.id, "kind": "weekly", "date": "2024-08-20"},
        {"unit_id": hoatham.id, "kind": "periodic", "date": "2024-08-20", "areas": ["khong_co"]},
    ]
    for body in bad:
        r = client.post(f"{API}/inspections", json=body, headers=noivu)
        assert r.status_code == 422, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["detail"] and any(ch in r.json()["detail"] for ch in "ạảãáàâăđêôơư")
    unknown = client.post(f"{API}/inspections", json={"unit_id": 999999, "kind": "periodic", "date": "2024-08-20"},
                          headers=noivu)  # fmt: skip
    assert unknown.status_code == 404 and unknown.headers["content-type"].startswith(
        "application/problem+json"
    )
    r = client.post(f"{API}/outreach-outputs", headers=noivu,
                    json={"unit_id": hoatham.id, "date": "2024-08-01", "kind": "article", "title": "A", "quantity": 0})  # fmt: skip
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "quantity"
    assert (len(_all(session, select(Inspection))), len(_all(session, select(OutreachOutput)))) == before
    ins = _inspect(client, noivu, hoatham.id or 0)
    r = client.post(f"{API}/inspections/{ins['id']}/findings", headers=noivu,
                    json={"content": "x", "severity": "low", "follow_up": {"title": "y", "deadline": "2024-01-01"}})  # fmt: skip
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "follow_up.deadline"
    assert len(_all(session, select(Finding))) == findings


def test_creates_are_idempotent_and_edits_need_if_match(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    vhtt = _unit(session, "LS.BG.VHTT")
    officer = auth("canbo.vhtt")
    body = {"unit_id": vhtt.id, "date": "2024-08-05", "kind": "loudspeaker", "language": "tay",
            "title": "Tuyên truyền CCHC bằng tiếng Tày", "quantity": 12, "audience": 3000}  # fmt: skip
    h = {**officer, "Idempotency-Key": "outreach-1"}
    before = len(_all(session, select(OutreachOutput)))
    first = client.post(f"{API}/outreach-outputs", json=body, headers=h)
    again = client.post(f"{API}/outreach-outputs", json=body, headers=h)
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert len(_all(session, select(OutreachOutput))) == before + 1
    oid = first.json()["id"]
    assert set(first.json()["allowed_actions"]) >= {"update", "delete"}
    r = client.patch(f"{API}/outreach-outputs/{oid}", json={"quantity": 15}, headers=officer)
    assert r.status_code == 428
    r = client.patch(
        f"{API}/outreach-outputs/{oid}", json={"quantity": 15}, headers={**officer, "If-Match": '"x"'}
    )
    assert r.status_code == 412
    etag = client.get(f"{API}/outreach-outputs/{oid}", headers=officer).headers["ETag"]
    r = client.patch(
        f"{API}/outreach-outputs/{oid}", json={"quantity": 15}, headers={**officer, "If-Match": etag}
    )
    assert r.status_code == 200 and r.json()["quantity"] == 15 and r.headers["ETag"] != etag
    # A commune officer cannot write another unit's outreach (not in its reach: 404), nor see it.
    other = auth("canbo.hoatham")
    assert client.get(f"{API}/outreach-outputs/{oid}", headers=other).status_code == 404
    assert (
        client.delete(f"{API}/outreach-outputs/{oid}", headers={**other, "If-Match": etag}).status_code == 404
    )


def test_accountability_explanation_by_the_head_and_follow_up(
    client: TestClient, session: Session, auth
) -> None:  # type: ignore[no-untyped-def]
    hoatham = _unit(session, "LS.BG.X.HOATHAM")
    noivu, head = auth("noivu"), auth("chutich.hoatham")
    work = client.get(f"{API}/assignments", headers=head, params={"bucket": "overdue", "limit": 1}).json()[
        "items"
    ]
    items = [{"assignment_id": work[0]["id"]}] if work else []
    s = client.post(f"{API}/accountability-sessions", headers=noivu,
                    json={"unit_id": hoatham.id, "date": "2024-09-12", "chaired_by": "Nguyễn Mạnh Tuấn, Chủ tịch UBND huyện",
                          "head_name": "Hoàng Văn Minh", "head_title": "Chủ tịch UBND xã",
                          "items": [*items, {"label": "Tỷ lệ hồ sơ trực tuyến thấp"}]})  # fmt: skip
    assert s.status_code == 201, s.text
    sid = s.json()["id"]
    if items:
        assert s.json()["items"][0]["label"].startswith("Nhiệm vụ ")
    assert "explain" not in s.json()["allowed_actions"]  # Phòng Nội vụ does not answer for the commune
    got = client.get(f"{API}/accountability-sessions/{sid}", headers=head)
    assert "explain" in got.json()["allowed_actions"]
    r = client.put(f"{API}/accountability-sessions/{sid}/explanation", json={"explanation": "Do thiếu cán bộ"},
                   headers={**head, "If-Match": got.headers["ETag"]})  # fmt: skip
    assert r.status_code == 200 and r.json()["explanation"] == "Do thiếu cán bộ"
    # Another commune's head cannot answer for Hoa Thám.
    r = client.put(f"{API}/accountability-sessions/{sid}/explanation", json={"explanation": "x"},
                   headers={**auth("chutich.tanvan"), "If-Match": r.headers["ETag"]})  # fmt: skip
    assert r.status_code == 404
    r = client.post(f"{API}/accountability-sessions/{sid}/follow-ups", headers=noivu,
                    json={"title": "Nâng tỷ lệ hồ sơ trực tuyến", "deadline": "2024-12-15"})  # fmt: skip
    assert r.status_code == 201, r.text
    (fu,) = r.json()["follow_ups"]
    mine = client.get(f"{API}/assignments/work", headers=head, params={"limit": 500}).json()["items"]
    assert fu["assignment_id"] in {i["id"] for i in mine}


def test_lists_and_summary_use_a_fixed_number_of_statements(
    client: TestClient, session: Session, auth, db
) -> None:  # type: ignore[no-untyped-def]
    from api.activities.summary import period_summary

    bg, hoatham = (
        _unit(session, "LS.BG"),
        _unit(session, "LS.BG.X.HOABINH"),
    )  # a commune without demo activities
    noivu = auth("noivu")
    principal = Principal(user_id=None, token_id=None, name="t",
                          grants=(grant_for_role(bg.id or 0, bg.path, Role.district_admin),))  # fmt: skip
    counts: dict[int, tuple[int, int, int]] = {}
    made = 0
    for n in (1, 6):
        while made < n:
            ins = _inspect(client, noivu, hoatham.id or 0, day=f"2024-08-{10 + made}")
            _finding(client, noivu, ins["id"])
            r = client.post(f"{API}/accountability-sessions", headers=noivu,
                            json={"unit_id": hoatham.id, "date": f"2024-09-{10 + made}", "items": [{"label": "a"}, {"label": "b"}]})  # fmt: skip
            assert r.status_code == 201, r.text
            made += 1
        with count_statements(db) as summary:
            got = period_summary(
                session, principal, [bg.id or 0, hoatham.id or 0], date(2024, 7, 1), date(2024, 9, 30)
            )
        session.commit()
        assert len(got.inspections) == n and got.follow_ups_open == n
        with count_statements(db) as listed:
            r = client.get(f"{API}/inspections", headers=noivu, params={"unit_id": hoatham.id})
        assert r.json()["total"] == n and all(len(i["findings"]) == 1 for i in r.json()["items"])
        with count_statements(db) as sessions:
            r = client.get(f"{API}/accountability-sessions", headers=noivu, params={"unit_id": hoatham.id})
        assert r.json()["total"] == n and all(len(s["items"]) == 2 for s in r.json()["items"])
        counts[n] = (len(summary), len(listed), len(sessions))
    assert counts[1] == counts[6] and counts[1][0] == 4, counts


def test_summary_counts_rows_inside_the_window_only(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    # Units without demo activities (the demo's own Quý III rows are Hoa Thám's, Tân Văn's, Hồng Phong's…).
    bg, hoatham, tanvan = (
        _unit(session, "LS.BG"),
        _unit(session, "LS.BG.X.HOABINH"),
        _unit(session, "LS.BG.X.MINHKHAI"),
    )
    noivu, vhtt = auth("noivu"), _unit(session, "LS.BG.TP")
    inside = _inspect(client, noivu, hoatham.id or 0, day="2024-07-01")
    _finding(client, noivu, inside["id"], severity="high")
    _finding(client, noivu, inside["id"], follow=False, severity="low")
    _inspect(client, noivu, tanvan.id or 0, day="2024-09-30", kind="adhoc")
    _inspect(client, noivu, hoatham.id or 0, day="2024-06-30")  # Quý II: outside
    _inspect(client, noivu, hoatham.id or 0, day="2024-10-01")  # Quý IV: outside
    for day, kind, lang, qty, aud in [("2024-07-15", "article", "vi", 2, 0), ("2024-08-15", "loudspeaker", "tay", 10, 2000),
                                      ("2024-09-15", "loudspeaker", "tay", 5, 1000), ("2024-10-02", "article", "vi", 9, 9)]:  # fmt: skip
        r = client.post(f"{API}/outreach-outputs", headers=noivu, json={"unit_id": vhtt.id, "date": day, "kind": kind,
                        "language": lang, "title": "Tin bài CCHC", "quantity": qty, "audience": aud})  # fmt: skip
        assert r.status_code == 201, r.text
    client.post(
        f"{API}/accountability-sessions", headers=noivu, json={"unit_id": hoatham.id, "date": "2024-09-12"}
    )
    client.post(
        f"{API}/accountability-sessions", headers=noivu, json={"unit_id": hoatham.id, "date": "2024-12-12"}
    )
    from api.activities.summary import period_summary

    principal = Principal(user_id=None, token_id=None, name="t",
                          grants=(grant_for_role(bg.id or 0, bg.path, Role.district_admin),))  # fmt: skip
    mine = [hoatham.id or 0, tanvan.id or 0, vhtt.id or 0]
    got = period_summary(session, principal, mine, date(2024, 7, 1), date(2024, 9, 30))
    assert [i.date for i in got.inspections] == [date(2024, 7, 1), date(2024, 9, 30)]
    assert (got.inspections_periodic, got.inspections_adhoc, got.units_inspected) == (1, 1, 2)
    assert got.findings == 2 and got.findings_by_severity == {"low": 1, "medium": 0, "high": 1}
    assert (got.follow_ups_open, got.follow_ups_done) == (1, 0)
    assert got.inspections[1].kind_label == "Đột xuất"
    lines = {(o.kind, o.language): o for o in got.outreach}
    assert set(lines) == {("article", "vi"), ("loudspeaker", "tay")}
    assert lines[("loudspeaker", "tay")].entries == 2 and lines[("loudspeaker", "tay")].quantity == 15
    assert (
        lines[("loudspeaker", "tay")].audience == 3000
        and lines[("loudspeaker", "tay")].language_label == "Tiếng Tày"
    )
    assert (got.outreach_entries, got.outreach_quantity, got.outreach_audience) == (3, 17, 3000)
    assert [s.date for s in got.sessions] == [date(2024, 9, 12)]
    # A unit's own report passes only that unit.
    only = period_summary(session, principal, [tanvan.id or 0], date(2024, 7, 1), date(2024, 9, 30))
    # The district's report passes the whole subtree: the demo's Quý III rows come in as well.
    subtree = [u.id or 0 for u in _all(session, select(OrgUnit).where(col(OrgUnit.path).startswith(bg.path)))]
    district = period_summary(session, principal, subtree, date(2024, 7, 1), date(2024, 9, 30))
    assert {i.id for i in got.inspections} < {i.id for i in district.inspections}
    assert district.outreach_entries > got.outreach_entries and len(district.sessions) > len(got.sessions)
    assert (
        [i.unit_id for i in only.inspections] == [tanvan.id] and only.outreach == [] and only.sessions == []
    )


def test_inspection_evidence_through_the_evidence_machinery(
    client: TestClient, session: Session, auth
) -> None:  # type: ignore[no-untyped-def]
    hoatham, tanvan = _unit(session, "LS.BG.X.HOATHAM"), _unit(session, "LS.BG.X.TANVAN")
    noivu = auth("noivu")
    ins = _inspect(client, noivu, hoatham.id or 0)
    pdf = b"%PDF-1.4\n" + b"bien ban kiem tra\n" * 64 + b"%%EOF\n"
    r = client.post(f"{API}/inspections/{ins['id']}/evidence", headers=noivu, data={"title": "Biên bản kiểm tra"},
                    files={"file": ("bien-ban.pdf", pdf, "application/pdf")})  # fmt: skip
    assert r.status_code == 201, r.text
    # The inspected commune reads it (it is the commune's document); another commune does not.
    head = auth("chutich.hoatham")
    listed = client.get(f"{API}/inspections/{ins['id']}/evidence", headers=head).json()
    assert [e["title"] for e in listed["items"]] == ["Biên bản kiểm tra"]
    assert client.get(f"{API}/inspections/{ins['id']}", headers=head).json()["evidence_count"] == 1
    assert (
        client.get(f"{API}/inspections/{ins['id']}/evidence", headers=auth("chutich.tanvan")).status_code
        == 404
    )
    # The commune may not attach documents to the district's inspection (it does not manage it).
    r = client.post(f"{API}/inspections/{ins['id']}/evidence", headers=head, data={"title": "X"},
                    files={"file": ("x.pdf", pdf, "application/pdf")})  # fmt: skip
    assert r.status_code == 404
    # A session's follow-up deadline before the session: 422 on the body's own field.
    s = client.post(f"{API}/accountability-sessions", headers=noivu,
                    json={"unit_id": tanvan.id, "date": "2024-09-12"}).json()  # fmt: skip
    r = client.post(f"{API}/accountability-sessions/{s['id']}/follow-ups", headers=noivu,
                    json={"title": "Khắc phục", "deadline": "2024-09-01"})  # fmt: skip
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "deadline"


def test_a_replayed_finding_creates_one_follow_up(client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    hoatham = _unit(session, "LS.BG.X.HOATHAM")
    noivu = auth("noivu")
    ins = _inspect(client, noivu, hoatham.id or 0)
    body = {"content": "Thiếu sổ theo dõi", "severity": "medium",
            "follow_up": {"title": "Lập sổ theo dõi", "deadline": "2024-11-30"}}  # fmt: skip
    h = {**noivu, "Idempotency-Key": "finding-1"}
    first = client.post(f"{API}/inspections/{ins['id']}/findings", json=body, headers=h)
    again = client.post(f"{API}/inspections/{ins['id']}/findings", json=body, headers=h)
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert len(_all(session, select(Finding).where(Finding.inspection_id == ins["id"]))) == 1
    tasks = _all(session, select(Task).where(Task.title == "Lập sổ theo dõi"))
    assert len(tasks) == 1
