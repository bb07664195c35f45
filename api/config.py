"""One place for settings: environment variables prefixed ``PARSIPAS_`` (and an optional ``.env``)."""

from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRETS = {"", "changeme", "change-me", "secret", "dev", "dev-secret", "placeholder"}
DEV_SECRET = "dev-only-secret-do-not-use-in-production-0123456789"


class SettingsError(RuntimeError):
    """Raised when the configuration cannot be used (e.g. a placeholder secret in production)."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PARSIPAS_", env_file=".env", extra="ignore")

    env: Literal["dev", "demo", "test", "production"] = "dev"
    # Demo data to load at start: "0" (none), "1" = "binhgia-2024", "langson-2026", or several comma-separated
    # (api/demo/catalog.py).
    demo: str = "0"
    database_url: str = ""
    data_dir: Path = Path("data")
    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: str = ""
    jwt_issuer: str = "parsipas"
    jwt_audience: str = "parsipas-api"
    access_token_minutes: int = 15
    refresh_token_days: int = 14
    login_max_failures_per_user: int = 5
    login_max_failures_per_ip: int = 30
    login_window_seconds: int = 900
    # Addresses/networks of the reverse proxies whose X-Forwarded-For is believed (JSON list). Empty: none is.
    trusted_proxies: list[str] = Field(default_factory=list)
    password_min_length: int = Field(default=10, ge=10)  # NIST SP 800-63B; api/auth/passwords.py
    cors_origins: list[str] = Field(default_factory=list)
    due_soon_days: int = 7
    # "Today" for deadlines and buckets. Unset = the real date in Asia/Ho_Chi_Minh; the demo sets it to a day in
    # 2024 so the 2024 plan shows live work (the UI shows the reference date whenever it is set).
    as_of_date: date | None = None
    timezone: str = "Asia/Ho_Chi_Minh"
    max_upload_mb: int = 50
    # Request bodies of every non-upload route (api/edge.py); /api/v1/auth/… gets the small one.
    max_body_kb: int = Field(default=1024, ge=1)
    auth_max_body_kb: int = Field(default=16, ge=1)
    storage_backend: Literal["local", "s3"] = "local"
    s3_bucket: str = ""
    s3_endpoint_url: str | None = None
    s3_region: str | None = None
    s3_access_key: str | None = None
    s3_secret_key: str | None = None
    s3_prefix: str = ""
    import_max_mb: int = 20
    import_max_rows: int = 50_000
    import_max_cells: int = 150_000  # non-blank cells read from one XLSX sheet (api/imports/parsing.py)
    portal_url: str | None = None
    portal_token: str | None = None
    portal_hmac_secret: str | None = None
    # Delivery to the provincial portal (api/portal): adapter "name" or "module:Class", retry tuning.
    portal_adapter: str = "parsipas-v1"
    portal_links_base_url: str | None = None  # public base of this server, for links in the exchange document
    portal_timeout_seconds: float = 30.0
    portal_max_attempts: int = 12
    portal_backoff_base_seconds: float = 2.0
    portal_backoff_cap_seconds: float = 3600.0
    portal_poll_seconds: float = 5.0
    # Notifications (api/notifications): e-mail over SMTP (no host ⇒ the e-mail channel is off), a signed webhook
    # (no URL ⇒ off), the links into the SPA and the delivery job's pace.
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_security: Literal["starttls", "ssl", "none"] = "starttls"
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "parsipas <no-reply@parsipas.invalid>"
    smtp_timeout_seconds: float = 30.0
    notify_webhook_url: str | None = None
    notify_webhook_secret: str | None = None
    notify_links_base_url: str | None = None  # public base of the SPA; falls back to portal_links_base_url
    notify_poll_seconds: float = 30.0
    notify_max_attempts: int = 8
    notify_overdue_repeat_days: int = 7
    notify_catch_up_days: int = 2  # a threshold crossed on a day the job did not run is still sent
    # The public survey form (api/surveys/public_router.py): answers per device (client id kept by the browser),
    # per kiosk tablet and per client address within the window; the same device and answers again within the
    # duplicate window are flagged; more than burst_count answers at one desk within burst_seconds are flagged.
    survey_window_seconds: int = Field(default=3600, ge=1)
    # Idempotency-Key replays answer the first response for this many days (api/housekeeping.py).
    idempotency_retention_days: int = Field(default=7, ge=1)
    survey_max_per_device: int = Field(default=10, ge=1)
    survey_max_per_kiosk: int = Field(default=240, ge=1)
    survey_max_per_address: int = Field(default=600, ge=1)
    survey_duplicate_seconds: int = Field(default=86400, ge=0)
    survey_burst_count: int = Field(default=20, ge=1)
    survey_burst_seconds: int = Field(default=60, ge=1)
    frontend_dist: Path | None = None
    # Bearer token for GET /metrics (Prometheus). Unset: /metrics answers 404.
    metrics_token: str | None = None
    workers: int = 1

    @field_validator("demo", mode="before")
    @classmethod
    def _demo_names(cls, value: object) -> str:
        from api.demo.catalog import parse

        text = ("1" if value else "0") if isinstance(value, bool) else str(value or "0")
        parse(text)  # unknown names refuse to start
        return text

    @property
    def demos(self) -> list[str]:
        """The demo data sets named by ``demo`` (empty when off)."""
        from api.demo.catalog import parse

        return parse(self.demo)

    @model_validator(mode="after")
    def _defaults(self) -> "Settings":
        if not self.database_url:
            self.database_url = f"sqlite:///{(self.data_dir / 'parsipas.db').as_posix()}"
        return self

    @property
    def is_dev_like(self) -> bool:
        return bool(self.demos) or self.env in ("dev", "demo", "test")

    def effective_secret(self) -> str:
        """The signing key; outside dev/demo/test a missing or placeholder secret refuses to start."""
        secret = self.secret_key.strip()
        if secret.lower() in PLACEHOLDER_SECRETS or len(secret) < 32:
            if self.is_dev_like:
                return secret if len(secret) >= 32 else DEV_SECRET
            raise SettingsError(
                "PARSIPAS_SECRET_KEY chưa được đặt hoặc còn giá trị mẫu (cần ít nhất 32 ký tự ngẫu nhiên). "
                "Hãy tạo bằng: python -c 'import secrets; print(secrets.token_urlsafe(48))' / "
                "PARSIPAS_SECRET_KEY is missing or a placeholder (need 32+ random characters)."
            )
        return secret

    def today(self) -> date:
        return self.as_of_date or datetime.now(ZoneInfo(self.timezone)).date()

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
