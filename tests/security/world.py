"""One event with every kind of object and every role, and every URL of the URLconf filled in.

The security tests (the URL × role matrix, the fuzz test, the leak crawl, the ``next`` sweep)
share it. ``our_urls()`` lists every named route of the project's URLconf; a route it cannot fill
fails the tests that use it, so a new URL needs a value here and expectations there.
"""

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.tokens import api_token_create
from competitions.models import (
    DataFile,
    EventRole,
    MergeRequest,
    RulesAcceptance,
    Submission,
    TeamInvite,
    TemplateJob,
)
from judging.models import (
    Conflict,
    Criterion,
    Panel,
    Prize,
    Project,
    ScoreSheet,
    Track,
    Vote,
)
from tests import factories

# The nine roles of the attack: everyone a page may meet.
ROLES = [
    "visitor",  # not signed in
    "fresh",  # just signed up: no rules accepted, no team, no role
    "participant",  # accepted the rules, no team yet
    "other_organiser",  # organises another event
    "other_team",  # leads another team of the same challenge
    "leader",  # leads the team
    "member",  # the team's other member
    "judge",  # judges this event
    "organiser",  # organises this event
]

# Labels planted in the hidden truth: no participant-reachable response may carry them.
TRUTH_LABELS = [f"truth-label-{uuid.uuid4().hex[:10]}" for _ in range(3)]
TRUTH_CSV = (
    "ad_id,cluster_id,usage\n"
    f"a1,{TRUTH_LABELS[0]},Public\na2,{TRUTH_LABELS[0]},Public\na3,{TRUTH_LABELS[0]},Private\n"
    f"a4,{TRUTH_LABELS[1]},Public\na5,{TRUTH_LABELS[1]},Private\n"
    f"a6,{TRUTH_LABELS[2]},Public\na7,solo7,Private\na8,solo8,Public\n"
)
DATA_MARKER = "public-corpus-marker"
SUBMISSION_MARKER = "team-prediction-marker"
OTHER_SUBMISSION_MARKER = "other-team-prediction-marker"


@dataclass
class World:
    people: dict
    event: object
    challenge: object
    phase: object
    team: object
    other_team: object
    submission: object
    other_submission: object
    objects: dict = field(default_factory=dict)

    def client(self, role: str) -> Client:
        client = Client(raise_request_exception=False)
        person = self.people[role]
        if person.is_authenticated:
            client.force_login(person)
        return client


def _submission(phase, team, user, marker: str) -> Submission:
    return Submission.objects.create(
        phase=phase,
        team=team,
        submitted_by=user,
        file=ContentFile(f"ad_id,cluster_id\na1,{marker}\n".encode(), name="p.csv"),
        original_name="predictions.csv",
        state=Submission.State.SCORED,
        public_score=0.5,
        private_score=0.25,
        public_scores={"pairwise_f1": 0.5},
        private_scores={"pairwise_f1": 0.25},
        finished_at=timezone.now(),
    )


