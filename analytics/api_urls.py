from django.urls import path

from .api import AnalyticsViewSet

urlpatterns = [
    path("", AnalyticsViewSet.as_view({"get": "figures"}), name="analytics-api-figures"),
    path("series/", AnalyticsViewSet.as_view({"get": "series"}), name="analytics-api-series"),
    path("breakdowns/", AnalyticsViewSet.as_view({"get": "breakdowns"}), name="analytics-api-breakdowns"),
    path("compliance/", AnalyticsViewSet.as_view({"get": "compliance"}), name="analytics-api-compliance"),
    path("moderation/", AnalyticsViewSet.as_view({"get": "moderation"}), name="analytics-api-moderation"),
    path("me/", AnalyticsViewSet.as_view({"get": "impact"}), name="analytics-api-impact"),
]
