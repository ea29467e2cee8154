"""Training for HR: the courses, writing and publishing one, assigning it, its completion report (by team and
person, overdue people, CSV export) and a reminder to a team."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from advocacy.audit.services import audit_record
from advocacy.core.csv import csv_stream
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.decorators import org_view

from .. import selectors, services
from ..models import Course
from ..training_forms import AssignForm, CourseContentForm, CourseForm, NewCourseForm, RemindForm
from .common import add_errors, may, page_url

PEOPLE_PER_PAGE = 50


def _add_missing(form, errors: dict) -> None:
    for field, messages_ in errors.items():
        if field not in form.errors:
            form.add_error(field if field in form.fields else None, messages_)


@require_GET
@org_view("policies.train")
def training_admin(request):
    organization = request.organization
    tab = "archived" if request.GET.get("tab") == "archived" else "active"
    context = {
        "tab": tab,
        "courses": list(selectors.course_list_for_staff(organization=organization, status=tab)),
        "workshops": selectors.training.with_local_times(
            selectors.upcoming_workshops(organization=organization, include_past_days=14)[:20]
        ),
        "checkins": list(selectors.checkin_list(organization=organization)[:20]),
    }
    return render(request, "policies/training/admin.html", context)


@require_http_methods(["GET", "POST"])
@org_view("policies.train")
def course_create(request):
    organization = request.organization
    form = NewCourseForm(request.POST or None, initial={"new_member_due_days": 14})
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                course = services.course_create(
                    organization=organization,
                    actor=request.user,
                    title=data["title"],
                    summary=data["summary"],
                    lessons_markdown=data["lessons_markdown"],
                    quiz_source=data["quiz_source"],
                    pass_mark=data["pass_mark"],
                    recur_months=data["recur_months"],
                    assign_new_members=data["assign_new_members"],
                    new_member_due_days=data["new_member_due_days"],
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Course created. Check the draft, then publish it."))
                return redirect(page_url(request, "course_manage", course_id=course.pk))
        else:
            post = request.POST
            _add_missing(
                form,
                services.content_errors(
                    lessons_markdown=post.get("lessons_markdown", ""),
                    quiz_source=post.get("quiz_source", ""),
                    pass_mark=form.cleaned_data.get("pass_mark"),
                )
                if post.get("lessons_markdown", "").strip()
                else {},
            )
    return render(request, "policies/training/course_form.html", {"form": form})


def manage_page(request, course, *, settings_form=None, content_form=None, assign_form=None, status=200):
    organization = request.organization
    draft = services.course_draft(organization=organization, course=course)
    source = draft or course.current_version
    if settings_form is None:
        settings_form = CourseForm(
            initial={
                "title": course.title,
                "summary": course.summary,
                "recur_months": course.recur_months,
                "assign_new_members": course.assign_new_members,
                "new_member_due_days": course.new_member_due_days,
                "required_to_share": (organization.settings or {}).get(selectors.SHARE_COURSE_SETTING) == course.pk,
            }
        )
    if content_form is None:
        content_form = CourseContentForm(
            initial={
                "lessons_markdown": source.lessons_markdown if source else "",
                "quiz_source": source.quiz_source if source else "",
                "pass_mark": source.pass_mark if source else None,
            }
        )
    if assign_form is None:
        assign_form = AssignForm(
            organization=organization, initial={"due_on": timezone.localdate() + timedelta(days=14)}
        )
    context = {
        "course": course,
        "draft": draft,
        "settings_form": settings_form,
        "content_form": content_form,
        "assign_form": assign_form,
        "summary": selectors.course_report_summary(organization=organization, course=course)
        if course.current_version_id
        else None,
    }
    return render(request, "policies/training/manage.html", context, status=status)


@require_GET
@org_view("policies.train")
def course_manage(request, course_id):
    return manage_page(request, selectors.get_course_for_org(request.organization, course_id))


@require_POST
@org_view("policies.train")
def course_settings(request, course_id):
    course = selectors.get_course_for_org(request.organization, course_id)
    form = CourseForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        required = data.pop("required_to_share")
        try:
            services.course_update(organization=request.organization, actor=request.user, course=course, **data)
            services.course_require_for_sharing(
                organization=request.organization, actor=request.user, course=course, required=required
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Course settings saved."))
            return redirect(page_url(request, "course_manage", course_id=course.pk))
    return manage_page(request, course, settings_form=form, status=400)


@require_POST
@org_view("policies.train")
def course_content(request, course_id):
    """Save the draft's lessons and questions; "publish" in the same form saves and publishes."""
    course = selectors.get_course_for_org(request.organization, course_id)
    form = CourseContentForm(request.POST)
    if not form.is_valid():
        _add_missing(
            form,
            services.content_errors(
                lessons_markdown=request.POST.get("lessons_markdown", ""),
                quiz_source=request.POST.get("quiz_source", ""),
                pass_mark=form.cleaned_data.get("pass_mark"),
            ),
        )
        return manage_page(request, course, content_form=form, status=400)
    data = form.cleaned_data
    try:
        services.course_draft_save(organization=request.organization, actor=request.user, course=course, **data)
        if request.POST.get("action") == "publish":
            version = services.course_publish(organization=request.organization, actor=request.user, course=course)
            messages.success(
                request, _("Published %(label)s. Completions now record this version.") % {"label": version.label}
            )
        else:
            messages.success(request, _("Draft saved."))
    except ValidationError as exc:
        add_errors(form, exc)
        return manage_page(request, course, content_form=form, status=400)
    return redirect(page_url(request, "course_manage", course_id=course.pk))


