"""Import kinds of the SIPAS survey (issue 20).

- ``sipas-results`` (kết quả SIPAS chính thức): one row per unit × year × factor (empty factor = the whole index),
  upserted by that key; the percent is exact (at most three decimals, comma or point), 0–100. Needs
  ``surveys:manage`` on the unit (with ``imports:run``).
- ``survey-responses`` (phiếu khảo sát giấy): one row per paper form of a desk: its code, the date on the form,
  the answers as ``TC1=5; TC2=4; TT2=1`` (question code = value: 1–5 for a 5-level question, 1 Có / 0 Không for a
  yes/no one), an optional comment. Every row goes through the same validation as the public form; a response is
  never edited afterwards, so the export of this kind is empty (a re-import would count forms twice). Needs
  ``surveys:enter`` on the desk's unit (with ``imports:run``).
"""

import re
from dataclasses import dataclass
from typing import Any

from sqlmodel import col

from api.authz import scope_survey
from api.authz.permissions import Permission
from api.frameworks.library import fold_accents
from api.imports.kinds.base import Column, Context, Counts, Kind, Row
from api.imports.kinds.values import date_cell, now_utc, parse_bool, parse_date, parse_int, required
from api.imports.kinds.writes import Upserts, apply_upserts, classify
from api.models.survey import ResponseSource, SipasOfficialResult, SurveyFactor
from api.scoring.points import PointsError, from_milli, to_milli
from api.surveys.schemas import FACTOR_NAMES

P = Permission
OVERALL_WORDS = {"", "chi so chung", "toan bo", "chung", "sipas", "overall"}
FIELDS = ("percent_milli", "source", "illustrative")
KEY = ("unit_id", "year", "factor")


def _factor(text: str | None) -> str | None:
    """A factor code, its Vietnamese name (accents optional) or an empty cell / "Chỉ số chung" (→ "")."""
    folded = fold_accents(text or "").strip()
    if folded in OVERALL_WORDS:
        return ""
    for f in SurveyFactor:
        if folded in (f.value, fold_accents(FACTOR_NAMES[f])):
            return f.value
    return None


