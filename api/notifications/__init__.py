"""Đôn đốc: reminders and notifications (inbox, e-mail, webhook) through a database outbox."""
