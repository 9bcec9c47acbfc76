"""Events, challenges, phases with the caller's quota, rules, data files, the caller's team."""

import re

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework.exceptions import NotAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from competitions.models import DataFile, RulesAcceptance
from competitions.selectors.participation import events_visible_to, has_accepted_rules, team_of
from competitions.selectors.quotas import team_quota
from competitions.services.teams import rules_accept
from competitions.views.helpers import current_phase, get_challenge, get_event

from ..renderers import FileRenderer
from ..serializers import (
    ChallengeDetailSerializer,
    ChallengeSerializer,
    DataFileSerializer,
    ErrorSerializer,
    EventDetailSerializer,
    EventSerializer,
    PhaseSerializer,
    RulesAcceptedSerializer,
    TeamSerializer,
)
from .base import ApiView, errors

# Resuming a download: "bytes=N-" (the rest from byte N); other forms get the whole file.
RANGE = re.compile(r"bytes=(\d{1,15})-")


def phase_context(request, challenge) -> dict:
    """The phases, the current one and the caller's team's quota in each."""
    now = timezone.now()
    phases = list(challenge.phases.all())
    team = team_of(request.user, challenge)
    quotas = {p.pk: team_quota(team=team, phase=p, now=now) for p in phases} if team else {}
    return {
        "request": request,
        "now": now,
        "phases": phases,
        "current_phase": current_phase(challenge, now),
        "quotas": quotas,
    }


class EventList(ApiView):
    serializer_class = EventSerializer

    def get_queryset(self):
        return events_visible_to(self.request.user).order_by("-starts_at", "name", "pk")

    @extend_schema(summary="Events you may see", responses={200: EventSerializer(many=True)})
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(EventSerializer(page, many=True).data)


class EventDetail(ApiView):
    serializer_class = EventDetailSerializer

    @extend_schema(
        summary="An event and its challenges", responses={200: EventDetailSerializer, **errors(404)}
    )
    def get(self, request, event):
        return Response(EventDetailSerializer(get_event(request, event)).data)


class ChallengeList(ApiView):
    serializer_class = ChallengeSerializer

    @extend_schema(
        summary="An event's challenges",
        responses={200: ChallengeSerializer(many=True), **errors(404)},
    )
    def get(self, request, event):
        event = get_event(request, event)
        page = self.paginate_queryset(event.challenges.select_related("event").order_by("pk"))
        return self.get_paginated_response(ChallengeSerializer(page, many=True).data)


class ChallengeDetail(ApiView):
    serializer_class = ChallengeDetailSerializer

    @extend_schema(
        summary="A challenge: phases with your quota, data files, whether you accepted the rules",
        responses={200: ChallengeDetailSerializer, **errors(404)},
    )
    def get(self, request, event, challenge):
        challenge = get_challenge(request, event, challenge)
        context = phase_context(request, challenge)
        context["rules_accepted"] = has_accepted_rules(request.user, challenge)
        return Response(ChallengeDetailSerializer(challenge, context=context).data)


class PhaseList(ApiView):
    serializer_class = PhaseSerializer
    pagination_class = None

    @extend_schema(
        summary="A challenge's phases: dates, limits and your team's quota (left today, total "
        "left, next reset in UTC)",
        responses={200: PhaseSerializer(many=True), **errors(404)},
    )
    def get(self, request, event, challenge):
        challenge = get_challenge(request, event, challenge)
        context = phase_context(request, challenge)
        return Response(PhaseSerializer(context["phases"], many=True, context=context).data)


class CurrentQuota(ApiView):
    serializer_class = PhaseSerializer

    @extend_schema(
        summary="The current phase with your team's quota",
        responses={200: PhaseSerializer, **errors(401, 404)},
    )
    def get(self, request, event, challenge):
        challenge = get_challenge(request, event, challenge)
        context = phase_context(request, challenge)
        phase = context["current_phase"]
        if phase is None:
            return Response(
                {"error": {"code": "no_phase", "message": _("This challenge has no phase.")}},
                status=404,
            )
        return Response(PhaseSerializer(phase, context=context).data)


class AcceptRules(ApiView):
    serializer_class = RulesAcceptedSerializer

    @extend_schema(
        summary="Accept the challenge's rules (needed to download data and submit)",
        request=None,
        responses={200: RulesAcceptedSerializer, **errors(400, 401, 404)},
    )
    def post(self, request, event, challenge):
        challenge = get_challenge(request, event, challenge)
        acceptance: RulesAcceptance = rules_accept(challenge=challenge, user=request.user)
        return Response(
            RulesAcceptedSerializer({"accepted": True, "accepted_at": acceptance.accepted_at}).data
        )


class FileList(ApiView):
    serializer_class = DataFileSerializer

    @extend_schema(
        summary="The challenge's public data files (downloading needs the rules accepted)",
        responses={200: DataFileSerializer(many=True), **errors(404)},
    )
    def get(self, request, event, challenge):
        challenge = get_challenge(request, event, challenge)
        files = challenge.data_files.select_related("challenge__event").order_by("pk")
        page = self.paginate_queryset(files)
        data = DataFileSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)


class FileDownload(ApiView):
    renderer_classes = [JSONRenderer, FileRenderer]

    @extend_schema(
        summary="Download a public data file (Range: bytes=N- resumes from byte N)",
        parameters=[
            OpenApiParameter(
                "Range", str, OpenApiParameter.HEADER, description="bytes=N- to resume"
            )
        ],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY),
            (206, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The rest of the file, from byte N."
            ),
            **errors(401, 403, 404),
            416: OpenApiResponse(ErrorSerializer, description="The range starts past the end."),
        },
    )
    def get(self, request, event, challenge, file_id):
        challenge = get_challenge(request, event, challenge, action="challenge.download")
        data_file = get_object_or_404(DataFile, pk=file_id, challenge=challenge)
        size = data_file.file.size
        wanted = RANGE.fullmatch(request.headers.get("Range", "").strip())
        start = int(wanted[1]) if wanted else 0
        if start and start >= size:
            response = Response(
                {
                    "error": {
                        "code": "range_not_satisfiable",
                        "message": _("The file has only %(n)d bytes.") % {"n": size},
                    }
                },
                status=416,
            )
            response["Content-Range"] = f"bytes */{size}"
            return response
        handle = data_file.file.open("rb")
        handle.seek(start)
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=data_file.name,
            content_type="application/octet-stream",
            status=206 if start else 200,
        )
        response["Content-Length"] = str(size - start)
        response["Accept-Ranges"] = "bytes"
        if start:
            response["Content-Range"] = f"bytes {start}-{size - 1}/{size}"
        return response


class MyTeam(ApiView):
    serializer_class = TeamSerializer

    @extend_schema(
        summary="Your team in this challenge", responses={200: TeamSerializer, **errors(401, 404)}
    )
    def get(self, request, event, challenge):
        challenge = get_challenge(request, event, challenge)
        if not request.user.is_authenticated:
            raise NotAuthenticated
        team = team_of(request.user, challenge)
        if team is None:
            return Response(
                {
                    "error": {
                        "code": "no_team",
                        "message": _("Create or join a team before submitting."),
                    }
                },
                status=404,
            )
        return Response(TeamSerializer(team).data)
