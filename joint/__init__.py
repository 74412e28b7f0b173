"""Joint approval (并联审批, R-PAR-1 … R-PAR-11): one door for a project that needs several departments, a
working-day clock for each department, and the lead department's final inspection."""
