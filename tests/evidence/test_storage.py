import hashlib
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from api.evidence.s3 import S3Storage
from api.evidence.storage import (
    CHUNK_SIZE,
    HEAD_SIZE,
    BlobNotFound,
    BlobTooLarge,
    InvalidBlobHash,
    InvalidRange,
    LocalStorage,
    Storage,
    make_storage,
)

if TYPE_CHECKING:  # the fixture module is loaded by pytest, not imported
    from tests.evidence.conftest import Backend


def _random_bytes(n: int, seed: int = 1) -> bytes:
    return random.Random(seed).randbytes(n)


def _store(storage: Storage, data: bytes, chunk: int = 65_537) -> str:
    with storage.open_writer() as writer:
        for i in range(0, len(data), chunk):
            writer.write(data[i : i + chunk])
        return writer.commit().sha256


def test_round_trip_multi_mb_in_odd_chunks(backend: "Backend") -> None:
    # > 8 MiB so that the S3 backend goes through a multipart upload.
    data = _random_bytes(9 * 1024 * 1024 + 4321)
    sizes = random.Random(2)
    with backend.storage.open_writer() as writer:
        pos = 0
        while pos < len(data):
            step = sizes.choice([1, 7, 4093, 65_537, 300_001])
            writer.write(data[pos : pos + step])
            pos += step
        assert writer.head == data[:HEAD_SIZE]
        assert writer.sha256 == hashlib.sha256(data).hexdigest()  # the streaming hash, nothing re-read
        temp = writer.temp_path()
        assert temp is not None and temp.read_bytes() == data
        with writer.reader() as r:
            assert r.read() == data
        blob = writer.commit()
        assert writer.temp_path() is None
        assert not temp.exists()

    assert blob.sha256 == hashlib.sha256(data).hexdigest()
    assert blob.size == len(data)
    with backend.storage.open(blob.sha256) as f:
        assert f.read() == data
    assert backend.storage.size(blob.sha256) == len(data)
    assert backend.storage.exists(blob.sha256)
    assert backend.storage.verify(blob.sha256)
    assert len(backend.leftovers()) == 1  # the final blob, no temp file


def test_identical_content_stored_once(backend: "Backend") -> None:
    data = _random_bytes(300_000, seed=3)
    first = _store(backend.storage, data)
    second = _store(backend.storage, data, chunk=1000)
    assert first == second
    assert list(backend.storage.iter_hashes()) == [first]
    assert len(backend.leftovers()) == 1


