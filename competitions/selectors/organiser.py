"""Reads for the organisers' pages."""

from django.db.models import Count, F
from django.utils.translation import gettext_lazy as _

from ..models import Challenge, Phase, Submission


def phase_submission_counts(phases: list[Phase]) -> dict[int, tuple[int, dict[str, int]]]:
    """Per phase: how many submissions were scored against an older truth, and how many are in
    each state. Two queries whatever the number of phases."""
    result = {phase.pk: (0, dict.fromkeys(Submission.State.values, 0)) for phase in phases}
    rows = (
        Submission.objects.filter(phase__in=phases)
        .values("phase_id", "state")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        result[row["phase_id"]][1][row["state"]] = row["n"]
    stale = (
        Submission.objects.filter(phase__in=phases)
        .exclude(truth_version=F("phase__truth_version"))
        .values("phase_id")
        .annotate(n=Count("pk"))
    )
    for row in stale:
        result[row["phase_id"]] = (row["n"], result[row["phase_id"]][1])
    return result


REFERENCE_METHODS = {
    "contacts": _("Shared phone or e-mail"),
    "exact_text": _("Identical text"),
    "baseline": _("Starter baseline"),
}
PRESET_NAMES = {"easy": _("easy"), "standard": _("standard"), "hard": _("hard")}


def reference_scores(challenge: Challenge) -> dict | None:
    """The generated corpus of a template challenge and its reference methods' scores, for the
    organisers' page; None for a challenge not made from the template."""
    corpus = challenge.generated_corpus or {}
    references = corpus.get("references")
    if not references:
        return None
    rows = [
        {
            "method": REFERENCE_METHODS.get(name, name),
            "public": splits.get("public", {}),
            "private": splits.get("private", {}),
        }
        for name, splits in references.items()
    ]
    return {
        "preset": PRESET_NAMES.get(corpus.get("preset"), corpus.get("preset", "")),
        "n_ads": corpus.get("n_ads"),
        "seed": corpus.get("seed"),
        "rows": rows,
    }
