"""The `opsuite` command: serve, worker, migrate, createuser, demo, check, sendtestmail, settings.

Every command loads the settings first; a bad setting exits 2 with one line naming the key, and
other expected failures (database down, SMTP refused, bad input) exit 1 with a plain message.
Operator-facing text here is English on purpose: it goes to logs and terminals, not to people
using the web pages.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import logging.config
import os
import signal
import sys
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from opsuite import db
from opsuite.cli_data import cmd_backup, cmd_export, cmd_import, cmd_restore
from opsuite.cli_database import (
    CommandError,
    database_errors,
    open_database,
    pending_migrations,
    safe_url,
)
from opsuite.observe import log_config, metrics_folder
from opsuite.settings import SPEC, Option, Settings, SettingsError, load_settings

ROLES = ("admin", "manager", "staff", "volunteer")
# --- commands ---------------------------------------------------------------------------------


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    # Checked here so a stopped database or a missing migration is one clear line, not a
    # traceback from every worker.
    pending = asyncio.run(pending_migrations(settings))
    if pending:
        raise CommandError(f"{len(pending)} migration(s) pending; run `opsuite migrate` first")
    workers = None if args.reload else (args.workers or settings.server.workers)
    # Several workers count /metrics together, in files in one folder (opsuite.observe).
    with metrics_folder(workers or 1):
        uvicorn.run(
            "opsuite.asgi:create",
            factory=True,
            host=args.host or settings.server.host,
            port=args.port if args.port is not None else settings.server.port,
            workers=workers,
            reload=args.reload,
            proxy_headers=True,
            forwarded_allow_ips=",".join(settings.server.trusted_proxies),
            log_config=log_config(settings.server.log_format),
        )
    return 0


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    async def run() -> list[str]:
        pending = await pending_migrations(settings)
        if pending:
            async with database_errors(settings):
                await db.migrate(settings)
        return pending

    applied = asyncio.run(run())
    if not applied:
        print(f"Database {safe_url(settings)} is up to date.")
    for name in applied:
        print(f"Applied {name}")
    return 0


def read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise CommandError("no terminal to ask for a password; use --password-stdin")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password (again): "):
        raise CommandError("the two passwords differ")
    return first


def cmd_createuser(settings: Settings, args: argparse.Namespace) -> int:
    from opsuite.auth.models import Role
    from opsuite.auth.service import check_password_rules, create_user
    from opsuite.errors import FieldErrors

    password = read_password(args)

    async def run() -> str:
        async with open_database(settings):
            try:
                check_password_rules(password, settings)
                user = await create_user(
                    email=args.email,
                    name=args.name,
                    role=Role(args.role),
                    timezone=args.timezone or settings.i18n.default_timezone,
                    locale=args.locale or settings.i18n.default_locale,
                    password=password,
                )
            except FieldErrors as exc:
                lines = [
                    f"  {field if field == 'password' else '--' + field}: {message}"
                    for field, message in exc.errors.items()
                ]
                raise CommandError("cannot create the account:\n" + "\n".join(lines)) from exc
            return f"Created {user.role} {user.name} <{user.email}> (id {user.id})."

    print(asyncio.run(run()))
    return 0


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    from opsuite.demo import DEMO_DOMAIN, DEMO_PASSWORD, ORGANISATION, load_demo

    if settings.is_production:
        raise CommandError(
            "demo data has a published password; it is not loaded when "
            "server.environment is production"
        )

    async def run() -> int:
        async with open_database(settings):
            return (await load_demo(settings)).created

    created = asyncio.run(run())
    if created:
        print(f"Loaded the demo organisation {ORGANISATION} ({created} records).")
        print(f"Log in as admin@{DEMO_DOMAIN} (or manager@, staff@, volunteer@)")
        print(f"with the password {DEMO_PASSWORD}.")
    else:
        print("Demo data is already loaded; nothing changed.")
    return 0


async def _check_database(settings: Settings, report: Callable[[bool, str], None]) -> None:
    try:
        async with database_errors(settings):
            await db.connect(settings)
            await db.ping()
        report(True, f"database: {safe_url(settings)} answers")
    except CommandError as exc:
        report(False, f"database: {exc}")
        return
    finally:
        await db.disconnect()
    try:
        pending = await pending_migrations(settings)
    except CommandError as exc:
        report(False, f"migrations: {exc}")
        return
    if pending:
        names = ", ".join(pending)
        report(False, f"migrations: {len(pending)} pending ({names}); run `opsuite migrate`")
    else:
        report(True, "migrations: all applied")


async def _check_mail(settings: Settings, report: Callable[[bool, str], None]) -> None:
    from opsuite.notify.mailer import Mailer, MailError

    mailer = Mailer(settings.mail)
    if mailer.is_dev_mailbox:
        report(True, "mail: dev mailbox (mail.host is empty; mail is kept at /dev/mailbox)")
        return
    where = f"{settings.mail.host}:{settings.mail.port} ({settings.mail.security})"
    try:
        await mailer.check()
    except MailError as exc:
        report(False, f"mail: {where}: {exc}")
    else:
        report(True, f"mail: SMTP {where} answers EHLO")


def _check_files(report: Callable[[bool, str], None]) -> None:
    """What an install must carry (a wheel as much as a checkout): templates that compile and
    render, the Chinese catalog, and the migrations Tortoise will find."""
    from jinja2 import TemplateError

    from opsuite import resources

    try:
        from opsuite.web import i18n
        from opsuite.web.templating import environment, render_string

        names = environment.list_templates()
        for name in names:
            environment.get_template(name)
        with i18n.use_locale("en"):
            english = render_string("email/password_reset/subject.txt", {}).strip()
        with i18n.use_locale("zh_Hans"):
            chinese = render_string("email/password_reset/subject.txt", {}).strip()
    except (resources.ResourceMissing, TemplateError, OSError) as exc:
        report(False, f"templates: {type(exc).__name__}: {exc}")
    else:
        if chinese == english:
            report(False, f"translations: no Chinese catalog in {resources.locale_dir()}")
        else:
            report(True, f"templates: {len(names)} compile, an email renders ({chinese})")
    try:
        module = resources.migrations_module()
        found = resources.migration_names()
    except resources.ResourceMissing as exc:
        report(False, f"migration files: {exc}")
        return
    if found:
        report(True, f"migration files: {len(found)} in {module} ({found[0]} … {found[-1]})")
    else:
        report(False, f"migration files: none in {module}")


def cmd_check(settings: Settings, args: argparse.Namespace) -> int:
    failures = 0

    def report(ok: bool, message: str) -> None:
        nonlocal failures
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'}  {message}", flush=True)

    report(True, f"settings: {settings.source} ({settings.server.environment})")
    _check_files(report)

    async def run() -> None:
        await _check_database(settings, report)
        await _check_mail(settings, report)

    asyncio.run(run())
    return 1 if failures else 0


def cmd_sendtestmail(settings: Settings, args: argparse.Namespace) -> int:
    from opsuite.notify.mailer import MailError
    from opsuite.notify.service import send_test_mail
    from opsuite.web.forms import EMAIL_RE

    if not EMAIL_RE.match(args.address):
        raise CommandError(f"{args.address!r} is not an email address")
    try:
        asyncio.run(send_test_mail(settings, args.address))
    except MailError as exc:
        raise CommandError(f"test mail not sent: {exc}") from exc
    print(f"Sent a test message to {args.address} via {settings.mail.host}:{settings.mail.port}.")
    return 0


def cmd_worker(settings: Settings, args: argparse.Namespace) -> int:
    from opsuite.app import register_areas
    from opsuite.notify.scheduler import start_scheduler

    jobs = register_areas().jobs  # every area's jobs and hooks, as in `opsuite serve`

    logging.config.dictConfig(log_config(settings.server.log_format))

    async def run() -> None:
        async with open_database(settings):
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            scheduler = start_scheduler(settings, jobs)
            print(
                "opsuite worker: running scheduled jobs (outbox every "
                f"{settings.scheduler.dispatch_interval_seconds} s); Ctrl-C stops",
                flush=True,
            )
            try:
                await stop.wait()
            finally:
                scheduler.shutdown(wait=False)
        print("opsuite worker: stopped", flush=True)

    asyncio.run(run())
    return 0


def _setting_sources(environ: dict[str, str]) -> tuple[Path, dict[str, Any]]:
    path = Path(environ.get("OPSUITE_SETTINGS_FILE", "settings.toml"))
    if not path.exists():
        return path, {}
    return path, tomllib.loads(path.read_text(encoding="utf-8"))


def settings_reference() -> str:
    """The README's configuration table, generated from SPEC."""
    lines = [
        "| Setting (`settings.toml`) | Environment variable | Default | Meaning |",
        "| --- | --- | --- | --- |",
    ]
    for option in SPEC:
        default = _show(option, option.default)
        meaning = option.help.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
        lines.append(
            f"| `[{option.section}] {option.key}` | `{option.env}` | {default} | {meaning} |"
        )
    return "\n".join(lines) + "\n"


