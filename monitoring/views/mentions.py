"""Brand mentions (moderators and admins): what people outside the organization say, with the sentiment trend
of the last 30 days (a server-drawn SVG)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from advocacy.tenancy.decorators import org_view
from monitoring import selectors
from monitoring.charts import trend_chart

from .common import filters_from, page_of
from .posts import filter_choices


@require_GET
@org_view("monitoring.view")
def mention_list(request):
    organization = request.organization
    filters = filters_from(request)
    mentions = selectors.mention_list(
        organization=organization, sentiment=filters["sentiment"], period=filters["period"], network=filters["network"]
    )
    trend = selectors.mention_trend(organization=organization)
    settings = selectors.monitoring_settings(organization)
    return render(
        request,
        "monitoring/mentions.html",
        {
            "page": page_of(request, mentions),
            "filters": filters,
            "chart": trend_chart(trend),
            "trend_total": sum(day.total for day in trend),
            "tracked_terms": [*settings.brand_terms, *(f"#{t}" for t in settings.hashtags)],
            **filter_choices(organization),
        },
    )
