"""The survey in the periodic report (issue 20): the figures a report keeps of its own desks' answers
(:class:`SurveySummary`, frozen with the report) and the Vietnamese text of its khảo sát section, shared by the
report (API detail, DOCX, XLSX) and the survey's own DOCX summary (:mod:`api.surveys.exports`).

- **Satisfaction** (indicator ``CB_HAI_LONG``, "Mức độ hài lòng qua khảo sát tại đơn vị") = satisfied answers /
  valid answers × 100 over every question of the period's valid responses (the pooled rate of
  :mod:`api.surveys.results`: top two levels of a 5-level question, "Có" of a yes/no one), two decimals.
- **Weak factors**: the two factors with the lowest satisfaction rate (of those with answers), each with the plan
  tasks linked to its SIPAS node — the same rule as the survey's own summary.
"""

from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from api.reports import vn
from api.surveys.results import MIN_SAMPLE, FactorResult, Figure, GroupResult, SurveyResults

WEAK_COUNT = 2
SOURCE = "survey_satisfaction"  # the indicator source: computed from the survey when the period has answers
BUCKET_WORDS = {
    "done_on_time": "hoàn thành đúng hạn",
    "done_late": "hoàn thành quá hạn",
    "awaiting_review": "chờ duyệt",
    "overdue": "quá hạn",
    "in_progress_on_time": "đang thực hiện trong hạn",
}
METHOD_NOTE = (
    "Tỷ lệ hài lòng tính bằng số trả lời “Hài lòng” và “Rất hài lòng” (câu hỏi có/không: “Có”) trên số trả lời "
    "hợp lệ; chỉ số chung là bình quân theo trọng số của bộ chỉ số SIPAS đang dùng (chưa đối chiếu phương pháp "
    "của Bộ Nội vụ)."
)


class SurveySummary(BaseModel):
    """The survey figures of a periodic report (its own desks, the report's window)."""

    start: date | None = None
    end: date | None = None
    responses: int = 0
    excluded: int = 0
    desks: int = 0
    weights_source: str = "equal"
    weights_verified: bool = False
    min_sample: int = MIN_SAMPLE
    overall: Figure = Field(default_factory=Figure)
    index: float | None = None
    official_year: int | None = None
    official_index: float | None = None
    official_illustrative: bool = False
    gap: float | None = None
    factors: list[FactorResult] = Field(default_factory=list)
    units: list[GroupResult] = Field(default_factory=list)

    @property
    def has_answers(self) -> bool:
        return self.overall.answers > 0


def summarize(res: SurveyResults) -> SurveySummary:
    shared = set(SurveySummary.model_fields) - {"desks", "official_illustrative"}
    return SurveySummary(
        **{k: getattr(res, k) for k in shared},
        desks=len(res.desks),
        official_illustrative=any(o.illustrative for o in res.official),
    )


def of_figures(figures: dict[str, Any]) -> SurveySummary | None:
    """The summary a report's figures keep (``figures["survey"]``), or None when its outline takes no survey."""
    data = figures.get("survey")
    return SurveySummary.model_validate(data) if isinstance(data, dict) else None


# --- words ------------------------------------------------------------------------------------------------


def pct(value: float | None) -> str:
    return "" if value is None else f"{vn.number(value, 1)}%"


def ci(f: Any) -> str:
    if f.ci_low is None:
        return ""
    return f"{vn.number(f.ci_low, 1)}–{vn.number(f.ci_high, 1)}%"


def gap_text(gap: float | None) -> str:
    if gap is None:
        return ""
    return ("+" if gap > 0 else "") + vn.number(gap, 1)


def period_text(start: date | None, end: date | None) -> str:
    if start and end:
        return f"từ ngày {vn.date_text(start)} đến ngày {vn.date_text(end)}"
    if start:
        return f"từ ngày {vn.date_text(start)}"
    if end:
        return f"đến ngày {vn.date_text(end)}"
    return "toàn bộ thời gian"


def weak_factors(factors: list[FactorResult]) -> list[FactorResult]:
    return sorted((f for f in factors if f.index is not None), key=lambda f: f.index or 0)[:WEAK_COUNT]


def source_text(s: SurveySummary) -> str:
    """How the indicator was obtained, as the report shows it."""
    return (
        f"Tính từ khảo sát, n = {vn.number(s.responses)} phiếu ({vn.number(s.overall.answers)} câu trả lời)"
        + ("; mẫu nhỏ" if s.overall.small_sample else "")
    )


def satisfaction(s: SurveySummary | None) -> float | None:
    """The value of the survey-computed indicator (None without answers: the unit enters it)."""
    return s.overall.satisfied_share if s is not None and s.has_answers else None


def task_line(t: Any) -> str:
    counts = ", ".join(f"{vn.number(n)} {BUCKET_WORDS.get(b, b)}" for b, n in t.buckets.items() if n)
    return f"- Nhiệm vụ {t.label}: {t.title}" + (f" ({counts})." if counts else ".")


def factor_line(f: FactorResult) -> str:
    text = f"- {f.factor_name}: "
    if not f.answers:
        return text + "chưa có câu trả lời."
    text += (
        f"{pct(f.satisfied_share)} hài lòng (n = {vn.number(f.responses)} phiếu; khoảng tin cậy 95%: {ci(f)}"
    )
    if f.small_sample:
        text += "; mẫu nhỏ, chỉ mang tính tham khảo"
    text += ")"
    if f.official_percent is not None:
        text += f"; kết quả SIPAS chính thức {pct(f.official_percent)}, chênh lệch {gap_text(f.gap)} điểm %"
    return text + "."


