"""Demo data of the review queue (written in the next step)."""


def seed(demo):
    return None
