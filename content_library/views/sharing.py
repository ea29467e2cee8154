"""An item's page with its share panel, preparing and confirming a share, the member's shares and
preferences."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from advocacy.tenancy.decorators import org_view

from .. import selectors, services
from ..forms import PreferenceForm, ShareForm
from ..networks import Network, compose
from ..validation import counting_rule
from .common import errors_to_form, org_url, visible_item


def _share_panel_context(request, item, *, network=None, caption=None, form=None, refusal=None):
    cfg = selectors.settings_for(request.organization)
    networks = cfg.enabled_networks()
    network = network if network in networks else networks[0]
    captions = item.captions or {}
    default_caption = captions.get(network) or captions.get(Network.LINKEDIN) or ""
    if not default_caption:
        tags = " ".join(h.tag for h in item.hashtags.all())
        default_caption = f"{item.title}\n\n{tags}".strip()
    tabs = []
    for n in networks:
        suggested = captions.get(n) or default_caption
        tabs.append(
            {
                "value": n,
                "label": Network(n).label,
                "suggested": suggested,
                "active": n == network,
            }
        )
    return {
        "item": item,
        "campaign": selectors.campaign_for_reader(item, request.membership),
        "tabs": tabs,
        "network": network,
        "caption": caption if caption is not None else next(t["suggested"] for t in tabs if t["active"]),
        "share_form": form,
        "refusal": refusal,
        "has_link": bool(item.url),
        "counting_rule": counting_rule(),
        "hours_message": services.sharing_hours_message(cfg),
    }


@org_view("content.view")
def content_detail(request, content_id):
    item = visible_item(request, content_id)
    org = request.organization
    context = _share_panel_context(request, item, network=request.GET.get("network"))
    context["my_shares"] = selectors.shares_of_item(organization=org, user=request.user, content=item)
    if request.membership.may("content.manage"):
        context["revisions"] = selectors.revision_history(organization=org, content=item)
    return render(request, "content_library/detail.html", context)


@org_view("content.share")
@require_POST
def content_share(request, content_id):
    item = visible_item(request, content_id)
    form = ShareForm(request.POST)
    if not form.is_valid():
        context = _share_panel_context(request, item, form=form)
        return render(request, "content_library/detail.html", context, status=400)
    network, caption = form.cleaned_data["network"], form.cleaned_data["caption"]
    try:
        share = services.share_prepare(
            organization=request.organization, actor=request.user, content=item, network=network, caption=caption
        )
    except services.ShareRefused as exc:
        context = _share_panel_context(
            request, item, network=network, caption=caption, refusal={"message": exc.messages[0], "url": exc.url}
        )
        return render(request, "content_library/detail.html", context, status=403)
    except ValidationError as exc:
        errors_to_form(form, exc)
        context = _share_panel_context(request, item, network=network, caption=caption, form=form)
        return render(request, "content_library/detail.html", context, status=400)
    return redirect(org_url(request, "content_share_ready", share_id=share.pk))


@org_view("content.share")
def share_ready(request, share_id):
    share = selectors.get_share_for_org(request.organization, share_id, user=request.user)
    pref = selectors.preference_for(request.organization, request.user)
    context = {
        "share": share,
        "item": share.content,
        "post_text": compose(share.caption, share.short_url or None),
        "intent_url": services.share_intent(share, mastodon_instance=pref.mastodon_instance),
        "mastodon_instance": pref.mastodon_instance or "mastodon.social",
    }
    return render(request, "content_library/share_ready.html", context)


@org_view("content.share")
@require_POST
def share_confirm(request, share_id):
    share = selectors.get_share_for_org(request.organization, share_id, user=request.user)
    try:
        services.share_confirm(organization=request.organization, actor=request.user, share=share)
    except services.ShareRefused as exc:
        messages.error(request, exc.messages[0])
        if exc.url:
            return redirect(exc.url)
        return redirect(org_url(request, "content_share_ready", share_id=share.pk))
    messages.success(
        request, f"Thanks for sharing on {share.get_network_display()}! Clicks on your link will show up here."
    )
    return redirect(org_url(request, "content_my_shares"))


@org_view("content.view")
def my_shares(request):
    org = request.organization
    page = Paginator(selectors.my_shares(organization=org, user=request.user), 25).get_page(request.GET.get("page"))
    totals = selectors.my_share_totals(organization=org, user=request.user)
    unconfirmed = selectors.unconfirmed_with_clicks(organization=org, user=request.user)
    context = {"page": page, "totals": totals, "unconfirmed": unconfirmed}
    return render(request, "content_library/my_shares.html", context)


@org_view("content.view")
def preferences(request):
    org = request.organization
    pref = selectors.preference_for(org, request.user)
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            try:
                services.preference_update(organization=org, actor=request.user, **form.cleaned_data)
                messages.success(request, "Your preferences are saved.")
                return redirect(org_url(request, "content_preferences"))
            except ValidationError as exc:
                errors_to_form(form, exc)
    else:
        form = PreferenceForm(
            initial={"weekly_digest": pref.weekly_digest, "mastodon_instance": pref.mastodon_instance}
        )
    return render(request, "content_library/preferences.html", {"form": form})
