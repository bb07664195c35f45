"""Vietnamese search: accent- and case-insensitive, NFC/NFD alike, LIKE wildcards taken literally.

Both sides are folded the same way: the query in Python (:func:`fold`), the column in SQL by ``vn_fold(text)``, a
function of the database — on PostgreSQL a SQL function created by the migration ``vn_fold`` (``lower(translate(…))``:
Vietnamese letters to ASCII, combining marks of NFD text deleted), on SQLite the Python :func:`fold` registered on
every connection (``api/db.py``). A function rather than folded columns: nothing to keep in step when a name changes
through the ORM, a batched Core import or a transfer, and no backfill. The searched tables (task, org_unit,
user_account, evidence, plan) are small next to ``assignment``, which is matched through ``IN`` sub-selects on them,
so the per-row function costs little (``bench/search_bench.py`` prints both timings).
"""

import re
import unicodedata
from typing import Any

import sqlalchemy as sa

# Every precomposed Vietnamese letter (both cases) and its ASCII base; the PostgreSQL function uses the same pairs.
_VOWELS = {
    "a": "àáảãạăằắẳẵặâầấẩẫậ",
    "e": "èéẻẽẹêềếểễệ",
    "i": "ìíỉĩị",
    "o": "òóỏõọôồốổỗộơờớởỡợ",
    "u": "ùúủũụưừứửữự",
    "y": "ỳýỷỹỵ",
    "d": "đ",
}
FOLD_FROM = "".join(chars + chars.upper() for chars in _VOWELS.values())
FOLD_TO = "".join(base * len(chars) + base.upper() * len(chars) for base, chars in _VOWELS.items())
# Combining marks a decomposed (NFD) text carries: grave, acute, circumflex, tilde, breve, hook, horn, dot below.
COMBINING = "\u0300\u0301\u0302\u0303\u0306\u0309\u031b\u0323"


def fold(text: str | None) -> str:
    """Lower-case, without Vietnamese diacritics (đ → d), spaces collapsed; NFC and NFD give the same result."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).replace("đ", "d").replace("Đ", "D")
    stripped = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", stripped).lower()).strip()


def _sql_fold(text: str | None) -> str | None:
    """The SQLite ``vn_fold``: like :func:`fold` but keeps the spacing (a column value, not a query)."""
    if text is None:
        return None
    text = unicodedata.normalize("NFC", text).replace("đ", "d").replace("Đ", "D")
    stripped = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    return stripped.lower()


def register_sqlite(dbapi_conn: Any) -> None:
    """Make ``vn_fold`` available on a SQLite connection (deterministic: usable in indexes and the planner)."""
    dbapi_conn.create_function("vn_fold", 1, _sql_fold, deterministic=True)


def folded(column: Any) -> Any:
    """``vn_fold(column)``: the column as :func:`fold` would write it (spacing aside)."""
    return sa.func.vn_fold(column)


def matches(q: str | None, *columns: Any) -> Any:
    """True where any column contains the folded query as a phrase ("hoa tham" finds "Xã Hoa Thám"); ``%`` and
    ``_`` in the query are literal characters (escaped), never wildcards. ``None`` for an empty query."""
    needle = fold(q)
    if not needle:
        return None
    return sa.or_(*[folded(c).contains(needle, autoescape=True) for c in columns])
