from tests.monitoring.servers.fixtures import (  # noqa: F401
    bluesky,
    bluesky_server,
    loopback,
    mastodon,
    mastodon_server,
    x,
    x_server,
)
