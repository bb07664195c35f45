"""Passwords (Argon2id via pwdlib) and access tokens (PyJWT, algorithm pinned, every claim verified)."""

import hashlib
import secrets
import time
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import Any

import jwt
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from api.config import Settings

ALGORITHM = "HS256"
_hasher = PasswordHash((Argon2Hasher(),))
# Verified against when the account does not exist, so both answers take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    if password_hash is None:
        _hasher.verify(password, _DUMMY_HASH)
        return False
    try:
        return _hasher.verify(password, password_hash)
    except Exception:  # malformed stored hash
        return False


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def new_opaque_token(prefix: str) -> str:
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def create_access_token(settings: Settings, *, user_id: int, session_id: int) -> tuple[str, int]:
    now = datetime.now(UTC)
    ttl = settings.access_token_minutes * 60
    claims = {
        "sub": str(user_id),
        "sid": session_id,
        "iat": now,
        "nbf": now,
        "exp": now + timedelta(seconds=ttl),
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "jti": secrets.token_hex(8),
        "typ": "access",
    }
    return jwt.encode(claims, settings.effective_secret(), algorithm=ALGORITHM), ttl


def decode_access_token(settings: Settings, token: str) -> dict[str, Any]:
    """Raises ``jwt.InvalidTokenError`` for anything but a valid, unexpired token of ours.

    A token whose signature and claims were verified once is remembered (:func:`_verified`, by the token, the key,
    the issuer and the audience): PyJWT's verification was ~45–70 µs of every authenticated request, and a client
    sends the same token until it expires. Only the verdict on an immutable string is kept; the times are checked
    again at every use (a remembered token past its ``exp`` is refused as PyJWT would), and the session
    behind it is still read from the database at every request (a logout or a disabled account takes effect at
    once). Tokens refused are not remembered."""
    claims, not_before, expires = _verified(
        token, settings.effective_secret(), settings.jwt_audience, settings.jwt_issuer
    )
    now = time.time()
    if now >= expires:
        raise jwt.ExpiredSignatureError("Signature has expired")
    if now < not_before:
        raise jwt.ImmatureSignatureError("The token is not yet valid")
    return dict(claims)


def _verify(token: str, secret: str, audience: str, issuer: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(
        token,
        secret,
        algorithms=[ALGORITHM],
        audience=audience,
        issuer=issuer,
        options={"require": ["exp", "iat", "iss", "aud", "sub", "sid"]},
    )
    if claims.get("typ") != "access":
        raise jwt.InvalidTokenError("wrong token type")
    return claims


@lru_cache(maxsize=4096)
def _verified(token: str, secret: str, audience: str, issuer: str) -> tuple[Any, float, float]:
    """A verified token's claims (read-only) with the window in which PyJWT accepts it: from its ``iat``/``nbf``
    to its ``exp``."""
    claims = _verify(token, secret, audience, issuer)
    not_before = max(float(claims["iat"]), float(claims.get("nbf", claims["iat"])))
    return MappingProxyType(claims), not_before, float(claims["exp"])
