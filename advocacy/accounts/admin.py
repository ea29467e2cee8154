"""The platform operator's Django admin.

Its login goes through allauth (/accounts/login/), so the sign-in rate limits, email verification and
two-factor authentication apply to it too. Only global models are registered: users, (read-only)
API tokens, and organizations in advocacy/tenancy/admin.py. Tenant data stays in the product's own
pages, where every read is scoped to an organization.
"""

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from .models import ApiToken, User


def admin_login_via_allauth(request, extra_context=None):
    """Replaces the admin's own login form: send the person to allauth's sign-in, then back."""
    next_url = request.GET.get("next") or reverse("admin:index")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=False):
        next_url = reverse("admin:index")
    if request.user.is_authenticated:
        if request.user.is_active and request.user.is_staff:
            return HttpResponseRedirect(next_url)
        # Signed in but not a platform operator: sending them to sign in again would loop.
        raise PermissionDenied("The administration site is for platform operators.")
    return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")


admin.site.login = admin_login_via_allauth
admin.site.site_header = "Advocacy platform administration"
admin.site.site_title = "Advocacy admin"
admin.site.index_title = "Platform"


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    list_display = ("email", "full_name", "is_active", "is_staff", "is_superuser", "date_joined", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser")
    search_fields = ("email", "full_name")
    ordering = ("email",)
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("full_name",)}),
        ("Platform access", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "usable_password", "password1", "password2")}),
    )

    def has_delete_permission(self, request, obj=None):
        # Deactivate instead: a person's memberships, audit trail and content stay consistent.
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only: tokens are created and revoked by their owners (advocacy.accounts.services)."""

    list_display = (
        "name",
        "user",
        "organization",
        "key_prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__email", "key_prefix", "organization__slug")
    list_select_related = ("user", "organization")
    fields = list_display
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
