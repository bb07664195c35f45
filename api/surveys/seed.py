"""The shipped default survey (``data/default_survey.yaml``) and the Bình Gia demo's desks, answers and
official results.

The default survey is stored once (by code and version), shared by every unit, published and ``verified: false``:
its wording is parsipas's, not the Ministry's. The demo adds three desks (the district's one-stop desk and those of
xã Hoa Thám and xã Tân Văn) with a few hundred answers from January to the demo's reference date in 2024, some of
them flagged, and official SIPAS figures for 2023 and 2024 marked **illustrative** (not published values).
"""

import random
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from sqlmodel import Session, col, select

from api.config import get_settings
from api.models import Framework, FrameworkNode, OrgUnit
from api.models.survey import (
    CollectionPoint,
    QuestionScale,
    ResponseSource,
    SipasOfficialResult,
    Survey,
    SurveyAnswer,
    SurveyFactor,
    SurveyQuestion,
    SurveyResponse,
    SurveyStatus,
)
from api.surveys import tokens

DATA = Path(__file__).resolve().parent / "data"
DEFAULT_FILE = DATA / "default_survey.yaml"
DEMO_YEAR = 2024
ILLUSTRATIVE = "Số liệu minh họa của bản demo, KHÔNG phải kết quả SIPAS đã công bố"


def load_default() -> dict[str, Any]:
    with DEFAULT_FILE.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return data


def ensure_default_survey(session: Session) -> Survey:
    """The shipped default survey, created on first call (idempotent by code and version)."""
    doc = load_default()
    existing = session.exec(
        select(Survey).where(Survey.code == doc["code"], Survey.version == doc["version"])
    ).first()
    if existing is not None:
        return existing
    fw = session.exec(select(Framework).where(Framework.code == doc["framework_code"])).first()
    nodes: dict[str, int] = {}
    if fw is not None:
        nodes = {
            n.code: n.id or 0
            for n in session.exec(select(FrameworkNode).where(FrameworkNode.framework_id == fw.id)).all()
        }
    survey = Survey(
        owner_unit_id=None,
        code=doc["code"],
        name=doc["name"],
        version=doc["version"],
        status=SurveyStatus.published,
        verified=bool(doc["verified"]),
        source_note=doc["source_note"],
        framework_id=fw.id if fw else None,
        allow_comment=bool(doc["allow_comment"]),
        published_at=datetime.now(UTC),
    )
    session.add(survey)
    session.flush()
    for order, q in enumerate(doc["questions"], start=1):
        session.add(
            SurveyQuestion(
                survey_id=survey.id or 0,
                code=q["code"],
                factor=SurveyFactor(q["factor"]),
                order=order,
                text=q["text"],
                labels={"en": q["en"]} if q.get("en") else {},
                scale=QuestionScale(q["scale"]),
                required=q.get("required", True),
                node_id=nodes.get(q.get("node", "")),
            )
        )
    session.flush()
    return survey


# --- the Bình Gia demo ------------------------------------------------------------------------------------

DESKS = [
    # unit code, desk code, name, address, kiosk share, paper share
    ("LS.BG", "BG.MOTCUA", "Bộ phận Một cửa UBND huyện Bình Gia", "Thị trấn Bình Gia, huyện Bình Gia", 0.4, 0.1),
    ("LS.BG.X.HOATHAM", "BG.HOATHAM.MOTCUA", "Bộ phận Một cửa UBND xã Hoa Thám", "Xã Hoa Thám, huyện Bình Gia", 0.0, 0.4),
    ("LS.BG.X.TANVAN", "BG.TANVAN.MOTCUA", "Bộ phận Một cửa UBND xã Tân Văn", "Xã Tân Văn, huyện Bình Gia", 0.0, 0.5),
]  # fmt: skip

# Share of satisfied answers per factor in the demo (góp ý is the weak one, so it shows work to do).
FACTOR_LEVEL = {
    SurveyFactor.tiep_can: 0.82,
    SurveyFactor.thu_tuc: 0.78,
    SurveyFactor.cong_chuc: 0.88,
    SurveyFactor.ket_qua: 0.84,
    SurveyFactor.gop_y: 0.58,
}
OFFICIAL = {  # illustrative percentages, not published figures
    2023: {"": 80.5, "tiep_can": 81.2, "thu_tuc": 80.4, "cong_chuc": 82.0, "ket_qua": 81.1, "gop_y": 77.8},
    2024: {"": 81.9, "tiep_can": 82.5, "thu_tuc": 81.6, "cong_chuc": 83.4, "ket_qua": 82.2, "gop_y": 79.6},
}


