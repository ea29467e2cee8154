from django.urls import path

from . import views

urlpatterns = [
    path("", views.board, name="recognition_board"),
    path("visibility/", views.visibility, name="recognition_visibility"),
    path("switch/", views.switch, name="recognition_switch"),
    path("settings/", views.recognition_settings, name="recognition_settings"),
]
