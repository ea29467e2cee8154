"""What the recognition views share: a service's ValidationError as errors by field, and the organization's
page URLs."""

from django.core.exceptions import ValidationError
from django.urls import reverse


def errors_of(exc: ValidationError) -> dict[str, list[str]]:
    """Errors by field ("form" for the rest), for a template to show next to each field."""
    if hasattr(exc, "error_dict"):
        return {
            ("form" if field == "__all__" else field): [m for e in errs for m in e.messages]
            for field, errs in exc.error_dict.items()
        }
    return {"form": exc.messages}


def url_of(request, name: str, **kwargs) -> str:
    return reverse(name, kwargs={"org_slug": request.organization.slug, **kwargs})


def page_number(request) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 100000 else 1
