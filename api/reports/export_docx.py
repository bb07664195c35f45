"""DOCX export in the administrative format of Nghị định 30/2020/NĐ-CP (domain reference §6).

The shipped layout is a template built in code (:func:`skeleton`): A4 portrait, margins 20/20/30/15 mm, Times New
Roman 14, the two-column header block (issuing body and "Số: …" left; quốc hiệu, tiêu ngữ and the italic place
and date line right), "BÁO CÁO" and the trích yếu, ``{{NOI_DUNG}}`` where the body goes, then nơi nhận and the
signature block; page numbers centred in the header from page 2. A district admin may upload a replacement
(``unit_report.docx`` / ``district_report.docx``) using the same ``{{placeholders}}`` and anchors; the body and the
appendix are generated the same way into either.
"""

from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Mm

from api.org_units import levels
from api.reports import docx_kit as K
from api.reports import vn
from api.reports.document import ReportDocument, citation, recipients
from api.surveys import summary as S

C, J, L = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.LEFT
BODY_SIZE, TABLE_SIZE = 14, 12
QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
RULE = "―――――――"
BUCKET_ROWS = [
    ("done_on_time", "Hoàn thành đúng hạn"),
    ("done_late", "Hoàn thành quá hạn"),
    ("in_progress_on_time", "Đang thực hiện trong hạn"),
    ("awaiting_review", "Chờ duyệt"),
    ("overdue", "Quá hạn"),
]
APPENDIX_COLUMNS = [
    "STT",
    "Nhiệm vụ, giải pháp",
    "Sản phẩm",
    "Tiến độ",
    "Chủ trì/Phối hợp",
    "Kết quả",
    "Tài liệu kiểm chứng",
]
# NĐ 30 margins (mm): top, bottom, left (binding), right — the same on the landscape appendix pages.
MARGINS_MM = (20, 20, 30, 15)
PORTRAIT_TEXT_MM = 210 - MARGINS_MM[2] - MARGINS_MM[3]  # 165
LANDSCAPE_TEXT_MM = 297 - MARGINS_MM[2] - MARGINS_MM[3]  # 252
HEADER_WIDTHS_MM = [62, 103]  # issuing body | quốc hiệu (one line at 12 pt bold)
SIGN_WIDTHS_MM = [80, 85]
APPENDIX_WIDTHS_MM = [12, 58, 36, 24, 32, 48, 42]  # = LANDSCAPE_TEXT_MM


def _margins(section: Any) -> None:
    top, bottom, left, right = MARGINS_MM
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)
    section.header_distance = Mm(10)


def _page_setup(section: Any) -> None:
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    _margins(section)


def _cell_lines(cell: Any, lines: list[tuple[str, dict[str, Any]]]) -> None:
    first = True
    for text, fmt in lines:
        p = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        K.write(p, text, align=fmt.pop("align", C), **fmt)
        K.spacing(p)


