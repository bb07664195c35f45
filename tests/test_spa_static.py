"""The SPA's static files: pre-compressed siblings by Accept-Encoding, cache headers (hashed assets immutable, the
HTML revalidated every time), client-side routes answered with index.html."""

import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from api.config import get_settings
from api.main import create_app

JS = b"export const x = 1;\n" * 200
HTML = b"<!doctype html><html><head><title>parsipas</title></head><body><div id=root></div></body></html>"


@pytest.fixture()
def spa(tmp_path: Path, db: sa.Engine) -> Iterator[TestClient]:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_bytes(HTML)
    (dist / "index.html.gz").write_bytes(gzip.compress(HTML))
    (dist / "index.html.br").write_bytes(b"BR-index")  # content is not inspected by the server
    (dist / "assets" / "core-AbC123.js").write_bytes(JS)
    (dist / "assets" / "core-AbC123.js.gz").write_bytes(gzip.compress(JS))
    (dist / "assets" / "core-AbC123.js.br").write_bytes(b"BR-core")
    (dist / "assets" / "tiny-Zz9.js").write_bytes(b"export{};")  # under 1 KB: no compressed siblings
    settings = get_settings().model_copy(update={"frontend_dist": dist})
    with TestClient(create_app(settings, db)) as c:
        yield c


def test_brotli_then_gzip_then_identity(spa: TestClient) -> None:
    with spa.stream(
        "GET", "/assets/core-AbC123.js", headers={"Accept-Encoding": "gzip, deflate, br, zstd"}
    ) as r:
        assert r.status_code == 200
        assert r.headers["content-encoding"] == "br"
        assert b"".join(r.iter_raw()) == b"BR-core"
        assert r.headers["content-type"].startswith("text/javascript")
    with spa.stream("GET", "/assets/core-AbC123.js", headers={"Accept-Encoding": "gzip"}) as r:
        assert r.headers["content-encoding"] == "gzip"
        assert gzip.decompress(b"".join(r.iter_raw())) == JS
    with spa.stream("GET", "/assets/core-AbC123.js", headers={"Accept-Encoding": "br;q=0, gzip"}) as r:
        assert r.headers["content-encoding"] == "gzip"
    with spa.stream("GET", "/assets/core-AbC123.js", headers={"Accept-Encoding": "identity"}) as r:
        assert "content-encoding" not in r.headers
        assert b"".join(r.iter_raw()) == JS
    with spa.stream("GET", "/assets/tiny-Zz9.js", headers={"Accept-Encoding": "gzip, br"}) as r:
        assert "content-encoding" not in r.headers
        assert b"".join(r.iter_raw()) == b"export{};"


def test_cache_headers(spa: TestClient) -> None:
    r = spa.get("/assets/core-AbC123.js", headers={"Accept-Encoding": "gzip"})
    assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert r.headers["vary"] == "Accept-Encoding"
    for path in ("/", "/my-work", "/assignments/12"):  # the shell and every client-side route: revalidated
        with spa.stream("GET", path, headers={"Accept-Encoding": "gzip"}) as r:
            assert r.status_code == 200
            assert r.headers["cache-control"] == "no-cache"
            assert r.headers["vary"] == "Accept-Encoding"
            assert gzip.decompress(b"".join(r.iter_raw())) == HTML
            etag = r.headers["etag"]
        again = spa.get(path, headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
        assert again.status_code == 304


def test_api_paths_and_missing_assets_are_not_the_spa(spa: TestClient) -> None:
    # a chunk of an older build (after a deployment) must fail as a script load, not come back as the HTML shell
    for path in ("/api/nope", "/assets/core-OldHash.js"):
        r = spa.get(path, headers={"Accept-Encoding": "gzip, br"})
        assert r.status_code == 404, path
        assert r.headers["content-type"].startswith("application/problem+json"), path
    assert spa.get("/assets/tiny-Zz9.js").status_code == 200
