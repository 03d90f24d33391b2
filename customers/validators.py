"""Validators for Chinese business identifiers."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# GB 32100-2015 统一社会信用代码: 18 characters from this 31-character alphabet
# (no I, O, Z, S, V); the last one is a check character over the first 17.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_CODE_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def credit_code_check_char(first17: str) -> str:
    total = sum(
        CREDIT_CODE_ALPHABET.index(ch) * w
        for ch, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def normalize_credit_code(value: str) -> str:
    return (value or "").strip().upper()


def validate_credit_code(value: str) -> None:
    code = normalize_credit_code(value)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)d."),
            code="credit_code_length",
            params={"n": len(code)},
        )
    if not _CREDIT_CODE_RE.match(code):
        raise ValidationError(
            _(
                "The unified social credit code contains characters that are not allowed "
                "(letters I, O, S, V, Z are never used; characters 3–8 are digits)."
            ),
            code="credit_code_chars",
        )
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _(
                "The check character of this unified social credit code is wrong "
                "(GB 32100): please check the code for typing errors."
            ),
            code="credit_code_check",
        )


def validate_postcode(value: str) -> None:
    if value and not re.fullmatch(r"\d{6}", value):
        raise ValidationError(_("A postcode has six digits."), code="postcode")


def validate_phone(value: str) -> None:
    if value and not re.fullmatch(r"[0-9+\-() 转#]{5,30}", value):
        raise ValidationError(
            _("Enter a phone number made of digits, spaces, +, -, brackets or 转 (extension)."),
            code="phone",
        )
