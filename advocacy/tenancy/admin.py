"""Organizations in the platform operator's Django admin (advocacy/accounts/admin.py explains why
tenant-owned models are not registered)."""

from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect

from advocacy.audit.services import audit_record

from .context import organization_scope
from .models import Organization
from .services import FIRST_ADMIN_ROLES, invitation_create


class NewOrganizationForm(forms.ModelForm):
    """Adding an organization names its first admin: they are invited by email (the invitation page lets
    them create their account), and from there they invite everyone else."""

    first_admin_email = forms.EmailField(
        label="First admin's email",
        help_text="They get an invitation as admin (and employee) of the new organization.",
    )

    class Meta:
        model = Organization
        fields = ("name", "slug", "require_mfa_for_staff", "settings")


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "require_mfa_for_staff", "created_at")
    list_filter = ("require_mfa_for_staff",)
    search_fields = ("name", "slug")
    readonly_fields = ("created_at",)
    fields = ("name", "slug", "require_mfa_for_staff", "settings", "created_at")
    add_fields = ("name", "slug", "first_admin_email", "require_mfa_for_staff", "settings")

    def get_fields(self, request, obj=None):
        return self.add_fields if obj is None else self.fields

    def add_view(self, request, form_url="", extra_context=None):
        try:
            return super().add_view(request, form_url, extra_context)
        except ValidationError as exc:  # the first admin's invitation email was refused: nothing was saved
            messages.error(request, " ".join(exc.messages))
            typed = {key: request.POST.get(key, "") for key in ("name", "slug", "first_admin_email")}
            return HttpResponseRedirect(f"{request.path}?{urlencode(typed)}")

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = NewOrganizationForm
        return super().get_form(request, obj, **kwargs)

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # An operator's change is recorded in the organization's own audit log.
        with organization_scope(obj, user=request.user):
            audit_record(
                organization=obj,
                actor=request.user,
                action="organization.changed_by_operator" if change else "organization.created_by_operator",
                target=obj,
                data={"fields": sorted(form.changed_data)},
            )
            if not change:
                email = form.cleaned_data["first_admin_email"]
                invitation_create(organization=obj, actor=request.user, email=email, roles=FIRST_ADMIN_ROLES)
                messages.info(request, f"An invitation to be its admin went to {email}.")

    def has_delete_permission(self, request, obj=None):
        # An organization owns append-only audit rows and row-level-secured data; it is not deleted
        # from a web form.
        return False
