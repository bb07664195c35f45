"""Parsing a framework document with *all* its errors collected (structure, nodes, sums, metadata)."""

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from api.frameworks.document import (
    FORMAT_VERSION,
    SUM_TOLERANCE,
    FrameworkDoc,
    FrameworkMeta,
    NodeDoc,
    tree_order,
)
from api.frameworks.errors import (
    FrameworkValidationError,
    NodeError,
    fmt_number,
    from_validation_error,
    node_error,
    show_value,
)


@dataclass
class _Entry:
    index: int
    code: str | None  # best effort, even when the node failed validation
    parent: str | None
    node: NodeDoc | None  # None when the node failed validation

    @property
    def location(self) -> str:
        return f"nodes[{self.index}]"


def _raw_code(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)  # wrong type, reported elsewhere; used only to name the node and avoid cascades
    return None


def _check_structure(entries: list[_Entry]) -> list[NodeError]:
    """Duplicate codes, unknown parents and cycles."""
    errors: list[NodeError] = []
    positions: dict[str, list[int]] = {}
    for e in entries:
        if e.code is not None:
            positions.setdefault(e.code, []).append(e.index)
    for code, idxs in positions.items():
        if len(idxs) > 1:
            where = ", ".join(f"nodes[{i}]" for i in idxs)
            errors.append(
                node_error(
                    "duplicate_code",
                    f"Mã “{code}” bị trùng: có {len(idxs)} mục cùng mã ({where}). Mỗi mục phải có mã riêng.",
                    f"Code '{code}' is used by {len(idxs)} nodes ({where}); codes must be unique.",
                    node_code=code,
                    field="code",
                    location=f"nodes[{idxs[1]}].code",
                )
            )
    parent_of: dict[str, str | None] = {}
    for e in entries:
        if e.code is None:
            continue
        parent_of.setdefault(e.code, e.parent)
        if e.parent is not None and e.parent not in positions:
            errors.append(
                node_error(
                    "unknown_parent",
                    f"Mục {e.code} khai báo mục cha “{e.parent}” nhưng không có mục nào mang mã này.",
                    f"Node {e.code} names parent '{e.parent}', but no node has that code.",
                    node_code=e.code,
                    field="parent",
                    location=f"{e.location}.parent",
                )
            )
    done: set[str] = set()
    for start in parent_of:
        path: list[str] = []
        on_path: set[str] = set()
        current: str | None = start
        while current is not None and current in parent_of and current not in done:
            if current in on_path:
                cycle = path[path.index(current) :]
                chain = " → ".join([*cycle, current])
                for code in cycle:
                    errors.append(
                        node_error(
                            "cycle",
                            f"Mục {code} nằm trong vòng lặp cha–con: {chain} (“→” nghĩa là “có mục cha là”). "
                            "Một mục không thể là cấp trên của chính nó.",
                            f"Node {code} is in a parent cycle: {chain} ('→' means 'has parent').",
                            node_code=code,
                            field="parent",
                            location=f"nodes[{positions[code][0]}].parent",
                        )
                    )
                break
            path.append(current)
            on_path.add(current)
            current = parent_of[current]
        done.update(path)
    return errors


def _check_node(entry: _Entry, node: NodeDoc) -> list[NodeError]:
    """Rules that concern one node alone."""
    errors: list[NodeError] = []
    loc = entry.location
    if not node.verified and node.source_note is None:
        errors.append(
            node_error(
                "missing_source_note",
                f"Mục {node.code} chưa được xác minh (verified: false) nên phải ghi rõ nguồn hoặc lý do "
                "trong “ghi chú nguồn” (source_note).",
                f"Node {node.code} is not verified, so source_note must say where its values come from.",
                node_code=node.code,
                field="source_note",
                location=f"{loc}.source_note",
            )
        )
    if node.scoring_method == "formula" and node.formula is None:
        errors.append(
            node_error(
                "formula_missing",
                f"Mục {node.code} chấm theo công thức (formula) nhưng chưa khai báo công thức "
                "(tử số, mẫu số, các ngưỡng).",
                f"Node {node.code} uses scoring_method 'formula' but has no formula.",
                node_code=node.code,
                field="formula",
                location=f"{loc}.formula",
            )
        )
    if node.scoring_method != "formula" and node.formula is not None:
        errors.append(
            node_error(
                "formula_unexpected",
                f"Mục {node.code} có công thức nhưng phương pháp chấm là “{node.scoring_method}”; "
                "chỉ mục chấm theo công thức (formula) mới có công thức.",
                f"Node {node.code} has a formula but scoring_method is '{node.scoring_method}'.",
                node_code=node.code,
                field="formula",
                location=f"{loc}.formula",
            )
        )
    if node.formula is not None:
        ratios = [t.min_ratio for t in node.formula.thresholds]
        if any(a <= b for a, b in itertools.pairwise(ratios)):
            errors.append(
                node_error(
                    "bad_threshold",
                    f"Mục {node.code}: các ngưỡng của công thức phải xếp theo tỷ lệ tối thiểu giảm dần, "
                    "không trùng nhau.",
                    f"Node {node.code}: formula thresholds must have strictly decreasing min_ratio.",
                    node_code=node.code,
                    field="formula.thresholds",
                    location=f"{loc}.formula.thresholds",
                )
            )
        if node.max_points is not None:
            for i, t in enumerate(node.formula.thresholds):
                if t.points > node.max_points + SUM_TOLERANCE:
                    errors.append(
                        node_error(
                            "bad_threshold",
                            f"Mục {node.code}: ngưỡng thứ {i + 1} cho {fmt_number(t.points, vi=True)} điểm, vượt "
                            f"điểm tối đa {fmt_number(node.max_points, vi=True)} của mục.",
                            f"Node {node.code}: threshold {i + 1} gives {fmt_number(t.points, vi=False)} points, "
                            f"above max_points {fmt_number(node.max_points, vi=False)}.",
                            node_code=node.code,
                            field=f"formula.thresholds[{i}].points",
                            location=f"{loc}.formula.thresholds[{i}].points",
                        )
                    )
    if node.scoring is not None:
        errors.extend(_check_scoring(node, loc))
    return errors


