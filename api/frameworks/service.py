"""Index frameworks (bộ chỉ số): reading the tree, search, export, status changes, metadata edits and clones.

Imports live in :mod:`api.frameworks.importer`; the file format in :mod:`api.frameworks.library`. Every query
starts from :mod:`api.authz.scope`. Status: ``draft`` → ``published`` → ``retired``. A framework that is not a
draft and has task links is locked (see the importer's docstring).
"""

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, or_, select

from api.audit.service import diff, record, snapshot
from api.authz import scope
from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.errors import Conflict, FieldError, NotFound, Unprocessable
from api.frameworks.importer import (
    code_taken,
    insert_nodes,
    is_locked,
    linked_node_ids,
)
from api.frameworks.library import (
    FrameworkDoc,
    FrameworkValidationError,
    NodeError,
    dump_document,
    fold_accents,
    parse_document,
)
from api.frameworks.rows import META_FIELDS, NODE_FIELDS, meta_values, refresh_paths, to_document, tree_sorted
from api.frameworks.schemas import FrameworkCloneRequest, FrameworkUpdate, NodeMapping
from api.models import Framework, FrameworkNode, FrameworkStatus, Task, TaskNode
from api.models.base import utcnow

P = Permission


@dataclass(frozen=True)
class Stats:
    node_count: int = 0
    unverified_node_count: int = 0
    linked_node_count: int = 0


def validation_problem(exc: FrameworkValidationError) -> Unprocessable:
    """422 problem naming every offending node: ``field`` = ``nodes.<code>.<field>``, ``row`` = position."""
    errors = [_field_error(e) for e in exc.errors]
    codes = list(dict.fromkeys(e.node_code for e in exc.errors if e.node_code))
    where_vi = f" tại các mục {', '.join(codes)}" if codes else ""
    where_en = f" at nodes {', '.join(codes)}" if codes else ""
    return Unprocessable(
        f"Tệp bộ chỉ số không hợp lệ: {len(errors)} lỗi{where_vi}. Chưa có dữ liệu nào được ghi.",
        f"Invalid framework file: {len(errors)} error(s){where_en}. Nothing was saved.",
        code="framework_invalid",
        errors=errors,
    )


def _field_error(e: NodeError) -> FieldError:
    if e.node_code is not None:
        name = f"nodes.{e.node_code}" + (f".{e.field}" if e.field else "")
    elif e.location.startswith("framework") or e.location.startswith("nodes"):
        name = e.location
    else:
        name = e.location or e.field or ""
    match = re.match(r"nodes\[(\d+)\]", e.location)
    row = int(match.group(1)) + 1 if match else None
    return FieldError(field=name or None, row=row, code=e.code, message=e.message, message_en=e.message_en)


# --- reading --------------------------------------------------------------------------------------------


def stats_for(session: Session, principal: Principal, framework_ids: list[int]) -> dict[int, Stats]:
    """Node, unverified-node and linked-node counts per framework, in one grouped query."""
    if not framework_ids:
        return {}
    linked = select(col(TaskNode.node_id)).distinct().subquery()
    stmt = (
        scope.visible_nodes(principal)
        .with_only_columns(
            col(FrameworkNode.framework_id),
            func.count(col(FrameworkNode.id)),
            func.sum(case((col(FrameworkNode.verified).is_(False), 1), else_=0)),
            func.count(linked.c.node_id),
        )
        .outerjoin(linked, linked.c.node_id == col(FrameworkNode.id))
        .where(col(FrameworkNode.framework_id).in_(framework_ids))
        .group_by(col(FrameworkNode.framework_id))
    )
    return {int(fid): Stats(int(n), int(u or 0), int(k)) for fid, n, u, k in session.execute(stmt).all()}


def read_values(framework: Framework, stats: Stats) -> dict[str, Any]:
    """Extra fields of ``FrameworkRead`` beyond the columns."""
    return {
        "node_count": stats.node_count,
        "unverified_node_count": stats.unverified_node_count,
        "linked_node_count": stats.linked_node_count,
        "locked": framework.status != FrameworkStatus.draft and stats.linked_node_count > 0,
    }


def filter_frameworks(
    stmt: Any, *, kind: str | None, status: str | None, year: int | None, q: str | None
) -> Any:
    if kind:
        stmt = stmt.where(Framework.kind == kind)
    if status:
        stmt = stmt.where(Framework.status == status)
    if year is not None:
        stmt = stmt.where(
            Framework.valid_from_year <= year,
            or_(col(Framework.valid_to_year).is_(None), col(Framework.valid_to_year) >= year),
        )
    if q:
        stmt = stmt.where(or_(col(Framework.code).icontains(q), col(Framework.name).icontains(q)))
    return stmt


