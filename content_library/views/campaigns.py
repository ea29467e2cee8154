"""Campaigns: the list, new, edit, the campaign's page with its results, launch and end."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from advocacy.tenancy.decorators import org_view

from .. import selectors, services
from ..forms import CampaignForm
from ..models import Campaign
from .common import errors_to_form, org_url


@org_view("content.view")
def campaigns(request):
    org = request.organization
    qs = selectors.campaign_list(organization=org, include_drafts=request.membership.may("content.manage"))
    return render(request, "content_library/campaigns.html", {"campaigns": qs})


@org_view("content.manage")
def campaign_new(request):
    org = request.organization
    form = CampaignForm(request.POST or None, organization=org)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(organization=org, actor=request.user, **form.service_kwargs())
            messages.success(request, f"Created the campaign “{campaign.name}”. Add content, then launch it.")
            return redirect(org_url(request, "content_campaign", campaign_id=campaign.pk))
        except ValidationError as exc:
            errors_to_form(form, exc)
    return render(
        request,
        "content_library/campaign_edit.html",
        {"form": form, "campaign": None},
        status=400 if form.errors else 200,
    )


@org_view("content.manage")
def campaign_edit(request, campaign_id):
    org = request.organization
    campaign = selectors.get_campaign_for_org(org, campaign_id)
    if request.method == "POST":
        form = CampaignForm(request.POST, organization=org)
        if form.is_valid():
            try:
                services.campaign_update(
                    organization=org, actor=request.user, campaign=campaign, **form.service_kwargs()
                )
                messages.success(request, "Saved.")
                return redirect(org_url(request, "content_campaign", campaign_id=campaign.pk))
            except ValidationError as exc:
                errors_to_form(form, exc)
    else:
        initial = CampaignForm.initial_for(
            campaign,
            hashtags=selectors.campaign_hashtags(organization=org, campaign=campaign),
            team_ids=selectors.team_ids_for(organization=org, campaign=campaign),
        )
        form = CampaignForm(organization=org, initial=initial)
    return render(
        request,
        "content_library/campaign_edit.html",
        {"form": form, "campaign": campaign},
        status=400 if form.errors else 200,
    )


@org_view("content.view")
def campaign_detail(request, campaign_id):
    org = request.organization
    campaign = selectors.get_campaign_for_org(org, campaign_id)
    manager = request.membership.may("content.manage")
    if campaign.status == Campaign.Status.DRAFT and not manager:
        raise Http404("No such campaign")
    if manager:
        items = selectors.library_list(organization=org, campaign=campaign)
    else:
        items = selectors.feed(organization=org, membership=request.membership, campaign=campaign)
    data = selectors.results(organization=org, campaign=campaign) if request.membership.may("content.results") else None
    progress = 0
    if campaign.share_goal:
        progress = min(100, round(100 * campaign.share_count / campaign.share_goal / 5) * 5)
    return render(
        request,
        "content_library/campaign.html",
        {"campaign": campaign, "items": items[:100], "results": data, "manager": manager, "progress": progress},
    )


@org_view("content.manage")
@require_POST
def campaign_launch(request, campaign_id):
    campaign = selectors.get_campaign_for_org(request.organization, campaign_id)
    count = services.campaign_launch(organization=request.organization, actor=request.user, campaign=campaign)
    messages.success(
        request, f"“{campaign.name}” is live: {count} item{'s' if count != 1 else ''} published to the feed."
    )
    return redirect(org_url(request, "content_campaign", campaign_id=campaign.pk))


@org_view("content.manage")
@require_POST
def campaign_end(request, campaign_id):
    campaign = selectors.get_campaign_for_org(request.organization, campaign_id)
    services.campaign_end(organization=request.organization, actor=request.user, campaign=campaign)
    messages.success(request, f"“{campaign.name}” has ended.")
    return redirect(org_url(request, "content_campaign", campaign_id=campaign.pk))
