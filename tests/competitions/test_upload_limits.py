"""A gzip bomb is refused at upload, and again by the worker before it parses anything."""

import pytest

from competitions.models import Submission
from competitions.services.submissions import SubmissionRefused, submission_create
from tests.factories import upload
from tests.scoring.test_file_limits import bomb

pytestmark = pytest.mark.django_db


def test_gzip_bomb_is_refused_at_upload_and_leaves_no_row(team_member, phase, settings):
    settings.SUBMISSION_MAX_DECOMPRESSED_BYTES = 8 << 20
    with pytest.raises(SubmissionRefused, match="larger than 8 MB once decompressed"):
        submission_create(
            user=team_member, phase=phase, uploaded=upload(bomb(64 << 20), "b.csv.gz")
        )
    assert not Submission.objects.exists()


def test_worker_refuses_a_stored_file_over_the_cap_as_a_file_error(
    team_member, phase, settings, django_capture_on_commit_callbacks
):
    # Accepted under the upload-time cap, then the cap was lowered before the worker ran.
    data = bomb(16 << 20)
    settings.SUBMISSION_MAX_DECOMPRESSED_BYTES = 32 << 20
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submission = submission_create(user=team_member, phase=phase, uploaded=upload(data, "b.gz"))
    settings.SUBMISSION_MAX_DECOMPRESSED_BYTES = 8 << 20
    for callback in callbacks:
        callback()
    submission.refresh_from_db()
    assert submission.state == Submission.State.FAILED
    assert submission.failure == Submission.Failure.FILE
    assert "larger than 8 MB once decompressed" in submission.error_message
