"""Personal settings pages that allauth does not provide: API tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from advocacy.tenancy.selectors import memberships_for_user

from .forms import ApiTokenForm
from .selectors import api_token_list, get_api_token_for_user
from .services import api_token_create, api_token_revoke


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    """List the caller's tokens and create one. A new token's secret is rendered in the response to
    the creating POST and nowhere else (no redirect, so it is never stored in a session or message)."""
    memberships = memberships_for_user(user=request.user)
    form = ApiTokenForm(request.POST or None, memberships=memberships)
    created = raw_key = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created, raw_key = api_token_create(
                    user=request.user,
                    organization=form.cleaned_data["organization"],
                    name=form.cleaned_data["name"],
                    expires_in_days=form.cleaned_data["expires"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
        if created is None:
            status = 400
        else:
            form = ApiTokenForm(memberships=memberships)
    context = {
        "form": form,
        "tokens": api_token_list(user=request.user),
        "created": created,
        "raw_key": raw_key,
        "memberships": memberships,
    }
    return render(request, "accounts/api_tokens.html", context, status=status)


@login_required
@require_POST
def api_token_revoke_view(request, token_id):
    token = get_api_token_for_user(request.user, token_id)
    api_token_revoke(user=request.user, token=token)
    messages.success(request, f"Token “{token.name}” revoked. Requests using it are refused from now on.")
    return redirect("api_tokens")