def skeleton() -> DocumentObject:
    """The shipped ND 30 template, with ``{{placeholders}}`` (downloadable, and the default of every export)."""
    doc = Document()
    K.set_default_font(doc, BODY_SIZE)
    section = doc.sections[0]
    _page_setup(section)
    section.different_first_page_header_footer = True
    K.add_page_field(section.header.paragraphs[0], 13)
    header = doc.add_table(rows=1, cols=2)
    K.set_borders(header, on=False)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    K.set_widths(header, [Mm(w) for w in HEADER_WIDTHS_MM])
    left, right = header.rows[0].cells
    _cell_lines(
        left,
        [
            ("{{co_quan_chu_quan}}", {"size": 13}),
            ("{{ten_co_quan}}", {"size": 13, "bold": True}),
            (RULE, {"size": 8}),
            ("Số: {{so_bao_cao}}", {"size": 13}),
        ],
    )
    _cell_lines(
        right,
        [
            (QUOC_HIEU, {"size": 12, "bold": True}),
            (TIEU_NGU, {"size": 13, "bold": True}),
            (RULE, {"size": 8}),
            ("{{dia_danh}}, {{ngay}}", {"size": 14, "italic": True}),
        ],
    )
    p = doc.add_paragraph()
    K.spacing(p, before=18)
    K.write(p, "{{ten_loai}}", size=14, bold=True, align=C)
    p = doc.add_paragraph()
    K.write(p, "{{trich_yeu}}", size=14, bold=True, align=C)
    p = doc.add_paragraph()
    K.write(p, RULE, size=8, align=C)
    K.spacing(p, after=12)
    K.write(doc.add_paragraph(), "{{NOI_DUNG}}")
    sign = doc.add_table(rows=1, cols=2)
    K.set_borders(sign, on=False)
    K.set_widths(sign, [Mm(w) for w in SIGN_WIDTHS_MM])
    left, right = sign.rows[0].cells
    _cell_lines(
        left,
        [
            ("Nơi nhận:", {"size": 12, "bold": True, "italic": True, "align": L}),
            ("{{NOI_NHAN}}", {"size": 11, "align": L}),
        ],
    )
    _cell_lines(
        right,
        [
            ("{{quyen_han}}", {"size": 14, "bold": True}),
            ("\n\n\n", {"size": 14}),
            ("{{nguoi_ky}}", {"size": 14, "bold": True}),
        ],
    )
    return doc


def skeleton_bytes() -> bytes:
    out = BytesIO()
    skeleton().save(out)
    return out.getvalue()


# --- the body ---------------------------------------------------------------------------------------------------


class Body:
    def __init__(self, writer: Any) -> None:
        self.w = writer

    def para(
        self,
        text: str,
        *,
        bold: bool = False,
        italic: bool = False,
        indent: bool = True,
        align: Any = J,
        size: float = BODY_SIZE,
    ) -> None:
        p = self.w.paragraph()
        K.write(p, text, size=size, bold=bold, italic=italic, align=align)
        K.spacing(p, after=6, line=1.15)
        if indent:
            p.paragraph_format.first_line_indent = Cm(1.27)

    def heading(self, text: str, level: int) -> None:
        self.para(text, bold=level < 3, italic=level == 3, indent=level > 1)

    def text(self, value: Any) -> None:
        lines = [ln.strip() for ln in str(value or "").splitlines() if ln.strip()]
        for ln in lines or ["…"]:
            self.para(ln)

    def table(
        self,
        header: list[str],
        rows: list[list[Any]],
        widths_mm: list[int] | None = None,
        size: float = TABLE_SIZE,
    ) -> Any:
        t = self.w.table(rows=1, cols=len(header))
        K.set_borders(t, on=True)
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        K.repeat_header(t.rows[0])
        for c, text in zip(t.rows[0].cells, header, strict=True):
            K.write(c.paragraphs[0], text, size=size, bold=True, align=C)
        for row in rows:
            cells = t.add_row().cells
            for i, (c, value) in enumerate(zip(cells, row, strict=True)):
                align = L if i > 0 and isinstance(value, str) and len(value) > 12 else C
                K.write(c.paragraphs[0], vn.cell(value), size=size, align=align)
        if widths_mm:  # the grid and every cell carry the same widths (Word and LibreOffice both honour them)
            K.set_widths(t, [Mm(w) for w in widths_mm])
        self.para("", indent=False, size=6)
        return t


def _count_rows(counts: dict[str, int], total: int) -> list[list[Any]]:
    rows = [
        [label, vn.number(counts.get(key, 0)), vn.percent(counts.get(key, 0), total)]
        for key, label in BUCKET_ROWS
    ]
    return [*rows, ["Tổng số", vn.number(total), vn.percent(total, total)]]


