"""The S3(-compatible) evidence backend: blobs as objects ``<prefix>sha256/ab/cd/<hex>`` in a bucket.

Same contract as :class:`~api.evidence.storage.LocalStorage` (the :class:`~api.evidence.storage.Storage`
protocol); tested against moto's server mode, a real HTTP endpoint on loopback.
"""

import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, cast

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

from api.evidence.storage import (
    _MIB,
    CHUNK_SIZE,
    BlobNotFound,
    BlobWriter,
    _check_hash,
    _check_range,
    _cleanup_temp_dir,
    _sha256_of,
)


class S3Storage:
    """Blobs as objects ``<prefix>sha256/ab/cd/<hex>`` in an S3(-compatible) bucket.

    Uploads are spooled to a temp file in ``spool_dir`` while hashing, then uploaded on commit only if the key
    is absent; S3 makes an object visible only once its (multipart) upload completes.
    """

    def __init__(
        self,
        bucket: str,
        endpoint_url: str | None = None,
        region: str | None = None,
        access_key: str | None = None,
        secret_key: str | None = None,
        prefix: str = "",
        *,
        spool_dir: Path | str | None = None,
        client: Any = None,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix
        self._spool = Path(spool_dir) if spool_dir is not None else Path(tempfile.gettempdir())
        self._spool.mkdir(parents=True, exist_ok=True)
        self._client = client or boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            config=Config(retries={"max_attempts": 5, "mode": "standard"}),
        )
        # Bounds upload memory to about concurrency × chunk size.
        self._transfer = TransferConfig(
            multipart_threshold=8 * _MIB, multipart_chunksize=8 * _MIB, max_concurrency=4
        )

    def key_for(self, sha256: str) -> str:
        """Object key of a blob."""
        _check_hash(sha256)
        return f"{self.prefix}sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"

    def open_writer(self, max_bytes: int | None = None) -> BlobWriter:
        """Start an upload spooled into ``spool_dir``."""
        return BlobWriter(temp_dir=self._spool, max_bytes=max_bytes, finalize=self._publish, fsync=False)

    def _publish(self, temp: Path, sha256: str, size: int) -> None:
        key = self.key_for(sha256)
        head = self._head(key)
        if head is not None and head.get("ContentLength") == size:
            return
        with temp.open("rb") as f:
            self._client.upload_fileobj(
                f,
                self.bucket,
                key,
                ExtraArgs={"ContentType": "application/octet-stream", "Metadata": {"sha256": sha256}},
                Config=self._transfer,
            )

    def _head(self, key: str) -> dict[str, Any] | None:
        try:
            return cast(dict[str, Any], self._client.head_object(Bucket=self.bucket, Key=key))
        except ClientError as exc:
            if _is_not_found(exc):
                return None
            raise

    def _get(self, sha256: str, **kwargs: Any) -> Any:
        try:
            return self._client.get_object(Bucket=self.bucket, Key=self.key_for(sha256), **kwargs)["Body"]
        except ClientError as exc:
            if _is_not_found(exc):
                raise BlobNotFound(sha256) from exc
            raise

    def open(self, sha256: str) -> BinaryIO:
        """A streaming body over the blob (the caller closes it)."""
        return cast(BinaryIO, self._get(sha256))

    def open_range(self, sha256: str, start: int, end_inclusive: int) -> Iterator[bytes]:
        """Bytes ``start..end_inclusive`` via an HTTP ``Range`` request, in chunks of at most 64 KiB."""
        end = _check_range(start, end_inclusive, self.size(sha256))
        body = self._get(sha256, Range=f"bytes={start}-{end}")
        return _iter_body(body)

    def size(self, sha256: str) -> int:
        """Size in bytes of a stored blob."""
        head = self._head(self.key_for(sha256))
        if head is None:
            raise BlobNotFound(sha256)
        return int(head["ContentLength"])

    def exists(self, sha256: str) -> bool:
        """Whether a blob is stored under this hash."""
        return self._head(self.key_for(sha256)) is not None

    def delete(self, sha256: str) -> None:
        """Remove a blob; deleting a missing blob is not an error."""
        self._client.delete_object(Bucket=self.bucket, Key=self.key_for(sha256))

    def iter_hashes(self) -> Iterator[str]:
        """Every stored blob's hash, from a paginated listing of ``<prefix>sha256/``."""
        root = f"{self.prefix}sha256/"
        pattern = re.compile(r"([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{64})")
        for page in self._client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=root):
            for obj in page.get("Contents", []):
                match = pattern.fullmatch(obj["Key"][len(root) :])
                if match and match[3][:2] == match[1] and match[3][2:4] == match[2]:
                    yield match[3]

    def verify(self, sha256: str) -> bool:
        """Download and re-hash the object; ``False`` means it no longer matches its name."""
        body = self._get(sha256)
        try:
            return _sha256_of(body) == sha256
        finally:
            body.close()

    def cleanup_stale_temp(self, older_than_seconds: float = 3600) -> int:
        """Remove this module's spool files untouched for ``older_than_seconds``; return how many."""
        return _cleanup_temp_dir(self._spool, older_than_seconds)


def _iter_body(body: Any) -> Iterator[bytes]:
    try:
        yield from body.iter_chunks(CHUNK_SIZE)
    finally:
        body.close()


def _is_not_found(exc: ClientError) -> bool:
    error = exc.response.get("Error", {})
    return str(error.get("Code")) in {"404", "NoSuchKey", "NotFound"}
