"""``manage.py seed_demo``: a demo DataJam to click through, created once.

An ad-linkage challenge on a small synthetic corpus with hidden truth, an organiser, a judge, two
teams with scored submissions and the organisers' baseline. Running it again changes nothing.
"""

import datetime as dt
import tempfile
from pathlib import Path

import pandas as pd
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from starter.baseline import predict
from starter.generate import generate_corpus

from competitions.models import Challenge, DataFile, Event, EventRole, Phase
from competitions.services.phases import phase_set_truth
from competitions.services.submissions import submission_create
from competitions.services.teams import rules_accept, team_create, team_join
from datajam.celery import app as celery_app

EVENT_SLUG = "datajam-against-exploitation"
PASSWORD = "datajam-demo"
USERS = {
    "organiser": "organiser@datajam.local",
    "judge": "judge@datajam.local",
    "alice": "alice@datajam.local",
    "bob": "bob@datajam.local",
    "carol": "carol@datajam.local",
}

DESCRIPTION = """\
Online classified ads are one of the places where exploitation is advertised. The same operator
often posts many ads, across cities, with rotating phone numbers and lightly edited text.
**Your task: find which ads were posted by the same operator.**

The corpus here is synthetic and safe: it keeps the structure that linkage methods exploit and
contains no real person and no explicit content.
"""
EVALUATION = """\
Upload `ad_id,cluster_id`, one row per ad. Ads with the same `cluster_id` are predicted to share an
operator; leave `cluster_id` empty for an ad that stands alone (`-1` is an ordinary label).

The leaderboard ranks by **pairwise F1** over pairs of ads; B-cubed, ARI, NMI, AMI and others are
shown on each submission. The public leaderboard uses about 30 % of the ads; the private one, shown
when the organisers reveal it, uses the rest.
"""
RULES = """\
1. One account per person, one team per person.
2. Up to 5 scored submissions per team per day; files that fail validation do not count.
3. Do not try to identify real people; the data is synthetic.
4. Share code with the organisers on request; winners publish their method.
"""


class Command(BaseCommand):
    help = "Create the demo event (once) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--ads", type=int, default=3000, help="Size of the demo corpus.")

    def handle(self, *args, ads: int, **options):
        if Event.objects.filter(slug=EVENT_SLUG).exists():
            self.stdout.write("The demo event already exists; nothing to do.")
        else:
            self._seed(ads)
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {PASSWORD}):"))
        for role, email in USERS.items():
            self.stdout.write(f"  {role:<10} {email}")

    def _user(self, name: str, **extra):
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=name, defaults={"email": USERS[name], **extra}
        )
        if created:
            user.set_password(PASSWORD)
            user.save()
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        return user

    def _seed(self, n_ads: int) -> None:
        now = timezone.now()
        users = {name: self._user(name) for name in USERS}
        work = Path(tempfile.mkdtemp(prefix="datajam-demo-", dir=settings.VAR_DIR))
        generate_corpus(work, n_ads=n_ads, seed=2021)
        predict(work / "ads.csv", work / "baseline.csv")

        with transaction.atomic():
            event = Event.objects.create(
                slug=EVENT_SLUG,
                name="DataJam Against Exploitation (demo)",
                tagline="Build tools that link online ads posted by the same operator.",
                description=DESCRIPTION,
                starts_at=now - dt.timedelta(days=7),
                ends_at=now + dt.timedelta(days=60),
            )
            EventRole.objects.create(
                event=event, user=users["organiser"], role=EventRole.Role.ORGANISER
            )
            EventRole.objects.create(event=event, user=users["judge"], role=EventRole.Role.JUDGE)
            challenge = Challenge.objects.create(
                event=event,
                slug="ad-linkage",
                title="Link the ads",
                summary="Predict which ads were posted by the same operator.",
                description=DESCRIPTION,
                evaluation=EVALUATION,
                rules=RULES,
                task="ad-linkage",
                primary_metric="pairwise_f1",
                max_team_size=4,
                merger_deadline=now + dt.timedelta(days=30),
            )
            phase = Phase.objects.create(
                challenge=challenge,
                name="Development",
                order=1,
                starts_at=now - dt.timedelta(days=7),
                ends_at=now + dt.timedelta(days=40),
                daily_limit=5,
                total_limit=100,
            )
            Phase.objects.create(
                challenge=challenge,
                name="Final",
                order=2,
                starts_at=now + dt.timedelta(days=40),
                ends_at=now + dt.timedelta(days=47),
                daily_limit=2,
                total_limit=10,
            )
            for name, kind, description in [
                ("ads.csv", DataFile.Kind.TEST, "The ads to link."),
                ("sample_submission.csv", DataFile.Kind.SAMPLE, "Every ad on its own."),
            ]:
                with open(work / name, "rb") as handle:
                    DataFile.objects.create(
                        challenge=challenge,
                        name=name,
                        kind=kind,
                        description=description,
                        file=File(handle, name=name),
                        size=(work / name).stat().st_size,
                    )
            with open(work / "truth.csv", "rb") as handle:
                phase_set_truth(
                    phase=phase, uploaded=File(handle, name="truth.csv"), actor=users["organiser"]
                )

        self._submissions(challenge, phase, users, work)

    def _submissions(self, challenge, phase, users, work: Path) -> None:
        """Real submissions through the real service, scored in-process."""
        ads = pd.read_csv(work / "ads.csv", dtype=str, keep_default_na=False)
        phone_only = work / "phone_only.csv"
        digits = ads["phone"].str.replace(r"\D", "", regex=True)
        pd.DataFrame(
            {"ad_id": ads["ad_id"], "cluster_id": digits.where(digits.str.len() >= 10, "")}
        ).to_csv(phone_only, index=False)
        singles = work / "sample_submission.csv"

        for name in users:
            rules_accept(challenge=challenge, user=users[name])
        baseline = team_create(
            challenge=challenge, user=users["organiser"], name="Organisers' baseline",
            is_baseline=True,
        )  # fmt: skip
        buyer = team_create(challenge=challenge, user=users["alice"], name="Buyer Resist")
        team_join(team=buyer, user=users["bob"])
        team_create(challenge=challenge, user=users["carol"], name="North Star")
        del baseline, buyer

        plan = [
            ("organiser", work / "baseline.csv", "TF-IDF + phones baseline"),
            ("alice", singles, "first try: every ad alone"),
            ("bob", phone_only, "link ads that share a phone number as written"),
            ("carol", phone_only, "phones only"),
        ]
        eager = celery_app.conf.task_always_eager
        celery_app.conf.task_always_eager = True
        try:
            for name, path, note in plan:
                with open(path, "rb") as handle:
                    upload = File(handle, name=path.name)
                    upload.size = path.stat().st_size
                    with transaction.atomic():
                        submission_create(user=users[name], phase=phase, uploaded=upload, note=note)
        finally:
            celery_app.conf.task_always_eager = eager
