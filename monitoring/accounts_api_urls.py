"""API of connected accounts, included by monitoring/api_urls.py (under /api/v1/o/<slug>/monitoring/)."""

from django.urls import path

from .views.accounts_api import ConnectedAccountViewSet

urlpatterns = [
    path("accounts/", ConnectedAccountViewSet.as_view({"get": "list"}), name="monitoring-api-account-list"),
]
