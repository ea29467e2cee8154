"""The base of every organization-scoped endpoint under /api/v1/o/<org_slug>/.

OrganizationMiddleware has already resolved the organization from the URL and the caller's active
membership (a non-member got 404 before any view ran) and opened `organization_scope`. This base
takes both from the request once, as `self.organization` and `self.membership`, so an endpoint
cannot forget to, and never reads an organization from the request body.

Like PostHog's routing mixin, subclasses may not override `get_queryset`: they implement
`scoped_queryset()` (usually a selector called with `organization=self.organization`), and the base
filters the result to the organization once more. `get_object` therefore answers 404 alike for ids
that do not exist and ids of another organization.

Permissions come from the one permission map: `required_actions` maps each viewset action
("list", "create", "deactivate", ...) to an action of advocacy.permissions.ACTIONS, checked by
`HasOrgAction`. An unmapped routed action is refused.
"""

from django.core.exceptions import ImproperlyConfigured
from rest_framework import viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated

from advocacy.permissions import ACTIONS
from advocacy.tenancy.models import Organization

from . import schema  # noqa: F401 - registers the Bearer scheme with drf-spectacular
from .permissions import HasOrgAction

FORBIDDEN_OVERRIDES = ("get_queryset", "initial")


class OrganizationViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, HasOrgAction]
    filter_backends = ()  # filtering is explicit, through selectors, with every id checked
    lookup_value_converter = "int"
    metadata_class = None  # OPTIONS -> 405: the OpenAPI schema describes the endpoints, for every role alike
    required_actions: dict[str, str] = {}
    filter_serializer_class = None  # parses the list's query string (and checks its ids) for `list_filters()`
    model = None  # the model `scoped_queryset()` returns; used for the schema

    organization: Organization
    membership = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in FORBIDDEN_OVERRIDES:  # on the class itself or through a mixin placed before the base
            if getattr(cls, name) is not getattr(OrganizationViewSet, name):
                raise TypeError(
                    f"{cls.__name__} overrides {name}(); implement scoped_queryset() instead so the "
                    "organization scoping cannot be bypassed."
                )
        if HasOrgAction not in cls.permission_classes:
            raise TypeError(f"{cls.__name__}.permission_classes must include HasOrgAction")
        unknown = sorted(a for a in cls.required_actions.values() if a not in ACTIONS)
        if unknown:
            raise TypeError(f"{cls.__name__}.required_actions names unknown actions {unknown}")

    # --- organization -----------------------------------------------------------------------------

    def initial(self, request, *args, **kwargs):
        self.organization, self.membership = self._resolve_organization(request)
        super().initial(request, *args, **kwargs)

    def _resolve_organization(self, request):
        django_request = request._request
        organization = getattr(django_request, "organization", None)
        membership = getattr(django_request, "membership", None)
        slug = self.kwargs.get("org_slug")
        # Fail closed: mounted outside the middleware's /api/v1/o/<slug>/ paths, or anything amiss.
        if organization is None or membership is None or slug != organization.slug:
            raise NotFound()
        if membership.organization_id != organization.pk or not membership.is_active:
            raise NotFound()
        return organization, membership

    # --- queryset ---------------------------------------------------------------------------------

    def scoped_queryset(self):
        raise ImproperlyConfigured(f"{type(self).__name__} must implement scoped_queryset()")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no organization, no query
            return self.model._base_manager.none()
        queryset = self.scoped_queryset()
        if queryset.model is Organization:
            return queryset.filter(pk=self.organization.pk)
        if not any(f.name == "organization" for f in queryset.model._meta.fields):
            raise ImproperlyConfigured(f"{queryset.model.__name__} has no organization key")
        return queryset.filter(organization=self.organization)

    def list_filters(self) -> dict:
        """The list's query-string filters, validated: 400 on bad input, an empty value included (`?team=` is
        no team id; leave the parameter out for no filter)."""
        if self.filter_serializer_class is None:
            return {}
        params = self.request.query_params.dict()
        filters = self.filter_serializer_class(data=params, context=self.get_serializer_context())
        filters.is_valid(raise_exception=True)
        return filters.validated_data

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["organization"] = getattr(self, "organization", None)
        context["membership"] = getattr(self, "membership", None)
        return context
