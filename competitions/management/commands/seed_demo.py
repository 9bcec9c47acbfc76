"""``manage.py seed_demo``: a demo DataJam to click through, created once.

An ad-linkage challenge from the template (synthetic corpus, hidden truth), an organiser, two
judges, two teams with scored submissions and the organisers' baseline, and a judged track
(criteria, both teams' projects, some judges' scores, prizes defined but not yet published; see
``judging/demo.py``). Running it again changes nothing.
"""

import datetime as dt
import tempfile
from pathlib import Path

import pandas as pd
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from competitions.models import Event, EventRole
from competitions.services.challenge_templates import challenge_create_from_template
from competitions.services.submissions import submission_create
from competitions.services.teams import rules_accept, team_create, team_join
from competitions.storage import local_path
from datajam.celery import app as celery_app
from judging.demo import seed_judging
from starter.baseline import predict
from starter.phones import normalise_phone

EVENT_SLUG = "datajam-against-exploitation"
PASSWORD = "datajam-demo"
USERS = {
    "organiser": "organiser@datajam.local",
    "judge": "judge@datajam.local",
    "judge2": "judge2@datajam.local",
    "alice": "alice@datajam.local",
    "bob": "bob@datajam.local",
    "carol": "carol@datajam.local",
}
EVENT_DESCRIPTION = """\
A demo of DataJam: an online competition where teams build tools against human trafficking.
Teams link online ads posted by the same operator; judges review the projects and the organisers
announce the winners.
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
            self.stdout.write(self.style.SUCCESS("Demo event created."))
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {PASSWORD}):"))
        for role, email in USERS.items():
            self.stdout.write(f"  {role:<10} {email}")

    def _user(self, name: str):
        user, created = get_user_model().objects.get_or_create(
            username=name, defaults={"email": USERS[name]}
        )
        if created:
            user.set_password(PASSWORD)
            user.save()
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        return user

    def _seed(self, n_ads: int) -> None:
        now = timezone.now()
        users = {name: self._user(name) for name in USERS}
        with transaction.atomic():
            event = Event.objects.create(
                slug=EVENT_SLUG,
                name="DataJam Against Exploitation (demo)",
                tagline="Build tools that link online ads posted by the same operator.",
                description=EVENT_DESCRIPTION,
                content_language="en",
                starts_at=now - dt.timedelta(days=7),
                ends_at=now + dt.timedelta(days=40),
                is_published=True,
                published_at=now,
            )
            EventRole.objects.create(
                event=event, user=users["organiser"], role=EventRole.Role.ORGANISER
            )
            for judge in ("judge", "judge2"):
                EventRole.objects.create(event=event, user=users[judge], role=EventRole.Role.JUDGE)
            challenge = challenge_create_from_template(
                event=event,
                actor=users["organiser"],
                title="Link the ads",
                slug="ad-linkage",
                n_ads=n_ads,
                seed=2021,
                preset="standard",
                starts_at=now - dt.timedelta(days=7),
                days=40,
            )
            challenge.max_team_size = 4
            challenge.merger_deadline = now + dt.timedelta(days=20)
            challenge.save(update_fields=["max_team_size", "merger_deadline"])
        self._submissions(challenge, users)
        seed_judging(challenge=challenge, users=users)

    def _submissions(self, challenge, users) -> None:
        """Real submissions through the real service, scored in-process."""
        phase = challenge.phases.get()
        work = Path(tempfile.mkdtemp(prefix="datajam-demo-"))
        ads_file = challenge.data_files.get(name="ads.csv").file
        with local_path(ads_file) as ads_path:
            predict(ads_path, work / "baseline.csv")
            ads = pd.read_csv(ads_path, dtype=str, keep_default_na=False)
        pd.DataFrame({"ad_id": ads["ad_id"], "cluster_id": ""}).to_csv(
            work / "singles.csv", index=False
        )
        written = ads["phone"].str.replace(r"\D", "", regex=True)
        pd.DataFrame(
            {"ad_id": ads["ad_id"], "cluster_id": written.where(written.str.len() >= 10, "")}
        ).to_csv(work / "phones_as_written.csv", index=False)
        normalised = ads["phone"].map(lambda text: normalise_phone(text) or "")
        pd.DataFrame({"ad_id": ads["ad_id"], "cluster_id": normalised}).to_csv(
            work / "phones_normalised.csv", index=False
        )

        for name, user in users.items():
            if not name.startswith("judge"):  # judges never take part in the event they judge
                rules_accept(challenge=challenge, user=user)
        team_create(
            challenge=challenge, user=users["organiser"], name="Organisers' baseline",
            is_baseline=True,
        )  # fmt: skip
        buyer = team_create(challenge=challenge, user=users["alice"], name="Buyer Resist")
        team_join(team=buyer, user=users["bob"])
        team_create(challenge=challenge, user=users["carol"], name="North Star")

        plan = [
            ("organiser", "baseline.csv", "TF-IDF + contacts baseline (starter kit)"),
            ("alice", "singles.csv", "first try: every ad alone"),
            ("bob", "phones_as_written.csv", "link ads whose phone digits match as written"),
            ("carol", "phones_normalised.csv", "phones normalised (4I6 → 416, words → digits)"),
        ]
        eager = celery_app.conf.task_always_eager
        celery_app.conf.task_always_eager = True
        try:
            for name, filename, note in plan:
                path = work / filename
                with open(path, "rb") as handle, transaction.atomic():
                    upload = File(handle, name=filename)
                    submission_create(user=users[name], phase=phase, uploaded=upload, note=note)
        finally:
            celery_app.conf.task_always_eager = eager
