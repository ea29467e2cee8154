"""Pages under /o/<slug>/policies/: reading and acknowledging (everyone), authoring, review, publishing,
comparing, tracking and reminders (HR), questions and the FAQ."""

from datetime import UTC
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from advocacy.audit.services import audit_record
from advocacy.core.chrome import initials
from advocacy.core.csv import csv_stream
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.decorators import org_view
from advocacy.tenancy.selectors import get_team_for_org
from advocacy.tenancy.tasks import enqueue

from . import selectors, services
from .forms import (
    AnswerForm,
    DraftForm,
    FollowupForm,
    PolicyForm,
    PolicySettingsForm,
    PublishForm,
    QuestionForm,
    ReviewForm,
    SettingsForm,
    SubmitReviewForm,
)
from .markup import diff_stats, parse_quiz, render_markdown, safe_html, side_by_side
from .models import Policy, PolicyKind, PolicyVersion

PEOPLE_PER_PAGE = 50
QUESTIONS_PER_PAGE = 30


def _url(request, name, **kwargs):
    return reverse(f"policies_{name}", kwargs={"org_slug": request.organization.slug, **kwargs})


def _messages_of(exc: ValidationError) -> list[str]:
    return exc.messages


def _add_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _may(request, action):
    return request.membership.may(action)


def _get_policy(request, policy_id) -> Policy:
    """A policy the caller may see: staff see every policy; others only published ones."""
    policy = selectors.get_policy_for_org(request.organization, policy_id)
    if policy.current_version_id is None and not _may(request, "policies.author"):
        raise Http404("No such policy")
    return policy


def _get_version(request, policy, version_id) -> PolicyVersion:
    version = selectors.get_version_for_org(request.organization, version_id, policy=policy)
    if not version.is_frozen and not _may(request, "policies.author"):
        raise Http404("No such version")  # employees never see drafts
    return version


# --- list and reading ---------------------------------------------------------------------------------


@require_GET
@org_view("policies.view")
def policy_list(request):
    organization, user = request.organization, request.user
    mine = list(selectors.policy_list_for_member(organization=organization, user=user))
    staff = None
    tab = request.GET.get("tab", "")
    if _may(request, "policies.author") or _may(request, "policies.track"):
        status = "archived" if tab == "archived" else "active"
        staff = list(
            selectors.policy_list_for_staff(
                organization=organization,
                status=status,
                kind=request.GET.get("kind", "") if request.GET.get("kind") in PolicyKind.values else "",
                search=request.GET.get("q", ""),
            )
        )
    today = timezone.localdate()
    context = {
        "mine": mine,
        "pending_count": sum(1 for p in mine if not p.acked),
        "staff": staff,
        "tab": tab or "active",
        "kinds": PolicyKind.choices,
        "kind": request.GET.get("kind", ""),
        "q": request.GET.get("q", ""),
        "today": today,
        "unseen_answers": selectors.unseen_answers_count(organization=organization, user=user),
    }
    return render(request, "policies/list.html", context)


def _reading_context(request, policy, version):
    organization = request.organization
    membership = request.membership
    in_audience = selectors.is_in_audience(organization=organization, policy=policy, membership=membership)
    ack = selectors.valid_acknowledgement(organization=organization, user=request.user, version=version)
    quiz = parse_quiz(version.quiz_source) if version.has_quiz else []
    attempts = list(selectors.quiz_attempts(organization=organization, version=version, user=request.user)[:5])
    previous = (
        PolicyVersion.objects.filter(organization=organization, policy=policy, number__lt=version.number)
        .order_by("-number")
        .first()
        if version.number
        else None
    )
    return {
        "policy": policy,
        "version": version,
        "body": safe_html(version.body_html),
        "is_current": policy.current_version_id == version.pk,
        "in_audience": in_audience,
        "ack": ack,
        "quiz": quiz,
        "attempts": attempts,
        "previous": previous,
        "faq": selectors.faq_for_policy(organization=organization, policy=policy),
        "question_form": QuestionForm(),
        "overdue": version.due_on is not None and version.due_on < timezone.localdate() and ack is None,
        "review_overdue": policy.review_due_on is not None and policy.review_due_on < timezone.localdate(),
    }


