"""Message texts: Vietnamese first, English when the recipient chose it; plain text and HTML from one source.

A message carries only what its recipient may already read about the object (task, unit, deadline, the reason or
an excerpt of the comment): no names, addresses or telephone numbers of people of other units.

A district may replace the text of a kind per language (:class:`Override`, stored as ``NotificationTemplate``): its
placeholders are checked before it is stored (:func:`check`, only the names of :data:`PLACEHOLDERS`), filled by
:func:`fill` (never ``str.format``: no attribute access), HTML values escaped and the result sanitised (nh3).
"""

import html
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import nh3

from api.models import NotificationKind

K = NotificationKind

SUBJECTS: dict[str, dict[NotificationKind, str]] = {
    "vi": {
        K.returned: "Nhiệm vụ bị trả lại: {task}",
        K.approved: "Nhiệm vụ đã được duyệt: {task}",
        K.commented: "Ý kiến mới về nhiệm vụ: {task}",
        K.mentioned: "Bạn được nhắc tên trong nhiệm vụ: {task}",
        K.due_soon: "Sắp đến hạn ({due}): {task}",
        K.overdue: "Quá hạn {days} ngày: {task}",
        K.escalated_head: "Đề nghị thủ trưởng chỉ đạo: {task} quá hạn {days} ngày",
        K.escalated_district: "Đôn đốc: {unit} có nhiệm vụ quá hạn {days} ngày",
        K.digest: "Tổng hợp thông báo ngày {day} ({count})",
        K.period_open: "Bắt đầu kỳ báo cáo: {period}",
        K.period_due: "Sắp đến hạn nộp báo cáo {period} ({due})",
        K.period_overdue: "Quá hạn nộp báo cáo {period}",
        K.period_late_units: "Đôn đốc: {count} đơn vị chưa nộp báo cáo {period}",
        K.report_returned: "Báo cáo bị trả lại: {period}",
        K.report_accepted: "Báo cáo đã được tiếp nhận: {period}",
        K.round_open: "Bắt đầu tự đánh giá: {round}",
        K.round_closing: "Sắp hết hạn tự đánh giá ({due}): {round}",
        K.sheet_returned: "Phiếu tự đánh giá bị trả lại: {round}",
        K.delivery_failing: "Chưa gửi được báo cáo lên tỉnh: {period}",
    },
    "en": {
        K.returned: "Assignment returned: {task}",
        K.approved: "Assignment approved: {task}",
        K.commented: "New comment on: {task}",
        K.mentioned: "You were mentioned on: {task}",
        K.due_soon: "Due soon ({due}): {task}",
        K.overdue: "{days} days overdue: {task}",
        K.escalated_head: "For the unit head: {task} is {days} days overdue",
        K.escalated_district: "Follow-up: {unit} has an assignment {days} days overdue",
        K.digest: "Notifications of {day} ({count})",
        K.period_open: "Reporting period open: {period}",
        K.period_due: "Report due soon ({due}): {period}",
        K.period_overdue: "Report overdue: {period}",
        K.period_late_units: "Follow-up: {count} units have not reported for {period}",
        K.report_returned: "Report returned: {period}",
        K.report_accepted: "Report accepted: {period}",
        K.round_open: "Self-assessment open: {round}",
        K.round_closing: "Self-assessment closes soon ({due}): {round}",
        K.sheet_returned: "Self-assessment sheet returned: {round}",
        K.delivery_failing: "Report not yet delivered to the province: {period}",
    },
}

