"""The yardsticks of ``bench_upload.py``, served by the same uvicorn as parsipas:

- ``POST /`` — a bare ASGI app that drains the request body and answers 200: the HTTP transfer floor (what any
  upload costs before parsing, hashing or writing a byte);
- ``POST /fastapi`` — FastAPI's default ``UploadFile`` path for the same multipart body: Starlette parses it into
  a ``SpooledTemporaryFile`` (on disk past 1 MB), then the handler does what the evidence store must do with it —
  SHA-256, a copy into the store's folder (``BENCH_UPLOAD_DIR``) and an ``fsync`` before answering.
"""

import hashlib
import os
import shutil
import tempfile
from typing import Any

from fastapi import FastAPI, File, UploadFile
from fastapi.concurrency import run_in_threadpool

default_app = FastAPI()


@default_app.post("/fastapi")
async def default_upload(file: UploadFile = File(...)) -> dict[str, Any]:
    def store() -> dict[str, Any]:
        digest = hashlib.sha256()
        src = file.file
        src.seek(0)
        while chunk := src.read(1024 * 1024):
            digest.update(chunk)
        src.seek(0)
        folder = os.environ.get("BENCH_UPLOAD_DIR") or tempfile.gettempdir()
        fd, target = tempfile.mkstemp(dir=folder, suffix=".bin")
        with os.fdopen(fd, "wb") as out:
            shutil.copyfileobj(src, out, 1024 * 1024)
            out.flush()
            os.fsync(out.fileno())
        size = os.path.getsize(target)
        os.unlink(target)
        return {"sha256": digest.hexdigest(), "size": size}

    return await run_in_threadpool(store)


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "http" and scope["path"] == "/fastapi":
        await default_app(scope, receive, send)
        return
    if scope["type"] != "http":
        return
    size = 0
    while True:
        message = await receive()
        size += len(message.get("body", b""))
        if not message.get("more_body"):
            break
    body = str(size).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
