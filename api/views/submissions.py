"""Submitting, a submission's state and scores, the team's submissions, final choices,
and rescoring one submission (organisers)."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotAuthenticated
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from competitions.errors import ServiceError
from competitions.models import Submission
from competitions.permissions import can
from competitions.selectors.participation import team_of
from competitions.services.final_selection import submission_set_final
from competitions.services.moderation import submission_moderate
from competitions.services.submissions import submission_create
from competitions.views.helpers import current_phase, get_challenge
from competitions.views.leaderboards import shown_public_scores

from ..serializers import (
    FinalSerializer,
    ReasonSerializer,
    SubmissionSerializer,
    SubmitSerializer,
)
from ..throttles import SubmitThrottle
from .base import ApiView, errors


def submission_context(request, submissions: list[Submission]) -> dict:
    """The permission answers each submission's output depends on, asked once each."""
    shown = shown_public_scores(request.user, submissions)
    answers = {
        s.pk: {
            "raw": can(request.user, "submission.view_raw_score", s),
            "private": can(request.user, "submission.view_private_score", s),
            "shown": shown[s.pk][0],
            "moved": shown[s.pk][1],
        }
        for s in submissions
    }
    return {"request": request, "answers": answers}


def serialize(request, submissions: list[Submission]) -> list:
    context = submission_context(request, submissions)
    return SubmissionSerializer(submissions, many=True, context=context).data


def get_submission(request, submission_id) -> Submission:
    """Someone else's submission answers 404, the same as one that does not exist."""
    submission = get_object_or_404(
        Submission.objects.select_related("phase__challenge__event", "team", "submitted_by"),
        pk=submission_id,
    )
    if not can(request.user, "submission.view", submission):
        if not request.user.is_authenticated:
            raise NotAuthenticated
        raise Http404
    return submission


class NoPhase(ServiceError):
    code = "no_phase"


class ChallengeSubmissions(ApiView):
    serializer_class = SubmissionSerializer
    parser_classes = [MultiPartParser, FormParser]

    def get_throttles(self):
        throttles = super().get_throttles()
        if self.request.method == "POST":
            throttles.append(SubmitThrottle())
        return throttles

    @extend_schema(
        summary="Your team's submissions in this challenge, newest first",
        responses={200: SubmissionSerializer(many=True), **errors(401, 404)},
    )
    def get(self, request, event, challenge):
        challenge = get_challenge(request, event, challenge)
        if not request.user.is_authenticated:
            raise NotAuthenticated
        team = team_of(request.user, challenge)
        queryset = (
            team.submissions.select_related("phase__challenge__event", "team", "submitted_by")
            if team is not None
            else Submission.objects.none()
        )
        page = self.paginate_queryset(queryset.order_by("-created_at"))
        return self.get_paginated_response(serialize(request, page))

    @extend_schema(
        summary="Submit a file to the current phase (multipart: file, note)",
        description="The same checks, messages and quota as the web. Refusals: "
        "`invalid_file` (name, size, header), `quota_exhausted` (the message gives the next "
        "reset), `refused` (rules not accepted, no team, phase closed), `no_phase`.",
        request=SubmitSerializer,
        responses={201: SubmissionSerializer, **errors(400, 401, 404, 429)},
    )
    def post(self, request, event, challenge):
        challenge = get_challenge(request, event, challenge)
        phase = current_phase(challenge, timezone.now())
        if phase is None:
            raise NoPhase(_("This challenge has no phase to submit to."))
        form = SubmitSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        submission = submission_create(
            user=request.user,
            phase=phase,
            uploaded=form.validated_data["file"],
            note=form.validated_data["note"],
        )
        submission = Submission.objects.select_related(
            "phase__challenge__event", "team", "submitted_by"
        ).get(pk=submission.pk)
        return Response(serialize(request, [submission])[0], status=201)


class SubmissionDetail(ApiView):
    serializer_class = SubmissionSerializer

    @extend_schema(
        summary="A submission: state, attempts, warnings, scores you may see",
        responses={200: SubmissionSerializer, **errors(401, 404)},
    )
    def get(self, request, submission_id):
        submission = get_submission(request, submission_id)
        return Response(serialize(request, [submission])[0])


class SubmissionFinal(ApiView):
    serializer_class = SubmissionSerializer

    @extend_schema(
        summary="Mark (final: true) or unmark (final: false) a submission as final",
        request=FinalSerializer,
        responses={200: SubmissionSerializer, **errors(400, 401, 404)},
    )
    def post(self, request, submission_id):
        submission = get_submission(request, submission_id)
        form = FinalSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        submission_set_final(
            submission=submission, user=request.user, final=form.validated_data["final"]
        )
        return Response(serialize(request, [get_submission(request, submission_id)])[0])


class SubmissionRescore(ApiView):
    serializer_class = SubmissionSerializer

    @extend_schema(
        summary="Organisers: score one submission again (with a reason)",
        request=ReasonSerializer,
        responses={200: SubmissionSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request, submission_id):
        submission = get_submission(request, submission_id)
        form = ReasonSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        submission_moderate(
            submission=submission,
            action="rescore",
            reason=form.validated_data["reason"],
            actor=request.user,
        )
        return Response(serialize(request, [get_submission(request, submission_id)])[0])
