"""The Jinja2 environment: autoescape everywhere, gettext, time-zone aware formatting."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from opsuite import clock, resources
from opsuite.labels import label
from opsuite.web import access, i18n, looks

TEMPLATE_DIR = resources.template_dir()


def pager_query(params: Any, page: int, name: str = "page") -> str:
    """The current query string with another page number (in ``name``: a page with two lists
    pages the second by its own parameter, such as ``past_page``)."""
    items = [(k, v) for k, v in params.multi_items() if k != name]
    return urlencode([*items, (name, str(page))])


def build_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        # Escape everything except plain-text email parts (subject.txt, body.txt): there,
        # "O'Connor" must stay O'Connor, and no HTML is ever interpreted.
        autoescape=select_autoescape(
            disabled_extensions=("txt",), default=True, default_for_string=True
        ),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # jinja2.ext.i18n adds this method to the Environment at runtime (Environment.extend).
    env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda s: i18n.gettext(s),
        lambda s, p, n: i18n.translations(i18n.current_locale()).ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: i18n.pgettext(c, s),
    )
    env.filters["datetime"] = i18n.format_datetime
    env.filters["date"] = i18n.format_date
    env.filters["weekday_date"] = i18n.format_weekday_date
    env.filters["number"] = i18n.format_number
    env.filters["span"] = i18n.format_span
    env.filters["time"] = i18n.format_time
    env.filters["relative"] = i18n.format_relative
    env.filters["initials"] = looks.initials
    env.filters["tint"] = looks.tint
    env.filters["rrule_words"] = i18n.format_rrule
    env.filters["pager_query"] = pager_query
    env.filters["label"] = label
    env.globals["timezone_choices"] = lambda: i18n.timezone_choices(clock.now())
    env.globals["is_timezone"] = i18n.is_timezone
    env.globals["language_names"] = i18n.LANGUAGE_NAMES
    env.globals["role_labels"] = access.RoleLabels()
    # Templates ask the permission module instead of comparing roles: may(user, "staff").
    env.globals["may"] = access.may
    # A fresh one-time key for each rendered form (see web.submissions).
    env.globals["new_submission_key"] = lambda: secrets.token_urlsafe(24)
    env.globals["current_locale"] = i18n.current_locale
    env.globals["current_timezone"] = i18n.current_timezone
    return env


_templates = Jinja2Templates(env=build_environment())
environment = _templates.env


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HTMLResponse:
    from opsuite.web.context import take_flashes

    ctx = {
        "user": request.state.user,
        "csrf_token": request.state.csrf_token,
        "flashes": take_flashes(request),
        "html_lang": "zh-Hans" if request.state.locale == "zh_Hans" else "en",
        "nav": request.app.state.navigation(request.state.user),
        "settings": request.app.state.settings,
        "draft": getattr(request.state, "draft", None),
        "restored": getattr(request.state, "restored", ""),
        **(context or {}),
    }
    response: HTMLResponse = _templates.TemplateResponse(request, name, ctx, status_code=status)
    return response


def render_string(name: str, context: dict[str, Any]) -> str:
    """Render a template outside a request (emails); call inside i18n.use_locale()."""
    return environment.get_template(name).render(**context)
