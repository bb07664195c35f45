"""``ETag`` / ``If-Match`` on edits: 428 without the header, 412 when stale."""

from fastapi import Request, Response

from api.errors import PreconditionFailed, PreconditionRequired


def make_etag(entity: str, entity_id: int | None, version: int) -> str:
    return f'"{entity}-{entity_id}-v{version}"'


def set_etag(response: Response, etag: str) -> None:
    response.headers["ETag"] = etag


def require_if_match(request: Request, current: str) -> None:
    header = request.headers.get("if-match")
    if not header:
        raise PreconditionRequired()
    candidates = [c.strip().removeprefix("W/") for c in header.split(",")]
    if "*" not in candidates and current not in candidates:
        raise PreconditionFailed()
