"""Plain factory functions for the framework API tests."""

import copy
from typing import Any

from sqlmodel import Session, select

from api.frameworks.library import dump_document, load_file, shipped_files
from api.models import Framework, FrameworkNode, OrgUnit, Plan, Task, TaskNode

V1 = "/api/v1"
SHIPPED_PAR = "par_index_province_qd876.yaml"


def node(code: str, parent: str | None, points: float | None, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": code,
        "parent": parent,
        "title": f"Tiêu chí {code}",
        "order": 1,
        "level_name": "Tiêu chí",
        "max_points": points,
        "scoring_method": "self_assessed",
        "verified": True,
    }
    data.update(extra)
    return data


def document(code: str, nodes: list[dict[str, Any]], **meta: Any) -> dict[str, Any]:
    framework: dict[str, Any] = {
        "code": code,
        "name": f"Bộ chỉ số {code}",
        "kind": "local_index",
        "valid_from_year": 2024,
        "status": "draft",
        "scale": 10,
        "provenance": "Dữ liệu kiểm thử",
    }
    framework.update(meta)
    return {"format_version": 1, "framework": framework, "nodes": nodes}


def small_nodes() -> list[dict[str, Any]]:
    return [
        node("1", None, 6, level_name="Lĩnh vực", title="Cải cách thủ tục hành chính"),
        node("1.1", "1", 2),
        node("1.2", "1", 4),
        node("2", None, 4, level_name="Lĩnh vực"),
    ]


def big_document(code: str, count: int) -> dict[str, Any]:
    """``count`` nodes: 10 lĩnh vực, each with tiêu chí, each with 2 tiêu chí thành phần (sums hold)."""
    nodes: list[dict[str, Any]] = []
    roots = 10
    per_root = max(1, (count - roots) // (roots * 3))
    for r in range(1, roots + 1):
        nodes.append(node(f"{r}", None, per_root * 2.0, level_name="Lĩnh vực", order=r))
        for c in range(1, per_root + 1):
            nodes.append(node(f"{r}.{c}", f"{r}", 2, order=c))
            nodes.append(node(f"{r}.{c}.1", f"{r}.{c}", 1.5, order=1, level_name="TCTP"))
            nodes.append(node(f"{r}.{c}.2", f"{r}.{c}", 0.5, order=2, level_name="TCTP"))
    while len(nodes) < count:  # top up with zero-point leaves under the last criterion
        nodes.append(node(f"10.1.{len(nodes)}", "10.1", 0, order=len(nodes)))
    nodes = nodes[:count]
    return document(code, nodes, scale=roots * per_root * 2.0)


def shipped_documents() -> dict[str, dict[str, Any]]:
    """File name → canonical dict of every shipped framework file."""
    return {p.name: dump_document(load_file(p)) for p in shipped_files()}


def renamed(doc: dict[str, Any], code: str) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    out["framework"]["code"] = code
    return out


def framework_by_code(session: Session, code: str) -> Framework:
    session.expire_all()
    fw = session.exec(select(Framework).where(Framework.code == code)).one()
    session.expunge(fw)  # keep its values readable without a new transaction
    session.rollback()  # end the transaction: on SQLite it holds the write lock the app needs
    return fw


def node_by_code(session: Session, framework_id: int, code: str) -> FrameworkNode:
    stmt = select(FrameworkNode).where(FrameworkNode.framework_id == framework_id, FrameworkNode.code == code)
    row = session.exec(stmt).one()
    session.expunge(row)
    session.rollback()
    return row


def link_task(session: Session, node_id: int, *, label: str = "1", unit_code: str = "LS.BG") -> Task:
    """A minimal plan of ``unit_code`` with one task linked to the node (committed)."""
    unit = session.exec(select(OrgUnit).where(OrgUnit.code == unit_code)).one()
    plan = session.exec(select(Plan).where(Plan.issuing_unit_id == unit.id, Plan.number == "99")).first()
    if plan is None:
        plan = Plan(number="99", title="Kế hoạch kiểm thử", issuing_unit_id=unit.id or 0, year=2024)
        session.add(plan)
        session.flush()
    task = Task(plan_id=plan.id or 0, label=label, title=f"Nhiệm vụ {label}", lead_unit_id=unit.id or 0)
    session.add(task)
    session.flush()
    session.add(TaskNode(task_id=task.id or 0, node_id=node_id))
    session.commit()
    return task


def row_counts(session: Session) -> dict[str, int]:
    from sqlalchemy import func

    from api.models import AuditEvent, IdempotencyRecord

    session.expire_all()
    counts = {
        m.__name__: session.exec(select(func.count()).select_from(m)).one()
        for m in (Framework, FrameworkNode, AuditEvent, IdempotencyRecord)
    }
    session.rollback()  # end the transaction: on SQLite it holds the write lock the app needs
    return counts
