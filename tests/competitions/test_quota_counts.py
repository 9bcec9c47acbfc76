"""The quota's counts, written as one SQL statement (``selectors.quotas._counts``), agree with
the same counts made by the ORM over a team's mixed submissions: today's and yesterday's, ones
that count and ones that do not, file failures with and without a limit hit, final ones, and
other teams' and phases' rows that must not count."""

import datetime as dt
import itertools

import pytest
from django.db.models import Q
from django.utils import timezone

from competitions.models import Submission
from competitions.selectors.quotas import team_quota, utc_day_bounds
from tests import factories

pytestmark = pytest.mark.django_db


def orm_counts(team, phase, now) -> dict:
    start, end = utc_day_bounds(now)
    rows = Submission.objects.filter(team=team, phase=phase)
    today = Q(created_at__gte=start, created_at__lt=end)
    file_failed = today & Q(failure=Submission.Failure.FILE)
    return {
        "used_today": rows.filter(today, counts_for_quota=True).count(),
        "total_used": rows.filter(counts_for_quota=True).count(),
        "failed_today": rows.filter(file_failed).count(),
        "limit_failures_today": rows.filter(file_failed).exclude(limit_hit="").count(),
        "final_chosen": rows.filter(is_final=True).count(),
    }


def test_the_counts_agree_with_the_orm():
    phase = factories.PhaseFactory(daily_limit=50, total_limit=None)
    other_phase = factories.PhaseFactory(challenge=phase.challenge)
    team = factories.TeamFactory(challenge=phase.challenge)
    other_team = factories.TeamFactory(challenge=phase.challenge)
    user = factories.UserFactory()
    now = timezone.now()
    start, _end = utc_day_bounds(now)
    kinds = itertools.product(
        [True, False],  # counts for quota
        ["", Submission.Failure.FILE],  # failure
        ["", "memory"],  # limit hit
        [True, False],  # final
        [start + dt.timedelta(seconds=1), start - dt.timedelta(seconds=1)],  # today, yesterday
    )
    made = []
    for counts, failure, limit, final, created in kinds:
        for where_team, where_phase in [(team, phase), (other_team, phase), (team, other_phase)]:
            row = Submission.objects.create(
                phase=where_phase, team=where_team, submitted_by=user, file="x.csv",
                original_name="x.csv", size=1, counts_for_quota=counts, failure=failure,
                limit_hit=limit, is_final=final,
            )  # fmt: skip
            made.append((row.pk, created))
    for pk, created in made:
        Submission.objects.filter(pk=pk).update(created_at=created)

    quota = team_quota(team=team, phase=phase, now=now)
    expected = orm_counts(team, phase, now)
    assert {name: getattr(quota, name) for name in expected} == expected
    # Each kind was made once for this team and phase: 32 rows, half of them today.
    assert expected == {
        "used_today": 8,
        "total_used": 16,
        "failed_today": 8,
        "limit_failures_today": 4,
        "final_chosen": 16,
    }


def test_a_team_without_submissions_has_zero_counts():
    phase = factories.PhaseFactory(daily_limit=3, total_limit=10)
    team = factories.TeamFactory(challenge=phase.challenge)
    quota = team_quota(team=team, phase=phase)
    counts = (quota.used_today, quota.total_used, quota.failed_today, quota.final_chosen)
    assert counts == (0, 0, 0, 0)
    assert quota.left_today == 3 and quota.total_left == 10
