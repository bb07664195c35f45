"""Content-addressed blob storage for evidence files (tài liệu kiểm chứng).

A blob is named by the SHA-256 of its bytes (``sha256/ab/cd/<hex>``), so identical uploads are stored once and
a name can never point at other content. Uploads stream through a :class:`BlobWriter` into a temporary file;
only :meth:`BlobWriter.commit` publishes them under their final name, so a partial upload is never visible.
All I/O is chunked: memory stays bounded whatever the file size.

No database and no HTTP here: the evidence service records ``sha256``/``size`` and the router maps the
exceptions (each carries ``status``, ``code``, ``message`` in Vietnamese and ``message_en``).
"""

import contextlib
import hashlib
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any, BinaryIO, Protocol, runtime_checkable

CHUNK_SIZE = 64 * 1024
HEAD_SIZE = 8 * 1024
# With fsync on, every WRITEBACK_BYTES written the kernel is asked to start writing them out (without waiting),
# so the fsync at commit finds little left to do and the upload's pages do not crowd the page cache.
WRITEBACK_BYTES = 8 * 1024 * 1024
_MIB = 1024 * 1024
_TEMP_PREFIX = "upload-"
_TEMP_SUFFIX = ".part"
_HEX = re.compile(r"[0-9a-f]{64}")

Chunk = bytes | bytearray | memoryview
Finalizer = Callable[[Path, str, int], None]


