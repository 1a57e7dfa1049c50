"""Importing people and shifts from CSV files.

The file is read row by row (never whole into memory), validated in batches against the
database, and written in batches inside one transaction through the owning areas' services
(auth/people for people, shifts for shifts). Nothing is written unless every row is valid, or
the person chose to import only the valid rows. Imported people get no password: they are
invited (or reset their password) later, which also keeps hashing out of a big import.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Awaitable, Callable, Generator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, time
from enum import StrEnum
from typing import IO, Any

from tortoise.transactions import in_transaction

from opsuite.audit.service import record
from opsuite.auth.models import Role, User
from opsuite.auth.permissions import (
    assignable_roles,
    authorize,
    can,
    people_with,
)
from opsuite.auth.service import create_user, name_error, normalize_email
from opsuite.caps import Cap
from opsuite.errors import FieldErrors, InvalidInput
from opsuite.people.models import Program, ProgramAccess, Team
from opsuite.people.service import add_team_member, grant_program_access
from opsuite.shifts.models import Opportunity
from opsuite.shifts.planning import MAX_CAPACITY, ShiftInput, create_shift
from opsuite.web.forms import EMAIL_RE, has_control_character
from opsuite.web.i18n import gettext as _
from opsuite.web.i18n import is_timezone

BATCH = 500
MAX_ERRORS_KEPT = 1000
PREVIEW_ROWS = 20
ENCODINGS = ("utf-8-sig", "gb18030")


class Mode(StrEnum):
    DRY_RUN = "dry_run"  # check only
    ALL = "all"  # import if every row is valid
    ONLY_VALID = "only_valid"  # import the valid rows, skip the rest


@dataclass(frozen=True)
class RowError:
    line: int  # line number in the file (the header is line 1)
    column: str
    message: str


@dataclass
class ImportResult:
    kind: str
    mode: Mode
    encoding: str = ""
    rows: int = 0
    valid: int = 0
    imported: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)  # the first MAX_ERRORS_KEPT
    preview: list[dict[str, str]] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return self.error_count > 0

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(error)


Progress = Callable[[int], None]


# --- reading ------------------------------------------------------------------------------------


def detect_encoding(raw: IO[bytes]) -> str:
    """utf-8 (with or without BOM), else GB18030 (which covers GBK and GB2312); anything else
    is refused. Reads the file in chunks and rewinds it. Raises InvalidInput."""
    for encoding in ENCODINGS:
        raw.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            while chunk := raw.read(1 << 16):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        raw.seek(0)
        return encoding
    raise InvalidInput(
        _("The file is neither UTF-8 nor GBK/GB18030 text. Save it as CSV UTF-8 and try again."),
        field="file",
    )


def _rows(raw: IO[bytes], encoding: str) -> Generator[tuple[int, list[str]]]:
    """(line number, cells) for every row after the header, one at a time."""
    text = io.TextIOWrapper(raw, encoding=encoding, newline="")
    try:
        reader = csv.reader(text)
        for cells in reader:
            if any(cell.strip() for cell in cells):
                yield reader.line_num, cells
    except csv.Error as exc:
        raise InvalidInput(_("The file is not valid CSV: %(reason)s", reason=str(exc))) from exc
    finally:
        text.detach()  # leave the caller's file open


def _check_header(header: list[str], spec: ImportSpec) -> list[str]:
    names = [h.strip().lower() for h in header]
    unknown = [n for n in names if n not in spec.columns]
    missing = [c for c in spec.required if c not in names]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if unknown or missing or duplicated:
        problems = []
        if missing:
            problems.append(_("missing %(columns)s", columns=", ".join(missing)))
        if unknown:
            problems.append(_("unknown %(columns)s", columns=", ".join(unknown)))
        if duplicated:
            problems.append(_("repeated %(columns)s", columns=", ".join(duplicated)))
        raise InvalidInput(
            _(
                "The first line must name the columns (%(problems)s). Expected: %(expected)s.",
                problems="; ".join(problems),
                expected=", ".join(spec.columns),
            ),
            field="file",
        )
    return names


# --- what each kind of file holds ---------------------------------------------------------------


@dataclass
class Context:
    """What validation needs to know, loaded once per import."""

    actor: User
    roles: list[Role]
    teams: dict[str, Team]  # lower-cased name -> team the actor runs
    all_teams: set[str]
    programs: dict[str, Program]  # lower-cased name -> program the actor runs
    all_programs: set[str]
    opportunities: dict[tuple[str, str], Opportunity] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)  # emails earlier in the file


Row = dict[str, str]
Validator = Callable[[Context, list[tuple[int, Row]], ImportResult], Awaitable[list[Any]]]
Writer = Callable[[Context, Any], Awaitable[None]]


@dataclass(frozen=True)
class ImportSpec:
    kind: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    validate: Validator
    write: Writer


@dataclass(frozen=True)
class PersonRow:
    email: str
    name: str
    role: Role
    timezone: str
    locale: str
    phone: str
    skills: list[str]
    team: Team | None
    program: Program | None


def _lookup(
    value: str, mine: dict[str, Any], known: set[str], unknown: str, not_mine: str
) -> tuple[Any, str | None]:
    key = value.strip().lower()
    if not key:
        return None, None
    if key in mine:
        return mine[key], None
    return None, not_mine if key in known else unknown


async def _validate_people(
    context: Context, batch: list[tuple[int, Row]], result: ImportResult
) -> list[Any]:
    emails = [normalize_email(row.get("email", "")) for _line, row in batch]
    taken: set[str] = set(
        await User.filter(email__in=emails).values_list("email", flat=True)  # type: ignore[arg-type]
    )
    valid: list[Any] = []
    for (line, row), email in zip(batch, emails, strict=True):
        errors: list[tuple[str, str]] = []
        if not EMAIL_RE.match(email) or len(email) > 254:
            errors.append(("email", _("Enter an email address like name@example.org.")))
        elif email in taken:
            errors.append(("email", _("Someone already uses this email address.")))
        elif email in context.seen:
            errors.append(("email", _("This email address is already on an earlier line.")))
        context.seen.add(email)
        name = row.get("name", "").strip()
        if message := name_error(name):
            errors.append(("name", message))
        role_text = row.get("role", "").strip().lower() or Role.VOLUNTEER
        role = Role(role_text) if role_text in Role.__members__.values() else None
        if role is None or role not in context.roles:
            errors.append(
                ("role", _("Use one of: %(roles)s.", roles=", ".join(map(str, context.roles))))
            )
        timezone = row.get("timezone", "").strip() or "UTC"
        if not is_timezone(timezone):
            errors.append(("timezone", _("Unknown time zone, such as Asia/Shanghai.")))
        locale = row.get("locale", "").strip() or "en"
        if locale not in ("en", "zh_Hans"):
            errors.append(("locale", _("Use en or zh_Hans.")))
        phone = row.get("phone", "").strip()
        if len(phone) > 40:
            errors.append(("phone", _("At most %(n)s characters, please.", n=40)))
        team, team_error = _lookup(
            row.get("team", ""),
            context.teams,
            context.all_teams,
            _("There is no team of this name."),
            _("You do not run this team."),
        )
        if team_error:
            errors.append(("team", team_error))
        program, program_error = _lookup(
            row.get("program", ""),
            context.programs,
            context.all_programs,
            _("There is no program of this name."),
            _("You do not run this program."),
        )
        if program_error:
            errors.append(("program", program_error))
        for column, message in errors:
            result.add_error(RowError(line, column, message))
        if not errors and role is not None:
            skills = [s.strip() for s in row.get("skills", "").split(";") if s.strip()]
            valid.append(
                PersonRow(email, name, role, timezone, locale, phone, skills, team, program)
            )
    return valid


async def _write_person(context: Context, person: Any) -> None:
    assert isinstance(person, PersonRow)  # only PersonRows reach here  # nosec B101
    user = await create_user(
        email=person.email,
        name=person.name,
        role=person.role,
        timezone=person.timezone,
        locale=person.locale,
        phone=person.phone,
        skills=person.skills,
        actor=context.actor,
    )
    if person.team is not None:
        await add_team_member(context.actor, person.team, user)
    if person.program is not None:
        await grant_program_access(context.actor, person.program, user, access=ProgramAccess.READ)


def _parse_time(text: str) -> time | None:
    try:
        return time.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None


async def _validate_shifts(
    context: Context, batch: list[tuple[int, Row]], result: ImportResult
) -> list[Any]:
    valid: list[Any] = []
    for line, row in batch:
        errors: list[tuple[str, str]] = []
        program, program_error = _lookup(
            row.get("program", ""),
            context.programs,
            context.all_programs,
            _("There is no program of this name."),
            _("You do not run this program."),
        )
        if program_error or program is None:
            errors.append(("program", program_error or _("Name the program.")))
        opportunity = None
        if program is not None:
            opportunity = await _opportunity(context, program, row.get("opportunity", ""))
            if opportunity is None:
                errors.append(("opportunity", _("This program has no opportunity of this name.")))
        try:
            day = date.fromisoformat(row.get("date", "").strip())
        except ValueError:
            errors.append(("date", _("Enter a date like 2026-03-31.")))
            day = None
        start, end = _parse_time(row.get("start", "")), _parse_time(row.get("end", ""))
        if start is None:
            errors.append(("start", _("Enter a time like 09:30.")))
        if end is None:
            errors.append(("end", _("Enter a time like 09:30.")))
        timezone = row.get("timezone", "").strip() or context.actor.timezone
        if not is_timezone(timezone):
            errors.append(("timezone", _("Unknown time zone, such as Asia/Shanghai.")))
        capacity_text = row.get("capacity", "").strip()
        capacity = int(capacity_text) if capacity_text.isdigit() and len(capacity_text) < 7 else 0
        if not 1 <= capacity <= MAX_CAPACITY:
            errors.append(("capacity", _("Enter a capacity between 1 and %(n)s.", n=MAX_CAPACITY)))
        for column, message in errors:
            result.add_error(RowError(line, column, message))
        if errors or opportunity is None or day is None or start is None or end is None:
            continue
        data = ShiftInput(
            day=day,
            start=start,
            end=end,
            timezone=timezone,
            capacity=capacity,
            location=row.get("location", "").strip(),
            notes=row.get("notes", "").strip(),
        )
        valid.append((line, opportunity, data))
    return valid


async def _opportunity(context: Context, program: Program, title: str) -> Opportunity | None:
    key = (program.name.lower(), title.strip().lower())
    if key not in context.opportunities:
        found = None
        for candidate in await Opportunity.filter(program_id=program.id):
            if candidate.title.lower() == key[1]:
                found = candidate
                break
        if found is None:
            return None
        context.opportunities[key] = found
    return context.opportunities[key]


async def _write_shift(context: Context, item: Any) -> None:
    _line, opportunity, data = item
    await create_shift(context.actor, opportunity, data)


SPECS = {
    "people": ImportSpec(
        "people",
        ("email", "name", "role", "timezone", "locale", "phone", "skills", "team", "program"),
        ("email", "name"),
        _validate_people,
        _write_person,
    ),
    "shifts": ImportSpec(
        "shifts",
        (
            "program",
            "opportunity",
            "date",
            "start",
            "end",
            "timezone",
            "capacity",
            "location",
            "notes",
        ),
        ("program", "opportunity", "date", "start", "end", "capacity"),
        _validate_shifts,
        _write_shift,
    ),
}


async def _context(actor: User) -> Context:
    teams = await Team.filter(is_active=True)
    programs = await Program.filter(is_active=True)
    return Context(
        actor=actor,
        roles=assignable_roles(actor),
        teams={t.name.lower(): t for t in teams if await can(actor, Cap.MANAGE, t)},
        all_teams={t.name.lower() for t in teams},
        programs={p.name.lower(): p for p in programs if await can(actor, Cap.MANAGE, p)},
        all_programs={p.name.lower() for p in programs},
    )


async def _passes(
    spec: ImportSpec,
    context: Context,
    raw: IO[bytes],
    result: ImportResult,
    *,
    write: bool,
    progress: Progress | None,
) -> None:
    rows = _rows(raw, result.encoding)
    header: list[str] | None = None
    batch: list[tuple[int, Row]] = []

    async def flush() -> None:
        valid = await spec.validate(context, batch, result)
        result.valid += len(valid)
        if write:
            for item in valid:
                try:
                    await spec.write(context, item)
                except FieldErrors as exc:  # changed since it was checked
                    line = item[0] if isinstance(item, tuple) else batch[0][0]
                    for column, message in exc.errors.items():
                        result.add_error(RowError(line, column, message))
                    raise
                result.imported += 1
        if progress is not None:
            progress(result.rows)
        batch.clear()

    with closing(rows):  # finish reading while the file is still open
        for line, cells in rows:
            if header is None:
                header = _check_header(cells, spec)
                continue
            result.rows += 1
            if len(cells) > len(header):
                result.add_error(RowError(line, "", _("This line has more cells than the header.")))
                continue
            row = dict(zip(header, cells, strict=False))
            unstorable = [name for name, cell in row.items() if has_control_character(cell)]
            for name in unstorable:
                result.add_error(RowError(line, name, _("This cell contains a control character.")))
            if unstorable:
                continue
            if len(result.preview) < PREVIEW_ROWS:
                result.preview.append(row)
            batch.append((line, row))
            if len(batch) >= BATCH:
                await flush()
    if header is None:
        raise InvalidInput(_("The file is empty."), field="file")
    if batch:
        await flush()


async def import_file(
    actor: User,
    kind: str,
    raw: IO[bytes],
    *,
    mode: Mode,
    progress: Progress | None = None,
) -> ImportResult:
    """Check (and unless ``mode`` is a dry run, import) a CSV file of people or shifts.

    With Mode.ALL nothing is written when any row has an error. Raises PermissionDenied, or
    InvalidInput for a file that cannot be read (encoding, header, CSV syntax)."""
    await authorize(actor, Cap.MANAGE)
    if kind not in SPECS:
        raise InvalidInput(_("Choose people or shifts."), field="kind")
    spec = SPECS[kind]
    result = ImportResult(kind=kind, mode=mode, encoding=detect_encoding(raw))
    context = await _context(actor)
    await _passes(spec, context, raw, result, write=False, progress=None)
    if mode is Mode.DRY_RUN or result.valid == 0 or (mode is Mode.ALL and result.has_errors):
        return result
    # Second pass: the same checks, and the valid rows written in one transaction.
    raw.seek(0)
    written = ImportResult(kind=kind, mode=mode, encoding=result.encoding)
    context = await _context(actor)
    try:
        async with in_transaction():
            await _passes(spec, context, raw, written, write=True, progress=progress)
            if mode is Mode.ALL and written.has_errors:
                raise _RollBack
            await record(
                actor,
                f"reports.import.{kind}",
                None,
                rows=written.rows,
                imported=written.imported,
                skipped=written.rows - written.imported,
            )
    except (_RollBack, FieldErrors):
        written.imported = 0
    return written


class _RollBack(Exception):
    """Leaves the import's transaction so nothing of it is kept."""


async def operator() -> User:
    """Who an import from the command line acts as: the first active admin.

    Raises InvalidInput when there is none yet."""
    admin = await people_with(Cap.ADMIN).order_by("id").first()
    if admin is None:
        raise InvalidInput(_("Create an administrator first (opsuite createuser --role admin)."))
    return admin
