"""Members' posts (moderators and admins): what the pulls brought in, with engagement, sentiment and the rules
each post matched; filtered by network, team, sentiment, rule and period."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from advocacy.tenancy.decorators import org_view
from advocacy.tenancy.selectors import team_list
from monitoring import selectors
from monitoring.models import Network

from .common import filters_from, page_of

SENTIMENT_LABELS = {
    "positive": _("Positive"),
    "neutral": _("Neutral"),
    "negative": _("Negative"),
    "not_scored": _("Not scored (language)"),
}
PERIOD_LABELS = {"7d": _("Last 7 days"), "30d": _("Last 30 days"), "90d": _("Last 90 days"), "all": _("All time")}


def filter_choices(organization) -> dict:
    return {
        "networks": Network.choices,
        "sentiments": SENTIMENT_LABELS.items(),
        "periods": PERIOD_LABELS.items(),
        "teams": team_list(organization=organization),
        "rules": selectors.rule_choices(organization=organization),
    }


@require_GET
@org_view("monitoring.view")
def post_list(request):
    organization = request.organization
    filters = filters_from(request)
    page = page_of(request, selectors.post_list(organization=organization, **filters))
    return render(
        request,
        "monitoring/posts.html",
        {"page": page, "filters": filters, **filter_choices(organization)},
    )
