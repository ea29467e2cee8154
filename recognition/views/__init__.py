"""Recognition pages under /o/<slug>/recognition/: the boards and settings (boards.py), the wall (kudos.py),
rewards (rewards.py), wins and stories (stories.py), member profiles and badges (members.py)."""
