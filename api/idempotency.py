"""``Idempotency-Key`` on creates and imports, stored in the database per principal.

A replay with the same key and the same request returns the first response; the same key with another request
is refused with 422. The record is written in the request's own transaction, so a failed create stores nothing.
"""

import hashlib
import json
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from sqlmodel import Session, select

from api.errors import FieldError, Unprocessable
from api.models import IdempotencyRecord

HEADER = "Idempotency-Key"


class Idempotency:
    def __init__(self, request: Request, key: str | None, body_hash: str) -> None:
        self.request = request
        self.key = key
        self.body_hash = body_hash
        self._extra = ""

    def add_fingerprint(self, value: str) -> None:
        """For streamed bodies (multipart uploads) the route adds what identifies the request."""
        self._extra += value

    @property
    def request_hash(self) -> str:
        raw = f"{self.request.method} {self.request.url.path}?{self.request.url.query}\n{self.body_hash}{self._extra}"
        return hashlib.sha256(raw.encode()).hexdigest()

    def replay(self, session: Session, principal_key: str) -> Response | None:
        if not self.key:
            return None
        rec = session.exec(
            select(IdempotencyRecord).where(
                IdempotencyRecord.principal == principal_key, IdempotencyRecord.key == self.key
            )
        ).first()
        if rec is None:
            return None
        if rec.request_hash != self.request_hash:
            raise Unprocessable(
                "Khóa Idempotency-Key này đã được dùng cho một yêu cầu khác. Hãy dùng khóa mới.",
                "This Idempotency-Key was already used with a different request.",
                code="idempotency_key_reused",
                errors=[
                    FieldError(
                        field=HEADER, code="idempotency_key_reused", message="Khóa đã dùng cho yêu cầu khác"
                    )
                ],
            )
        headers = {str(k): str(v) for k, v in rec.response_headers.items()}
        headers["Idempotent-Replayed"] = "true"
        return Response(
            rec.response_body, status_code=rec.status_code, headers=headers, media_type="application/json"
        )

    def respond(
        self,
        session: Session,
        principal_key: str,
        content: Any,
        status_code: int = 201,
        headers: dict[str, str] | None = None,
        stored_content: Any = None,
    ) -> JSONResponse:
        body = jsonable_encoder(content)
        if self.key:
            stored = body if stored_content is None else jsonable_encoder(stored_content)
            session.add(
                IdempotencyRecord(
                    principal=principal_key,
                    key=self.key,
                    method=self.request.method,
                    path=self.request.url.path[:500],
                    request_hash=self.request_hash,
                    status_code=status_code,
                    response_body=json.dumps(stored, ensure_ascii=False),
                    response_headers=headers or {},
                )
            )
            session.flush()
        return JSONResponse(body, status_code=status_code, headers=headers)


async def _idempotency(request: Request) -> Idempotency:
    key = request.headers.get(HEADER)
    if key is not None and not (1 <= len(key) <= 200):
        raise Unprocessable(
            "Idempotency-Key phải dài từ 1 đến 200 ký tự.", "Idempotency-Key must be 1–200 chars."
        )
    ctype = request.headers.get("content-type", "")
    if key and not ctype.startswith("multipart/"):
        body_hash = hashlib.sha256(await request.body()).hexdigest()
    else:
        body_hash = request.headers.get("content-length", "")
    return Idempotency(request, key, body_hash)


IdempotencyDep = Annotated[Idempotency, Depends(_idempotency)]
