"""Every write of the supervision domain. Complaints (R-CMP-*) are in `complaints`."""