class SipasResultsKind(Kind):
    name = "sipas-results"
    title = "Kết quả SIPAS chính thức"
    title_en = "official SIPAS results"
    permission = P.surveys_manage
    sheet_title = "Kết quả SIPAS"
    columns = [
        Column("unit_code", "Mã đơn vị", True, ("unit", "don vi"), "LS.BG", choices="units", width=22),
        Column("year", "Năm", True, ("nam",), "2024", width=8),
        Column(
            "factor",
            "Yếu tố",
            False,
            ("yeu to", "factor"),
            "",
            note="Để trống: chỉ số chung; hoặc tiep_can, thu_tuc, cong_chuc, ket_qua, gop_y (hay tên yếu tố)",
            width=30,
        ),
        Column("percent", "Tỷ lệ hài lòng (%)", True, ("ty le", "chi so", "percent"), "83,94", width=14),
        Column("source", "Nguồn (quyết định công bố)", False, ("nguon",), "QĐ 272/QĐ-BNV", width=36),
        Column("illustrative", "Số liệu minh họa", False, ("minh hoa",), "Không", width=12),
    ]

    def prepare(self, ctx: Context, rows: list[Row], counts: Counts) -> Upserts:
        ctx.units([c for r in rows if (c := r.get("unit_code"))])
        parsed: list[dict[str, Any]] = []
        seen: dict[tuple[int, int, str], int] = {}
        for row in rows:
            item = self._parse(ctx, row)
            if item is None:
                continue
            key = (item["unit_id"], item["year"], item["factor"])
            if key in seen:
                ctx.error(
                    row.number,
                    "factor",
                    "duplicate_key",
                    f"Trùng đơn vị, năm và yếu tố với dòng {seen[key]}.",
                    f"Same unit, year and factor as row {seen[key]}.",
                )
                continue
            seen[key] = row.number
            parsed.append(item)
        unit_ids = sorted({i["unit_id"] for i in parsed})
        existing = {
            (o.unit_id, o.year, o.factor): o
            for o in ctx.session.exec(
                scope_survey.visible_official(ctx.principal, P.surveys_manage).where(
                    col(SipasOfficialResult.unit_id).in_(unit_ids)
                )
            ).all()
        }
        return classify(parsed, existing, KEY, FIELDS, counts)

    def _parse(self, ctx: Context, row: Row) -> dict[str, Any] | None:
        unit_code = required(ctx, row, "unit_code")
        ok_year, year = parse_int(ctx, row, "year", 2000, 2100)
        if ok_year and year is None:
            required(ctx, row, "year")
        unit = ctx.resolve_unit(row.number, "unit_code", unit_code) if unit_code else None
        factor = _factor(row.get("factor"))
        if factor is None:
            ctx.error(
                row.number,
                "factor",
                "unknown_factor",
                f"Yếu tố “{row.get('factor')}” không đúng: để trống (chỉ số chung) hoặc một trong "
                "tiep_can, thu_tuc, cong_chuc, ket_qua, gop_y.",
                "Unknown factor (empty, tiep_can, thu_tuc, cong_chuc, ket_qua or gop_y).",
            )
        text = required(ctx, row, "percent")
        milli = None
        if text is not None:
            try:
                milli = to_milli(text.replace("%", "").strip())
            except PointsError:
                ctx.error(
                    row.number,
                    "percent",
                    "invalid_number",
                    f"“{text}” không phải là số hợp lệ (tối đa 3 chữ số thập phân, ví dụ 83,94).",
                    f"'{text}' is not a number with at most three decimals.",
                )
            else:
                if not 0 <= milli <= 100_000:
                    ctx.error(
                        row.number,
                        "percent",
                        "out_of_range",
                        f"Tỷ lệ {text} nằm ngoài khoảng 0–100.",
                        f"Percent {text} is out of 0–100.",
                    )
                    milli = None
        ok_ill, illustrative = parse_bool(ctx, row, "illustrative")
        source = row.get("source")
        if source is not None and len(source) > 500:
            ctx.error(
                row.number, "source", "string_too_long", "Nguồn quá dài (tối đa 500 ký tự).", "Too long."
            )
            return None
        if unit is None or year is None or factor is None or milli is None or not ok_ill:
            return None
        return {
            "unit_id": unit.id,
            "year": year,
            "factor": factor,
            "percent_milli": milli,
            "source": source,
            "illustrative": bool(illustrative),
        }

    def apply(self, ctx: Context, prepared: Upserts) -> None:
        apply_upserts(ctx.session, ctx.principal, SipasOfficialResult, prepared, key=KEY, fields=FIELDS,
                      entity_type="sipas_official_result")  # fmt: skip

    def export_rows(self, ctx: Context) -> list[dict[str, str | None]]:
        stmt = scope_survey.official_rows(ctx.principal, P.surveys_manage).order_by(
            col(SipasOfficialResult.year), col(SipasOfficialResult.unit_id), col(SipasOfficialResult.factor)
        )
        return [
            {
                "unit_code": code,
                "year": str(o.year),
                "factor": o.factor or None,
                "percent": format(from_milli(o.percent_milli), "f").replace(".", ","),
                "source": o.source,
                "illustrative": "Có" if o.illustrative else "Không",
            }
            for o, code, _name in ctx.session.execute(stmt).all()
        ]


# --- paper forms ------------------------------------------------------------------------------------------

_PAIR = re.compile(r"^\s*([A-Za-z0-9_.-]+)\s*[=:]\s*(-?\d+)\s*$")


@dataclass
class PaperRow:
    number: int
    point: Any
    survey: Any
    answered_on: Any
    answers: list[tuple[int, int]]
    comment: str | None


