"""``parsipas deliver``: send due portal deliveries (``--once`` for cron, otherwise until interrupted)."""

import threading
from typing import Annotated

import typer


def deliver(
    once: Annotated[bool, typer.Option("--once", help="send what is due now, then exit (for cron)")] = False,
) -> None:
    """Send approved reports waiting in the outbox to the provincial portal (PARSIPAS_PORTAL_URL)."""
    from api.config import get_settings
    from api.portal.worker import run_forever, run_once

    settings = get_settings()
    if not settings.portal_url:
        typer.secho(
            "Chưa cấu hình PARSIPAS_PORTAL_URL: không có nơi để gửi / portal URL is not configured.",
            fg=typer.colors.RED,
            err=True,
        )
        raise typer.Exit(2)
    if once:
        n = run_once(settings=settings)
        typer.echo(f"Đã xử lý {n} lượt gửi / processed {n} deliveries.")
        return
    stop = threading.Event()
    try:
        run_forever(stop, settings=settings)
    except KeyboardInterrupt:
        stop.set()


def register(app: typer.Typer) -> None:
    app.command("deliver")(deliver)
