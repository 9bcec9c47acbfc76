"""An ad-linkage challenge from the template: synthetic corpus, hidden truth, texts, a phase.

Used by the organisers' "new challenge from template" button, ``manage.py
create_linkage_challenge`` and the demo seed, so an organiser can run a DataJam out of the box.
"""

import datetime as dt
import logging
import shutil
import tempfile
from pathlib import Path

from celery import current_app
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from starter.generate import DEFAULT_PRESET, PRESETS, generate_corpus, preset_public_share
from starter.references import reference_scores

from ..models import Challenge, DataFile, Event, TemplateJob
from ..permissions import require
from ..selectors.notifications import as_reader
from . import ServiceError
from .audit import log_action
from .challenges import challenge_create, datafile_add
from .phases import phase_create, phase_set_truth

DESCRIPTION = """\
Online classified ads are one of the places where exploitation is advertised. The same operator
often posts many ads, across cities, with rotating phone numbers and lightly edited text, in
English and in French. **Your task: find which ads were posted by the same operator.**

The corpus is synthetic and safe: it keeps the structure that linkage methods exploit (templates
re-posted with small edits, phone numbers written in many ways, shared contacts that are false
links, ads with no contact at all) and contains no real person and no explicit content.

`ads.csv` has one row per ad: `ad_id, posted_at, city, title, body, phone, email`.
"""
EVALUATION = """\
Upload a CSV (or `.csv.gz`) with the header `ad_id,cluster_id` and one row per ad. Ads with the same
`cluster_id` are predicted to share an operator. Leave `cluster_id` **empty** for an ad that stands
alone: `-1` is an ordinary label, so writing `-1` for "unclustered" (as HDBSCAN and InfoShield do)
puts all those ads in one big cluster.

The leaderboard ranks by **{metric}**. Each submission also shows pairwise and B-cubed precision,
recall and F1, ARI, NMI, AMI, V-measure, Fowlkes–Mallows, exact-cluster F1 and coverage (ads you
leave out count as standing alone). The public leaderboard uses {public:.0%} of the ads; the
private leaderboard, shown when the organisers reveal it, uses the rest.

Test your file before uploading: `python -m scoring evaluate --task ad-linkage --truth T.csv
--submission S.csv` on a split you made yourself.
"""
RULES = """\
1. One account per person and one team per person in this challenge.
2. Up to {daily} scored submissions per team per day (reset at 00:00 UTC); files that fail
   validation do not count.
3. Do not try to identify real people: the data is synthetic, and so must your method's use be.
4. Mark up to {finals} submissions as final; if you mark none, your best {finals} by public score
   count for the private leaderboard.
5. Winners share their code and a short write-up with the organisers.
"""


logger = logging.getLogger(__name__)


class TemplateError(ServiceError):
    pass


STEP_QUEUED = gettext_noop("Waiting for a worker to start")
STEP_CORPUS = gettext_noop("Generating the synthetic corpus of ads")
STEP_REFERENCES = gettext_noop("Scoring the simple reference methods against the truth")
STEP_CHALLENGE = gettext_noop("Creating the challenge, its phase and its data files")
STEP_TRUTH = gettext_noop("Checking the hidden ground truth")
STEP_DONE = gettext_noop("The challenge is ready")
TEMPLATE_TASK = "competitions.tasks.create_challenge_from_template"


def _check_template_options(*, event: Event, slug: str, n_ads: int) -> None:
    if Challenge.objects.filter(event=event, slug=slug).exists():
        raise TemplateError(
            _("This event already has a challenge at “%(slug)s”.") % {"slug": slug}, field="slug"
        )
    if not 100 <= n_ads <= 1_000_000:
        raise TemplateError(_("Choose between 100 and 1,000,000 ads."), field="n_ads")


@transaction.atomic
def template_job_start(*, event: Event, actor, options: dict) -> TemplateJob:
    """Queue the generation (it takes seconds to minutes): the page follows the job's row."""
    require(actor, "event.manage", event)
    _check_template_options(event=event, slug=options["slug"], n_ads=options["n_ads"])
    job = TemplateJob.objects.create(event=event, actor=actor, options=options, step=STEP_QUEUED)
    job_id = str(job.pk)
    # Found by its registered name (``competitions/tasks.py``): services never import tasks.
    transaction.on_commit(lambda: current_app.tasks[TEMPLATE_TASK].apply_async(args=[job_id]))
    return job


