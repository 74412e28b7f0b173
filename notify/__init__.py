"""Notifications: milestones told to applicants and staff through pluggable channels, from a transactional
outbox (issue 3, item 8)."""