BODIES: dict[str, dict[NotificationKind, str]] = {
    "vi": {
        K.returned: "Nhiệm vụ {task} của {unit} đã bị trả lại. Lý do: {reason}",
        K.approved: "Kết quả nhiệm vụ {task} của {unit} đã được chấp nhận.",
        K.commented: "Có ý kiến mới về nhiệm vụ {task} của {unit}: {excerpt}",
        K.mentioned: "Bạn được nhắc tên trong ý kiến về nhiệm vụ {task} của {unit}: {excerpt}",
        K.due_soon: "Nhiệm vụ {task} của {unit} đến hạn ngày {due}.",
        K.overdue: "Nhiệm vụ {task} của {unit} đã quá hạn {days} ngày (hạn {due}).",
        K.escalated_head: "Nhiệm vụ {task} của {unit} đã quá hạn {days} ngày (hạn {due}): đề nghị thủ trưởng chỉ đạo.",
        K.escalated_district: "Nhiệm vụ {task} của {unit} đã quá hạn {days} ngày (hạn {due}): đề nghị đôn đốc.",
        K.period_open: "Kỳ báo cáo {period} đã mở: {unit} nộp báo cáo chậm nhất ngày {due}.",
        K.period_due: "{unit} chưa nộp báo cáo {period}; hạn nộp ngày {due}.",
        K.period_overdue: "Báo cáo {period} của {unit} đã quá hạn {days} ngày (hạn {due}).",
        K.period_late_units: "{count} đơn vị thuộc {unit} chưa nộp báo cáo {period}, đã quá hạn {days} ngày "
        "(hạn {due}): đề nghị đôn đốc.",
        K.report_returned: "Báo cáo {period} của {unit} đã bị trả lại. Lý do: {reason}",
        K.report_accepted: "Báo cáo {period} của {unit} đã được tiếp nhận.",
        K.round_open: "Đợt đánh giá {round} đã mở: {unit} tự chấm điểm đến hết ngày {due}.",
        K.round_closing: "Phiếu tự đánh giá của {unit} trong đợt {round} chưa nộp; hết hạn ngày {due}.",
        K.sheet_returned: "Phiếu tự đánh giá của {unit} (đợt {round}) đã bị trả lại. Lý do: {reason}",
        K.delivery_failing: "Báo cáo {period} của {unit} chưa gửi được lên cổng của tỉnh sau {hours} giờ "
        "({attempts} lần thử). Đề nghị kiểm tra cấu hình kết nối hoặc gửi lại.",
    },
    "en": {
        K.returned: "Assignment {task} of {unit} was returned. Reason: {reason}",
        K.approved: "The result of assignment {task} of {unit} was accepted.",
        K.commented: "New comment on assignment {task} of {unit}: {excerpt}",
        K.mentioned: "You were mentioned on assignment {task} of {unit}: {excerpt}",
        K.due_soon: "Assignment {task} of {unit} is due on {due}.",
        K.overdue: "Assignment {task} of {unit} is {days} days overdue (due {due}).",
        K.escalated_head: "Assignment {task} of {unit} is {days} days overdue (due {due}): please follow up.",
        K.escalated_district: "Assignment {task} of {unit} is {days} days overdue (due {due}): please follow up.",
        K.period_open: "Reporting period {period} is open: {unit} reports by {due}.",
        K.period_due: "{unit} has not submitted its report {period}; due on {due}.",
        K.period_overdue: "Report {period} of {unit} is {days} days overdue (due {due}).",
        K.period_late_units: "{count} units under {unit} have not submitted report {period}, {days} days overdue "
        "(due {due}): please follow up.",
        K.report_returned: "Report {period} of {unit} was returned. Reason: {reason}",
        K.report_accepted: "Report {period} of {unit} was accepted.",
        K.round_open: "Assessment round {round} is open: {unit} scores itself until {due}.",
        K.round_closing: "The self-assessment sheet of {unit} in round {round} is not submitted; closes on {due}.",
        K.sheet_returned: "The self-assessment sheet of {unit} (round {round}) was returned. Reason: {reason}",
        K.delivery_failing: "Report {period} of {unit} has not reached the province's portal after {hours} hours "
        "({attempts} attempts). Please check the connection settings or send it again.",
    },
}

FOOTER = {
    "vi": "Xem chi tiết: {link}\n\nThư gửi tự động từ parsipas; thay đổi cách nhận thông báo tại trang Tài khoản.",
    "en": "Details: {link}\n\nSent automatically by parsipas; change how you are notified on the Account page.",
}
OPEN = {"vi": "Xem chi tiết", "en": "Open"}


def lang_of(language: str | None) -> str:
    return "en" if (language or "").lower().startswith("en") else "vi"


def dmy(iso: str | None) -> str:
    if not iso:
        return "—"
    try:
        return date.fromisoformat(iso).strftime("%d/%m/%Y")
    except ValueError:
        return iso


FOLLOW_UP = {
    "vi": " (khắc phục sau kiểm tra CCHC)",
    "en": " (follow-up of an administrative reform inspection)",
}

# The placeholders a template may use, with what they hold (shown on the templates screen).
PLACEHOLDERS: dict[str, dict[str, str]] = {
    "task": {"vi": "Số hiệu và tên nhiệm vụ", "en": "Assignment label and title"},
    "unit": {"vi": "Tên đơn vị", "en": "Unit name"},
    "due": {"vi": "Hạn (dd/mm/yyyy)", "en": "Deadline (dd/mm/yyyy)"},
    "days": {"vi": "Số ngày (quá hạn)", "en": "Number of days (overdue)"},
    "reason": {"vi": "Lý do trả lại", "en": "Reason for returning"},
    "excerpt": {"vi": "Trích ý kiến", "en": "Comment excerpt"},
    "period": {"vi": "Tên kỳ báo cáo", "en": "Reporting period"},
    "round": {"vi": "Tên đợt đánh giá", "en": "Assessment round"},
    "count": {"vi": "Số đơn vị / số thông báo", "en": "Number of units / messages"},
    "hours": {"vi": "Số giờ chưa gửi được", "en": "Hours without delivery"},
    "attempts": {"vi": "Số lần thử gửi", "en": "Delivery attempts"},
    "link": {"vi": "Đường dẫn tới trang chi tiết", "en": "Link to the page"},
    "day": {"vi": "Ngày (thư tổng hợp)", "en": "Day (digest)"},
}


