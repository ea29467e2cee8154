from django.urls import path

from . import views

urlpatterns = [
    path("", views.org_home, name="org_home"),
    path("members/", views.members_list, name="members_list"),
    path("members/<int:member_id>/", views.member_detail, name="member_detail"),
    path("members/<int:member_id>/deactivate/", views.member_deactivate, name="member_deactivate"),
    path("members/<int:member_id>/reactivate/", views.member_reactivate, name="member_reactivate"),
    path("teams/", views.teams_list, name="teams_list"),
    path("teams/<int:team_id>/", views.team_edit, name="team_edit"),
    path("teams/<int:team_id>/delete/", views.team_delete, name="team_delete"),
    path("invitations/", views.invitations_list, name="invitations_list"),
    path("invitations/<int:invitation_id>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("invitations/<int:invitation_id>/resend/", views.invitation_resend, name="invitation_resend"),
    path("invitations/import/", views.roster_import_new, name="roster_import_new"),
    path("invitations/import/<int:import_id>/", views.roster_import_detail, name="roster_import_detail"),
    path("invitations/import/<int:import_id>/report.csv", views.roster_import_report, name="roster_import_report"),
    path("invitations/import/<int:import_id>/resume/", views.roster_import_resume, name="roster_import_resume"),
    path("settings/", views.org_settings, name="org_settings"),
]
