"""The intake's pure functions (no Django models, no database): the language of a text, its sentiment, and
the organization's rules compiled into one matcher. `monitoring.services.intake` feeds them pulled posts."""
