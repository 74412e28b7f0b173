"""Every write to the organisation (R-ORG-1 … R-ORG-9), and the few reads the other apps build on.

Each function owns its transaction, refuses with `RuleViolation` (nothing changed) and appends a history entry
(who, what, why). Nothing is deleted: centres, departments, windows, posts and staff are deactivated
(`is_active=False`), authorisations and role grants are revoked, running absences ended by a return and future
ones cancelled, holdings of a post closed (`PostHolding`). The one exception is the list of the current B
holders of a post (`PostBackup`): reassigning it rewrites the link rows, while the holdings and the history
entry keep the old list.

The functions live by concern: `structure` (centres, sections, departments, windows), `staff`, `roles`, `posts`
(posts with A and B and their holdings, B training), `duty` (who is on duty and who holds a post at a moment,
past or present: `post_holder_at`, `holders_at`, `acting_capacity`, `is_on_duty`), `absences` and
`authorizations`. Import them from here: `from org import services` / `from org.services import
post_holder_at`.
"""

from __future__ import annotations

from .absences import absence_cancel, absence_end, absence_in_force, absence_record, absent_staff_ids
from .authorizations import (
    REPLACEMENT_REASON,
    authorization_grant,
    authorization_in_force,
    authorization_revoke,
    can_decide_on_spot,
)
from .duty import (
    ActingFacts,
    Holder,
    acting_capacity,
    acting_facts,
    acting_facts_of,
    acting_facts_statement,
    first_on_duty,
    holder_at,
    holders_at,
    holding_on_duty,
    holdings_at,
    is_on_duty,
    on_duty,
    pick_holder,
    post_holder_at,
)
from .posts import (
    POST_FIELDS,
    POST_PEOPLE_MESSAGE,
    backup_training_record,
    post_assign,
    post_backups,
    post_create,
    post_update,
)
from .roles import WINDOW_ROLES, role_grant, role_revoke
from .staff import STAFF_FIELDS, User, staff_create, staff_phone_change, staff_update
from .structure import (
    CENTER_FIELDS,
    DEPARTMENT_FIELDS,
    SECTION_FIELDS,
    WINDOW_FIELDS,
    center_create,
    center_update,
    department_create,
    department_update,
    section_create,
    section_update,
    window_create,
    window_update,
)

__all__ = [
    "CENTER_FIELDS",
    "DEPARTMENT_FIELDS",
    "Holder",
    "POST_FIELDS",
    "POST_PEOPLE_MESSAGE",
    "REPLACEMENT_REASON",
    "SECTION_FIELDS",
    "STAFF_FIELDS",
    "User",
    "WINDOW_FIELDS",
    "WINDOW_ROLES",
    "ActingFacts",
    "acting_capacity",
    "acting_facts",
    "acting_facts_of",
    "acting_facts_statement",
    "absence_cancel",
    "absence_end",
    "absence_in_force",
    "absence_record",
    "absent_staff_ids",
    "authorization_grant",
    "authorization_in_force",
    "authorization_revoke",
    "backup_training_record",
    "can_decide_on_spot",
    "center_create",
    "center_update",
    "department_create",
    "department_update",
    "first_on_duty",
    "holder_at",
    "holders_at",
    "holding_on_duty",
    "holdings_at",
    "is_on_duty",
    "on_duty",
    "pick_holder",
    "post_assign",
    "post_backups",
    "post_create",
    "post_holder_at",
    "post_update",
    "role_grant",
    "role_revoke",
    "section_create",
    "section_update",
    "staff_create",
    "staff_phone_change",
    "staff_update",
    "window_create",
    "window_update",
]
