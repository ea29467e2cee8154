"""Employees' reports: any member reports a post (a link on a network, or a share in the product) with a
category and a description, anonymously if they choose. The report joins the post's item (or creates it); on a
post already judged harmless it joins quietly instead of reopening it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.audit.services import audit_record
from content_library.selectors import get_share_for_org
from monitoring.models import Post

from ..models import Report, Source
from .intake import post_target, teams_of
from .items import Spec, Target, add_signals, ensure_items, url_key

MAX_DESCRIPTION = 4000


def _errors(*, url: str, share_id, category: str, description: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not url and not share_id:
        errors["url"] = [_("Paste the link to the post.")]
    elif url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            errors["url"] = [_("Enter the full address of the post, starting with https://.")]
    if category not in Report.Category.values:
        errors["category"] = [_("Choose what is wrong with the post.")]
    if not description.strip():
        errors["description"] = [_("Tell the moderators what is wrong, in a sentence or two.")]
    elif len(description) > MAX_DESCRIPTION:
        errors["description"] = [_("Keep the description under %(max)s characters.") % {"max": MAX_DESCRIPTION}]
    return errors


def _share(organization, share_id):
    if not share_id:
        return None
    try:
        return get_share_for_org(organization, share_id)
    except Http404:
        raise ValidationError({"share": [_("That share does not exist.")]}) from None


def _target(organization, url: str, share) -> Target:
    """The post behind a link or a share, when monitoring knows it; else the share or the link itself."""
    posts = Post.objects.filter(organization=organization).select_related("account", "user")
    post = None
    if share is not None:
        post = posts.filter(share_id=share.pk).order_by("-posted_at").first()
    elif url:
        post = posts.filter(url=url.strip()).first()
    if post is not None:
        return post_target(post, teams_of(organization, [post.user_id]))
    if share is not None:
        snapshot = {
            "text": share.caption,
            "url": share.destination,
            "network": share.network,
            "author": share.user.display_name,
        }
        team = teams_of(organization, [share.user_id]).get(share.user_id)
        return Target(
            key=f"share:{share.pk}",
            share_id=share.pk,
            url=url or share.destination,
            member_id=share.user_id,
            team_id=team,
            network=share.network,
            snapshot=snapshot,
        )
    return Target(key=url_key(url), url=url.strip(), snapshot={"text": "", "url": url.strip()})


@transaction.atomic
def report_submit(
    *, organization, actor, url: str = "", share_id=None, category: str, description: str, anonymous: bool = False
) -> Report:
    """Record a member's report and put it in the queue. Every error at once (ValidationError by field);
    nothing is written on an error. Audited (without the reporter's name when anonymous)."""
    url, description = (url or "").strip(), (description or "").strip()
    errors = _errors(url=url, share_id=share_id, category=category, description=description)
    if errors:
        raise ValidationError(errors)
    share = _share(organization, share_id)
    target = _target(organization, url, share)
    now = timezone.now()
    items, created = ensure_items(organization, [target], now=now)
    item = items[target.key]
    report = Report.objects.create(
        organization=organization,
        item=item,
        reporter=actor,
        anonymous=anonymous,
        category=category,
        description=description,
        url=url,
        share=share,
        created_at=now,
    )
    label = Report.Category(category).label
    spec = Spec(
        key=f"report:{report.pk}",
        source=Source.REPORT,
        reason=_("Reported by a colleague: %(category)s") % {"category": label},
        report_category=category,
    )
    add_signals(organization, items, created, {target.key: [spec]}, actor=None if anonymous else actor, now=now)
    audit_record(
        organization=organization,
        actor=None if anonymous else actor,
        action="review.report_submitted",
        target=item,
        data={"report": report.pk, "category": category, "anonymous": anonymous},
    )
    return report
