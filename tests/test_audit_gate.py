"""The dependency audit gate (scripts/audit_deps.py, run by `make test`): a finding fails, an ignore named in the
Makefile does not, and an advisory service that does not answer fails too unless AUDIT_OFFLINE=warn says so."""

import importlib.util
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("audit_deps", ROOT / "scripts" / "audit_deps.py")
assert spec is not None and spec.loader is not None
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)

CLEAN_PIP = {"dependencies": [{"name": "starlette", "version": "1.10.0", "vulns": []}], "fixes": []}
VULN_PIP = {
    "dependencies": [
        {
            "name": "starlette",
            "version": "1.0.0",
            "vulns": [{"id": "GHSA-f96h-pmfr-66vw", "fix_versions": ["1.3.1"], "aliases": []}],
        }
    ],
    "fixes": [],
}
SKIPPED_PIP = {"dependencies": [{"name": "starlette", "skip_reason": "Dependency not found on PyPI"}]}
CLEAN_NPM = {"vulnerabilities": {}, "metadata": {"dependencies": {"prod": 40}}}
VULN_NPM = {
    "vulnerabilities": {
        "react-router": {
            "via": [
                {
                    "url": "https://github.com/advisories/GHSA-xxxx-yyyy-zzzz",
                    "severity": "high",
                    "title": "XSS",
                },
                "react-router-dom",
            ]
        }
    },
    "metadata": {"dependencies": {"prod": 40}},
}
NPM_DOWN = {"message": "405 Method Not Allowed - POST …/advisories/bulk", "error": {"summary": ""}}


def _fake(monkeypatch: pytest.MonkeyPatch, pip: Any, npm: Any) -> None:
    def run(cmd: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        out = pip if "pip_audit" in cmd else npm
        return subprocess.CompletedProcess(cmd, 1, json.dumps(out) if out is not None else "", "boom")

    monkeypatch.setattr(audit.subprocess, "run", run)


@pytest.mark.parametrize(
    ("pip", "npm", "env", "code"),
    [
        (CLEAN_PIP, CLEAN_NPM, {}, 0),
        (VULN_PIP, CLEAN_NPM, {}, 1),
        (VULN_PIP, CLEAN_NPM, {"PIP_AUDIT_IGNORE": "GHSA-f96h-pmfr-66vw"}, 0),
        (CLEAN_PIP, VULN_NPM, {}, 1),
        (CLEAN_PIP, VULN_NPM, {"NPM_AUDIT_IGNORE": "GHSA-xxxx-yyyy-zzzz"}, 0),
        (SKIPPED_PIP, CLEAN_NPM, {}, 2),  # the registry answered nothing for a package: not audited
        (CLEAN_PIP, NPM_DOWN, {}, 2),
        (None, CLEAN_NPM, {}, 2),  # pip-audit crashed (no network)
        (SKIPPED_PIP, NPM_DOWN, {"AUDIT_OFFLINE": "warn"}, 0),
        (VULN_PIP, NPM_DOWN, {"AUDIT_OFFLINE": "warn"}, 1),  # warn never hides a finding
    ],
)
def test_audit_gate_outcomes(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    pip: Any,
    npm: Any,
    env: Any,
    code: int,
) -> None:
    for k in ("AUDIT_OFFLINE", "PIP_AUDIT_IGNORE", "NPM_AUDIT_IGNORE"):
        monkeypatch.delenv(k, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    _fake(monkeypatch, pip, npm)
    assert audit.main() == code
    out = capsys.readouterr().out
    if code == 2 or (env.get("AUDIT_OFFLINE") == "warn" and code == 0):
        assert "NOT AUDITED" in out
    if code == 1:
        assert "KNOWN VULNERABILITIES" in out


def test_runtime_closure_is_the_deployed_set() -> None:
    pins = audit.runtime_closure()
    assert {"fastapi", "starlette", "python-multipart", "pyjwt", "h11", "uvicorn"} <= set(pins)
    assert "pytest" not in pins and "schemathesis" not in pins and "parsipas" not in pins