def _folded_match(q: str) -> Any:
    """Every word of ``q`` (accents and case ignored) in the title, or ``q`` equal to the node code."""
    words = fold_accents(q).split()
    title = [col(FrameworkNode.title_folded).contains(w, autoescape=True) for w in words]
    if not title:
        return col(FrameworkNode.code) == q.strip()
    return or_(col(FrameworkNode.code) == q.strip(), and_(*title))


def framework_nodes(session: Session, principal: Principal, framework: Framework) -> list[FrameworkNode]:
    """All nodes of the framework in tree order — one query whatever the size of the tree."""
    stmt = scope.visible_nodes(principal).where(FrameworkNode.framework_id == framework.id)
    return tree_sorted(list(session.exec(stmt).all()))


def filter_nodes(nodes: list[FrameworkNode], q: str) -> list[FrameworkNode]:
    """The nodes whose title holds every word of ``q`` (accents ignored), or whose code is ``q``."""
    words = fold_accents(q).split()
    return [n for n in nodes if n.code == q.strip() or all(w in n.title_folded for w in words)]


def node_read(node: FrameworkNode, parent_code: str | None, **extra: Any) -> dict[str, Any]:
    data = node.model_dump()
    data.update(parent_code=parent_code, **extra)
    return data


def tree_payload(
    nodes: list[FrameworkNode], all_nodes: list[FrameworkNode] | None = None
) -> list[dict[str, Any]]:
    code_of = {n.id: n.code for n in (all_nodes if all_nodes is not None else nodes)}
    return [node_read(n, code_of.get(n.parent_id)) for n in nodes]


def node_detail(session: Session, principal: Principal, framework: Framework, node_id: int) -> dict[str, Any]:
    """A node with its ancestors (root first), children and the tasks linked to it that the caller sees."""
    stmt = scope.visible_nodes(principal).where(
        FrameworkNode.framework_id == framework.id, FrameworkNode.id == node_id
    )
    node = session.exec(stmt).first()
    if node is None:
        raise NotFound("Mục của bộ chỉ số", "Framework node")
    ancestor_ids = [int(p) for p in node.path.strip("/").split("/") if p and int(p) != node.id]
    related = session.exec(
        scope.visible_nodes(principal).where(
            FrameworkNode.framework_id == framework.id,
            or_(col(FrameworkNode.id).in_(ancestor_ids), FrameworkNode.parent_id == node.id),
        )
    ).all()
    by_id = {n.id: n for n in related}
    ancestors = [by_id[i] for i in ancestor_ids if i in by_id]
    children = tree_sorted([n for n in related if n.parent_id == node.id])
    tasks = session.exec(
        scope.visible_tasks(principal)
        .join(TaskNode, col(TaskNode.task_id) == col(Task.id))
        .where(TaskNode.node_id == node.id)
        .order_by(col(Task.plan_id), col(Task.order), col(Task.id))
    ).all()
    parent_code = ancestors[-1].code if ancestors else None
    return node_read(
        node,
        parent_code,
        framework_code=framework.code,
        ancestors=[a.model_dump() for a in ancestors],
        children=[c.model_dump() for c in children],
        tasks=[t.model_dump() for t in tasks],
    )


def search_statement(
    principal: Principal, *, q: str, framework_id: int | None = None, kind: str | None = None
) -> Any:
    """Nodes across the frameworks the caller sees whose title contains every word of ``q``, accents ignored."""
    parent = aliased(FrameworkNode)
    stmt = (
        scope.visible_nodes(principal)
        .join(Framework, col(Framework.id) == col(FrameworkNode.framework_id))
        .outerjoin(parent, col(parent.id) == col(FrameworkNode.parent_id))
        .add_columns(col(Framework.code), col(Framework.name), col(parent.code))
        .where(_folded_match(q))
    )
    if framework_id is not None:
        stmt = stmt.where(col(FrameworkNode.framework_id) == framework_id)
    if kind:
        stmt = stmt.where(col(Framework.kind) == kind)
    return stmt


def search_hits(rows: list[Any]) -> list[dict[str, Any]]:
    return [
        node_read(node, parent_code, framework_code=fw_code, framework_name=fw_name)
        for node, fw_code, fw_name, parent_code in rows
    ]


def export_document(session: Session, principal: Principal, framework: Framework) -> FrameworkDoc:
    return to_document(framework, framework_nodes(session, principal, framework))


# --- changes --------------------------------------------------------------------------------------------


def _locked_conflict(framework: Framework) -> Conflict:
    return Conflict(
        f"Bộ chỉ số {framework.code} đã ban hành và đã được gắn với nhiệm vụ nên không thể sửa. "
        "Hãy nhân bản thành bản nháp mới.",
        f"Framework {framework.code} is published and linked to tasks: it cannot be edited. Clone it.",
        code="framework_locked",
    )


