from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

from api import __version__

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    database: str
    version: str


@router.get(
    "/health",
    response_model=Health,
    operation_id="health-get",
    responses={503: {"model": Health, "description": "Cơ sở dữ liệu không sẵn sàng"}},
)
def health(request: Request) -> JSONResponse:
    """Status of the application and its database (no authentication)."""
    try:
        with request.app.state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        db, code = "ok", 200
    except Exception:
        db, code = "unavailable", 503
    body = Health(status="ok" if code == 200 else "degraded", database=db, version=__version__)
    return JSONResponse(body.model_dump(), status_code=code)
