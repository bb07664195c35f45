"""ASGI entry point for uvicorn workers: ``uvicorn api.asgi:app``."""

from api.main import create_app
from api.observability import configure_logging

configure_logging()  # in every worker: one JSON line per request on stderr
app = create_app()