def _set_status(
    session: Session,
    principal: Principal,
    framework: Framework,
    *,
    action: str,
    to: FrameworkStatus,
    allowed_from: set[str],
) -> Framework:
    if framework.status not in allowed_from:
        raise Conflict(
            f"Không thể chuyển bộ chỉ số từ trạng thái “{framework.status}” sang “{to}”.",
            f"Cannot change a framework from '{framework.status}' to '{to}'.",
            code="invalid_transition",
        )
    before = snapshot(framework, ["status"])
    framework.status = to
    framework.updated_at = utcnow()
    session.add(framework)
    session.flush()
    record(
        session,
        principal,
        action,
        "framework",
        framework.id,
        framework.owner_unit_id,
        diff(before, snapshot(framework, ["status"])),
    )
    return framework


def publish(session: Session, principal: Principal, *, framework: Framework) -> Framework:
    """Ban hành: draft → published. The stored tree is validated again (sums, codes) first."""
    try:
        export_document(session, principal, framework)
    except FrameworkValidationError as exc:
        raise validation_problem(exc) from exc
    return _set_status(
        session, principal, framework, action="publish", to=FrameworkStatus.published, allowed_from={"draft"}
    )


def retire(session: Session, principal: Principal, *, framework: Framework) -> Framework:
    """Hết hiệu lực: published → retired (still readable; links and history stay)."""
    return _set_status(
        session, principal, framework, action="retire", to=FrameworkStatus.retired, allowed_from={"published"}
    )


def update_framework(
    session: Session, principal: Principal, *, framework: Framework, data: FrameworkUpdate
) -> Framework:
    """Edit metadata of a draft or unlinked framework; the result is validated like an import."""
    if is_locked(framework, linked_node_ids(session, framework.id or 0)):
        raise _locked_conflict(framework)
    changes = data.model_dump(mode="json", exclude_unset=True)
    document = dump_document(export_document(session, principal, framework))
    document["framework"].update(changes)
    try:
        doc = parse_document(document)
    except FrameworkValidationError as exc:
        raise validation_problem(exc) from exc
    before = snapshot(framework, list(META_FIELDS))
    values = meta_values(doc.framework)
    for name in changes:
        setattr(framework, name, values[name])
    framework.updated_at = utcnow()
    session.add(framework)
    session.flush()
    record(
        session,
        principal,
        "update",
        "framework",
        framework.id,
        framework.owner_unit_id,
        diff(before, snapshot(framework, list(META_FIELDS))),
    )
    return framework


def clone_framework(
    session: Session, principal: Principal, *, source: Framework, data: FrameworkCloneRequest
) -> tuple[Framework, list[NodeMapping]]:
    """Next version as a draft: same tree, each new node keeps ``cloned_from_id`` → its source node."""
    if code_taken(session, data.code):
        raise Conflict(
            f"Mã bộ chỉ số {data.code} đã tồn tại.",
            f"Framework code {data.code} already exists.",
            code="duplicate_code",
            errors=[FieldError(field="code", code="duplicate_code", message="Mã đã tồn tại")],
        )
    if data.valid_to_year is not None and data.valid_to_year < data.valid_from_year:
        raise Unprocessable(
            "Năm kết thúc áp dụng phải từ năm bắt đầu trở đi.",
            "valid_to_year must not be before valid_from_year.",
            errors=[FieldError(field="valid_to_year", code="bad_year_range", message="Trước năm bắt đầu")],
        )
    grants = sorted(principal.grants_for(P.frameworks_manage), key=lambda g: len(g.unit_path))
    owner = (
        source.owner_unit_id if source.owner_unit_id is not None else (grants[0].unit_id if grants else None)
    )
    values = {f: getattr(source, f) for f in META_FIELDS}
    values.update(data.model_dump(exclude_unset=True, exclude={"code"}))
    values.update(status=FrameworkStatus.draft, valid_to_year=data.valid_to_year)
    fw = Framework(code=data.code, owner_unit_id=owner, cloned_from_id=source.id, **values)
    session.add(fw)
    session.flush()
    nodes = framework_nodes(session, principal, source)
    code_of = {n.id: n.code for n in nodes}
    items = [
        (
            n.code,
            code_of.get(n.parent_id) if n.parent_id is not None else None,
            {
                **{f: getattr(n, f) for f in NODE_FIELDS},
                "title_folded": n.title_folded,
                "cloned_from_id": n.id,
            },
        )
        for n in nodes
    ]
    created = insert_nodes(session, fw.id or 0, items, {})
    refresh_paths(list(created.values()))
    session.flush()
    mapping = [NodeMapping(code=n.code, old_id=n.id or 0, new_id=created[n.code].id or 0) for n in nodes]
    record(
        session,
        principal,
        "clone",
        "framework",
        fw.id,
        owner,
        diff({}, snapshot(fw, ["code", *META_FIELDS, "cloned_from_id", "owner_unit_id"])),
        f"Nhân bản từ {source.code} / cloned from {source.code}",
    )
    return fw, mapping
