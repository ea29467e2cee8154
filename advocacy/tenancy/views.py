"""Pages under /o/<slug>/ for the organization and its people (members, teams, invitations, roster
imports, settings) and the public invitation page at /invitations/<token>/.

Views parse, call a selector or service, render. Services raise ValidationError with a message
meant for people; views show it and change nothing."""

from collections import Counter

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import roster, selectors, services
from .decorators import org_view
from .forms import (
    InvitationForm,
    MemberFilterForm,
    MembershipForm,
    OrganizationSettingsForm,
    RosterUploadForm,
    TeamForm,
)
from .models import ROSTER_MAX_AUTO_RESUMES, RosterImport

MEMBERS_PER_PAGE = 50
INVITATIONS_PER_PAGE = 50
REPORT_PER_PAGE = 100


def _is_partial(request) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def _org_url(request, name, **kwargs):
    return reverse(name, kwargs={"org_slug": request.organization.slug, **kwargs})


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@org_view()
def org_home(request):
    organization = request.organization
    context = {
        "stats": selectors.organization_stats(organization=organization)
        if request.membership.may("members.view")
        else None
    }
    return render(request, "tenancy/org_home.html", context)


# --- members ---------------------------------------------------------------------------------------------


@require_GET
@org_view("members.view")
def members_list(request):
    organization = request.organization
    teams = list(selectors.team_list(organization=organization))
    form = MemberFilterForm(request.GET or None, organization=organization, teams=teams)
    if form.is_bound:
        form.is_valid()
    filters = form.filters()
    members = selectors.member_list(organization=organization, **filters)
    page_obj = Paginator(members, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page_obj,
        "counts": selectors.member_counts(organization=organization),
        "filtered": bool(filters["search"] or filters["role"] or filters["team_id"] or filters["no_team"])
        or filters["status"] != "active",
        "status": filters["status"],
    }
    template = "tenancy/_members_table.html" if _is_partial(request) else "tenancy/members_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_http_methods(["GET", "POST"])
@org_view("members.view")
def member_detail(request, member_id):
    organization = request.organization
    member = selectors.get_membership_for_org(organization, member_id)
    can_manage = request.membership.may("members.manage")
    form = None
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("Your role does not allow changing members.")
        form = MembershipForm(request.POST, organization=organization)
        if form.is_valid():
            try:
                services.membership_update(
                    organization=organization,
                    actor=request.user,
                    membership=member,
                    roles=form.cleaned_data["roles"],
                    team=form.cleaned_data["team"],
                    title=form.cleaned_data["title"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"Saved the changes to {member.user.display_name}.")
                return redirect(_org_url(request, "member_detail", member_id=member.pk))
        status = 400
    elif can_manage:
        form = MembershipForm(
            organization=organization,
            initial={"roles": member.roles, "team": member.team_id, "title": member.title},
        )
    context = {
        "member": member,
        "form": form,
        "can_manage": can_manage,
        "is_self": member.user_id == request.user.pk,
    }
    return render(request, "tenancy/member_detail.html", context, status=status)


@require_POST
@org_view("members.manage")
def member_deactivate(request, member_id):
    organization = request.organization
    member = selectors.get_membership_for_org(organization, member_id)
    try:
        services.membership_deactivate(organization=organization, actor=request.user, membership=member)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(
            request,
            f"{member.user.display_name} is deactivated: signed out everywhere and their API tokens "
            f"for {organization.name} are revoked.",
        )
    return redirect(_org_url(request, "member_detail", member_id=member.pk))


@require_POST
@org_view("members.manage")
def member_reactivate(request, member_id):
    organization = request.organization
    member = selectors.get_membership_for_org(organization, member_id)
    try:
        services.membership_reactivate(organization=organization, actor=request.user, membership=member)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, f"{member.user.display_name} is active again.")
    return redirect(_org_url(request, "member_detail", member_id=member.pk))