REFERENCE_START = "<!-- settings-reference:start (make docs) -->\n"
REFERENCE_END = "<!-- settings-reference:end -->"


def write_reference(path: str | Path) -> bool:
    """Replace the README's configuration table with a fresh one; True when it changed."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    start, end = text.index(REFERENCE_START) + len(REFERENCE_START), text.index(REFERENCE_END)
    updated = text[:start] + settings_reference() + text[end:]
    path.write_text(updated, encoding="utf-8")
    return updated != text


def _show(option: Option, value: Any) -> str:
    if option.kind == "secret":
        return "*(hidden)*" if value else "*(empty)*"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, list | tuple):
        return "`" + ", ".join(value) + "`" if value else "*(empty)*"
    return f"`{value}`" if value != "" else "*(empty)*"


def cmd_settings(settings: Settings, args: argparse.Namespace) -> int:
    if args.reference:
        print(settings_reference(), end="")
        return 0
    environ = dict(os.environ)
    path, file_values = _setting_sources(environ)
    for option in SPEC:
        value = getattr(getattr(settings, option.section), option.key)
        if option.env in environ:
            source = option.env
        elif option.key in file_values.get(option.section, {}):
            source = str(path)
        else:
            source = "default"
        shown = _show(option, value).strip("`")
        print(f"{option.name} = {shown}    # {source}")
    return 0


# --- argument parsing ---------------------------------------------------------------------------


Handler = Callable[[Settings, argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="opsuite",
        description="Operations suite for NGOs. Settings come from settings.toml (or "
        "OPSUITE_SETTINGS_FILE) and OPSUITE_* environment variables.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        return p

    serve = command("serve", cmd_serve, "run the web application with uvicorn")
    serve.add_argument("--host", help="listen address (default: server.host)")
    serve.add_argument("--port", type=int, help="listen port (default: server.port)")
    serve.add_argument("--workers", type=int, help="processes (default: server.workers)")
    serve.add_argument("--reload", action="store_true", help="restart on code changes (dev)")

    command("migrate", cmd_migrate, "apply pending database migrations")

    createuser = command("createuser", cmd_createuser, "create an account with a password")
    createuser.add_argument("--role", choices=ROLES, required=True)
    createuser.add_argument("--email", required=True)
    createuser.add_argument("--name", required=True)
    createuser.add_argument("--timezone", help="IANA zone (default: i18n.default_timezone)")
    createuser.add_argument("--locale", choices=("en", "zh_Hans"), help="default: i18n locale")
    createuser.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )

    command("demo", cmd_demo, "load the demo organisation (safe to run again)")
    command("check", cmd_check, "check settings, database, migrations and mail")
    mail = command("sendtestmail", cmd_sendtestmail, "send a test email through SMTP")
    mail.add_argument("address")
    command("worker", cmd_worker, "run only the scheduler (reminders, outbox, cleanup)")
    imports = command("import", cmd_import, "import people or shifts from a CSV file")
    imports.add_argument("kind", choices=("people", "shifts"))
    imports.add_argument("file")
    imports.add_argument("--dry-run", action="store_true", help="check only; write nothing")
    imports.add_argument(
        "--only-valid", action="store_true", help="import the valid rows and skip the others"
    )
    export = command("export", cmd_export, "export the organisation as JSON or CSV files")
    export.add_argument("file", nargs="?", help="JSON file to write (default: standard output)")
    export.add_argument("--csv-dir", help="write one CSV file per kind of data into this folder")
    export.add_argument("--bom", action="store_true", help="start CSV files with a BOM (Excel)")
    backup = command("backup", cmd_backup, "write every table to a backup file")
    backup.add_argument("file")
    restore = command("restore", cmd_restore, "load a backup into an empty migrated database")
    restore.add_argument("file")
    restore.add_argument("--force", action="store_true", help="empty a database with data first")
    shown = command("settings", cmd_settings, "show the effective settings and their sources")
    shown.add_argument(
        "--reference", action="store_true", help="print the configuration reference (Markdown)"
    )
    return parser


# Commands whose output is meant for a pipe: `opsuite settings | head` ends quietly, like other
# command-line tools. Only these: a server or worker with the default SIGPIPE action would die
# silently the first time a client drops a connection mid-answer.
PIPE_COMMANDS = frozenset({"settings", "export"})
# Commands that act on the organisation's data; `check` must still run (and say what is
# missing) when the app's templates or areas cannot load, so it registers nothing.
DOMAIN_COMMANDS = frozenset({"createuser", "demo", "import", "export", "backup", "restore"})


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    if args.command in PIPE_COMMANDS and hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"opsuite: error: {exc}", file=sys.stderr)
        return 2
    handler: Handler = args.handler
    if args.command in DOMAIN_COMMANDS:
        from opsuite.app import register_areas

        register_areas()  # they act under the same permission rules and hooks as the app
    try:
        return handler(settings, args)
    except CommandError as exc:
        print(f"opsuite: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("opsuite: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
