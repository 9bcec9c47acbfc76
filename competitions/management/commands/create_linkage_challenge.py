"""``manage.py create_linkage_challenge EVENT TITLE``: an ad-linkage challenge from the template."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify

from competitions.models import Event
from competitions.services import ServiceError
from competitions.services.challenge_templates import challenge_create_from_template
from starter.generate import DEFAULT_PRESET, PRESET_DESCRIPTIONS, PRESETS


class Command(BaseCommand):
    help = "Create an ad-linkage challenge with a generated corpus, hidden truth and rules."

    def add_arguments(self, parser):
        parser.add_argument("event", help="slug of the event")
        parser.add_argument("title")
        parser.add_argument("--slug", default="")
        parser.add_argument("--ads", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--preset",
            choices=list(PRESETS),
            default=DEFAULT_PRESET,
            help="difficulty of the corpus ("
            + "; ".join(f"{name}: {text}" for name, text in PRESET_DESCRIPTIONS.items())
            + f") default: {DEFAULT_PRESET}",
        )
        parser.add_argument(
            "--public-share",
            type=float,
            default=None,
            help="share of ads on the public board (default: the preset's for the corpus size, "
            "0.5 up to 6,000 ads tapering to 0.3 from 10,000)",
        )
        parser.add_argument("--metric", default="pairwise_f1")
        parser.add_argument("--daily-limit", type=int, default=5)
        parser.add_argument("--days", type=int, default=30)
        parser.add_argument("--as-user", default="", help="e-mail of the acting organiser")

    def handle(self, *args, **o):
        event = Event.objects.filter(slug=o["event"]).first()
        if event is None:
            raise CommandError(f"No event with slug {o['event']!r}.")
        actor = None
        if o["as_user"]:
            actor = get_user_model().objects.filter(email__iexact=o["as_user"]).first()
            if actor is None:
                raise CommandError(f"No user with e-mail {o['as_user']!r}.")
        try:
            challenge = challenge_create_from_template(
                event=event,
                actor=actor,
                title=o["title"],
                slug=o["slug"] or slugify(o["title"]),
                n_ads=o["ads"],
                seed=o["seed"],
                preset=o["preset"],
                public_share=o["public_share"],
                primary_metric=o["metric"],
                daily_limit=o["daily_limit"],
                days=o["days"],
            )
        except (ServiceError, ValueError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(f"Created {challenge.title} ({event.slug}/{challenge.slug}).")
        )
        corpus = challenge.generated_corpus
        self.stdout.write(f"Preset {corpus['preset']}; reference scores (public / private):")
        for method, splits in corpus["references"].items():
            self.stdout.write(
                f"  {method}: pairwise F1 {splits['public']['pairwise_f1']:.3f} / "
                f"{splits['private']['pairwise_f1']:.3f}, B-cubed F1 "
                f"{splits['public']['bcubed_f1']:.3f} / {splits['private']['bcubed_f1']:.3f}"
            )
