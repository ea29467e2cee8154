"""Authoring (HR): policies, drafts, review, publication, archiving."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from advocacy.tenancy.decorators import org_view

from .. import selectors, services
from ..forms import (
    DraftForm,
    FeedbackRoundForm,
    PolicyForm,
    PolicyReviewForm,
    PolicySettingsForm,
    PublishForm,
    ReviewForm,
    SubmitReviewForm,
)
from ..markup import MAX_MARKDOWN, removal_notice, render_markdown, safe_html
from ..models import PolicyVersion
from .common import add_errors, may, page_url

# --- authoring -----------------------------------------------------------------------------------------


def _policy_form_values(form):
    data = form.cleaned_data
    return {
        "title": data["title"],
        "kind": data["kind"],
        "summary": data.get("summary", ""),
        "owner": data.get("owner"),
        "audience_all": data["audience_all"],
        "team_ids": [t.pk for t in data.get("teams") or []],
        "refresh_months": data.get("refresh_months"),
        "review_months": data.get("review_months"),
    }


@require_http_methods(["GET", "POST"])
@org_view("policies.author")
def policy_create(request):
    organization = request.organization
    form = PolicyForm(request.POST or None, organization=organization, initial={"owner": request.user.pk})
    if request.method == "POST" and form.is_valid():
        try:
            policy = services.policy_create(organization=organization, actor=request.user, **_policy_form_values(form))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Policy created. Write the first version, then publish it.")
            return redirect(page_url(request, "draft", policy_id=policy.pk))
    return render(request, "policies/policy_form.html", {"form": form, "policy": None})


@require_http_methods(["GET", "POST"])
@org_view("policies.author")
def policy_edit(request, policy_id):
    organization = request.organization
    policy = selectors.get_policy_for_org(organization, policy_id)
    initial = {
        "title": policy.title,
        "kind": policy.kind,
        "summary": policy.summary,
        "owner": policy.owner_id,
        "audience_all": "1" if policy.audience_all else "0",
        "teams": selectors.audience_team_ids(organization=organization, policy=policy),
        "refresh_months": policy.refresh_months,
        "review_months": policy.review_months,
        "review_due_on": policy.review_due_on,
    }
    form = PolicySettingsForm(request.POST or None, organization=organization, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_update(
                organization=organization,
                actor=request.user,
                policy=policy,
                review_due_on=form.cleaned_data.get("review_due_on"),
                **_policy_form_values(form),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Policy settings saved.")
            return redirect(page_url(request, "manage", policy_id=policy.pk))
    return render(request, "policies/policy_form.html", {"form": form, "policy": policy})


@require_GET
@org_view("policies.track")
def policy_manage(request, policy_id):
    """HR manages the policy here; an admin (who reviews but does not author) sees it without the authoring
    controls."""
    policy = selectors.get_policy_for_org(request.organization, policy_id)
    return manage_page(request, policy)


def manage_page(request, policy, *, review_form=None, round_form=None):
    """The policy's management page; a review or feedback round form that failed is shown as typed, with every
    error."""
    organization = request.organization
    versions = list(selectors.version_list(organization=organization, policy=policy, include_drafts=True))
    draft = next((v for v in versions if v.status in PolicyVersion.OPEN), None)
    reviews = list(selectors.policy_reviews(organization=organization, policy=policy))
    context = {
        "policy": policy,
        "versions": versions,
        "published": [v for v in versions if v.is_frozen],
        "draft": draft,
        "teams": [] if policy.audience_all else selectors.audience_teams(organization=organization, policy=policy),
        "review_overdue": selectors.is_review_overdue(policy),
        "may_author": may(request, "policies.author"),
        "reviews": reviews,
        "review_form": review_form
        or PolicyReviewForm(
            initial={"next_review_on": selectors.default_next_review(organization=organization, policy=policy)}
        ),
        "may_mark_reviewed": may(request, "policies.review")
        and policy.status == policy.Status.ACTIVE
        and policy.current_version_id is not None,
        **review_feedback_context(organization, policy, round_form, may_open=may(request, "policies.review")),
    }
    failed = any(form is not None and form.errors for form in (review_form, round_form))
    status = 400 if failed else 200
    return render(request, "policies/manage.html", context, status=status)


def review_feedback_context(organization, policy, round_form=None, *, may_open: bool) -> dict:
    """What the review card shows next to the form: the feedback rounds since the last review (anonymous
    summaries), the round open now, and the questions asked about the policy since its last review."""
    rounds = selectors.rounds_since_last_review(organization=organization, policy=policy)
    open_round = selectors.open_round(organization=organization, policy=policy)
    return {
        "feedback_summaries": [selectors.feedback_summary(organization=organization, feedback_round=r) for r in rounds],
        "open_round": open_round,
        "round_form": round_form or FeedbackRoundForm(initial={"closes_on": selectors.default_round_close()}),
        # a refused round comes back as typed, with why, even where no round may open now
        "show_round_form": bool(round_form is not None and round_form.errors)
        or (may_open and policy.status == policy.Status.ACTIVE and policy.current_version_id and open_round is None),
        "recent_questions": selectors.questions_since_last_review(organization=organization, policy=policy),
        "min_answers": selectors.MIN_ANSWERS,
    }


@require_POST
@org_view("policies.author")
def draft_new(request, policy_id):
    policy = selectors.get_policy_for_org(request.organization, policy_id)
    try:
        services.draft_start(organization=request.organization, actor=request.user, policy=policy)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(page_url(request, "manage", policy_id=policy.pk))
    return redirect(page_url(request, "draft", policy_id=policy.pk))


@require_http_methods(["GET", "POST"])
@org_view("policies.author")
def draft_edit(request, policy_id):
    organization = request.organization
    policy = selectors.get_policy_for_org(organization, policy_id)
    draft = selectors.open_draft(organization=organization, policy=policy)
    if draft is None:
        messages.info(request, "There is no draft in progress. Start a new version first.")
        return redirect(page_url(request, "manage", policy_id=policy.pk))
    form = DraftForm(request.POST or None, initial=_draft_initial(draft))
    if request.method == "POST" and form.is_valid():
        try:
            services.draft_save(organization=organization, actor=request.user, version=draft, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if removal_notice(form.cleaned_data["body_markdown"]):
                messages.warning(request, "Draft saved. Some of its markup will not reach employees: see why below.")
            else:
                messages.success(request, "Draft saved.")
            return redirect(page_url(request, "draft", policy_id=policy.pk))
    return _draft_page(request, policy, draft, form=form)


def _draft_initial(draft) -> dict:
    return {
        "title": draft.title,
        "body_markdown": draft.body_markdown,
        "change_summary": draft.change_summary,
        "quiz_source": draft.quiz_source,
        "pass_mark": draft.pass_mark,
    }


def _draft_page(request, policy, draft, *, form=None, publish_form=None):
    """The draft editor; a bound form (the text, or the publish choices) that failed is shown as typed."""
    form = form or DraftForm(initial=_draft_initial(draft))
    publish_form = publish_form or PublishForm(
        initial={"change_kind": "material" if policy.current_version_id is None else None}
    )
    source = form.data.get("body_markdown", draft.body_markdown) if form.is_bound else draft.body_markdown
    context = {
        "policy": policy,
        "draft": draft,
        "form": form,
        "preview": safe_html(render_markdown(source)),
        "removed": removal_notice(source),  # of the text shown in the editor
        "removed_saved": removal_notice(draft.body_markdown),  # of the saved text, the one published
        "publish_form": publish_form,
        "may_publish": may(request, "policies.publish"),
        "is_first": policy.current_version_id is None,
        **review_card_context(request, draft),
    }
    status = 400 if (form.is_bound and form.errors) or (publish_form.is_bound and publish_form.errors) else 200
    return render(request, "policies/draft.html", context, status=status)


def review_card_context(request, draft) -> dict:
    """The draft's review card: its history, who may be asked, whether the caller may decide."""
    organization = request.organization
    reviewers = selectors.reviewer_users(organization=organization, exclude_user=request.user)
    return {
        "submit_form": SubmitReviewForm(reviewers=reviewers),
        "has_reviewers": reviewers.exists(),
        "review_form": ReviewForm(),
        "reviews": list(selectors.review_history(organization=organization, version=draft)),
        "may_review": may(request, "policies.review") and not services.is_draft_author(draft, request.user),
        "may_change_settings": may(request, "policies.settings"),
        "requires_review": services.require_review(organization),
    }


