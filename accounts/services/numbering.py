"""Code numbering, one mechanism: sequential, never reused, decided by the database.

``next_number`` must run inside the transaction that stores the code. The row update takes
the row lock (PostgreSQL) or the database write lock (SQLite, IMMEDIATE transactions), so two
concurrent callers get consecutive numbers; a unique constraint on the code is the backstop."""

from django.db import transaction
from django.db.models import F

from accounts.models import NumberSequence


def next_number(key: str) -> int:
    with transaction.atomic():
        NumberSequence.objects.get_or_create(key=key)
        NumberSequence.objects.filter(key=key).update(last_value=F("last_value") + 1)
        return NumberSequence.objects.filter(key=key).values_list("last_value", flat=True).get()


def next_code(*, key: str, pattern: str, **context) -> str:
    """``pattern`` is a ``str.format`` pattern with ``{seq}`` and any names in ``context``."""
    seq = next_number(key)
    return pattern.format(seq=seq, **context)
