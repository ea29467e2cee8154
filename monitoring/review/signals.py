"""What the review queue tells the rest of the product (incidents listen; the review queue imports none of its
listeners). Each is sent after the transaction that made the change commits (`transaction.on_commit`), once per
item, so a receiver sees committed rows and may open its own transaction.

item_went_viral(sender, organization, item_id: int, post_id: int | None, growth: int)
    A flagged or negative member's post grew faster than the organization's virality threshold between two
    engagement snapshots (`growth` = likes + reposts + replies + quotes gained). The item has a "virality"
    signal and critical priority. Sent once per item and snapshot pair; a replayed pull sends nothing new.

item_decided(sender, organization, item_id: int, decision_id: int, outcome: str, text: str)
    A moderator decided an item (`outcome`: "no_violation", "ignore", "violation"); `text` is one line for a
    timeline ("Violation: warning, sharing suspended 7 days — Social media policy § 3").

item_event(sender, organization, item_id: int, kind: str, text: str)
    Anything else that happened to an item (claimed, assigned, escalated, reopened, a note, an appeal
    decided), with one line for a timeline.
"""

from django.dispatch import Signal

item_went_viral = Signal()
item_decided = Signal()
item_event = Signal()
