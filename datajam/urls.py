from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from api.urls import docs_urlpatterns as api_docs
from competitions.views.health import healthz

# The admin logs in through allauth's login too: the same failed-password limits and the same
# two-factor step, instead of Django's own form that has neither.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("me/", include("accounts.urls")),
    path("api/v1/", include("api.urls")),
    path("api/", include(api_docs)),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("judging.urls")),  # before competitions: /e/<event>/results/
    path("", include("competitions.urls")),
]

# Static files are served by WhiteNoise (and by runserver in development), never by a URL
# pattern: the URLconf is the same whatever DEBUG says when it is first imported.