@require_POST
@org_view("policies.train")
def course_archive(request, course_id):
    course = selectors.get_course_for_org(request.organization, course_id)
    archived = course.status == Course.Status.ACTIVE
    services.course_archive(organization=request.organization, actor=request.user, course=course, archived=archived)
    messages.success(request, _("Course archived.") if archived else _("Course restored."))
    return redirect(page_url(request, "course_manage", course_id=course.pk))


@require_POST
@org_view("policies.train")
def course_assign(request, course_id):
    organization = request.organization
    course = selectors.get_course_for_org(organization, course_id)
    form = AssignForm(request.POST, organization=organization)
    if not form.is_valid():
        _add_missing(form, services.assign_errors(course=course, due_on=form.cleaned_data.get("due_on")))
        return manage_page(request, course, assign_form=form, status=400)
    data = form.cleaned_data
    try:
        if data["who"] == "person":
            services.course_assign(
                organization=organization,
                actor=request.user,
                course=course,
                user=data["person"],
                due_on=data["due_on"],
                reason=data["reason"],
            )
            messages.success(
                request, _("Assigned to %(name)s.") % {"name": data["person"].full_name or data["person"].email}
            )
        else:
            team = data["team"] if data["who"] == "team" else None
            count = services.course_assign_group(
                organization=organization,
                actor=request.user,
                course=course,
                due_on=data["due_on"],
                team=team,
                reason=data["reason"],
            )
            messages.success(
                request,
                _("Assigned to %(count)s people (those already done or working on it keep theirs).") % {"count": count},
            )
    except ValidationError as exc:
        add_errors(form, exc)
        return manage_page(request, course, assign_form=form, status=400)
    return redirect(page_url(request, "course_manage", course_id=course.pk))


def _report_filters(request, summary):
    raw_team = request.GET.get("team") or ""
    team_id = None
    if raw_team:
        try:
            team_id = int(raw_team)
        except ValueError:
            raise Http404("No such team")
        if team_id not in summary["team_ids"]:
            raise Http404("No such team")
    status = request.GET.get("status", "")
    return {"team_id": team_id, "status": status if status in selectors.training.REPORT_STATUSES else ""}


class _CountedPaginator(Paginator):
    """A paginator told its count (from the cached report summary) instead of counting on every request."""

    def __init__(self, object_list, per_page, count):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # Paginator.count is a cached_property


def _matching(summary, *, team_id, status) -> int:
    """How many people the filters match, from the summary's counts (overall or the team's)."""
    row = summary["totals"]
    if team_id:
        row = next((t for t in summary["teams"] if t["team_id"] == team_id), None)
        if row is None:
            return 0
        row = {**row, "in_progress": row["assigned"] - row["completed"] - row["overdue"]}
    return row[status] if status else row["assigned"]


def _report_course(request, course_id) -> Course:
    course = selectors.get_course_for_org(request.organization, course_id)
    if course.current_version_id is None:
        raise Http404("Not published")
    return course


@require_GET
@org_view("policies.train_report")
def course_report(request, course_id):
    """Counts overall and by team (cached), then one page of people (one query)."""
    organization = request.organization
    course = _report_course(request, course_id)
    summary = selectors.course_report_summary(organization=organization, course=course)
    filters = _report_filters(request, summary)
    people = selectors.course_report_people(organization=organization, course=course, **filters)
    paginator = _CountedPaginator(people, PEOPLE_PER_PAGE, _matching(summary, **filters))
    page = paginator.get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [
        {
            "name": name or email,
            "email": email,
            "team": team or "—",
            "due_on": due_on,
            "completed_at": completed_at,
            "version": number,
            "status": "completed" if completed_at else ("overdue" if due_on < today else "in_progress"),
        }
        for name, email, team, due_on, completed_at, number in page.object_list
    ]
    context = {
        "course": course,
        "summary": summary,
        "filters": filters,
        "page_obj": page,
        "rows": rows,
        "teams": summary["teams"],
        "remind_form": RemindForm(organization=organization),
        "may_remind": may(request, "policies.train"),
        "query": request.GET.urlencode(),
    }
    return render(request, "policies/training/report.html", context)


@require_GET
@org_view("policies.train_report")
def course_report_csv(request, course_id):
    organization = request.organization
    course = _report_course(request, course_id)
    summary = selectors.course_report_summary(organization=organization, course=course)
    filters = _report_filters(request, summary)
    people = selectors.course_report_people(organization=organization, course=course, **filters)
    today = timezone.localdate()
    audit_record(
        organization=organization, actor=request.user, action="training.report_exported", target=course, data=filters
    )

    user = request.user

    def rows():
        # streamed after the view returned: the organization's scope (row-level security) is set again here
        with organization_scope(organization, user=user):
            for name, email, team, due_on, completed_at, number in people.iterator(chunk_size=2000):
                status = "completed" if completed_at else ("overdue" if due_on < today else "in progress")
                yield [name, email, team or "", due_on, status, completed_at, f"v{number}" if number else ""]

    header = ["Name", "Email", "Team", "Due on", "Status", "Completed at", "Version"]
    response = StreamingHttpResponse(csv_stream(rows(), header=header), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="course-{course.pk}-completion.csv"'
    return response


@require_POST
@org_view("policies.train")
def course_remind(request, course_id):
    organization = request.organization
    course = _report_course(request, course_id)
    form = RemindForm(request.POST, organization=organization)
    if not form.is_valid():
        raise Http404("No such team")
    team = form.cleaned_data["team"]
    sent = services.training_remind_team(organization=organization, actor=request.user, course=course, team=team)
    who = _("the %(team)s team") % {"team": team.name} if team else _("everyone not done")
    messages.success(
        request,
        _("Reminder sent to %(sent)s people in %(who)s (once a day at most per person).") % {"sent": sent, "who": who},
    )
    return redirect(page_url(request, "course_report", course_id=course.pk))
