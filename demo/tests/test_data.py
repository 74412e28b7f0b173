"""The demo centre's data files: what they hold, and that an edit the loader could not build as meant is
refused with the file and the entry named, before anything is written."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from demo.data import FOLDER, DemoDataError, read, read_folder


def test_the_files_hold_the_demo_centre() -> None:
    data = read()
    assert (data.city.code, data.county.code) == ("demo-city", "demo-county")
    assert [s.kind for s in data.county.sections] == ["office", "supervision", "coordination"]
    assert len(data.departments) == 18
    assert len(data.windows) == 32
    assert len(data.posts) == 53
    assert len(data.staff) == 84
    assert len(data.authorizations) == 18
    assert len(data.items) == 83
    assert [login.username for login in data.logins] == [
        "director",
        "deputy",
        "office",
        "supervision",
        "coordination",
        "windowhead",
        "chief",
        "clerk",
        "clerkb",
        "sysadmin",
    ]
    assert data.password == "govhall-demo-2026"
    assert data.login_staff(data.logins[7]).badge == "WM003"
    # Items keep the order of departments.toml, each department's in its file's order.
    assert [i.code for i in data.items[:3]] == ["FTB-001", "FTB-002", "FTB-003"]
    ftb_001 = data.items[0]
    assert ftb_001.case_type == "immediate" and ftb_001.on_spot_decision and ftb_001.promised_limit_days == 0
    assert [m.is_required for m in ftb_001.materials] == [True, True, True, False]
    assert [(s.window, s.post) for s in data.steps_of(ftb_001)] == [
        ("A02", "对外贸易备案岗"),
        ("A01", "审批岗"),
    ]


def test_the_history_scenario_is_the_seeds_year() -> None:
    scenario = read().history
    assert (scenario.seed, scenario.scale) == (3644, 0.12)
    assert scenario.volumes.ftb_cases == 3644
    assert sum(weight for _code, weight in scenario.ftb_mix) == 95
    assert scenario.inspection_season == {1: 9, 2: 6, 9: 8, 12: 7}
    assert len(scenario.month_weights) == 12
    assert scenario.texts.delivery_methods == (("pickup", 60), ("post", 25), ("electronic", 15))
    assert scenario.texts.suspensions["site_survey"] == ("需对经营场所进行现场勘查", "现场勘查符合要求")
    assert [(a.badge, a.kind, a.before, a.days) for a in scenario.absences[:2]] == [
        ("WM003", "leave", 150, 5),
        ("WM003", "leave", 45, 5),
    ]


def test_authorisations_are_for_the_year_of_loading_and_the_one_before() -> None:
    grants = {g.document_number: g for g in read().grants_for(2031)}
    this_year = grants["外经贸授字〔2031〕1号"]
    assert (this_year.valid_from, this_year.valid_until) == (date(2031, 1, 1), date(2031, 12, 31))
    assert this_year.replaces == "外经贸授字〔2030〕1号"
    assert grants["外经贸授字〔2030〕1号"].valid_until == date(2030, 12, 31)
    assert grants["农业授字〔2030〕6号"].valid_until == date(
        2030, 12, 31
    )  # expired: agriculture's cases wait


# FTB-002's limits, told apart from the other items' with the same numbers by the legal basis that follows.
FTB_002_LIMIT = (
    'statutory_limit_days = 3\npromised_limit_days = 1\nlegal_basis = "《中华人民共和国对外贸易法》；'
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(FOLDER, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return copy


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "items/ftb.toml",
            "promised_limit_days = 1",
            "promissed_limit_days = 1",
            "demo/data/items/ftb.toml, items[1] (FTB-002): unknown field promissed_limit_days",
        ),
        (
            "items/ftb.toml",
            FTB_002_LIMIT,
            FTB_002_LIMIT.replace("statutory_limit_days = 3\n", ""),
            "demo/data/items/ftb.toml, items[1] (FTB-002): missing field statutory_limit_days",
        ),
        (
            "items/ftb.toml",
            FTB_002_LIMIT,
            FTB_002_LIMIT.replace("statutory_limit_days = 3\n", 'statutory_limit_days = "3"\n'),
            "demo/data/items/ftb.toml, items[1] (FTB-002): statutory_limit_days = '3' is not a whole number",
        ),
        (
            "windows.toml",
            'a = "WM003"',
            'a = "WM099"',
            "demo/data/windows.toml, window A01, post 受理岗: staff badge WM099 does not exist",
        ),
        (
            "items/ftb.toml",
            'procedure = "ftb_trade"',
            'procedure = "ftb_trades"',
            "demo/data/items/ftb.toml, FTB-001: procedure ftb_trades does not exist",
        ),
        (
            "staff.toml",
            'badge = "ZX002"',
            'badge = "ZX001"',
            "demo/data/staff.toml: badge ZX001 appears twice",
        ),
        (
            "authorizations.toml",
            'year = "last"',
            'year = "previous"',
            "demo/data/authorizations.toml, 外经贸授字〔{last}〕1号: year previous does not exist",
        ),
        (
            "logins.toml",
            'username = "clerkb"',
            'username = "clerkc"',
            "demo/data/logins.toml: username clerkc does not exist",
        ),
        ("centres.toml", 'code = "demo-city"', 'code = "demo-city', "demo/data/centres.toml: "),
        ("history.toml", "[volumes]", "[volume]", "demo/data/history.toml: [volumes] is missing"),
        (
            "history.toml",
            "FTB-002 = 30",
            "FTB-022 = 30",
            "demo/data/history.toml: item FTB-022 does not exist",
        ),
        (
            "history.toml",
            "FTB-002 = 30",
            "FTB-002 = 3.5",
            "demo/data/history.toml, [ftb_mix]: FTB-002 = 3.5 is not a weight",
        ),
        ("history.toml", "seed = 3644", "seed = 3644\nsed = 1", "demo/data/history.toml: unknown field sed"),
    ],
)
def test_an_edit_the_loader_cannot_build_is_refused_with_its_place(
    folder: Path, file: str, old: str, new: str, message: str
) -> None:
    edit(folder / file, old, new)
    with pytest.raises(DemoDataError) as refused:
        read_folder(folder)
    assert str(refused.value).startswith(message)


def test_an_items_file_of_an_unknown_department_is_refused(folder: Path) -> None:
    shutil.copy(folder / "items" / "ftb.toml", folder / "items" / "xyz.toml")
    with pytest.raises(DemoDataError, match="items/xyz.toml: no department xyz"):
        read_folder(folder)


def test_a_copy_of_the_files_reads_the_same(folder: Path) -> None:
    assert read_folder(folder) == read()
