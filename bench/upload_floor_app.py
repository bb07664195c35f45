"""A bare ASGI app that drains a request body and answers 200: the HTTP transfer floor for ``bench_upload.py``.

It runs under the same server (uvicorn with uvloop/httptools) as parsipas, so the time it takes to receive a
body is what any upload costs before parsing, hashing or writing a byte.
"""

from typing import Any


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
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