def _check_scoring(node: NodeDoc, loc: str) -> list[NodeError]:
    """The scoring rule must be usable and stay within ``[min_points, max_points]`` (never clamped later)."""
    from api.scoring.points import PointsError
    from api.scoring.rules import check_rule, rule_of

    assert node.scoring is not None
    spec = node.scoring
    needs = {"options": spec.options, "thresholds": spec.thresholds}
    if spec.kind in needs and not needs[spec.kind]:
        return [
            node_error(
                "bad_scoring",
                f"Mục {node.code}: cách chấm “{spec.kind}” cần danh sách “{spec.kind}”.",
                f"Node {node.code}: a '{spec.kind}' rule needs its '{spec.kind}' list.",
                node_code=node.code,
                field=f"scoring.{spec.kind}",
                location=f"{loc}.scoring.{spec.kind}",
            )
        ]
    if node.scoring_method == "survey":
        return [
            node_error(
                "bad_scoring",
                f"Mục {node.code} chấm qua điều tra xã hội học nên không có cách tự chấm điểm.",
                f"Node {node.code} is survey-scored: it cannot have a self-scoring rule.",
                node_code=node.code,
                field="scoring",
                location=f"{loc}.scoring",
            )
        ]
    try:
        problems = check_rule(rule_of(spec.model_dump(mode="json"), None, node.max_points))
    except PointsError:
        problems = ["điểm có quá ba chữ số thập phân / more than three decimals"]
    return [
        node_error(
            "bad_scoring",
            f"Mục {node.code}: cách chấm điểm không hợp lệ ({p}); điểm phải nằm trong khoảng từ điểm tối thiểu "
            "đến điểm tối đa của mục.",
            f"Node {node.code}: invalid scoring rule ({p}); points must lie between min_points and max_points.",
            node_code=node.code,
            field="scoring",
            location=f"{loc}.scoring",
        )
        for p in problems
    ]


def _noun(level_names: Iterable[str], fallback: str) -> str:
    names = {n.strip().lower() for n in level_names}
    return names.pop() if len(names) == 1 else fallback


