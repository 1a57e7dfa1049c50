from __future__ import annotations

import stat

import pytest

from opsuite.settings import (
    SPEC,
    Secret,
    SettingsError,
    build_settings,
    database_url,
    load_settings,
    secret_key,
)


async def test_defaults_build_a_development_configuration():
    settings = build_settings({}, environ={})
    assert settings.server.environment == "development"
    assert settings.server.port == 8000
    assert database_url(settings) == "sqlite://instance/opsuite.sqlite3"


async def test_unknown_section_is_refused_by_name():
    with pytest.raises(SettingsError, match=r"unknown section \[servre\]"):
        build_settings({"servre": {"port": 80}}, environ={})


async def test_unknown_key_names_the_key_and_what_the_section_knows():
    with pytest.raises(SettingsError) as caught:
        build_settings({"mail": {"hostname": "smtp.example.org"}}, environ={})
    assert "mail.hostname" in str(caught.value)
    assert "host" in str(caught.value)


async def test_wrong_type_names_the_key_and_the_expected_kind():
    with pytest.raises(SettingsError, match=r"server\.port .*whole number"):
        build_settings({"server": {"port": "eighty"}}, environ={})


async def test_environment_wins_over_the_file():
    settings = build_settings(
        {"server": {"port": 9000}, "mail": {"host": "file.example.org"}},
        environ={"OPSUITE_SERVER_PORT": "9100", "OPSUITE_MAIL_HOST": "env.example.org"},
    )
    assert settings.server.port == 9100
    assert settings.mail.host == "env.example.org"


async def test_environment_lists_and_booleans_are_parsed():
    settings = build_settings(
        {},
        environ={
            "OPSUITE_SERVER_TRUSTED_PROXIES": "10.0.0.1, 10.0.0.2",
            "OPSUITE_SCHEDULER_ENABLED": "no",
        },
    )
    assert settings.server.trusted_proxies == ("10.0.0.1", "10.0.0.2")
    assert settings.scheduler.enabled is False


async def test_bad_environment_value_names_the_variable():
    with pytest.raises(SettingsError) as caught:
        build_settings({}, environ={"OPSUITE_SCHEDULER_ENABLED": "maybe"})
    assert "OPSUITE_SCHEDULER_ENABLED" in str(caught.value)
    assert "true or false" in str(caught.value)


async def test_misspelt_environment_variable_is_refused():
    with pytest.raises(SettingsError, match="OPSUITE_MAIL_HOSTNAME"):
        build_settings({}, environ={"OPSUITE_MAIL_HOSTNAME": "smtp.example.org"})


async def test_production_without_secret_key_is_refused():
    with pytest.raises(SettingsError, match=r"security\.secret_key"):
        build_settings({"server": {"environment": "production"}}, environ={})


async def test_production_with_a_long_secret_key_starts():
    settings = build_settings(
        {"server": {"environment": "production"}},
        environ={"OPSUITE_SECURITY_SECRET_KEY": "k" * 40},
    )
    assert settings.is_production


async def test_short_secret_key_is_refused():
    with pytest.raises(SettingsError, match="at least 32"):
        build_settings({"security": {"secret_key": "short"}}, environ={})


async def test_unknown_time_zone_is_refused():
    with pytest.raises(SettingsError, match=r"i18n\.default_timezone.*IANA"):
        build_settings({"i18n": {"default_timezone": "Asia/Atlantis"}}, environ={})


async def test_unknown_locale_is_refused():
    with pytest.raises(SettingsError, match=r"i18n\.default_locale"):
        build_settings({"i18n": {"default_locale": "fr"}}, environ={})


async def test_secret_hides_its_value_in_repr_and_str():
    settings = build_settings({"mail": {"password": "hunter2-hunter2"}}, environ={})
    assert "hunter2" not in repr(settings)
    assert "hunter2" not in str(settings.mail.password)
    assert settings.mail.password.reveal() == "hunter2-hunter2"
    assert Secret("a") == Secret("a")


async def test_development_secret_key_is_generated_once_and_reused(tmp_path):
    settings = build_settings({"server": {"instance_path": str(tmp_path / "inst")}}, environ={})
    first = secret_key(settings)
    second = secret_key(settings)
    assert first == second
    assert len(first) >= 32
    key_file = tmp_path / "inst" / "secret_key"
    assert key_file.read_text() == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


async def test_load_settings_reads_the_file_and_names_it_in_errors(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('[server]\nport = 8123\n[mail]\nhost = "smtp.example.org"\n')
    settings = load_settings(path, environ={})
    assert settings.server.port == 8123
    assert settings.mail.host == "smtp.example.org"
    path.write_text("[server]\nport = -1\n")
    with pytest.raises(SettingsError, match=r"settings\.toml"):
        load_settings(path, environ={})


async def test_invalid_toml_is_reported_not_raised(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text("[server\nport = 1\n")
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings(path, environ={})


async def test_every_option_has_help_and_a_valid_default():
    for option in SPEC:
        assert option.help.strip(), option.name
        assert option.env == f"OPSUITE_{option.section.upper()}_{option.key.upper()}"
    build_settings({}, environ={})  # every default passes its own validation
