"""The example files under ``examples/`` import as documented (README), and a second import changes nothing."""

from pathlib import Path

import pytest

from tests.imports.helpers import post_file

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("org-units.csv", "org-units", (2, 1)),
        ("users.csv", "users", (3, 0)),
        ("plan-tasks.csv", "plans", (3, 0)),
    ],
)
def test_example_files_import_then_are_unchanged(client, auth, db, name, kind, expected) -> None:
    h = auth("noivu")
    data = (EXAMPLES / name).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    r = post_file(client, kind, name, data, h)
    assert r.status_code == 200, r.text
    assert (r.json()["created"], r.json()["updated"]) == expected
    r = post_file(client, kind, name, data, h)
    assert r.status_code == 200, r.text
    assert r.json()["unchanged"] == r.json()["rows"] == sum(expected)
    assert r.json()["created"] == r.json()["updated"] == 0
