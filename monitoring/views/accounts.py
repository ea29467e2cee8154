"""Connected accounts (/o/<slug>/monitoring/accounts/): every member connects their own Mastodon and Bluesky
accounts, sees each account's state and their pulled posts with engagement, and disconnects.

Mastodon's OAuth comes back to one address for every organization (`mastodon_return`, a root route: our app
registration on an instance is shared), which sends the member on to their organization's callback with the
state kept in their session."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from advocacy.tenancy.decorators import org_view
from monitoring.models import ConnectedAccount, MonitoringSettings
from monitoring.services import accounts as services

SESSION_KEY = "monitoring_mastodon_oauth"


class MastodonForm(forms.Form):
    instance = forms.CharField(
        label=gettext_lazy("Your Mastodon instance"),
        max_length=255,
        help_text=gettext_lazy("The address of the server your account is on, like mastodon.social."),
        widget=forms.TextInput(attrs={"placeholder": "mastodon.social", "autocomplete": "url"}),
    )


class BlueskyForm(forms.Form):
    handle = forms.CharField(
        label=gettext_lazy("Your Bluesky handle"),
        max_length=253,
        help_text=gettext_lazy("Like name.bsky.social, or your own domain."),
        widget=forms.TextInput(attrs={"placeholder": "name.bsky.social", "autocomplete": "off"}),
    )


class XForm(forms.Form):
    username = forms.CharField(
        label=gettext_lazy("Your X username"),
        max_length=40,
        help_text=gettext_lazy("Like @name."),
        widget=forms.TextInput(attrs={"placeholder": "@name", "autocomplete": "off"}),
    )


def _page_url(request) -> str:
    return reverse("monitoring_accounts", kwargs={"org_slug": request.organization.slug})


def mastodon_redirect_uri() -> str:
    return settings.SITE_URL + reverse("monitoring_mastodon_return")


def _closed_networks(organization) -> dict[str, bool]:
    row = MonitoringSettings.objects.filter(organization=organization).only(
        "linkedin_credentials_encrypted", "x_credentials_encrypted", "organization_id"
    )
    row = row.first()
    return {
        "linkedin": bool(row and row.linkedin_credentials_encrypted),
        "x": bool(row and row.x_credentials_encrypted),
    }


def _render(request, *, mastodon_form=None, bluesky_form=None, x_form=None, status=200):
    organization = request.organization
    context = {
        "accounts": services.member_accounts(organization=organization, user=request.user),
        "posts": services.member_recent_posts(organization=organization, user=request.user),
        "mastodon_form": mastodon_form or MastodonForm(),
        "bluesky_form": bluesky_form or BlueskyForm(),
        "x_form": x_form or XForm(),
        "closed": _closed_networks(organization),
    }
    return render(request, "monitoring/accounts/list.html", context, status=status)


@require_GET
@org_view("monitoring.accounts")
def account_list(request):
    return _render(request)


def _form_errors(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        for error in errors:
            form.add_error(None if field == "__all__" else field, error)


@require_POST
@org_view("monitoring.accounts")
def mastodon_start(request):
    form = MastodonForm(request.POST)
    if form.is_valid():
        try:
            url, instance, state = services.mastodon_connect_start(
                organization=request.organization,
                user=request.user,
                instance=form.cleaned_data["instance"],
                redirect_uri=mastodon_redirect_uri(),
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            request.session[SESSION_KEY] = {"state": state, "instance": instance, "org": request.organization.slug}
            # a page with a link rather than a redirect: the site's CSP (form-action 'self') stops a form's
            # redirect to another site, and the member sees where they are going before they go
            return render(
                request,
                "monitoring/accounts/continue.html",
                {"authorize_url": url, "instance_host": urlsplit(instance).netloc},
            )
    return _render(request, mastodon_form=form, status=400)


@require_GET
def mastodon_return(request):
    """Where every instance sends members back: on to the organization they started from (404 without a
    sign-in in progress)."""
    pending = request.session.get(SESSION_KEY) or {}
    if not request.user.is_authenticated or not pending.get("org"):
        raise Http404("No sign-in in progress")
    target = reverse("monitoring_mastodon_callback", kwargs={"org_slug": pending["org"]})
    query = request.META.get("QUERY_STRING", "")
    return HttpResponseRedirect(f"{target}?{query}" if query else target)


@require_GET
@org_view("monitoring.accounts")
def mastodon_callback(request):
    pending = request.session.pop(SESSION_KEY, None) or {}
    state = request.GET.get("state", "")
    if not pending or pending.get("org") != request.organization.slug or not state or state != pending.get("state"):
        messages.error(request, _("That sign-in did not start here, or took too long. Please connect again."))
        return redirect(_page_url(request))
    if request.GET.get("error"):
        messages.info(request, _("You did not allow access on your Mastodon instance. Nothing was connected."))
        return redirect(_page_url(request))
    try:
        account = services.mastodon_connect_finish(
            organization=request.organization,
            user=request.user,
            instance=pending["instance"],
            code=request.GET.get("code", ""),
            redirect_uri=mastodon_redirect_uri(),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("%(handle)s is connected. Your public posts appear here after the first pull.")
            % {"handle": account.handle},
        )
    return redirect(_page_url(request))


@require_POST
@org_view("monitoring.accounts")
def bluesky_start(request):
    form = BlueskyForm(request.POST)
    if form.is_valid():
        try:
            account = services.bluesky_connect_start(
                organization=request.organization, user=request.user, handle=form.cleaned_data["handle"]
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            if account.state == ConnectedAccount.State.PENDING_VERIFICATION:
                messages.info(
                    request, _("One more step: show us that %(handle)s is yours.") % {"handle": account.handle}
                )
            return redirect(_page_url(request) + f"#account-{account.pk}")
    return _render(request, bluesky_form=form, status=400)


@require_POST
@org_view("monitoring.accounts")
def x_start(request):
    form = XForm(request.POST)
    if not _closed_networks(request.organization)["x"]:
        raise Http404("X is not switched on for this organization")
    if form.is_valid():
        try:
            account = services.x_connect_start(
                organization=request.organization, user=request.user, username=form.cleaned_data["username"]
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            if account.state == ConnectedAccount.State.PENDING_VERIFICATION:
                messages.info(
                    request, _("One more step: show us that %(handle)s is yours.") % {"handle": account.handle}
                )
            return redirect(_page_url(request) + f"#account-{account.pk}")
    return _render(request, x_form=form, status=400)


@require_POST
@org_view("monitoring.accounts")
def account_verify(request):
    account = services.get_account_for_member(request.organization, request.user, request.POST.get("account"))
    try:
        services.account_verify(organization=request.organization, user=request.user, account=account)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(handle)s is verified and connected.") % {"handle": account.handle})
    return redirect(_page_url(request) + f"#account-{account.pk}")


@require_http_methods(["POST"])
@org_view("monitoring.accounts")
def account_disconnect(request):
    account = services.get_account_for_member(request.organization, request.user, request.POST.get("account"))
    deleted = services.account_disconnect(organization=request.organization, actor=request.user, account=account)
    messages.success(
        request,
        _("%(handle)s is disconnected; %(count)s pulled posts were deleted.")
        % {"handle": account.handle, "count": deleted},
    )
    return redirect(_page_url(request))
