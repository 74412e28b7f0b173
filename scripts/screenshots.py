"""Screenshots of the demo centre for the docs, taken with Debian's chromium through Playwright.

Usage (from the project root, against a running server with the demo centre loaded, e.g. `make run`):

    .venv/bin/python scripts/screenshots.py [BASE_URL]        # default http://127.0.0.1:8000
    .venv/bin/python scripts/screenshots.py --only staffing   # one group: public, staff, cases, staffing

Writes viewport-sized PNGs (not full pages, to keep them small) to docs/screenshots/:

    guide.png           the public service guide of a foreign-trade item, found through the portal search
    notice.png          its one-time notification (一次性告知书, R-CAT-5)
    kiosk.png           the hall's touch screen home, portrait 1080x1920 (R-PUB-4)
    staff-board.png     the public board of the staff on duty (R-PUB-1)
    post-board.png      the A/B post board, signed in as the supervision section (R-ORG-6)
    catalog-edit.png    the catalogue edit page, signed in as the coordination section (R-CAT-2/3)
    workbench.png       the window workbench of the A01 clerk: my queue, my window's cases with deadlines and
                        warning colours (R-CLK-6), inquiries (R-CASE-1), 1400 wide
    case-page.png       the case page of a case of that window close to its deadline (yellow, else the first
                        with a deadline): clock, checklist, notices, actions (R-CLK-4..6)
    supervision-dashboard.png  the supervision dashboard, signed in as the supervision section (R-CLK-6/9)
    case-search.png     办件查询, signed in as the A01 clerk: the open cases of the window, soonest deadline first,
                        with the working days left or overdue (R-CLK-1/6), 1400 wide

The staffing screens (attendance, leave, duty; docs/staffing.md):

    my-attendance.png   我的请假 of the A01 clerk opened on last month: the month's attendance facts the assessment
                        reads (late, early, absent, leave half-days, missed duty, spot checks; R-ASM-5, R-ATT-2/8)
    leave-form.png      the same page at the new leave request: type, half days, reason, the B for each post the
                        person holds as A (R-ATT-3, R-ATT-5)
    leave-approvals.png 待我审批, signed in as the deputy in charge: the demo's leave still waiting (R-ATT-4) and the
                        leaves not returned (R-ATT-6)
    attendance-board.png  今日在岗, signed in as the supervision section: at post, late, on leave, out, unaccounted
                        for (R-ATT-2, R-ATT-7)
    attendance-sheet.png  月考勤表 of last month per window, signed in as the supervision section, 1400 wide (R-ATT-2)
    duty-roster.png     值班表 of this month as a calendar, signed in as the office, with today's duty leader and
                        the disputes (R-ATT-1, R-PUB-6)
    terminals.png       考勤机, signed in as the office: the terminals and their last contact (R-ATT-2)

Opening the catalogue edit page opens the item's next draft version, as it does for a person; the published
guide is unchanged.
"""

from __future__ import annotations

import argparse
import datetime
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright

OUT_DIR = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
CENTER = "demo-county"
ITEM_NAME = "对外贸易经营者备案登记"
DEMO_PASSWORD = "govhall-demo-2026"  # noqa: S105 - the demo logins' published password (manage.py demo_logins)
MAX_BYTES = 400 * 1024
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PORTRAIT: ViewportSize = {"width": 1080, "height": 1920}
WIDE: ViewportSize = {"width": 1400, "height": 1000}  # the workbench pages: wide tables
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class ScreenshotError(RuntimeError):
    pass


