"""Importing a framework document (tệp bộ chỉ số) into the database: create, or replace in place by node code.

Rules (issue "Index frameworks"):
- A new code creates the framework, owned by the importer's managing unit (shipped files: no owner, shared).
- An existing code is replaced in place: nodes are matched by code, so node ids — and the task links
  (``TaskNode``) and clone mappings pointing at them — survive; changed fields are updated, new codes
  inserted, codes absent from the file deleted, unless something links to them (409 naming those codes).
- A framework that is no longer a draft and has task links is *locked*: its official content is immutable.
  What may still change is what was never official: nodes with ``verified: false`` (any field, or removal when
  unlinked), values still unknown (``null``, e.g. the max points of a lĩnh vực whose name alone is verified),
  unverified ranking bands, and the notes (``provenance``, ``source_note``, ``name_en``). That is how the
  official point table replaces the provisional one without losing links. Any other change is refused with
  409, naming each node and field.
"""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from api.audit.service import record, record_create
from api.authz import scope
from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.errors import Conflict, FieldError
from api.frameworks.library import FrameworkDoc, NodeDoc
from api.frameworks.rows import (
    META_FIELDS,
    NODE_FIELDS,
    changed_fields,
    meta_values,
    node_depths,
    node_values,
)
from api.frameworks.rows import refresh_paths as _refresh_paths
from api.models import Framework, FrameworkNode, FrameworkStatus, TaskNode
from api.models.base import utcnow

P = Permission
LOCKED_META_OK = {"provenance", "name_en"}  # notes, not content
LOCKED_NODE_OK = {"source_note", "title_en"}


@dataclass
class ImportPlan:
    doc: FrameworkDoc
    framework: Framework | None  # None: the import creates it
    existing: dict[str, FrameworkNode] = field(default_factory=dict)
    meta_changes: dict[str, Any] = field(default_factory=dict)
    create: list[NodeDoc] = field(default_factory=list)
    update: dict[str, dict[str, Any]] = field(default_factory=dict)  # code → changed fields
    delete: list[FrameworkNode] = field(default_factory=list)
    unchanged: int = 0
    locked: bool = False

    @property
    def action(self) -> str:
        if self.framework is None:
            return "create"
        return "replace" if self.meta_changes or self.create or self.update or self.delete else "unchanged"


def code_taken(session: Session, code: str) -> bool:
    """Framework codes are unique across the whole database (natural key of files), so this is not scoped."""
    stmt = select(func.count()).select_from(Framework).where(Framework.code == code)
    return session.exec(stmt).one() > 0


def linked_node_ids(session: Session, framework_id: int) -> set[int]:
    """Nodes of the framework that a task links to (any task, visible or not: a link is a link)."""
    stmt = (
        select(col(TaskNode.node_id))
        .join(FrameworkNode, col(FrameworkNode.id) == col(TaskNode.node_id))
        .where(FrameworkNode.framework_id == framework_id)
        .distinct()
    )
    return set(session.exec(stmt).all())


def cloned_node_ids(session: Session, node_ids: list[int]) -> set[int]:
    """Nodes that a later version (clone) points back to; integrity check, ids only, deliberately unscoped."""
    if not node_ids:
        return set()
    return {
        n.cloned_from_id for n in session.exec(scope.nodes_cloned_from(node_ids)).all() if n.cloned_from_id
    }


def is_locked(framework: Framework, linked: set[int]) -> bool:
    return framework.status != FrameworkStatus.draft and bool(linked)


def _conflict_locked(fw: Framework, errors: list[FieldError]) -> Conflict:
    return Conflict(
        f"Bộ chỉ số {fw.code} đã ban hành và đã được gắn với nhiệm vụ nên nội dung chính thức không thể thay "
        f"đổi ({len(errors)} thay đổi bị từ chối). Chỉ được thay các giá trị tạm (verified: false); muốn sửa "
        "nội dung khác hãy nhân bản thành bản nháp mới.",
        f"Framework {fw.code} is published and linked to tasks: its official content is immutable "
        f"({len(errors)} change(s) refused). Only provisional values (verified: false) may be replaced; "
        "clone it to a new draft to change anything else.",
        code="framework_locked",
        errors=errors,
    )


