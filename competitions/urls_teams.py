from django.urls import path

from .views import teams

C = "e/<slug:event_slug>/<slug:challenge_slug>/"

urlpatterns = [
    path("teams/join/<str:token>/", teams.join_team, name="join_team"),
    path(C + "rules/accept/", teams.accept_rules, name="accept_rules"),
    path(C + "teams/new/", teams.create_team, name="create_team"),
]
