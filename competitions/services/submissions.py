"""Accepting an upload: cheap checks now, scoring later in a worker."""

import os
import tempfile
import uuid

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

import scoring

from ..formatting import local_datetime
from ..inputs import check_text, strip_forbidden
from ..models import Membership, Phase, Submission, Team, private_storage, submission_file_path
from ..permissions import can
from ..selectors.quotas import quota_override, team_quota
from . import ServiceError

ALLOWED_SUFFIXES = (".csv", ".csv.gz", ".gz", ".txt")


class SubmissionRefused(ServiceError):
    pass


class InvalidFile(SubmissionRefused):
    """The file itself is wrong (name, size, header): fix it and upload again."""

    code = "invalid_file"


class QuotaExhausted(SubmissionRefused):
    """The team's limits refuse it until the next reset (the message says when)."""

    code = "quota_exhausted"


def _check_upload(*, phase: Phase, uploaded: UploadedFile) -> None:
    """Size, name and header: refused before anything is stored or counted."""
    expected = phase.challenge.task_spec.header()
    name = (uploaded.name or "").lower()
    if not name.endswith(ALLOWED_SUFFIXES):
        raise InvalidFile(
            _("“%(name)s” is not a CSV file. Upload a .csv or .csv.gz file with the header %(h)s.")
            % {"name": uploaded.name, "h": expected}
        )
    if uploaded.size == 0:
        raise InvalidFile(
            _("The file is empty. Expected a CSV with the header %(h)s and one row per id.")
            % {"h": expected}
        )
    if uploaded.size > settings.SUBMISSION_MAX_BYTES:
        raise InvalidFile(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {
                "size": filesizeformat(uploaded.size),
                "limit": filesizeformat(settings.SUBMISSION_MAX_BYTES),
            }
        )
    head = b""
    uploaded.seek(0)
    for chunk in uploaded.chunks(64 * 1024):
        head += chunk
        if len(head) >= 64 * 1024:
            break
    uploaded.seek(0)
    with tempfile.NamedTemporaryFile(suffix=".head") as tmp:
        tmp.write(head)
        tmp.flush()
        try:
            scoring.check_submission_header(phase.challenge.task, tmp.name)
            scoring.check_submission_size(uploaded, settings.SUBMISSION_MAX_DECOMPRESSED_BYTES)
        except scoring.InvalidSubmission as error:
            raise InvalidFile(str(error)) from None
        finally:
            uploaded.seek(0)


def _check_phase_open(phase: Phase, now) -> None:
    if now < phase.starts_at:
        raise SubmissionRefused(
            _("This phase opens at %(t)s; submissions are not accepted before then.")
            % {"t": local_datetime(phase.starts_at)}
        )
    if now >= phase.ends_at:
        raise SubmissionRefused(
            _("This phase closed at %(t)s; submissions are no longer accepted.")
            % {"t": local_datetime(phase.ends_at)}
        )


def _check_quota(*, team: Team, phase: Phase, now, override) -> None:
    quota = team_quota(team=team, phase=phase, now=now, override=override)
    reset = local_datetime(quota.next_reset)
    if quota.total_left == 0:
        raise QuotaExhausted(
            _("Your team has used all %(n)d submissions allowed in this phase.")
            % {"n": quota.total_limit}
        )
    if quota.left_today == 0:
        raise QuotaExhausted(
            _("Your team has used its %(n)d submissions for today. The next reset is at %(t)s.")
            % {"n": quota.daily_limit, "t": reset}
        )
    if quota.limit_failures_cap and quota.limit_failures_today >= quota.limit_failures_cap:
        raise QuotaExhausted(
            _(
                "%(n)d of your team's files today needed more than the scoring memory or time "
                "limit, the daily cap for such files. Check your files with the scoring CLI "
                "(one row per id, the expected header, no other columns); you can upload again "
                "after the reset at %(t)s."
            )
            % {"n": quota.limit_failures_today, "t": reset}
        )
    if quota.failed_today >= quota.failed_limit:
        raise QuotaExhausted(
            _(
                "Your team has had %(n)d files fail validation today, the daily cap. "
                "Check your file with the scoring CLI; the next reset is at %(t)s."
            )
            % {"n": quota.failed_today, "t": reset}
        )


def submission_create(
    *, user, phase: Phase, uploaded: UploadedFile, note: str = "", now=None
) -> Submission:
    """Store the upload and queue it for scoring, or refuse it with a reason.

    The team row is locked while the quota is counted, so parallel uploads of one team are
    counted exactly; a refused upload leaves no row and no file behind. A process killed
    between storing the file and committing the row leaves the file alone, which the periodic
    cleanup deletes once it is old (``cleanup.orphan_files_clean``).
    """
    now = now or timezone.now()
    challenge = phase.challenge
    # One row at most: ordered by its key, not by the model's order (which joins the team's
    # challenge and event).
    membership = (
        Membership.objects.select_related("team")
        .filter(challenge=challenge, user=user)
        .order_by("pk")
        .first()
    )
    if not can(user, "challenge.participate", challenge):
        raise SubmissionRefused(_("You cannot take part in this challenge (judges never do)."))
    if not challenge.acceptances.filter(user=user).exists():
        raise SubmissionRefused(_("Accept the challenge rules before submitting."))
    if membership is None:
        raise SubmissionRefused(_("Create or join a team before submitting."))
    note = check_text(note, field="note", max_length=300, label=_("The note"))
    _check_phase_open(phase, now)
    if not phase.truth_file:
        raise SubmissionRefused(_("This phase is not ready for submissions yet."))
    _check_upload(phase=phase, uploaded=uploaded)
    # The override is read once: the counts are made again under the team's lock below.
    override = quota_override(team=membership.team, phase=phase)
    _check_quota(team=membership.team, phase=phase, now=now, override=override)

    storage = private_storage()
    stored_name = storage.save(submission_file_path(None, uploaded.name), uploaded)
    try:
        with transaction.atomic():
            # The team's row only: ordered by its own key, the query joins neither the challenge
            # nor the event, whose rows a join would lock too (every upload of the event would
            # then wait for every other's commit).
            team = (
                Team.objects.select_for_update()
                .filter(pk=membership.team_id)
                .order_by("pk")
                .first()
            )
            # Under the lock, the person must still be in that team: a merge may have moved
            # them (and deleted the team), or they may have left while the file was uploading.
            current_team_id = (
                Membership.objects.filter(challenge=challenge, user=user)
                .order_by("pk")
                .values_list("team_id", flat=True)
                .first()
            )
            if team is None or current_team_id != team.pk:
                raise SubmissionRefused(
                    _(
                        "Your team changed while the file was uploading (a merge, or you left "
                        "it). Nothing was counted. Upload it again."
                    )
                )
            _check_quota(team=team, phase=phase, now=now, override=override)
            submission = Submission.objects.create(
                phase=phase,
                team=team,
                submitted_by=user,
                file=stored_name,
                original_name=strip_forbidden(os.path.basename(uploaded.name))[:255],
                size=uploaded.size,
                note=note,
                queued_at=now,
                task_id=uuid.uuid4().hex,
                truth_version=phase.truth_version,
            )
            submission_enqueue_on_commit(submission)
    except BaseException:
        storage.delete(stored_name)
        raise
    return submission


def submission_enqueue_on_commit(submission: Submission) -> None:
    """Send the scoring task once the row is committed, so a worker always finds it."""
    from .scoring import submission_send_on_commit

    submission_send_on_commit(submission)
