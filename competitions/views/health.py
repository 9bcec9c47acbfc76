"""``/healthz``: JSON for load balancers and monitors; 200 when all is well, else 503."""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from ..selectors.health import platform_health


@never_cache
def healthz(request):
    checks = platform_health()
    ok = all(check.ok for check in checks)
    return JsonResponse(
        {
            "status": "ok" if ok else "failing",
            "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in checks},
        },
        status=200 if ok else 503,
    )
