"""URLs of the competitions app, one module per concern (see each ``urls_*.py``)."""

from .urls_organiser import urlpatterns as organiser_urls
from .urls_public import urlpatterns as public_urls
from .urls_queue import urlpatterns as queue_urls
from .urls_teams import urlpatterns as team_urls

app_name = "competitions"
urlpatterns = organiser_urls + queue_urls + team_urls + public_urls
