"""The demo's judged track (called by ``manage.py seed_demo``): a blend of leaderboard and
judges, two panels ("Technical", judged by judge@; "Impact on victims' services", judged by
judge2@, weighing twice as much) with three criteria between them, a project from each demo
team screened eligible, some scores, a community vote that has closed with three ballots
waiting for the organisers' review (one from an account made minutes before voting, so the
review shows a signal), and prizes, a community-choice prize among them, defined but not
awarded or published, so a newcomer can walk the judge's and the organiser's journeys at once.
Everything goes through the services, as a person would."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.backends import forget_user
from competitions.models import Challenge, Submission

from .models import ScoreSheet, Track
from .services.assignments import assignments_make
from .services.panels import panel_save
from .services.prizes import prize_create
from .services.projects import project_save
from .services.scoresheets import scoresheet_save_draft, scoresheet_submit
from .services.screening import project_screen
from .services.tracks import criterion_create, track_create, track_update
from .services.votes import vote_cast

CRITERIA = [
    {
        "name": "Impact for investigators",
        "description": "Would an analyst fighting exploitation use it tomorrow?",
        "weight": 3, "scale_min": 1, "scale_max": 5, "order": 1,
    },
    {
        "name": "Technical quality",
        "description": "Sound method, honest evaluation, code others can run.",
        "weight": 2, "scale_min": 1, "scale_max": 5, "order": 2,
    },
    {
        "name": "Use of French-language ads",
        "description": "Does it handle the French half of the corpus as well as the English?",
        "weight": 1, "scale_min": 0, "scale_max": 10, "order": 3,
    },
]  # fmt: skip

PROJECTS = {
    "alice": {
        "title": "Phone-chain explorer",
        "summary": (
            "A web app that links ads by **normalised phone numbers** and shows each operator's "
            "ads on a map of Canadian cities.\n\n- Handles `4I6 555 O134` and spelled-out digits"
            "\n- Exports clusters as CSV for case files"
        ),
        "repository_url": "https://example.org/buyer-resist/phone-chains",
        "demo_url": "https://example.org/buyer-resist/demo",
    },
    "carol": {
        "title": "North Star linker",
        "summary": (
            "Text near-duplicates (MinHash) joined with contact details; a review queue lets an "
            "analyst confirm or split each proposed operator."
        ),
        "repository_url": "https://example.org/north-star/linker",
        "demo_url": "",
    },
}

PRIZES = [
    {"kind": "place", "place": 1, "description": "CA$3,000 and a place in the partner incubator"},
    {"kind": "place", "place": 2, "description": "CA$1,500"},
    {
        "kind": "special",
        "name": "Best use of French-language data",
        "description": "An invitation to present at the next DataJam",
    },
    {
        "kind": "community",
        "name": "Community choice",
        "description": "Chosen by the community vote: a year of cloud credits",
    },
]
# Criterion (by its order in CRITERIA) → panel.
PANELS = [
    ("Technical", 1, "judge", [1]),
    ("Impact on victims' services", 2, "judge2", [0, 2]),
]


def seed_judging(*, challenge: Challenge, users: dict) -> Track:
    organiser = users["organiser"]
    now = timezone.now()
    track = track_create(
        challenge=challenge,
        actor=organiser,
        data={
            "ranking": Track.Ranking.BLEND,
            "leaderboard_weight": 50,
            "handin_deadline": now + dt.timedelta(days=3),
            "assignment": Track.Assignment.ALL,
            "require_screening": True,
            "vote_opens_at": now - dt.timedelta(days=2),
            "vote_closes_at": now + dt.timedelta(hours=1),
        },
    )
    panels = [
        panel_save(track=track, actor=organiser, name=name, weight=weight, judges=[users[judge]])
        for name, weight, judge, _criteria in PANELS
    ]
    owner = {index: panel for panel, row in zip(panels, PANELS, strict=True) for index in row[3]}
    criteria = [
        criterion_create(track=track, actor=organiser, data={**data, "panel": owner[index]})
        for index, data in enumerate(CRITERIA)
    ]
    projects = []
    for name, data in PROJECTS.items():
        user = users[name]
        submissions = Submission.objects.filter(
            team__memberships__user=user, state=Submission.State.SCORED
        )
        project = project_save(
            track=track, actor=user, data={**data, "submissions": list(submissions)}
        )
        projects.append(project_screen(project=project, actor=organiser, eligible=True))
    assignments_make(track=track, actor=organiser)
    # (judge, project, {criterion index: mark}, comment, feedback, submit)
    plan = [
        ("judge", projects[0], {1: 4}, "Solid code.", "Show how you tested the phone parser.",
         True),
        ("judge", projects[1], {1: 4}, "", "The review queue is a strong idea.", True),
        ("judge2", projects[0], {0: 5, 2: 4}, "Clear value for analysts.",
         "Analysts would use the map tomorrow.", True),
        ("judge2", projects[1], {0: 4}, "Still reading the write-up.", "", False),
    ]  # fmt: skip
    for judge, project, marks, comment, feedback, submit in plan:
        sheet = ScoreSheet.objects.get(project=project, judge=users[judge])
        scores = {criteria[index].pk: mark for index, mark in marks.items()}
        service = scoresheet_submit if submit else scoresheet_save_draft
        service(sheet=sheet, actor=users[judge], scores=scores, comment=comment, feedback=feedback)
    _seed_votes(track, users, projects)
    for data in PRIZES:
        prize_create(track=track, actor=organiser, data=data)
    return track


def _seed_votes(track: Track, users: dict, projects: list) -> None:
    """Alice and Carol vote for each other's project; a fresh account votes a minute after
    signing up. Then the window closes, so the organiser's review is the next step."""
    fresh, created = get_user_model().objects.get_or_create(
        username="newcomer", defaults={"email": "newcomer@datajam.local"}
    )
    if created:
        from allauth.account.models import EmailAddress

        fresh.set_password("datajam-demo")
        fresh.save()
        EmailAddress.objects.create(user=fresh, email=fresh.email, verified=True, primary=True)
    # The demo's people signed up long before the vote; only the newcomer is fresh.
    get_user_model().objects.filter(pk__in=[users["alice"].pk, users["carol"].pk]).update(
        date_joined=timezone.now() - dt.timedelta(days=30)
    )
    forget_user(users["alice"].pk)
    forget_user(users["carol"].pk)
    for voter, project, ip in [
        (users["alice"], projects[1], "198.51.100.20"),
        (users["carol"], projects[0], "203.0.113.5"),
        (fresh, projects[1], "203.0.113.6"),
    ]:
        vote_cast(track=track, project=project, voter=voter, ip=ip)
    track_update(
        track=track,
        actor=users["organiser"],
        data={"vote_closes_at": timezone.now() - dt.timedelta(minutes=1)},
    )
