"""Hashtags and topics."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from advocacy.tenancy.decorators import org_view

from .. import selectors, services
from ..caching import PAGE_SIZE
from ..forms import HashtagForm, TopicForm
from .common import errors_to_form, org_url


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
                return redirect(org_url(request, "content_hashtags"))
            except ValidationError as exc:
                errors_to_form(form, exc)
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
            return redirect(org_url(request, "content_hashtag", hashtag_id=tag.pk))
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
            return redirect(org_url(request, "content_topics"))
        except ValidationError as exc:
            errors_to_form(form, exc)
    items = selectors.topic_list(organization=org)
    return render(request, "content_library/topics.html", {"topics": items, "form": form})
