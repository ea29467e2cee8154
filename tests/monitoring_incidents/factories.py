"""Incident test helpers: a plan and incidents written through the services, as the product writes them."""

from advocacy.tenancy.context import organization_scope
from monitoring.incidents.services import incidents as incident_services
from monitoring.incidents.services import plan as plan_services
from tests.factories import MembershipFactory, UserFactory


def member(org, *, name="", email=None, roles=("employee",)):
    user = UserFactory(**({"full_name": name} if name else {}), **({"email": email} if email else {}))
    MembershipFactory(organization=org, user=user, roles=list(roles))
    return user


def plan(org, actor, *, lead=None, deputy=None, comms=None, steps=None, webhook_url="", secret=""):
    """A plan with two roles, a contact, a holding statement and a checklist (saved as version 1)."""
    lead = lead or member(org, name="Lena Lead")
    comms = comms or member(org, name="Cai Comms")
    data = plan_services.PlanInput(
        owner_id=actor.pk,
        protocol="## Who speaks\n\nOnly **Communications** speaks to the press.",
        roles=[
            plan_services.RoleInput(
                name="Incident lead", responder_id=lead.pk, deputy_id=deputy.pk if deputy else None
            ),
            plan_services.RoleInput(name="Communications", responder_id=comms.pk),
        ],
        contacts=[plan_services.ContactInput(name="Lee Gal", role="Legal counsel", email="lee@law.example")],
        statements=[plan_services.StatementInput(title="First response", text="We are aware and looking into it.")],
        steps=steps if steps is not None else ["Screenshot the post", "Contact the author", "Publish a statement"],
    )
    with organization_scope(org):
        saved = plan_services.plan_save(organization=org, actor=actor, data=data)
        if webhook_url:
            plan_services.plan_webhook_set(organization=org, actor=actor, url=webhook_url, secret=secret)
        return saved


def incident(org, actor=None, *, title="A post went wrong", severity="high", **kwargs):
    with organization_scope(org):
        created, _ = incident_services.incident_declare(
            organization=org, actor=actor, title=title, severity=severity, **kwargs
        )
        return created