@require_GET
@org_view("policies.review")
def draft_read(request, policy_id):
    """A reviewer who does not author (an admin) reads the draft sent to them and approves it or asks for
    changes; an author is taken to the editor."""
    organization = request.organization
    policy = selectors.get_policy_for_org(organization, policy_id)
    if may(request, "policies.author"):
        return redirect(page_url(request, "draft", policy_id=policy.pk))
    draft = selectors.open_draft(organization=organization, policy=policy)
    if draft is None:
        messages.info(request, "There is no draft in progress for this policy.")
        return redirect(page_url(request, "manage", policy_id=policy.pk))
    context = {
        "policy": policy,
        "draft": draft,
        "body": safe_html(render_markdown(draft.body_markdown)),
        "is_first": policy.current_version_id is None,
        **review_card_context(request, draft),
    }
    return render(request, "policies/draft_read.html", context)


@require_POST
@org_view("policies.author")
def draft_preview(request, policy_id):
    selectors.get_policy_for_org(request.organization, policy_id)
    source = request.POST.get("body_markdown", "")[:MAX_MARKDOWN]
    # the preview, and (out of band) the note saying what cleaning removed from it and why
    return render(
        request,
        "policies/_preview.html",
        {"preview": safe_html(render_markdown(source)), "removed": removal_notice(source)},
    )


