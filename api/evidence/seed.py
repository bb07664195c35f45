"""Demo: tài liệu kiểm chứng of the Bình Gia 2024 plan's assignments (idempotent).

Points at risk calls a criterion *secured* only when every linked assignment of the unit is approved on time
**with evidence**; without evidence rows the demo would show nothing secured. So most communes get one document
per assignment approved on time (a few communes and a few assignments are left without, so every class of
points at risk has data): a title taken from the task's product, số/ký hiệu, ngày ban hành (the day the work was
reported done), the commune's People's Committee as issuing body, effective dates in 2024, uploaded on the demo
date by the commune's officer.

The files are real blobs in the configured evidence store (``parsipas verify-storage`` finds every one): a few
small generated PDFs, one per kind of document, content-addressed, so many rows share them. A row is added only
to an assignment that has no evidence yet, and a blob is written only when missing: running the seed twice
changes nothing.
"""

import hashlib
import uuid
from datetime import UTC, date, datetime, time
from typing import Any

from sqlmodel import Session, col, select

from api.demo.seed import load_yaml
from api.evidence.service import storage_from_settings
from api.evidence.storage import Storage, StoredBlob
from api.models import (
    Assignment,
    AssignmentStatus,
    Evidence,
    EvidenceOwner,
    OrgUnit,
    Plan,
    Task,
    UnitLevel,
    User,
)

PLAN_FILE = "plan_binh_gia_2024.yaml"
_NAMESPACE = uuid.UUID("6f1d2c3a-0b7e-4e39-9a51-2f4c8d9e0a17")

# Communes whose officers have not attached anything yet: their criteria stay "at risk" (approved without
# evidence) or "in progress", never secured.
WITHOUT_EVIDENCE = frozenset({"LS.BG.X.BINHLA", "LS.BG.X.HONGTHAI", "LS.BG.X.YENLO"})
SKIP_PERCENT = 12  # of the other communes' approved-on-time assignments, left without evidence

# kind → (ký hiệu, the PDF's heading (ASCII: the PDF's standard font has no Vietnamese glyphs), effective to 31/12)
KINDS: dict[str, tuple[str, str, bool]] = {
    "Kế hoạch": ("KH-UBND", "KE HOACH", True),
    "Báo cáo": ("BC-UBND", "BAO CAO", False),
    "Quyết định": ("QĐ-UBND", "QUYET DINH", False),
    "Thông báo": ("TB-UBND", "THONG BAO", False),
    "Văn bản": ("UBND-VP", "CONG VAN", False),
}


def _pick(*parts: str) -> int:
    """A stable number 0..99 for a combination of keys (deterministic demo data)."""
    return int(hashlib.sha256("|".join(parts).encode()).hexdigest()[:8], 16) % 100


def pdf_document(heading: str) -> bytes:
    """A minimal valid one-page PDF (Helvetica) with a heading and the demo notice."""
    lines = [
        "UY BAN NHAN DAN XA - HUYEN BINH GIA - TINH LANG SON",
        heading,
        "Tai lieu kiem chung (du lieu mau / demo data) - parsipas",
    ]
    text = "BT /F1 14 Tf 72 760 Td " + " 0 -24 Td ".join(f"({line}) Tj" for line in lines) + " ET"
    stream = text.encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def demo_hashes() -> set[str]:
    """SHA-256 of the demo's generated documents (what tests tell apart from their own uploads)."""
    return {hashlib.sha256(pdf_document(heading)).hexdigest() for _s, heading, _e in KINDS.values()}


def _store(storage: Storage, content: bytes) -> StoredBlob:
    sha = hashlib.sha256(content).hexdigest()
    if storage.exists(sha):
        return StoredBlob(sha256=sha, size=len(content))
    with storage.open_writer() as w:
        w.write(content)
        return w.commit()


def _period(instance_key: str) -> str:
    """``2024-Q3`` → ``Quý III/2024``, ``2024-03`` → ``tháng 03/2024``."""
    year, _, part = instance_key.partition("-")
    if part.startswith("Q") and part[1:] in ("1", "2", "3", "4"):
        return f"Quý {('I', 'II', 'III', 'IV')[int(part[1:]) - 1]}/{year}"
    return f"tháng {part}/{year}" if part else instance_key