def build_world() -> World:
    phase = factories.PhaseFactory(truth_file=ContentFile(TRUTH_CSV.encode(), name="truth.csv"))
    challenge = phase.challenge
    event = challenge.event
    other_event = factories.EventFactory()
    people = {role: factories.UserFactory() for role in ROLES if role != "visitor"}
    people["visitor"] = AnonymousUser()
    EventRole.objects.create(event=event, user=people["organiser"], role="organiser")
    judge_role = EventRole.objects.create(event=event, user=people["judge"], role="judge")
    EventRole.objects.create(event=other_event, user=people["other_organiser"], role="organiser")
    RulesAcceptance.objects.create(challenge=challenge, user=people["participant"])
    team = factories.TeamFactory(challenge=challenge, name="Buyer Resist")
    factories.add_member(team, people["leader"], role="leader")
    factories.add_member(team, people["member"])
    other_team = factories.TeamFactory(challenge=challenge, name="North Star")
    factories.add_member(other_team, people["other_team"], role="leader")
    data_file = DataFile.objects.create(
        challenge=challenge,
        name="ads.csv",
        kind=DataFile.Kind.TRAIN,
        file=ContentFile(f"ad_id,body\na1,{DATA_MARKER}\n".encode(), name="ads.csv"),
        size=30,
    )
    submission = _submission(phase, team, people["leader"], SUBMISSION_MARKER)
    other_submission = _submission(phase, other_team, people["other_team"], OTHER_SUBMISSION_MARKER)
    from competitions.services.standings import standings_rebuild

    standings_rebuild(phase=phase)
    invite = TeamInvite.objects.create(
        team=team, email=people["fresh"].email, invited_by=people["leader"]
    )
    merge = MergeRequest.objects.create(
        from_team=other_team, to_team=team, requested_by=people["other_team"]
    )
    track = Track.objects.create(
        challenge=challenge, handin_deadline=timezone.now() + dt.timedelta(days=2)
    )
    criterion = Criterion.objects.create(
        track=track, name="Impact", weight=Decimal(1), scale_min=1, scale_max=5
    )
    prize = Prize.objects.create(track=track, kind="place", place=1, name="First place")
    project = Project.objects.create(track=track, team=team, title="Buyer Resist app")
    other_project = Project.objects.create(track=track, team=other_team, title="North Star app")
    sheet = ScoreSheet.objects.create(judge=people["judge"], project=project)
    panel = Panel.objects.create(track=track, name="Panel A")
    vote = Vote.objects.create(
        track=track, project=other_project, voter=people["member"],
        created_at=timezone.now(), updated_at=timezone.now(),
    )  # fmt: skip
    job = TemplateJob.objects.create(event=event, actor=people["organiser"])
    conflict = Conflict.objects.create(
        judge=people["judge"], team=other_team, declared_by=people["judge"]
    )
    return World(
        people=people, event=event, challenge=challenge, phase=phase, team=team,
        other_team=other_team, submission=submission, other_submission=other_submission,
        objects={
            "other_event": other_event, "data_file": data_file, "invite": invite,
            "merge": merge, "track": track, "criterion": criterion, "prize": prize,
            "project": project, "other_project": other_project, "conflict": conflict,
            "judge_role": judge_role, "sheet": sheet, "panel": panel, "vote": vote, "job": job,
            "api_token": api_token_create(user=people["leader"], name="laptop")[0],
        },
    )  # fmt: skip


# --- the URLconf --------------------------------------------------------------------------------

# Third-party and framework routes: tested by their projects (allauth, Django's admin and
# i18n); our own settings around them (login limits, MFA, admin through allauth) have tests.
THIRD_PARTY = ("admin", "account_", "mfa_", "socialaccount_", "javascript-catalog")


def _named_routes(resolver=None, namespace: str = ""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}{entry.namespace}:"
            if entry.app_name == "admin" or entry.namespace == "admin":
                continue
            yield from _named_routes(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace + entry.name, entry


def our_routes() -> dict[str, list[str]]:
    """Every named route of ours: ``{"competitions:team": [parameter names]}``."""
    routes = {}
    for name, pattern in _named_routes():
        if name.split(":")[-1].startswith(THIRD_PARTY):
            continue
        routes[name] = list(pattern.pattern.regex.groupindex)
    return routes


def url_values(world: World) -> dict[str, str]:
    o = world.objects
    return {
        "event_slug": world.event.slug,
        "challenge_slug": world.challenge.slug,
        "phase_id": str(world.phase.pk),
        "team_id": str(world.team.pk),
        "submission_id": str(world.submission.pk),
        "file_id": str(o["data_file"].pk),
        "role_id": str(o["judge_role"].pk),
        "invite_id": str(o["invite"].pk),
        "merge_id": str(o["merge"].pk),
        "decision": "accept",
        "project_id": str(o["project"].pk),
        "conflict_id": str(o["conflict"].pk),
        "criterion_id": str(o["criterion"].pk),
        "prize_id": str(o["prize"].pk),
        "token_id": str(o["api_token"].pk),
        "sheet_id": str(o["sheet"].pk),
        "panel_id": str(o["panel"].pk),
        "vote_id": str(o["vote"].pk),
        "job_id": str(o["job"].pk),
        # the API's names
        "event": world.event.slug,
        "challenge": world.challenge.slug,
    }


# Where one parameter name means different objects in different routes.
PER_ROUTE = {
    "competitions:join_team": lambda w: {"token": w.team.invite_token},
    "competitions:team_invite": lambda w: {"token": w.objects["invite"].token},
}


def url_for(world: World, name: str, params: list[str]) -> str:
    values = {**url_values(world), **PER_ROUTE.get(name, lambda w: {})(world)}
    missing = [p for p in params if p not in values]
    assert not missing, f"tests/security/world.py has no value for {missing} of {name}"
    return reverse(name, kwargs={p: values[p] for p in params})
