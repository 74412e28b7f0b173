"""Writes for inquiries and cases, by concern:

- `events`: the hash-chained case history (R-CASE-10) and the one way to change a case's state;
- `numbering`: case and notice numbers;
- `intake`: inquiries, receipt, material checks, correction, refusal, acceptance (R-CASE-1..4, 6);
- `clock`: special procedures, extensions, warnings, overdue accountability (R-CLK-4..9);
- `handling`: steps, decision, fees, delivery, archive, withdrawal, green channel, visits;
- `notice_texts`: a centre's own texts for its notices;
- `notice_delivery`: recording that a notice reached the applicant;
- `lookup`: the public progress lookup (R-PUB-2), throttled.
"""
