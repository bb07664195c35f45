"""Fixtures for the evidence storage tests: a real moto S3 server on loopback and one storage per backend."""

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from api.evidence.s3 import S3Storage
from api.evidence.storage import LocalStorage, Storage

BUCKET = "parsipas-evidence-test"
CREDENTIALS = {"region": "us-east-1", "access_key": "testing", "secret_key": "testing"}


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="session")
def s3_client(moto_endpoint: str) -> Any:
    client = boto3.client(
        "s3",
        endpoint_url=moto_endpoint,
        region_name=CREDENTIALS["region"],
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
    )
    client.create_bucket(Bucket=BUCKET)
    return client


@dataclass
class Backend:
    """A storage under test plus backend-specific probes used by the assertions."""

    kind: str
    storage: Storage
    leftovers: Callable[[], list[str]]  # every temp file or stored object that exists right now
    corrupt: Callable[[str], None]  # overwrite a stored blob's bytes behind the storage's back
    source: str  # a Python expression that builds the same storage in another process


def _files_under(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def make_local(root: Path) -> Backend:
    storage = LocalStorage(root)

    def corrupt(sha256: str) -> None:
        path = storage.path_for(sha256)
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(data))

    return Backend("local", storage, lambda: _files_under(root), corrupt, f"LocalStorage({str(root)!r})")


def make_s3(endpoint: str, client: Any, spool: Path) -> Backend:
    prefix = f"test-{uuid.uuid4().hex}/"
    storage = S3Storage(BUCKET, endpoint_url=endpoint, prefix=prefix, spool_dir=spool, **CREDENTIALS)

    def leftovers() -> list[str]:
        pages = client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
        keys = [obj["Key"] for page in pages for obj in page.get("Contents", [])]
        return sorted(keys) + _files_under(spool)

    def corrupt(sha256: str) -> None:
        key = storage.key_for(sha256)
        data = bytearray(client.get_object(Bucket=BUCKET, Key=key)["Body"].read())
        data[len(data) // 2] ^= 0x01
        client.put_object(Bucket=BUCKET, Key=key, Body=bytes(data))

    source = (
        f"S3Storage({BUCKET!r}, endpoint_url={endpoint!r}, prefix={prefix!r}, "
        f"spool_dir={str(spool)!r}, **{CREDENTIALS!r})"
    )
    return Backend("s3", storage, leftovers, corrupt, source)


@pytest.fixture(params=["local", "s3"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if request.param == "local":
        return make_local(tmp_path / "store")
    return make_s3(
        request.getfixturevalue("moto_endpoint"), request.getfixturevalue("s3_client"), tmp_path / "spool"
    )
