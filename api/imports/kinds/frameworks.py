"""Import of framework nodes (bộ chỉ số): rows per node, or a whole library file (YAML/JSON).

- A library file (``format_version``, ``framework``, ``nodes``) goes through ``api.frameworks.importer``: created,
  or replaced in place by node code (links kept, locked content refused).
- Rows (``Mã bộ chỉ số`` + node columns) upsert nodes by code into an existing framework: the stored framework is
  turned into its document, the rows are laid over it (only the columns present in the file), and the result is
  validated by ``api.frameworks.library.parse_document`` (sums, parents, cycles, unverified values…) and applied
  by the same importer. Rows never delete nodes.
"""

import json
from collections import defaultdict
from typing import Any

from pydantic import ValidationError
from sqlmodel import col

from api.authz import scope
from api.authz.permissions import Permission
from api.errors import AppError
from api.frameworks import importer
from api.frameworks.library import (
    FormulaSpec,
    FrameworkValidationError,
    NodeError,
    dump_document,
    parse_document,
)
from api.frameworks.rows import to_document
from api.imports.kinds.base import Column, Context, Counts, Kind, Row
from api.imports.kinds.values import Choice, bool_text, parse_bool, parse_float, parse_int, required
from api.models import Framework, FrameworkNode, ScoringMethod

P = Permission
METHODS = Choice(
    ScoringMethod, {"self_assessed": "Tự đánh giá", "survey": "Điều tra xã hội học", "formula": "Công thức"}
)
DROPDOWNS = {"scoring_methods": METHODS}
NODE_KEYS = (
    "parent",
    "title",
    "title_en",
    "order",
    "level_name",
    "max_points",
    "scoring_method",
    "scoring_rule",
    "formula",
    "expected_evidence",
    "children_sum",
    "verified",
    "source_note",
)


def _doc_errors(ctx: Context, errors: list[NodeError], row_of: dict[str, int]) -> None:
    for e in errors:
        row = row_of.get(e.node_code or "")
        key = (e.field or "").split(".")[0].split("[")[0] or None
        column = key if key in NODE_KEYS else "code" if key == "code" else None
        ctx.error(row, column, e.code, e.message, e.message_en)
        if column is None:
            ctx.errors[-1].column = e.location or None


def _conflict_errors(ctx: Context, exc: AppError, row_of: dict[str, int]) -> None:
    if not exc.errors:
        ctx.error(None, None, exc.code, exc.detail, exc.detail_en or exc.detail)
    for fe in exc.errors:
        parts = (fe.field or "").split(".")
        row = row_of.get(parts[1]) if len(parts) > 1 and parts[0] == "nodes" else None
        ctx.error(row, None, fe.code, fe.message, fe.message_en or fe.message)
        ctx.errors[-1].column = fe.field


