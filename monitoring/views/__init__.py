"""Monitoring pages under /o/<slug>/monitoring/ (moderators and admins): members' posts, brand mentions, the
rules with their test box, the monitoring settings. (accounts.py: members' connected accounts.)"""