def test_local_duplicate_commit_keeps_the_original_file(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    sha = _store(storage, b"same bytes")
    inode = storage.path_for(sha).stat().st_ino
    _store(storage, b"same bytes")
    assert storage.path_for(sha).stat().st_ino == inode
    assert list((tmp_path / "tmp").iterdir()) == []


def test_exceeding_max_bytes_raises_and_leaves_nothing(backend: "Backend") -> None:
    with backend.storage.open_writer(max_bytes=1000) as writer:
        writer.write(b"a" * 600)
        assert backend.leftovers() != []  # the temp file exists while writing
        with pytest.raises(BlobTooLarge) as info:
            writer.write(b"b" * 401)
        assert backend.leftovers() == []
        assert writer.closed
        with pytest.raises(ValueError):
            writer.write(b"c")
    assert backend.leftovers() == []
    assert info.value.status == 413
    assert "vượt quá dung lượng" in info.value.message
    assert "1000" in info.value.message_en


def test_exactly_max_bytes_is_accepted(backend: "Backend") -> None:
    with backend.storage.open_writer(max_bytes=1000) as writer:
        writer.write(b"a" * 999)
        writer.write(b"b")
        blob = writer.commit()
    assert blob.size == 1000
    assert backend.storage.exists(blob.sha256)


def test_abort_leaves_nothing(backend: "Backend") -> None:
    with backend.storage.open_writer() as writer:
        writer.write(b"x" * 10_000)
        writer.abort()
        writer.abort()  # idempotent
        with pytest.raises(ValueError):
            writer.commit()
    assert backend.leftovers() == []


def test_exception_inside_context_leaves_nothing(backend: "Backend") -> None:
    with pytest.raises(RuntimeError, match="client went away"), backend.storage.open_writer() as writer:
        writer.write(b"x" * 10_000)
        raise RuntimeError("client went away")
    assert backend.leftovers() == []


def test_leaving_context_without_commit_leaves_nothing(backend: "Backend") -> None:
    with backend.storage.open_writer() as writer:
        writer.write(b"never committed")
    assert backend.leftovers() == []


def test_range_reads_return_exact_slices(backend: "Backend") -> None:
    data = _random_bytes(300_000, seed=4)
    sha = _store(backend.storage, data)
    cases = [(0, 0), (100, 200), (70_000, 200_000), (0, len(data) - 1), (len(data) - 10, len(data) - 1)]
    for start, end in cases:
        chunks = list(backend.storage.open_range(sha, start, end))
        assert b"".join(chunks) == data[start : end + 1], (start, end)
        assert all(0 < len(c) <= CHUNK_SIZE for c in chunks)
    # An end past the blob is clamped, as HTTP allows.
    assert b"".join(backend.storage.open_range(sha, len(data) - 5, len(data) + 1000)) == data[-5:]
    for start, end in [(len(data), len(data) + 5), (10, 5), (-1, 3)]:
        with pytest.raises(InvalidRange):
            backend.storage.open_range(sha, start, end)


def test_verify_detects_corruption(backend: "Backend") -> None:
    sha = _store(backend.storage, _random_bytes(100_000, seed=5))
    assert backend.storage.verify(sha)
    backend.corrupt(sha)
    assert backend.storage.size(sha) == 100_000  # same size: only a re-hash can notice
    assert not backend.storage.verify(sha)


def test_iter_hashes_and_delete(backend: "Backend") -> None:
    hashes = {_store(backend.storage, f"blob {i}".encode()) for i in range(3)}
    assert set(backend.storage.iter_hashes()) == hashes
    gone = sorted(hashes)[0]
    backend.storage.delete(gone)
    backend.storage.delete(gone)  # idempotent
    assert set(backend.storage.iter_hashes()) == hashes - {gone}
    assert not backend.storage.exists(gone)
    with pytest.raises(BlobNotFound):
        backend.storage.open(gone)
    with pytest.raises(BlobNotFound):
        backend.storage.size(gone)
    with pytest.raises(BlobNotFound):
        backend.storage.verify(gone)
    with pytest.raises(BlobNotFound):
        backend.storage.open_range(gone, 0, 1)


def test_empty_blob(backend: "Backend") -> None:
    sha = _store(backend.storage, b"")
    assert sha == hashlib.sha256(b"").hexdigest()
    with backend.storage.open(sha) as f:
        assert f.read() == b""
    assert backend.storage.size(sha) == 0


@pytest.mark.parametrize("bad", ["../../etc/passwd", "A" * 64, "abc", "g" * 64, "0" * 63 + "/"])
def test_hash_names_are_validated(backend: "Backend", bad: str) -> None:
    with pytest.raises(InvalidBlobHash):
        backend.storage.open(bad)
    with pytest.raises(InvalidBlobHash):
        backend.storage.exists(bad)


def test_cleanup_stale_temp(backend: "Backend") -> None:
    stale = backend.storage.open_writer()
    stale.write(b"abandoned by a crash")
    stale_path = stale.temp_path()
    fresh = backend.storage.open_writer()
    fresh.write(b"still uploading")
    fresh_path = fresh.temp_path()
    assert stale_path is not None and fresh_path is not None
    two_hours_ago = time.time() - 7200
    os.utime(stale_path, (two_hours_ago, two_hours_ago))

    assert backend.storage.cleanup_stale_temp(older_than_seconds=3600) == 1
    assert not stale_path.exists()
    assert fresh_path.exists()
    stale.abort()  # the temp file is already gone: still fine
    assert fresh.commit().size == len(b"still uploading")


def test_s3_cleanup_ignores_foreign_files_in_spool(
    tmp_path: Path, moto_endpoint: str, s3_client: object
) -> None:
    spool = tmp_path / "shared-tmp"
    spool.mkdir()
    foreign = spool / "someone-elses-file"
    foreign.write_bytes(b"x")
    old = time.time() - 7200
    os.utime(foreign, (old, old))
    storage = S3Storage(
        "parsipas-evidence-test",
        endpoint_url=moto_endpoint,
        spool_dir=spool,
        region="us-east-1",
        access_key="testing",
        secret_key="testing",
    )
    assert storage.cleanup_stale_temp(0) == 0
    assert foreign.exists()


_MEMORY_PROBE = """
import random, sys, tracemalloc
from api.evidence.s3 import S3Storage
from api.evidence.storage import CHUNK_SIZE, LocalStorage

storage = {source}
chunk = random.Random(6).randbytes(CHUNK_SIZE)
tracemalloc.start()
with storage.open_writer() as writer:
    for _ in range(512):  # 32 MiB
        writer.write(chunk)
    _, peak = tracemalloc.get_traced_memory()
    writer.abort()
print(peak)
"""


def test_write_memory_is_bounded(backend: "Backend") -> None:
    # Measured in a process of its own: tracemalloc counts every thread's allocations, and this test
    # process runs other threads (the moto server, servers left by earlier tests) that would go into
    # the peak. The child has one thread, so the peak is the writer's own.
    probe = _MEMORY_PROBE.format(source=backend.source)
    run = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
        check=False,
    )
    assert run.returncode == 0, run.stderr
    peak = int(run.stdout.strip())
    assert 0 < peak < 2 * 1024 * 1024
    assert backend.leftovers() == []  # the aborted upload left nothing behind


def test_make_storage(tmp_path: Path, moto_endpoint: str) -> None:
    local = make_storage("local", root=tmp_path / "store")
    assert isinstance(local, LocalStorage)
    assert isinstance(local, Storage)
    s3 = make_storage(
        "s3",
        bucket="b",
        endpoint_url=moto_endpoint,
        region="us-east-1",
        access_key="k",
        secret_key="s",
        prefix="p/",
        spool_dir=tmp_path / "spool",
    )
    assert isinstance(s3, S3Storage)
    assert s3.key_for("ab" + "cd" + "0" * 60) == "p/sha256/ab/cd/abcd" + "0" * 60
    with pytest.raises(ValueError, match="Unknown storage kind"):
        make_storage("ftp")


def test_local_layout_is_content_addressed(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    sha = _store(storage, b"evidence")
    assert storage.path_for(sha) == tmp_path / "sha256" / sha[:2] / sha[2:4] / sha
    assert storage.path_for(sha).read_bytes() == b"evidence"
    # Stray files in the blob tree are not reported as blobs.
    (tmp_path / "sha256" / sha[:2] / sha[2:4] / "notes.txt").write_text("x")
    assert list(storage.iter_hashes()) == [sha]
