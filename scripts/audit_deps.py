"""Known-vulnerability gate for what is deployed: the Python packages parsipas needs at run time (pip-audit) and
the SPA's production npm packages (npm audit --omit=dev, high and critical).

Outcomes, so that a gate that could not look never passes quietly:
  0  audited, nothing known (after the ignores named in the Makefile)
  1  a known vulnerability: raise the package's floor (pyproject.toml / package.json), or, when no fixed version
     exists, add its advisory id to PIP_AUDIT_IGNORE / NPM_AUDIT_IGNORE in the Makefile with the reason
  2  could not audit (advisory service unreachable, or it answered without data): says which and why.
     AUDIT_OFFLINE=warn turns this one into a printed "NOT AUDITED" and exit 0; vulnerabilities still fail.

Runtime only, on purpose: the Python list is the closure of ``parsipas``'s own requirements as installed (no dev
extras), the npm list omits devDependencies — the same scope on both sides.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
HIGH = {"high", "critical"}


class CouldNotAudit(Exception):
    pass


def runtime_closure(root: str = "parsipas") -> dict[str, str]:
    """name → installed version for every package ``root`` needs at run time (extras followed, dev extra not)."""
    seen: dict[str, tuple[str, frozenset[str]]] = {}
    todo: list[tuple[str, frozenset[str]]] = [(root, frozenset())]
    while todo:
        name, extras = todo.pop()
        key = canonicalize_name(name)
        prev = seen.get(key)
        if prev is not None and extras <= prev[1]:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # not installed: excluded by its marker (platform, python version)
        wanted = extras | (prev[1] if prev else frozenset())
        seen[key] = (dist.version, wanted)
        for spec in dist.requires or []:
            req = Requirement(spec)
            if req.marker is not None and not any(req.marker.evaluate({"extra": e}) for e in {"", *wanted}):
                continue
            todo.append((req.name, frozenset(req.extras)))
    seen.pop(canonicalize_name(root), None)  # the project itself is not on the registry
    return {k: v for k, (v, _) in sorted(seen.items())}


def pip_audit(ignore: list[str]) -> list[str]:
    pins = runtime_closure()
    if not pins:
        raise CouldNotAudit("pip-audit: parsipas is not installed in this environment (make venv)")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("".join(f"{k}=={v}\n" for k, v in pins.items()))
    try:
        cmd = [sys.executable, "-m", "pip_audit", "-r", f.name, "--no-deps", "--disable-pip"]
        cmd += ["--progress-spinner", "off", "--timeout", "15", "-f", "json"]
        for vuln in ignore:
            cmd += ["--ignore-vuln", vuln]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)  # noqa: S603 (our argv)
    finally:
        os.unlink(f.name)
    try:
        report = json.loads(r.stdout)
    except ValueError:
        last = (r.stderr.strip().splitlines() or ["no output"])[-1]
        raise CouldNotAudit(f"pip-audit failed (exit {r.returncode}): {last}") from None
    found, skipped = [], []
    for dep in report.get("dependencies", []):
        if dep.get("skip_reason"):
            skipped.append(f"{dep['name']}: {dep['skip_reason']}")
        for v in dep.get("vulns", []):
            if {v["id"], *(v.get("aliases") or [])} & set(ignore):
                continue
            fix = ", ".join(v.get("fix_versions") or []) or "no fixed version"
            found.append(f"pip  {dep['name']} {dep['version']}: {v['id']} (fixed in: {fix})")
    if skipped:
        raise CouldNotAudit(
            f"pip-audit could not audit {len(skipped)} of {len(pins)} packages — the advisory service did not "
            f"answer for them (first: {skipped[0]})"
        )
    print(f"pip-audit: {len(pins)} runtime packages audited, {len(found)} known vulnerabilities")
    return found


def npm_audit(ignore: list[str]) -> list[str]:
    frontend = ROOT / "frontend"
    if not (frontend / "package-lock.json").exists():
        print("npm audit: no frontend/package-lock.json, nothing to audit")
        return []
    # npm from PATH, as `make test-frontend` runs it
    r = subprocess.run(
        ["npm", "audit", "--omit=dev", "--audit-level=high", "--json"],  # noqa: S607
        cwd=frontend,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    try:
        report = json.loads(r.stdout)
    except ValueError:
        raise CouldNotAudit(f"npm audit failed (exit {r.returncode}): {r.stderr.strip()[-300:]}") from None
    if "vulnerabilities" not in report or "error" in report:
        err = report.get("error") if isinstance(report.get("error"), dict) else {}
        why = report.get("message") or err.get("summary") or err.get("detail") or json.dumps(report)[:300]
        raise CouldNotAudit(f"npm audit: the registry's advisory endpoint did not answer: {why}")
    found = []
    for name, v in sorted(report["vulnerabilities"].items()):
        advisories = [a for a in v.get("via", []) if isinstance(a, dict)]
        kept = [
            a
            for a in advisories
            if a.get("severity") in HIGH and not any(str(a.get("url", "")).endswith(i) for i in ignore)
        ]
        found += [
            f"npm  {name} {a.get('range', '')}: {a.get('url')} ({a['severity']}): {a.get('title')}"
            for a in kept
        ]
    total = report.get("metadata", {}).get("dependencies", {}).get("prod", "?")
    print(f"npm audit: {total} production packages audited, {len(found)} high/critical advisories")
    return found


def main() -> int:
    t0 = time.monotonic()
    offline = os.environ.get("AUDIT_OFFLINE", "fail")
    pip_ignore = os.environ.get("PIP_AUDIT_IGNORE", "").split()
    npm_ignore = os.environ.get("NPM_AUDIT_IGNORE", "").split()
    found: list[str] = []
    problems: list[str] = []
    with ThreadPoolExecutor(2) as pool:
        jobs = [pool.submit(pip_audit, pip_ignore), pool.submit(npm_audit, npm_ignore)]
        for job in jobs:
            try:
                found += job.result()
            except CouldNotAudit as exc:
                problems.append(str(exc))
    for ignored in pip_ignore + npm_ignore:
        print(f"audit: ignoring {ignored} (justified in the Makefile)")
    print(f"audit: {time.monotonic() - t0:.1f} s")
    if found:
        print("\nKNOWN VULNERABILITIES — raise the package's floor, or justify an ignore in the Makefile:")
        print("\n".join(f"  {f}" for f in found))
    if problems:
        print("\nNOT AUDITED — " + "\n             ".join(problems))
    if found:
        return 1
    if problems:
        if offline == "warn":
            print(
                "AUDIT_OFFLINE=warn: going on without the audit above (no vulnerability was seen, none was ruled out)"
            )
            return 0
        print("Failing: an audit that cannot look must not pass (AUDIT_OFFLINE=warn to go on without it).")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