# --- teams -----------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@org_view("teams.manage")
def teams_list(request):
    organization = request.organization
    form = TeamForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                team = services.team_create(organization=organization, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error("name", exc)
            else:
                messages.success(request, f"Created the team “{team.name}”.")
                return redirect(_org_url(request, "teams_list"))
        status = 400
    context = {"teams": selectors.team_list(organization=organization), "form": form}
    return render(request, "tenancy/teams_list.html", context, status=status)


@require_http_methods(["GET", "POST"])
@org_view("teams.manage")
def team_edit(request, team_id):
    organization = request.organization
    team = selectors.get_team_for_org(organization, team_id)
    form = TeamForm(request.POST or None, initial={"name": team.name, "description": team.description})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.team_update(organization=organization, actor=request.user, team=team, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error("name", exc)
            else:
                messages.success(request, f"Saved the team “{team.name}”.")
                return redirect(_org_url(request, "teams_list"))
        status = 400
    members = selectors.member_list(organization=organization, team_id=team.pk)
    context = {"team": team, "form": form, "member_count": members.count(), "members": members[:12]}
    return render(request, "tenancy/team_edit.html", context, status=status)


@require_POST
@org_view("teams.manage")
def team_delete(request, team_id):
    organization = request.organization
    team = selectors.get_team_for_org(organization, team_id)
    name = team.name
    services.team_delete(organization=organization, actor=request.user, team=team)
    messages.success(request, f"Deleted the team “{name}”. Its members stay in {organization.name} without a team.")
    return redirect(_org_url(request, "teams_list"))


# --- invitations -----------------------------------------------------------------------------------------

INVITATION_STATUSES = [
    ("pending", "Pending"),
    ("expired", "Expired"),
    ("accepted", "Accepted"),
    ("revoked", "Revoked"),
    ("", "All"),
]


@require_http_methods(["GET", "POST"])
@org_view("invitations.manage")
def invitations_list(request):
    organization = request.organization
    form = InvitationForm(request.POST or None, organization=organization)
    status_code = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                invitation, _raw = services.invitation_create(
                    organization=organization,
                    actor=request.user,
                    email=data["email"],
                    roles=data["roles"],
                    team=data["team"],
                    full_name=data["full_name"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"Invitation sent to {invitation.email}.")
                return redirect(_org_url(request, "invitations_list"))
        status_code = 400
    status = request.GET.get("status", "pending")
    if status == "all":
        status = ""
    elif status not in dict(INVITATION_STATUSES):
        status = "pending"
    invitations = selectors.invitation_list(organization=organization, status=status)
    context = {
        "form": form,
        "page_obj": Paginator(invitations, INVITATIONS_PER_PAGE).get_page(request.GET.get("page")),
        "status": status,
        "statuses": INVITATION_STATUSES,
        "counts": selectors.invitation_counts(organization=organization),
        "imports": selectors.roster_import_list(organization=organization, limit=5),
    }
    return render(request, "tenancy/invitations_list.html", context, status=status_code)


@require_POST
@org_view("invitations.manage")
def invitation_revoke(request, invitation_id):
    organization = request.organization
    invitation = selectors.get_invitation_for_org(organization, invitation_id)
    try:
        services.invitation_revoke(organization=organization, actor=request.user, invitation=invitation)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, f"Revoked the invitation for {invitation.email}; its link no longer works.")
    return redirect(_org_url(request, "invitations_list"))


@require_POST
@org_view("invitations.manage")
def invitation_resend(request, invitation_id):
    organization = request.organization
    invitation = selectors.get_invitation_for_org(organization, invitation_id)
    try:
        services.invitation_resend(organization=organization, actor=request.user, invitation=invitation)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, f"Sent the invitation to {invitation.email} again with a new link.")
    return redirect(_org_url(request, "invitations_list"))


# --- roster imports --------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@org_view("invitations.manage")
def roster_import_new(request):
    organization = request.organization
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                roster_import = services.roster_import_create(
                    organization=organization,
                    actor=request.user,
                    filename=form.cleaned_data["file"].name,
                    content=form.text,
                )
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                return redirect(_org_url(request, "roster_import_detail", import_id=roster_import.pk))
        status = 400
    context = {
        "form": form,
        "imports": selectors.roster_import_list(organization=organization),
        "teams": selectors.team_list(organization=organization),
        "max_rows": roster.MAX_ROWS,
    }
    return render(request, "tenancy/roster_import_new.html", context, status=status)


@require_GET
@org_view("invitations.manage")
def roster_import_detail(request, import_id):
    organization = request.organization
    roster_import = selectors.get_roster_import_for_org(organization, import_id, light=True)
    running = roster_import.status in (RosterImport.Status.QUEUED, RosterImport.Status.RUNNING)
    # While it runs, the page shows progress only; the report appears when the import stops.
    report = [] if running else selectors.roster_import_report(organization=organization, roster_import=roster_import)
    counts = Counter(entry["outcome"] for entry in report)
    outcome = request.GET.get("outcome", "")
    if outcome not in roster.OUTCOMES:
        outcome = ""
    rows = [entry for entry in report if entry["outcome"] == outcome] if outcome else report
    context = {
        "report": report,
        "roster_import": roster_import,
        "running": running,
        "stalled": roster_import.is_stalled,
        "auto_resume_exhausted": roster_import.auto_resumes >= ROSTER_MAX_AUTO_RESUMES,
        "percent": roster_import.percent,
        "percent_class": f"w-{min(100, (roster_import.percent // 5) * 5)}",
        "counts": {o: counts.get(o, 0) for o in roster.OUTCOMES},
        "outcome": outcome,
        "outcomes": roster.OUTCOMES,
        "page_obj": Paginator(rows, REPORT_PER_PAGE).get_page(request.GET.get("page")),
    }
    template = "tenancy/_roster_import_body.html" if _is_partial(request) else "tenancy/roster_import_detail.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
@org_view("invitations.manage")
def roster_import_report(request, import_id):
    organization = request.organization
    roster_import = selectors.get_roster_import_for_org(organization, import_id)
    content = services.roster_import_export_report(
        organization=organization, actor=request.user, roster_import=roster_import
    )
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="roster-import-{roster_import.pk}-report.csv"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@org_view("invitations.manage")
def roster_import_resume(request, import_id):
    organization = request.organization
    roster_import = selectors.get_roster_import_for_org(organization, import_id)
    try:
        services.roster_import_resume(organization=organization, actor=request.user, roster_import=roster_import)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, "The import will continue where it stopped.")
    return redirect(_org_url(request, "roster_import_detail", import_id=roster_import.pk))


