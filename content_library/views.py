"""Pages under /o/<slug>/content/ and the public tracked-link redirect /l/<code>."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from advocacy.core.request_context import client_ip
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.decorators import org_view
from advocacy.tenancy.models import Organization

from . import links, selectors, services
from .caching import team_hint_key
from .forms import (
    CampaignForm,
    ContentForm,
    HashtagForm,
    PreferenceForm,
    RejectForm,
    SettingsForm,
    ShareForm,
    SuggestionForm,
    TopicForm,
)
from .models import Campaign, ContentItem, ContentRevision, ContentTeam, Share
from .networks import RULES, Network, compose
from .validation import placeholder_link

PAGE_SIZE = 20


def _url(request, name, **kwargs):
    return reverse(name, kwargs={"org_slug": request.organization.slug, **kwargs})


def _errors_to_form(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _optional(getter, organization, value):
    if value in (None, ""):
        return None
    return getter(organization, value)


# --- the feed -----------------------------------------------------------------------------------------


def _page_number(value) -> int:
    """A page number for the feed's cache key: anything else than a small number is the first page
    (an out-of-range number shows the last page, as Paginator.get_page does)."""
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) <= 6 and int(value) > 0 else 1


@org_view("content.view")
def feed(request):
    """The employee feed: rows from the feed cache (one Redis round trip when warm, see caching.py),
    rendered by the feed's card template."""
    org, membership = request.organization, request.membership
    q = request.GET.get("q", "").strip()[:200]
    topic = _optional(selectors.get_topic_for_org, org, request.GET.get("topic"))
    hashtag = _optional(selectors.get_hashtag_for_org, org, request.GET.get("hashtag"))
    campaign = _optional(selectors.get_campaign_for_org, org, request.GET.get("campaign"))
    sort = "popular" if request.GET.get("sort") == "popular" else "newest"
    page = selectors.feed_page(
        organization=org,
        membership=membership,
        user=request.user,
        q=q,
        topic=topic,
        hashtag=hashtag,
        campaign=campaign,
        sort=sort,
        page_number=_page_number(request.GET.get("page")),
    )
    hint = team_hint_key(org.pk)  # lets the next plain feed come with the membership
    if request.session.get(hint, False) != membership.team_id:
        request.session[hint] = membership.team_id
    context = {
        "page": page,
        "items": page["items"],
        "choices": page["choices"],
        "base": reverse("content_feed", kwargs={"org_slug": org.slug}),
        "q": q,
        "sort": sort,
        "topic": topic,
        "hashtag": hashtag,
        "campaign": campaign,
        "filtered": bool(q or topic or hashtag or campaign),
    }
    return render(request, "content_library/feed.html", context)


def _visible_item(request, content_id) -> ContentItem:
    item = selectors.get_content_for_org(request.organization, content_id)
    if request.membership.may("content.manage"):
        return item
    visible = selectors.live_items(organization=request.organization, membership=request.membership)
    if not visible.filter(pk=item.pk).exists():
        raise Http404("No such content")
    return item


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
                "limit": RULES[n].limit,
                "unit": RULES[n].unit,
                "urls_as": RULES[n].urls_as or 0,
                "suggested": suggested,
                "active": n == network,
            }
        )
    return {
        "item": item,
        "tabs": tabs,
        "network": network,
        "caption": caption if caption is not None else next(t["suggested"] for t in tabs if t["active"]),
        "share_form": form,
        "refusal": refusal,
        "has_link": bool(item.url),
        "link_length": len(placeholder_link()),
        "hours_message": services.sharing_hours_message(cfg),
    }


@org_view("content.view")
def content_detail(request, content_id):
    item = _visible_item(request, content_id)
    org = request.organization
    context = _share_panel_context(request, item, network=request.GET.get("network"))
    context["my_shares"] = list(
        Share.objects.filter(organization=org, user=request.user, content=item).order_by("network")
    )
    if request.membership.may("content.manage"):
        context["revisions"] = list(item.revisions.select_related("author", "decided_by").order_by("-number"))
    return render(request, "content_library/detail.html", context)


