"""The benchmark server's URLs: the site's own, then the baseline view (after them, as a page's URL is
resolved after the site's earlier patterns too)."""

from django.urls import path

from advocacy import urls as site
from bench.views import baseline

urlpatterns = [*site.urlpatterns, path("bench/baseline", baseline, name="bench_baseline")]

handler404 = site.handler404
handler500 = site.handler500
