"""Which languages a survey's questions are labelled in, flagged rather than silently empty (issue 20).

The questions are Vietnamese; a question may add Tày, Nùng or English labels. For each of those languages a survey
says how many questions carry a label and whether the labels were checked (``verified``): never for the shipped
default, whose Tày and Nùng labels do not exist yet (``data/default_survey.yaml``, ``languages``: nobody who
speaks them has written them — parsipas does not invent them) and whose English is parsipas's own. A survey a
district copies and publishes is as verified as the survey itself.
"""

from functools import lru_cache
from typing import Any

from pydantic import BaseModel

LANGUAGES = {"tay": "Tiếng Tày", "nung": "Tiếng Nùng", "en": "Tiếng Anh"}


class LanguageStatus(BaseModel):
    code: str  # tay | nung | en
    name: str
    questions: int
    labelled: int
    verified: bool
    note: str | None = None  # Vietnamese: what is missing or unchecked


@lru_cache(maxsize=1)
def _default_notes() -> tuple[str, dict[str, dict[str, Any]]]:
    from api.surveys.seed import load_default

    doc = load_default()
    return str(doc["code"]), dict(doc.get("languages") or {})


def status(survey: Any, labels: list[dict[str, Any]]) -> list[LanguageStatus]:
    """Per language: labelled questions of ``labels`` (each question's ``labels`` dict), verified, a note."""
    default_code, notes = _default_notes()
    shipped = survey.owner_unit_id is None and survey.code == default_code
    out = []
    for code, name in LANGUAGES.items():
        n = sum(1 for q in labels if str((q or {}).get(code) or "").strip())
        data = notes.get(code, {}) if shipped else {}
        verified = bool(data.get("verified", False)) if shipped else bool(survey.verified)
        verified = verified and n == len(labels) and n > 0
        if n == 0:
            note = data.get("note") or f"Chưa có bản dịch {name.lower()}."
        elif n < len(labels):
            note = (
                f"{name} mới có {n}/{len(labels)} câu hỏi"
                + ("" if verified else ", chưa được kiểm tra")
                + "."
            )
        elif not verified:
            note = data.get("note") or f"Bản dịch {name.lower()} chưa được kiểm tra."
        else:
            note = None
        out.append(LanguageStatus(code=code, name=name, questions=len(labels), labelled=n, verified=verified,
                                  note=note))  # fmt: skip
    return out
