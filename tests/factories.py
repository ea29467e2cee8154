"""factory_boy factories. Tenant-owned objects are created inside their organization's scope, as the
application itself would create them."""

import factory
from django.contrib.auth import get_user_model

from advocacy.permissions import Role
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Invitation, Membership, Organization, Team

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        """A verified primary address, as after the sign-up confirmation (pass verified_email=False to skip)."""
        if create and extracted is not False:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.get_or_create(user=obj, email=obj.email, defaults={"verified": True, "primary": True})


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class TenantFactory(factory.django.DjangoModelFactory):
    """Creates the object inside organization_scope(obj.organization)."""

    class Meta:
        abstract = True

    organization = factory.SubFactory(OrganizationFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with organization_scope(kwargs["organization"]):
            return super()._create(model_class, *args, **kwargs)


class TeamFactory(TenantFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")


class MembershipFactory(TenantFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    roles = factory.LazyFunction(lambda: [Role.EMPLOYEE])


class InvitationFactory(TenantFactory):
    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    roles = factory.LazyFunction(lambda: [Role.EMPLOYEE])
    token_hash = factory.Sequence(lambda n: Invitation.hash_token(f"token-{n}"))