def _plan_progress(b: Body, doc: ReportDocument) -> None:
    """Kế hoạch: figures by deadline bucket and by lĩnh vực (auto section ``plan_progress``)."""
    f = doc.figures
    counts, total = f.get("buckets", {}), int(f.get("total", 0))
    b.heading("a) Theo thời hạn hoàn thành", 3)
    parts = [
        f"{label.lower()} {vn.number(counts.get(k, 0))} ({vn.percent(counts.get(k, 0), total)})"
        for k, label in BUCKET_ROWS
    ]
    scope_text = vn.tasks_and_assignments(int(f.get("tasks", 0)), total)
    b.para(
        f"Tổng số được giao: {scope_text}; trong đó (tính theo lượt giao): {'; '.join(parts)} "
        f"(số liệu tính đến ngày {vn.date_text(date.fromisoformat(f['as_of']))}). Trong kỳ báo cáo đã hoàn thành "
        f"{vn.number(f.get('completed_in_window', 0))} lượt giao; có {vn.number(f.get('evidence_in_window', 0))} "
        f"tài liệu kiểm chứng có hiệu lực trong kỳ."
    )
    b.table(["Tình trạng", "Số lượt giao", "Tỷ lệ"], _count_rows(counts, total), [90, 35, 35])
    b.heading("b) Theo lĩnh vực", 3)
    rows = []
    for i, r in enumerate(f.get("by_field", []), 1):
        c = r.get("buckets", {})
        rows.append(
            [str(i), r.get("name") or "", vn.number(r.get("total", 0))]
            + [vn.number(c.get(k, 0)) for k, _ in BUCKET_ROWS]
        )
    if rows:
        b.table(
            [
                "STT",
                "Lĩnh vực",
                "Tổng số lượt giao",
                "Đúng hạn",
                "Hoàn thành quá hạn",
                "Đang thực hiện",
                "Chờ duyệt",
                "Quá hạn",
            ],
            rows,
            [12, 47, 16, 18, 18, 18, 16, 18],
        )
    else:
        b.para("Chưa có nhiệm vụ gắn với lĩnh vực của Bộ chỉ số.")


def _plan_tasks(b: Body, doc: ReportDocument) -> None:
    """Nhiệm vụ hoàn thành và tài liệu kiểm chứng trong kỳ (auto section ``plan_tasks``)."""
    f, t = doc.figures, doc.texts
    b.heading("a) Nhiệm vụ hoàn thành trong kỳ", 3)
    done = f.get("completed_tasks", [])
    if doc.is_district:
        _completed_by_task(b, done)
    for item in [] if doc.is_district else done:
        when = vn.date_text(date.fromisoformat(item["completed_date"])) if item.get("completed_date") else ""
        b.para(f"- {item.get('label')}. {item.get('task')} (hoàn thành ngày {when}).")
    if not done:
        b.para(
            f"Trong kỳ (từ ngày {t['tu_ngay']} đến ngày {t['den_ngay']}) chưa có nhiệm vụ được công nhận hoàn thành."
        )
    b.heading("b) Tài liệu kiểm chứng trong kỳ", 3)
    evidence = f.get("evidence", [])
    if doc.is_district:
        _evidence_by_unit(b, evidence)
    for ev in [] if doc.is_district else evidence:
        when = vn.short_date(date.fromisoformat(ev["issue_date"])) if ev.get("issue_date") else ""  # cited
        number = f", số {ev['doc_number']}" if ev.get("doc_number") else ""
        b.para(f"- {ev.get('title')}{number}{f', ngày {when}' if when else ''}.")
    if not evidence:
        b.para("Không có tài liệu kiểm chứng có hiệu lực trong kỳ.")


def _completed_by_task(b: Body, done: list[dict[str, Any]]) -> None:
    """District report: one line per task (how many units completed it in the window), not per assignment."""
    by_task: dict[tuple[str, str], int] = {}
    for item in done:
        key = (str(item.get("label") or ""), str(item.get("task") or ""))
        by_task[key] = by_task.get(key, 0) + 1
    if done:
        b.para(f"Trong kỳ có {vn.number(len(done))} lượt nhiệm vụ được công nhận hoàn thành, cụ thể:")
    for (label, task), n in by_task.items():
        b.para(f"- {label}. {task}: {vn.number(n)} cơ quan, đơn vị hoàn thành.")


