"""Notifications: the transactional outbox and its channels (console, e-mail, SMS gateway). What is told and
when belongs to the domains (`cases.milestones`); notify knows no domain."""
