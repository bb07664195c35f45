"""usernames lower-case: one account per name whatever the letter case (issue 15)

Existing usernames are lower-cased, then a check constraint keeps them so (the unique index on ``username`` then
covers case). If two accounts differ only in case ("abc" and "ABC"), the upgrade stops and lists them: an
administrator must rename or merge them first — which one is the real person is not a migration's decision.

Revision ID: h15usrcase01
Revises: a12c0r1ng001
Create Date: 2026-12-06 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "h15usrcase01"
down_revision: str | None = "a12c0r1ng001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


class UsernameClash(RuntimeError):
    """Accounts whose usernames differ only in letter case."""


def clashes(conn: sa.Connection) -> list[list[tuple[int, str]]]:
    """Groups of (id, username) that would become the same lower-case name."""
    rows = conn.execute(
        sa.text(
            "SELECT id, username FROM user_account WHERE lower(username) IN ("
            " SELECT lower(username) FROM user_account GROUP BY lower(username) HAVING count(*) > 1)"
            " ORDER BY lower(username), id"
        )
    ).all()
    groups: dict[str, list[tuple[int, str]]] = {}
    for user_id, username in rows:
        groups.setdefault(username.lower(), []).append((user_id, username))
    return list(groups.values())


def upgrade() -> None:
    conn = op.get_bind()
    found = clashes(conn)
    if found:
        report = "\n".join(
            "  - " + ", ".join(f"#{user_id} '{username}'" for user_id, username in group) for group in found
        )
        raise UsernameClash(
            "Có tài khoản trùng tên đăng nhập nếu không phân biệt chữ hoa/thường; hãy đổi tên hoặc gộp các tài khoản "
            "này rồi chạy lại / accounts whose usernames differ only in case; rename or merge them, then migrate "
            f"again:\n{report}"
        )
    conn.execute(
        sa.text("UPDATE user_account SET username = lower(username) WHERE username <> lower(username)")
    )
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.create_check_constraint("username_lowercase", "username = lower(username)")


def downgrade() -> None:
    # The names stay lower-case: the original capitalisation is not kept (it never told two accounts apart).
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.drop_constraint("username_lowercase", type_="check")
