"""Scoring queue health (organisers)."""

urlpatterns: list = []
