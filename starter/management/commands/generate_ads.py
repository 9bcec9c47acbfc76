"""``python manage.py generate_ads --out DIR --n-ads N --seed S``: a thin wrapper of the generator."""

import json

from django.core.management.base import BaseCommand, CommandError

from starter.generate import add_arguments, generate_corpus, options_from


class Command(BaseCommand):
    help = "Write a synthetic ad-linkage corpus: ads.csv, sample_submission.csv and truth.csv."

    def add_arguments(self, parser):
        add_arguments(parser)

    def handle(self, *args, **options):
        try:
            summary = generate_corpus(
                options["out"], options.get("preset"), **options_from(options)
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(summary, indent=2, ensure_ascii=False))