@org_view("content.share")
@require_POST
def content_share(request, content_id):
    item = _visible_item(request, content_id)
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
        _errors_to_form(form, exc)
        context = _share_panel_context(request, item, network=network, caption=caption, form=form)
        return render(request, "content_library/detail.html", context, status=400)
    return redirect(_url(request, "content_share_ready", share_id=share.pk))


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
        return redirect(_url(request, "content_share_ready", share_id=share.pk))
    messages.success(
        request, f"Thanks for sharing on {share.get_network_display()}! Clicks on your link will show up here."
    )
    return redirect(_url(request, "content_my_shares"))


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
                return redirect(_url(request, "content_preferences"))
            except ValidationError as exc:
                _errors_to_form(form, exc)
    else:
        form = PreferenceForm(
            initial={"weekly_digest": pref.weekly_digest, "mastodon_instance": pref.mastodon_instance}
        )
    return render(request, "content_library/preferences.html", {"form": form})


# --- suggestions and review ---------------------------------------------------------------------------


@org_view("content.suggest")
def suggest(request):
    org = request.organization
    form = SuggestionForm(request.POST or None, request.FILES or None, organization=org)
    if request.method == "POST" and form.is_valid():
        try:
            services.suggestion_create(organization=org, actor=request.user, **form.cleaned_data)
            messages.success(request, "Thanks! Your suggestion is waiting for review.")
            return redirect(_url(request, "content_suggest"))
        except ValidationError as exc:
            _errors_to_form(form, exc)
    mine = selectors.my_suggestions(organization=org, user=request.user)[:50]
    return render(
        request, "content_library/suggest.html", {"form": form, "mine": mine}, status=400 if form.errors else 200
    )


def _may_approve(request):
    if not services.may_approve(request.organization, request.membership):
        raise PermissionDenied("Your role does not allow approving content.")


@org_view("content.approve")
def review_queue(request):
    _may_approve(request)
    queue = selectors.review_queue(organization=request.organization)
    return render(request, "content_library/review.html", {"queue": queue})


@org_view("content.view")
def revision_detail(request, revision_id):
    revision, reviewer, own = _readable_revision(request, revision_id)
    item = revision.content
    context = {
        "revision": revision,
        "item": item,
        "reviewer": reviewer,
        "own": own,
        "reject_form": RejectForm(),
        "networks": [(Network(n).label, t) for n, t in (revision.captions or {}).items()],
        "current_networks": [(Network(n).label, t) for n, t in (item.captions or {}).items()],
        "history": list(item.revisions.select_related("author", "decided_by").order_by("-number")),
    }
    return render(request, "content_library/revision.html", context)


def _readable_revision(request, revision_id):
    revision = selectors.get_revision_for_org(request.organization, revision_id)
    reviewer = services.may_approve(request.organization, request.membership)
    own = revision.author_id == request.user.pk
    if not (reviewer or request.membership.may("content.manage") or own):
        raise PermissionDenied("Only reviewers and the author can read this revision.")
    return revision, reviewer, own


@org_view("content.view")
@require_GET
def revision_image(request, revision_id):
    """The picture a pending edit proposes (the item's own is served by content_image)."""
    revision, _reviewer, _own = _readable_revision(request, revision_id)
    if not revision.image:
        raise Http404("No image")
    content_type = mimetypes.guess_type(revision.image.name)[0] or "application/octet-stream"
    response = FileResponse(revision.image.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@org_view("content.approve")
@require_POST
def revision_approve(request, revision_id):
    revision = selectors.get_revision_for_org(request.organization, revision_id)
    _may_approve(request)
    try:
        item = services.revision_approve(organization=request.organization, actor=request.user, revision=revision)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_url(request, "content_revision", revision_id=revision.pk))
    messages.success(request, f"Approved “{item.title}”. It is live in the feed.")
    return redirect(_url(request, "content_review"))


@org_view("content.approve")
@require_POST
def revision_reject(request, revision_id):
    revision = selectors.get_revision_for_org(request.organization, revision_id)
    _may_approve(request)
    form = RejectForm(request.POST)
    reason = form.data.get("reason", "")
    try:
        services.revision_reject(
            organization=request.organization, actor=request.user, revision=revision, reason=reason
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_url(request, "content_revision", revision_id=revision.pk))
    messages.success(request, "Rejected; the author sees your reason.")
    return redirect(_url(request, "content_review"))


# --- curation -----------------------------------------------------------------------------------------


@org_view("content.manage")
def library(request):
    org = request.organization
    status = request.GET.get("status", "")
    status = status if status in ContentItem.Status.values else ""
    q = request.GET.get("q", "").strip()[:200]
    page = Paginator(selectors.library_list(organization=org, status=status, q=q), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "content_library/library.html",
        {"page": page, "status": status, "q": q, "statuses": ContentItem.Status.choices},
    )


