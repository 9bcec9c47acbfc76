"""A team hands in its project: title, summary, links, an optional write-up, the submissions
it stands on. Any member may change it until the hand-in deadline (or the judging lock, or
publication); after that it is read-only.

Write-ups are PDF or Markdown, at most ``PROJECT_WRITEUP_MAX_BYTES``, checked by their content
(a PDF starts with ``%PDF-``; Markdown is UTF-8 text), and stored in private storage under a
random name; they reach people only through a view that asks ``project.view_writeup``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from competitions.formatting import local_datetime
from competitions.inputs import check_model_text, strip_forbidden
from competitions.models import Submission, private_storage
from competitions.permissions import require
from competitions.selectors.participation import team_of
from competitions.services.audit import log_action

from ..models import Project, Track, writeup_path
from ..permissions import results_published
from . import JudgingRefused

PROJECT_FIELDS = ("title", "summary", "repository_url", "demo_url")
WRITEUP_SUFFIXES = (".pdf", ".md", ".markdown")
_http_url = URLValidator(schemes=["http", "https"])


def _check_handin_open(track: Track, now) -> None:
    """The reason hand-in is closed, in words, before the permission check says no."""
    if not track.uses_judges:
        raise JudgingRefused(_("This challenge is not judged: it takes no projects."))
    if results_published(track.event):
        raise JudgingRefused(_("The results are published: projects can no longer change."))
    if track.is_locked:
        raise JudgingRefused(_("Judging is locked: projects can no longer change."))
    if track.handin_deadline is None or now >= track.handin_deadline:
        raise JudgingRefused(
            _("The hand-in deadline passed at %(t)s: the project can no longer change.")
            % {"t": local_datetime(track.handin_deadline)}
        )


def handin_closed_reason(track: Track, now=None) -> str | None:
    """Why the track takes no hand-ins now, in words; None while it does."""
    try:
        _check_handin_open(track, now or timezone.now())
    except JudgingRefused as refusal:
        return str(refusal)
    return None


def _clean_url(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        _http_url(value)
    except ValidationError:
        raise JudgingRefused(
            _("Give a full web address starting with http:// or https://."), field=field
        ) from None
    return value


def _check_writeup(upload: UploadedFile) -> None:
    name = (upload.name or "").lower()
    if not name.endswith(WRITEUP_SUFFIXES):
        raise JudgingRefused(
            _("The write-up must be a PDF (.pdf) or Markdown (.md) file."), field="writeup"
        )
    limit = settings.PROJECT_WRITEUP_MAX_BYTES
    if upload.size > limit:
        raise JudgingRefused(
            _("The write-up is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            field="writeup",
        )
    upload.seek(0)
    if name.endswith(".pdf"):
        if not upload.read(5) == b"%PDF-":
            raise JudgingRefused(
                _("This file is named .pdf but is not a PDF document."), field="writeup"
            )
    else:
        data = upload.read()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise JudgingRefused(
                _("A Markdown write-up must be UTF-8 text; this file is not."), field="writeup"
            ) from None
        if "\x00" in text:
            raise JudgingRefused(_("A Markdown write-up must be plain text."), field="writeup")
    upload.seek(0)


def _check_submissions(track: Track, team, submissions) -> list[Submission]:
    chosen = list(submissions or [])
    for submission in chosen:
        if (
            submission.team_id != team.pk
            or submission.phase.challenge_id != track.challenge_id
            or submission.state != Submission.State.SCORED
        ):
            raise JudgingRefused(
                _("Choose among your team's scored submissions of this challenge."),
                field="submissions",
            )
    return chosen


def project_save(
    *,
    track: Track,
    actor,
    data: dict,
    writeup: UploadedFile | None = None,
    remove_writeup: bool = False,
    now=None,
) -> Project:
    """Hand in the team's project, or change it. Returns the saved project."""
    now = now or timezone.now()
    team = team_of(actor, track.challenge)
    if team is None:
        raise JudgingRefused(_("Create or join a team first: projects are handed in by teams."))
    _check_handin_open(track, now)
    require(actor, "track.handin", track)

    values = {name: (data.get(name) or "").strip() for name in PROJECT_FIELDS if name in data}
    check_model_text(Project(**values))
    if not values.get("title"):
        raise JudgingRefused(_("Give your project a title."), field="title")
    for field in ("repository_url", "demo_url"):
        values[field] = _clean_url(values.get(field, ""), field)
    submissions = _check_submissions(track, team, data.get("submissions"))
    if writeup is not None:
        _check_writeup(writeup)

    stored = None
    if writeup is not None:
        stored = private_storage().save(writeup_path(None, writeup.name), writeup)
    old_file = ""
    try:
        with transaction.atomic():
            project = Project.objects.select_for_update().filter(track=track, team=team).first()
            created = project is None
            if created:
                project = Project(track=track, team=team)
            changed = [name for name, value in values.items() if getattr(project, name) != value]
            for name, value in values.items():
                setattr(project, name, value)
            if stored is not None or (remove_writeup and project.writeup):
                old_file = project.writeup.name
                project.writeup = stored or ""
                project.writeup_name = strip_forbidden(writeup.name)[:255] if stored else ""
                project.writeup_size = writeup.size if stored else 0
                changed.append("writeup")
            project.updated_by = actor
            check_model_text(project)
            project.save()
            before = set(project.submissions.values_list("pk", flat=True)) if not created else set()
            if {s.pk for s in submissions} != before:
                project.submissions.set(submissions)
                changed.append("submissions")
            log_action(
                event=track.event,
                actor=actor,
                action="project.handin" if created else "project.edit",
                target=project,
                data={"team": team.name, "changed": changed},
            )
    except BaseException:
        if stored is not None:
            private_storage().delete(stored)
        raise
    if old_file:
        transaction.on_commit(lambda: private_storage().delete(old_file))
    return project
