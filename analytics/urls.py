from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="analytics_dashboard"),
    path("compliance/", views.compliance, name="analytics_compliance"),
    path("moderation/", views.moderation, name="analytics_moderation"),
    path("me/", views.impact, name="analytics_impact"),
    path("settings/", views.analytics_settings, name="analytics_settings"),
    path("summary/", views.summary_subscription, name="analytics_summary"),
    path("export/", views.export_table, name="analytics_export"),
    path("export/bundle/", views.export_bundle, name="analytics_export_bundle"),
]