@require_GET
@org_view("policies.view")
def policy_detail(request, policy_id):
    policy = _get_policy(request, policy_id)
    if policy.current_version_id is None:
        return redirect(_url(request, "manage", policy_id=policy.pk))
    return render(request, "policies/detail.html", _reading_context(request, policy, policy.current_version))


@require_GET
@org_view("policies.view")
def version_detail(request, policy_id, version_id):
    policy = _get_policy(request, policy_id)
    version = _get_version(request, policy, version_id)
    if not version.is_frozen:
        return redirect(_url(request, "draft", policy_id=policy.pk))
    return render(request, "policies/detail.html", _reading_context(request, policy, version))


@require_POST
@org_view("policies.view")
def acknowledge(request, policy_id, version_id):
    policy = _get_policy(request, policy_id)
    version = _get_version(request, policy, version_id)
    back = _url(request, "detail", policy_id=policy.pk)
    if request.POST.get("confirm") != "yes":
        messages.error(request, "Tick “I have read and accept this policy” to acknowledge it.")
        return redirect(back)
    answers = None
    if version.has_quiz:
        count = len(parse_quiz(version.quiz_source))
        answers = [request.POST.get(f"q{i}", "") for i in range(count)]
    try:
        result = services.acknowledge(
            organization=request.organization, actor=request.user, version=version, quiz_answers=answers
        )
    except ValidationError as exc:
        messages.error(request, " ".join(_messages_of(exc)))
        return redirect(back)
    if result.ok:
        messages.success(request, result.message)
    else:
        messages.warning(request, result.message)
    return redirect(back)


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
            _add_errors(form, exc)
        else:
            messages.success(request, "Policy created. Write the first version, then publish it.")
            return redirect(_url(request, "draft", policy_id=policy.pk))
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
            _add_errors(form, exc)
        else:
            messages.success(request, "Policy settings saved.")
            return redirect(_url(request, "manage", policy_id=policy.pk))
    return render(request, "policies/policy_form.html", {"form": form, "policy": policy})


@require_GET
@org_view("policies.author")
def policy_manage(request, policy_id):
    organization = request.organization
    policy = selectors.get_policy_for_org(organization, policy_id)
    versions = list(selectors.version_list(organization=organization, policy=policy, include_drafts=True))
    draft = next((v for v in versions if v.status in PolicyVersion.OPEN), None)
    context = {
        "policy": policy,
        "versions": versions,
        "published": [v for v in versions if v.is_frozen],
        "draft": draft,
        "teams": list(
            selectors.teams_for_filter(organization=organization).filter(
                pk__in=selectors.audience_team_ids(organization=organization, policy=policy)
            )
        )
        if not policy.audience_all
        else [],
        "review_overdue": policy.review_due_on is not None and policy.review_due_on < timezone.localdate(),
    }
    return render(request, "policies/manage.html", context)


@require_POST
@org_view("policies.author")
def draft_new(request, policy_id):
    policy = selectors.get_policy_for_org(request.organization, policy_id)
    try:
        services.draft_start(organization=request.organization, actor=request.user, policy=policy)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_url(request, "manage", policy_id=policy.pk))
    return redirect(_url(request, "draft", policy_id=policy.pk))


