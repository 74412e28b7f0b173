"""The date formats of every page, in every language (settings.FORMAT_MODULE_PATH): dates are written
zero-padded as ISO 8601 (2026-01-05, 2026-01-05 09:30), the same on the public and the staff pages, in Chinese and
in English. Django's own locale formats fill in whatever these modules leave out (input formats, month names)."""
