"""Who may act on a case, and as what (R-ORG-7, R-CASE-10).

Every case service asks one of the rules below itself, inside its transaction and after locking the case, and
writes the answer's `acting_as` on its event; the declaration of each action (`cases.actions`) names the same
rule, so that the case page, the API and `cases.selectors.actions.available_actions` offer exactly what the
service allows. A refusal is `PermissionDenied` (403) when the case is simply not the person's to act on, or a
`RuleViolation` with its rule id where a rule says who (R-ORG-4, R-ORG-5, R-ORG-7, R-CLK-5, R-CASE-11).

Acting as A or B (R-ORG-7) is computed once per service call, by `acting_capacity`:

- "A": the person holds a post of the case's window as A;
- "B": the person is the B actually covering, at that moment, the post of an A who is not on duty (the B named
  for A's absence when on duty — an approved leave names one, R-ATT-5 — else the first B in cover order who is
  on duty, as `org.services.pick_holder` routes the post's work);
- "": the act is taken by role (the window's staff without a post there, its head or chief representative,
  the coordination section filing an extension, a leader opening the green channel, an approval).

Nobody acts on a case while not on duty (an absence in force, `is_on_duty`): refused with R-ORG-7.

`acting_facts` (`org.services`) reads the capacity, the duty and the window roles together, from the post
holdings, absences and role grants as they were at that moment: one query per service call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from django.utils.translation import gettext as _

from common.errors import PermissionDenied, RuleViolation
from org.access import roles_at
from org.models import (
    AuthorizationScope,
    Center,
    Role,
    StaffProfile,
    Window,
)
from org.services import (
    ActingFacts,
    acting_facts,
    authorization_in_force,
    can_decide_on_spot,
    holder_at,
)

from .models import ActingAs, Case, CaseStep

# The window roles a role grant can carry (R-ORG-3); a grant for the window makes its holder the window's staff.
WINDOW_ROLES = frozenset({Role.WINDOW_STAFF, Role.WINDOW_HEAD, Role.CHIEF_REPRESENTATIVE})
# Who leads a window: its head and its chief representative (for R-CLK-5, the head of the window's department).
LEADER_ROLES = frozenset({Role.WINDOW_HEAD, Role.CHIEF_REPRESENTATIVE})
# Who may put a case in the green channel (R-CASE-11) besides the window's head and chief representative.
PRIORITY_CENTER_ROLES = frozenset({Role.DEPUTY, Role.DIRECTOR})


# --- on duty, and as A or B (R-ORG-7) -------------------------------------------------------------------


# `is_on_duty` and `acting_capacity` are the organisation's (`org.services`), from post holdings and absences
# as they were at the moment asked.


# --- one actor, one case, one moment ------------------------------------------------------------------------


class Acting:
    """What the rules ask about `actor` acting at `window` (on `case`) at `moment`, each read at most once: a
    service asks one rule, `available_actions` asks them all over the same answers."""

    def __init__(
        self,
        *,
        actor: StaffProfile,
        window: Window,
        center: Center,
        moment: datetime,
        case: Case | None = None,
        steps: list[CaseStep] | None = None,
        facts: ActingFacts | None = None,
    ) -> None:
        self.actor = actor
        self.window = window
        self.center = center
        self.moment = moment
        self.case = case
        if steps is not None:
            self.__dict__["steps"] = steps
        if facts is not None:  # read by the caller already (with the case's lock): the same query's answer
            self.__dict__["facts"] = facts
        self._once: dict[str, Any] = {}

    @classmethod
    def on_case(
        cls,
        *,
        actor: StaffProfile,
        case: Case,
        moment: datetime,
        steps: list[CaseStep] | None = None,
        facts: ActingFacts | None = None,
    ) -> Acting:
        return cls(
            actor=actor,
            window=case.window,
            center=case.center,
            moment=moment,
            case=case,
            steps=steps,
            facts=facts,
        )

    def once(self, key: str, read: Callable[[], Any]) -> Any:
        """`read()` the first time `key` is asked, its answer after (facts several rules or actions share)."""
        if key not in self._once:
            self._once[key] = read()
        return self._once[key]

    def know(self, key: str, value: Any) -> None:
        """Give the fact `key` from rows the caller has read in this request already (see `once`)."""
        self._once[key] = value

    @property
    def same_centre(self) -> bool:
        return self.actor.center_id == self.window.center_id

    @cached_property
    def facts(self) -> ActingFacts:
        """Capacity, duty and window roles, read together once (`org.services.acting_facts`, one query)."""
        return acting_facts(self.actor, self.window, self.moment)

    @property
    def on_duty(self) -> bool:
        return self.facts.on_duty

    @property
    def capacity(self) -> str:
        return self.facts.capacity

    @property
    def window_roles(self) -> frozenset[str]:
        """The window roles granted to the actor for this window."""
        return self.facts.window_roles & WINDOW_ROLES

    @cached_property
    def centre_roles(self) -> frozenset[str]:
        """The roles the actor holds at the case's centre, directly or through a parent centre."""
        if self.actor.user is None:
            return frozenset()
        return frozenset(roles_at(self.actor.user, self.center))

    @property
    def named_on_window(self) -> bool:
        """The window's head or chief representative, as the window's record names them (no query)."""
        return self.actor.pk in {self.window.head_id, self.window.chief_representative_id}

    @property
    def window_staff(self) -> bool:
        """The staff whose window it is: its own staff, its head and chief representative, and the holders of
        a window role for it."""
        if not self.same_centre:
            return False
        if self.actor.window_id == self.window.pk or self.named_on_window:
            return True
        return bool(self.window_roles)

    @property
    def leads_window(self) -> bool:
        """The window's head or chief representative (the head of the window's department at the window,
        窗口机关负责人), named on the window or holding either role for it."""
        if not self.same_centre:
            return False
        return self.named_on_window or bool(self.window_roles & LEADER_ROLES)

    @cached_property
    def steps(self) -> list[CaseStep]:
        assert self.case is not None
        return list(CaseStep.objects.filter(case=self.case).order_by("order"))

    @property
    def current_step(self) -> CaseStep | None:
        return next((step for step in self.steps if step.finished_at is None), None)


