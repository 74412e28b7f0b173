"""Reads of the supervision section: the dashboard (`dashboard`) and the facts the monthly assessment reads
(`assessment`)."""
