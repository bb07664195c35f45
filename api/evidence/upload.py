"""Streaming ``multipart/form-data`` reader for evidence uploads.

``await request.form()`` would spool every part to a temporary file first; here the body is parsed as it
arrives with ``python_multipart.MultipartParser`` and the ``file`` part's bytes go straight into a
:class:`~api.evidence.storage.BlobWriter` (hashing, size cap, temp file). Memory stays bounded by
``FEED_BYTES`` plus the small text fields, whatever the file size. The parser and the writer run in a worker
thread, never on the event loop.

The caller owns the returned :class:`ReceivedUpload` and must :meth:`~ReceivedUpload.abort` it (a no-op after
commit), so a refused upload never leaves a temporary file behind.
"""

import asyncio
import concurrent.futures
import unicodedata
from dataclasses import dataclass, field

import anyio
from python_multipart.multipart import MultipartParseError, MultipartParser, parse_options_header
from starlette.requests import Request

from api import text
from api.errors import FieldError, PayloadTooLarge, Unprocessable, UnsupportedMediaType
from api.evidence.storage import BlobTooLarge, BlobWriter, Storage

MIB = 1024 * 1024
FILE_FIELD = "file"
FIELD_MAX_BYTES = 64 * 1024  # one text field (description is the longest)
MAX_FIELDS = 16
MAX_HEADER_BYTES = 8 * 1024  # headers of one part
# Multipart framing and text fields allowed on top of the file itself when checking Content-Length.
OVERHEAD_BYTES = MAX_FIELDS * FIELD_MAX_BYTES + 64 * 1024
FEED_BYTES = 2 * MIB  # bytes gathered on the event loop before one hop to the worker thread


def too_large(max_bytes: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"Tệp vượt quá dung lượng cho phép ({max_bytes // MIB} MB).",
        f"The upload exceeds the limit of {max_bytes} bytes.",
        code="evidence_too_large",
    )


def check_content_length(request: Request, max_bytes: int) -> None:
    """Refuse from ``Content-Length`` alone, before a byte of the body is read."""
    raw = request.headers.get("content-length")
    if raw is None:
        return  # chunked: the limit is enforced while streaming
    try:
        length = int(raw)
    except ValueError:
        raise Unprocessable("Content-Length không hợp lệ.", "Invalid Content-Length.") from None
    if length > max_bytes + OVERHEAD_BYTES:
        raise too_large(max_bytes)


def boundary_of(request: Request) -> bytes:
    ctype, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if ctype != b"multipart/form-data" or not boundary:
        raise UnsupportedMediaType(
            "Hãy gửi tệp dưới dạng multipart/form-data (trường “file” và các trường thông tin).",
            "Send the upload as multipart/form-data (a 'file' part plus metadata fields).",
            code="multipart_required",
        )
    return boundary


def _bad(message: str, message_en: str, field_name: str | None = None) -> Unprocessable:
    return Unprocessable(
        message,
        message_en,
        code="invalid_multipart",
        errors=[
            FieldError(field=field_name, code="invalid_multipart", message=message, message_en=message_en)
        ],
    )


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


@dataclass
class ReceivedUpload:
    """Text fields and the (uncommitted) file of one multipart body."""

    fields: dict[str, str] = field(default_factory=dict)
    filename: str | None = None
    client_mime: str | None = None
    writer: BlobWriter | None = None

    def abort(self) -> None:
        if self.writer is not None:
            self.writer.abort()


