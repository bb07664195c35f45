"""Sources of the template dropdowns: units in the caller's scope, roles, criteria codes and fixed lists."""

from sqlmodel import col

from api.authz import scope
from api.imports.kinds.base import Context
from api.imports.kinds.values import Choice
from api.models import Framework, FrameworkNode


def lists(ctx: Context) -> dict[str, list[tuple[str, str]]]:
    from api.imports.kinds.org_units import LEVELS, UNIT_KINDS

    out: dict[str, list[tuple[str, str]]] = {
        "units": sorted(((u.code, u.name) for u in ctx.units().values() if u.in_scope), key=lambda x: x[0]),
        "levels": [(label, value) for label, value in zip(LEVELS.options(), LEVELS.values(), strict=True)],
        "unit_kinds": [
            (label, value) for label, value in zip(UNIT_KINDS.options(), UNIT_KINDS.values(), strict=True)
        ],
        "bool": [("Có", "true"), ("Không", "false")],
    }
    for name, choice in _extra_choices().items():
        out[name] = [(label, value) for label, value in zip(choice.options(), choice.values(), strict=True)]
    if any(c.choices == "nodes" for c in ctx.kind.columns):
        out["nodes"] = node_codes(ctx)
    return out


def _extra_choices() -> dict[str, Choice]:
    """Choices declared by the other kinds (roles, priorities, …) — imported lazily, they may not exist yet."""
    found: dict[str, Choice] = {}
    import importlib

    for module in ("api.imports.kinds.users", "api.imports.kinds.tasks", "api.imports.kinds.frameworks"):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError:
            continue
        found.update(getattr(mod, "DROPDOWNS", {}))
    return found


def node_codes(ctx: Context) -> list[tuple[str, str]]:
    """``FRAMEWORK:NODE`` of every criterion the caller can read, in framework then tree order."""
    stmt = (
        scope.visible_nodes(ctx.principal)
        .join(Framework, col(Framework.id) == col(FrameworkNode.framework_id))
        .with_only_columns(col(Framework.code), col(FrameworkNode.code), col(FrameworkNode.title))
        .order_by(col(Framework.code), col(FrameworkNode.path))
    )
    return [(f"{fw}:{code}", title) for fw, code, title in ctx.session.execute(stmt).all()]


__all__ = ["lists", "node_codes"]
