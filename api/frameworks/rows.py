"""Between the file format (:mod:`api.frameworks.library`) and the table rows: values, tree order, paths.

Pure functions on rows already loaded; no queries here.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from api.frameworks.library import (
    FrameworkDoc,
    FrameworkMeta,
    NodeDoc,
    fold_accents,
    natural_key,
    parse_document,
)
from api.models import Framework, FrameworkKind, FrameworkNode, FrameworkStatus, ScoringMethod

META_FIELDS = (
    "name",
    "name_en",
    "kind",
    "valid_from_year",
    "valid_to_year",
    "issuing_document",
    "status",
    "scale",
    "root_sum_equals_scale",
    "ranking_bands",
    "applicability",
    "provenance",
)
NODE_FIELDS = (
    "title",
    "title_en",
    "order",
    "level_name",
    "max_points",
    "scoring_method",
    "scoring_rule",
    "formula",
    "scoring",
    "expected_evidence",
    "children_sum",
    "verified",
    "source_note",
)


def meta_values(meta: FrameworkMeta) -> dict[str, Any]:
    """Column values of a framework header (code excluded)."""
    return {
        "name": meta.name,
        "name_en": meta.name_en,
        "kind": FrameworkKind(meta.kind),
        "valid_from_year": meta.valid_from_year,
        "valid_to_year": meta.valid_to_year,
        "issuing_document": meta.issuing_document,
        "status": FrameworkStatus(meta.status),
        "scale": meta.scale,
        "root_sum_equals_scale": meta.root_sum_equals_scale,
        "ranking_bands": [b.model_dump(mode="json") for b in meta.ranking_bands],
        "applicability": meta.applicability.model_dump(mode="json") if meta.applicability else {},
        "provenance": meta.provenance,
    }


def node_values(node: NodeDoc) -> dict[str, Any]:
    """Column values of a node (code and parent excluded), with the accent-folded title for search."""
    return {
        "title": node.title,
        "title_en": node.title_en,
        "order": node.order,
        "level_name": node.level_name,
        "max_points": node.max_points,
        "scoring_method": ScoringMethod(node.scoring_method),
        "scoring_rule": node.scoring_rule,
        "formula": node.formula.model_dump(mode="json") if node.formula else None,
        "scoring": node.scoring.model_dump(mode="json", exclude_none=True) if node.scoring else None,
        "expected_evidence": node.expected_evidence,
        "children_sum": node.children_sum,
        "verified": node.verified,
        "source_note": node.source_note,
        "title_folded": fold_accents(node.title),
    }


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, ScoringMethod | FrameworkKind | FrameworkStatus) else value


def changed_fields(row: Any, values: dict[str, Any], fields: Iterable[str]) -> dict[str, dict[str, Any]]:
    """``{field: {"from", "to"}}`` for the fields whose stored value differs (10 == 10.0)."""
    out: dict[str, dict[str, Any]] = {}
    for name in fields:
        old, new = _plain(getattr(row, name)), _plain(values[name])
        if old != new:
            out[name] = {"from": old, "to": new}
    return out


def tree_sorted(nodes: Sequence[FrameworkNode]) -> list[FrameworkNode]:
    """Depth first, siblings by ``order`` then code in natural order; orphans (should not exist) last."""
    ids = {n.id for n in nodes}
    children: dict[int | None, list[FrameworkNode]] = {}
    for n in nodes:
        children.setdefault(n.parent_id if n.parent_id in ids else None, []).append(n)
    for group in children.values():
        group.sort(key=lambda n: (n.order, natural_key(n.code), n.id or 0))
    out: list[FrameworkNode] = []
    seen: set[int | None] = set()
    stack = list(reversed(children.get(None, [])))
    while stack:
        n = stack.pop()
        if n.id in seen:
            continue
        seen.add(n.id)
        out.append(n)
        stack.extend(reversed(children.get(n.id, [])))
    out.extend(n for n in nodes if n.id not in seen)
    return out


def refresh_paths(nodes: Sequence[FrameworkNode]) -> None:
    """Set ``path`` ("/<id>/<id>/", like org units) and ``depth`` (0 at the top) from ``parent_id``."""
    by_id = {n.id: n for n in nodes}
    for n in tree_sorted(nodes):  # parents first
        parent = by_id.get(n.parent_id)
        path = f"{parent.path if parent else '/'}{n.id}/"
        depth = parent.depth + 1 if parent else 0
        if n.path != path:
            n.path = path
        if n.depth != depth:
            n.depth = depth


def to_document(framework: Framework, nodes: Sequence[FrameworkNode]) -> FrameworkDoc:
    """The file-format document of a stored framework (validated again on the way out)."""
    code_of = {n.id: n.code for n in nodes}
    meta = {f: _plain(getattr(framework, f)) for f in META_FIELDS}
    if not meta.get("applicability"):
        meta["applicability"] = None  # stored as {} when the file says nothing
    data = {
        "format_version": 1,
        "framework": {
            "code": framework.code,
            **meta,
        },
        "nodes": [
            {
                "code": n.code,
                "parent": code_of.get(n.parent_id) if n.parent_id is not None else None,
                **{f: _plain(getattr(n, f)) for f in NODE_FIELDS},
            }
            for n in tree_sorted(nodes)
        ],
    }
    return parse_document(data)


def node_depths(nodes: Sequence[NodeDoc]) -> dict[str, int]:
    """Depth of every node of a validated document (nodes in tree order, so parents come first)."""
    depth: dict[str, int] = {}
    for n in nodes:
        depth[n.code] = depth[n.parent] + 1 if n.parent is not None else 0
    return depth
