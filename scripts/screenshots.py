"""Screenshots of every page a role reaches from its menu, at 1280 and 390 px, in English and
Chinese, on the demo organisation: what to look at before calling a page done.

    make screenshots        # the tour: docs/tour.md and its pictures in docs/screenshots/
    make screenshots-all    # every menu page of every role, into test-artifacts/screenshots/

It serves a fresh demo (its own SQLite file and port, the scheduler off) with `opsuite serve`,
signs in as each demo role, follows the menu, and writes ``<role>-<page>-<lang>-<width>.png``.
It also prints a line for each page that scrolls sideways, where a phone reader would have to
pan: those are the pages to fix first. Needs Debian's chromium (``/usr/bin/chromium``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import _shared  # noqa: F401  (puts the repository on sys.path)
from _common import free_port
from playwright.async_api import Page, async_playwright

from tests.servers import wait_until_healthy

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("OPSUITE_TEST_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "opsuite-demo"  # noqa: S105 (the published demo password)
ROLES = ("volunteer", "staff", "manager", "manager2", "admin")
WIDTHS = (1280, 390)
LANGUAGES = ("en", "zh_Hans")
# The pages docs/tour.md shows: (role, path, name, what the reader should notice).
TOUR = (
    (
        "volunteer",
        "/",
        "home",
        "A volunteer's home: the next shifts (with a check-in button when it is time), open "
        "shifts that fit their skills, and their hours this year.",
    ),
    (
        "staff",
        "/",
        "home",
        "A staff member's home: their day from their own schedule in their zone, meetings "
        "today and tasks due.",
    ),
    (
        "manager",
        "/",
        "home",
        "A manager's home: what waits for their approval, shifts short of people this week, "
        "overdue tasks on their boards, and who is working now with local times.",
    ),
    (
        "manager",
        "/boards/1",  # the demo's board, the first one made
        "board",
        "A board: columns side by side with their counts, cards with label chips, assignees' "
        "initials and due dates; drag a card, or use its compact Move control without "
        "JavaScript.",
    ),
    (
        "manager2",
        "/meetings?view=month",
        "meetings-month",
        "The meetings calendar as a month: weekday names, today marked, meetings as chips. On "
        "a phone it becomes a list of days.",
    ),
    (
        "manager",
        "/schedule/team",
        "team-week",
        "The team week: who works where each day (office, home, field, leave), with hours.",
    ),
    ("staff", "/schedule", "my-schedule", "One's own week, with the weekly hours planned."),
    (
        "manager2",
        "/calendar?view=month",
        "my-calendar",
        "My calendar: the meetings one attends beside one's working time, with tasks due and "
        "leave above the hours; the same calendar as meetings and the shift calendar.",
    ),
    (
        "volunteer",
        "/shifts",
        "shifts",
        "Open shifts by day, with the places left; filters for program, skill and remote.",
    ),
    (
        "volunteer",
        "/shifts/calendar",
        "shift-calendar",
        "The shift calendar: open shifts by month with the places free, one's own marked.",
    ),
)
TOUR_HEADER = """# A tour of opsuite

The main pages as each kind of person sees them, on the demo organisation (`make run` loads
it). Each picture is at 1280 px; the phone version (390 px) and the Chinese one sit beside it.
`make screenshots` takes them again from the code as it is, so they stay current.

"""


def _serve(instance: Path, port: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPSUITE_")}
    env.update(
        OPSUITE_SETTINGS_FILE=str(instance / "none.toml"),
        OPSUITE_SERVER_INSTANCE_PATH=str(instance),
        OPSUITE_SCHEDULER_ENABLED="false",
        OPSUITE_SERVER_PORT=str(port),
        OPSUITE_SECURITY_SECRET_KEY="s" * 48,
    )
    opsuite = str(Path(sys.executable).with_name("opsuite"))
    for command in ("migrate", "demo"):
        subprocess.run([opsuite, command], env=env, check=True, capture_output=True)  # noqa: S603
    log = instance / "serve.log"
    process = subprocess.Popen(  # noqa: S603 (our own command)
        [opsuite, "serve"], env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )
    wait_until_healthy(process, f"http://127.0.0.1:{port}", log, seconds=60)
    return process


def _slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


async def _menu(page: Page) -> list[str]:
    hrefs = await page.eval_on_selector_all(
        "header nav a[href^='/']", "links => links.map(a => a.getAttribute('href'))"
    )
    return list(dict.fromkeys(str(h) for h in hrefs))


async def shoot(base: str, out: Path, *, tour: bool) -> list[str]:
    wide: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for role in ROLES:
            jobs = [(p, n) for r, p, n, _caption in TOUR if r == role] if tour else None
            if tour and not jobs:
                continue
            for lang in LANGUAGES:
                for width in WIDTHS:
                    context = await browser.new_context(
                        base_url=base, viewport={"width": width, "height": 900}
                    )
                    await context.add_cookies(
                        [{"name": "opsuite_lang", "value": lang, "url": base}]
                    )
                    page = await context.new_page()
                    await page.goto("/login")
                    await page.fill("input[name=email]", f"{role}@demo.opsuite.org")
                    await page.fill("input[name=password]", PASSWORD)
                    await page.click("form[action='/login'] button[type=submit]")
                    await page.wait_for_load_state()
                    # The language a person chose is saved on their account and wins over a
                    # cookie, so switch the way they would.
                    # (On a phone the switch sits in the folded menu: submit it directly.)
                    async with page.expect_navigation():
                        await page.evaluate(
                            "lang => { const s = document.querySelector('#lang-select');"
                            " s.value = lang; s.form.submit(); }",
                            lang,
                        )
                    pages = jobs or [(p, _slug(p)) for p in ["/", *await _menu(page)]]
                    for path, name in pages:
                        await page.goto(path)
                        target = out / f"{role}-{name}-{lang}-{width}.png"
                        await page.screenshot(path=str(target), full_page=True)
                        scroll = await page.evaluate("document.documentElement.scrollWidth")
                        if scroll > width:
                            wide.append(f"{role} {path} {lang}: {scroll} px wide at {width}")
                    await context.close()
        await browser.close()
    return wide


def write_tour(folder: Path) -> None:
    """docs/tour.md beside the pictures: one section per page, English and Chinese."""
    lines = [TOUR_HEADER]
    for role, path, name, caption in TOUR:
        who = "Manager" if role.startswith("manager") else role.capitalize()
        lines.append(f"## {who}: `{path}`\n\n{caption}\n")
        for lang in LANGUAGES:
            wide, narrow = (f"screenshots/{role}-{name}-{lang}-{w}.png" for w in WIDTHS)
            lines.append(
                f"[![{name} ({lang}, 1280 px)]({wide})]({wide}) [phone, 390 px]({narrow})\n"
            )
    (folder.parent / "tour.md").write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "test-artifacts" / "screenshots")
    parser.add_argument("--tour", action="store_true", help="only the pages docs/tour.md shows")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="opsuite-shots-") as folder:
        server = _serve(Path(folder), port)
        try:
            wide = asyncio.run(shoot(f"http://127.0.0.1:{port}", args.out, tour=args.tour))
        finally:
            server.terminate()
            server.wait(timeout=30)
    if args.tour:
        write_tour(args.out)
    count = len(list(args.out.glob("*.png")))
    print(f"{count} screenshots in {args.out}")
    for line in wide:
        print(f"scrolls sideways: {line}")


if __name__ == "__main__":
    main()
