"""Files nobody will ever read: a stored upload whose row was never committed, temp files.

An upload is stored first and its row committed second (``submissions.submission_create``),
so a web process killed between the two (SIGKILL, the OOM killer, a host going down) leaves a
stored file with no row; a process killed mid-upload leaves Django's temporary upload file; a
worker killed mid-run leaves its temporary copy of a remote file. None of them is ever read
again. ``orphan_files_clean`` deletes them once they are older than ORPHAN_FILE_AGE_SECONDS —
far longer than any upload takes to commit, so a file whose row is on its way is never touched.
Beat runs it every ORPHAN_CLEAN_INTERVAL_SECONDS; ``manage.py clean_orphan_files`` by hand.
"""

import datetime as dt
import logging
import os
import tempfile
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from ..models import Submission, private_storage

logger = logging.getLogger(__name__)

SUBMISSIONS_FOLDER = "submissions"
BATCH = 500


@dataclass
class CleanupReport:
    deleted_files: list[str] = field(default_factory=list)
    deleted_temp: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{len(self.deleted_files)} stored files without a submission and "
            f"{len(self.deleted_temp)} temporary files deleted"
        )


def orphan_files_clean(*, now: dt.datetime | None = None) -> CleanupReport:
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.ORPHAN_FILE_AGE_SECONDS)
    report = CleanupReport()
    _clean_stored_submissions(cutoff, report)
    _clean_temp_files(cutoff, report)
    if report.deleted_files or report.deleted_temp:
        logger.warning("cleanup: %s", report)
    return report


def _clean_stored_submissions(cutoff: dt.datetime, report: CleanupReport) -> None:
    storage = private_storage()
    try:
        _, names = storage.listdir(SUBMISSIONS_FOLDER)
    except FileNotFoundError:
        return
    paths = [f"{SUBMISSIONS_FOLDER}/{name}" for name in names]
    for start in range(0, len(paths), BATCH):
        batch = paths[start : start + BATCH]
        referenced = set(Submission.objects.filter(file__in=batch).values_list("file", flat=True))
        for path in batch:
            if path in referenced:
                continue
            try:
                if storage.get_modified_time(path) >= cutoff:
                    continue  # maybe its row is being committed right now
                storage.delete(path)
            except FileNotFoundError:
                continue
            report.deleted_files.append(path)


def _is_ours(name: str) -> bool:
    """Django's temporary uploads, the upload's header check, a worker's copy of a file."""
    return (name.startswith("tmp") and (".upload" in name or name.endswith(".head"))) or (
        name.startswith("datajam-")
    )


def _clean_temp_files(cutoff: dt.datetime, report: CleanupReport) -> None:
    folder = settings.FILE_UPLOAD_TEMP_DIR or tempfile.gettempdir()
    oldest = cutoff.timestamp()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            if not (entry.is_file(follow_symlinks=False) and _is_ours(entry.name)):
                continue
            if entry.stat(follow_symlinks=False).st_mtime >= oldest:
                continue
            os.remove(entry.path)
        except OSError:
            continue
        report.deleted_temp.append(entry.path)
