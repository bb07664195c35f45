"""The import kinds, by the name used in ``/imports/{kind}``."""

from api.imports.kinds import frameworks, official_results, org_units, plans, tasks, users
from api.imports.kinds import survey as survey_kinds
from api.imports.kinds.base import Kind

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        org_units.KIND,
        users.KIND,
        plans.KIND,
        tasks.KIND,
        frameworks.KIND,
        official_results.KIND,
        survey_kinds.SIPAS_RESULTS,  # issue 20
        survey_kinds.SURVEY_RESPONSES,  # issue 20
    )
}