def _policy_and_draft(organization, policy_id):
    """The policy and its draft in progress; 404 when there is none."""
    policy = selectors.get_policy_for_org(organization, policy_id)
    draft = selectors.open_draft(organization=organization, policy=policy)
    if draft is None:
        raise Http404("No draft")
    return policy, draft


@require_POST
@org_view("policies.author")
def draft_submit(request, policy_id):
    organization = request.organization
    policy, draft = _policy_and_draft(organization, policy_id)
    reviewers = selectors.reviewer_users(organization=organization, exclude_user=request.user)
    form = SubmitReviewForm(request.POST, reviewers=reviewers)
    if not form.is_valid():
        messages.error(request, "Choose another HR member (or an admin) to review the draft.")
        return redirect(page_url(request, "draft", policy_id=policy.pk))
    try:
        services.draft_submit_for_review(
            organization=organization,
            actor=request.user,
            version=draft,
            reviewer=form.cleaned_data["reviewer"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Sent for review.")
    return redirect(page_url(request, "draft", policy_id=policy.pk))


@require_POST
@org_view("policies.review")
def draft_review(request, policy_id):
    organization = request.organization
    policy, draft = _policy_and_draft(organization, policy_id)
    back = page_url(request, "draft" if may(request, "policies.author") else "draft_read", policy_id=policy.pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose approve or request changes.")
        return redirect(back)
    try:
        services.draft_review(
            organization=organization,
            actor=request.user,
            version=draft,
            approve=form.cleaned_data["decision"] == "approve",
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Review recorded.")
    return redirect(back)


@require_POST
@org_view("policies.publish")
def draft_publish(request, policy_id):
    organization = request.organization
    policy, draft = _policy_and_draft(organization, policy_id)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say whether this is a material change or an editorial fix, with valid dates.")
        return _draft_page(request, policy, draft, publish_form=form)
    try:
        version = services.version_publish(
            organization=organization, actor=request.user, version=draft, **form.cleaned_data
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        add_errors(form, exc)
        return _draft_page(request, policy, draft, publish_form=form)
    kind = (
        "Everyone in the audience will be asked to acknowledge it."
        if version.change_kind == "material"
        else ("Existing acknowledgements carry over.")
    )
    messages.success(request, f"{version.label} published. {kind}")
    return redirect(page_url(request, "manage", policy_id=policy.pk))


@require_POST
@org_view("policies.author")
def policy_archive(request, policy_id):
    policy = selectors.get_policy_for_org(request.organization, policy_id)
    restore = request.POST.get("restore") == "1"
    try:
        if restore:
            services.policy_restore(organization=request.organization, actor=request.user, policy=policy)
        else:
            services.policy_archive(organization=request.organization, actor=request.user, policy=policy)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Policy restored." if restore else "Policy archived; its history is kept.")
    return redirect(page_url(request, "manage", policy_id=policy.pk))
