"""vn_fold(text): accent- and case-insensitive Vietnamese search (issue 14)

PostgreSQL gets an immutable SQL function ``vn_fold`` = ``lower(translate(t, <Vietnamese letters>, <ASCII>))``, which
also deletes the combining marks of decomposed (NFD) text. SQLite registers the same function in Python on every
connection (``api/search.py``, ``api/db.py``), so nothing is stored there. A function, not folded columns: no
backfill, nothing to keep in step. The letter pairs are written out here (a migration does not import the app).

Revision ID: i14vnfold001
Revises: h15usrcase01
Create Date: 2026-12-06 02:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "i14vnfold001"
down_revision: str | None = "h15usrcase01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_VOWELS = {
    "a": "àáảãạăằắẳẵặâầấẩẫậ",
    "e": "èéẻẽẹêềếểễệ",
    "i": "ìíỉĩị",
    "o": "òóỏõọôồốổỗộơờớởỡợ",
    "u": "ùúủũụưừứửữự",
    "y": "ỳýỷỹỵ",
    "d": "đ",
}
FROM = "".join(chars + chars.upper() for chars in _VOWELS.values())
TO = "".join(base * len(chars) + base.upper() * len(chars) for base, chars in _VOWELS.items())
COMBINING = "\u0300\u0301\u0302\u0303\u0306\u0309\u031b\u0323"  # deleted: in FROM, no counterpart in TO


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE OR REPLACE FUNCTION vn_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS "
        f"$$ SELECT lower(translate(t, '{FROM}{COMBINING}', '{TO}')) $$"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP FUNCTION IF EXISTS vn_fold(text)")