class _Sink:
    """Parser callbacks (sync, called from the worker thread)."""

    def __init__(self, boundary: bytes, storage: Storage, max_bytes: int, result: ReceivedUpload) -> None:
        self.storage = storage
        self.max_bytes = max_bytes
        self.result = result
        self._header_field = bytearray()
        self._header_value = bytearray()
        self._headers: dict[str, str] = {}
        self._name: str | None = None
        self._is_file = False
        self._value = bytearray()
        self.ended = False
        self.parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self._part_begin,
                "on_header_field": lambda d, s, e: self._header_field.extend(d[s:e]),
                "on_header_value": lambda d, s, e: self._header_value.extend(d[s:e]),
                "on_header_end": self._header_end,
                "on_headers_finished": self._headers_finished,
                "on_part_data": self._part_data,
                "on_part_end": self._part_end,
                "on_end": self._end,
            },
            max_header_size=MAX_HEADER_BYTES,
        )

    def feed(self, data: bytes) -> None:
        try:
            self.parser.write(data)
        except MultipartParseError as exc:
            raise _bad("Nội dung multipart bị lỗi.", f"Malformed multipart body: {exc}") from None

    def finish(self) -> None:
        self.parser.finalize()
        if not self.ended:
            raise _bad("Nội dung multipart bị cắt cụt.", "Truncated multipart body.")

    def _part_begin(self) -> None:
        self._headers = {}
        self._name = None
        self._is_file = False
        self._value = bytearray()

    def _header_end(self) -> None:
        key = self._header_field.decode("latin-1").strip().lower()
        self._headers[key] = self._header_value.decode("latin-1")
        self._header_field.clear()
        self._header_value.clear()

    def _headers_finished(self) -> None:
        disposition, params = parse_options_header(self._headers.get("content-disposition", ""))
        name = params.get(b"name")
        if disposition != b"form-data" or name is None:
            raise _bad("Phần multipart thiếu tên trường.", "Multipart part without a field name.")
        self._name = _decode(name)
        if self._name != FILE_FIELD:
            if len(self.result.fields) >= MAX_FIELDS:
                raise _bad("Quá nhiều trường thông tin.", "Too many form fields.")
            return
        if self.result.writer is not None:
            raise _bad("Chỉ được gửi một tệp mỗi lần.", "Only one file per upload.", FILE_FIELD)
        self._is_file = True
        filename = params.get(b"filename")
        self.result.filename = (
            text.for_document(unicodedata.normalize("NFC", _decode(filename))) if filename else None
        )
        ctype = self._headers.get("content-type")
        self.result.client_mime = ctype.strip()[:120] if ctype else None
        self.result.writer = self.storage.open_writer(self.max_bytes)

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._is_file:
            assert self.result.writer is not None
            self.result.writer.write(memoryview(data)[start:end])
            return
        if len(self._value) + (end - start) > FIELD_MAX_BYTES:
            raise _bad(f"Trường “{self._name}” quá dài.", f"Field '{self._name}' is too long.", self._name)
        self._value.extend(data[start:end])

    def _part_end(self) -> None:
        if not self._is_file and self._name is not None:
            if self._name in self.result.fields:
                raise _bad(f"Trường “{self._name}” bị lặp.", f"Duplicate field '{self._name}'.", self._name)
            value = _decode(bytes(self._value))
            if (problem := text.problem(value)) is not None:  # the text policy of api/text.py, as for JSON
                raise Unprocessable(
                    problem.message,
                    problem.message_en,
                    code="invalid_text",
                    errors=[
                        FieldError(
                            field=self._name,
                            code=problem.code,
                            message=problem.message,
                            message_en=problem.message_en,
                        )
                    ],
                )
            self.result.fields[self._name] = text.normalise(value)

    def _end(self) -> None:
        self.ended = True


_FEEDERS = concurrent.futures.ThreadPoolExecutor(max_workers=16, thread_name_prefix="upload-feed")


def _abort_when_done(job: "concurrent.futures.Future[None]", result: ReceivedUpload) -> None:
    if not job.cancelled():
        job.exception()  # retrieved: the caller already reports the failure that stopped the upload
    result.abort()


async def receive(request: Request, *, storage: Storage, max_bytes: int) -> ReceivedUpload:
    """Read the whole multipart body into ``storage``'s temp area; raise 413/415/422 (nothing kept).

    Double-buffered: while a worker thread parses, hashes and writes one ``FEED_BYTES`` batch, the event loop
    keeps receiving the next one, so the network transfer and the disk/hash work overlap. At most two batches
    are held at once, so memory stays bounded.
    """
    sink = _Sink(boundary_of(request), storage, max_bytes, ReceivedUpload())
    limit = max_bytes + OVERHEAD_BYTES
    received = 0
    batch: list[bytes] = []
    batch_bytes = 0
    job: concurrent.futures.Future[None] | None = None
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > limit:
                raise too_large(max_bytes)
            batch.append(chunk)
            batch_bytes += len(chunk)
            if batch_bytes >= FEED_BYTES:
                if job is not None:
                    await asyncio.wrap_future(job)
                job = _FEEDERS.submit(sink.feed, b"".join(batch))
                batch, batch_bytes = [], 0
        if job is not None:
            await asyncio.wrap_future(job)
        if batch:
            await anyio.to_thread.run_sync(sink.feed, b"".join(batch))
        await anyio.to_thread.run_sync(sink.finish)
    except BaseException as exc:
        if job is not None:
            # A worker thread may still hold the writer (e.g. the client went away mid-batch): discard the
            # upload as soon as it lets go — at once if it already has.
            job.add_done_callback(lambda done: _abort_when_done(done, sink.result))
        else:
            sink.result.abort()
        if isinstance(exc, BlobTooLarge):
            raise too_large(max_bytes) from None
        raise
    return sink.result
