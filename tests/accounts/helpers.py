"""Helpers of the accounts tests: the seeded certification ladder, and running service calls
at the same moment from several threads (race tests)."""

import threading
from decimal import Decimal

from django.db import connections

#: the certification ladder seeded by customers/0002: the department manager (mandatory) may
#: certify up to this expected annual amount; above it the sales director confirms
MANAGER_LIMIT = Decimal("10000000")


def run_concurrently(*calls, timeout: float = 60):
    """Run each callable in its own thread, all released at once by a barrier. Each thread
    uses its own database connection (Django's are per thread) and closes it at the end.

    Returns one ``(outcome, value)`` per callable, in order: ``("ok", result)`` or
    ``("error", exception)``."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def work(index, call):
        try:
            barrier.wait(timeout=timeout)
            outcomes[index] = ("ok", call())
        except BaseException as exc:  # handed back to the test
            outcomes[index] = ("error", exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=work, args=(i, call), name=f"race-{i}")
        for i, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    hung = [t.name for t in threads if t.is_alive()]
    assert not hung, f"threads did not finish within {timeout}s: {hung}"
    return outcomes
