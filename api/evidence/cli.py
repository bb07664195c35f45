"""Operator commands for the evidence store: ``verify-storage``, ``backup DEST``, ``restore SRC``.

Backup consistency: the database is copied first (SQLite: the online backup API, a consistent snapshot while
the service runs; PostgreSQL: ``pg_dump``, one snapshot transaction), then the blobs. Blobs are immutable and
content-addressed and the application never removes one (deletion is soft), so every blob the database copy
references already exists when the blobs are copied. Blobs are copied through the storage interface (so an S3
store is backed up as well) and re-hashed on the way; ``manifest.json`` lists the database file and every blob
with its SHA-256.
"""

import hashlib
import json
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy.engine import make_url

from api.config import Settings, get_settings

MANIFEST = "manifest.json"
DB_SQLITE = "database.sqlite3"
DB_PGDUMP = "database.pgdump"
BLOBS = "evidence"


def _fail(message: str, code: int = 2) -> None:
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


def _sqlite_path(settings: Settings) -> Path:
    return Path(make_url(settings.database_url).database or "")


def _pg_dsn(settings: Settings) -> str:
    return make_url(settings.database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def _file_sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _blob_path(root: Path, sha256: str) -> Path:
    return root / sha256[:2] / sha256[2:4] / sha256


def verify(settings: Settings) -> dict[str, list[str]]:
    """Re-hash every blob referenced by an evidence row and every stored blob."""
    from sqlmodel import col, select

    from api.db import get_engine, read_session
    from api.evidence.service import storage_from_settings
    from api.models import Evidence

    storage = storage_from_settings(settings)
    with read_session(get_engine(settings.database_url)) as session:
        # Operator tool: every row, whatever its owner or deletion state (no principal, no scope).
        referenced = set(session.exec(select(col(Evidence.sha256)).distinct()).all())
    stored = set(storage.iter_hashes())
    report: dict[str, list[str]] = {"ok": [], "missing": [], "corrupt": [], "orphaned": []}
    for sha in sorted(referenced | stored):
        if sha not in stored:
            report["missing"].append(sha)
        elif not storage.verify(sha):
            report["corrupt"].append(sha)
        elif sha not in referenced:
            report["orphaned"].append(sha)
        else:
            report["ok"].append(sha)
    return report


def verify_storage(
    as_json: Annotated[bool, typer.Option("--json", help="print the report as JSON")] = False,
) -> None:
    """Re-hash every stored evidence file; report missing, corrupt and orphaned ones (exit 1 if any is
    missing or corrupt)."""
    report = verify(get_settings())
    if as_json:
        typer.echo(json.dumps(report, indent=2))
    else:
        typer.echo(
            f"Tốt / ok: {len(report['ok'])}; thiếu / missing: {len(report['missing'])}; "
            f"hỏng / corrupt: {len(report['corrupt'])}; thừa / orphaned: {len(report['orphaned'])}"
        )
        for kind in ("missing", "corrupt", "orphaned"):
            for sha in report[kind]:
                typer.echo(f"  {kind}: {sha}")
    if report["missing"] or report["corrupt"]:
        raise typer.Exit(1)


def backup(dest: Annotated[Path, typer.Argument(help="empty or new directory")]) -> None:
    """Consistent copy of the database and the evidence store into DEST, with manifest.json."""
    settings = get_settings()
    from api.evidence.service import storage_from_settings

    if dest.exists() and any(dest.iterdir()):
        _fail(f"Thư mục đích không rỗng / destination is not empty: {dest}")
    dest.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {"created_at": datetime.now(UTC).isoformat(), "blobs": {}}
    if settings.is_sqlite:
        src_path = _sqlite_path(settings)
        if not src_path.is_file():
            _fail(f"Không thấy cơ sở dữ liệu / database not found: {src_path}")
        target = dest / DB_SQLITE
        src, dst = sqlite3.connect(src_path), sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        manifest["database"] = {"kind": "sqlite", "file": DB_SQLITE, "sha256": _file_sha256(target)}
    else:
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            _fail("Không tìm thấy pg_dump trên PATH / pg_dump not found on PATH (install postgresql-client).")
        target = dest / DB_PGDUMP
        subprocess.run(  # noqa: S603 - fixed argv, DSN from our own settings
            [str(pg_dump), "--format=custom", "--no-owner", f"--file={target}", _pg_dsn(settings)], check=True
        )
        manifest["database"] = {"kind": "postgresql", "file": DB_PGDUMP, "sha256": _file_sha256(target)}
    storage = storage_from_settings(settings)
    root = dest / BLOBS
    for sha in storage.iter_hashes():
        out = _blob_path(root, sha)
        out.parent.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        with storage.open(sha) as src_f, out.open("wb") as dst_f:
            while chunk := src_f.read(1024 * 1024):
                digest.update(chunk)
                size += len(chunk)
                dst_f.write(chunk)
        if digest.hexdigest() != sha:
            typer.secho(f"  hỏng / corrupt, not copied: {sha}", fg=typer.colors.YELLOW, err=True)
            out.unlink()
            continue
        manifest["blobs"][sha] = size
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    typer.echo(f"Đã sao lưu / backed up: database + {len(manifest['blobs'])} tệp → {dest}")


def _target_not_empty(settings: Settings) -> bool:
    from api.evidence.service import storage_from_settings

    if settings.is_sqlite:
        db = _sqlite_path(settings)
        if db.is_file() and db.stat().st_size > 0:
            return True
    return next(iter(storage_from_settings(settings).iter_hashes()), None) is not None


def restore(
    src: Annotated[Path, typer.Argument(help="a directory written by `parsipas backup`")],
    force: Annotated[bool, typer.Option("--force", help="overwrite an existing database/store")] = False,
) -> None:
    """Restore the database and the evidence store from SRC, then verify the store."""
    settings = get_settings()
    from api.db import dispose_engines
    from api.evidence.service import storage_from_settings

    manifest_path = src / MANIFEST
    if not manifest_path.is_file():
        _fail(f"Không phải bản sao lưu (thiếu {MANIFEST}) / not a backup: {src}")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    db_info = manifest["database"]
    db_file = src / db_info["file"]
    if _file_sha256(db_file) != db_info["sha256"]:
        _fail("Tệp cơ sở dữ liệu trong bản sao lưu bị hỏng / the database copy is corrupt.")
    if (db_info["kind"] == "sqlite") != settings.is_sqlite:
        _fail("Bản sao lưu khác loại cơ sở dữ liệu đang cấu hình / backup is for another database kind.")
    if _target_not_empty(settings) and not force:
        _fail("Dữ liệu hiện có không rỗng; dùng --force để ghi đè / target not empty, use --force.")
    dispose_engines()
    if settings.is_sqlite:
        target = _sqlite_path(settings)
        target.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        s, d = sqlite3.connect(db_file), sqlite3.connect(target)
        try:
            s.backup(d)
        finally:
            d.close()
            s.close()
    else:
        pg_restore = shutil.which("pg_restore")
        if pg_restore is None:
            _fail("Không tìm thấy pg_restore trên PATH / pg_restore not found on PATH.")
        subprocess.run(  # noqa: S603 - fixed argv, DSN from our own settings
            [
                str(pg_restore),
                "--clean",
                "--if-exists",
                "--no-owner",
                f"--dbname={_pg_dsn(settings)}",
                str(db_file),
            ],
            check=True,
        )
    storage = storage_from_settings(settings)
    restored = 0
    for sha, size in manifest["blobs"].items():
        if storage.exists(sha) and storage.size(sha) == size:
            continue
        with _blob_path(src / BLOBS, sha).open("rb") as f, storage.open_writer() as writer:
            while chunk := f.read(1024 * 1024):
                writer.write(chunk)
            blob = writer.commit()
        if blob.sha256 != sha:
            _fail(f"Tệp trong bản sao lưu bị hỏng / corrupt blob in backup: {sha}")
        restored += 1
    report = verify(settings)
    typer.echo(
        f"Đã khôi phục / restored: database + {restored} tệp; kiểm tra: {len(report['ok'])} tốt, "
        f"{len(report['missing'])} thiếu, {len(report['corrupt'])} hỏng"
    )
    if report["missing"] or report["corrupt"]:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("verify-storage")(verify_storage)
    app.command("backup")(backup)
    app.command("restore")(restore)


__all__ = ["register", "verify"]
