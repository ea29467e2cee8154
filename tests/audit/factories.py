import factory

from advocacy.audit.models import AuditEvent
from tests.factories import TenantFactory


class AuditEventFactory(TenantFactory):
    class Meta:
        model = AuditEvent

    action = "member.role_changed"
    actor_email = factory.Sequence(lambda n: f"actor{n}@example.com")
    target_type = "membership"
    target_id = factory.Sequence(str)
    target_repr = factory.Sequence(lambda n: f"person{n}@example.com")
    ip_address = "198.51.100.7"
