"""Fixtures of the local network sandboxes (import them into a test module or a conftest): each server starts
once per session on a free port of 127.0.0.1 and is reset before each test that uses it."""

import pytest

from . import mastodon_sandbox


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
