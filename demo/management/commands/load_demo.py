"""`manage.py load_demo`: the demo county centre under its city centre, built through the services from the
data files in `demo/data/` (see `demo.data`).

Idempotent: every row is looked up by its natural key (centre code, section kind, department code, window
number, badge number, post name, authorisation document number, item code) and created only when missing; an
item is published only if it is not published yet. Running it twice changes nothing. Then it plays a year of
case history through the case services (as `load_demo_cases`), which adds nothing once the centre has cases,
then the clocking, duty rosters, a spot check and leave through the staffing services (`demo.staffing_history`,
which leaves what exists as it is), a year of assessments and meetings (`demo.supervision_history`), the major
projects — joint cases and full-agency projects, one at every stage (`demo.joint_history`,
`demo.agency_history`) — and prints the demo logins (as `demo_logins`). It prints each stage as it goes, with a progress bar for the
year of cases on a terminal (see `demo.progress`).
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from catalog import services as catalog
from catalog.models import Item, ItemLevel, ItemStatus, ItemVersion
from common.errors import RuleViolation
from common.history import record
from demo.agency_history import play_agency
from demo.cases_history import default_scale
from demo.data import Centre as CentreSpec
from demo.data import DemoCentre, DemoDataError, read
from demo.data import Item as ItemSpec
from demo.data import Section as SectionSpec
from demo.joint_history import JointSummary, play_joint
from demo.loading import without_query_log
from demo.management.commands.demo_logins import PLATFORM_OPERATOR
from demo.management.commands.load_demo_cases import play_history
from demo.progress import Bar, Progress
from demo.staffing_history import load_demo_staffing
from demo.supervision_history import load_demo_supervision
from org import services as org
from org.models import (
    Authorization,
    BackupTraining,
    Center,
    Department,
    Post,
    Section,
    StaffProfile,
    Window,
)
from policy.services import policy_seed_defaults
from workdays.selectors import calendar_for
from workdays.services import seed_national_calendar


def training_age(key: str) -> int:
    """Days since a B's last training for a post (`key` names the window, post and B), spread by a hash of the
    key so that every load gives the same: 8 in 10 within the last four months, 1 in 10 five to six months ago
    (falling due in the coming weeks under the default six-month cycle), 1 in 10 seven to nine months ago (overdue,
    R-ORG-8)."""
    n = int(hashlib.sha256(key.encode()).hexdigest(), 16)
    bucket, spread = n % 10, n // 10
    if bucket < 8:
        return 15 + spread % 105
    if bucket == 8:
        return 150 + spread % 28
    return 215 + spread % 60


class Loader:
    """Builds the demo, counting what it created."""

    def __init__(self, data: DemoCentre) -> None:
        self.data = data
        self.created: Counter[str] = Counter()
        self.departments: dict[str, Department] = {}
        self.windows: dict[str, Window] = {}
        self.staff: dict[str, StaffProfile] = {}
        self.posts: dict[tuple[str, str], Post] = {}
        self._password_hash: str | None = None

    # --- organisation ----------------------------------------------------------------------------------

    def center(self, spec: CentreSpec, parent: Center | None) -> Center:
        center = Center.objects.filter(code=spec.code).first()
        if center is None:
            center = org.center_create(
                actor=None, code=spec.code, name=spec.name, parent=parent, **spec.fields()
            )
            self.created["centres"] += 1
        return center

    def sections(self, center: Center, specs: tuple[SectionSpec, ...]) -> dict[str, Section]:
        found = {s.kind: s for s in Section.objects.filter(center=center)}
        for spec in specs:
            if spec.kind not in found:
                found[spec.kind] = org.section_create(
                    actor=None, center=center, kind=spec.kind, name=spec.name, phone=spec.phone
                )
                self.created["sections"] += 1
        return found

    def load_departments(self, center: Center) -> None:
        existing = {d.code: d for d in Department.objects.filter(center=center)}
        for spec in self.data.departments:
            department = existing.get(spec.code)
            if department is None:
                department = org.department_create(
                    actor=None,
                    center=center,
                    code=spec.code,
                    name=spec.name,
                    short_name=spec.short_name,
                    legal_representative=spec.legal_representative,
                    phone=spec.phone,
                )
                self.created["departments"] += 1
            self.departments[spec.code] = department

    def load_windows(self, center: Center) -> None:
        existing = {w.number: w for w in Window.objects.filter(center=center)}
        for spec in self.data.windows:
            window = existing.get(spec.number)
            if window is None:
                window = org.window_create(
                    actor=None,
                    center=center,
                    department=self.departments[spec.department],
                    number=spec.number,
                    name=spec.name,
                    kind=spec.kind,
                    served_departments=[self.departments[c] for c in spec.served],
                    phone=spec.phone,
                )
                self.created["windows"] += 1
            self.windows[spec.number] = window

    def load_staff(self, center: Center, sections: dict[str, Section]) -> None:
        existing = {s.badge_number: s for s in StaffProfile.objects.filter(center=center)}
        for spec in self.data.staff:
            staff = existing.get(spec.badge)
            if staff is None:
                staff = org.staff_create(
                    actor=None,
                    center=center,
                    name=spec.name,
                    badge_number=spec.badge,
                    title=spec.title,
                    username=spec.username,
                    password=None,  # demo logins get theirs below; the others keep an unusable one
                    roles=spec.roles,
                    window=self.windows[spec.window] if spec.window else None,
                    department=self.departments[spec.department] if spec.department else None,
                    section=sections[spec.section] if spec.section else None,
                    work_phone=spec.phone,
                    duties=spec.duties,
                )
                self.created["staff"] += 1
                if self.data.is_demo_login(spec):
                    self.demo_password(staff)
            self.staff[spec.badge] = staff
            if "sysadmin" in spec.roles:
                self.no_admin_access(staff)

    def demo_hash(self, user: Any) -> str:
        """The demo password's hash for `user`. It passes the password validators for that user; it is hashed
        once and the hash shared (one slow hash instead of ten), which is fine for a public password."""
        password_validation.validate_password(self.data.password, user=user)
        if self._password_hash is None:
            self._password_hash = make_password(self.data.password)
        return self._password_hash

    def demo_password(self, staff: StaffProfile) -> None:
        """Give a new demo login the demo password."""
        user = staff.user
        assert user is not None  # staff_create made it from the username
        user.password = self.demo_hash(user)
        user.save(update_fields=["password"])
        record(subject=staff, action="password_set", reason="示范账号初始密码（见 manage.py demo_logins）")

    def no_admin_access(self, staff: StaffProfile) -> None:
        """A centre's people never use Django's admin, which is the platform operator's (org/admin_site.py).
        A demo loaded by an earlier version made the system administrator a superuser: that is taken back."""
        user = staff.user
        if user is None or not (user.is_staff or user.is_superuser):
            return
        user.is_staff = False
        user.is_superuser = False
        user.save(update_fields=["is_staff", "is_superuser"])
        record(
            subject=staff,
            action="admin_access_removed",
            changes={"is_staff": False, "is_superuser": False},
            reason="中心工作人员不使用平台运维后台",
        )

    def platform_operator(self) -> None:
        """The platform operator's login for Django's admin (see docs/operations.md): a superuser with no role
        at any centre and no staff profile, with the demo password (printed by `demo_logins`)."""
        users = get_user_model().objects
        if users.filter(username=PLATFORM_OPERATOR).exists():
            return
        user = users.create_superuser(username=PLATFORM_OPERATOR, email="", password=None)
        user.password = self.demo_hash(user)
        user.save(update_fields=["password"])
        record(
            subject=user,
            action="create",
            changes={"username": PLATFORM_OPERATOR, "is_superuser": True},
            reason="示范平台运维账号（见 manage.py demo_logins）",
        )
        self.created["platform operator"] += 1

    def assign_windows(self) -> None:
        """Fill in each window's head, chief representative and deputy in charge where none is set yet."""
        for spec in self.data.windows:
            window = self.windows[spec.number]
            wanted = {
                "head": spec.head,
                "chief_representative": spec.chief_representative,
                "deputy_in_charge": spec.deputy_in_charge,
            }
            fields: dict[str, Any] = {
                field: self.staff[badge]
                for field, badge in wanted.items()
                if badge and getattr(window, f"{field}_id") is None
            }
            if fields:
                self.windows[spec.number] = org.window_update(actor=None, window=window, **fields)
                self.created["window assignments"] += 1

    def load_posts(self) -> None:
        # The posts are held from the start of last year: the year of case history played afterwards
        # (`load_demo_cases`) asks who held them at its moments (R-ORG-7).
        held_from = datetime(timezone.localdate().year - 1, 1, 1, tzinfo=timezone.get_current_timezone())
        for spec in self.data.windows:
            window = self.windows[spec.number]
            existing = {p.name: p for p in Post.objects.filter(window=window)}
            for post_spec in spec.posts:
                post = existing.get(post_spec.name)
                if post is None:
                    post = org.post_create(
                        actor=None,
                        window=window,
                        name=post_spec.name,
                        holder_a=self.staff[post_spec.a],
                        backups=[self.staff[b] for b in post_spec.b],
                        duties=post_spec.duties,
                        at=held_from,
                    )
                    self.created["posts"] += 1
                self.posts[(spec.number, post_spec.name)] = post

    def load_trainings(self, center: Center) -> None:
        """Each B's last training for their post by its A (R-ORG-8), on a working day of the last months: most
        within the centre's cycle (`backup_training_months`), some falling due in the coming weeks, a few overdue —
        as a centre that trains its Bs shows them. Only posts with no training yet get one."""
        today = timezone.localdate()
        calendar = calendar_for(center)
        trained = set(
            BackupTraining.objects.filter(post__window__center=center).values_list("post_id", flat=True)
        )
        for window_spec in self.data.windows:
            for post_spec in window_spec.posts:
                post = self.posts[(window_spec.number, post_spec.name)]
                if post.pk in trained:
                    continue
                for badge in post_spec.b:
                    held_on = today - timedelta(
                        days=training_age(f"{window_spec.number}:{post_spec.name}:{badge}")
                    )
                    while not calendar.is_working_day(held_on):
                        held_on -= timedelta(days=1)
                    org.backup_training_record(
                        actor=None,
                        post=post,
                        trainer=post.holder_a,
                        trainee=self.staff[badge],
                        held_on=held_on,
                        topic=f"{post_spec.name}业务流程、系统操作与交接要点",
                    )
                    self.created["trainings"] += 1

    def load_authorizations(self) -> None:
        for spec in self.data.grants_for(timezone.localdate().year):
            department = self.departments[spec.department]
            if Authorization.objects.filter(
                department=department, document_number=spec.document_number
            ).exists():
                continue
            replaces = None
            if spec.replaces:
                replaces = Authorization.objects.get(department=department, document_number=spec.replaces)
            org.authorization_grant(
                actor=None,
                department=department,
                representative=self.staff[spec.representative],
                document_number=spec.document_number,
                signed_by=department.legal_representative,
                scopes=spec.scopes,
                valid_from=spec.valid_from,
                valid_until=spec.valid_until,
                replaces=replaces,
            )
            self.created["authorizations"] += 1

    # --- catalogue -------------------------------------------------------------------------------------

    def version_fields(self, center: Center, spec: ItemSpec) -> dict[str, Any]:
        department = self.data.by_department[spec.department]
        window = self.windows[self.data.steps_of(spec)[0].window]
        return {
            "basic_code": spec.basic_code,
            "implementation_code": department.credit_code + spec.basic_code,
            "item_type": spec.item_type,
            "level": ItemLevel.COUNTY,
            "handling_forms": spec.handling_forms or self.data.guides.handling_forms,
            "visits_required": spec.visits_required,
            "legal_basis": spec.legal_basis,
            "content": spec.content,
            "conditions": spec.conditions,
            "result_name": spec.result_name,
            "special_procedures": list(spec.special_procedures),
            "on_spot_decision": spec.on_spot_decision,
            "extension_allowed": spec.extension_allowed,
            "consultation_phone": window.phone,
            "supervision_phone": center.complaint_phone,
            "place": f"{center.address} {center.name} {window.number}号窗口（{window.name}）",
            "hours": self.data.guides.hours,
        }

    def fill(self, version: ItemVersion, spec: ItemSpec) -> None:
        for material in spec.materials:
            catalog.material_add(
                actor=None,
                version=version,
                name=material.name,
                original_count=material.originals,
                copy_count=material.copies,
                is_required=material.is_required,
                condition=material.condition,
            )
        for fee in spec.fees:
            catalog.fee_add(
                actor=None,
                version=version,
                name=fee.name,
                amount=fee.amount,
                unit=fee.unit,
                legal_basis=fee.legal_basis,
            )
        for step in self.data.steps_of(spec):
            catalog.step_add(
                actor=None,
                version=version,
                name=step.name,
                post=self.posts[(step.window, step.post)],
                description=step.description,
                limit_days=step.limit_days,
            )

    def load_items(self, center: Center) -> None:
        existing = {i.code: i for i in Item.objects.filter(center=center)}
        for spec in self.data.items:
            item = existing.get(spec.code)
            if item is None:
                item = catalog.item_create(
                    actor=None,
                    center=center,
                    department=self.departments[spec.department],
                    code=spec.code,
                    name=spec.name,
                    statutory_limit_days=spec.statutory_limit_days,
                    promised_limit_days=spec.promised_limit_days,
                    case_type=spec.case_type,
                    **self.version_fields(center, spec),
                )
                self.created["items"] += 1
            if item.status != ItemStatus.DRAFT:
                continue  # published (or withdrawn by someone): leave it as it is
            version = catalog.version_draft_for(actor=None, item=item)
            if not (version.materials.exists() or version.steps.exists() or version.fees.exists()):
                self.fill(version, spec)
            catalog.version_publish(actor=None, version=version, change_note=self.data.guides.publish_note)
            self.created["published items"] += 1

    # --- all -------------------------------------------------------------------------------------------

    def run(self, progress: Progress) -> Center:
        """Everything in one transaction, stage by stage."""
        with transaction.atomic():
            with self.stage(progress, "日历、中心与制度参数"):
                self.created["calendar years"] += seed_national_calendar()
                city = self.center(self.data.city, None)
                self.sections(city, self.data.city.sections)
                county = self.center(self.data.county, city)
                if county.parent_id != city.pk:
                    raise CommandError(f"中心 {county.code} 已存在，但其上级不是 {city.code}。")
                for center in (city, county):
                    self.created["policy values"] += policy_seed_defaults(center=center)
                sections = self.sections(county, self.data.county.sections)
            with self.stage(progress, "部门、窗口、人员与岗位"):
                self.load_departments(county)
                self.load_windows(county)
                self.load_staff(county, sections)
                self.platform_operator()
                self.assign_windows()
                self.load_posts()
                self.load_trainings(county)
            with self.stage(progress, "首席代表授权书"):
                self.load_authorizations()
            with self.stage(progress, "服务事项及其材料、收费、环节"):
                self.load_items(county)
        return county

    @contextmanager
    def stage(self, progress: Progress, label: str) -> Iterator[None]:
        """A stage of the load, printed with what it created and its time."""
        before = Counter(self.created)
        with progress.stage(label) as stage:
            yield
            made = {key: n - before[key] for key, n in self.created.items() if n > before[key]}
            stage.note = "，".join(f"{key} {n}" for key, n in made.items()) or "已是最新"


