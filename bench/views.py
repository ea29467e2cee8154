"""The baseline of the benchmarks: the smallest Django view, behind the same middleware and server.

Mounted at /bench/baseline only when the environment has BENCH_BASELINE=1 (bench/run.py sets it for
the server it starts); it does not exist otherwise. The ceiling it is compared with, the same view
without any middleware, is bench/bare/."""

from django.http import HttpResponse


def baseline(request):
    return HttpResponse(b"ok", content_type="text/plain")
