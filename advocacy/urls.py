import os

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from advocacy.api.docs import ApiDocsView
from advocacy.core import views as core_views
from content_library import views as content_views

urlpatterns = [
    # first: the fastest URL of the product (tracked links, no session, see content_library/links.py)
    path("l/<str:code>", content_views.tracked_link, name="tracked_link"),
    path("l/<str:code>/image", content_views.tracked_link_image, name="tracked_link_image"),
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
    path(
        "o/<slug:org_slug>/",
        include(
            [
                path("content/", include("content_library.urls")),
                path("policies/", include("policies.urls")),
                path("audit/", include("advocacy.audit.urls")),
                path("", include("advocacy.tenancy.urls")),
            ]
        ),
    ),
    path("api/v1/o/<slug:org_slug>/policies/", include("policies.api_urls")),
    path("api/v1/o/<slug:org_slug>/content/", include("content_library.api_urls")),
]

# The benchmarks' baseline view (bench/run.py): mounted only in the server the benchmark starts.
if os.environ.get("BENCH_BASELINE") == "1":
    from bench.views import baseline

    urlpatterns += [path("bench/baseline", baseline, name="bench_baseline")]

handler404 = "advocacy.core.views.page_not_found"
handler500 = "advocacy.core.views.server_error"
