"""The dashboard's scan of the scoped assignments (``api/dashboards/service.py``): the rows of
:func:`scope.assignments_in_reach`, read for an aggregate over every one of them.

A caller with a district's or province's reach usually reaches every assignment there is (one district's or one
province's database): then testing each row's unit against the units in reach, and its plan against the hidden
drafts, excludes nothing and was ~20 % of the national dashboard's aggregate (198,000 rows, bench/bench_http.py).
So, for a subtree grant, the rows are a ``UNION ALL`` of two branches gated by one condition computed once per
statement (PostgreSQL: a "One-Time Filter"; the branch not taken is never read):

- *every assignment* — when no unit out of reach has an assignment and no draft plan is hidden from the caller:
  then ``assignments_in_reach`` is every row (``assignment.unit_id`` is a NOT NULL foreign key, plan ids are NOT
  NULL), read without the per-row tests;
- ``assignments_in_reach`` itself otherwise, unchanged (its index and join plans are planned as usual).

Same rows in both cases, in one statement (one snapshot: the condition and the rows cannot disagree). The
condition costs a few index probes: the first unit out of reach that has an assignment ends it. Other callers
(a commune's own grants) get ``assignments_in_reach`` as it is.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from api.authz import scope
from api.authz.permissions import Permission
from api.authz.principal import Principal
from api.models import Assignment, OrgUnit

P = Permission


def reach_is_everything(principal: Principal, permission: Permission = P.assignments_read) -> Any:
    """True when ``assignments_in_reach(principal, permission)`` is every assignment: no unit out of reach has
    one and no draft plan is hidden from the principal. Uncorrelated: evaluated once per statement."""
    unit = aliased(OrgUnit, name="outside_unit")
    work = aliased(Assignment, name="outside_work")
    outside = sa.exists(
        select(col(unit.id)).where(
            col(unit.id).not_in(scope.unit_ids_subquery(principal, permission)),
            sa.exists(select(col(work.id)).where(col(work.unit_id) == col(unit.id))),
        )
    )
    return sa.and_(~outside, ~sa.exists(scope.hidden_draft_plans(principal)))


def assignments_in_reach_scan(
    principal: Principal,
    columns: Sequence[Any],
    *where: Any,
    permission: Permission = P.assignments_read,
) -> Any:
    """``columns`` of the rows of ``assignments_in_reach(principal, permission)`` that meet ``where``: a select,
    or for a subtree grant the two gated branches described in the module docstring."""
    scoped = scope.assignments_in_reach(principal, permission).with_only_columns(*columns).where(*where)
    if not any(g.subtree for g in principal.grants_for(permission)):
        return scoped
    everything = reach_is_everything(principal, permission)
    whole = select(*columns).select_from(Assignment).where(everything, *where)
    return sa.union_all(whole, scoped.where(~everything))
