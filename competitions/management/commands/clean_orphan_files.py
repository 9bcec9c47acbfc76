"""``manage.py clean_orphan_files``: what beat runs every ORPHAN_CLEAN_INTERVAL_SECONDS."""

from django.core.management.base import BaseCommand

from competitions.services.cleanup import orphan_files_clean


class Command(BaseCommand):
    help = (
        "Delete stored submission files that no submission refers to and leftover temporary "
        "upload files on this host, once older than ORPHAN_FILE_AGE_SECONDS."
    )

    def handle(self, *args, **options):
        report = orphan_files_clean()
        self.stdout.write(f"Cleanup: {report}.")
        for path in report.deleted_files + report.deleted_temp:
            self.stdout.write(f"  deleted: {path}")