@dataclass(frozen=True)
class Permit:
    """The answer of a rule that allows: as what the actor acts, and what the event should say about how."""

    acting_as: str
    detail: dict[str, Any] = field(default_factory=dict)


Check = Callable[[Acting], Permit]


@dataclass(frozen=True)
class Who:
    """One rule of who may act. `permit` (for a service) answers or raises the refusal; `allows` (for the
    actions offered) answers yes or no over the same facts."""

    name: str
    check: Check

    def permit(
        self,
        *,
        actor: StaffProfile,
        case: Case,
        at: datetime,
        steps: list[CaseStep] | None = None,
        facts: ActingFacts | None = None,
    ) -> Permit:
        """`steps` and `facts`: the case's steps and `acting_facts` of `actor` at the case's window at `at`, when
        the caller read them already (`cases.services.events.lock_case_with`)."""
        return self.check(Acting.on_case(actor=actor, case=case, moment=at, steps=steps, facts=facts))

    def allows(self, acting: Acting) -> bool:
        try:
            self.check(acting)
        except (PermissionDenied, RuleViolation):
            return False
        return True


def _require_on_duty(acting: Acting) -> None:
    if not acting.on_duty:
        raise RuleViolation("R-ORG-7", _("离岗期间不能办理办件，请先销假（离岗期间由B角顶岗办理）。"))


# --- the rules ----------------------------------------------------------------------------------------------


def _at_window(acting: Acting) -> Permit:
    """The window's staff: the holders of its posts as A, the B covering an absent A's post, its own staff, its
    head and chief representative, the holders of a window role for it — not the centre-wide roles."""
    if not acting.same_centre:
        raise PermissionDenied(_("只有本窗口的工作人员可以办理此操作。"))
    capacity = acting.capacity
    if capacity == ActingAs.OTHER and not acting.window_staff:
        raise PermissionDenied(_("只有本窗口的工作人员可以办理此操作。"))
    if capacity != ActingAs.B:  # the B covering a post is on duty by definition
        _require_on_duty(acting)
    return Permit(capacity)


def _holder_of(acting: Acting, step: CaseStep) -> tuple[int, str] | None:
    """Who holds the step's post now (`holder_at`): from the facts read about the actor (`Acting.facts`, which
    the other rules ask too) when it is one of their posts at the window — the same rows in the same order —
    else by its own query (the post of someone else, whom the refusal names)."""
    if not step.post_id:
        return None
    holders = acting.facts.holders
    if step.post_id in holders:
        return holders[step.post_id]
    return holder_at(step.post_id, acting.moment)