def weights_text(s: SurveySummary) -> str:
    if s.weights_source != "framework":
        return "các yếu tố có trọng số bằng nhau (chưa có trọng số trong bộ chỉ số SIPAS)"
    parts = "; ".join(
        f"{f.factor_name.lower()} {vn.number(f.weight, 1)}" for f in s.factors if f.weight is not None
    )
    flag = "" if s.weights_verified else ", trọng số chưa xác minh"
    return f"bình quân theo trọng số của bộ chỉ số SIPAS ({parts}{flag})"


def parts(s: SurveySummary, *, district: bool, window: str) -> dict[str, list[str]]:
    """The khảo sát section in parts: ``lead``, ``factors`` (one line each), ``index``, ``weak`` (with the linked
    tasks), ``units`` (the district's per-unit line). Without answers only ``lead`` (saying so)."""
    who = "các cơ quan, đơn vị" if district else "đơn vị"
    if not s.has_answers:
        return {
            "lead": [
                f"Trong kỳ ({window}) chưa có phiếu khảo sát sự hài lòng nào tại bộ phận một cửa của {who} được "
                "ghi nhận trên hệ thống; chỉ tiêu “Mức độ hài lòng qua khảo sát” do đơn vị nhập."
            ],
            "factors": [],
            "index": [],
            "weak": [],
            "units": [],
        }
    lead = (
        f"Trong kỳ ({window}) đã thu được {vn.number(s.responses)} phiếu khảo sát hợp lệ tại "
        f"{vn.number(s.desks)} điểm khảo sát (bộ phận một cửa) của {who}, qua mã QR, máy tính bảng và phiếu giấy"
    )
    if s.excluded:
        lead += f"; {vn.number(s.excluded)} phiếu trùng hoặc do máy tự điền không được tính"
    lead += (
        f". Tỷ lệ câu trả lời hài lòng chung: {pct(s.overall.satisfied_share)} "
        f"({vn.number(s.overall.satisfied)}/{vn.number(s.overall.answers)} câu trả lời). Theo từng yếu tố:"
    )
    index = f"Chỉ số hài lòng chung đạt {pct(s.index)}, {weights_text(s)}"
    if s.official_index is not None:
        mark = " (số liệu minh họa)" if s.official_illustrative else ""
        index += (
            f"; kết quả SIPAS chính thức năm {s.official_year}{mark} là {pct(s.official_index)}, chênh lệch "
            f"{gap_text(s.gap)} điểm phần trăm"
        )
    if s.overall.small_sample:
        index += f" (mẫu nhỏ, dưới {vn.number(s.min_sample)} phiếu hoặc khoảng tin cậy rộng: chỉ mang tính tham khảo)"
    weak_lines: list[str] = []
    weak = weak_factors(s.factors)
    if weak:
        names = " và ".join(f"“{f.factor_name}” ({pct(f.index)})" for f in weak)
        weak_lines.append(f"Các yếu tố có tỷ lệ hài lòng thấp nhất: {names}.")
        for f in weak:
            if f.tasks:
                weak_lines.append(f"Nhiệm vụ của Kế hoạch gắn với yếu tố “{f.factor_name}”:")
                weak_lines += [task_line(t) for t in f.tasks]
            else:
                weak_lines.append(f"Chưa có nhiệm vụ nào của Kế hoạch gắn với yếu tố “{f.factor_name}”.")
    units = []
    if district and s.units:
        units.append(
            "Theo đơn vị: "
            + "; ".join(
                f"{u.name} {pct(u.satisfied_share)} (n = {vn.number(u.responses)}"
                + (", mẫu nhỏ" if u.small_sample else "")
                + ")"
                for u in s.units
            )
            + "."
        )
    return {
        "lead": [lead],
        "factors": [factor_line(f) for f in s.factors],
        "index": [index + "."],
        "weak": weak_lines,
        "units": units,
    }


def section_lines(s: SurveySummary, *, district: bool, window: str) -> list[str]:
    p = parts(s, district=district, window=window)
    return [*p["lead"], *p["factors"], *p["index"], *p["units"], *p["weak"]]


FACTOR_HEADER = ["Yếu tố", "Trọng số", "Số phiếu", "Tỷ lệ hài lòng", "Khoảng tin cậy 95%", "SIPAS chính thức",
                 "Chênh lệch (điểm %)"]  # fmt: skip


def factor_rows(s: SurveySummary) -> list[list[str]]:
    """The factor table of the section (text cells), the overall index last."""
    rows = [
        [
            f.factor_name,
            vn.number(f.weight, 1) if f.weight is not None else "",
            vn.number(f.responses),
            pct(f.satisfied_share) + (" (mẫu nhỏ)" if f.small_sample and f.answers else ""),
            ci(f),
            pct(f.official_percent),
            gap_text(f.gap),
        ]
        for f in s.factors
    ]
    rows.append(
        [
            "Chỉ số chung",
            "",
            vn.number(s.responses),
            pct(s.index) + (" (mẫu nhỏ)" if s.overall.small_sample else ""),
            ci(s.overall),
            pct(s.official_index),
            gap_text(s.gap),
        ]
    )
    return rows
