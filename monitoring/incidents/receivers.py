"""Signal wiring (apps.ready): the intake's engagement snapshots and, once the review queue sends them, its
virality trigger and decisions. The receivers themselves are services (services/receivers.py)."""

import importlib

from monitoring.signals import engagement_pulled

from .services import receivers

REVIEW_SIGNALS = "monitoring.review.signals"


def connect() -> None:
    engagement_pulled.connect(receivers.on_engagement_pulled, dispatch_uid="incidents.engagement_pulled")
    try:
        review = importlib.import_module(REVIEW_SIGNALS)
    except ImportError:
        return
    for name, receiver in (
        ("item_went_viral", receivers.on_item_went_viral),
        ("item_decided", receivers.on_item_decided),
        ("item_event", receivers.on_item_event),
    ):
        signal = getattr(review, name, None)
        if signal is not None:
            signal.connect(receiver, dispatch_uid=f"incidents.{name}")
