from django.urls import path

from .api import IncidentViewSet

urlpatterns = [
    path("", IncidentViewSet.as_view({"get": "list", "post": "create"}), name="incidents-api-list"),
    path("<int:incident_id>/", IncidentViewSet.as_view({"get": "retrieve"}), name="incidents-api-detail"),
    path(
        "<int:incident_id>/transition/",
        IncidentViewSet.as_view({"post": "transition"}),
        name="incidents-api-transition",
    ),
    path("<int:incident_id>/notes/", IncidentViewSet.as_view({"post": "notes"}), name="incidents-api-notes"),
]
