"""What the review views share."""

from django.core.exceptions import ValidationError
from django.urls import reverse


def add_errors(form, exc: ValidationError) -> None:
    """A service's errors onto the form: by field where the form has it, else at the top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def url_of(request, name: str, **kwargs) -> str:
    return reverse(name, kwargs={"org_slug": request.organization.slug, **kwargs})
