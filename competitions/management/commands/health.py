"""``manage.py health``: database, broker and sweeper; exits 1 when any of them fails."""

from django.core.management.base import BaseCommand

from competitions.selectors.health import platform_health


class Command(BaseCommand):
    help = (
        "Check that the platform can score: the database and the broker answer, and the "
        "sweeper ran within three SCORING_SWEEP_INTERVAL_SECONDS. Exits 1 when one fails."
    )

    def handle(self, *args, **options):
        checks = platform_health()
        for check in checks:
            line = f"{check.name:9} {'ok  ' if check.ok else 'FAIL'} {check.detail}"
            self.stdout.write(self.style.SUCCESS(line) if check.ok else self.style.ERROR(line))
        if not all(check.ok for check in checks):
            raise SystemExit(1)
