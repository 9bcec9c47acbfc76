"""``manage.py sweep_submissions``: one pass of the sweeper, as beat runs it every 30 s."""

from django.core.management.base import BaseCommand

from competitions.services.sweeper import submissions_sweep


class Command(BaseCommand):
    help = (
        "Find submissions stuck in the queue or in a vanished worker: send them again, or fail "
        "them (refunded, team told) once they have had SCORING_MAX_ATTEMPTS runs."
    )

    def handle(self, *args, **options):
        report = submissions_sweep(ran_by="manage.py sweep_submissions")
        self.stdout.write(f"Sweep: {report}.")
        for label, ids in (
            ("sent again", report.resent),
            ("requeued", report.requeued),
            ("failed", report.failed),
        ):
            for submission_id in ids:
                self.stdout.write(f"  {label}: {submission_id}")
