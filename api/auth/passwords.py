"""What a new password must not be (NIST SP 800-63B §3.1.1.2): shorter than ``PARSIPAS_PASSWORD_MIN_LENGTH``, one
of the common or breached passwords shipped by ``zxcvbn`` (its "passwords" frequency list, 30,000 entries drawn
from leaked password sets), made of a character or two repeated, or built from what an attacker knows first: the
username, the code of the account's unit, the published demo password (outside dev/demo/test).

No composition rules (NIST advises against them): a long phrase is a good password. Each refusal says why.
"""

from collections.abc import Iterable
from functools import lru_cache

from api.config import Settings
from api.errors import FieldError, Unprocessable

DEMO_PASSWORDS = ("BinhGia@2024", "LangSon@2026")  # printed in the README and on the demo console


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(p.lower() for p in FREQUENCY_LISTS["passwords"])


def _fold(value: str) -> str:
    return "".join(ch for ch in value.lower() if ch.isalnum())


def password_problem(
    password: str, *, settings: Settings, username: str | None = None, unit_codes: Iterable[str] = ()
) -> tuple[str, str, str] | None:
    """``(code, Vietnamese reason, English reason)`` when ``password`` may not be used, else ``None``."""
    minimum = settings.password_min_length
    if len(password) < minimum:
        return (
            "password_too_short",
            f"Mật khẩu phải có ít nhất {minimum} ký tự.",
            f"At least {minimum} characters.",
        )
    lowered = password.lower()
    folded = _fold(password)
    stripped = lowered.rstrip("0123456789!@#$%^&*.?-_ ")
    if lowered in common_passwords() or (len(stripped) >= 4 and stripped in common_passwords()):
        return (
            "password_common",
            "Mật khẩu này nằm trong danh sách mật khẩu phổ biến hoặc đã bị lộ; hãy chọn một cụm từ khác, dễ nhớ "
            "với bạn nhưng khó đoán.",
            "This password is on a list of common or breached passwords.",
        )
    if len(set(lowered)) <= 2:
        return (
            "password_repetitive",
            "Mật khẩu chỉ lặp lại một hai ký tự.",
            "The password repeats one or two characters.",
        )
    if username and len(_fold(username)) >= 3 and _fold(username) in folded:
        return (
            "password_has_username",
            "Mật khẩu không được chứa tên đăng nhập.",
            "The password contains the username.",
        )
    for code in unit_codes:
        parts = [_fold(code), *(_fold(p) for p in code.split("."))]
        if any(len(p) >= 4 and p in folded for p in parts):
            return (
                "password_has_unit_code",
                f"Mật khẩu không được chứa mã đơn vị ({code}).",
                f"The password contains the unit code {code}.",
            )
    if not settings.is_dev_like and password in DEMO_PASSWORDS:
        return (
            "password_demo",
            "Đây là mật khẩu dùng thử đã công bố; không dùng được ngoài chế độ thử nghiệm.",
            "This is the published demo password.",
        )
    return None


def check_password(
    password: str,
    *,
    settings: Settings,
    username: str | None = None,
    unit_codes: Iterable[str] = (),
    field: str = "password",
) -> None:
    """Raise a 422 naming ``field`` and the reason when ``password`` may not be used."""
    found = password_problem(password, settings=settings, username=username, unit_codes=unit_codes)
    if found is None:
        return
    code, vi, en = found
    raise Unprocessable(
        f"Mật khẩu không dùng được: {vi}",
        f"Password refused: {en}",
        code="weak_password",
        errors=[FieldError(field=field, code=code, message=vi, message_en=en)],
    )
