import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from competitions import models

TRUTH_CSV = (
    "ad_id,cluster_id,usage\n"
    "a1,op1,Public\na2,op1,Public\na3,op1,Private\n"
    "a4,op2,Public\na5,op2,Private\n"
    "a6,solo6,Public\na7,solo7,Private\na8,solo8,Public\n"
)
# Links a1-a2-a3 and a4-a5 exactly: every metric is 1.
PERFECT_CSV = "ad_id,cluster_id\na1,x\na2,x\na3,x\na4,y\na5,y\na6,\na7,\na8,\n"
# Links only a1-a2 on the public side: pairwise precision 1, recall 1/2 on public pairs.
PARTIAL_CSV = "ad_id,cluster_id\na1,x\na2,x\na3,\na4,\na5,\na6,\na7,\na8,\n"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            from allauth.account.models import EmailAddress

            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Event

    slug = factory.Sequence(lambda n: f"event-{n}")
    name = factory.Sequence(lambda n: f"Event {n}")
    is_published = True  # most tests are about a running event; drafts say so


class ChallengeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Challenge

    event = factory.SubFactory(EventFactory)
    slug = factory.Sequence(lambda n: f"challenge-{n}")
    title = factory.Sequence(lambda n: f"Challenge {n}")
    task = "ad-linkage"
    primary_metric = "pairwise_f1"


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Phase

    challenge = factory.SubFactory(ChallengeFactory)
    name = "Development"
    starts_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=10))
    daily_limit = 5
    truth_file = factory.LazyFunction(lambda: ContentFile(TRUTH_CSV.encode(), name="truth.csv"))
    truth_version = 1


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Team

    challenge = factory.SubFactory(ChallengeFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


def add_member(team, user, role=models.Membership.Role.MEMBER, accept_rules=True):
    if accept_rules:
        models.RulesAcceptance.objects.get_or_create(challenge=team.challenge, user=user)
    return models.Membership.objects.create(
        team=team, user=user, challenge=team.challenge, role=role
    )


def upload(content: str | bytes, name: str = "predictions.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="text/csv")


def notification_texts(user) -> list[str]:
    """What the person reads in their notifications (rendered in the active language)."""
    from competitions.selectors.notifications import notification_text

    return [notification_text(n) for n in models.Notification.objects.filter(user=user)]
