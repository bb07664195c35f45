"""Typed errors rendered as RFC 9457 ``application/problem+json``.

Every refusal carries a stable ``code`` and a Vietnamese ``detail`` an officer can act on, with the English
text in ``detail_en``. Validation and import errors list their field (and row) in ``errors``.
"""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.context import request_id_var

PROBLEM = "application/problem+json"


class FieldError(BaseModel):
    field: str | None = None
    row: int | None = None
    code: str = "invalid"
    message: str
    message_en: str | None = None


class Problem(BaseModel):
    """Schema of every error response (RFC 9457)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    detail_en: str | None = None
    code: str
    instance: str | None = None
    errors: list[FieldError] = []
    # The X-Request-ID of the response (quote it when reporting a problem); filled in for every Problem built
    # while a request is being served.
    request_id: str | None = Field(default_factory=lambda: request_id_var.get())


class AppError(Exception):
    status = 400
    code = "bad_request"
    title = "Yêu cầu không hợp lệ"

    def __init__(
        self,
        detail: str,
        detail_en: str | None = None,
        *,
        code: str | None = None,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.detail_en = detail_en
        if code:
            self.code = code
        self.errors = errors or []
        self.headers = headers or {}


class NotFound(AppError):
    status, code, title = 404, "not_found", "Không tìm thấy"

    def __init__(self, what: str = "Đối tượng", what_en: str = "Object") -> None:
        super().__init__(
            f"{what} không tồn tại hoặc bạn không có quyền truy cập.",
            f"{what_en} does not exist or is not visible to you.",
        )


class Unauthorized(AppError):
    status, code, title = 401, "unauthorized", "Chưa đăng nhập"

    def __init__(
        self,
        detail: str = "Phiên đăng nhập không hợp lệ hoặc đã hết hạn. Vui lòng đăng nhập lại.",
        detail_en: str = "Missing, invalid or expired credentials.",
        **kw: Any,
    ) -> None:
        kw.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(detail, detail_en, **kw)


class Forbidden(AppError):
    status, code, title = 403, "forbidden", "Không có quyền"


class Conflict(AppError):
    status, code, title = 409, "conflict", "Xung đột"


class Unprocessable(AppError):
    status, code, title = 422, "validation_error", "Dữ liệu không hợp lệ"


class PreconditionRequired(AppError):
    status, code, title = 428, "precondition_required", "Thiếu If-Match"

    def __init__(self) -> None:
        super().__init__(
            "Thiếu tiêu đề If-Match: hãy tải lại bản ghi và gửi kèm ETag để tránh ghi đè thay đổi của người khác.",
            "If-Match header required: reload the record and send its ETag.",
        )


class PreconditionFailed(AppError):
    status, code, title = 412, "precondition_failed", "Dữ liệu đã thay đổi"

    def __init__(self) -> None:
        super().__init__(
            "Bản ghi đã được người khác cập nhật sau khi bạn mở. Hãy tải lại rồi sửa tiếp.",
            "The record changed since you loaded it (stale ETag). Reload and retry.",
        )


class TooManyRequests(AppError):
    status, code, title = 429, "too_many_requests", "Quá nhiều yêu cầu"


class PayloadTooLarge(AppError):
    status, code, title = 413, "payload_too_large", "Tệp quá lớn"


class UnsupportedMediaType(AppError):
    status, code, title = 415, "unsupported_media_type", "Loại tệp không được phép"


def problem_response(
    status: int,
    code: str,
    title: str,
    detail: str,
    detail_en: str | None = None,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
    instance: str | None = None,
    request_id: str | None = None,
) -> JSONResponse:
    body = Problem(
        title=title,
        status=status,
        detail=detail,
        detail_en=detail_en,
        code=code,
        instance=instance,
        errors=errors or [],
        request_id=request_id or request_id_var.get(),
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=status, media_type=PROBLEM, headers=headers)


_HTTP_TEXT = {
    400: ("Yêu cầu không hợp lệ (không đọc được nội dung gửi lên).", "Malformed request body."),
    401: ("Chưa đăng nhập hoặc phiên đã hết hạn.", "Not authenticated."),
    403: ("Bạn không có quyền thực hiện thao tác này.", "Forbidden."),
    404: ("Không tìm thấy địa chỉ hoặc đối tượng yêu cầu.", "Not found."),
    405: ("Phương thức không được hỗ trợ cho địa chỉ này.", "Method not allowed."),
    413: ("Nội dung gửi lên quá lớn.", "Payload too large."),
}


def _loc_to_field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or str(loc[-1] if loc else "")


_PYDANTIC_VI = {
    "missing": "Thiếu trường bắt buộc",
    "string_too_short": "Giá trị quá ngắn",
    "string_too_long": "Giá trị quá dài",
    "int_parsing": "Phải là số nguyên",
    "float_parsing": "Phải là số",
    "date_from_datetime_parsing": "Ngày không hợp lệ (định dạng YYYY-MM-DD)",
    "date_parsing": "Ngày không hợp lệ (định dạng YYYY-MM-DD)",
    "enum": "Giá trị không thuộc danh sách cho phép",
    "literal_error": "Giá trị không thuộc danh sách cho phép",
    "greater_than_equal": "Giá trị quá nhỏ",
    "less_than_equal": "Giá trị quá lớn",
    "extra_forbidden": "Trường không được phép",
    "string_pattern_mismatch": "Sai định dạng",
    "bool_parsing": "Phải là đúng/sai (true/false)",
    "json_invalid": "Nội dung JSON không hợp lệ",
    "model_attributes_type": "Phải là một đối tượng JSON",
    "dict_type": "Phải là một đối tượng JSON",
    "list_type": "Phải là một danh sách",
    "string_type": "Phải là chuỗi ký tự",
    "int_type": "Phải là số nguyên",
    "value_error": "Giá trị không hợp lệ",
}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> JSONResponse:
        return problem_response(
            exc.status,
            exc.code,
            exc.title,
            exc.detail,
            exc.detail_en,
            exc.errors,
            exc.headers or None,
            instance=request.url.path,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = []
        for err in exc.errors():
            kind = str(err.get("type", "value_error"))
            vi = _PYDANTIC_VI.get(kind, "Giá trị không hợp lệ")
            field = _loc_to_field(tuple(err.get("loc", ())))
            errors.append(
                FieldError(
                    field=field, code=kind, message=f"{vi}: {field}", message_en=str(err.get("msg", ""))
                )
            )
        return problem_response(
            422,
            "validation_error",
            "Dữ liệu không hợp lệ",
            "Dữ liệu gửi lên không hợp lệ; xem danh sách lỗi theo từng trường.",
            "The request is invalid; see the field errors.",
            errors,
            instance=request.url.path,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        vi, en = _HTTP_TEXT.get(exc.status_code, (str(exc.detail), str(exc.detail)))
        headers = dict(exc.headers) if exc.headers else None
        return problem_response(
            exc.status_code, f"http_{exc.status_code}", vi, vi, en, headers=headers, instance=request.url.path
        )

    async def _out_of_range(request: Request, exc: Exception) -> JSONResponse:
        # e.g. an id beyond 64 bits in the path: the driver cannot even bind it (SQLite OverflowError,
        # PostgreSQL "integer out of range"). That is bad input, not a server fault.
        return problem_response(
            422,
            "value_out_of_range",
            "Dữ liệu không hợp lệ",
            "Có giá trị vượt quá giới hạn cho phép (ví dụ mã số quá lớn).",
            "A value is out of the range the database accepts.",
            instance=request.url.path,
        )

    app.add_exception_handler(OverflowError, _out_of_range)
    app.add_exception_handler(DataError, _out_of_range)

    @app.exception_handler(Exception)
    async def _unhandled(request: Request, exc: Exception) -> JSONResponse:  # pragma: no cover - safety net
        import logging

        # Runs outside the request-id middleware (Starlette's outermost layer): the id is on the scope.
        rid = request.scope.get("parsipas.request_id")
        logging.getLogger("parsipas").exception("unhandled error", exc_info=exc, extra={"request_id": rid})
        return problem_response(
            500,
            "internal_error",
            "Lỗi hệ thống",
            "Đã xảy ra lỗi hệ thống. Vui lòng thử lại hoặc báo quản trị viên.",
            "Internal server error.",
            headers={"X-Request-ID": rid} if rid else None,
            instance=request.url.path,
            request_id=rid,
        )
