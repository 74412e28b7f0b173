"""Reads for cases, by concern: `intake` (workbench inquiries, checklists, repeated correction notices),
`clock` (warnings in SQL, red/yellow/overdue lists), `handling` (leaders' tracking list, shuttles,
appointments), `chains` (verifying the hash-chained histories)."""