def template_job_run(*, job_id: str) -> str:
    """Run a queued job once (a redelivered message finds it taken and does nothing)."""
    claimed = TemplateJob.objects.filter(pk=job_id, state=TemplateJob.State.QUEUED).update(
        state=TemplateJob.State.RUNNING
    )
    if not claimed:
        return "skipped"
    job = TemplateJob.objects.select_related("event", "actor").get(pk=job_id)

    def progress(step: str) -> None:
        TemplateJob.objects.filter(pk=job.pk).update(step=step)

    try:
        challenge = challenge_create_from_template(
            event=job.event, actor=job.actor, progress=progress, **job.options
        )
    except ServiceError as error:
        _job_finish(job, state=TemplateJob.State.FAILED, error=str(error))
        return "failed"
    except Exception:
        logger.exception("template job %s failed", job_id)
        with as_reader(job.actor):
            message = _("The platform could not generate the challenge; nothing was created. "
                        "Try again, or ask the site's administrators.")  # fmt: skip
        _job_finish(job, state=TemplateJob.State.FAILED, error=message)
        return "error"
    _job_finish(job, state=TemplateJob.State.DONE, challenge=challenge)
    return "done"


def _job_finish(job: TemplateJob, **fields) -> None:
    TemplateJob.objects.filter(pk=job.pk).update(
        finished_at=timezone.now(),
        step=STEP_DONE if fields["state"] == TemplateJob.State.DONE else job.step,
        **fields,
    )


def challenge_create_from_template(
    *,
    event: Event,
    actor,
    title: str,
    slug: str,
    n_ads: int = 10_000,
    seed: int = 0,
    preset: str = DEFAULT_PRESET,
    public_share: float | None = None,
    primary_metric: str = "pairwise_f1",
    daily_limit: int = 5,
    days: int = 30,
    starts_at: dt.datetime | None = None,
    progress=None,
) -> Challenge:
    """Generate the corpus and create the challenge, its data files, a phase and its truth.
    The corpus has the difficulty ``preset`` (`starter.generate.PRESETS`). The simple reference
    methods are scored against the truth right away and kept on the challenge for the organisers,
    so they know what a team must beat. ``progress(step)`` is told each step (a source text) as
    it starts. ``public_share`` None: the preset's share for the corpus size (half the ads up to
    6,000, tapering to 30 % from 10,000: a small corpus needs more Public pairs for a steady
    board; `starter/README.md`).
    """
    require(actor, "event.manage", event)
    progress = progress or (lambda step: None)
    if preset not in PRESETS:
        raise TemplateError(_("Choose a difficulty: easy, standard or hard."), field="preset")
    _check_template_options(event=event, slug=slug, n_ads=n_ads)
    if public_share is None:
        public_share = preset_public_share(n_ads)
    starts_at = starts_at or timezone.now()
    work = Path(tempfile.mkdtemp(prefix="datajam-template-"))
    try:
        progress(STEP_CORPUS)
        summary = generate_corpus(work, preset, n_ads=n_ads, seed=seed, public_share=public_share)
        progress(STEP_REFERENCES)
        references = reference_scores(work / "ads.csv", work / "truth.csv", work)
        progress(STEP_CHALLENGE)
        with translation.override("en"):  # the template's texts are in English
            summary_text = _("Predict which ads were posted by the same operator.")
        with transaction.atomic():
            challenge = challenge_create(
                event=event,
                actor=actor,
                data={
                    "slug": slug,
                    "title": title,
                    "summary": summary_text,
                    "description": DESCRIPTION,
                    "evaluation": EVALUATION.format(
                        metric=primary_metric.replace("_", " "), public=public_share
                    ),
                    "rules": RULES.format(daily=daily_limit, finals=2),
                    "content_language": "en",
                    "task": "ad-linkage",
                    "primary_metric": primary_metric,
                },
            )
            challenge.generated_corpus = {
                "preset": preset,
                "n_ads": n_ads,
                "seed": seed,
                "public_share": public_share,
                "operators": summary.get("n_operators"),
                "references": references,
            }
            challenge.save(update_fields=["generated_corpus"])
            phase = phase_create(
                challenge=challenge,
                actor=actor,
                data={
                    "name": _("Competition"),
                    "order": 1,
                    "starts_at": starts_at,
                    "ends_at": starts_at + dt.timedelta(days=days),
                    "daily_limit": daily_limit,
                },
            )
            for name, kind, description in [
                ("ads.csv", DataFile.Kind.TEST, _("The ads to link.")),
                ("sample_submission.csv", DataFile.Kind.SAMPLE, _("Every ad on its own.")),
            ]:
                with open(work / name, "rb") as handle:
                    datafile_add(
                        challenge=challenge,
                        actor=actor,
                        upload=File(handle, name=name),
                        name=name,
                        kind=kind,
                        description=description,
                    )
            progress(STEP_TRUTH)
            with open(work / "truth.csv", "rb") as handle:
                phase_set_truth(phase=phase, uploaded=File(handle, name="truth.csv"), actor=actor)
            log_action(
                event=event,
                actor=actor,
                action="challenge.create_from_template",
                target=challenge,
                data={
                    "n_ads": n_ads,
                    "seed": seed,
                    "preset": preset,
                    "public_share": public_share,
                    "operators": summary.get("n_operators"),
                    "baseline_public_pairwise_f1": references["baseline"]["public"]["pairwise_f1"],
                },
            )
        return challenge
    finally:
        shutil.rmtree(work, ignore_errors=True)
