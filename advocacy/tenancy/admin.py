"""Organizations in the platform operator's Django admin (advocacy/accounts/admin.py explains why
tenant-owned models are not registered)."""

from django.contrib import admin

from advocacy.audit.services import audit_record

from .context import organization_scope
from .models import Organization


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "require_mfa_for_staff", "created_at")
    list_filter = ("require_mfa_for_staff",)
    search_fields = ("name", "slug")
    readonly_fields = ("created_at",)
    fields = ("name", "slug", "require_mfa_for_staff", "settings", "created_at")

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

    def has_delete_permission(self, request, obj=None):
        # An organization owns append-only audit rows and row-level-secured data; it is not deleted
        # from a web form.
        return False