@org_view("content.manage")
def content_new(request):
    org = request.organization
    initial = {}
    if request.GET.get("campaign"):
        initial["campaign"] = selectors.get_campaign_for_org(org, request.GET["campaign"]).pk
    form = ContentForm(request.POST or None, request.FILES or None, organization=org, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.content_create(
                organization=org, actor=request.user, kind=form.cleaned_data["kind"], **form.service_kwargs()
            )
            if request.POST.get("publish") and item.status == ContentItem.Status.DRAFT:
                services.content_publish(organization=org, actor=request.user, content=item)
                messages.success(request, f"Published “{item.title}”.")
            else:
                messages.success(request, f"Saved “{item.title}” as a draft.")
            return redirect(_url(request, "content_detail", content_id=item.pk))
        except ValidationError as exc:
            _errors_to_form(form, exc)
    return render(
        request, "content_library/edit.html", {"form": form, "item": None}, status=400 if form.errors else 200
    )


@org_view("content.manage")
def content_edit(request, content_id):
    org = request.organization
    item = selectors.get_content_for_org(org, content_id)
    pending = item.revisions.filter(status=ContentRevision.Status.PENDING).first()
    if request.method == "POST":
        form = ContentForm(request.POST, request.FILES, organization=org)
        if form.is_valid():
            try:
                revision = services.content_update(
                    organization=org, actor=request.user, content=item, **form.service_kwargs()
                )
                if revision:
                    messages.info(
                        request, f"Your edit is revision {revision.number}; it goes live once someone else approves it."
                    )
                else:
                    messages.success(request, "Saved.")
                return redirect(_url(request, "content_detail", content_id=item.pk))
            except ValidationError as exc:
                _errors_to_form(form, exc)
    else:
        initial = ContentForm.initial_for(item, pending)
        initial["teams"] = list(
            ContentTeam.objects.filter(organization=org, content=item).values_list("team_id", flat=True)
        )
        form = ContentForm(initial=initial, organization=org)
    return render(
        request,
        "content_library/edit.html",
        {"form": form, "item": item, "pending": pending},
        status=400 if form.errors else 200,
    )


@org_view("content.manage")
@require_POST
def content_publish(request, content_id):
    item = selectors.get_content_for_org(request.organization, content_id)
    try:
        services.content_publish(organization=request.organization, actor=request.user, content=item)
        messages.success(request, f"Published “{item.title}”.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(_url(request, "content_detail", content_id=item.pk))


@org_view("content.manage")
@require_POST
def content_archive(request, content_id):
    item = selectors.get_content_for_org(request.organization, content_id)
    services.content_archive(organization=request.organization, actor=request.user, content=item)
    messages.success(request, f"Archived “{item.title}”.")
    return redirect(_url(request, "content_library"))


@org_view("content.results")
def content_results(request, content_id):
    item = selectors.get_content_for_org(request.organization, content_id)
    data = selectors.results(organization=request.organization, content=item)
    return render(request, "content_library/results.html", {"item": item, "results": data})


@org_view("content.view")
@require_GET
def content_image(request, content_id):
    """An item's uploaded image, for whoever may see the item: curators and reviewers always, its author,
    and members who can see it in the feed (a draft's or suggestion's image is not everyone's)."""
    item = selectors.get_content_for_org(request.organization, content_id)
    curator = request.membership.may("content.manage") or services.may_approve(request.organization, request.membership)
    if not (curator or item.created_by_id == request.user.pk):
        item = _visible_item(request, content_id)
    if not item.image:
        raise Http404("No image")
    content_type = mimetypes.guess_type(item.image.name)[0] or "application/octet-stream"
    download = request.GET.get("download") == "1"  # to attach to a post by hand
    filename = f"{slugify(item.title)[:60] or 'image'}{Path(item.image.name).suffix}" if download else None
    response = FileResponse(item.image.open("rb"), content_type=content_type, as_attachment=download, filename=filename)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@org_view("content.manage")
@require_POST
def og_preview(request):
    from .og import PreviewError, fetch_preview
    from .validation import clean_url

    try:
        url = clean_url(request.POST.get("url", ""), required=True)
        preview = fetch_preview(url)
    except ValidationError as exc:
        return JsonResponse({"ok": False, "error": " ".join(exc.messages)}, status=400)
    except PreviewError as exc:
        return JsonResponse({"ok": False, "error": f"{exc} Fill in the details by hand."}, status=200)
    return JsonResponse(
        {"ok": True, "title": preview.title, "description": preview.description, "image": preview.image}
    )


# --- hashtags, topics, campaigns, settings ------------------------------------------------------------


@org_view("content.view")
def hashtags(request):
    org = request.organization
    form = HashtagForm(request.POST or None)
    if request.method == "POST":
        if not request.membership.may("content.manage"):
            raise PermissionDenied("Your role does not allow managing hashtags.")
        if form.is_valid():
            try:
                tag = services.hashtag_create(organization=org, actor=request.user, **form.cleaned_data)
                messages.success(request, f"Added {tag.tag}.")
                return redirect(_url(request, "content_hashtags"))
            except ValidationError as exc:
                _errors_to_form(form, exc)
    tags = selectors.hashtag_list(organization=org, q=request.GET.get("q", ""))
    return render(
        request, "content_library/hashtags.html", {"tags": tags, "form": form}, status=400 if form.errors else 200
    )


@org_view("content.view")
def hashtag_detail(request, hashtag_id):
    org = request.organization
    tag = selectors.get_hashtag_for_org(org, hashtag_id)
    form = HashtagForm(
        request.POST or None, initial={"name": tag.name, "description": tag.description, "is_campaign": tag.is_campaign}
    )
    if request.method == "POST":
        if not request.membership.may("content.manage"):
            raise PermissionDenied("Your role does not allow managing hashtags.")
        form.fields["name"].required = False
        if form.is_valid():
            services.hashtag_update(
                organization=org,
                actor=request.user,
                hashtag=tag,
                description=form.cleaned_data["description"],
                is_campaign=form.cleaned_data["is_campaign"],
            )
            messages.success(request, f"Saved {tag.tag}.")
            return redirect(_url(request, "content_hashtag", hashtag_id=tag.pk))
    qs = selectors.feed(organization=org, membership=request.membership, hashtag=tag)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "content_library/hashtag.html", {"tag": tag, "page": page, "form": form})


@org_view("content.manage")
def topics(request):
    org = request.organization
    form = TopicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            topic = services.topic_create(organization=org, actor=request.user, name=form.cleaned_data["name"])
            messages.success(request, f"Added the topic {topic.name}.")
            return redirect(_url(request, "content_topics"))
        except ValidationError as exc:
            _errors_to_form(form, exc)
    from django.db.models import Count

    from .models import Topic

    items = Topic.objects.filter(organization=org).annotate(n=Count("items")).order_by("name")
    return render(request, "content_library/topics.html", {"topics": items, "form": form})


@org_view("content.view")
def campaigns(request):
    org = request.organization
    qs = selectors.campaign_list(organization=org)
    if not request.membership.may("content.manage"):
        qs = qs.exclude(status=Campaign.Status.DRAFT)
    return render(request, "content_library/campaigns.html", {"campaigns": qs})


@org_view("content.manage")
def campaign_new(request):
    org = request.organization
    form = CampaignForm(request.POST or None, organization=org)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(organization=org, actor=request.user, **form.service_kwargs())
            messages.success(request, f"Created the campaign “{campaign.name}”. Add content, then launch it.")
            return redirect(_url(request, "content_campaign", campaign_id=campaign.pk))
        except ValidationError as exc:
            _errors_to_form(form, exc)
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
                return redirect(_url(request, "content_campaign", campaign_id=campaign.pk))
            except ValidationError as exc:
                _errors_to_form(form, exc)
    else:
        from .models import CampaignTeam

        form = CampaignForm(
            organization=org,
            initial={
                "name": campaign.name,
                "goal": campaign.goal,
                "description": campaign.description,
                "starts_on": campaign.starts_on,
                "ends_on": campaign.ends_on,
                "share_goal": campaign.share_goal,
                "hashtags": list(campaign.hashtags.all()),
                "teams": list(
                    CampaignTeam.objects.filter(organization=org, campaign=campaign).values_list("team_id", flat=True)
                ),
            },
        )
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
    return redirect(_url(request, "content_campaign", campaign_id=campaign.pk))


@org_view("content.manage")
@require_POST
def campaign_end(request, campaign_id):
    campaign = selectors.get_campaign_for_org(request.organization, campaign_id)
    services.campaign_end(organization=request.organization, actor=request.user, campaign=campaign)
    messages.success(request, f"“{campaign.name}” has ended.")
    return redirect(_url(request, "content_campaign", campaign_id=campaign.pk))


@org_view("content.settings")
def content_settings(request):
    org = request.organization
    cfg = selectors.settings_for(org)
    if request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.content_settings_update(
                    organization=org,
                    actor=request.user,
                    daily_share_cap=d["daily_share_cap"],
                    sharing_start=d["sharing_start"],
                    sharing_end=d["sharing_end"],
                    timezone_name=d["timezone"],
                    networks_enabled=d["networks_enabled"],
                    moderators_may_approve=d["moderators_may_approve"],
                )
                messages.success(request, "Sharing settings saved.")
                return redirect(_url(request, "content_settings"))
            except ValidationError as exc:
                _errors_to_form(form, exc)
    else:
        form = SettingsForm(
            initial={
                "daily_share_cap": cfg.daily_share_cap,
                "sharing_start": cfg.sharing_start,
                "sharing_end": cfg.sharing_end,
                "timezone": cfg.timezone,
                "networks_enabled": cfg.enabled_networks(),
                "moderators_may_approve": cfg.moderators_may_approve,
            }
        )
    return render(request, "content_library/settings.html", {"form": form}, status=400 if form.errors else 200)


# --- /l/<code>: the public redirect --------------------------------------------------------------------

NOT_FOUND_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Link not found</title>'
    '<meta name="robots" content="noindex"></head><body><h1>Link not found</h1>'
    "<p>This link does not exist or is no longer available.</p></body></html>"
)


