"""Which demo data sets exist and how ``PARSIPAS_DEMO`` names them.

``1`` (or ``binhgia-2024``) is the Bình Gia 2024 demo, the default of ``make run``; ``langson-2026`` is the two-tier
province of 2026. Several names separated by commas load several demos into one database.
"""

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

DEFAULT = "binhgia-2024"
OFF = {"", "0", "false", "no", "off"}
ALIASES = {"1": DEFAULT, "true": DEFAULT, "yes": DEFAULT, "on": DEFAULT}


@dataclass(frozen=True)
class Demo:
    name: str
    module: str  # exposes seed(session=None) -> bool and print_accounts()
    as_of_date: str  # the reference day `make run` pins for it
    description: str


DEMOS: dict[str, Demo] = {
    "binhgia-2024": Demo(
        "binhgia-2024", "api.demo.seed", "2024-10-15", "Huyện Bình Gia, Kế hoạch năm 2024 (chính quyền 3 cấp)"
    ),
    "langson-2026": Demo(
        "langson-2026",
        "api.demo.langson2026",
        "2026-10-15",
        "Tỉnh Lạng Sơn năm 2026: Sở Nội vụ, sở, ban, ngành và 65 xã, phường (chính quyền 2 cấp)",
    ),
}


def parse(value: str | None) -> list[str]:
    """``PARSIPAS_DEMO`` → demo names, in order (empty = demo off); unknown names raise ``ValueError``."""
    out: list[str] = []
    for part in (value or "").split(","):
        key = part.strip().lower()
        if key in OFF:
            continue
        name = ALIASES.get(key, key)
        if name not in DEMOS:
            known = ", ".join(["0", "1", *DEMOS])
            raise ValueError(f"PARSIPAS_DEMO: không có bộ dữ liệu mẫu '{part.strip()}' (chọn: {known})")
        if name not in out:
            out.append(name)
    return out


def _entry(name: str, attr: str) -> Callable[..., object]:
    fn: Callable[..., object] = getattr(import_module(DEMOS[name].module), attr)
    return fn


def seed(names: list[str]) -> list[str]:
    """Load each named demo (idempotent); returns the names whose accounts were created now."""
    return [name for name in names if _entry(name, "seed")()]


def print_accounts(names: list[str]) -> None:
    for name in names:
        _entry(name, "print_accounts")()
