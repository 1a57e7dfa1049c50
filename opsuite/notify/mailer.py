"""The one mailer: SMTP through aiosmtplib over one reused connection per batch, or the dev
mailbox when no SMTP host is configured (mail then stays readable at /dev/mailbox)."""

from __future__ import annotations

import binascii
import re
import secrets
import ssl
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.policy import compat32
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from functools import lru_cache
from types import TracebackType

import aiosmtplib

from opsuite.settings import MailSettings

# The calendar's own METHOD (iTIP), which the text/calendar part repeats as a parameter.
_METHOD = re.compile(r"^METHOD:([A-Z-]+)\r?$", re.MULTILINE)


class MailError(Exception):
    """Sending failed; ``permanent`` when retrying cannot help (the server refused the address)."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


def _text_part(text: str, subtype: str) -> Message:
    """A UTF-8 text part, quoted-printable (readable in raw form, safe for long lines).

    The headers MIMEText would write, with the body encoded by binascii (in C): MIMEText's
    own encoder, in Python, was the largest cost of building a message."""
    part = Message()
    part["Content-Type"] = f'text/{subtype}; charset="utf-8"'
    part["Content-Transfer-Encoding"] = "quoted-printable"
    part.set_payload(binascii.b2a_qp(text.encode("utf-8"), istext=True).decode("ascii"))
    return part


def _header(value: str) -> str:
    return value if value.isascii() else Header(value, "utf-8").encode()


def _is_bare(value: str) -> bool:
    # a plain address (what the outbox stores): nothing for parseaddr to take apart
    return value.count("@") == 1 and not any(c in value for c in ' <>"(),;:\\\r\n')


@lru_cache(maxsize=64)
def _address(value: str) -> str:
    if _is_bare(value):
        return value
    name, address = parseaddr(value)
    return formataddr((name, address), charset="utf-8") if name else address


@lru_cache(maxsize=64)
def envelope_address(value: str) -> str:
    """The address alone, for MAIL FROM and RCPT TO."""
    return value if _is_bare(value) else parseaddr(value)[1]


@lru_cache(maxsize=16)
def sender_domain(from_address: str) -> str:
    return envelope_address(from_address).rpartition("@")[2] or "opsuite.invalid"


def build_message(
    *,
    mail: MailSettings,
    to: str,
    subject: str,
    text: str,
    html: str = "",
    headers: dict[str, str] | None = None,
    ics: str = "",
    message_id: str = "",
) -> Message:
    """A MIME message: the text part always, HTML as an alternative, and an iCalendar part
    (REQUEST, CANCEL or PUBLISH, as its METHOD says) that mail clients turn into "add to
    calendar". ``message_id`` (the outbox's stable one) or a fresh Message-ID.

    Built with compat32 messages: the modern EmailMessage API costs about four times as much
    per message, which dominated sending large batches of reminders.
    """
    parts: list[Message] = [_text_part(text, "plain")]
    if html:
        parts.append(_text_part(html, "html"))
    if ics:
        found = _METHOD.search(ics)
        method = found.group(1) if found else "REQUEST"
        calendar = _text_part(ics, "calendar")
        calendar.set_param("method", method)
        parts.append(calendar)
    if len(parts) == 1:
        message: Message = parts[0]
        message["MIME-Version"] = "1.0"
    else:
        # Our own boundary: the generator would otherwise compile a regular expression per
        # message to find one. Every part is quoted-printable, where "=_" cannot occur.
        message = MIMEMultipart("alternative", boundary=f"=_opsuite_{secrets.token_hex(12)}")
        for part in parts:
            message.attach(part)
    message["From"] = _address(mail.from_address)
    message["To"] = _address(to)
    message["Subject"] = _header(subject)
    message["Date"] = formatdate(localtime=False)
    if not message_id:
        message_id = make_msgid(domain=sender_domain(mail.from_address))
    message["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        message[name] = _header(value)
    return message


# Header lines may run to 998 characters (RFC 5322); folding at 78 would break a long
# List-Unsubscribe URL over two lines, which some clients do not follow.
_WIRE = compat32.clone(max_line_length=998, linesep="\r\n")


def to_bytes(message: Message) -> bytes:
    return message.as_bytes(policy=_WIRE)


class Mailer:
    """``async with Mailer(settings.mail) as mailer: await mailer.send(message)``."""

    def __init__(self, mail: MailSettings) -> None:
        self.mail = mail
        self._client: aiosmtplib.SMTP | None = None

    @property
    def is_dev_mailbox(self) -> bool:
        return not self.mail.host

    async def __aenter__(self) -> Mailer:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def _connect(self) -> aiosmtplib.SMTP:
        if self._client is not None and self._client.is_connected:
            return self._client
        security = self.mail.security
        client = aiosmtplib.SMTP(
            hostname=self.mail.host,
            port=self.mail.port,
            timeout=self.mail.timeout_seconds,
            use_tls=security == "tls",
            start_tls=security == "starttls",
            tls_context=ssl.create_default_context() if security != "none" else None,
        )
        try:
            await client.connect()
            if self.mail.username:
                await client.login(self.mail.username, self.mail.password.reveal())
        except aiosmtplib.SMTPAuthenticationError as exc:
            raise MailError(f"SMTP login refused: {exc.message}", permanent=False) from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise MailError(f"cannot reach SMTP server: {exc}", permanent=False) from exc
        self._client = client
        return client

    async def send(self, message: Message) -> None:
        """Raises MailError."""
        client = await self._connect()
        try:
            # Flatten with the message's own policy (aiosmtplib's send_message would re-fold
            # headers at 78 characters and mangle long List-Unsubscribe URLs).
            errors, _response = await client.sendmail(
                envelope_address(str(message["From"])),
                [envelope_address(str(message["To"]))],
                to_bytes(message),
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            reasons = "; ".join(f"{r.recipient}: {r.code} {r.message}" for r in exc.recipients)
            raise MailError(f"recipient refused: {reasons}", permanent=True) from exc
        except aiosmtplib.SMTPResponseException as exc:
            permanent = 500 <= exc.code < 600
            await self.close()
            raise MailError(f"{exc.code} {exc.message}", permanent=permanent) from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            await self.close()
            raise MailError(f"connection lost: {exc}", permanent=False) from exc
        if errors:
            reasons = "; ".join(f"{to}: {code} {text}" for to, (code, text) in errors.items())
            raise MailError(f"recipient refused: {reasons}", permanent=True)

    async def check(self) -> None:
        """Connect, greet (EHLO) and log in once, for `opsuite check`. Raises MailError."""
        client = await self._connect()
        try:
            await client.ehlo()
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise MailError(f"SMTP server refused EHLO: {exc}", permanent=False) from exc
        finally:
            await self.close()

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None and client.is_connected:
            try:
                await client.quit()
            except (aiosmtplib.SMTPException, OSError):
                client.close()
