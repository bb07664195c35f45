"""user_account.must_change_password: an administrator-set password must be changed at first login (issue 15)

Existing accounts get ``false`` (the server default): nobody is locked into a password change by the upgrade.
The flag is set by an administrator's create or reset and cleared by the user's own change.

Revision ID: h15mustchg01
Revises: i14vnfold001
Create Date: 2026-12-06 02:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "h15mustchg01"
down_revision: str | None = "i14vnfold001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.add_column(
            sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.drop_column("must_change_password")
