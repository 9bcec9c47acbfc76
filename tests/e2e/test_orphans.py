"""No orphans: a web process killed between storing an upload and committing its row leaves a
file that the periodic cleanup deletes once it is older than the safe age."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time

import pytest
from django.utils import timezone

from competitions.models import Submission, private_storage
from competitions.services.cleanup import orphan_files_clean
from competitions.services.submissions import submission_create
from tests import factories
from tests.e2e.conftest import ROOT, real_services_or_skip, submitting_team, worker_env

pytestmark = pytest.mark.e2e


@pytest.fixture
def own_private_storage(settings, tmp_path):
    """A private storage folder of this test's own: the cleanup must never see (and delete)
    the files of a developer's database under var/private, nor the host's temporary files."""
    root = tmp_path / "private"
    private = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(root), "base_url": None},
    }
    settings.STORAGES = {**settings.STORAGES, "default": private, "private": private}
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)  # nor the host's temporary files
    return root


def stored_submission_files() -> set[str]:
    try:
        return {f"submissions/{n}" for n in private_storage().listdir("submissions")[1]}
    except FileNotFoundError:
        return set()


def test_web_process_killed_between_file_and_row_cleanup_deletes_the_file(
    transactional_db, tmp_path, eager_celery, settings, own_private_storage
):
    real_services_or_skip()
    settings.ORPHAN_FILE_AGE_SECONDS = 3600
    phase = factories.PhaseFactory()
    user = submitting_team(phase)
    kept = submission_create(
        user=user, phase=phase, uploaded=factories.upload(factories.PERFECT_CSV)
    )
    before = stored_submission_files()
    upload = tmp_path / "predictions.csv"
    upload.write_text(factories.PERFECT_CSV)

    web = subprocess.run(
        [sys.executable, "-m", "tests.e2e.store_then_die", str(user.pk), str(phase.pk), str(upload)],
        cwd=ROOT, env={**worker_env(), "PRIVATE_STORAGE_ROOT": str(own_private_storage)},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert web.returncode == -signal.SIGKILL, web.stdout + web.stderr
    assert "stored; dying before the row" in web.stdout
    [orphan] = stored_submission_files() - before  # the file is there ...
    assert not Submission.objects.filter(file=orphan).exists()  # ... and no row for it
    assert Submission.objects.filter(phase=phase).count() == 1

    # A young file is left alone: its row may be on its way.
    assert orphan_files_clean().deleted_files == []
    assert orphan in stored_submission_files()

    # Once older than the safe age it goes; the submitted file stays.
    old = time.time() - 2 * 3600
    os.utime(private_storage().path(orphan), (old, old))
    report = orphan_files_clean()
    assert report.deleted_files == [orphan]
    assert orphan not in stored_submission_files()
    assert kept.file.name in stored_submission_files()
    assert private_storage().exists(kept.file.name)


def test_leftover_temporary_uploads_are_deleted_once_old(
    tmp_path, settings, db, own_private_storage
):
    settings.ORPHAN_FILE_AGE_SECONDS = 3600
    partial = tmp_path / "tmpab12cd.upload.csv"  # how Django names an upload in progress
    header = tmp_path / "tmpzz99.head"
    fresh = tmp_path / "tmpfresh.upload.csv"
    unrelated = tmp_path / "someone-elses.txt"
    for path in (partial, header, fresh, unrelated):
        path.write_text("ad_id,cluster_id\n")
    old = (timezone.now() - dt.timedelta(hours=2)).timestamp()
    for path in (partial, header, unrelated):
        os.utime(path, (old, old))
    report = orphan_files_clean()
    assert sorted(report.deleted_temp) == sorted([str(partial), str(header)])
    assert fresh.exists() and unrelated.exists()
