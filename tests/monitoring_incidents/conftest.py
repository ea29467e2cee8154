import pytest

from .webhook_server import WebhookServer

SECRET = "a-long-shared-secret-for-tests"


@pytest.fixture(scope="session")
def webhook_server():
    server = WebhookServer().start()
    yield server
    server.stop()


@pytest.fixture
def webhook(webhook_server, settings):
    """The local chat webhook, reset, with the outbound guard letting loopback through (tests only)."""
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    webhook_server.reset(SECRET)
    yield webhook_server
    webhook_server.state.release.set()
