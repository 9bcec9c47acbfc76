"""Reads for the organisers' pages."""

from django.db.models import Count, F

from ..models import Phase, Submission


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