# The HTML answers of /l/ (a crawler's Open Graph page, the 404 page) have no script, style or form:
# their own strict policy, since the redirect skips the middleware that adds the site's (see middleware.py).
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; img-src https: data:; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'none'",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex",
}


def _page(html: str, status: int = 200) -> HttpResponse:
    response = HttpResponse(html, status=status)
    for name, value in PAGE_HEADERS.items():
        response[name] = value
    return response


def _shared_item(organization_id: int, code: str) -> ContentItem | None:
    with organization_scope(Organization(pk=organization_id)):
        share = Share.objects.select_related("content").filter(organization_id=organization_id, code=code).first()
    return share.content if share else None


def _crawler_page(request, organization_id: int, code: str, destination: str) -> HttpResponse:
    """A small page with Open Graph tags for link-preview crawlers (not counted as a click). An uploaded
    image is the card's picture (served by `tracked_link_image`), else the linked page's own."""
    item = _shared_item(organization_id, code)
    title = item.title if item else ""
    description = item.summary if item else ""
    image = ""
    if item is not None:
        image = request.build_absolute_uri(f"/l/{code}/image") if item.image else item.image_url
    context = {"title": title, "description": description[:300], "destination": destination, "image": image}
    html = render_to_string("content_library/crawler_preview.html", context)
    return _page(html)


