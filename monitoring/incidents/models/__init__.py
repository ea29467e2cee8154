"""The incident response plan and incidents. Tenant tables under row-level security; foreign keys between
tenant tables are declared without a database constraint and made composite by the migration."""

from .incidents import Incident, IncidentResponder, IncidentStep, Severity, TimelineEntry, WebhookDelivery
from .plan import EscalationContact, HoldingStatement, PlanReviewReminder, PlanRole, PlanStep, PlanVersion, ResponsePlan

__all__ = [
    "EscalationContact",
    "HoldingStatement",
    "Incident",
    "IncidentResponder",
    "IncidentStep",
    "PlanReviewReminder",
    "PlanRole",
    "PlanStep",
    "PlanVersion",
    "ResponsePlan",
    "Severity",
    "TimelineEntry",
    "WebhookDelivery",
]
