"""Benchmark: what each hostile import file costs the server before its 422 (issue 15: ≤ 2 s CPU, ≤ 64 MB).

Every file of ``tests/imports/hostile.py`` (dimension bomb, a million blank rows, cells in column XFD, shared-strings
bombs by ratio and by count, a missing shared string, broken XML, deep JSON and YAML, a YAML alias bomb) is read
by the import parser (``api.imports.parsing.read_upload``, what ``POST /imports/{kind}`` runs) in a fresh
subprocess, so the figures are that file's alone: CPU time (user + system) of one read, and the peak of the
memory the read allocated (tracemalloc, in a second read; the file's own bytes not counted). A legitimate 5,000-row workbook is
the yardstick. Not a test: it prints figures.

    .venv/bin/python bench/bench_hostile_imports.py
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PARSIPAS_ENV", "test")

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
import openpyxl, yaml  # loaded before the baseline
from api.errors import AppError
from api.imports.parsing import read_upload

name, path = sys.argv[1], Path(sys.argv[2])
raw = path.read_bytes()
before = resource.getrusage(resource.RUSAGE_SELF)
try:
    table = read_upload(name, "", raw, sheet=None, max_rows=50_000)
    outcome = f"read {len(table.rows)} rows"
except AppError as exc:
    outcome = f"{exc.status} {exc.code}"
after = resource.getrusage(resource.RUSAGE_SELF)
cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
import tracemalloc  # a second read, traced: the peak of what the parser allocated
tracemalloc.start()
try:
    read_upload(name, "", raw, sheet=None, max_rows=50_000)
except AppError:
    pass
peak = tracemalloc.get_traced_memory()[1]
print(json.dumps({"cpu": cpu, "mem_mb": peak / 1024 / 1024, "outcome": outcome}))
"""


def files() -> dict[str, tuple[str, bytes]]:
    from tests.imports import hostile
    from tests.imports.helpers import UNIT_HEADER, xlsx_bytes

    out = {name: ("hostile.xlsx", make()) for name, make in hostile.XLSX_FILES.items()}
    out["wide_rows"] = ("hostile.xlsx", hostile.wide_rows(150_000))
    out["deep_json"] = ("hostile.json", hostile.deep_json())
    out["deep_yaml"] = ("hostile.yaml", hostile.deep_yaml(100_000))
    out["yaml_alias_bomb"] = ("hostile.yaml", hostile.yaml_alias_bomb())
    rows = [[f"LS.BG.B{i}", f"Đơn vị {i}", "commune", "people_committee", "LS.BG"] for i in range(5000)]
    out["legit_5000_rows (yardstick)"] = ("units.xlsx", xlsx_bytes(UNIT_HEADER, rows))
    return out


def main() -> None:
    print(f"{'file':32} {'size':>10} {'CPU s':>7} {'peak +MB':>9}  outcome")
    worst_cpu = worst_mem = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for label, (filename, data) in files().items():
            path = Path(tmp) / filename
            path.write_bytes(data)
            run = subprocess.run(
                [sys.executable, "-c", CHILD, filename, str(path)],
                capture_output=True,
                text=True,
                cwd=ROOT,
                check=True,
            )
            got = json.loads(run.stdout.strip().splitlines()[-1])
            print(f"{label:32} {len(data):>10,} {got['cpu']:>7.3f} {got['mem_mb']:>9.1f}  {got['outcome']}")
            if "yardstick" not in label:
                worst_cpu, worst_mem = max(worst_cpu, got["cpu"]), max(worst_mem, got["mem_mb"])
    print(f"\nworst hostile file: {worst_cpu:.3f} s CPU, +{worst_mem:.1f} MB (budget: 2 s, 64 MB)")


if __name__ == "__main__":
    main()
