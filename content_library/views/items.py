"""Curation of items: the library, new and edited items, publish, archive, results, the uploaded
image, and the link preview of the editor."""

from __future__ import annotations

import mimetypes
from functools import partial
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from advocacy.tenancy.decorators import org_view

from .. import selectors, services
from ..forms import ContentForm
from ..models import ContentItem
from ..og import PreviewError, fetch_preview
from ..validation import clean_url
from .common import errors_to_form, every_error, org_url, visible_item


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
    form = ContentForm(
        request.POST or None, request.FILES or None, organization=org, initial=initial, user=request.user
    )
    if request.method == "POST":
        check = partial(services.content_check, organization=org, kind=form.data.get("kind", ""))
        if every_error(form, check):
            try:
                item = services.content_create(
                    organization=org, actor=request.user, kind=form.cleaned_data["kind"], **form.service_kwargs()
                )
                form.saved()
                if request.POST.get("publish") and item.status == ContentItem.Status.DRAFT:
                    services.content_publish(organization=org, actor=request.user, content=item)
                    messages.success(request, f"Published “{item.title}”.")
                else:
                    messages.success(request, f"Saved “{item.title}” as a draft.")
                return redirect(org_url(request, "content_detail", content_id=item.pk))
            except ValidationError as exc:
                errors_to_form(form, exc)
        form.keep_image()
    return render(
        request, "content_library/edit.html", {"form": form, "item": None}, status=400 if form.errors else 200
    )


@org_view("content.manage")
def content_edit(request, content_id):
    org = request.organization
    item = selectors.get_content_for_org(org, content_id)
    pending = selectors.pending_revision(organization=org, content=item)
    if request.method == "POST":
        form = ContentForm(request.POST, request.FILES, organization=org, user=request.user)
        check = partial(services.content_check, organization=org, kind=item.kind, content=item)
        if every_error(form, check):
            try:
                revision = services.content_update(
                    organization=org, actor=request.user, content=item, **form.service_kwargs()
                )
                form.saved()
                if revision:
                    messages.info(
                        request, f"Your edit is revision {revision.number}; it goes live once someone else approves it."
                    )
                else:
                    messages.success(request, "Saved.")
                return redirect(org_url(request, "content_detail", content_id=item.pk))
            except ValidationError as exc:
                errors_to_form(form, exc)
        form.keep_image()
    else:
        initial = ContentForm.initial_for(item, pending)
        initial["teams"] = selectors.team_ids_for(organization=org, content=item)
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
    return redirect(org_url(request, "content_detail", content_id=item.pk))


@org_view("content.manage")
@require_POST
def content_archive(request, content_id):
    item = selectors.get_content_for_org(request.organization, content_id)
    services.content_archive(organization=request.organization, actor=request.user, content=item)
    messages.success(request, f"Archived “{item.title}”.")
    return redirect(org_url(request, "content_library"))


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
        item = visible_item(request, content_id)
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
