from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "advocacy.audit"
    label = "audit"
