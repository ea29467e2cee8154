"""The review queue (monitoring.review) as incidents see it: an item by id, checked against the organization,
and what an incident takes from it. The review queue is another app: asked through its public selector only."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.utils.module_loading import import_string

GET_ITEM = "monitoring.review.selectors.get_item_for_org"


@dataclass(frozen=True)
class LinkedItem:
    id: int
    post_id: int | None
    title: str


def linked_item(organization, item_id) -> LinkedItem:
    """The review item `item_id` of `organization` (Http404 for missing, someone else's, or no review queue)."""
    try:
        get_item_for_org = import_string(GET_ITEM)
    except ImportError as exc:
        raise Http404("No review queue") from exc
    item = get_item_for_org(organization, item_id)
    text = getattr(item, "snapshot_text", "") or getattr(item, "title", "") or str(item)
    return LinkedItem(id=item.pk, post_id=getattr(item, "post_id", None), title=" ".join(str(text).split())[:120])
