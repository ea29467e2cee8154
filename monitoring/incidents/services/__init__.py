"""Every write of incidents and the response plan: `<entity>_<verb>(*, organization, actor, ...)`, atomic,
audited. Split by entity: plan.py (the plan, its review and reminders, the webhook settings), incidents.py
(declare, transitions, checklist, notes, responders, the review), notifications.py (email and the signed
webhook), receivers.py (the intake's and the review queue's signals)."""
