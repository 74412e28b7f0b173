"""Posts with their A and ordered Bs and the periods each held them (R-ORG-6), and the training of the Bs
(R-ORG-8). Who holds a post at a moment is read in `duty` (R-ORG-7)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from common.errors import RuleViolation
from common.history import diff, record, snapshot

from ..access import CAN_EDIT_ORGANISATION, CAN_RECORD_TRAINING
from ..models import BackupTraining, Post, PostBackup, PostHolding, PostRole, StaffProfile, Window
from ._common import _check_fields, _full_clean, _in_center, _may_act, _text, _user

POST_FIELDS = ["name", "duties", "is_active"]
POST_PEOPLE_MESSAGE = gettext_noop("每个岗位须设A角和至少一名B角")


# --- the current assignment, and its periods (R-ORG-6, R-ORG-7) ---------------------------------------


def post_backups(post: Post) -> list[StaffProfile]:
    """The post's B holders in cover order."""
    return [link.staff for link in post.backup_links.select_related("staff").order_by("order", "id")]


def _open_holdings(post: Post, people: dict[tuple[str, int], StaffProfile], moment: datetime) -> None:
    """Bring the post's open holdings to `people` ({(role, order): staff}) at `moment`: the periods of
    those who leave or move close then, the periods of those who arrive or move open then; a holder who
    keeps the same place keeps their period."""
    wanted = {(str(role), order, staff.pk) for (role, order), staff in people.items()}
    open_now = list(PostHolding.objects.select_for_update().filter(post=post, valid_until=None))
    if any(h.valid_from > moment for h in open_now):
        raise RuleViolation(
            "R-ORG-6", _("该岗位的AB角在此时间之后已有调整，不能在此之前调整。"), field="holder_a"
        )
    kept = {(h.role, h.order, h.staff_id) for h in open_now} & wanted
    closing = [h.pk for h in open_now if (h.role, h.order, h.staff_id) not in kept]
    PostHolding.objects.filter(pk__in=closing).update(valid_until=moment)
    PostHolding.objects.bulk_create(
        [
            PostHolding(post=post, staff_id=staff_id, role=role, order=order, valid_from=moment)
            for role, order, staff_id in sorted(wanted - kept)
        ]
    )


def _places(holder_a: StaffProfile, backups: Sequence[StaffProfile]) -> dict[tuple[str, int], StaffProfile]:
    return {
        (PostRole.A.value, 0): holder_a,
        **{(PostRole.B.value, order): b for order, b in enumerate(backups, start=1)},
    }


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
    at: datetime | None = None,
) -> Post:
    """A post with its A and ordered Bs, who hold it from `at` (now by default; a centre set up to carry
    earlier records, like the demo's, names an earlier moment; never a later one). Refused without a B
    (R-ORG-6)."""
    _may_act(actor, window.center, CAN_EDIT_ORGANISATION)
    backups = list(backups)
    now = timezone.now()
    moment = now if at is None else at
    if not isinstance(moment, datetime) or timezone.is_naive(moment):
        raise ValueError("post_create takes an aware datetime only")
    if moment > now:
        raise RuleViolation("R-ORG-6", _("岗位设立时间不能晚于现在。"), field="at")
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
    _open_holdings(post, _places(holder_a, backups), moment)
    changes: dict[str, Any] = {"name": name, "holder_a": str(holder_a), "backups": [str(b) for b in backups]}
    if at is not None:
        changes["held_from"] = moment
    record(subject=post, action="create", actor=_user(actor), changes=changes, rule="R-ORG-6")
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
    """Change the A and/or the Bs (in cover order) of a post (R-ORG-6), from now on: the periods of the
    holders who leave or change place end now and the new ones start now (`PostHolding`), so who held the
    post before stays true (R-ORG-7). A change cannot be dated back."""
    moment = timezone.now()
    post = Post.objects.select_for_update().select_related("window__center", "holder_a").get(pk=post.pk)
    _may_act(actor, post.window.center, CAN_EDIT_ORGANISATION)
    old_a = post.holder_a
    old_backups = post_backups(post)
    new_a = holder_a if holder_a is not None else old_a
    new_backups = list(backups) if backups is not None else old_backups
    _check_post_people(post.window, new_a, new_backups)
    changes: dict[str, Any] = {}
    if new_a.pk != old_a.pk:
        changes["holder_a"] = [str(old_a), str(new_a)]
    if [b.pk for b in new_backups] != [b.pk for b in old_backups]:
        changes["backups"] = [[str(b) for b in old_backups], [str(b) for b in new_backups]]
    if not changes:
        return post
    _open_holdings(post, _places(new_a, new_backups), moment)  # refuses first if the periods are later
    if "holder_a" in changes:
        post.holder_a = new_a
        post.save(update_fields=["holder_a"])
    if "backups" in changes:
        _set_backups(post, new_backups)
    record(subject=post, action="assign", actor=_user(actor), changes=changes, reason=reason, rule="R-ORG-6")
    return post


@transaction.atomic
def post_update(*, actor: Any, post: Post, reason: str = "", **fields: Any) -> Post:
    _check_fields(fields, POST_FIELDS)
    post = Post.objects.select_for_update(of=("self",)).select_related("center").get(pk=post.pk)
    _may_act(actor, post.center, CAN_EDIT_ORGANISATION)
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
    _may_act(actor, post.window.center, CAN_RECORD_TRAINING)
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
