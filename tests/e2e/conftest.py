"""Browser tests: a REAL ``parsipas serve`` on a fresh SQLite database, driven by Debian's Chromium.

The server is a subprocess (demo data, as-of date 2024-10-15); Chromium is ``/usr/bin/chromium`` launched through
pytest-playwright's ``browser_type_launch_args``. Screenshots go to ``test-artifacts/screenshots/``.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("PARSIPAS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "BinhGia@2024"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _parsipas() -> str:
    exe = Path(sys.executable).parent / "parsipas"
    return str(exe) if exe.exists() else str(ROOT / ".venv" / "bin" / "parsipas")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:  # type: ignore[type-arg]
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (CI installs it with .ci/run)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:  # type: ignore[type-arg]
    # The app's CSP (script-src 'self') would block the axe-core <script> the tests inject; bypass it in tests only.
    return {**browser_context_args, "bypass_csp": True, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start the real server on a free port; yield its base URL; stop it afterwards."""
    yield from _serve(tmp_path_factory.mktemp("e2e"), demo="1", as_of="2024-10-15")


@pytest.fixture(scope="session")
def server_langson(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second server with the Lạng Sơn 2026 demo only (two-tier government), as of 15/10/2026."""
    yield from _serve(tmp_path_factory.mktemp("e2e-ls"), demo="langson-2026", as_of="2026-10-15")


def _serve(tmp: Path, *, demo: str, as_of: str) -> Iterator[str]:
    dist = Path(
        os.environ.get("PARSIPAS_FRONTEND_DIST") or ROOT / "frontend" / "dist"
    )  # the server reads it too
    if not (dist / "index.html").exists():
        pytest.fail(f"{dist} is missing: run `make frontend` (npm ci && npm run build) first")
    port = _free_port()
    env = {
        **os.environ,
        "PARSIPAS_DATABASE_URL": f"sqlite:///{tmp}/e2e.db",
        "PARSIPAS_DATA_DIR": str(tmp),
        "PARSIPAS_DEMO": demo,
        "PARSIPAS_AS_OF_DATE": as_of,
        "PARSIPAS_ENV": "dev",
    }
    log = (tmp / "server.log").open("wb")
    proc = subprocess.Popen(
        [_parsipas(), "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail(f"server exited ({proc.returncode}):\n{(tmp / 'server.log').read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{base}/api/v1/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"server did not become healthy:\n{(tmp / 'server.log').read_text()[-3000:]}")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="session")
def base_url(server: str) -> str:
    return server


@pytest.fixture(scope="session")
def shots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(scope="session")
def axe_path() -> Path:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` in frontend/")
    return AXE


def clean_dir(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True, exist_ok=True)
