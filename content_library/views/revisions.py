"""Suggestions and their review: suggest, the review queue, a revision's page and picture, approve,
reject."""

from __future__ import annotations

import mimetypes
from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from advocacy.tenancy.decorators import org_view

from .. import selectors, services
from ..forms import RejectForm, SuggestionForm
from ..networks import Network
from .common import check_approver, errors_to_form, every_error, org_url


@org_view("content.suggest")
def suggest(request):
    org = request.organization
    form = SuggestionForm(request.POST or None, request.FILES or None, organization=org, user=request.user)
    if request.method == "POST":
        if every_error(form, partial(services.suggestion_check, organization=org)):
            try:
                services.suggestion_create(organization=org, actor=request.user, **form.service_kwargs())
                form.saved()
                messages.success(request, "Thanks! Your suggestion is waiting for review.")
                return redirect(org_url(request, "content_suggest"))
            except ValidationError as exc:
                errors_to_form(form, exc)
        form.keep_image()
    mine = selectors.my_suggestions(organization=org, user=request.user)[:50]
    return render(
        request, "content_library/suggest.html", {"form": form, "mine": mine}, status=400 if form.errors else 200
    )


@org_view("content.approve")
def review_queue(request):
    check_approver(request)
    queue = list(selectors.review_queue(organization=request.organization))
    for revision in queue:  # what the reviewer will decide on, at a glance
        revision.picture = _picture(request, revision, revision.content)
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
        "picture": _picture(request, revision, item),
        "networks": [(Network(n).label, t) for n, t in (revision.captions or {}).items()],
        "current_networks": [(Network(n).label, t) for n, t in (item.captions or {}).items()],
        "history": selectors.revision_history(organization=request.organization, content=item),
    }
    return render(request, "content_library/revision.html", context)


def _picture(request, revision, item) -> dict | None:
    """The picture the reviewer decides on: the upload the revision proposes, or for a suggestion (whose
    words and picture live on the item until it is approved) the picture the member sent with it."""
    if revision.image:
        url = reverse(
            "content_revision_image", kwargs={"org_slug": request.organization.slug, "revision_id": revision.pk}
        )
        return {"url": url, "label": "Picture" if item.is_suggestion and revision.number == 1 else "New picture"}
    if item.is_suggestion and revision.number == 1 and item.image:
        url = reverse("content_image", kwargs={"org_slug": request.organization.slug, "content_id": item.pk})
        return {"url": url, "label": "Picture"}
    return None


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
    check_approver(request)
    try:
        item = services.revision_approve(organization=request.organization, actor=request.user, revision=revision)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(org_url(request, "content_revision", revision_id=revision.pk))
    messages.success(request, f"Approved “{item.title}”. It is live in the feed.")
    return redirect(org_url(request, "content_review"))


@org_view("content.approve")
@require_POST
def revision_reject(request, revision_id):
    revision = selectors.get_revision_for_org(request.organization, revision_id)
    check_approver(request)
    form = RejectForm(request.POST)
    reason = form.data.get("reason", "")
    try:
        services.revision_reject(
            organization=request.organization, actor=request.user, revision=revision, reason=reason
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(org_url(request, "content_revision", revision_id=revision.pk))
    messages.success(request, "Rejected; the author sees your reason.")
    return redirect(org_url(request, "content_review"))
