"""Matrix rows for the index documents: a sheet's self-assessment report and a round's results table.

Uses the scoring world (``tests/authz/cases/scoring.py``): own = Hoa Thám's in-progress sheet in LS.BG's open
round, and the round itself; foreign = the same in XX.D. Sheet export: ``assessments:read`` on the sheet (the
district roles from above, the commune's own roles; not the system admin). Results export: participants
(``assessments:read``) before publication; for the published round, also readers of published results
(``results:read``) under the owner — every reader here reaches both.
"""

from typing import Any

from tests.authz.spec import READERS, Case, Req

V1 = "/api/v1"


def setup(w: Any) -> None:
    w.run_setup("scoring")


def _req(path: str, fmt: str) -> Any:
    def build(w: Any, _actor: str) -> Req:
        return Req("GET", V1 + path.format(**w.ids), params={"format": fmt})

    return build


CASES: list[Case] = [
    Case("scoring-exports-sheet", own=_req("/assessment-sheets/{own_sheet}/export", "docx"),
         foreign=_req("/assessment-sheets/{foreign_sheet}/export", "docx"), allowed=READERS),
    Case("scoring-exports-sheet", own=_req("/assessment-sheets/{own_published_sheet}/export", "xlsx"),
         foreign=_req("/assessment-sheets/{foreign_published_sheet}/export", "xlsx"), allowed=READERS),
    Case("scoring-exports-results", own=_req("/assessment-rounds/{own_round}/results/export", "docx"),
         foreign=_req("/assessment-rounds/{foreign_round}/results/export", "docx"), allowed=READERS),
    Case("scoring-exports-results", own=_req("/assessment-rounds/{own_published_round}/results/export", "xlsx"),
         foreign=_req("/assessment-rounds/{foreign_published_round}/results/export", "xlsx"), allowed=READERS),
]  # fmt: skip
