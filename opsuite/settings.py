"""One typed, validated Settings object from settings.toml and OPSUITE_* environment variables.

Every setting is declared once in SPEC (section, key, type, default, help). The same table drives
parsing, environment overrides (``OPSUITE_<SECTION>_<KEY>``), validation messages and the
configuration reference in the README, so none can be added without being documented.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_FILE = Path("settings.toml")


class SettingsError(Exception):
    """A setting is missing, unknown or of the wrong kind; the message names the key."""


class Secret:
    """A string that hides itself from repr and logs; call .reveal() where it is used."""

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('**********')" if self._value else "Secret('')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and secrets.compare_digest(self._value, other._value)

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class Option:
    section: str
    key: str
    kind: str  # str, int, bool, float, secret, list, choice:<a|b>, timezone, locale
    default: Any
    help: str

    @property
    def env(self) -> str:
        return f"OPSUITE_{self.section}_{self.key}".upper()

    @property
    def name(self) -> str:
        return f"{self.section}.{self.key}"


SPEC: tuple[Option, ...] = (
    Option(
        "server",
        "environment",
        "choice:development|production",
        "development",
        "development or production; production requires security.secret_key and enables "
        "Secure cookies",
    ),
    Option("server", "host", "str", "127.0.0.1", "address `opsuite serve` listens on"),
    Option("server", "port", "int", 8000, "port `opsuite serve` listens on"),
    Option("server", "workers", "int", 1, "worker processes for `opsuite serve`"),
    Option(
        "server",
        "base_url",
        "str",
        "http://127.0.0.1:8000",
        "public address used in links inside emails and feeds",
    ),
    Option(
        "server",
        "organisation",
        "str",
        "",
        "the organisation's name, printed on certificates of service (empty: base_url's host)",
    ),
    Option(
        "server",
        "trusted_proxies",
        "list",
        ["127.0.0.1"],
        "addresses whose X-Forwarded-For/-Proto headers are believed",
    ),
    Option(
        "server",
        "instance_path",
        "str",
        "instance",
        "folder for the SQLite database, the development secret key and the dev mailbox",
    ),
    Option(
        "server",
        "log_format",
        "choice:text|json",
        "text",
        "text for people at a terminal, json for one JSON object per line (log collectors)",
    ),
    Option(
        "server",
        "max_body_bytes",
        "int",
        10_000_000,
        "largest request body (uploads included) in bytes; a bigger one is refused with 413 "
        "before it is read",
    ),
    Option(
        "server",
        "hsts_seconds",
        "int",
        31_536_000,
        "max-age of the Strict-Transport-Security header sent in production (0: none)",
    ),
    Option(
        "database",
        "url",
        "str",
        "",
        "database URL; empty means sqlite://<instance_path>/opsuite.sqlite3; "
        "postgres://user:pass@host:5432/name for PostgreSQL",
    ),
    Option("database", "pool_max", "int", 10, "largest PostgreSQL connection pool per process"),
    Option(
        "mail", "host", "str", "", "SMTP host; empty keeps mail in the dev mailbox at /dev/mailbox"
    ),
    Option("mail", "port", "int", 587, "SMTP port"),
    Option("mail", "security", "choice:none|starttls|tls", "starttls", "none, starttls or tls"),
    Option("mail", "username", "str", "", "SMTP login name (empty: no login)"),
    Option("mail", "password", "secret", "", "SMTP password"),
    Option(
        "mail",
        "from_address",
        "str",
        "opsuite <noreply@opsuite.invalid>",
        "From: header of every email",
    ),
    Option("mail", "timeout_seconds", "float", 15.0, "SMTP connect and command timeout"),
    Option(
        "scheduler",
        "enabled",
        "bool",
        True,
        "run the reminder dispatcher and periodic jobs inside `opsuite serve`",
    ),
    Option(
        "scheduler",
        "dispatch_interval_seconds",
        "int",
        30,
        "how often due notifications are claimed and sent",
    ),
    Option("scheduler", "max_attempts", "int", 6, "send attempts before a notification is failed"),
    Option(
        "security",
        "secret_key",
        "secret",
        "",
        "signs tokens; required in production; in development one is generated and kept in "
        "<instance_path>/secret_key",
    ),
    Option(
        "security",
        "session_hours",
        "int",
        24 * 14,
        "idle hours before a session ends (it slides while the user is active)",
    ),
    Option(
        "security",
        "login_max_failures",
        "int",
        5,
        "failed logins for one account before it is locked for a while (one address is locked "
        "after five times as many, so a shared office address is not locked by one person)",
    ),
    Option("security", "login_lockout_minutes", "int", 15, "length of a login lockout"),
    Option("security", "invite_days", "int", 7, "days an invitation link stays valid"),
    Option("security", "reset_hours", "int", 2, "hours a password reset link stays valid"),
    Option(
        "security",
        "allow_volunteer_signup",
        "bool",
        True,
        "let volunteers register themselves at /register",
    ),
    Option(
        "security",
        "draft_days",
        "int",
        30,
        "days an autosaved form draft is kept before it is forgotten",
    ),
    Option("security", "password_min_length", "int", 10, "shortest password accepted"),
    Option(
        "security",
        "require_two_factor_for",
        "list",
        [],
        "roles (admin, manager, staff, volunteer) that must sign in with an authenticator app; "
        "such a person without one is sent to set it up right after logging in",
    ),
    Option(
        "throttle",
        "window_seconds",
        "int",
        600,
        "length of the window in which posts are counted for the limits below",
    ),
    Option(
        "throttle",
        "anonymous_posts",
        "int",
        30,
        "posts one address may send to one form without being signed in (register, join a "
        "shift, contact, links from emails ...) per window; past it 429 with Retry-After",
    ),
    Option(
        "throttle",
        "api_writes",
        "int",
        600,
        "writes one API token's owner may send per window; past it 429 with Retry-After",
    ),
    Option(
        "shifts",
        "newcomer_hold_minutes",
        "int",
        30,
        "minutes a place taken without an account is held until the emailed link is "
        "confirmed; then it goes to the waitlist",
    ),
    Option(
        "i18n",
        "default_locale",
        "locale",
        "en",
        "language when neither profile nor browser decides (en or zh_Hans)",
    ),
    Option(
        "i18n",
        "default_timezone",
        "timezone",
        "UTC",
        "time zone for new people, anonymous visitors and the days of funders' reports",
    ),
    Option(
        "integrations",
        "allow_private_hosts",
        "bool",
        False,
        "let chat channels and webhooks post to loopback, private or link-local hosts",
    ),
    Option(
        "feeds",
        "days_back",
        "int",
        60,
        "days of the past a calendar feed shows",
    ),
    Option(
        "feeds",
        "days_ahead",
        "int",
        550,
        "days ahead a calendar feed shows (shrunk for a feed that would pass feeds.max_bytes)",
    ),
    Option(
        "feeds",
        "keep_cancelled_days",
        "int",
        30,
        "days a cancelled item stays in feeds as STATUS:CANCELLED so calendars remove it",
    ),
    Option(
        "feeds",
        "max_bytes",
        "int",
        1_000_000,
        "largest feed; a bigger one is built again with a shorter window ahead",
    ),
    Option(
        "feeds",
        "memory_mb",
        "int",
        64,
        "megabytes of recently polled feeds each worker answers from memory",
    ),
)

LOCALES = ("en", "zh_Hans")


def _coerce(option: Option, raw: Any, source: str) -> Any:
    def fail(expected: str) -> SettingsError:
        return SettingsError(
            f"setting {option.name} (from {source}) must be {expected}, got {raw!r}"
        )

    kind = option.kind
    from_env = isinstance(raw, str) and source.startswith("environment")
    if kind in ("str", "secret"):
        if not isinstance(raw, str):
            raise fail("a string")
        return Secret(raw) if kind == "secret" else raw
    if kind == "int":
        if from_env:
            try:
                raw = int(raw)
            except ValueError:
                raise fail("a whole number") from None
        if not isinstance(raw, int) or isinstance(raw, bool) or raw < 0:
            raise fail("a whole number of 0 or more")
        return raw
    if kind == "float":
        if from_env:
            try:
                raw = float(raw)
            except ValueError:
                raise fail("a number") from None
        if isinstance(raw, bool) or not isinstance(raw, int | float) or raw <= 0:
            raise fail("a positive number")
        return float(raw)
    if kind == "bool":
        if from_env:
            lowered = raw.strip().lower()
            if lowered in ("1", "true", "yes", "on"):
                return True
            if lowered in ("0", "false", "no", "off"):
                return False
            raise fail("true or false")
        if not isinstance(raw, bool):
            raise fail("true or false")
        return raw
    if kind == "list":
        if from_env:
            raw = [part.strip() for part in raw.split(",") if part.strip()]
        if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
            raise fail("a list of strings")
        return tuple(raw)
    if kind.startswith("choice:"):
        choices = kind.removeprefix("choice:").split("|")
        if raw not in choices:
            raise fail("one of " + ", ".join(choices))
        return raw
    if kind == "timezone":
        try:
            ZoneInfo(raw)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise fail("an IANA time zone such as Asia/Shanghai") from None
        return raw
    if kind == "locale":
        if raw not in LOCALES:
            raise fail("one of " + ", ".join(LOCALES))
        return raw
    raise AssertionError(f"unknown kind {kind}")


@dataclass(frozen=True)
class ServerSettings:
    environment: str
    host: str
    port: int
    workers: int
    base_url: str
    trusted_proxies: tuple[str, ...]
    instance_path: str
    log_format: str
    max_body_bytes: int = 10_000_000
    hsts_seconds: int = 31_536_000
    organisation: str = ""


@dataclass(frozen=True)
class DatabaseSettings:
    url: str
    pool_max: int


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    security: str
    username: str
    password: Secret
    from_address: str
    timeout_seconds: float


@dataclass(frozen=True)
class SchedulerSettings:
    enabled: bool
    dispatch_interval_seconds: int
    max_attempts: int


@dataclass(frozen=True)
class SecuritySettings:
    secret_key: Secret
    session_hours: int
    login_max_failures: int
    login_lockout_minutes: int
    invite_days: int
    reset_hours: int
    allow_volunteer_signup: bool
    draft_days: int
    password_min_length: int
    require_two_factor_for: tuple[str, ...] = ()


@dataclass(frozen=True)
class ThrottleSettings:
    window_seconds: int = 600
    anonymous_posts: int = 30
    api_writes: int = 600


@dataclass(frozen=True)
class ShiftsSettings:
    newcomer_hold_minutes: int = 30


@dataclass(frozen=True)
class I18nSettings:
    default_locale: str
    default_timezone: str


@dataclass(frozen=True)
class FeedsSettings:
    days_back: int = 60
    days_ahead: int = 550
    keep_cancelled_days: int = 30
    max_bytes: int = 1_000_000
    memory_mb: int = 64


@dataclass(frozen=True)
class IntegrationsSettings:
    allow_private_hosts: bool = False


@dataclass(frozen=True)
class Settings:
    server: ServerSettings
    database: DatabaseSettings
    mail: MailSettings
    scheduler: SchedulerSettings
    security: SecuritySettings
    i18n: I18nSettings
    feeds: FeedsSettings = field(default_factory=FeedsSettings)
    throttle: ThrottleSettings = field(default_factory=ThrottleSettings)
    shifts: ShiftsSettings = field(default_factory=ShiftsSettings)
    integrations: IntegrationsSettings = field(default_factory=IntegrationsSettings)
    source: str = field(default="defaults", compare=False)

    @property
    def is_production(self) -> bool:
        return self.server.environment == "production"

    @property
    def instance_dir(self) -> Path:
        return Path(self.server.instance_path)


_SECTIONS: dict[str, type] = {
    "server": ServerSettings,
    "database": DatabaseSettings,
    "mail": MailSettings,
    "scheduler": SchedulerSettings,
    "security": SecuritySettings,
    "i18n": I18nSettings,
    "feeds": FeedsSettings,
    "throttle": ThrottleSettings,
    "shifts": ShiftsSettings,
    "integrations": IntegrationsSettings,
}


def build_settings(
    file_values: Mapping[str, Any] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    source: str = "defaults",
) -> Settings:
    """Validate raw values (as read from TOML) plus environment overrides into Settings.

    Raises SettingsError naming the first bad key.
    """
    file_values = dict(file_values or {})
    environ = os.environ if environ is None else environ
    known_sections = {o.section for o in SPEC}
    for section, body in file_values.items():
        if section not in known_sections:
            raise SettingsError(
                f"unknown section [{section}] in {source}; expected one of "
                + ", ".join(sorted(known_sections))
            )
        if not isinstance(body, dict):
            raise SettingsError(f"[{section}] in {source} must be a table")
        known_keys = {o.key for o in SPEC if o.section == section}
        for key in body:
            if key not in known_keys:
                raise SettingsError(
                    f"unknown setting {section}.{key} in {source}; [{section}] knows "
                    + ", ".join(sorted(known_keys))
                )
    known_env = {o.env for o in SPEC}
    for name in environ:
        if (
            name.startswith("OPSUITE_")
            and name not in known_env
            and not name.startswith("OPSUITE_TEST_")
        ):
            raise SettingsError(f"unknown environment variable {name}")

    values: dict[str, dict[str, Any]] = {s: {} for s in _SECTIONS}
    for option in SPEC:
        if option.env in environ:
            raw, where = environ[option.env], f"environment {option.env}"
        elif option.key in file_values.get(option.section, {}):
            raw, where = file_values[option.section][option.key], source
        else:
            raw, where = option.default, "defaults"
        values[option.section][option.key] = _coerce(option, raw, where)

    settings = Settings(
        **{name: cls(**values[name]) for name, cls in _SECTIONS.items()}, source=source
    )
    if settings.is_production and not settings.security.secret_key:
        raise SettingsError(
            "setting security.secret_key must be set when server.environment is production "
            "(at least 32 random characters, e.g. from `python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))'`)"
        )
    if settings.security.secret_key and len(settings.security.secret_key.reveal()) < 32:
        raise SettingsError("setting security.secret_key must be at least 32 characters long")
    roles = ("admin", "manager", "staff", "volunteer")
    for role in settings.security.require_two_factor_for:
        if role not in roles:
            raise SettingsError(
                f"setting security.require_two_factor_for must list roles from "
                f"{', '.join(roles)}, got {role!r}"
            )
    if settings.server.workers < 1:
        raise SettingsError("setting server.workers must be 1 or more")
    return settings


def load_settings(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Read settings.toml (or OPSUITE_SETTINGS_FILE) and the environment. Raises SettingsError."""
    environ = os.environ if environ is None else environ
    path = path or Path(environ.get("OPSUITE_SETTINGS_FILE", DEFAULT_FILE))
    file_values: dict[str, Any] = {}
    if path.exists():
        try:
            file_values = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"{path} is not valid TOML: {exc}") from None
    env = {k: v for k, v in environ.items() if k != "OPSUITE_SETTINGS_FILE"}
    return build_settings(file_values, environ=env, source=str(path))


def database_url(settings: Settings) -> str:
    if settings.database.url:
        url = settings.database.url
        if url.startswith("postgresql://"):
            url = "postgres://" + url.removeprefix("postgresql://")
        return url
    return f"sqlite://{settings.instance_dir / 'opsuite.sqlite3'}"


def secret_key(settings: Settings) -> str:
    """The configured key, or in development one generated once and kept beside the database."""
    if settings.security.secret_key:
        return settings.security.secret_key.reveal()
    key_file = settings.instance_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    settings.instance_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key, encoding="utf-8")
    key_file.chmod(0o600)
    return key
