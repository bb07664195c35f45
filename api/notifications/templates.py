"""Message texts: Vietnamese first, English when the recipient chose it; plain text and HTML from one source.

A message carries only what its recipient may already read about the object (task, unit, deadline, the reason or
an excerpt of the comment): no names, addresses or telephone numbers of people of other units.
"""

import html
from dataclasses import dataclass
from datetime import date
from typing import Any

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


def _values(params: dict[str, Any], lang: str) -> dict[str, Any]:
    task = " ".join(x for x in (params.get("task_label"), params.get("task_title")) if x) or "—"
    return {
        "task": task,
        "unit": params.get("unit_name") or "—",
        "due": dmy(params.get("due_date")),
        "days": params.get("days", 0),
        "reason": params.get("reason") or "—",
        "excerpt": params.get("excerpt") or "",
        "day": dmy(params.get("day")),
        "count": params.get("count", 0),
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


def title(kind: NotificationKind, params: dict[str, Any], language: str | None) -> str:
    lang = lang_of(language)
    return SUBJECTS[lang][kind].format(**_values(params, lang))


def body(kind: NotificationKind, params: dict[str, Any], language: str | None) -> str:
    lang = lang_of(language)
    return BODIES[lang].get(kind, "").format(**_values(params, lang))


def render(
    kind: NotificationKind, params: dict[str, Any], language: str | None, base_url: str | None
) -> Rendered:
    """Subject, plain text and HTML of one message."""
    lang = lang_of(language)
    link = link_for(params, base_url)
    subject = title(kind, params, language)
    text = body(kind, params, language) + "\n\n" + FOOTER[lang].format(link=link)
    markup = (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(subject)}</title>'
        f"</head><body><p>{html.escape(body(kind, params, language))}</p>"
        f'<p><a href="{html.escape(link, quote=True)}">{OPEN[lang]}</a></p></body></html>'
    )
    return Rendered(subject, text, markup, link)


def render_digest(
    day_iso: str,
    items: list[tuple[NotificationKind, dict[str, Any]]],
    language: str | None,
    base_url: str | None,
) -> Rendered:
    """One e-mail listing the day's messages of one user."""
    lang = lang_of(language)
    subject = SUBJECTS[lang][K.digest].format(**_values({"day": day_iso, "count": len(items)}, lang))
    lines, entries = [], []
    for kind, params in items:
        link = link_for(params, base_url)
        line = body(kind, params, language)
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
