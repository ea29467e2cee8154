"""HTML views of the review queue: the queue and item pages (moderators), appeals and settings, and the
member's pages (report a post, my record)."""
