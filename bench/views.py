"""The baseline of the benchmarks: the smallest Django view, behind the same middleware and server.

Mounted at /bench/baseline by bench/urls.py, the URLconf of the server bench/run.py starts
(DJANGO_ROOT_URLCONF=bench.urls); it does not exist otherwise. The ceiling it is compared with, the same view
without any middleware, is bench/bare/."""

from django.http import HttpResponse


def baseline(request):
    return HttpResponse(b"ok", content_type="text/plain")
