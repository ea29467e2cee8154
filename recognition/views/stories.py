"""Wins: published success stories and announced milestones; submitting a story; for an admin, the stories
waiting for approval, announcing a milestone and turning a story into a draft in the content library."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from advocacy.tenancy.decorators import org_view

from .. import selectors, services
from .common import errors_of, page_number, url_of


def _wins(request, *, errors=None, values=None, status=200):
    organization = request.organization
    may_manage = request.membership.may("recognition.manage")
    context = {
        "page": selectors.wins(organization=organization, page=page_number(request)),
        "mine": selectors.stories_of(organization=organization, user=request.user),
        "may_manage": may_manage,
        "pending": selectors.stories_pending(organization=organization) if may_manage else [],
        "errors": errors or {},
        "values": values or {},
    }
    return render(request, "recognition/wins.html", context, status=status)


@require_http_methods(["GET"])
@org_view("recognition.view")
def wins(request):
    return _wins(request)


@require_http_methods(["GET", "POST"])
@org_view("recognition.participate")
def story_new(request):
    organization = request.organization
    errors, values = {}, {}
    if request.method == "POST":
        values = request.POST
        try:
            services.story_submit(
                organization=organization,
                actor=request.user,
                title=request.POST.get("title", ""),
                what_happened=request.POST.get("what_happened", ""),
                result=request.POST.get("result", ""),
                picture=request.FILES.get("picture"),
                share_ids=request.POST.getlist("shares"),
            )
        except ValidationError as exc:
            errors = errors_of(exc)
        else:
            messages.success(request, _("Thank you! Your story is with an admin; it shows on Wins once approved."))
            return redirect(url_of(request, "recognition_wins"))
    context = {
        "shares": selectors.shares_of(organization=organization, user=request.user),
        "errors": errors,
        "values": values,
        "chosen": [str(v) for v in values.getlist("shares")] if values else [],
    }
    return render(request, "recognition/story_form.html", context, status=400 if errors else 200)


@require_POST
@org_view("recognition.manage")
def milestone_new(request):
    try:
        services.milestone_announce(
            organization=request.organization,
            actor=request.user,
            title=request.POST.get("title", ""),
            what_happened=request.POST.get("what_happened", ""),
            result=request.POST.get("result", ""),
            picture=request.FILES.get("picture"),
        )
    except ValidationError as exc:
        return _wins(request, errors=errors_of(exc), values=request.POST, status=400)
    messages.success(request, _("Milestone announced on Wins."))
    return redirect(url_of(request, "recognition_wins"))


@require_POST
@org_view("recognition.manage")
def story_decide(request, story_id):
    story = selectors.get_story_for_org(request.organization, story_id)
    approve = request.POST.get("decision") == "approve"
    try:
        services.story_decide(
            organization=request.organization,
            actor=request.user,
            story=story,
            approve=approve,
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Published on Wins.") if approve else _("Declined; the author sees why."))
    return redirect(url_of(request, "recognition_wins"))


@require_POST
@org_view("recognition.manage")
def story_to_content(request, story_id):
    story = selectors.get_story_for_org(request.organization, story_id)
    try:
        item = services.story_to_content(organization=request.organization, actor=request.user, story=story)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(url_of(request, "recognition_wins"))
    messages.success(request, _("A draft is in the library: finish it and publish it for everyone to share."))
    return redirect(reverse("content_edit", kwargs={"org_slug": request.organization.slug, "content_id": item.pk}))
