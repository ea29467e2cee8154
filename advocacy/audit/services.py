"""Writing the audit log. Call inside the same transaction as the change it records."""

from advocacy.core.request_context import current_request_info

from .models import AuditEvent


def audit_record(*, organization, actor, action: str, target=None, data: dict | None = None) -> AuditEvent:
    info = current_request_info()
    actor_obj = actor if getattr(actor, "pk", None) else None
    return AuditEvent.objects.unscoped().create(
        organization=organization,
        actor=actor_obj,
        actor_email=getattr(actor_obj, "email", "") or "",
        action=action,
        target_type=type(target).__name__.lower() if target is not None else "",
        target_id=str(getattr(target, "pk", "") or "") if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        data=data or {},
        ip_address=info.ip,
        user_agent=info.user_agent,
    )


def audit_export_record(*, organization, actor, filters: dict) -> AuditEvent:
    """Record that `actor` exported the organization's log, with the filters of the export."""
    return audit_record(
        organization=organization,
        actor=actor,
        action="audit.exported",
        data={key: str(value) for key, value in filters.items()},
    )