def _value(rng: random.Random, scale: QuestionScale, level: float) -> int:
    satisfied = rng.random() < level
    if scale == QuestionScale.yes_no:
        return 1 if satisfied else 0
    return rng.choice((4, 5, 5)) if satisfied else rng.choice((1, 2, 3, 3))


def seed_surveys(session: Session, *, units: dict[str, OrgUnit], settings: Any) -> None:
    """The default survey always; the Bình Gia desks and answers when that demo's district is loaded."""
    survey = ensure_default_survey(session)
    if "LS.BG" not in units:
        return
    if session.exec(select(CollectionPoint.id).where(CollectionPoint.code == DESKS[0][1])).first():
        return
    questions = list(session.exec(select(SurveyQuestion).where(SurveyQuestion.survey_id == survey.id)).all())
    rng = random.Random(20)
    secret = (settings or get_settings()).effective_secret()
    end = min((settings or get_settings()).today(), date(DEMO_YEAR, 12, 31))
    start = date(DEMO_YEAR, 1, 2)
    span = max(1, (end - start).days)
    for unit_code, code, name, address, kiosk, paper in DESKS:
        unit = units.get(unit_code)
        if unit is None:
            continue
        point = CollectionPoint(
            unit_id=unit.id or 0,
            code=code,
            name=name,
            address=address,
            survey_id=survey.id or 0,
            token_secret=tokens.new_point_secret(),
        )
        session.add(point)
        session.flush()
        n = 160 if unit_code == "LS.BG" else 90
        _answers(session, rng, point, survey, questions, n, start, span, kiosk, paper, secret)
    _official(session, units["LS.BG"])
    session.flush()


def _answers(
    session: Session,
    rng: random.Random,
    point: CollectionPoint,
    survey: Survey,
    questions: list[SurveyQuestion],
    n: int,
    start: date,
    span: int,
    kiosk: float,
    paper: float,
    secret: str,
) -> None:
    for i in range(n):
        day = start + timedelta(days=rng.randrange(span))
        while day.isoweekday() > 5:
            day += timedelta(days=1)
        hour = rng.choice((8, 9, 10, 14, 15, 16))
        out_of_hours = i % 37 == 5  # a few answers in the evening
        if out_of_hours:
            hour = 19
        local = datetime.combine(day, time(hour, rng.randrange(60)))
        at = (local - timedelta(hours=7)).replace(tzinfo=UTC)
        roll = rng.random()
        source = (
            ResponseSource.paper
            if roll < paper
            else ResponseSource.kiosk
            if roll < paper + kiosk
            else ResponseSource.qr
        )
        live = source != ResponseSource.paper
        duplicate = live and i % 53 == 7
        honeypot = live and i % 71 == 3
        answers = [
            (q.id or 0, _value(rng, q.scale, FACTOR_LEVEL[q.factor]))
            for q in questions
            if q.required or rng.random() < 0.5
        ]
        client = tokens.keyed_hash(secret, "client", f"demo-{point.code}-{i // 2 if duplicate else i}")
        response = SurveyResponse(
            point_id=point.id or 0,
            unit_id=point.unit_id,
            survey_id=survey.id or 0,
            source=source,
            submitted_at=at,
            answered_on=day,
            client_hash=client if live else None,
            answers_hash=tokens.keyed_hash(secret, "answers", f"demo-{point.code}-{i}"),
            out_of_hours=live and out_of_hours,
            burst=live and i % 89 == 11,
            duplicate=duplicate,
            honeypot=honeypot,
            comment="Cần bố trí thêm ghế ngồi chờ." if i % 41 == 0 else None,
        )
        session.add(response)
        session.flush()
        session.execute(
            sa.insert(SurveyAnswer.__table__),  # type: ignore[attr-defined]
            [{"response_id": response.id, "question_id": q, "value": v} for q, v in answers],
        )


def _official(session: Session, district: OrgUnit) -> None:
    for year, figures in OFFICIAL.items():
        for factor, percent in figures.items():
            session.add(
                SipasOfficialResult(
                    unit_id=district.id or 0,
                    year=year,
                    factor=factor,
                    percent_milli=round(percent * 1000),
                    source=ILLUSTRATIVE,
                    illustrative=True,
                )
            )


def existing_codes(session: Session, codes: list[str]) -> set[str]:
    return set(session.exec(select(CollectionPoint.code).where(col(CollectionPoint.code).in_(codes))).all())
