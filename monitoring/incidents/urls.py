from django.urls import path

from .views import incidents, plan

urlpatterns = [
    path("", incidents.incident_list, name="incidents_list"),
    path("declare/", incidents.incident_declare, name="incidents_declare"),
    path("plan/", plan.plan_detail, name="incidents_plan"),
    path("plan/edit/", plan.plan_edit, name="incidents_plan_edit"),
    path("plan/reviewed/", plan.plan_reviewed, name="incidents_plan_reviewed"),
    path("plan/history/", plan.plan_history, name="incidents_plan_history"),
    path("plan/notifications/", plan.plan_notifications, name="incidents_plan_notifications"),
    path("<int:incident_id>/", incidents.incident_detail, name="incidents_detail"),
    path("<int:incident_id>/transition/", incidents.incident_transition, name="incidents_transition"),
    path("<int:incident_id>/severity/", incidents.incident_severity, name="incidents_severity"),
    path("<int:incident_id>/checklist/", incidents.incident_step, name="incidents_step"),
    path("<int:incident_id>/notes/", incidents.incident_note, name="incidents_note"),
    path("<int:incident_id>/responders/", incidents.incident_responders, name="incidents_responders"),
    path("<int:incident_id>/review/", incidents.incident_review, name="incidents_review"),
]
