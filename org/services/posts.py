"""Posts with their A and ordered Bs (R-ORG-6), who holds a post at a moment (R-ORG-7) and the training of
the Bs (R-ORG-8)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from common.errors import RuleViolation
from common.history import diff, record, snapshot

from ..models import Absence, BackupTraining, Post, PostBackup, StaffProfile, Window
from ._common import _check_fields, _full_clean, _in_center, _text, _user
from .absences import absence_in_force, absent_staff_ids

POST_FIELDS = ["name", "duties", "is_active"]
POST_PEOPLE_MESSAGE = gettext_noop("每个岗位须设A角和至少一名B角")


# --- duty: who is at work, who holds a post (R-ORG-7) --------------------------------------------------


def on_duty(staff: StaffProfile, moment: datetime) -> bool:
    """False while the staff member is inactive or has an absence (not cancelled) covering `moment`."""
    if not staff.is_active:
        return False
    return not Absence.objects.filter(absence_in_force(moment), staff=staff).exists()


@dataclass(frozen=True)
class Holder:
    staff: StaffProfile
    acting_as: str  # "A" or "B"


def pick_holder(
    holder_a: StaffProfile, backups: Sequence[StaffProfile], absent_ids: set[int]
) -> Holder | None:
    """R-ORG-7: A if on duty, else the first B (in order) on duty, else nobody."""

    def available(staff: StaffProfile) -> bool:
        return staff.is_active and staff.pk not in absent_ids

    if available(holder_a):
        return Holder(staff=holder_a, acting_as="A")
    for backup in backups:
        if available(backup):
            return Holder(staff=backup, acting_as="B")
    return None


def post_backups(post: Post) -> list[StaffProfile]:
    """The post's B holders in cover order."""
    return [link.staff for link in post.backup_links.select_related("staff").order_by("order", "id")]


def post_holder_at(post: Post, moment: datetime) -> Holder | None:
    """Who holds `post` at `moment`, and whether as A or as B (R-ORG-7)."""
    backups = post_backups(post)
    absent = absent_staff_ids([post.holder_a_id, *(b.pk for b in backups)], moment)
    return pick_holder(post.holder_a, backups, absent)


# --- posts with A and B (R-ORG-6) ----------------------------------------------------------------------


def _check_post_people(
    window: Window, holder_a: StaffProfile | None, backups: Sequence[StaffProfile]
) -> None:
    if holder_a is None:
        raise RuleViolation(
            "R-ORG-6", _("%(rule)s：请指定A角。") % {"rule": _(POST_PEOPLE_MESSAGE)}, field="holder_a"
        )
    if not backups:
        raise RuleViolation(
            "R-ORG-6", _("%(rule)s：请至少指定一名B角。") % {"rule": _(POST_PEOPLE_MESSAGE)}, field="backups"
        )
    if any(b.pk == holder_a.pk for b in backups):
        raise RuleViolation(
            "R-ORG-6",
            _("%(rule)s：B角不能与A角是同一人。") % {"rule": _(POST_PEOPLE_MESSAGE)},
            field="backups",
        )
    if len({b.pk for b in backups}) != len(backups):
        raise RuleViolation("R-ORG-6", _("同一人不能重复担任B角。"), field="backups")
    for person, field in [(holder_a, "holder_a"), *((b, "backups") for b in backups)]:
        _in_center(person, window.center, rule="R-ORG-6", field=field, label=f"{person.name}")
        if not person.is_active:
            raise RuleViolation(
                "R-ORG-6", _("%(person)s已停用，不能担任A角或B角。") % {"person": person.name}, field=field
            )


def _set_backups(post: Post, backups: Sequence[StaffProfile]) -> None:
    post.backup_links.all().delete()
    PostBackup.objects.bulk_create(
        [PostBackup(post=post, staff=b, order=order) for order, b in enumerate(backups, start=1)]
    )


@transaction.atomic
def post_create(
    *,
    actor: Any,
    window: Window,
    name: str,
    holder_a: StaffProfile,
    backups: Sequence[StaffProfile],
    duties: str = "",
) -> Post:
    """A post with its A and ordered Bs. Refused without a B (R-ORG-6)."""
    backups = list(backups)
    name = _text(name)
    if not name:
        raise RuleViolation("R-ORG-6", _("请填写岗位名称。"), field="name")
    if not window.is_active:
        raise RuleViolation("R-ORG-6", _("窗口已停用，不能设岗。"), field="window")
    if Post.objects.filter(window=window, name=name).exists():
        raise RuleViolation("R-ORG-6", _("该窗口已有“%(name)s”岗位。") % {"name": name}, field="name")
    _check_post_people(window, holder_a, backups)
    post = Post(center_id=window.center_id, window=window, name=name, duties=_text(duties), holder_a=holder_a)
    _full_clean(post, rule="R-ORG-6", exclude=["center", "window", "holder_a"])
    post.save()
    _set_backups(post, backups)
    record(
        subject=post,
        action="create",
        actor=_user(actor),
        changes={"name": name, "holder_a": str(holder_a), "backups": [str(b) for b in backups]},
        rule="R-ORG-6",
    )
    return post