def _evidence_by_unit(b: Body, evidence: list[dict[str, Any]]) -> None:
    """District report: the number of documents per unit (the list itself is in the XLSX export)."""
    by_unit: dict[str, int] = {}
    for ev in evidence:
        by_unit[str(ev.get("unit") or "")] = by_unit.get(str(ev.get("unit") or ""), 0) + 1
    if evidence:
        b.para(
            f"Trong kỳ có {vn.number(len(evidence))} tài liệu kiểm chứng có hiệu lực (danh mục chi tiết tại tệp "
            "số liệu kèm theo), gồm:"
        )
    for unit, n in sorted(by_unit.items()):
        b.para(f"- {unit}: {vn.number(n)} tài liệu.")


def _units_section(b: Body, doc: ReportDocument) -> None:
    f = doc.figures
    b.para(
        f"{levels.terms(doc.owner).home_affairs} đã tiếp nhận {vn.number(f.get('accepted_reports', 0))}/"
        f"{vn.number(f.get('units_expected', 0))} "
        f"báo cáo của các cơ quan, đơn vị."
    )
    rows = []
    for i, u in enumerate(f.get("units", []), 1):
        src = u.get("reported") or u.get("live") or {}
        c = src.get("buckets", {})
        status = (
            "Đã tiếp nhận"
            if u.get("accepted")
            else ("Chưa báo cáo" if not u.get("report_status") else "Chưa tiếp nhận")
        )
        if u.get("is_late"):
            status += " (nộp muộn)"
        rows.append(
            [
                str(i),
                u.get("name") or "",
                status,
                vn.number(src.get("total", 0)),
                vn.number(c.get("done_on_time", 0) + c.get("done_late", 0)),
                vn.number(c.get("overdue", 0)),
            ]
        )
    if rows:
        b.table(
            ["STT", "Cơ quan, đơn vị", "Báo cáo", "Tổng số lượt giao", "Đã hoàn thành", "Quá hạn"],
            rows,
            [12, 62, 34, 20, 20, 17],
        )
    missing = [u.get("name") or "" for u in f.get("not_reported", [])]
    if missing:
        b.para("Các cơ quan, đơn vị chưa có báo cáo được tiếp nhận: " + "; ".join(missing) + ".")


def heading_text(section: dict[str, Any]) -> str:
    """``I. TITLE``, ``1. Title``, ``a) Title``; the indicator table's own title stands alone."""
    number, title = str(section.get("number") or ""), str(section.get("title") or "")
    if section.get("fill") == "indicators" or not number:
        return title
    if len(number) == 1 and number.isalpha() and number.islower():
        return f"{number}) {title}"
    return f"{number}. {title}"


def indicator_value_text(value: str | None) -> str:
    """The API's decimal string in Vietnamese writing: ``"1234"`` → ``1.234``, ``"87.5"`` → ``87,5``."""
    if value is None:
        return "—"
    d = Decimal(value)
    places = max(0, -int(d.as_tuple().exponent))  # type: ignore[operator]
    return vn.number(float(d), places)


ROLLUP_WORDS = {"sum": "Tổng cộng", "average": "Trung bình", "share": "Tỷ lệ"}
INDICATOR_WIDTHS_MM = [12, 70, 24, 24, 35]  # = PORTRAIT_TEXT_MM
DISTRICT_INDICATOR_WIDTHS_MM = [12, 58, 22, 22, 51]


