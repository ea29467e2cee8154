from django.urls import include, path

from .views import mentions, posts, rules, settings

urlpatterns = [
    path("posts/", posts.post_list, name="monitoring_posts"),
    path("mentions/", mentions.mention_list, name="monitoring_mentions"),
    path("rules/", rules.rule_list, name="monitoring_rules"),
    path("rules/new/", rules.rule_new, name="monitoring_rule_new"),
    path("rules/<int:rule_id>/", rules.rule_edit, name="monitoring_rule_edit"),
    path("rules/<int:rule_id>/delete/", rules.rule_delete, name="monitoring_rule_delete"),
    path("settings/", settings.monitoring_settings, name="monitoring_settings"),
    path("", include("monitoring.accounts_urls")),  # connected accounts (every member)
]
