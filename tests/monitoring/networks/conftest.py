from tests.monitoring.servers.fixtures import loopback, mastodon, mastodon_server  # noqa: F401
