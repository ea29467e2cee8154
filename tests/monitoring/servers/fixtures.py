"""Fixtures of the local network sandboxes (import them into a test module or a conftest): each server starts
once per session on a free port of 127.0.0.1 and is reset before each test that uses it."""

import pytest

from . import bluesky_appview, mastodon_sandbox, x_api


@pytest.fixture
def loopback(settings):
    """The outbound guard lets the loopback sandboxes through (production refuses this setting)."""
    settings.OUTBOUND_ALLOW_LOOPBACK = True


@pytest.fixture(scope="session")
def mastodon_server():
    server = mastodon_sandbox.start()
    yield server
    server.stop()


@pytest.fixture
def mastodon(mastodon_server, loopback):
    sandbox = mastodon_sandbox.Sandbox(mastodon_server)
    sandbox.reset()
    return sandbox


@pytest.fixture(scope="session")
def bluesky_server():
    server = bluesky_appview.Server().start()
    yield server
    server.stop()


@pytest.fixture
def bluesky(bluesky_server, loopback, settings):
    """The local AppView, empty, as the adapter's AppView; fails the test if it had to send an invalid answer."""
    bluesky_server.appview.reset()
    settings.BLUESKY_APPVIEW_URL = bluesky_server.base_url
    yield bluesky_server.appview
    assert bluesky_server.appview.errors == []


@pytest.fixture(scope="session")
def x_server():
    server = x_api.Server().start()
    yield server
    server.stop()


@pytest.fixture
def x(x_server, loopback, settings):
    """The local X API, empty, as the adapter's API address."""
    x_server.api.reset()
    settings.X_API_URL = x_server.base_url
    return x_server.api
