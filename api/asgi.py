"""ASGI entry point for uvicorn workers: ``uvicorn api.asgi:app``."""

import gc

from api.main import create_app
from api.observability import configure_logging

configure_logging()  # in every worker: one JSON line per request on stderr
app = create_app()
# What start-up built (modules, routes, schemas, compiled statements: ~200,000 objects) lives as long as the
# worker: kept out of the collector's full passes, which otherwise walked it all every few requests of a large
# document (70–150 ms inside one request, #19). Objects made later are collected as before.
gc.freeze()
