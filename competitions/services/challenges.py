"""Challenges and their public files: create, edit (with the rules that keep scores true)."""

from django.db import transaction
from django.db.models import FloatField
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from scoring import TASKS

from ..inputs import check_model_text, strip_forbidden
from ..models import Challenge, DataFile, Event, Phase, Submission
from ..permissions import require
from ..slugs import slug_from
from . import ServiceError
from .audit import apply_changes, log_action
from .standings import lock_challenge_teams, standings_rebuild_challenge

CHALLENGE_FIELDS = (
    "title", "slug", "summary", "task", "primary_metric", "description", "evaluation", "rules",
    "content_language", "max_team_size", "merger_deadline", "final_selection_limit",
    "secondary_metrics",
)  # fmt: skip
# Columns a leaderboard has room for next to the primary metric (on a phone too).
MAX_SECONDARY_METRICS = 4


# Addresses under /e/<event>/ that are pages of the event, not challenges (the results page).
RESERVED_SLUGS = {"results"}


class ChallengeRefused(ServiceError):
    pass


def metric_choices(task: str) -> list[tuple[str, str]]:
    """The metrics a challenge of this task may rank by, with their human names."""
    spec = TASKS[task]
    return [(name, spec.metric_labels.get(name, name)) for name in spec.ranking_metrics]


def secondary_metric_choices(task: str) -> list[tuple[str, str]]:
    """Every metric of the task may be shown next to the primary one (coverage too)."""
    spec = TASKS[task]
    return [(name, spec.metric_labels.get(name, name)) for name in spec.metrics]


def _metric_label(metric: str) -> str:
    for spec in TASKS.values():
        if metric in spec.metric_labels:
            return spec.metric_labels[metric]
    return metric


def _check_challenge(challenge: Challenge) -> None:
    check_model_text(challenge)
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
    _check_secondary_metrics(challenge)
    if challenge.max_team_size is not None and challenge.max_team_size < 1:
        raise ChallengeRefused(
            _("A team needs room for at least one person."), field="max_team_size"
        )


def _check_secondary_metrics(challenge: Challenge) -> None:
    spec = TASKS[challenge.task]
    chosen = challenge.secondary_metrics
    if chosen in (None, ""):
        chosen = challenge.secondary_metrics = []
    if not isinstance(chosen, list | tuple) or not all(isinstance(m, str) for m in chosen):
        raise ChallengeRefused(
            _("Choose the secondary metrics from the list."), field="secondary_metrics"
        )
    unknown = [m for m in chosen if m not in spec.metrics]
    if unknown:
        raise ChallengeRefused(
            _("“%(metric)s” is not a metric of the task “%(task)s”; choose among: %(choices)s.")
            % {
                "metric": _metric_label(unknown[0]),
                "task": spec.label,
                "choices": ", ".join(label for _n, label in secondary_metric_choices(spec.name)),
            },
            field="secondary_metrics",
        )
    if challenge.primary_metric in chosen:
        raise ChallengeRefused(
            _("%(metric)s is already the primary metric; choose other secondary metrics.")
            % {"metric": _metric_label(challenge.primary_metric)},
            field="secondary_metrics",
        )
    if len(set(chosen)) != len(chosen):
        raise ChallengeRefused(
            _("Each secondary metric can be chosen once."), field="secondary_metrics"
        )
    if len(chosen) > MAX_SECONDARY_METRICS:
        raise ChallengeRefused(
            _("Choose at most %(n)d secondary metrics: the leaderboard has room for no more.")
            % {"n": MAX_SECONDARY_METRICS},
            field="secondary_metrics",
        )
    challenge.secondary_metrics = list(chosen)
    if challenge.pk and not challenge.higher_is_better:
        auto = challenge.phases.filter(ladder=Phase.Ladder.AUTO).first()
        if auto is not None:
            raise ChallengeRefused(
                _(
                    "%(phase)s uses the parameter-free Ladder, which needs a score between 0 "
                    "and 1; %(metric)s is not. Give that phase a fixed Ladder step first."
                )
                % {"phase": auto.name, "metric": _metric_label(challenge.primary_metric)},
                field="primary_metric",
            )


@transaction.atomic
def challenge_create(*, event: Event, actor, data: dict) -> Challenge:
    require(actor, "event.manage", event)
    challenge = Challenge(event=event, **{k: v for k, v in data.items() if k in CHALLENGE_FIELDS})
    if not (challenge.slug or "").strip():
        challenge.slug = slug_from(
            challenge.title,
            taken=lambda slug: Challenge.objects.filter(event=event, slug=slug).exists(),
            reserved=RESERVED_SLUGS,
        )
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
    challenge's primary metric: a new primary metric needs no re-scoring. The standings of
    every phase are derived again in the same transaction. Returns the count."""
    lock_challenge_teams(challenge.pk)
    metric = challenge.primary_metric
    count = Submission.objects.filter(phase__challenge=challenge).update(
        public_score=Cast(KT(f"public_scores__{metric}"), FloatField()),
        private_score=Cast(KT(f"private_scores__{metric}"), FloatField()),
    )
    standings_rebuild_challenge(challenge=challenge)
    return count


@transaction.atomic
def challenge_update(*, challenge: Challenge, actor, data: dict) -> Challenge:
    """Change a challenge. The task cannot change once truth or submissions exist; a new
    primary metric re-derives every stored score in the same transaction."""
    require(actor, "challenge.manage", challenge)
    # No key changes: rows that refer to the challenge (teams, members, rules acceptances) may
    # still be written meanwhile.
    challenge = Challenge.objects.select_for_update(no_key=True).get(pk=challenge.pk)
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
    elif "final_selection_limit" in changes:
        # Teams that chose no finals are judged on their best N: N changed for all of them.
        standings_rebuild_challenge(challenge=challenge)
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
        name=(name or "").strip() or strip_forbidden(upload.name.rsplit("/", 1)[-1])[:200],
        kind=kind or DataFile.Kind.OTHER,
        description=description,
        file=upload,
        size=upload.size,
    )
    check_model_text(data_file)
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