class SurveyResponsesKind(Kind):
    name = "survey-responses"
    title = "Phiếu khảo sát giấy"
    title_en = "paper survey forms"
    permission = P.surveys_enter
    sheet_title = "Phiếu khảo sát"
    columns = [
        Column(
            "point_code", "Mã điểm khảo sát", True, ("diem khao sat", "point"), "BG.HOATHAM.MOTCUA", width=24
        ),
        Column("answered_on", "Ngày khảo sát", True, ("ngay",), "15/03/2024", width=14),
        Column(
            "answers",
            "Câu trả lời",
            True,
            ("tra loi", "answers"),
            "TC1=5; TC2=4; TT1=5; TT2=1; CC1=5; CC2=4; CC3=1; KQ1=4; KQ2=5; GY1=3",
            note="Mã câu hỏi = giá trị (1–5; câu Có/Không: 1 Có, 0 Không), cách nhau bằng dấu chấm phẩy",
            width=60,
        ),
        Column("comment", "Ý kiến khác", False, ("y kien", "comment"), "", width=40),
    ]

    def prepare(self, ctx: Context, rows: list[Row], counts: Counts) -> list[PaperRow]:
        from api.surveys import intake

        codes = sorted({c for r in rows if (c := r.get("point_code"))})
        points = {
            p.code: p
            for p in ctx.session.exec(
                scope_survey.points_by_codes(ctx.principal, codes, P.surveys_enter)
            ).all()
        }
        survey_ids = sorted({p.survey_id for p in points.values()})
        surveys = {s.id: s for s in ctx.session.exec(scope_survey.surveys_by_ids(survey_ids)).all()}
        questions: dict[int, list[Any]] = {}
        for q in ctx.session.exec(scope_survey.survey_questions(survey_ids)).all():
            questions.setdefault(q.survey_id, []).append(q)
        today = ctx.settings.today()
        out: list[PaperRow] = []
        for row in rows:
            code = required(ctx, row, "point_code")
            ok_date, answered_on = parse_date(ctx, row, "answered_on")
            if ok_date and answered_on is None:
                required(ctx, row, "answered_on")
            if answered_on is not None and answered_on > today:
                ctx.error(
                    row.number, "answered_on", "future_date", "Ngày khảo sát ở tương lai.", "Future date."
                )
                answered_on = None
            point = points.get(code or "")
            if code and point is None:
                ctx.error(
                    row.number,
                    "point_code",
                    "unknown_point",
                    f"Không có điểm khảo sát mã “{code}” trong phạm vi của bạn.",
                    f"No collection point '{code}' in your scope.",
                )
            text = required(ctx, row, "answers")
            if point is None or text is None:
                continue
            qs = questions.get(point.survey_id, [])
            by_code = {q.code.upper(): q for q in qs}
            answers: list[tuple[int, int]] = []
            bad = False
            for part in (p for p in text.split(";") if p.strip()):
                m = _PAIR.match(part)
                found = by_code.get(m.group(1).upper()) if m else None
                if m is None or found is None:
                    ctx.error(
                        row.number,
                        "answers",
                        "invalid_answer",
                        f"“{part.strip()}” không đúng dạng Mã câu hỏi=giá trị của phiếu này.",
                        f"'{part.strip()}' is not code=value for this survey.",
                    )
                    bad = True
                    continue
                answers.append((found.id or 0, int(m.group(2))))
            for e in intake.answer_errors(qs, answers, prefix="answers") if not bad else []:
                ctx.error(row.number, "answers", e.code, e.message, e.message_en or e.message)
            if ctx.errors or answered_on is None:
                continue
            out.append(
                PaperRow(
                    row.number, point, surveys.get(point.survey_id), answered_on, answers, row.get("comment")
                )
            )
            counts.add("created")
        return out

    def apply(self, ctx: Context, prepared: list[PaperRow]) -> None:
        from api.surveys import intake

        now = now_utc()
        for r in prepared:
            intake.record(
                ctx.session,
                ctx.settings,
                point=r.point,
                survey=r.survey,
                sub=intake.Submission(
                    answers=r.answers,
                    source=ResponseSource.import_,
                    comment=r.comment,
                    answered_on=r.answered_on,
                    entered_by_id=ctx.principal.user_id,
                ),
                now=now,
            )

    def export_rows(self, ctx: Context) -> list[dict[str, str | None]]:
        """Responses are never edited: nothing to round-trip (a re-import would count the forms twice)."""
        return []


__all__ = ["SipasResultsKind", "SurveyResponsesKind", "date_cell"]
SIPAS_RESULTS = SipasResultsKind()
SURVEY_RESPONSES = SurveyResponsesKind()