class StorageError(Exception):
    """Base of storage errors: ``message`` (Vietnamese, for the user) and ``message_en`` (for logs)."""

    status = 500
    code = "storage_error"

    def __init__(self, message: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message = message
        self.message_en = message_en


class BlobTooLarge(StorageError):
    """The upload went past ``max_bytes``; nothing was kept."""

    status, code = 413, "evidence_too_large"

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        super().__init__(
            f"Tệp vượt quá dung lượng cho phép ({_human_size(max_bytes)}).",
            f"File exceeds the size limit of {max_bytes} bytes.",
        )


class BlobNotFound(StorageError):
    """No blob is stored under this hash."""

    status, code = 404, "evidence_blob_not_found"

    def __init__(self, sha256: str) -> None:
        self.sha256 = sha256
        super().__init__(
            "Không tìm thấy nội dung tệp trong kho lưu trữ.", f"No stored blob with SHA-256 {sha256}."
        )


class InvalidBlobHash(StorageError, ValueError):
    """The name is not a lowercase hex SHA-256 (also what stops path tricks such as ``../``)."""

    status, code = 400, "evidence_invalid_hash"

    def __init__(self, value: str) -> None:
        super().__init__("Mã băm SHA-256 không hợp lệ.", f"Not a lowercase hex SHA-256: {value[:80]!r}.")


class InvalidRange(StorageError, ValueError):
    """The byte range lies outside the blob (HTTP 416)."""

    status, code = 416, "range_not_satisfiable"

    def __init__(self, start: int, end: int, size: int) -> None:
        super().__init__(
            f"Khoảng byte {start}-{end} không hợp lệ với tệp dài {size} byte.",
            f"Range {start}-{end} is not satisfiable for a blob of {size} bytes.",
        )


@dataclass(frozen=True)
class StoredBlob:
    """A committed blob: lowercase hex SHA-256 of its content and its size in bytes."""

    sha256: str
    size: int


class BlobWriter:
    """Streams one upload into a temporary file, hashing, sizing and enforcing ``max_bytes`` as it goes.

    Use as a context manager: leaving it without :meth:`commit` (normally or by exception) removes the temp
    file. Before committing, :attr:`head` (first 8 KiB), :meth:`temp_path` and :meth:`reader` let the caller
    sniff the content. Not thread-safe; blocking I/O (run it in a worker thread from async code).
    """

    def __init__(self, *, temp_dir: Path, max_bytes: int | None, finalize: Finalizer, fsync: bool) -> None:
        if max_bytes is not None and max_bytes < 0:
            raise ValueError("max_bytes must be >= 0")
        fd, name = tempfile.mkstemp(prefix=_TEMP_PREFIX, suffix=_TEMP_SUFFIX, dir=temp_dir)
        self._path: Path | None = Path(name)
        self._file: IO[bytes] | None = os.fdopen(fd, "wb")
        self._hash = hashlib.sha256()
        self._size = 0
        self._head = bytearray()
        self._max_bytes = max_bytes
        self._finalize = finalize
        self._fsync = fsync
        self._written_back = 0

    def __enter__(self) -> "BlobWriter":
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.abort()

    @property
    def head(self) -> bytes:
        """The first (up to) 8 KiB written, for content sniffing."""
        return bytes(self._head)

    @property
    def size(self) -> int:
        """Bytes written so far."""
        return self._size

    @property
    def sha256(self) -> str:
        """Lowercase hex SHA-256 of the bytes written so far (computed while streaming, never re-read)."""
        return self._hash.copy().hexdigest()

    @property
    def closed(self) -> bool:
        """True once committed or aborted."""
        return self._file is None

    def write(self, chunk: Chunk) -> None:
        """Append ``chunk``; raise :class:`BlobTooLarge` (and discard everything) once the limit is passed."""
        f = self._open_file()
        if self._max_bytes is not None and self._size + len(chunk) > self._max_bytes:
            self.abort()
            raise BlobTooLarge(self._max_bytes)
        f.write(chunk)
        self._hash.update(chunk)
        if len(self._head) < HEAD_SIZE:
            self._head += chunk[: HEAD_SIZE - len(self._head)]
        self._size += len(chunk)
        if self._fsync and self._size - self._written_back >= WRITEBACK_BYTES:
            self._start_writeback(f)

    def _start_writeback(self, f: IO[bytes]) -> None:
        """Start (not wait for) writeback of the bytes since the last call: POSIX_FADV_DONTNEED makes Linux
        queue the dirty range for writing and drop it from the cache once clean. A no-op where unsupported."""
        f.flush()
        if hasattr(os, "posix_fadvise"):
            os.posix_fadvise(
                f.fileno(), self._written_back, self._size - self._written_back, os.POSIX_FADV_DONTNEED
            )
        self._written_back = self._size

    def temp_path(self) -> Path | None:
        """Path of the (flushed) temporary file while the writer is open; ``None`` after commit/abort."""
        if self._file is None:
            return None
        self._file.flush()
        return self._path

    def reader(self) -> BinaryIO:
        """A new read handle on everything written so far (the caller closes it)."""
        f = self._open_file()
        f.flush()
        assert self._path is not None
        return self._path.open("rb")

    def commit(self) -> StoredBlob:
        """Make the content durable under its content address and return its hash and size.

        The temporary file is gone afterwards, whether the commit succeeded or raised.
        """
        f = self._open_file()
        path = self._path
        assert path is not None
        try:
            f.flush()
            if self._fsync:
                os.fsync(f.fileno())
            f.close()
            blob = StoredBlob(sha256=self._hash.hexdigest(), size=self._size)
            self._finalize(path, blob.sha256, blob.size)
        finally:
            self._discard()
        return blob

    def abort(self) -> None:
        """Discard the upload; safe to call more than once and after commit."""
        self._discard()

    def _open_file(self) -> IO[bytes]:
        if self._file is None:
            raise ValueError("BlobWriter is already committed or aborted")
        return self._file

    def _discard(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        if self._path is not None:
            self._path.unlink(missing_ok=True)
            self._path = None


@runtime_checkable
class Storage(Protocol):
    """Where evidence blobs live, addressed by the lowercase hex SHA-256 of their content."""

    def open_writer(self, max_bytes: int | None = None) -> BlobWriter: ...

    def open(self, sha256: str) -> BinaryIO: ...

    def open_range(self, sha256: str, start: int, end_inclusive: int) -> Iterator[bytes]: ...

    def size(self, sha256: str) -> int: ...

    def exists(self, sha256: str) -> bool: ...

    def delete(self, sha256: str) -> None: ...

    def iter_hashes(self) -> Iterator[str]: ...

    def verify(self, sha256: str) -> bool: ...

    def cleanup_stale_temp(self, older_than_seconds: float = 3600) -> int: ...


class LocalStorage:
    """Blobs as files under ``<root>/sha256/ab/cd/<hex>``; temporary files in ``<root>/tmp`` (same filesystem,
    so publishing is one atomic ``os.replace``)."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self._blobs = self.root / "sha256"
        self._tmp = self.root / "tmp"
        self._blobs.mkdir(parents=True, exist_ok=True)
        self._tmp.mkdir(parents=True, exist_ok=True)

    def path_for(self, sha256: str) -> Path:
        """Final path of a blob (whether or not it exists); e.g. for ``FileResponse``."""
        _check_hash(sha256)
        return self._blobs / sha256[:2] / sha256[2:4] / sha256

    def open_writer(self, max_bytes: int | None = None) -> BlobWriter:
        """Start an upload into ``<root>/tmp``."""
        return BlobWriter(temp_dir=self._tmp, max_bytes=max_bytes, finalize=self._publish, fsync=True)

    def _publish(self, temp: Path, sha256: str, size: int) -> None:
        final = self.path_for(sha256)
        with contextlib.suppress(FileNotFoundError):
            if final.stat().st_size == size:
                return  # same content already stored: the writer deletes its temp copy
        _makedirs_durable(final.parent)
        os.replace(temp, final)
        _fsync_dir(final.parent)

    def open(self, sha256: str) -> BinaryIO:
        """Open a stored blob for reading (the caller closes it)."""
        try:
            return self.path_for(sha256).open("rb")
        except FileNotFoundError as exc:
            raise BlobNotFound(sha256) from exc

    def open_range(self, sha256: str, start: int, end_inclusive: int) -> Iterator[bytes]:
        """Bytes ``start..end_inclusive`` in chunks of at most 64 KiB; ``end`` past the end is clamped."""
        f = self.open(sha256)
        try:
            end = _check_range(start, end_inclusive, os.fstat(f.fileno()).st_size)
        except BaseException:
            f.close()
            raise
        return _iter_file_range(f, start, end)

    def size(self, sha256: str) -> int:
        """Size in bytes of a stored blob."""
        try:
            return self.path_for(sha256).stat().st_size
        except FileNotFoundError as exc:
            raise BlobNotFound(sha256) from exc

    def exists(self, sha256: str) -> bool:
        """Whether a blob is stored under this hash."""
        return self.path_for(sha256).is_file()

    def delete(self, sha256: str) -> None:
        """Remove a blob; deleting a missing blob is not an error."""
        self.path_for(sha256).unlink(missing_ok=True)

    def iter_hashes(self) -> Iterator[str]:
        """Every stored blob's hash (files whose path does not match their name are skipped)."""
        for level1 in _sorted_dirs(self._blobs):
            for level2 in _sorted_dirs(level1):
                for entry in sorted(os.scandir(level2), key=lambda e: e.name):
                    name = entry.name
                    if (
                        _HEX.fullmatch(name)
                        and name[:2] == level1.name
                        and name[2:4] == level2.name
                        and entry.is_file(follow_symlinks=False)
                    ):
                        yield name

    def verify(self, sha256: str) -> bool:
        """Re-hash the stored bytes; ``False`` means the file no longer matches its name (corruption)."""
        with self.open(sha256) as f:
            return _sha256_of(f) == sha256

    def cleanup_stale_temp(self, older_than_seconds: float = 3600) -> int:
        """Remove temp files untouched for ``older_than_seconds`` (left by a crash); return how many."""
        return _cleanup_temp_dir(self._tmp, older_than_seconds)


def make_storage(kind: str, **settings: Any) -> Storage:
    """Build the configured backend: ``"local"`` (``root=``) or ``"s3"`` (:class:`~api.evidence.s3.S3Storage` arguments)."""
    if kind == "local":
        return LocalStorage(**settings)
    if kind == "s3":
        from api.evidence.s3 import S3Storage  # boto3 is imported only when S3 is configured

        return S3Storage(**settings)
    raise ValueError(f"Unknown storage kind {kind!r}: expected 'local' or 's3'")


def _check_hash(sha256: str) -> None:
    if not isinstance(sha256, str) or not _HEX.fullmatch(sha256):
        raise InvalidBlobHash(str(sha256))


def _check_range(start: int, end_inclusive: int, size: int) -> int:
    if start < 0 or end_inclusive < start or start >= size:
        raise InvalidRange(start, end_inclusive, size)
    return min(end_inclusive, size - 1)


def _iter_file_range(f: BinaryIO, start: int, end_inclusive: int) -> Iterator[bytes]:
    with f:
        f.seek(start)
        remaining = end_inclusive - start + 1
        while remaining > 0:
            chunk = f.read(min(CHUNK_SIZE, remaining))
            if not chunk:
                return
            remaining -= len(chunk)
            yield chunk


def _sha256_of(stream: Any) -> str:
    digest = hashlib.sha256()
    while chunk := stream.read(CHUNK_SIZE):
        digest.update(chunk)
    return digest.hexdigest()


def _sorted_dirs(path: Path) -> list[Path]:
    return sorted(
        (Path(e.path) for e in os.scandir(path) if e.is_dir(follow_symlinks=False) and len(e.name) == 2),
        key=lambda p: p.name,
    )


def _cleanup_temp_dir(directory: Path, older_than_seconds: float) -> int:
    cutoff = time.time() - older_than_seconds
    removed = 0
    for entry in os.scandir(directory):
        if not (entry.name.startswith(_TEMP_PREFIX) and entry.name.endswith(_TEMP_SUFFIX)):
            continue
        with contextlib.suppress(FileNotFoundError):
            if entry.is_file(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_mtime < cutoff:
                os.unlink(entry.path)
                removed += 1
    return removed


def _makedirs_durable(path: Path) -> None:
    missing: list[Path] = []
    while not path.is_dir():
        missing.append(path)
        path = path.parent
    for directory in reversed(missing):
        with contextlib.suppress(FileExistsError):  # a concurrent writer created it
            directory.mkdir()
        _fsync_dir(directory.parent)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _human_size(n: int) -> str:
    if n >= _MIB and n % _MIB == 0:
        return f"{n // _MIB} MB"
    return f"{n:,} byte".replace(",", ".")