def _check_sums(entries: list[_Entry], duplicated: set[str]) -> list[NodeError]:
    """Children's max_points must add up to the parent's (when ``children_sum`` and both are known).

    All children known: the sums must be equal. Some children unknown (null): the known ones must not
    exceed the parent. A parent with an invalid or duplicated node among its family is skipped to avoid
    cascading errors.
    """
    errors: list[NodeError] = []
    kids: dict[str, list[_Entry]] = {}
    for e in entries:
        if e.parent is not None:
            kids.setdefault(e.parent, []).append(e)
    for e in entries:
        node = e.node
        if node is None or node.code in duplicated or node.max_points is None or not node.children_sum:
            continue
        family = kids.get(node.code, [])
        if not family or any(k.node is None for k in family):
            continue
        children = [k.node for k in family if k.node is not None]
        known = [c for c in children if c.max_points is not None]
        if not known:
            continue
        total = math.fsum(c.max_points for c in known if c.max_points is not None)
        complete = len(known) == len(children)
        if complete and abs(total - node.max_points) <= SUM_TOLERANCE:
            continue
        if not complete and total <= node.max_points + SUM_TOLERANCE:
            continue
        ordered = tree_order(known)
        codes = ", ".join(c.code for c in ordered)
        kid_noun = _noun((c.level_name for c in ordered), "mục")
        own_noun = node.level_name.strip().lower()
        tail_vi = (
            " Hãy sửa điểm tối đa, hoặc đặt children_sum: false nếu văn bản quy định cách tính khác."
            if complete
            else " (chưa tính các mục con chưa có điểm) — đã vượt quá điểm của mục cha."
        )
        errors.append(
            node_error(
                "bad_sum",
                f"Tổng điểm tối đa của các {kid_noun} con ({codes}) là {fmt_number(total, vi=True)} nhưng "
                f"{own_noun} {node.code} có {fmt_number(node.max_points, vi=True)} điểm.{tail_vi}",
                f"Children ({codes}) of node {node.code} have max_points totalling {fmt_number(total, vi=False)}, "
                f"but node {node.code} has {fmt_number(node.max_points, vi=False)}"
                + ("." if complete else " (children with null points not counted)."),
                node_code=node.code,
                field="max_points",
                location=f"{e.location}.max_points",
            )
        )
    return errors


def _check_meta(meta: FrameworkMeta) -> list[NodeError]:
    errors: list[NodeError] = []
    if meta.valid_to_year is not None and meta.valid_to_year < meta.valid_from_year:
        errors.append(
            node_error(
                "bad_year_range",
                f"Thông tin bộ chỉ số: năm kết thúc áp dụng ({meta.valid_to_year}) trước năm bắt đầu "
                f"({meta.valid_from_year}).",
                f"Framework: valid_to_year {meta.valid_to_year} is before "
                f"valid_from_year {meta.valid_from_year}.",
                field="valid_to_year",
                location="framework.valid_to_year",
            )
        )
    seen: set[str] = set()
    previous_min: float | None = None
    for i, band in enumerate(meta.ranking_bands):
        where = f"ranking_bands[{i}]"
        if band.code in seen:
            errors.append(
                node_error(
                    "duplicate_code",
                    f"Nhóm xếp loại: mã “{band.code}” bị trùng.",
                    f"Ranking band code '{band.code}' is duplicated.",
                    field=f"{where}.code",
                    location=f"framework.{where}.code",
                )
            )
        seen.add(band.code)
        if not band.verified and band.note is None:
            errors.append(
                node_error(
                    "missing_source_note",
                    f"Nhóm xếp loại {band.code} chưa được xác minh (verified: false) nên phải ghi nguồn "
                    "hoặc lý do trong “ghi chú” (note).",
                    f"Ranking band {band.code} is not verified, so note must give the source or reason.",
                    field=f"{where}.note",
                    location=f"framework.{where}.note",
                )
            )
        low = band.min_percent if band.min_percent is not None else 0.0
        high = band.max_percent if band.max_percent is not None else math.inf
        if low > high:
            errors.append(
                node_error(
                    "bad_band",
                    f"Nhóm xếp loại {band.code}: tỷ lệ tối thiểu lớn hơn tỷ lệ tối đa.",
                    f"Ranking band {band.code}: min_percent is above max_percent.",
                    field=where,
                    location=f"framework.{where}",
                )
            )
        if previous_min is not None and low > previous_min:
            errors.append(
                node_error(
                    "bad_band",
                    f"Nhóm xếp loại {band.code}: các nhóm phải xếp từ cao xuống thấp.",
                    f"Ranking band {band.code}: bands must be ordered from high to low.",
                    field=where,
                    location=f"framework.{where}",
                )
            )
        previous_min = low
    return errors


def _check_root_sum(meta: FrameworkMeta, entries: list[_Entry]) -> list[NodeError]:
    roots = [e for e in entries if e.parent is None]
    if any(e.node is None for e in roots):
        return []
    nodes = tree_order([e.node for e in roots if e.node is not None])
    unknown = [n.code for n in nodes if n.max_points is None]
    if unknown:
        listed = ", ".join(unknown)
        return [
            node_error(
                "bad_root_sum",
                "Bộ chỉ số yêu cầu tổng điểm các mục cấp cao nhất bằng thang điểm "
                f"{fmt_number(meta.scale, vi=True)} (root_sum_equals_scale: true) nhưng các mục {listed} chưa có "
                "điểm tối đa.",
                f"root_sum_equals_scale is true but top-level nodes {listed} have no max_points.",
                field="root_sum_equals_scale",
                location="framework.root_sum_equals_scale",
            )
        ]
    total = math.fsum(n.max_points for n in nodes if n.max_points is not None)
    if abs(total - meta.scale) <= SUM_TOLERANCE:
        return []
    codes = ", ".join(n.code for n in nodes)
    return [
        node_error(
            "bad_root_sum",
            f"Tổng điểm tối đa của các mục cấp cao nhất ({codes}) là {fmt_number(total, vi=True)} nhưng thang "
            f"điểm của bộ chỉ số là {fmt_number(meta.scale, vi=True)}.",
            f"Top-level nodes ({codes}) total {fmt_number(total, vi=False)} but the scale is "
            f"{fmt_number(meta.scale, vi=False)}.",
            field="scale",
            location="framework.scale",
        )
    ]