def _kind_and_title(task: Task, unit: OrgUnit, instance_key: str, k: int) -> tuple[str, str]:
    """The document kind and title: one of the task's products (``;``-separated), as the commune's own
    document, else a report on the task; a recurring assignment's period is named."""
    items = [p.strip().rstrip(".") for p in (task.product or "").split(";") if p.strip()]
    item = (items[k % len(items)] if items else "").replace("của UBND huyện", f"của {unit.name}")
    kind = next((kd for kd in KINDS if item.lower().startswith(kd.lower())), None)
    short = task.title if len(task.title) <= 160 else task.title[:157].rstrip(" ,;") + "…"
    if kind is None:
        kind = "Báo cáo" if not item else "Văn bản"
        item = (
            f"Báo cáo kết quả thực hiện nhiệm vụ {task.label}"
            if not item
            else f"Văn bản về {item[0].lower()}{item[1:]}"
        )
    title = item[0].upper() + item[1:]
    if len(title) < 40:  # generic ("Văn bản triển khai"): say what it implements
        title = f"{title} nhiệm vụ {task.label}: {short[0].lower()}{short[1:]}"
    if instance_key:
        title = f"{title} ({_period(instance_key)})"
    return kind, title


def seed_evidence(session: Session, *, units: dict[str, OrgUnit], settings: Any) -> int:
    """Attach demo evidence to the communes' assignments approved on time; returns the rows added."""
    p = load_yaml(PLAN_FILE)["plan"]
    plan = session.exec(select(Plan).where(Plan.year == p["year"], Plan.number == str(p["number"]))).first()
    if plan is None:
        return 0
    communes = {u.id: u for u in units.values() if u.level == UnitLevel.commune and u.id is not None}
    tasks = {t.id: t for t in session.exec(select(Task).where(Task.plan_id == plan.id)).all()}
    rows = session.exec(
        select(Assignment).where(
            col(Assignment.task_id).in_(list(tasks)),
            col(Assignment.unit_id).in_(list(communes)),
            Assignment.status == AssignmentStatus.approved,
        )
    ).all()
    on_time = [
        a for a in rows if a.due_date is None or a.completed_date is None or a.completed_date <= a.due_date
    ]
    have = set(
        session.exec(
            select(Evidence.owner_id).where(
                Evidence.owner_type == EvidenceOwner.assignment,
                col(Evidence.owner_id).in_([a.id for a in on_time]),
            )
        ).all()
    )
    todo = [
        a
        for a in on_time
        if a.id not in have
        and communes[a.unit_id].code not in WITHOUT_EVIDENCE
        and _pick(communes[a.unit_id].code, str(a.task_id), a.instance_key, "ev") >= SKIP_PERCENT
    ]
    if not todo:
        return 0
    storage = storage_from_settings(settings)
    blobs = {kind: _store(storage, pdf_document(heading)) for kind, (_s, heading, _e) in KINDS.items()}
    officers = {
        name: uid for name, uid in session.exec(select(User.username, User.id)).all() if uid is not None
    }
    uploaded_day: date = settings.today()
    for a in sorted(todo, key=lambda a: a.id or 0):
        unit, task = communes[a.unit_id], tasks[a.task_id]
        k = _pick(unit.code, task.label, a.instance_key)
        kind, title = _kind_and_title(task, unit, a.instance_key, k)
        symbol, _heading, yearly = KINDS[kind]
        issued = a.completed_date or a.due_date or uploaded_day
        number = 10 + (k * 7 + _pick(task.label, a.instance_key)) % 240
        blob = blobs[kind]
        short = unit.code.rsplit(".", 1)[-1].lower()
        session.add(
            Evidence(
                series_id=str(uuid.uuid5(_NAMESPACE, f"assignment|{a.id}")),
                version_no=1,
                owner_type=EvidenceOwner.assignment,
                owner_id=a.id or 0,
                unit_id=unit.id or 0,
                title=title[:500],
                doc_number=f"{number}/{symbol}",
                issue_date=issued,
                issuing_body=unit.name,
                effective_from=issued,
                effective_to=date(issued.year, 12, 31) if yearly else None,
                description=f"Bản scan văn bản gốc lưu tại Văn phòng {unit.name} (dữ liệu mẫu).",
                filename=f"{number}-{symbol.replace('Đ', 'D')}-{short}.pdf",
                mime="application/pdf",
                size=blob.size,
                sha256=blob.sha256,
                uploaded_by_id=officers.get(f"canbo.{short}"),
                uploaded_at=datetime.combine(uploaded_day, time(1 + k % 8, k % 60), tzinfo=UTC),
            )
        )
    session.flush()
    return len(todo)