class Shooter:
    def __init__(self, browser: Browser, base_url: str, out_dir: Path, center: str) -> None:
        self.browser = browser
        self.base = base_url.rstrip("/")
        self.out_dir = out_dir
        self.center = center
        self.taken: list[tuple[str, int]] = []

    @contextmanager
    def tab(self, viewport: ViewportSize = DESKTOP) -> Iterator[Page]:
        context = self.browser.new_context(locale="zh-CN", viewport=viewport, device_scale_factor=1)
        try:
            page = context.new_page()
            page.set_default_timeout(20_000)
            yield page
        finally:
            context.close()

    def go(self, page: Page, path: str) -> None:
        url = path if path.startswith("http") else f"{self.base}{path}"
        response = page.goto(url, wait_until="networkidle")
        if response is None or not response.ok:
            status = response.status if response else "no response"
            raise ScreenshotError(f"{url}: HTTP {status}")

    def shoot(self, page: Page, name: str, at: str | None = None) -> None:
        """A viewport-sized shot from the top of the page, or with the element `at` (a selector) at the top."""
        page.evaluate("document.fonts.ready")
        if at is None:
            page.evaluate("window.scrollTo(0, 0)")
        else:
            page.locator(at).first.evaluate("element => element.scrollIntoView({block: 'start'})")
        path = self.out_dir / name
        page.screenshot(path=str(path), full_page=False, animations="disabled", caret="hide")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ScreenshotError(f"{name} is {size // 1024} KB, over {MAX_BYTES // 1024} KB")
        self.taken.append((name, size))
        print(f"{name:26} {size // 1024:4d} KB  {page.url}")

    def log_in(self, page: Page, username: str, next_path: str) -> None:
        self.go(page, f"/staff/login/?next={quote(next_path)}")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(DEMO_PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="登录").click()
        if "/staff/login/" in page.url:
            raise ScreenshotError(f"cannot sign in as {username!r}: is the demo centre loaded (load_demo)?")

    # --- the pages ----------------------------------------------------------------------------------------

    def public_pages(self) -> None:
        with self.tab() as page:
            self.go(page, f"/{self.center}/search/?q={quote(ITEM_NAME)}")
            link = page.get_by_role("link", name=ITEM_NAME, exact=True).first
            if link.count() == 0:
                raise ScreenshotError(
                    f"the search finds no item named {ITEM_NAME!r} at centre {self.center!r}"
                )
            with page.expect_navigation():
                link.click()
            expect(page.locator("article.guide h1")).to_contain_text(ITEM_NAME)
            self.shoot(page, "guide.png")

            with page.expect_navigation():
                page.get_by_role("link", name="一次性告知书", exact=True).click()
            page.wait_for_load_state("networkidle")
            expect(page.get_by_text("一次性告知书").first).to_be_visible()
            self.shoot(page, "notice.png")

            self.go(page, f"/{self.center}/board/")
            self.shoot(page, "staff-board.png")

        with self.tab(PORTRAIT) as page:
            self.go(page, f"/{self.center}/kiosk/")
            expect(page.locator(".kiosk-tiles .tile").first).to_be_visible()
            self.shoot(page, "kiosk.png")

    def staff_pages(self) -> None:
        with self.tab() as page:
            self.log_in(page, "supervision", "/staff/posts/")
            self.shoot(page, "post-board.png")

        with self.tab() as page:
            self.log_in(page, "coordination", f"/staff/catalog/?q={quote(ITEM_NAME)}")
            row = page.locator("tbody tr", has_text=ITEM_NAME).first
            with page.expect_navigation():
                row.get_by_role("link", name="编辑", exact=True).click()
            expect(page.locator("#version-form")).to_be_visible()
            self.shoot(page, "catalog-edit.png")

    def case_pages(self) -> None:
        with self.tab(WIDE) as page:
            self.log_in(page, "clerk", "/staff/workbench/")
            expect(page.locator("h1")).to_have_text("窗口工作台")
            self.shoot(page, "workbench.png")

            # A case close to its deadline shows the clock at its most telling; else any case with a deadline.
            rows = page.locator("#window-queue tr.case-row")
            row = rows.filter(has=page.locator(".warning-yellow")).first
            if row.count() == 0:
                row = rows.filter(has=page.locator("td.deadline", has_text="-")).first
            if row.count() == 0:
                raise ScreenshotError("the clerk's window has no accepted case: is the demo centre loaded?")
            with page.expect_navigation():
                row.get_by_role("link").first.click()
            expect(page.locator("#clock")).to_be_visible()
            self.shoot(page, "case-page.png")

        with self.tab(WIDE) as page:
            self.log_in(page, "clerk", "/staff/cases/search/?state=open&sort=deadline")
            expect(page.locator("h1")).to_have_text("办件查询")
            if page.locator("#search-table tr.case-row").count() == 0:
                raise ScreenshotError("the clerk's window has no open case: is the demo centre loaded?")
            self.shoot(page, "case-search.png")

        with self.tab(WIDE) as page:
            self.log_in(page, "supervision", "/staff/supervision/")
            expect(page.locator("h1")).to_contain_text("督办看板")
            self.shoot(page, "supervision-dashboard.png")

    def staffing_pages(self) -> None:
        today = datetime.datetime.now(ZoneInfo("Asia/Shanghai")).date()
        last_month = (today.replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")
        with self.tab() as page:
            self.log_in(page, "clerk", f"/staff/staffing/leave/?month={last_month}")
            expect(page.locator("#my-attendance")).to_be_visible()
            self.shoot(page, "my-attendance.png")
            expect(page.locator("#id_kind")).to_be_visible()
            self.shoot(page, "leave-form.png", at='h2:has-text("新的请假申请")')

        with self.tab() as page:
            self.log_in(page, "deputy", "/staff/staffing/leave/approvals/")
            self.shoot(page, "leave-approvals.png")

        with self.tab() as page:
            self.log_in(page, "supervision", "/staff/staffing/board/")
            self.shoot(page, "attendance-board.png")

        with self.tab(WIDE) as page:
            self.log_in(page, "supervision", f"/staff/staffing/sheet/?month={last_month}")
            self.shoot(page, "attendance-sheet.png")

        with self.tab() as page:
            self.log_in(page, "office", "/staff/staffing/duty/")
            self.shoot(page, "duty-roster.png")
            self.go(page, "/staff/staffing/terminals/")
            self.shoot(page, "terminals.png")


GROUPS = {
    "public": "public_pages",
    "staff": "staff_pages",
    "cases": "case_pages",
    "staffing": "staffing_pages",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Screenshots of the demo centre for docs/screenshots/.")
    parser.add_argument("base_url", nargs="?", default="http://127.0.0.1:8000", help="the running server")
    parser.add_argument("--center", default=CENTER, help="the demo centre's code (default %(default)s)")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder (default docs/screenshots)")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument(
        "--only",
        action="append",
        choices=list(GROUPS),
        help="take only this group of screenshots (repeatable; default all)",
    )
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as playwright:
        browser: Any = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        try:
            shooter = Shooter(browser, args.base_url, args.out, args.center)
            for group in args.only or GROUPS:
                getattr(shooter, GROUPS[group])()
        except ScreenshotError as exc:
            print(f"screenshots: {exc}", file=sys.stderr)
            return 1
        finally:
            browser.close()
    print(f"{len(shooter.taken)} screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
