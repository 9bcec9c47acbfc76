"""The demo's judged track (called by ``manage.py seed_demo``): a blend of leaderboard and
judges, three criteria, a project from each demo team, some scores from two judges, prizes
defined but not awarded or published, so a newcomer can walk the judge's and the organiser's
journeys at once. Everything goes through the services, as a person would."""

import datetime as dt

from django.utils import timezone

from competitions.models import Challenge, Submission

from .models import ScoreSheet, Track
from .services.assignments import assignments_make
from .services.prizes import prize_create
from .services.projects import project_save
from .services.scoresheets import scoresheet_save_draft, scoresheet_submit
from .services.tracks import criterion_create, track_create

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
]


def seed_judging(*, challenge: Challenge, users: dict) -> Track:
    organiser = users["organiser"]
    track = track_create(
        challenge=challenge,
        actor=organiser,
        data={
            "ranking": Track.Ranking.BLEND,
            "leaderboard_weight": 50,
            "handin_deadline": timezone.now() + dt.timedelta(days=3),
            "assignment": Track.Assignment.ALL,
        },
    )
    criteria = [criterion_create(track=track, actor=organiser, data=data) for data in CRITERIA]
    projects = []
    for name, data in PROJECTS.items():
        user = users[name]
        submissions = Submission.objects.filter(
            team__memberships__user=user, state=Submission.State.SCORED
        )
        projects.append(
            project_save(track=track, actor=user, data={**data, "submissions": list(submissions)})
        )
    assignments_make(track=track, actor=organiser)
    plan = [
        ("judge", projects[0], [4, 4, 6], "Clear value for analysts; map is a nice touch.", True),
        ("judge", projects[1], [3, 4, 8], "Good French handling; review queue is promising.", True),
        ("judge2", projects[0], [5, 3, 4], "", True),
        ("judge2", projects[1], [4, None, None], "Still reading the write-up.", False),
    ]
    for judge, project, marks, comment, submit in plan:
        sheet = ScoreSheet.objects.get(project=project, judge=users[judge])
        scores = {c.pk: mark for c, mark in zip(criteria, marks, strict=True)}
        service = scoresheet_submit if submit else scoresheet_save_draft
        service(sheet=sheet, actor=users[judge], scores=scores, comment=comment)
    for data in PRIZES:
        prize_create(track=track, actor=organiser, data=data)
    return track
