"""API under /api/v1/o/<slug>/monitoring/incidents/: list, detail, declare, transition and notes, with the
permission of the pages (monitoring.incidents) and the same services."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from advocacy.api.base import OrganizationViewSet

from . import selectors
from . import serializers as s
from .models import Incident, IncidentResponder, IncidentStep, TimelineEntry
from .services import incidents as services


@extend_schema_view(
    list=extend_schema(summary="Incidents", parameters=[s.IncidentFilterSerializer]),
    retrieve=extend_schema(summary="One incident with its checklist, responders, timeline and review"),
)
class IncidentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    """Incidents, newest first (filter `state`: active, resolved, reviewed, all)."""

    model = Incident
    serializer_class = s.IncidentSerializer
    filter_serializer_class = s.IncidentFilterSerializer
    lookup_url_kwarg = "incident_id"
    cursor_ordering = ("-declared_at", "-id")
    required_actions = {
        "list": "monitoring.incidents",
        "retrieve": "monitoring.incidents",
        "create": "monitoring.incidents",
        "transition": "monitoring.incidents",
        "notes": "monitoring.incidents",
    }

    def get_serializer_class(self):
        return s.IncidentDetailSerializer if self.action == "retrieve" else s.IncidentSerializer

    def scoped_queryset(self):
        organization = self.organization
        if self.action == "list":
            return selectors.incident_list(organization=organization, **self.list_filters())
        steps = IncidentStep.objects.filter(organization=organization).select_related("done_by")
        responders = IncidentResponder.objects.filter(organization=organization).select_related("user")
        timeline = TimelineEntry.objects.filter(organization=organization).select_related("actor")
        return (
            Incident.objects.filter(organization=organization)
            .select_related("declared_by")
            .prefetch_related(
                Prefetch("steps", queryset=steps),
                Prefetch("responders", queryset=responders),
                Prefetch("timeline", queryset=timeline),
            )
        )

    def _detail(self, incident, code=status.HTTP_200_OK):
        incident = self.scoped_queryset().get(pk=incident.pk)
        return Response(s.IncidentDetailSerializer(incident).data, status=code)

    @extend_schema(
        summary="Declare an incident (or join the one in progress for the same review item)",
        request=s.DeclareInputSerializer,
        responses={201: s.IncidentDetailSerializer, 200: s.IncidentDetailSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = s.DeclareInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        incident, created = services.incident_declare(
            organization=self.organization,
            actor=request.user,
            title=data.validated_data["title"],
            severity=data.validated_data["severity"],
            summary=data.validated_data["summary"],
            item_id=data.validated_data["review_item_id"],
        )
        return self._detail(incident, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        summary="Move the incident on: contain, resolve, reopen or complete_review",
        request=s.TransitionInputSerializer,
        responses={200: s.IncidentDetailSerializer},
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, *args, **kwargs):
        incident = self.get_object()
        data = s.TransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.incident_transition(
            organization=self.organization, actor=request.user, incident=incident, **data.validated_data
        )
        return self._detail(incident)

    @extend_schema(
        summary="Add a note to the timeline", request=s.NoteInputSerializer, responses={201: s.TimelineEntrySerializer}
    )
    @action(detail=True, methods=["post"])
    def notes(self, request, *args, **kwargs):
        incident = self.get_object()
        data = s.NoteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.incident_note_add(
            organization=self.organization, actor=request.user, incident=incident, text=data.validated_data["text"]
        )
        return Response(s.TimelineEntrySerializer(entry).data, status=status.HTTP_201_CREATED)
