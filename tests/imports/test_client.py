"""The ``parsipas import`` script client against a real server (uvicorn in a thread)."""

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from typer.testing import CliRunner

from api.cli import app as cli
from api.models import OrgUnit
from tests.imports.helpers import UNIT_HEADER, csv_bytes, fetch, make_token


@pytest.fixture
def server(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    srv = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


def test_cli_imports_and_prints_row_errors(server: str, db, tmp_path: Path) -> None:
    token = make_token(db, "LS.BG", ["imports:run", "units:manage"])["Authorization"].split()[1]
    good = tmp_path / "don-vi.csv"
    good.write_bytes(
        csv_bytes(UNIT_HEADER, [["LS.BG.X.CLI", "UBND xã Hồng Phong (CLI)", "Xã", "UBND", "LS.BG"]], bom=True)
    )
    runner = CliRunner()
    args = ["import", str(good), "--kind", "org-units", "--url", server, "--token", token]
    result = runner.invoke(cli, [*args, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert fetch(db, OrgUnit, code="LS.BG.X.CLI") is None
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "1" in result.output and "created" in result.output
    assert fetch(db, OrgUnit, code="LS.BG.X.CLI") is not None

    bad = tmp_path / "loi.csv"
    bad.write_bytes(
        csv_bytes(
            UNIT_HEADER,
            [
                ["LS.BG.X.CLI2", "Xã 2", "Thành phố", "UBND", "LS.BG"],
                ["LS.BG.X.CLI3", "Xã 3", "Xã", "UBND", "XX.NGOAI"],
            ],
        )
    )
    result = runner.invoke(
        cli, ["import", str(bad), "--kind", "org-units", "--url", server, "--token", token]
    )
    assert result.exit_code == 1, result.output
    out = result.output
    assert "Lỗi theo dòng" in out and "invalid_choice" in out and "unknown_unit" in out
    assert out.index("invalid_choice") < out.index("unknown_unit")  # rows in order: 2 then 3
    assert fetch(db, OrgUnit, code="LS.BG.X.CLI2") is None

    result = runner.invoke(
        cli, ["import", str(good), "--kind", "org-units", "--url", server, "--token", "pst_nope"]
    )
    assert result.exit_code == 2 and "401" in result.output
    result = runner.invoke(cli, ["import", str(good), "--kind", "khac", "--url", server, "--token", token])
    assert result.exit_code == 2
