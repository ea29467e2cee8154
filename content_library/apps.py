from celery.schedules import crontab
from django.apps import AppConfig

from advocacy.core.registry import AppRegistration, NavItem, Route
from advocacy.permissions import ADMIN, EVERYONE, Role


class ContentLibraryConfig(AppConfig):
    name = "content_library"
    verbose_name = "Content library"
    default_auto_field = "django.db.models.BigAutoField"
    registration = AppRegistration(
        # everyone browses, shares and suggests; admins curate; moderators may approve when the
        # organization allows it (checked by content_library.services.may_approve)
        actions={
            "content.view": EVERYONE,
            "content.share": EVERYONE,
            "content.suggest": EVERYONE,
            "content.manage": ADMIN,
            "content.approve": {Role.ADMIN, Role.MODERATOR},
            "content.results": ADMIN,
            "content.settings": ADMIN,
        },
        nav=(
            NavItem(
                "Content",
                "Content feed",
                "content_feed",
                "content.view",
                "share",
                description="Approved posts for your teams, ready to share in your own words.",
                position=100,
            ),
            NavItem(
                "Content",
                "My shares",
                "content_my_shares",
                "content.view",
                "chart",
                description="What you shared and the clicks each post brought back.",
                position=110,
            ),
            NavItem(
                "Content",
                "Suggest content",
                "content_suggest",
                "content.suggest",
                "lightbulb",
                description="Found something worth sharing? Suggest it for the library.",
                position=120,
            ),
            NavItem(
                "Content",
                "Library",
                "content_library",
                "content.manage",
                "book",
                description="Curate items, captions, dates and approvals.",
                position=130,
            ),
            NavItem(
                "Content",
                "Campaigns",
                "content_campaigns",
                "content.view",
                "target",
                description="Campaigns, their content and results so far.",
                position=140,
            ),
            NavItem(
                "Content",
                "Hashtags",
                "content_hashtags",
                "content.view",
                "hash",
                description="The hashtags your organization designates and how often they are used.",
                position=150,
            ),
            NavItem(
                "Content",
                "Suggestions to review",
                "content_review",
                "content.approve",
                "inbox",
                description="Suggestions and revisions waiting for a decision.",
                position=160,
                condition="content_library.services.may_approve",  # moderators only when the settings allow
            ),
        ),
        url_prefix="content/",
        urls="content_library.urls",
        api_urls="content_library.api_urls",
        # tracked links: no session, see content_library/links.py (and middleware.py, which answers first)
        root_routes=(
            Route("l/<str:code>", "content_library.views.tracked_link", "tracked_link"),
            Route("l/<str:code>/image", "content_library.views.tracked_link_image", "tracked_link_image"),
        ),
        # buffered tracked-link clicks -> PostgreSQL rollups; the weekly digest; expiry
        beat={
            "content-flush-clicks": {"task": "content_library.tasks.dispatch_click_flush", "schedule": 5.0},
            "content-weekly-digest": {
                "task": "content_library.tasks.weekly_digest_all",
                "schedule": crontab(minute=0, hour=8, day_of_week="mon"),
            },
            "content-expire": {"task": "content_library.tasks.expire_content_all", "schedule": crontab(minute=15)},
            # the click and share rollups' monthly partitions: created ahead, expired ones dropped
            "content-click-partitions": {
                "task": "content_library.tasks.maintain_click_partitions",
                "schedule": crontab(minute=40, hour=3),
            },
            "content-share-partitions": {
                "task": "content_library.tasks.maintain_share_partitions",
                "schedule": crontab(minute=45, hour=3),
            },
        },
        # Celery queues (advocacy/celery.py): the click flush and the rollups' partitions never wait behind mail;
        # the digest is mail; everything else (fan-outs, expiry, cache clean-up) goes to the default queue
        task_queues={
            "content_library.tasks.dispatch_click_flush": "rollups",
            "content_library.tasks.flush_org_clicks": "rollups",
            "content_library.tasks.maintain_click_partitions": "rollups",
            "content_library.tasks.maintain_share_partitions": "rollups",
            "content_library.tasks.send_weekly_digest": "mail",
        },
        seeders=("content_library.demo.seed", "content_library.demo.history.seed_history"),
        scale_steps=("content_library.scale.generate_content", "content_library.scale.generate_small_org_content"),
        url_kwargs="tests.content_library.url_kwargs.MAKERS",
    )