def _indicator_note(doc: ReportDocument, item: dict[str, Any]) -> str:
    if item.get("source_text") and (item.get("computed") or not doc.is_district):
        return str(item["source_text"])
    if item.get("computed") and item.get("rollup") != "share":
        return "Hệ thống tính"
    if doc.is_district and item.get("rollup") in ROLLUP_WORDS:
        note = (
            f"{ROLLUP_WORDS[item['rollup']]} từ {vn.number(item.get('units_entered') or 0)}/"
            + vn.number(item.get("units_expected") or 0)
            + " đơn vị"
        )
        missing = [str(u.get("unit_name") or "") for u in item.get("missing_units") or []]
        if missing:
            shown = ", ".join(missing[:4]) + (
                f" và {len(missing) - 4} đơn vị khác" if len(missing) > 4 else ""
            )
            note += f"; chưa nhập: {shown}"
        return note
    if item.get("rollup") == "share":
        return "Tỷ lệ, hệ thống tính"
    return str(item.get("note") or "")


def _indicators(b: Body, doc: ReportDocument) -> None:
    items = doc.figures.get("indicators") or []
    if not items:
        b.para("Đề cương không có chỉ tiêu số liệu.")
        return
    rows = [
        [str(i), it.get("name") or "", it.get("unit_of_measure") or "", indicator_value_text(it.get("value")),
         _indicator_note(doc, it)]
        for i, it in enumerate(items, 1)
    ]  # fmt: skip
    last = "Cách tổng hợp" if doc.is_district else "Ghi chú"
    widths = DISTRICT_INDICATOR_WIDTHS_MM if doc.is_district else INDICATOR_WIDTHS_MM
    b.table(["STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu", last], rows, widths)


SURVEY_WIDTHS_MM = [46, 15, 16, 24, 24, 22, 18]  # = PORTRAIT_TEXT_MM


def _survey(b: Body, doc: ReportDocument) -> None:
    """Khảo sát (source ``survey``): the desks' own survey of the window — sample, rate per factor (confidence,
    small samples), the weighted index beside the official SIPAS results, the weak factors and their tasks."""
    survey = S.of_figures(doc.figures)
    if survey is None:
        b.para("Chưa có dữ liệu khảo sát được ghi nhận trên hệ thống.")
        return
    t = doc.texts
    p = S.parts(survey, district=doc.is_district, window=f"từ ngày {t['tu_ngay']} đến ngày {t['den_ngay']}")
    for line in p["lead"]:
        b.para(line)
    if not survey.has_answers:
        return
    b.table(S.FACTOR_HEADER, S.factor_rows(survey), SURVEY_WIDTHS_MM, size=11)
    for line in [*p["index"], *p["units"], *p["weak"]]:
        b.para(line)
    b.para("Ghi chú: " + S.METHOD_NOTE, italic=True, size=12)


AUTO_WRITERS = {"plan_progress": _plan_progress, "plan_tasks": _plan_tasks, "survey": _survey}


def _section(b: Body, doc: ReportDocument, s: dict[str, Any]) -> None:
    fill, source = s.get("fill"), s.get("source")
    depth = int(s.get("depth") or 0)
    if fill == "indicators":
        b.para(heading_text(s), bold=True, indent=False, align=C)
        _indicators(b, doc)
        return
    b.heading(heading_text(s), min(depth + 1, 3))
    if fill == "auto":
        writer = AUTO_WRITERS.get(str(source))
        if writer is not None:
            writer(b, doc)
        elif source == "unit_reports":
            _units_section(b, doc)
        else:
            b.text(s.get("text"))
    elif fill == "written":
        if source == "survey":
            _survey(b, doc)
        elif s.get("auto_text"):
            b.para(str(s["auto_text"]), italic=True)
        b.text(s.get("text"))


def _body(writer: Any, doc: ReportDocument) -> None:
    b = Body(writer)
    t = doc.texts
    plans = [citation(p) for p in doc.figures.get("plans", [])]
    basis = f"Thực hiện {'; '.join(plans)}, " if plans else ""
    b.para(
        f"{basis}{t['ten_don_vi']} báo cáo kết quả thực hiện công tác cải cách hành chính {t['ky_bao_cao']} "
        f"(số liệu tính từ ngày {t['tu_ngay']} đến ngày {t['den_ngay']}) như sau:"
    )
    outline = doc.figures.get("outline") or {}
    for s in outline.get("sections") or []:
        _section(b, doc, s)
    b.para(
        f"Trên đây là báo cáo kết quả thực hiện công tác cải cách hành chính {t['ky_bao_cao']} của "
        f"{t['ten_don_vi']}./."
    )