@transaction.atomic
def post_assign(
    *,
    actor: Any,
    post: Post,
    holder_a: StaffProfile | None = None,
    backups: Sequence[StaffProfile] | None = None,
    reason: str = "",
) -> Post:
    """Change the A and/or the Bs (in cover order) of a post (R-ORG-6)."""
    post = Post.objects.select_for_update().select_related("window__center", "holder_a").get(pk=post.pk)
    old_a = post.holder_a
    old_backups = post_backups(post)
    new_a = holder_a if holder_a is not None else old_a
    new_backups = list(backups) if backups is not None else old_backups
    _check_post_people(post.window, new_a, new_backups)
    changes: dict[str, Any] = {}
    if new_a.pk != old_a.pk:
        changes["holder_a"] = [str(old_a), str(new_a)]
        post.holder_a = new_a
        post.save(update_fields=["holder_a"])
    if [b.pk for b in new_backups] != [b.pk for b in old_backups]:
        changes["backups"] = [[str(b) for b in old_backups], [str(b) for b in new_backups]]
        _set_backups(post, new_backups)
    if changes:
        record(
            subject=post, action="assign", actor=_user(actor), changes=changes, reason=reason, rule="R-ORG-6"
        )
    return post


@transaction.atomic
def post_update(*, actor: Any, post: Post, reason: str = "", **fields: Any) -> Post:
    _check_fields(fields, POST_FIELDS)
    post = Post.objects.select_for_update().get(pk=post.pk)
    before = snapshot(post, list(fields))
    for key, value in fields.items():
        setattr(post, key, _text(value) if isinstance(value, str) else value)
    if not post.name:
        raise RuleViolation("R-ORG-6", _("请填写岗位名称。"), field="name")
    if Post.objects.filter(window_id=post.window_id, name=post.name).exclude(pk=post.pk).exists():
        raise RuleViolation("R-ORG-6", _("该窗口已有“%(post)s”岗位。") % {"post": post.name}, field="name")
    _full_clean(post, rule="R-ORG-6", exclude=["center", "window", "holder_a"])
    changes = diff(before, snapshot(post, list(fields)))
    if changes:
        post.save()
        record(
            subject=post, action="update", actor=_user(actor), changes=changes, reason=reason, rule="R-ORG-6"
        )
    return post


# --- B training (R-ORG-8) ------------------------------------------------------------------------------


@transaction.atomic
def backup_training_record(
    *, actor: Any, post: Post, trainer: StaffProfile, trainee: StaffProfile, held_on: date, topic: str
) -> BackupTraining:
    """A hand-over or training of a B by the A (or another trainer) for a post (R-ORG-8)."""
    if not post.backup_links.filter(staff=trainee).exists():
        raise RuleViolation(
            "R-ORG-8", _("%(trainee)s不是该岗位的B角。") % {"trainee": trainee.name}, field="trainee"
        )
    if trainer.pk == trainee.pk:
        raise RuleViolation("R-ORG-8", _("传授人与受训人不能是同一人。"), field="trainer")
    _in_center(trainer, post.window.center, rule="R-ORG-8", field="trainer", label=_("传授人"))
    if not isinstance(held_on, date) or held_on > timezone.localdate():
        raise RuleViolation("R-ORG-8", _("培训日期不能晚于今天。"), field="held_on")
    topic = _text(topic)
    if not topic:
        raise RuleViolation("R-ORG-8", _("请填写培训内容。"), field="topic")
    training = BackupTraining(
        center_id=post.center_id, post=post, trainer=trainer, trainee=trainee, held_on=held_on, topic=topic
    )
    _full_clean(training, rule="R-ORG-8", exclude=["center", "post", "trainer", "trainee"])
    training.save()
    record(
        subject=post,
        action="training",
        actor=_user(actor),
        changes={"trainer": str(trainer), "trainee": str(trainee), "held_on": held_on, "topic": topic},
        rule="R-ORG-8",
    )
    return training