def _step_holder(acting: Acting) -> Permit:
    """The current step is done by whoever holds its post now: its A when on duty, else the B covering, who then
    acts with A's rights (R-ORG-5, R-ORG-7)."""
    step = acting.current_step
    if step is None:
        raise RuleViolation("R-ORG-5", _("本办件的办理环节已全部完成。"))
    holder = acting.once(f"holder:{step.pk}", lambda: _holder_of(acting, step))
    if holder is None:
        raise RuleViolation(
            "R-ORG-7",
            _("“%(step)s”环节的岗位“%(post)s”当前A角、B角均不在岗（无人顶岗），暂不能办理。")
            % {"step": step.name, "post": step.post.name if step.post is not None else ""},
        )
    staff_id, acting_as = holder
    if staff_id != acting.actor.pk:
        who = StaffProfile.objects.filter(pk=staff_id).values_list("name", flat=True).first() or ""
        raise RuleViolation(
            "R-ORG-7",
            _("“%(step)s”环节由岗位“%(post)s”当前在岗的%(holder)s办理，您不能办理。")
            % {
                "step": step.name,
                "post": step.post.name if step.post is not None else "",
                "holder": f"{who}（{acting_as}角）",
            },
        )
    return Permit(acting_as, {"step": step})


def _decision_authority(acting: Acting) -> dict[str, Any]:
    """How the actor may decide the case at the moment, or the refusal (R-ORG-4, R-ORG-5)."""
    case, actor, moment = acting.case, acting.actor, acting.moment
    assert case is not None
    if can_decide_on_spot(
        staff=actor, version=case.version, moment=moment, department_id=case.item.department_id
    ):
        return {"authority": "on_spot"}
    pending = acting.current_step
    if pending is not None:
        raise RuleViolation(
            "R-ORG-5",
            _("本事项须按内部环节办理，“%(step)s”环节尚未完成，不能作出决定。") % {"step": pending.name},
        )
    authorization = authorization_in_force(
        representative=actor,
        scope=AuthorizationScope.DECIDE_GENERAL,
        moment=moment,
        department_id=case.item.department_id,
    )
    if authorization is None:
        raise RuleViolation(
            "R-ORG-4",
            _(
                "%(name)s此时没有%(department)s有效的一般申请事项决定权授权（授权已过期、已撤销或未授权），不能作出决定。"
            )
            % {"name": actor.name, "department": case.item.department.name},
        )
    return {
        "authority": "authorization",
        "authorization": authorization.pk,
        "document": authorization.document_number,
    }


def _decider(acting: Acting) -> Permit:
    """The chief representative on the spot (R-ORG-5), or after every step a holder of an authorisation to
    decide general applications of the item's department in force at the moment (R-ORG-4)."""
    authority = acting.once("decision_authority", lambda: _decision_authority(acting))
    _require_on_duty(acting)
    return Permit(acting.capacity, authority)


def _green_channel(acting: Acting) -> Permit:
    """The window's head or chief representative, a deputy director or the director (R-CASE-11); by role."""
    if not acting.leads_window and not (acting.centre_roles & PRIORITY_CENTER_ROLES):
        raise RuleViolation("R-CASE-11", _("只有窗口负责人、首席代表、分管副主任或主任可以开通绿色通道。"))
    _require_on_duty(acting)
    return Permit(ActingAs.OTHER)


def _extension_approver(acting: Acting) -> Permit:
    """The head of the window's department (窗口机关负责人, R-CLK-5): the window's head or chief representative,
    or a holder of either role for the window; by role."""
    if not acting.leads_window:
        raise RuleViolation("R-CLK-5", _("延期须经窗口机关负责人批准。"))
    _require_on_duty(acting)
    return Permit(ActingAs.OTHER)


def _coordination_section(acting: Acting) -> Permit:
    """The centre's approval coordination section (R-CLK-5: 报中心行政审批协调科备案); by role."""
    if Role.COORDINATION not in acting.centre_roles:
        raise RuleViolation("R-CLK-5", _("延期须由中心行政审批协调科备案。"))
    _require_on_duty(acting)
    return Permit(ActingAs.OTHER)


WINDOW = Who("window", _at_window)
STEP_HOLDER = Who("step_holder", _step_holder)
DECIDER = Who("decider", _decider)
GREEN_CHANNEL = Who("green_channel", _green_channel)
EXTENSION_APPROVER = Who("extension_approver", _extension_approver)
COORDINATION = Who("coordination", _coordination_section)


def window_permit(*, actor: StaffProfile, window: Window, at: datetime) -> Permit:
    """`WINDOW` for an act at a window before there is a case (receiving an application)."""
    return _at_window(Acting(actor=actor, window=window, center=window.center, moment=at))