def _values(params: dict[str, Any], lang: str) -> dict[str, Any]:
    task = " ".join(x for x in (params.get("task_label"), params.get("task_title")) if x) or "—"
    if params.get("follow_up"):
        task += FOLLOW_UP[lang]
    return {
        "task": task,
        "unit": params.get("unit_name") or "—",
        "due": dmy(params.get("due_date")),
        "days": params.get("days", 0),
        "reason": params.get("reason") or "—",
        "excerpt": params.get("excerpt") or "",
        "day": dmy(params.get("day")),
        "count": params.get("count", 0),
        "period": params.get("period_name") or "—",
        "round": params.get("round_name") or "—",
        "hours": params.get("hours", 0),
        "attempts": params.get("attempts", 0),
        "link": params.get("link") or "/",
    }


def link_for(params: dict[str, Any], base_url: str | None) -> str:
    path = params.get("link") or "/"
    return (base_url or "").rstrip("/") + path


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    link: str


@dataclass(frozen=True)
class Override:
    """A district's own wording of one kind in one language (see :func:`validate`)."""

    subject: str
    text: str
    html: str | None = None


_FMT = string.Formatter()


def fill(template: str, values: dict[str, Any], escape: Callable[[str], str] | None = None) -> str:
    """Substitute ``{name}`` placeholders only (no attribute or index access, no format specs: a template is data
    written by an administrator, never code); ``{{`` and ``}}`` are literal braces."""
    out: list[str] = []
    for literal, name, _spec, _conv in _FMT.parse(template):
        out.append(literal)
        if name is not None:
            value = str(values.get(name, ""))
            out.append(escape(value) if escape else value)
    return "".join(out)


def check(template: str) -> list[str]:
    """Problems of one template text, in Vietnamese (empty when it is valid)."""
    try:
        fields = list(_FMT.parse(template))
    except ValueError:
        return ["Dấu ngoặc nhọn không cân đối: viết {{ hoặc }} để có dấu ngoặc thường."]
    problems = []
    for _literal, name, spec, conv in fields:
        if name is None:
            continue
        if name not in PLACEHOLDERS:
            known = ", ".join("{" + k + "}" for k in PLACEHOLDERS)
            problems.append(f"Không có trường {{{name}}}; các trường dùng được: {known}.")
        elif spec or conv:
            problems.append(f"Trường {{{name}}} không nhận định dạng (bỏ phần sau dấu : hoặc !).")
    return problems


def clean_html(markup: str) -> str:
    """A district's HTML with scripts, event handlers and dangerous URLs removed (ammonia's safe list)."""
    return nh3.clean(markup)


def title(
    kind: NotificationKind, params: dict[str, Any], language: str | None, override: Override | None = None
) -> str:
    lang = lang_of(language)
    return fill(override.subject if override else SUBJECTS[lang][kind], _values(params, lang))


def body(
    kind: NotificationKind, params: dict[str, Any], language: str | None, override: Override | None = None
) -> str:
    lang = lang_of(language)
    return fill(override.text if override else BODIES[lang].get(kind, ""), _values(params, lang))


def render(
    kind: NotificationKind,
    params: dict[str, Any],
    language: str | None,
    base_url: str | None,
    override: Override | None = None,
) -> Rendered:
    """Subject, plain text and HTML of one message (a district's own template when it has one)."""
    lang = lang_of(language)
    link = link_for(params, base_url)
    subject = title(kind, params, language, override)
    text = body(kind, params, language, override) + "\n\n" + FOOTER[lang].format(link=link)
    if override is not None and override.html:
        values = {**_values(params, lang), "link": link}
        inner = fill(override.html, values, escape=lambda v: html.escape(v, quote=True))
        markup = (
            f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(subject)}'
            f"</title></head><body>{clean_html(inner)}</body></html>"
        )
        return Rendered(subject, text, markup, link)
    markup = (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(subject)}</title>'
        f"</head><body><p>{html.escape(body(kind, params, language, override))}</p>"
        f'<p><a href="{html.escape(link, quote=True)}">{OPEN[lang]}</a></p></body></html>'
    )
    return Rendered(subject, text, markup, link)


def render_digest(
    day_iso: str,
    items: list[tuple[NotificationKind, dict[str, Any], Override | None]],
    language: str | None,
    base_url: str | None,
) -> Rendered:
    """One e-mail listing the day's messages of one user."""
    lang = lang_of(language)
    subject = fill(SUBJECTS[lang][K.digest], _values({"day": day_iso, "count": len(items)}, lang))
    lines, entries = [], []
    for kind, params, override in items:
        link = link_for(params, base_url)
        line = body(kind, params, language, override)
        lines.append(f"- {line}\n  {link}")
        entries.append(
            f'<li>{html.escape(line)} <a href="{html.escape(link, quote=True)}">{OPEN[lang]}</a></li>'
        )
    home = (base_url or "").rstrip("/") + "/notifications"
    text = "\n".join(lines) + "\n\n" + FOOTER[lang].format(link=home)
    markup = (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(subject)}</title>'
        f"</head><body><ul>{''.join(entries)}</ul></body></html>"
    )
    return Rendered(subject, text, markup, home)
