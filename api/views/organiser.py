"""For an event's organisers: queue health, rescoring a phase, the audit log."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from competitions.models import AuditLog, Phase
from competitions.selectors.queue import queue_health, workers_seen
from competitions.services.phases import phase_rescore
from competitions.views.helpers import get_event, get_phase

from ..serializers import (
    AuditEntrySerializer,
    QueueHealthSerializer,
    ReasonSerializer,
    RescoredSerializer,
)
from .base import ApiView, errors


class QueueHealth(ApiView):
    serializer_class = QueueHealthSerializer

    @extend_schema(
        summary="Organisers: the event's scoring queue and the workers seen",
        responses={200: QueueHealthSerializer, **errors(401, 403, 404)},
    )
    def get(self, request, event):
        event = get_event(request, event, action="event.manage")
        health = queue_health(event=event)
        data = {**health.__dict__, "workers": [w.__dict__ for w in workers_seen()]}
        return Response(QueueHealthSerializer(data).data)


class PhaseRescore(ApiView):
    serializer_class = RescoredSerializer

    @extend_schema(
        summary="Organisers: score every finished submission of a phase again",
        request=ReasonSerializer,
        responses={200: RescoredSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request, phase_id):
        phase: Phase = get_phase(request, phase_id)
        form = ReasonSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        count = phase_rescore(phase=phase, actor=request.user, reason=form.validated_data["reason"])
        return Response({"queued": count})


class AuditLogList(ApiView):
    serializer_class = AuditEntrySerializer

    @extend_schema(
        summary="Organisers: the event's audit log, newest first",
        responses={200: AuditEntrySerializer(many=True), **errors(401, 403, 404)},
    )
    def get(self, request, event):
        event = get_event(request, event, action="event.manage")
        entries = (
            AuditLog.objects.filter(event=event)
            .select_related("actor")
            .order_by("-created_at", "-pk")
        )
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(AuditEntrySerializer(page, many=True).data)
