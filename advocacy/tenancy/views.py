from django.shortcuts import render

from .decorators import org_view
from .selectors import organization_stats


@org_view()
def org_home(request):
    organization = request.organization
    context = {
        "stats": organization_stats(organization=organization) if request.membership.may("members.view") else None
    }
    return render(request, "tenancy/org_home.html", context)
