"""`migrate` serialised across containers: several web replicas starting at once take turns
(PostgreSQL advisory lock); the later ones find nothing left to do."""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

LOCK_KEY = 7_230_011  # arbitrary, constant: "kamcrm migrate"


class Command(BaseCommand):
    help = "Run migrate under a database lock so concurrent starts do not race."

    def add_arguments(self, parser):
        parser.add_argument("--no-input", action="store_false", dest="interactive")

    def handle(self, *args, interactive=True, **options):
        if connection.vendor != "postgresql":
            call_command("migrate", interactive=interactive, verbosity=options["verbosity"])
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
            try:
                call_command("migrate", interactive=interactive, verbosity=options["verbosity"])
            finally:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