@require_http_methods(["GET", "POST"])
@org_view("policies.author")
def draft_edit(request, policy_id):
    organization = request.organization
    policy = selectors.get_policy_for_org(organization, policy_id)
    draft = selectors.open_draft(organization=organization, policy=policy)
    if draft is None:
        messages.info(request, "There is no draft in progress. Start a new version first.")
        return redirect(_url(request, "manage", policy_id=policy.pk))
    form = DraftForm(request.POST or None, initial=_draft_initial(draft))
    if request.method == "POST" and form.is_valid():
        try:
            services.draft_save(organization=organization, actor=request.user, version=draft, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Draft saved.")
            return redirect(_url(request, "draft", policy_id=policy.pk))
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
    organization = request.organization
    form = form or DraftForm(initial=_draft_initial(draft))
    publish_form = publish_form or PublishForm(
        initial={"change_kind": "material" if policy.current_version_id is None else None}
    )
    source = form.data.get("body_markdown", draft.body_markdown) if form.is_bound else draft.body_markdown
    reviewers = selectors.hr_reviewers(organization=organization, exclude_user=request.user)
    context = {
        "policy": policy,
        "draft": draft,
        "form": form,
        "preview": safe_html(render_markdown(source)),
        "submit_form": SubmitReviewForm(
            reviewers=get_user_model().objects.filter(pk__in=reviewers.values("user_id")).order_by("full_name")
        ),
        "review_form": ReviewForm(),
        "publish_form": publish_form,
        "reviews": list(selectors.review_history(organization=organization, version=draft)),
        "may_review": _may(request, "policies.review") and not services.is_draft_author(draft, request.user),
        "may_publish": _may(request, "policies.publish"),
        "requires_review": services.require_review(organization),
        "is_first": policy.current_version_id is None,
    }
    status = 400 if (form.is_bound and form.errors) or (publish_form.is_bound and publish_form.errors) else 200
    return render(request, "policies/draft.html", context, status=status)


@require_POST
@org_view("policies.author")
def draft_preview(request, policy_id):
    selectors.get_policy_for_org(request.organization, policy_id)
    source = request.POST.get("body_markdown", "")[:200_000]
    return HttpResponse(safe_html(render_markdown(source)), content_type="text/html; charset=utf-8")


@require_POST
@org_view("policies.author")
def draft_submit(request, policy_id):
    organization = request.organization
    policy = selectors.get_policy_for_org(organization, policy_id)
    draft = selectors.open_draft(organization=organization, policy=policy)
    if draft is None:
        raise Http404("No draft")
    reviewers = selectors.hr_reviewers(organization=organization, exclude_user=request.user)
    form = SubmitReviewForm(request.POST, reviewers=get_user_model().objects.filter(pk__in=reviewers.values("user_id")))
    if not form.is_valid():
        messages.error(request, "Choose another HR member to review the draft.")
        return redirect(_url(request, "draft", policy_id=policy.pk))
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
    return redirect(_url(request, "draft", policy_id=policy.pk))


@require_POST
@org_view("policies.review")
def draft_review(request, policy_id):
    organization = request.organization
    policy = selectors.get_policy_for_org(organization, policy_id)
    draft = selectors.open_draft(organization=organization, policy=policy)
    if draft is None:
        raise Http404("No draft")
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose approve or request changes.")
        return redirect(_url(request, "draft", policy_id=policy.pk))
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
    return redirect(_url(request, "draft", policy_id=policy.pk))


@require_POST
@org_view("policies.publish")
def draft_publish(request, policy_id):
    organization = request.organization
    policy = selectors.get_policy_for_org(organization, policy_id)
    draft = selectors.open_draft(organization=organization, policy=policy)
    if draft is None:
        raise Http404("No draft")
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
        _add_errors(form, exc)
        return _draft_page(request, policy, draft, publish_form=form)
    kind = (
        "Everyone in the audience will be asked to acknowledge it."
        if version.change_kind == "material"
        else ("Existing acknowledgements carry over.")
    )
    messages.success(request, f"{version.label} published. {kind}")
    return redirect(_url(request, "manage", policy_id=policy.pk))


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
    return redirect(_url(request, "manage", policy_id=policy.pk))


# --- compare -------------------------------------------------------------------------------------------


@require_GET
@org_view("policies.view")
def compare(request, policy_id):
    organization = request.organization
    policy = _get_policy(request, policy_id)
    versions = list(
        selectors.version_list(
            organization=organization, policy=policy, include_drafts=_may(request, "policies.author")
        )
    )
    by_id = {str(v.pk): v for v in versions}
    if len(versions) < 2:
        messages.info(request, "There is only one version so far: nothing to compare.")
        return redirect(_url(request, "detail", policy_id=policy.pk))
    new = by_id.get(request.GET.get("b", "")) or versions[0]
    old = by_id.get(request.GET.get("a", ""))
    if old is None:
        older = [v for v in versions if v.pk != new.pk]
        old = older[0] if new is versions[0] else versions[0]
    rows = side_by_side(old.body_markdown, new.body_markdown)
    title_changed = old.title != new.title
    context = {
        "policy": policy,
        "versions": versions,
        "old": old,
        "new": new,
        "rows": rows,
        "stats": diff_stats(rows),
        "title_changed": title_changed,
        "only_changes": request.GET.get("changes") == "1",
    }
    return render(request, "policies/compare.html", context)


# --- tracking --------------------------------------------------------------------------------------------


def _report_filters(request, team_ids=None):
    """The report's filters from the query string. The team is checked against the organization: against
    `team_ids` (the organization's teams, cached) when given, else with a query; 404 for a foreign one."""
    organization = request.organization
    raw_team = request.GET.get("team") or None
    team_id = None
    if raw_team:
        if team_ids is None:
            team_id = get_team_for_org(organization, raw_team).pk
        else:
            try:
                team_id = int(raw_team)
            except (TypeError, ValueError):
                raise Http404("No such team")
            if team_id not in team_ids:
                raise Http404("No such team")
    status = request.GET.get("status", "")
    if status not in ("acknowledged", "pending", "overdue"):
        status = ""
    return {"team_id": team_id, "status": status, "search": request.GET.get("q", "")[:100]}


class _CountedPaginator(Paginator):
    """A paginator told its count (from the cached report counts) instead of counting every request."""

    def __init__(self, object_list, per_page, count):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # Paginator.count is a cached_property


_STATUS_BADGES = {
    "acknowledged": ("badge-success", "Acknowledged"),
    "overdue": ("badge-danger", "Overdue"),
    "pending": ("badge-warning", "Pending"),
}


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _utc_stamp(moment) -> str:
    """ "5 Mar 2026, 14:07 UTC" (Django's "j M Y, H:i" in English, without its per-call translation lookups)."""
    moment = moment.astimezone(UTC)
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}, {moment.hour:02d}:{moment.minute:02d} UTC"


