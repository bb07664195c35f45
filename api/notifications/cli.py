"""``parsipas notify``: compute the day's reminders, build due digests and send (``--once`` for cron)."""

import threading
from typing import Annotated

import typer


def notify(
    once: Annotated[
        bool, typer.Option("--once", help="compute, send what is due now, then exit (for cron)")
    ] = False,
) -> None:
    """Đôn đốc: deadline reminders and escalations, daily digests, e-mail (SMTP) and webhook deliveries."""
    from api.config import get_settings
    from api.notifications.events import email_enabled, webhook_enabled
    from api.notifications.worker import run_forever, run_once

    settings = get_settings()
    if not email_enabled(settings):
        typer.echo("Kênh thư điện tử đang tắt (chưa có PARSIPAS_SMTP_HOST) / e-mail channel off.", err=True)
    if not webhook_enabled(settings):
        typer.echo("Webhook đang tắt (chưa có PARSIPAS_NOTIFY_WEBHOOK_URL) / webhook channel off.", err=True)
    if once:
        r = run_once(settings=settings)
        typer.echo(
            f"Đã tính {r['offered']} thông báo, {r['digests']} thư tổng hợp, xử lý {r['processed']} lượt gửi / "
            f"offered {r['offered']}, digests {r['digests']}, processed {r['processed']}."
        )
        return
    stop = threading.Event()
    try:
        run_forever(stop, settings=settings)
    except KeyboardInterrupt:
        stop.set()


def register(app: typer.Typer) -> None:
    app.command("notify")(notify)
