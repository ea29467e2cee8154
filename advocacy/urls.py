from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from advocacy.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("", core_views.home, name="home"),
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("advocacy.accounts.urls")),
    path("invitations/", include("advocacy.tenancy.public_urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("advocacy.api.urls")),
    path("o/<slug:org_slug>/", include("advocacy.tenancy.urls")),
    path("o/<slug:org_slug>/audit/", include("advocacy.audit.urls")),
]
