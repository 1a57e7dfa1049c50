"""The one mailer: SMTP through aiosmtplib over one reused connection per batch, or the dev
mailbox when no SMTP host is configured (mail then stays readable at /dev/mailbox)."""

from __future__ import annotations

import email.policy
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from types import TracebackType

import aiosmtplib

from opsuite.settings import MailSettings


class MailError(Exception):
    """Sending failed; ``permanent`` when retrying cannot help (the server refused the address)."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


def build_message(
    *,
    mail: MailSettings,
    to: str,
    subject: str,
    text: str,
    html: str = "",
    headers: dict[str, str] | None = None,
    ics: str = "",
) -> EmailMessage:
    # Headers may run to 998 characters (RFC 5322); the default 78 would RFC 2047-encode a long
    # List-Unsubscribe URL into something mail clients cannot follow.
    message = EmailMessage(policy=email.policy.SMTP.clone(max_line_length=998))
    message["From"] = mail.from_address
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    domain = mail.from_address.rpartition("@")[2].rstrip(">") or "opsuite.invalid"
    message["Message-ID"] = make_msgid(domain=domain)
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    if ics:
        # An invitation or update: mail clients offer "add to calendar" for text/calendar parts.
        method = "CANCEL" if "METHOD:CANCEL" in ics else "REQUEST"
        message.add_attachment(
            ics.encode("utf-8"),
            maintype="text",
            subtype="calendar",
            filename="invite.ics",
            params={"method": method, "charset": "utf-8"},
        )
    return message


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

    async def send(self, message: EmailMessage) -> None:
        """Raises MailError."""
        client = await self._connect()
        try:
            # Flatten with the message's own policy (aiosmtplib's send_message would re-fold
            # headers at 78 characters and mangle long List-Unsubscribe URLs).
            errors, _response = await client.sendmail(
                parseaddr(str(message["From"]))[1], [parseaddr(str(message["To"]))[1]],
                message.as_bytes(),
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
        """Connect (and log in) once, for `opsuite check`. Raises MailError."""
        await self._connect()
        await self.close()

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None and client.is_connected:
            try:
                await client.quit()
            except (aiosmtplib.SMTPException, OSError):
                client.close()
