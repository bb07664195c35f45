"""The body of ``POST /frameworks/import``: JSON, YAML, or a multipart upload named ``file``.

Parsed and validated in a dependency, so a broken file is refused (422, every offending node named) before
the route opens any write; the route only sees a valid :class:`FrameworkDoc`.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, Request
from starlette.datastructures import UploadFile

from api.errors import FieldError, PayloadTooLarge, Unprocessable, UnsupportedMediaType
from api.frameworks.library import FrameworkDoc, FrameworkValidationError, parse_text
from api.frameworks.service import validation_problem

YAML_TYPES = {"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"}


@dataclass
class ImportInput:
    doc: FrameworkDoc
    digest: str


async def import_input(request: Request) -> ImportInput:
    """Read and validate the framework document before anything touches the database."""
    limit = request.app.state.settings.import_max_mb * 1024 * 1024
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    fmt: Literal["yaml", "json"]
    if ctype == "multipart/form-data":
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise Unprocessable(
                "Thiếu tệp bộ chỉ số (trường “file”).",
                "Missing the framework file (form field 'file').",
                errors=[FieldError(field="file", code="missing", message="Thiếu tệp")],
            )
        suffix = Path(upload.filename or "").suffix.lower()
        if suffix not in (".yaml", ".yml", ".json"):
            raise UnsupportedMediaType(
                f"Tệp “{upload.filename}”: chỉ nhận .yaml, .yml hoặc .json.",
                "Only .yaml, .yml or .json files are accepted.",
            )
        raw = await upload.read(limit + 1)
        fmt = "json" if suffix == ".json" else "yaml"
    elif ctype in ("application/json", "") or ctype in YAML_TYPES:
        raw = await request.body()
        fmt = "yaml" if ctype in YAML_TYPES else "json"
    else:
        raise UnsupportedMediaType(
            "Gửi bộ chỉ số dạng JSON, YAML hoặc tệp tải lên (multipart, trường “file”).",
            f"Unsupported content type {ctype}: send JSON, YAML or a multipart upload named 'file'.",
        )
    if len(raw) > limit:
        raise PayloadTooLarge(
            f"Tệp bộ chỉ số vượt quá {limit // (1024 * 1024)} MB.", "The framework file is too large."
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unprocessable(
            "Tệp phải được lưu với mã UTF-8.", "The file must be UTF-8 encoded.", code="framework_invalid"
        ) from exc
    try:
        doc = parse_text(text, fmt)
    except FrameworkValidationError as exc:
        raise validation_problem(exc) from exc
    return ImportInput(doc=doc, digest=hashlib.sha256(raw).hexdigest())


ImportDep = Annotated[ImportInput, Depends(import_input)]

IMPORT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "Bộ chỉ số theo định dạng tệp (xem GET /frameworks/schema.json) / framework file format",
        "content": {
            "application/json": {"schema": {"type": "object"}},
            "application/yaml": {"schema": {"type": "string"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    }
}
