"""What monitoring tells the rest of the product (the review queue and incidents listen; monitoring imports
neither). Both are sent after the intake's transaction commits, once per batch, never per post in a loop of
queries: receivers load what they need in bulk.

post_checked(sender, organization, post_ids: list[int])
    Posts (members' posts, monitoring.Post) that were stored or changed by a pull and have had language,
    sentiment and rules applied: their RuleMatch rows and sentiment are current.

mention_checked(sender, organization, mention_ids: list[int])
    The same for brand mentions by non-members (monitoring.Mention).

engagement_pulled(sender, organization, post_ids: list[int], run_id: int)
    A pull run stored an engagement snapshot for these posts; growth since the previous snapshot is known.
"""

from django.dispatch import Signal

post_checked = Signal()
mention_checked = Signal()
engagement_pulled = Signal()
