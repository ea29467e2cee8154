"""Every write of monitoring: `<entity>_<verb>(*, organization, ...)`. intake.py stores what pulls bring in;
rules.py and settings.py are the moderators' and admins' edits (accounts.py and pulls.py: connected accounts
and the scheduled pulls)."""
