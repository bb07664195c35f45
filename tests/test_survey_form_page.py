"""The public survey form's page (issue 20): /khao-sat/<token> is answered with survey.html (its own small entry,
no login), under the same strict CSP as the app; other client-side routes still get the app's index.html."""

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from api.config import get_settings
from api.main import create_app

INDEX = b"<!doctype html><html><body><div id=root></div></body></html>"
FORM = b"<!doctype html><html lang=vi><body><main id=app></main></body></html>"


@pytest.fixture()
def spa(tmp_path: Path, db: sa.Engine) -> Iterator[TestClient]:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_bytes(INDEX)
    (dist / "survey.html").write_bytes(FORM)
    settings = get_settings().model_copy(update={"frontend_dist": dist})
    with TestClient(create_app(settings, db)) as c:
        yield c


def test_desk_link_serves_the_form_page(spa: TestClient) -> None:
    for path in ("/khao-sat/abc.DEF-123_x", "/khao-sat/abc?kiosk=1"):
        r = spa.get(path)
        assert r.status_code == 200, path
        assert r.content == FORM
        assert r.headers["cache-control"] == "no-cache"
        csp = r.headers["content-security-policy"]
        assert "script-src 'self';" in csp and "unsafe-eval" not in csp
        assert "connect-src 'self'" in csp
        assert "authorization" not in {k.lower() for k in r.headers}


def test_other_routes_still_get_the_app(spa: TestClient) -> None:
    for path in ("/", "/khao-sat", "/survey", "/surveys/results", "/my-work"):
        assert spa.get(path).content == INDEX, path


def test_desk_page_preloads_its_form_and_nothing_else(spa: TestClient) -> None:
    r = spa.get("/khao-sat/12.abcDEF-_x")
    assert r.headers["link"] == "</api/v1/public/survey/12.abcDEF-_x>; rel=preload; as=fetch; crossorigin"
    # anything else than a token's characters is never echoed into a header
    for path in ("/khao-sat/a%0d%0aSet-Cookie:x=1", "/khao-sat/a>;rel=x", "/khao-sat/a%20b", "/my-work"):
        r = spa.get(path)  # (control characters are refused before the SPA route)
        assert "link" not in r.headers, path
        assert "set-cookie" not in r.headers, path
