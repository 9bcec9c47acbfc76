"""The public and private leaderboards, whole, as JSON or CSV (the web export's columns)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from competitions.permissions import can, require_two_factor
from competitions.selectors.leaderboards import PRIVATE, PUBLIC, board_all
from competitions.views.helpers import current_phase, get_challenge
from competitions.views.leaderboards import board_export_rows

from ..renderers import CSVRenderer
from ..serializers import LeaderboardSerializer
from .base import ApiView, errors


class Leaderboard(ApiView):
    serializer_class = LeaderboardSerializer
    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(
        summary="A leaderboard, whole (?format=csv for CSV)",
        description="The public board, or the private one (`board=private`) for those who may "
        "see it: organisers and judges, everyone once it is revealed. Released scores only "
        "(under the Ladder) unless you may see raw ones.",
        parameters=[
            OpenApiParameter("board", str, enum=[PUBLIC, PRIVATE], default=PUBLIC),
            OpenApiParameter("phase", int, description="A phase id; the current one if absent."),
            OpenApiParameter("format", str, enum=["json", "csv"], default="json"),
        ],
        responses={
            (200, "application/json"): LeaderboardSerializer,
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR),
            **errors(401, 403, 404),
        },
    )
    def get(self, request, event, challenge):
        challenge = get_challenge(request, event, challenge)
        phase_id = request.query_params.get("phase", "")
        if phase_id:
            phase = get_object_or_404(
                challenge.phases, pk=int(phase_id) if phase_id.isdigit() else 0
            )
        else:
            phase = current_phase(challenge, timezone.now())
            if phase is None:
                phase = get_object_or_404(challenge.phases.none())
        kind = request.query_params.get("board") or PUBLIC
        if kind not in (PUBLIC, PRIVATE):
            kind = PUBLIC
        revealed = (
            phase.private_revealed_at is not None and phase.private_revealed_at <= timezone.now()
        )
        if kind == PRIVATE and not revealed:
            # Staff without the two-factor authentication the event requires are told so.
            require_two_factor(request.user, "event.judge", phase.challenge.event)
        if kind == PRIVATE and not can(request.user, "phase.view_private", phase):
            raise PermissionDenied(
                _("Only organisers and judges see the private leaderboard until it is revealed.")
            )
        raw = can(request.user, "phase.view_raw_scores", phase)
        board = board_all(phase, kind=kind, raw=raw)
        name = f"{challenge.slug}-{phase.pk}-{kind}-leaderboard"
        if request.accepted_renderer.format == "csv":
            header, rows = board_export_rows(board, kind)
            response = Response({"header": header, "rows": rows})
            response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
            return response
        rows = []
        for row in board.rows:
            line = {
                "rank": row.rank,
                "team": row.team_name,
                "baseline": row.is_baseline,
                "score": row.score,
                "metrics": {c.name: row.metrics.get(c.name) for c in board.secondary},
                "entries": row.entries,
                "last_submission_at": row.last_submission_at,
                "raw_score": row.raw if board.show_raw else None,
                "public_rank": row.public_rank if kind == PRIVATE else None,
            }
            rows.append(line)
        data = {
            "event": challenge.event.slug,
            "challenge": challenge.slug,
            "phase": phase.pk,
            "phase_name": phase.name,
            "board": kind,
            "metric": board.metric.name,
            "ladder_step": board.ladder_step if not raw else None,
            "rows": rows,
        }
        return Response(LeaderboardSerializer(data).data)
