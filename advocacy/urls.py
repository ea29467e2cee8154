from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from advocacy.api.docs import ApiDocsView
from advocacy.core import registry
from advocacy.core import views as core_views

# Each app declares its URLs in its registration (advocacy/core/registry.py): nothing to add here.
urlpatterns = [
    # first: the apps' root routes, the fastest URLs of the product (tracked links /l/<code>, no session)
    *registry.root_urlpatterns(),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("", core_views.home, name="home"),
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("advocacy.accounts.urls")),
    path("invitations/", include("advocacy.tenancy.public_urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("advocacy.api.urls")),
    # one organization prefix, then each app's own: a page resolves after a few prefix comparisons
    path("o/<slug:org_slug>/", include(registry.page_urlpatterns())),
    path("api/v1/o/<slug:org_slug>/", include(registry.api_urlpatterns())),
]

handler404 = "advocacy.core.views.page_not_found"
handler500 = "advocacy.core.views.server_error"
