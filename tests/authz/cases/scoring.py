"""Matrix rows for index scoring: rounds, sheets, self-scores, appraisal, approval, publication.

World (``setup``), on each side (own = LS.BG running a round scoring commune Hoa Thám; foreign = XX.D scoring
XX.D.C), keys ``<side>_…``:
- ``<side>_framework``: a small published framework (one lĩnh vực "1" with leaves "1.1" options 0/0,5/1 and
  "1.2" manual, max 1 each); ``<side>_node`` = leaf "1.1", ``<side>_node2`` = leaf "1.2";
- ``<side>_round``: an open round of that framework for the current year, owned by the district;
- ``<side>_sheet``: the commune's sheet, status ``in_progress`` with a score on "1.1";
- ``<side>_submitted_sheet``: a second commune's sheet... (own side only: Tân Văn, ``submitted``, both leaves
  scored with explanations) — used by appraisal rows;
- ``<side>_published_round``: a published round with an approved+published sheet of the commune.
Other scoring matrix modules call ``w.run_setup("scoring")`` to reach these keys.
"""

from datetime import date
from typing import Any

from tests.authz.spec import Case

V1 = "/api/v1"


def _framework(w: Any, owner_id: int, code: str) -> tuple[int, int, int]:
    from api.models import Framework, FrameworkKind, FrameworkNode, FrameworkStatus

    s = w.session
    fw = Framework(
        code=code,
        name=f"Bộ chỉ số thử {code}",
        kind=FrameworkKind.local_index,
        valid_from_year=2020,
        status=FrameworkStatus.published,
        scale=2,
        owner_unit_id=owner_id,
        applicability={"levels": ["commune"], "kinds": []},
        provenance="matrix test",
    )
    s.add(fw)
    s.flush()
    root = FrameworkNode(framework_id=fw.id, code="1", title="Lĩnh vực 1", max_points=2, depth=0, order=1,
                         level_name="Lĩnh vực", verified=False)  # fmt: skip
    s.add(root)
    s.flush()
    root.path = f"/{root.id}/"
    options = {"kind": "options", "options": [{"label": "Không", "points": 0}, {"label": "Một phần", "points": 0.5},
                                               {"label": "Đủ", "points": 1}]}  # fmt: skip
    leaf = FrameworkNode(framework_id=fw.id, parent_id=root.id, code="1.1", title="Tiêu chí 1.1", max_points=1,
                         depth=1, order=1, level_name="Tiêu chí", scoring=options, verified=False)  # fmt: skip
    leaf2 = FrameworkNode(framework_id=fw.id, parent_id=root.id, code="1.2", title="Tiêu chí 1.2", max_points=1,
                          depth=1, order=2, level_name="Tiêu chí", verified=False)  # fmt: skip
    s.add(leaf)
    s.add(leaf2)
    s.flush()
    leaf.path = f"{root.path}{leaf.id}/"
    leaf2.path = f"{root.path}{leaf2.id}/"
    s.flush()
    return fw.id or 0, leaf.id or 0, leaf2.id or 0


def _side(w: Any, side: str, owner_id: int, unit_id: int, second_unit_id: int | None) -> None:
    from api.models import AssessmentRound, AssessmentSheet, RoundStatus, Score, SheetStatus

    s = w.session
    year = date.today().year
    fw_id, node_id, node2_id = _framework(w, owner_id, f"MATRIX_{side.upper()}")

    def rnd(status: RoundStatus, name: str) -> AssessmentRound:
        r = AssessmentRound(framework_id=fw_id, owner_unit_id=owner_id, year=year, name=name, status=status,
                            self_start_date=date(2000, 1, 1), self_end_date=date(2100, 12, 31),
                            appraisal_start_date=date(2000, 1, 1), appraisal_end_date=date(2100, 12, 31))  # fmt: skip
        s.add(r)
        s.flush()
        return r

    def sheet(round_id: int, unit: int, status: SheetStatus, scored: list[int]) -> int:
        sh = AssessmentSheet(round_id=round_id, unit_id=unit, status=status)
        s.add(sh)
        s.flush()
        for n in scored:
            s.add(Score(sheet_id=sh.id or 0, node_id=n, self_points_milli=1000, option_index=2,
                        explanation="Giải trình thử", appraised_points_milli=1000 if status in
                        (SheetStatus.approved, SheetStatus.published) else None))  # fmt: skip
        s.flush()
        return sh.id or 0

    open_round = rnd(RoundStatus.open, f"Đợt thử {side}")
    w.ids[f"{side}_framework"] = fw_id
    w.ids[f"{side}_node"] = node_id
    w.ids[f"{side}_node2"] = node2_id
    w.ids[f"{side}_round"] = open_round.id
    w.ids[f"{side}_sheet"] = sheet(open_round.id or 0, unit_id, SheetStatus.in_progress, [node_id])
    if second_unit_id is not None:
        w.ids[f"{side}_submitted_sheet"] = sheet(
            open_round.id or 0, second_unit_id, SheetStatus.submitted, [node_id, node2_id]
        )
    published = rnd(RoundStatus.published, f"Đợt đã công bố {side}")
    w.ids[f"{side}_published_round"] = published.id
    w.ids[f"{side}_published_sheet"] = sheet(
        published.id or 0, unit_id, SheetStatus.published, [node_id, node2_id]
    )


def setup(w: Any) -> None:
    _side(w, "own", w.ids["own_district"], w.ids["own_unit"], w.units["LS.BG.X.TANVAN"])
    _side(w, "foreign", w.ids["foreign_district"], w.ids["foreign_unit"], None)
    w.session.commit()


CASES: list[Case] = []