def parse_document(data: Any) -> FrameworkDoc:
    """Validate a framework document (as loaded from YAML/JSON) and return it with nodes in tree order.

    Raises :class:`FrameworkValidationError` listing *every* problem: type and schema errors (attached to
    the node's code when possible), duplicate codes, unknown parents, cycles, point sums, unverified values
    without a source note, formula nodes without a formula, and (if ``root_sum_equals_scale``) the top-level
    sum vs ``scale``.
    """
    if not isinstance(data, dict):
        raise FrameworkValidationError(
            [
                node_error(
                    "wrong_type",
                    f"Tệp bộ chỉ số phải là một nhóm trường (format_version, framework, nodes), "
                    f"nhưng đang là {show_value(data)}.",
                    "A framework document must be a mapping with format_version, framework and nodes.",
                )
            ]
        )
    errors: list[NodeError] = []
    for key in data:
        if key not in ("format_version", "framework", "nodes"):
            errors.append(
                node_error(
                    "unknown_field",
                    f"Tệp bộ chỉ số: trường “{key}” không thuộc định dạng (chỉ có format_version, framework, "
                    "nodes).",
                    f"Unknown top-level field '{key}'.",
                    field=str(key),
                    location=str(key),
                )
            )
    version = data.get("format_version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        errors.append(
            node_error(
                "unsupported_version" if "format_version" in data else "missing_field",
                f"Tệp bộ chỉ số: phiên bản định dạng (format_version) phải là {FORMAT_VERSION}, "
                f"nhưng đang là {show_value(version)}.",
                f"format_version must be {FORMAT_VERSION}, got {show_value(version)}.",
                field="format_version",
                location="format_version",
            )
        )

    meta: FrameworkMeta | None = None
    if "framework" not in data:
        errors.append(
            node_error(
                "missing_field",
                "Tệp bộ chỉ số: thiếu phần thông tin chung “framework”.",
                "Missing 'framework' section.",
                field="framework",
                location="framework",
            )
        )
    else:
        try:
            meta = FrameworkMeta.model_validate(data["framework"])
        except ValidationError as exc:
            errors.extend(from_validation_error(exc, prefix="framework", node_code=None))
        if meta is not None:
            errors.extend(_check_meta(meta))

    raw_nodes = data.get("nodes")
    entries: list[_Entry] = []
    if "nodes" not in data:
        errors.append(
            node_error(
                "missing_field",
                "Tệp bộ chỉ số: thiếu danh sách mục “nodes”.",
                "Missing 'nodes' list.",
                field="nodes",
                location="nodes",
            )
        )
    elif not isinstance(raw_nodes, list):
        errors.append(
            node_error(
                "wrong_type",
                f"Tệp bộ chỉ số: “nodes” phải là một danh sách, nhưng đang là {show_value(raw_nodes)}.",
                "'nodes' must be a list.",
                field="nodes",
                location="nodes",
            )
        )
    else:
        for i, raw in enumerate(raw_nodes):
            code = _raw_code(raw.get("code")) if isinstance(raw, dict) else None
            parent = _raw_code(raw.get("parent")) if isinstance(raw, dict) else None
            node: NodeDoc | None = None
            try:
                node = NodeDoc.model_validate(raw)
            except ValidationError as exc:
                errors.extend(from_validation_error(exc, prefix=f"nodes[{i}]", node_code=code))
            entries.append(_Entry(index=i, code=code, parent=parent, node=node))

    errors.extend(_check_structure(entries))
    for e in entries:
        if e.node is not None:
            errors.extend(_check_node(e, e.node))
    counts: dict[str, int] = {}
    for e in entries:
        if e.code is not None:
            counts[e.code] = counts.get(e.code, 0) + 1
    errors.extend(_check_sums(entries, {c for c, n in counts.items() if n > 1}))
    if meta is not None and meta.root_sum_equals_scale:
        errors.extend(_check_root_sum(meta, entries))

    if errors or meta is None:
        raise FrameworkValidationError(errors)
    nodes = [e.node for e in entries if e.node is not None]
    return FrameworkDoc(format_version=FORMAT_VERSION, framework=meta, nodes=tree_order(nodes))
