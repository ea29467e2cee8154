"""The queue (moderators, admins and HR read it) and an item's page with its actions: claim, release, assign,
escalate, note and decide. Every action is a POST; a second moderator is told who acted first."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from advocacy.tenancy.decorators import org_view
from advocacy.tenancy.models import Team
from monitoring.models import Network, Rule
from policies.models import Course, Policy

from .. import selectors, services
from ..forms import DecideForm, EscalateForm, NoteForm
from ..models import ReviewItem, Source
from .common import add_errors, url_of

PAGE_SIZE = 50
MAX_PAGE = 2000


class QueuePage:
    """One page of the queue without counting every match (the counts per state are above the table): the
    page's items and whether there are more."""

    def __init__(self, queryset, number):
        self.number = int(number) if str(number or "").isdigit() and 0 < int(number) <= MAX_PAGE else 1
        start = (self.number - 1) * PAGE_SIZE
        rows = list(queryset[start : start + PAGE_SIZE + 1])
        self.object_list = rows[:PAGE_SIZE]
        self.has_next = len(rows) > PAGE_SIZE
        self.has_previous = self.number > 1

    def __iter__(self):
        return iter(self.object_list)


@require_GET
@org_view("monitoring.queue")
def queue(request):
    organization = request.organization
    filters = selectors.queue_filters(request.GET, organization=organization)
    page = QueuePage(
        selectors.queue_list(organization=organization, filters=filters, user=request.user), request.GET.get("page")
    )
    now, claim_minutes = timezone.now(), services.settings_for(organization).claim_minutes
    for item in page.object_list:
        item.claim_stale = item.claim_expired(claim_minutes, now)
    return render(
        request,
        "monitoring_review/queue.html",
        {
            "page": page,
            "filters": filters,
            "counts": selectors.state_counts(organization=organization),
            "appeals_waiting": selectors.pending_appeals_count(organization=organization),
            "teams": Team.objects.filter(organization=organization).order_by("name"),
            "moderators": services.moderators(organization),
            "networks": Network.choices,
            "sources": Source.choices,
            "categories": Rule.Category.choices,
            "priorities": [(4, _("Critical")), (3, _("High")), (2, _("Medium")), (1, _("Low"))],
            # per row, so the loop renders no tag that translates or reverses
            "item_base": url_of(request, "review_queue"),
            "overdue_label": _("Overdue"),
            "unknown_label": _("Unknown"),
            "claim_expired_label": _("claim expired"),
            "statuses": [
                ("active", _("Waiting (open, claimed, escalated, reopened)")),
                ("open", _("Open")),
                ("claimed", _("Claimed")),
                ("escalated", _("Escalated")),
                ("reopened", _("Reopened")),
                ("overdue", _("Overdue")),
                ("resolved", _("Resolved")),
                ("all", _("All")),
            ],
        },
    )


def _decide_form(request, item: ReviewItem, data=None) -> DecideForm:
    organization = request.organization
    policies = Policy.objects.filter(organization=organization, status=Policy.Status.ACTIVE).order_by("title")
    courses = Course.objects.filter(
        organization=organization, status=Course.Status.ACTIVE, current_version__isnull=False
    ).order_by("title")
    return DecideForm(data, policies=policies, courses=courses, initial={"version": item.version})


def _item_page(request, item: ReviewItem, *, decide_form=None, escalate_form=None, note_form=None, status=200):
    organization = request.organization
    detail = selectors.item_detail(organization=organization, item=item)
    membership = request.membership
    holder = services.workflow.claim_holder(organization, item, request.user)
    return render(
        request,
        "monitoring_review/item.html",
        {
            "item": item,
            "detail": detail,
            "parts": selectors.highlights(item.snapshot_text, detail.signals),
            "decide_form": decide_form or _decide_form(request, item),
            "escalate_form": escalate_form or EscalateForm(),
            "note_form": note_form or NoteForm(),
            "moderators": services.moderators(organization),
            "holder": holder,
            "may_triage": membership.may("monitoring.triage"),
            "may_decide": membership.may("monitoring.decide") and item.is_active and holder is None,
            "may_appeals": membership.may("monitoring.appeals"),
        },
        status=status,
    )


@require_GET
@org_view("monitoring.queue")
def item_page(request, item_id):
    item = selectors.get_item_for_org(request.organization, item_id)
    return _item_page(request, item)


def _act(request, item_id, action, **kwargs):
    """Run a workflow service for the item; its refusal becomes a message on the item page."""
    item = selectors.get_item_for_org(request.organization, item_id)
    try:
        action(organization=request.organization, actor=request.user, item=item, **kwargs)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return None
    return item


@require_POST
@org_view("monitoring.triage")
def item_claim(request, item_id):
    version = request.POST.get("version")
    item = _act(request, item_id, services.item_claim, version=int(version) if version and version.isdigit() else None)
    if item:
        messages.success(request, _("You claimed this item. Others see it is yours while you work on it."))
    return redirect(url_of(request, "review_item", item_id=item_id))


@require_POST
@org_view("monitoring.triage")
def item_release(request, item_id):
    if _act(request, item_id, services.item_release):
        messages.success(request, _("Released: the item is open for anyone."))
    return redirect(url_of(request, "review_item", item_id=item_id))


@require_POST
@org_view("monitoring.triage")
def item_assign(request, item_id):
    if _act(request, item_id, services.item_assign, assignee_id=request.POST.get("assignee")):
        messages.success(request, _("Assigned."))
    return redirect(url_of(request, "review_item", item_id=item_id))


@require_POST
@org_view("monitoring.triage")
def item_escalate(request, item_id):
    item = selectors.get_item_for_org(request.organization, item_id)
    form = EscalateForm(request.POST)
    if form.is_valid():
        try:
            services.item_escalate(
                organization=request.organization,
                actor=request.user,
                item=item,
                to=form.cleaned_data["to"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Escalated. They were told by email."))
            return redirect(url_of(request, "review_item", item_id=item.pk))
    return _item_page(request, item, escalate_form=form, status=400)


@require_POST
@org_view("monitoring.queue")
def item_note(request, item_id):
    item = selectors.get_item_for_org(request.organization, item_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.item_note(
                organization=request.organization, actor=request.user, item=item, text=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Note added."))
            return redirect(url_of(request, "review_item", item_id=item.pk) + "#notes")
    return _item_page(request, item, note_form=form, status=400)


@require_POST
@org_view("monitoring.decide")
def item_decide(request, item_id):
    item = selectors.get_item_for_org(request.organization, item_id)
    form = _decide_form(request, item, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.item_decide(
                organization=request.organization,
                actor=request.user,
                item=item,
                version=data["version"],
                outcome=data["outcome"],
                reasons=data["reasons"],
                policy_id=data["policy"],
                policy_section=data["policy_section"],
                consequences=form.consequences(),
            )
        except services.ItemChanged as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(url_of(request, "review_item", item_id=item.pk))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Decision recorded. The member and any reporters were told."))
            return redirect(url_of(request, "review_queue"))
    return _item_page(request, item, decide_form=form, status=400)
