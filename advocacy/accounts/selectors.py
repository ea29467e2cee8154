"""Reads of a person's own account data."""

from django.http import Http404

from .models import ApiToken


def api_token_list(*, user):
    return ApiToken.objects.filter(user=user).select_related("organization").order_by("-created_at", "-id")


def get_api_token_for_user(user, token_id) -> ApiToken:
    """One of `user`'s tokens; 404 for missing and someone else's alike."""
    try:
        return ApiToken.objects.select_related("organization").get(user=user, pk=int(token_id))
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise Http404("No such token")
