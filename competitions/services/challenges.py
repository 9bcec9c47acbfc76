"""Challenges and their public files: create, edit (with the rules that keep scores true)."""

from django.db import transaction
from django.db.models import FloatField
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from scoring import TASKS

from ..models import Challenge, DataFile, Event, Submission
from ..permissions import require
from . import ServiceError
from .audit import apply_changes, log_action

CHALLENGE_FIELDS = (
    "title", "slug", "summary", "task", "primary_metric", "description", "evaluation", "rules",
    "max_team_size", "merger_deadline", "final_selection_limit",
)  # fmt: skip


# Addresses under /e/<event>/ that are pages of the event, not challenges (the results page).
RESERVED_SLUGS = {"results"}


class ChallengeRefused(ServiceError):
    pass


def metric_choices(task: str) -> list[tuple[str, str]]:
    """The metrics a challenge of this task may rank by, with their human names."""
    spec = TASKS[task]
    return [(name, spec.metric_labels.get(name, name)) for name in spec.ranking_metrics]


def _metric_label(metric: str) -> str:
    for spec in TASKS.values():
        if metric in spec.metric_labels:
            return spec.metric_labels[metric]
    return metric


def _check_challenge(challenge: Challenge) -> None:
    if not (challenge.title or "").strip():
        raise ChallengeRefused(_("Give the challenge a title."), field="title")
    others = Challenge.objects.filter(event_id=challenge.event_id, slug=challenge.slug)
    if not challenge.slug or others.exclude(pk=challenge.pk).exists():
        raise ChallengeRefused(_("Another challenge of this event uses this slug."), field="slug")
    if challenge.slug in RESERVED_SLUGS:
        raise ChallengeRefused(
            _("“%(slug)s” is the address of an event page; choose another slug.")
            % {"slug": challenge.slug},
            field="slug",
        )
    if challenge.task not in TASKS:
        raise ChallengeRefused(_("Choose one of the tasks offered."), field="task")
    spec = TASKS[challenge.task]
    if challenge.primary_metric not in spec.ranking_metrics:
        raise ChallengeRefused(
            _("“%(metric)s” is not a metric of the task “%(task)s”; choose one of: %(choices)s.")
            % {
                "metric": _metric_label(challenge.primary_metric),
                "task": spec.label,
                "choices": ", ".join(label for _name, label in metric_choices(challenge.task)),
            },
            field="primary_metric",
        )
    if challenge.max_team_size is not None and challenge.max_team_size < 1:
        raise ChallengeRefused(
            _("A team needs room for at least one person."), field="max_team_size"
        )


@transaction.atomic
def challenge_create(*, event: Event, actor, data: dict) -> Challenge:
    require(actor, "event.manage", event)
    challenge = Challenge(event=event, **{k: v for k, v in data.items() if k in CHALLENGE_FIELDS})
    _check_challenge(challenge)
    challenge.save()
    log_action(event=event, actor=actor, action="challenge.create", target=challenge)
    return challenge


def _has_truth_or_submissions(challenge: Challenge) -> bool:
    return (
        challenge.phases.exclude(truth_file="").exists()
        or Submission.objects.filter(phase__challenge=challenge).exists()
    )


def challenge_rederive_scores(*, challenge: Challenge) -> int:
    """Set every submission's public and private score from its stored metrics, for the
    challenge's primary metric: a new primary metric needs no re-scoring. Returns the count."""
    metric = challenge.primary_metric
    return Submission.objects.filter(phase__challenge=challenge).update(
        public_score=Cast(KT(f"public_scores__{metric}"), FloatField()),
        private_score=Cast(KT(f"private_scores__{metric}"), FloatField()),
    )


@transaction.atomic
def challenge_update(*, challenge: Challenge, actor, data: dict) -> Challenge:
    """Change a challenge. The task cannot change once truth or submissions exist; a new
    primary metric re-derives every stored score in the same transaction."""
    require(actor, "challenge.manage", challenge)
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    old_task = challenge.task
    changes = apply_changes(challenge, {k: v for k, v in data.items() if k in CHALLENGE_FIELDS})
    if not changes:
        return challenge
    if "task" in changes and _has_truth_or_submissions(challenge):
        raise ChallengeRefused(
            _(
                "The task cannot change once a phase has ground truth or the challenge has "
                "submissions: they were made for “%(task)s”. Create a new challenge instead."
            )
            % {"task": TASKS[old_task].label},
            field="task",
        )
    _check_challenge(challenge)
    challenge.save(update_fields=list(changes))
    data_logged = {"changed": changes}
    if "primary_metric" in changes:
        data_logged["rescored_from_stored_metrics"] = challenge_rederive_scores(challenge=challenge)
    log_action(
        event=challenge.event, actor=actor, action="challenge.edit", target=challenge,
        data=data_logged,
    )  # fmt: skip
    return challenge


@transaction.atomic
def datafile_add(*, challenge: Challenge, actor, upload, name: str = "", kind: str = "",
                 description: str = "") -> DataFile:  # fmt: skip
    require(actor, "challenge.manage", challenge)
    if kind and kind not in DataFile.Kind.values:
        raise ChallengeRefused(_("Choose one of the kinds offered."), field="kind")
    data_file = DataFile(
        challenge=challenge,
        name=(name or "").strip() or upload.name.rsplit("/", 1)[-1],
        kind=kind or DataFile.Kind.OTHER,
        description=description,
        file=upload,
        size=upload.size,
    )
    data_file.save()
    log_action(
        event=challenge.event, actor=actor, action="data.upload", target=data_file,
        data={"size": data_file.size},
    )  # fmt: skip
    return data_file


@transaction.atomic
def datafile_delete(*, data_file: DataFile, actor) -> None:
    require(actor, "challenge.manage", data_file.challenge)
    log_action(event=data_file.challenge.event, actor=actor, action="data.delete", target=data_file)
    storage, name = data_file.file.storage, data_file.file.name
    data_file.delete()
    transaction.on_commit(lambda: storage.delete(name))