def tracked_link(request, code):
    """No session, no user, no template, no PostgreSQL write: one Redis round trip on a cache hit (one Lua
    script: the link, the dedupe SET NX and the XADD of the click). Served by TrackedLinkMiddleware, right
    after SecurityMiddleware. A request without a User-Agent is redirected but not counted."""
    user_agent = request.META.get("HTTP_USER_AGENT", "")
    crawler = links.is_crawler(user_agent)  # an empty User-Agent is no crawler: redirected, not counted
    countable = not crawler and links.is_countable(user_agent)
    fingerprint = links.client_fingerprint(client_ip(request), user_agent) if countable else ""
    resolved = links.record_click(code, fingerprint=fingerprint, countable=countable)
    if resolved is None:
        return _page(NOT_FOUND_PAGE, status=404)
    organization_id, destination = resolved
    if crawler:
        return _crawler_page(request, organization_id, code, destination)
    response = HttpResponseRedirect(destination)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer-when-downgrade"
    response["X-Robots-Tag"] = "noindex"
    return response


IMAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "public, max-age=3600",
    "Cross-Origin-Resource-Policy": "cross-origin",
    "X-Robots-Tag": "noindex",
}


def tracked_link_image(request, code):
    """`/l/<code>/image`: the uploaded image of the item a share links to, for the preview card networks
    build from the crawler page. Public like the post it illustrates, reachable only through a share's
    code, never counted as a click; anything else (an unknown code, an item without an upload) is the
    same 404 page."""
    resolved = links.resolve(code)
    item = _shared_item(resolved[0], code) if resolved else None
    content_type = ""
    if item is not None and item.image:
        content_type = mimetypes.guess_type(item.image.name)[0] or ""
    if not content_type.startswith("image/"):
        return _page(NOT_FOUND_PAGE, status=404)
    response = FileResponse(item.image.open("rb"), content_type=content_type)
    for name, value in IMAGE_HEADERS.items():
        response[name] = value
    return response
