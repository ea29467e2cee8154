"""/api/v1/: the current user, and everything of one organization under /api/v1/o/<org_slug>/."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(use_regex_path=False)
router.register("members", views.MemberViewSet, basename="api-member")
router.register("teams", views.TeamViewSet, basename="api-team")
router.register("invitations", views.InvitationViewSet, basename="api-invitation")

organization_detail = views.OrganizationDetailViewSet.as_view({"get": "retrieve", "patch": "partial_update"})

urlpatterns = [
    path("me/", views.MeView.as_view(), name="api-me"),
    path("o/<slug:org_slug>/", organization_detail, name="api-organization"),
    path("o/<slug:org_slug>/", include(router.urls)),
]
