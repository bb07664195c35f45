"""``parsipas import FILE --kind KIND --url URL --token TOKEN [--dry-run] [--sheet NAME]`` — the script client.

Uploads the file to ``POST /api/v1/imports/{kind}`` (multipart, streamed with a progress bar), prints what the
server did, or its row errors as a table, and exits non-zero when the import was refused:
0 = done (or dry run without errors), 1 = row errors (nothing written), 2 = any other failure.
"""

import mimetypes
from pathlib import Path
from typing import IO, Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn
from rich.table import Table

KINDS = ("org-units", "users", "plans", "tasks", "frameworks")
EXIT_ROW_ERRORS = 1
EXIT_FAILURE = 2


class _ProgressReader:
    """A binary file whose reads advance a progress bar (httpx streams multipart files chunk by chunk)."""

    def __init__(self, fh: IO[bytes], advance: Any) -> None:
        self._fh = fh
        self._advance = advance

    def read(self, size: int = -1) -> bytes:
        data = self._fh.read(size)
        self._advance(len(data))
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._fh.seek(offset, whence)

    def tell(self) -> int:
        return self._fh.tell()

    def fileno(self) -> int:
        return self._fh.fileno()


def endpoint(url: str, kind: str) -> str:
    base = url.rstrip("/")
    if not base.endswith("/api/v1"):
        base += "/api/v1"
    return f"{base}/imports/{kind}"


def error_table(errors: list[dict[str, Any]]) -> Table:
    table = Table(title="Lỗi theo dòng / row errors", show_lines=False)
    table.add_column("Dòng / row", justify="right", style="bold")
    table.add_column("Cột / column")
    table.add_column("Lỗi / error")
    table.add_column("Mã / code", style="dim")
    for e in errors:
        row = e.get("row")
        table.add_row(
            "—" if row is None else str(row),
            e.get("column") or "—",
            e.get("message") or "",
            e.get("code") or "",
        )
    return table


def summary_table(body: dict[str, Any]) -> Table:
    table = Table(
        title="Kết quả / result" + (" (chạy thử, chưa ghi / dry run)" if body.get("dry_run") else "")
    )
    for name in ("Dòng / rows", "Tạo mới / created", "Cập nhật / updated", "Giữ nguyên / unchanged"):
        table.add_column(name, justify="right")
    table.add_row(*(str(body.get(k, 0)) for k in ("rows", "created", "updated", "unchanged")))
    return table


def upload(
    file: Path,
    *,
    kind: str,
    url: str,
    token: str,
    dry_run: bool = False,
    sheet: str | None = None,
    plan_id: int | None = None,
    idempotency_key: str | None = None,
    timeout: float = 600.0,
    console: Console | None = None,
) -> int:
    """Send ``file`` and report; returns the exit code."""
    out = console or Console()
    params: dict[str, Any] = {"dry_run": "true" if dry_run else "false"}
    if sheet:
        params["sheet"] = sheet
    if plan_id is not None:
        params["plan_id"] = plan_id
    headers = {"Authorization": f"Bearer {token}"}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    ctype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    size = file.stat().st_size
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=out,
        transient=True,
        disable=not out.is_terminal,
    )
    try:
        with progress, file.open("rb") as fh:
            task = progress.add_task(f"Đang gửi {file.name}", total=size)
            reader = _ProgressReader(fh, lambda n: progress.advance(task, n))
            with httpx.Client(timeout=timeout) as client:
                r = client.post(
                    endpoint(url, kind),
                    params=params,
                    headers=headers,
                    files={"file": (file.name, reader, ctype)},  # type: ignore[dict-item]
                )
    except httpx.HTTPError as exc:
        out.print(f"[red]Không kết nối được máy chủ / cannot reach the server: {exc}[/red]")
        return EXIT_FAILURE
    try:
        body = r.json()
    except ValueError:
        body = {"detail": r.text[:500]}
    if r.status_code == 200:
        out.print(summary_table(body))
        return 0
    errors = body.get("errors") or []
    out.print(f"[red]HTTP {r.status_code}: {body.get('detail') or body.get('title') or ''}[/red]")
    if errors:
        out.print(error_table(errors))
    if r.status_code == 422 and body.get("code") == "import_rejected":
        return EXIT_ROW_ERRORS
    return EXIT_FAILURE


def import_command(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="CSV, XLSX, JSON, YAML")
    ],
    kind: Annotated[str, typer.Option("--kind", help="org-units | users | plans | tasks | frameworks")],
    url: Annotated[str, typer.Option("--url", envvar="PARSIPAS_URL", help="e.g. http://127.0.0.1:8000")],
    token: Annotated[str, typer.Option("--token", envvar="PARSIPAS_TOKEN", help="API token (pst_…) or JWT")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="chỉ kiểm tra / validate only")] = False,
    sheet: Annotated[str | None, typer.Option("--sheet", help="trang tính XLSX / sheet name")] = None,
    plan_id: Annotated[int | None, typer.Option("--plan-id", help="kế hoạch (kind=tasks)")] = None,
    idempotency_key: Annotated[str | None, typer.Option("--idempotency-key")] = None,
) -> None:
    """Nhập dữ liệu từ tệp qua API / import a file through the API (row errors shown as a table)."""
    if kind not in KINDS:
        typer.secho(
            f"--kind phải là một trong / must be one of: {', '.join(KINDS)}", fg=typer.colors.RED, err=True
        )
        raise typer.Exit(EXIT_FAILURE)
    code = upload(
        file,
        kind=kind,
        url=url,
        token=token,
        dry_run=dry_run,
        sheet=sheet,
        plan_id=plan_id,
        idempotency_key=idempotency_key,
    )
    raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    app.command("import")(import_command)