# --- settings --------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@org_view("org.settings")
def org_settings(request):
    organization = request.organization
    initial = {"name": organization.name, "require_mfa_for_staff": organization.require_mfa_for_staff}
    form = OrganizationSettingsForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.organization_update_settings(
                    organization=organization, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Settings saved.")
                return redirect(_org_url(request, "org_settings"))
        status = 400
    context = {"form": form, "actor_has_mfa": selectors.user_has_mfa(user=request.user)}
    return render(request, "tenancy/org_settings.html", context, status=status)


# --- public: accepting an invitation ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    """The link in the invitation email. Unknown tokens get a 404 that names nothing; a known token
    shows who invited whom to which organization, and lets the invited person sign up or sign in
    and accept."""
    invitation = services.invitation_find_by_token(token)
    if invitation is None:
        request.session.pop("pending_invitation", None)
        return render(request, "tenancy/invitation_invalid.html", status=404)
    organization = invitation.organization
    context = {"invitation": invitation, "invited_org": organization, "token": token}
    state = invitation.status
    user = request.user
    if state != "pending":
        request.session.pop("pending_invitation", None)
        if state == "accepted" and user.is_authenticated and invitation.accepted_by_id == user.pk:
            return redirect("org_home", org_slug=organization.slug)
        context["state"] = state
        return render(request, "tenancy/invitation_closed.html", context, status=410)
    if not user.is_authenticated:
        if request.method == "POST":
            return redirect(request.path)
        request.session["pending_invitation"] = token
        return render(request, "tenancy/invitation_accept.html", context)
    context["email_matches"] = invitation.email.lower() == user.email.lower()
    status = 200
    if request.method == "POST":
        try:
            services.invitation_accept(invitation=invitation, user=user)
        except ValidationError as exc:
            context["error"] = _errors(exc)
            status = 400
        else:
            request.session.pop("pending_invitation", None)
            roles = invitation.get_roles_display()
            messages.success(request, f"Welcome to {organization.name}! You joined as {roles}.")
            return redirect("org_home", org_slug=organization.slug)
    return render(request, "tenancy/invitation_accept.html", context, status=status)
