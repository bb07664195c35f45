"""The desk's public token and the keyed hashes of what a respondent's device sends.

A token is ``<point id>.<signature>``: the signature is an HMAC-SHA256, under the app's secret, of the point id and
the point's own ``token_secret``. Rotating that secret (``POST /collection-points/{id}/rotate-token``) makes every
printed QR code of the desk invalid at once; other desks are untouched. Phone numbers, device ids and addresses are
kept only as HMACs under the app's secret: equal values can be matched, the values cannot be read back.
"""

import base64
import hashlib
import hmac
import re
import secrets

_TOKEN_RE = re.compile(r"^([1-9][0-9]{0,9})\.([A-Za-z0-9_-]{20,64})$")


def new_point_secret() -> str:
    return secrets.token_hex(32)


def _mac(app_secret: str, message: str) -> bytes:
    return hmac.new(app_secret.encode(), message.encode(), hashlib.sha256).digest()


def point_token(app_secret: str, point_id: int, point_secret: str) -> str:
    sig = base64.urlsafe_b64encode(_mac(app_secret, f"sipas-point:{point_id}:{point_secret}")[:24])
    return f"{point_id}.{sig.decode().rstrip('=')}"


def token_point_id(token: str) -> int | None:
    """The point id a well-formed token names (its signature is still to be checked), else ``None``."""
    m = _TOKEN_RE.match(token)
    return int(m.group(1)) if m else None


def token_matches(app_secret: str, token: str, point_id: int, point_secret: str) -> bool:
    return hmac.compare_digest(point_token(app_secret, point_id, point_secret), token)


def keyed_hash(app_secret: str, purpose: str, value: str) -> str:
    """HMAC-SHA256 hex of ``value`` for ``purpose`` (phone, client, address, answers)."""
    return _mac(app_secret, f"sipas-{purpose}:{value}").hex()


def normalise_phone(phone: str) -> str:
    """Digits only, a leading +84 / 84 read as 0, so one number hashes the same however it is written."""
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("84") and len(digits) >= 11:
        digits = "0" + digits[2:]
    return digits