def _report_rows(rows, *, overdue: bool) -> list[dict]:
    """The page of people (name, email, team name, ack_at) as what the template shows, formatted here
    rather than by template filters row by row."""
    result = []
    for name, email, team, ack_at in rows:
        status = "acknowledged" if ack_at else ("overdue" if overdue else "pending")
        badge, label = _STATUS_BADGES[status]
        result.append(
            {
                "name": name or email,
                "email": email,
                "initials": initials(SimpleNamespace(full_name=name, email=email)),
                "team": team or "—",
                "badge": badge,
                "status": label,
                "ack_at": _utc_stamp(ack_at) if ack_at else "",
            }
        )
    return result


TEAMS_SHOWN = 10


def _teams_needing_attention(counts: dict, report_url: str) -> dict:
    """The report's by-team card: every team when there are few, else the TEAMS_SHOWN teams with the most
    people pending (a link leads to all of them: an organization of 10,000 people has hundreds)."""
    teams = counts["teams"]
    shown = teams
    if len(teams) > TEAMS_SHOWN:
        shown = sorted(teams, key=lambda t: (-t["pending"], t["team"]))[:TEAMS_SHOWN]
    return {"teams": shown, "hidden": len(teams) - len(shown), "total_teams": len(teams), "report_url": report_url}


@require_GET
@org_view("policies.track")
def report(request, policy_id, version_id):
    """Counts overall and by team, then one page of people. At any organization size one query, for the
    page of people: the version, counts, teams and versions come from the report summary cached per
    policies generation (five more queries when it is built again)."""
    organization = request.organization
    summary = selectors.report_summary(organization=organization, policy_id=policy_id, version_id=version_id)
    version = summary["version"]
    counts = summary["counts"]
    filters = _report_filters(request, team_ids={pk for pk, _name in summary["teams"]})
    people = selectors.ReportPeoplePage(organization=organization, version=version, summary=summary, **filters)
    if filters["search"].strip():
        paginator = Paginator(people, PEOPLE_PER_PAGE)
    else:
        count = selectors.report_match_count(counts, team_id=filters["team_id"], status=filters["status"])
        paginator = _CountedPaginator(people, PEOPLE_PER_PAGE, count)
    page_obj = paginator.get_page(request.GET.get("page"))
    context = {
        "policy": version.policy,
        "version": version,
        "page_obj": page_obj,
        "people": _report_rows(page_obj.object_list, overdue=counts["is_overdue"]),
        "filters": filters,
        "published": [
            {"pk": pk, "label": f"v{number}", "published_at": published_at}
            for pk, number, published_at in summary["published"]
        ],
        "may_remind": _may(request, "policies.remind") and version.status == PolicyVersion.Status.PUBLISHED,
        "export_query": request.GET.urlencode(),
        "counts": counts,
        "team_choices": summary["teams"],
        **_teams_needing_attention(counts, request.path),
    }
    return render(request, "policies/report.html", context)


