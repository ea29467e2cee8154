"""Connected accounts pages, included by monitoring/urls.py (under /o/<slug>/monitoring/). The OAuth return
address shared by every organization is a root route (monitoring/apps.py)."""

from django.urls import path

from .views import accounts

urlpatterns = [
    path("accounts/", accounts.account_list, name="monitoring_accounts"),
    path("accounts/mastodon/", accounts.mastodon_start, name="monitoring_account_mastodon"),
    path("accounts/mastodon/callback/", accounts.mastodon_callback, name="monitoring_mastodon_callback"),
    path("accounts/bluesky/", accounts.bluesky_start, name="monitoring_account_bluesky"),
    # the account's id comes in the form (checked against the member and the organization)
    path("accounts/x/", accounts.x_start, name="monitoring_account_x"),
    path("accounts/verify/", accounts.account_verify, name="monitoring_account_verify"),
    path("accounts/disconnect/", accounts.account_disconnect, name="monitoring_account_disconnect"),
]
