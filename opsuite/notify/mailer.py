"""The one mailer: SMTP through aiosmtplib over one reused connection per batch, or the dev
mailbox when no SMTP host is configured (mail then stays readable at /dev/mailbox)."""

from __future__ import annotations

import ssl
from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from types import TracebackType

import aiosmtplib

from opsuite.settings import MailSettings


class MailError(Exception):
    """Sending failed; ``permanent`` when retrying cannot help (the server refused the address)."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


_UTF8_QP = Charset("utf-8")
_UTF8_QP.body_encoding = QP  # readable in raw form, safe for long lines


def _text_part(text: str, subtype: str) -> MIMEText:
    # typeshed types _charset as str, but MIMEText hands it to set_payload, which takes a Charset.
    return MIMEText(text, subtype, _UTF8_QP)  # type: ignore[arg-type]


def _header(value: str) -> str:
    return value if value.isascii() else Header(value, "utf-8").encode()


def _address(value: str) -> str:
    name, address = parseaddr(value)
    return formataddr((name, address), charset="utf-8") if name else address


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
    (METHOD:REQUEST or CANCEL) that mail clients turn into "add to calendar". ``message_id``
    (the outbox's stable one) or a fresh Message-ID.

    Built with the compat32 email.mime classes: the modern EmailMessage API costs about four
    times as much per message, which dominated sending large batches of reminders.
    """
    parts: list[Message] = [_text_part(text, "plain")]
    if html:
        parts.append(_text_part(html, "html"))
    if ics:
        method = "CANCEL" if "METHOD:CANCEL" in ics else "REQUEST"
        calendar = _text_part(ics, "calendar")
        calendar.set_param("method", method)
        parts.append(calendar)
    if len(parts) == 1:
        message: Message = parts[0]
    else:
        message = MIMEMultipart("alternative")
        for part in parts:
            message.attach(part)
    message["From"] = _address(mail.from_address)
    message["To"] = _address(to)
    message["Subject"] = _header(subject)
    message["Date"] = formatdate(localtime=False)
    if not message_id:
        domain = parseaddr(mail.from_address)[1].rpartition("@")[2] or "opsuite.invalid"
        message_id = make_msgid(domain=domain)
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
                parseaddr(str(message["From"]))[1],
                [parseaddr(str(message["To"]))[1]],
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