def _bands_ok(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> bool:
    """Verified ranking bands must stay as they are; unverified ones may change or go, new ones may come."""
    new_by_code = {b["code"]: b for b in new}
    return all(not b.get("verified") or new_by_code.get(b["code"]) == b for b in old)


def _locked_errors(plan: ImportPlan) -> list[FieldError]:
    errors: list[FieldError] = []
    for name, change in plan.meta_changes.items():
        if name in LOCKED_META_OK or change["from"] is None:
            continue
        if name == "ranking_bands" and _bands_ok(change["from"], change["to"]):
            continue
        errors.append(
            FieldError(
                field=f"framework.{name}",
                code="framework_locked",
                message=f"Không được thay đổi “{name}” của bộ chỉ số đã ban hành và đã có liên kết.",
                message_en=f"'{name}' of a published, linked framework cannot change.",
            )
        )
    for code, changes in plan.update.items():
        if not plan.existing[code].verified:
            continue
        for name, change in changes.items():
            if name in LOCKED_NODE_OK or (change["from"] is None and name != "parent"):
                continue  # a note, or a value that was still unknown
            errors.append(
                FieldError(
                    field=f"nodes.{code}.{name}",
                    code="locked_node",
                    message=f"Mục {code} đã xác minh (verified: true): không được thay đổi “{name}”.",
                    message_en=f"Node {code} is verified: '{name}' cannot change.",
                )
            )
    for node in plan.delete:
        if node.verified:
            errors.append(
                FieldError(
                    field=f"nodes.{node.code}",
                    code="locked_node",
                    message=f"Mục {node.code} đã xác minh (verified: true): không được xóa.",
                    message_en=f"Node {node.code} is verified and cannot be removed.",
                )
            )
    return errors


def plan_import(session: Session, principal: Principal, *, doc: FrameworkDoc) -> ImportPlan:
    """Work out what importing ``doc`` would change; raise 409 when it is not allowed. Writes nothing."""
    code = doc.framework.code
    stmt = scope.visible_frameworks(principal, P.frameworks_manage).where(Framework.code == code)
    fw = session.exec(stmt).first()
    if fw is None:
        if code_taken(session, code):
            raise Conflict(
                f"Mã bộ chỉ số {code} đã được dùng cho một bộ chỉ số bạn không quản lý.",
                f"Framework code {code} is already used by a framework you do not manage.",
                code="duplicate_code",
                errors=[FieldError(field="framework.code", code="duplicate_code", message="Mã đã tồn tại")],
            )
        return ImportPlan(doc=doc, framework=None, create=list(doc.nodes))

    rows = session.exec(
        scope.visible_nodes(principal, P.frameworks_manage).where(FrameworkNode.framework_id == fw.id)
    ).all()
    plan = ImportPlan(doc=doc, framework=fw, existing={n.code: n for n in rows})
    code_of = {n.id: n.code for n in rows}
    plan.meta_changes = changed_fields(fw, meta_values(doc.framework), META_FIELDS)
    for node in doc.nodes:
        row = plan.existing.get(node.code)
        if row is None:
            plan.create.append(node)
            continue
        changes = changed_fields(row, node_values(node), NODE_FIELDS)
        old_parent = code_of.get(row.parent_id) if row.parent_id is not None else None
        if old_parent != node.parent:
            changes["parent"] = {"from": old_parent, "to": node.parent}
        if changes:
            plan.update[node.code] = changes
        else:
            plan.unchanged += 1
    in_doc = {n.code for n in doc.nodes}
    plan.delete = [n for n in rows if n.code not in in_doc]

    linked = linked_node_ids(session, fw.id or 0)
    plan.locked = is_locked(fw, linked)
    held = linked | cloned_node_ids(session, [n.id or 0 for n in plan.delete])
    blocked = sorted((n for n in plan.delete if n.id in held), key=lambda n: n.path)
    if blocked:
        codes = ", ".join(n.code for n in blocked)
        raise Conflict(
            f"Không thể xóa các mục đã được gắn với nhiệm vụ (hoặc với phiên bản sau của bộ chỉ số): {codes}. "
            "Hãy giữ các mục này trong tệp nhập.",
            f"Cannot remove nodes that tasks (or a later version) link to: {codes}. Keep them in the file.",
            code="node_linked",
            errors=[
                FieldError(
                    field=f"nodes.{n.code}",
                    code="node_linked",
                    message=f"Mục {n.code} đang được liên kết, không được xóa.",
                    message_en=f"Node {n.code} is linked and cannot be removed.",
                )
                for n in blocked
            ],
        )
    if plan.locked and (errors := _locked_errors(plan)):
        raise _conflict_locked(fw, errors)
    return plan


def insert_nodes(
    session: Session,
    framework_id: int,
    items: list[tuple[str, str | None, dict[str, Any]]],
    known: dict[str, FrameworkNode],
) -> dict[str, FrameworkNode]:
    """Insert ``(code, parent code, values)`` in tree order, one batched INSERT per depth.

    ``known`` holds the rows already stored (parents may be among them); returns code → new row.
    """
    placed = dict(known)
    created: dict[str, FrameworkNode] = {}
    depth = {c: 0 for c in known}
    levels: dict[int, list[tuple[str, str | None, dict[str, Any]]]] = {}
    for item in items:
        d = depth[item[1]] + 1 if item[1] is not None and item[1] in depth else 0
        depth[item[0]] = d
        levels.setdefault(d, []).append(item)
    for d in sorted(levels):
        batch = []
        for code, parent, values in levels[d]:
            row = FrameworkNode(
                framework_id=framework_id,
                code=code,
                parent_id=placed[parent].id if parent is not None else None,
                **values,
            )
            placed[code] = created[code] = row
            batch.append(row)
        session.add_all(batch)
        session.flush()
    return created


def create_framework(
    session: Session, principal: Principal | None, *, doc: FrameworkDoc, owner_unit_id: int | None
) -> Framework:
    """Store a new framework with all its nodes (the code must be free)."""
    fw = Framework(code=doc.framework.code, owner_unit_id=owner_unit_id, **meta_values(doc.framework))
    session.add(fw)
    session.flush()
    items = [(n.code, n.parent, node_values(n)) for n in doc.nodes]
    created = insert_nodes(session, fw.id or 0, items, {})
    _refresh_paths(list(created.values()))
    session.flush()
    record_create(session, principal, "framework", fw, owner_unit_id)
    return fw


def apply_import(session: Session, principal: Principal, plan: ImportPlan) -> Framework:
    """Carry out a plan made by :func:`plan_import`."""
    if plan.framework is None:
        grants = sorted(principal.grants_for(P.frameworks_manage), key=lambda g: len(g.unit_path))
        return create_framework(
            session, principal, doc=plan.doc, owner_unit_id=grants[0].unit_id if grants else None
        )
    fw = plan.framework
    if plan.action == "unchanged":
        return fw
    values = meta_values(plan.doc.framework)
    for name in plan.meta_changes:
        setattr(fw, name, values[name])
    fw.updated_at = utcnow()  # also bumps the version, so the ETag changes with the nodes
    session.add(fw)

    existing = plan.existing
    depth = node_depths(plan.doc.nodes)
    new_codes = {n.code for n in plan.create}
    # Level by level so that every parent, old or new, has its id before its children point at it.
    for level in sorted(set(depth.values())):
        for node in plan.doc.nodes:
            if depth[node.code] != level or node.code not in plan.update:
                continue
            row = existing[node.code]
            for name, value in node_values(node).items():
                setattr(row, name, value)
            row.parent_id = existing[node.parent].id if node.parent is not None else None
            session.add(row)
        items = [
            (n.code, n.parent, node_values(n))
            for n in plan.doc.nodes
            if depth[n.code] == level and n.code in new_codes
        ]
        existing.update(insert_nodes(session, fw.id or 0, items, existing))
        session.flush()

    removed = [n.id for n in plan.delete]
    if removed:
        for n in plan.delete:
            session.expunge(n)
            existing.pop(n.code, None)
        # Detach first so that the order of the deletes does not matter to the self-referencing key.
        session.execute(
            update(FrameworkNode)
            .where(col(FrameworkNode.id).in_(removed))
            .values(parent_id=None)
            .execution_options(synchronize_session=False)
        )
        session.execute(
            delete(FrameworkNode)
            .where(col(FrameworkNode.id).in_(removed))
            .execution_options(synchronize_session=False)
        )
    _refresh_paths(list(existing.values()))
    session.flush()
    record(
        session,
        principal,
        "import",
        "framework",
        fw.id,
        fw.owner_unit_id,
        {
            "framework": plan.meta_changes,
            "nodes": {
                "created": sorted(new_codes),
                "updated": plan.update,
                "deleted": sorted(n.code for n in plan.delete),
            },
        },
        "Nhập lại bộ chỉ số (thay theo mã mục) / re-import, nodes matched by code",
    )
    return fw