@require_GET
@org_view("policies.track")
def report_teams(request, policy_id, version_id):
    """Every team's counts for a version (the report page shows the teams needing attention): two queries
    besides the cached summary."""
    organization = request.organization
    summary = selectors.report_summary(organization=organization, policy_id=policy_id, version_id=version_id)
    version = summary["version"]
    counts = selectors.report_counts(organization=organization, version=version)
    order = "pending" if request.GET.get("sort") == "pending" else "name"
    teams = counts["teams"]
    if order == "pending":
        teams = sorted(teams, key=lambda t: (-t["pending"], t["team"]))
    report_url = reverse(
        "policies_report",
        kwargs={"org_slug": organization.slug, "policy_id": version.policy_id, "version_id": version.pk},
    )
    context = {
        "policy": version.policy,
        "version": version,
        "counts": counts,
        "order": order,
        "report_url": report_url,
        "teams": teams,
        "hidden": 0,
    }
    return render(request, "policies/report_teams.html", context)


REPORT_HEADER = ["name", "email", "team", "status", "acknowledged_at_utc", "policy", "version"]


@require_GET
@org_view("policies.track")
def report_csv(request, policy_id, version_id):
    organization, user = request.organization, request.user
    policy = selectors.get_policy_for_org(organization, policy_id)
    version = selectors.get_version_for_org(organization, version_id, policy=policy)
    if not version.is_frozen:
        raise Http404("Drafts have no acknowledgements")
    filters = _report_filters(request)
    audit_record(
        organization=organization,
        actor=user,
        action="policy.report_exported",
        target=version,
        data={k: str(v) for k, v in filters.items()},
    )
    overdue = version.due_on is not None and version.due_on < timezone.localdate()
    version_pk = version.pk

    def rows():
        # The response streams after the middleware's scope has closed: enter it again.
        with organization_scope(organization, user=user):
            v = selectors.get_version_for_org(organization, version_pk)
            people = selectors.report_people(organization=organization, version=v, **filters)
            for m in people.iterator(chunk_size=2000):
                status = "acknowledged" if m.ack_at else ("overdue" if overdue else "pending")
                yield [
                    m.user.full_name,
                    m.user.email,
                    m.team.name if m.team else "",
                    status,
                    m.ack_at.astimezone(UTC) if m.ack_at else None,
                    v.policy.title,
                    v.label,
                ]

    response = StreamingHttpResponse(csv_stream(rows(), header=REPORT_HEADER), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="acknowledgements-{policy.pk}-{version.label}-{timezone.now():%Y%m%d}.csv"'
    )
    return response


@require_POST
@org_view("policies.remind")
def remind_team(request, policy_id, version_id):
    organization = request.organization
    policy = selectors.get_policy_for_org(organization, policy_id)
    version = selectors.get_version_for_org(organization, version_id, policy=policy)
    back = _url(request, "report", policy_id=policy.pk, version_id=version.pk)
    team_id = request.POST.get("team")
    if not team_id:
        messages.error(request, "Choose the team to remind.")
        return redirect(back)
    team = get_team_for_org(organization, team_id)
    if version.status != PolicyVersion.Status.PUBLISHED or policy.status != Policy.Status.ACTIVE:
        messages.error(request, "Reminders go out for the current version of an active policy only.")
        return redirect(back)
    from .tasks import send_team_reminder

    enqueue(send_team_reminder, organization, version.pk, team.pk, request.user.pk)
    messages.success(request, f"Reminders are on their way to the people in {team.name} who have not acknowledged.")
    return redirect(back + f"?team={team.pk}")


# --- questions -------------------------------------------------------------------------------------------


