"""Load the shipped frameworks (``api/frameworks/data``) into the database, once, shared by every unit."""

from typing import Any

from sqlmodel import Session

from api.frameworks.importer import code_taken, create_framework
from api.frameworks.library import load_file, shipped_files
from api.models import OrgUnit


def seed_frameworks(session: Session, *, units: dict[str, OrgUnit], settings: Any) -> list[str]:
    """Create each shipped framework whose code is not in the database yet; returns the codes created.

    Idempotent by code: an existing framework (perhaps since replaced by an official table) is left alone.
    Shipped frameworks have no owner, so every unit reads them.
    """
    created: list[str] = []
    for path in shipped_files():
        doc = load_file(path)
        if code_taken(session, doc.framework.code):
            continue
        create_framework(session, None, doc=doc, owner_unit_id=None)
        created.append(doc.framework.code)
    session.flush()
    return created