class FrameworksKind(Kind):
    name = "frameworks"
    title = "Tiêu chí của bộ chỉ số"
    title_en = "framework nodes"
    permission = P.frameworks_manage
    accepts_document = True
    sheet_title = "Tiêu chí"
    columns = [
        Column(
            "framework_code", "Mã bộ chỉ số", True, ("framework", "bo chi so"), "PAR_INDEX_TINH_876", width=22
        ),
        Column("code", "Mã tiêu chí", True, ("ma", "node code", "ma muc"), "1.1", width=10),
        Column("parent", "Mã mục cha", False, ("parent", "ma cha"), "1", width=10),
        Column("title", "Tên tiêu chí", True, ("ten", "title", "noi dung"), "Kế hoạch CCHC năm", width=50),
        Column("title_en", "Tên tiếng Anh", False, ("title en",), "", width=30),
        Column("order", "Thứ tự", False, ("order",), "1", width=8),
        Column("level_name", "Cấp", True, ("level name", "cap"), "Tiêu chí thành phần", width=18),
        Column("max_points", "Điểm tối đa", False, ("max points", "diem"), "1", width=10, text=False),
        Column(
            "scoring_method",
            "Phương pháp chấm",
            False,
            ("scoring method",),
            "Tự đánh giá",
            choices="scoring_methods",
            width=18,
        ),
        Column("scoring_rule", "Cách chấm", False, ("scoring rule",), "", width=40),
        Column(
            "formula",
            "Công thức (JSON)",
            False,
            ("formula",),
            "",
            note='{"numerator": "…", "denominator": "…", "thresholds": [{"min_ratio": 1, "points": 1}]}',
            width=30,
        ),
        Column("expected_evidence", "Tài liệu kiểm chứng", False, ("expected evidence",), "", width=30),
        Column(
            "children_sum",
            "Kiểm tra tổng điểm mục con",
            False,
            ("children sum",),
            "Có",
            choices="bool",
            width=12,
        ),
        Column("verified", "Đã xác minh", False, ("verified",), "Có", choices="bool", width=12),
        Column("source_note", "Ghi chú nguồn", False, ("source note",), "", width=30),
    ]

    # -- a whole library file ---------------------------------------------------------------------------------
    def prepare_document(self, ctx: Context, data: Any, counts: Counts) -> importer.ImportPlan | None:
        try:
            doc = parse_document(data)
        except FrameworkValidationError as exc:
            _doc_errors(ctx, exc.errors, {})
            return None
        return self._plan(ctx, doc, {}, counts, rows=None)

    def _plan(
        self, ctx: Context, doc: Any, row_of: dict[str, int], counts: Counts, rows: list[Row] | None
    ) -> importer.ImportPlan | None:
        existing = ctx.session.exec(
            scope.visible_frameworks(ctx.principal, P.frameworks_manage).where(
                Framework.code == doc.framework.code
            )
        ).first()
        if (
            existing is not None
            and existing.owner_unit_id is not None
            and existing.owner_unit_id not in ctx.scoped_unit_ids()
        ):
            ctx.error(
                None,
                "framework_code",
                "out_of_scope",
                f"Bộ chỉ số {doc.framework.code} không thuộc phạm vi quản lý của bạn.",
                f"Framework {doc.framework.code} is outside your scope.",
            )
            return None
        try:
            plan = importer.plan_import(ctx.session, ctx.principal, doc=doc)
        except AppError as exc:
            _conflict_errors(ctx, exc, row_of)
            return None
        counts.detail(
            "frameworks", "created" if plan.framework is None else plan.action.replace("replace", "updated")
        )
        counts.deleted += len(plan.delete)
        if rows is None:
            counts.add("created", len(plan.create))
            counts.add("updated", len(plan.update))
            counts.add("unchanged", plan.unchanged)
        else:
            created = {n.code for n in plan.create}
            for r in rows:
                code = r.get("code") or ""
                counts.add(
                    "created" if code in created else "updated" if code in plan.update else "unchanged"
                )
        return plan

    # -- rows -------------------------------------------------------------------------------------------------
    def prepare(self, ctx: Context, rows: list[Row], counts: Counts) -> list[importer.ImportPlan]:
        groups: dict[str, list[Row]] = defaultdict(list)
        for r in rows:
            fw_code, code = required(ctx, r, "framework_code"), required(ctx, r, "code")
            if fw_code and code:
                groups[fw_code].append(r)
        found = {
            f.code: f
            for f in ctx.session.exec(
                scope.visible_frameworks(ctx.principal, P.frameworks_manage).where(
                    col(Framework.code).in_(list(groups))
                )
            )
        }
        plans = []
        for fw_code, fw_rows in groups.items():
            fw = found.get(fw_code)
            if fw is None:
                for r in fw_rows[:1]:
                    ctx.error(
                        r.number,
                        "framework_code",
                        "unknown_framework",
                        f"Không có bộ chỉ số mã “{fw_code}” mà bạn được quản lý. Bộ chỉ số mới được tạo bằng "
                        "tệp bộ chỉ số (YAML/JSON).",
                        f"No framework '{fw_code}' you may manage; create it from a library file first.",
                    )
                continue
            merged, row_of = self._merge(ctx, fw, fw_rows)
            if merged is None:
                continue
            try:
                doc = parse_document(merged)
            except FrameworkValidationError as exc:
                _doc_errors(ctx, exc.errors, row_of)
                continue
            plan = self._plan(ctx, doc, row_of, counts, fw_rows)
            if plan is not None:
                plans.append(plan)
        return plans

    def _merge(
        self, ctx: Context, fw: Framework, rows: list[Row]
    ) -> tuple[dict[str, Any] | None, dict[str, int]]:
        nodes = ctx.session.exec(
            scope.visible_nodes(ctx.principal, P.frameworks_manage).where(FrameworkNode.framework_id == fw.id)
        ).all()
        data = dump_document(to_document(fw, nodes))
        by_code = {n["code"]: n for n in data["nodes"]}
        row_of: dict[str, int] = {}
        ok = True
        for r in rows:
            code = r.get("code") or ""
            if code in row_of:
                ctx.error(
                    r.number,
                    "code",
                    "duplicate_key",
                    f"Mã “{code}” trùng với dòng {row_of[code]}.",
                    f"Node code '{code}' repeats row {row_of[code]}.",
                )
                ok = False
                continue
            row_of[code] = r.number
            values = self._node_values(ctx, r, code not in by_code, len(by_code) + 1)
            if values is None:
                ok = False
                continue
            node = by_code.setdefault(code, {"code": code})
            if code not in {n["code"] for n in data["nodes"]}:
                data["nodes"].append(node)
            node.update(values)
        return (data if ok else None), row_of

    def _node_values(self, ctx: Context, r: Row, new: bool, position: int) -> dict[str, Any] | None:
        oks = []
        ok, order = parse_int(ctx, r, "order", 0, 1_000_000)
        oks.append(ok)
        ok, points = parse_float(ctx, r, "max_points")
        oks.append(ok)
        ok, method = METHODS.parse(ctx, r, "scoring_method")
        oks.append(ok)
        ok, children_sum = parse_bool(ctx, r, "children_sum")
        oks.append(ok)
        ok, verified = parse_bool(ctx, r, "verified")
        oks.append(ok)
        formula = None
        if r.get("formula"):
            try:
                formula = FormulaSpec.model_validate(json.loads(r.get("formula") or "")).model_dump(
                    mode="json"
                )
            except (ValueError, ValidationError) as exc:
                ctx.error(
                    r.number,
                    "formula",
                    "invalid_formula",
                    f"Công thức không hợp lệ: {exc}",
                    f"Invalid formula JSON: {exc}",
                )
                oks.append(False)
        if not all(oks):
            return None
        raw = {
            "parent": r.get("parent"),
            "title": r.get("title"),
            "title_en": r.get("title_en"),
            "order": order,
            "level_name": r.get("level_name"),
            "max_points": points,
            "scoring_method": method and method.value,
            "scoring_rule": r.get("scoring_rule"),
            "formula": formula,
            "expected_evidence": r.get("expected_evidence"),
            "children_sum": children_sum,
            "verified": verified,
            "source_note": r.get("source_note"),
        }
        values = {k: v for k, v in raw.items() if k in ctx.headers}
        for k in ("order", "scoring_method", "children_sum", "verified"):
            if values.get(k) is None:
                values.pop(k, None)  # blank: keep what is stored (or the default below for a new node)
        if new:
            values.setdefault("order", position)
            values.setdefault("scoring_method", "self_assessed")
            values.setdefault("verified", False)
        return values

    def apply(self, ctx: Context, prepared: Any) -> None:
        plans = prepared if isinstance(prepared, list) else [prepared]
        for plan in plans:
            if plan.action != "unchanged":
                importer.apply_import(ctx.session, ctx.principal, plan)

    def export_rows(self, ctx: Context) -> list[dict[str, str | None]]:
        scoped = set(ctx.scoped_unit_ids())
        fws = [
            f
            for f in ctx.session.exec(
                scope.visible_frameworks(ctx.principal, P.frameworks_manage).order_by(col(Framework.code))
            ).all()
            if f.owner_unit_id is None or f.owner_unit_id in scoped
        ]
        if not fws:
            return []
        by_fw: dict[int, list[FrameworkNode]] = defaultdict(list)
        ids = [f.id for f in fws]
        for n in ctx.session.exec(
            scope.visible_nodes(ctx.principal, P.frameworks_manage).where(
                col(FrameworkNode.framework_id).in_(ids)
            )
        ).all():
            by_fw[n.framework_id].append(n)
        out = []
        for fw in fws:
            for n in dump_document(to_document(fw, by_fw.get(fw.id or 0, [])))["nodes"]:
                out.append(
                    {"framework_code": fw.code, **{k: _cell(k, n.get(k)) for k in ("code", *NODE_KEYS)}}
                )
        return out


def _cell(key: str, value: Any) -> str | None:
    if value is None:
        return None
    if key == "scoring_method":
        return METHODS.label(value)
    if isinstance(value, bool):
        return bool_text(value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


KIND = FrameworksKind()