def play_staffing(command: BaseCommand, *, center: Center) -> None:
    """Play the clocking, rosters, spot check and leave at `center` with a progress bar, then report it."""
    progress = Progress(command.stdout)
    bar: Bar | None = None

    def tick(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = progress.bar("示范考勤、值班与请假", total, f"{total}个工作日")
        bar.update(done, f"第{done}/{total}个工作日")

    try:
        summary = load_demo_staffing(center=center, progress=tick)
    except BaseException:
        if bar is not None:
            bar.abort()
        raise
    if bar is not None:
        bar.finish(f"{summary.created['closed days']}天")
    created = "，".join(f"{key} {n}" for key, n in summary.created.items() if n)
    if created:
        command.stdout.write(
            command.style.SUCCESS(f"示范考勤已生成（{summary.first_day}至{summary.last_day}）：{created}。")
        )
    else:
        command.stdout.write(command.style.SUCCESS("示范考勤已是最新，没有任何改动。"))
    for message in summary.refused:
        command.stdout.write(command.style.WARNING(f"  {message}"))


def play_supervision(command: BaseCommand, *, center: Center) -> None:
    """Play the year of assessments at `center` (after the clocking year, whose days it reads), then report it."""
    summary = load_demo_supervision(center=center)
    created = "，".join(f"{key} {n}" for key, n in summary.created.items() if n)
    if summary.closed or created:
        months = "、".join(summary.closed)
        command.stdout.write(
            command.style.SUCCESS(
                f"示范考核已生成：{created}" + (f"；已结账月份 {months}" if months else "") + "。"
            )
        )
    else:
        command.stdout.write(command.style.SUCCESS("示范考核已是最新，没有任何改动。"))
    for message in summary.refused:
        command.stdout.write(command.style.WARNING(f"  {message}"))


def play_projects(command: BaseCommand, *, center: Center) -> None:
    """The joint cases (one at every stage) and the full-agency projects (one at every stage) at `center`; no
    joint case when the case history's scale is 0 (a demo without cases)."""
    joint = play_joint(center) if default_scale() > 0 else JointSummary()
    agency = play_agency(center)
    made = [f"并联审批{len(joint.made)}件"] if joint.made else []
    made += [f"全程代办项目{len(agency.made)}个"] if agency.made else []
    if made:
        command.stdout.write(command.style.SUCCESS("示范重大项目已生成：" + "、".join(made) + "。"))
    else:
        command.stdout.write(command.style.SUCCESS("示范重大项目已是最新，没有任何改动。"))


class Command(BaseCommand):
    help = (
        "载入示范中心（示范市政务服务中心 / 示范县政务服务中心）的机构、人员、岗位和服务事项（demo/data/），"
        "再生成近一年的办件历史，最后列出登录账号；可重复运行。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        progress = Progress(self.stdout)
        with without_query_log():
            try:
                with progress.stage("读取 demo/data/") as stage:
                    data = read()
                    stage.note = (
                        f"{len(data.departments)}个部门、{len(data.windows)}个窗口、{len(data.staff)}名工作人员、"
                        f"{len(data.items)}个事项"
                    )
                loader = Loader(data)
                county = loader.run(progress)
            except DemoDataError as exc:
                raise CommandError(str(exc)) from exc
            except RuleViolation as exc:
                raise CommandError(f"{exc.rule}：{exc.message}") from exc
            elapsed = time.monotonic() - started
            created = {k: v for k, v in loader.created.items() if v}
            if created:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"示范中心已载入（{county.name}，代码 {county.code}），用时 {elapsed:.1f} 秒。"
                    )
                )
            else:
                self.stdout.write(self.style.SUCCESS(f"示范中心已是最新（{county.name}），没有任何改动。"))
            # A year of case history at the demo centre (idempotent: nothing is added once it has cases).
            play_history(self, center=county, scale=None, seed=None)
            # A year of clocking, rosters and leave (idempotent: what exists is left as it is).
            play_staffing(self, center=county)
            # A year of assessments: deductions with evidence, closed months, a correction.
            play_supervision(self, center=county)
            # Major projects: joint approval and full agency, one at every stage.
            play_projects(self, center=county)
        self.stdout.write("")
        call_command("demo_logins", stdout=self.stdout, stderr=self.stderr)