def _appendix_row(doc: ReportDocument, row: dict[str, Any]) -> list[Any]:
    deadline = row.get("deadline_text") or (
        vn.date_text(date.fromisoformat(row["due_date"])) if row.get("due_date") else ""
    )
    evidence = "\n".join(
        f"{e.get('title')}"
        + (f" (số {e['doc_number']}" if e.get("doc_number") else "")
        + (f", ngày {vn.short_date(date.fromisoformat(e['issue_date']))}" if e.get("issue_date") else "")  # cited
        + (")" if e.get("doc_number") else "")
        for e in row.get("evidence", [])
    )
    if doc.is_district:
        units = f"Chủ trì: {row.get('lead_unit') or ''}" + (
            f"\nPhối hợp: {row['coordinating_units']}" if row.get("coordinating_units") else ""
        )
        result = "; ".join(x for x in [row.get("summary"), row.get("result")] if x)
    else:
        units = row.get("role_label") or ""
        if row.get("role") == "coordinating" and row.get("lead_unit"):
            units += f" (chủ trì: {row['lead_unit']})"
        result = f"{row.get('status_label')} ({row.get('progress') or 0}%)" + (
            f": {row['result']}" if row.get("result") else ""
        )
    return [
        (row.get("label") or "") + (f"\n({row['instance']})" if row.get("instance") else ""),
        row.get("task") or "",
        row.get("product") or "",
        deadline,
        units,
        result,
        evidence,
    ]


def _appendix(writer: Any, doc: ReportDocument) -> None:
    b = Body(writer)
    t = doc.texts
    b.para("PHỤ LỤC", bold=True, indent=False, align=C)
    b.para("KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ, GIẢI PHÁP CẢI CÁCH HÀNH CHÍNH", bold=True, indent=False, align=C)
    b.para(
        f"(Kèm theo Báo cáo số {t['so_bao_cao'].strip()} ngày {t['ngay_ngan']} của {t['ten_don_vi']})",
        italic=True,
        indent=False,
        align=C,
    )
    rows = [_appendix_row(doc, r) for r in doc.task_table]
    if rows:
        b.table(APPENDIX_COLUMNS, rows, APPENDIX_WIDTHS_MM, size=11)
    else:
        b.para("Không có nhiệm vụ trong kỳ báo cáo.", indent=False, align=C)


def render(doc: ReportDocument, template: bytes | None = None) -> bytes:
    """The report as DOCX, from an uploaded template or the shipped one."""
    d = Document(BytesIO(template)) if template else skeleton()
    K.replace_placeholders(d, doc.texts)
    anchors = K.find_anchors(d)
    body_anchor = anchors.get(K.BODY_ANCHOR)
    writer = K.AnchorWriter(d, body_anchor) if body_anchor is not None else K.EndWriter(d)
    _body(writer, doc)
    writer.close()
    recipients_anchor = anchors.get(K.RECIPIENTS_ANCHOR)
    if recipients_anchor is not None:
        rw = K.AnchorWriter(d, recipients_anchor)
        for line in recipients(doc):
            K.spacing(K.write(rw.paragraph(), f"- {line}", size=11, align=L))
        rw.close()
    appendix_anchor = anchors.get(K.APPENDIX_ANCHOR)
    if appendix_anchor is not None:
        aw: Any = K.AnchorWriter(d, appendix_anchor)
    else:
        section = d.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        _margins(section)  # NĐ 30 margins on the appendix too
        section.different_first_page_header_footer = False
        aw = K.EndWriter(d)
    _appendix(aw, doc)
    aw.close()
    out = BytesIO()
    d.save(out)
    return out.getvalue()