@require_POST
@org_view("policies.view")
def ask(request, policy_id):
    organization = request.organization
    policy = _get_policy(request, policy_id)
    version = policy.current_version
    form = QuestionForm(request.POST)
    if version is None or not form.is_valid():
        context = _reading_context(request, policy, version) if version else {}
        context["question_form"] = form
        messages.error(request, "Write your question or feedback (up to 4,000 characters).")
        return render(request, "policies/detail.html", context, status=400)
    try:
        question, code = services.question_ask(
            organization=organization,
            actor=request.user,
            version=version,
            body=form.cleaned_data["body"],
            kind=form.cleaned_data["kind"],
            anonymous=form.cleaned_data["anonymous"],
        )
    except ValidationError as exc:
        context = _reading_context(request, policy, version)
        context["question_form"] = form
        messages.error(request, " ".join(exc.messages))
        return render(request, "policies/detail.html", context, status=400)
    if code:
        return render(request, "policies/anonymous_code.html", {"policy": policy, "code": code})
    messages.success(request, "Thanks — HR will answer you. You'll get an email and see it under “My questions”.")
    return redirect(_url(request, "detail", policy_id=policy.pk))


@require_GET
@org_view("policies.answer")
def question_inbox(request):
    return _inbox_page(request)


def _inbox_page(request, *, failed_answer=None, question_id=None):
    """The questions inbox; an answer that was refused comes back in its question's box as typed."""
    organization = request.organization
    status = request.GET.get("status", "open")
    if status not in ("open", "answered", "all"):
        status = "open"
    questions = selectors.question_inbox(organization=organization, status=status)
    page_obj = Paginator(questions, QUESTIONS_PER_PAGE).get_page(request.GET.get("page"))
    if failed_answer is not None:
        for question in page_obj:
            if question.pk == question_id:
                question.draft_answer = failed_answer.data.get("answer", "")
                question.draft_publish = failed_answer.data.get("publish_faq") == "on"
    return render(
        request,
        "policies/questions.html",
        {"page_obj": page_obj, "status": status, "answer_form": AnswerForm()},
        status=400 if failed_answer is not None else 200,
    )


@require_POST
@org_view("policies.answer")
def question_answer(request, question_id):
    organization = request.organization
    question = selectors.get_question_for_org(organization, question_id)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write the answer (up to 8,000 characters).")
        return _inbox_page(request, failed_answer=form, question_id=question.pk)
    try:
        services.question_answer(
            organization=organization,
            actor=request.user,
            question=question,
            answer=form.cleaned_data["answer"],
            publish_faq=form.cleaned_data["publish_faq"],
            faq_question=form.cleaned_data["faq_question"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _inbox_page(request, failed_answer=form, question_id=question.pk)
    else:
        messages.success(request, "Answer sent." + (" It is published in the FAQ." if question.faq_published else ""))
    return redirect(_url(request, "questions"))


@require_POST
@org_view("policies.answer")
def question_faq(request, question_id):
    organization = request.organization
    question = selectors.get_question_for_org(organization, question_id)
    try:
        services.question_set_faq(
            organization=organization,
            actor=request.user,
            question=question,
            published=request.POST.get("published") == "1",
            faq_question=request.POST.get("faq_question", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "FAQ updated.")
    return redirect(_url(request, "questions") + "?status=answered")


@require_GET
@org_view("policies.view")
def my_questions(request):
    organization = request.organization
    questions = list(selectors.questions_of(organization=organization, user=request.user)[:200])
    unseen = {q.pk for q in questions if q.answered_at and not q.answer_seen_at}
    if unseen:
        services.answers_mark_seen(organization=organization, actor=request.user)
    return render(request, "policies/my_questions.html", {"questions": questions, "unseen": unseen})


@require_http_methods(["GET", "POST"])
@org_view("policies.view")
def followup(request):
    form = FollowupForm(request.POST or None)
    question = None
    if request.method == "POST" and form.is_valid():
        question = selectors.question_by_code(organization=request.organization, code=form.cleaned_data["code"])
        if question is None:
            form.add_error("code", "No question matches this code. Check it and try again.")
    return render(request, "policies/followup.html", {"form": form, "question": question})


# --- settings --------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@org_view("policies.settings")
def policy_settings(request):
    organization = request.organization
    initial = {
        "require_ack_to_share": selectors.share_gate_enabled(organization),
        "require_review": services.require_review(organization),
        "reminder_days": selectors.reminder_days(organization),
    }
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_settings_update(organization=organization, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Policy settings saved.")
            return redirect(_url(request, "settings"))
    return render(request, "policies/settings.html", {"form": form})
