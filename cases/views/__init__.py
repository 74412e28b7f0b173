"""The staff pages of cases, one module per screen: `workbench`, `case` (the case page and its actions),
`supervision` (the dashboard), `notices` (printable notices), `chains` (history verification)."""
