"""API under /api/v1/o/<slug>/analytics/ for business-intelligence tools: the figures, the series and the
breakdowns of a period and filters (admins), compliance (HR and admins), My impact (everyone). The query string
is the page's (period, start, end, team, campaign, network), parsed by the same form; bad filters answer 400."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from advocacy.api.base import OrganizationViewSet

from . import selectors
from .forms import FilterForm
from .models import ActivityDaily
from .serializers import (
    AnalyticsBreakdownsSerializer,
    AnalyticsComplianceSerializer,
    AnalyticsFigureInput,
    AnalyticsFiguresSerializer,
    AnalyticsImpactSerializer,
    AnalyticsModerationSerializer,
    AnalyticsSeriesSerializer,
)


def _period(f) -> dict:
    previous = f.previous()
    return {
        "start": f.start,
        "end": f.end,
        "previous_start": previous.start,
        "previous_end": previous.end,
        "team": f.team_id,
        "campaign": f.campaign_id,
        "network": f.network,
    }


def _rows(rows, id_field) -> list[dict]:
    return [{**row, "id": None if row.get(id_field) is None else str(row[id_field])} for row in rows]


class AnalyticsViewSet(OrganizationViewSet):
    model = ActivityDaily
    required_actions = {
        "figures": "analytics.view",
        "series": "analytics.view",
        "breakdowns": "analytics.view",
        "compliance": "analytics.compliance",
        "impact": "analytics.impact",
        "moderation": "analytics.moderation",
    }

    def scoped_queryset(self):  # no list of rows here: every answer is computed from the rollups
        return ActivityDaily.objects.none()

    def _filters(self, *, with_dimensions=True):
        typed = AnalyticsFigureInput(data=self.request.query_params.dict())  # the schema's types, strictly
        if not typed.is_valid():
            raise ValidationError(typed.errors)
        params = self.request.query_params.copy()
        if not with_dimensions:
            for name in ("team", "campaign", "network"):
                params.pop(name, None)
        today = selectors.local_today(selectors.organization_zone(self.organization))
        form = FilterForm(params or None, organization=self.organization, today=today)
        if not form.is_bound:
            return selectors.default_filters(today)
        if not form.is_valid():
            raise ValidationError({field: [str(e) for e in errors] for field, errors in form.errors.items()})
        return form.filters()

    def _dashboard(self):
        f = self._filters()
        return f, selectors.dashboard(organization=self.organization, filters=f)

    @extend_schema(parameters=[AnalyticsFigureInput], responses=AnalyticsFiguresSerializer)
    def figures(self, request, *args, **kwargs):
        f, data = self._dashboard()
        body = {
            "period": _period(f),
            "current": data["current"],
            "previous": data["previous"],
            "prices": data["config"],
        }
        return Response(AnalyticsFiguresSerializer(body).data)

    @extend_schema(parameters=[AnalyticsFigureInput], responses=AnalyticsSeriesSerializer)
    def series(self, request, *args, **kwargs):
        f, data = self._dashboard()
        body = {"period": _period(f), "by": "week" if f.by_week else "day", "points": data["series"]}
        return Response(AnalyticsSeriesSerializer(body).data)

    @extend_schema(parameters=[AnalyticsFigureInput], responses=AnalyticsBreakdownsSerializer)
    def breakdowns(self, request, *args, **kwargs):
        f, data = self._dashboard()
        body = {
            "period": _period(f),
            "teams": _rows(data["teams"]["rows"], "team_id"),
            "teams_without_shares": data["teams"]["silent"],
            "campaigns": _rows(data["campaigns"], "campaign_id"),
            "networks": _rows(data["networks"], "network"),
            "content": _rows(data["content"], "content_id"),
            "content_without_shares": [row["title"] for row in data["unshared"]["rows"]],
            "sharers": [{**row, "name": row["name"] or "A colleague"} for row in data["sharers"]],
        }
        return Response(AnalyticsBreakdownsSerializer(body).data)

    @extend_schema(parameters=[AnalyticsFigureInput], responses=AnalyticsComplianceSerializer)
    def compliance(self, request, *args, **kwargs):
        f = self._filters()
        acks = selectors.acknowledgements(organization=self.organization, team_id=f.team_id)
        courses = selectors.training(organization=self.organization, team_id=f.team_id)
        body = {
            "acknowledged_percent": acks["percent"],
            "policies": acks["rows"],
            "training_percent": courses["percent"],
            "courses": courses["rows"],
        }
        return Response(AnalyticsComplianceSerializer(body).data)

    @extend_schema(parameters=[AnalyticsFigureInput], responses=AnalyticsImpactSerializer)
    def impact(self, request, *args, **kwargs):
        f = self._filters(with_dimensions=False)
        mine = selectors.impact(organization=self.organization, user=request.user, filters=f)
        body = {
            "period": _period(f),
            "current": mine["current"],
            "previous": mine["previous"],
            "points": mine["series"],
        }
        return Response(AnalyticsImpactSerializer(body).data)

    @extend_schema(parameters=[AnalyticsFigureInput], responses=AnalyticsModerationSerializer)
    def moderation(self, request, *args, **kwargs):
        f = self._filters(with_dimensions=False)
        data = selectors.moderation(organization=self.organization, filters=f)
        body = {
            "period": _period(f),
            "current": data["current"],
            "previous": data["previous"],
            "overdue_now": data["now"]["overdue"],
            "rules": data["precision"],
        }
        return Response(AnalyticsModerationSerializer(body).data)
