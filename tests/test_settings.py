"""Settings come from EXPORTCHECK_* variables in one place; bad values are one-line ConfigErrors."""

from __future__ import annotations

from pathlib import Path

import pytest

from exportcheck.errors import ConfigError
from exportcheck.settings import env_key, get_settings


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("EXPORTCHECK_") and name != "EXPORTCHECK_SHARED":
            monkeypatch.delenv(name)


def test_defaults_are_safe_for_real_downloads(tmp_path):
    s = get_settings(tmp_path)
    assert s.lists_dir == tmp_path
    assert (s.connect_timeout, s.read_timeout, s.retries, s.backoff) == (10.0, 60.0, 3, 1.0)
    assert s.max_download_bytes == 512 * 1024 * 1024 and s.mirror is None and s.url_overrides == {}


def test_environment_overrides_every_network_setting(monkeypatch, tmp_path):
    for name, value in {"CONNECT_TIMEOUT": "1.5", "READ_TIMEOUT": "2.5", "RETRIES": "7", "BACKOFF": "0.25",
                        "MAX_RETRY_AFTER": "9", "MAX_DOWNLOAD_BYTES": "1234", "MIRROR": "http://m.example/",
                        "LISTS_DIR": str(tmp_path / "env")}.items():
        monkeypatch.setenv(f"EXPORTCHECK_{name}", value)
    s = get_settings()
    assert (s.connect_timeout, s.read_timeout, s.retries, s.backoff, s.max_retry_after) == (1.5, 2.5, 7, 0.25, 9.0)
    assert s.max_download_bytes == 1234 and s.mirror == "http://m.example/"
    assert s.lists_dir == tmp_path / "env"
    assert get_settings(tmp_path / "arg").lists_dir == tmp_path / "arg", "an explicit folder wins over the env"


def test_default_lists_dir_is_the_checkouts(monkeypatch):
    from exportcheck.settings import CHECKOUT_ROOT

    assert get_settings().lists_dir == Path(CHECKOUT_ROOT) / "lists"


@pytest.mark.parametrize(("name", "value", "message"), [
    ("EXPORTCHECK_RETRIES", "3.5", "is not a whole number"),
    ("EXPORTCHECK_READ_TIMEOUT", "soon", "is not a number"),
])
def test_bad_values_are_config_errors(monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=f"{name}='{value}' {message}"):
        get_settings()


def test_official_url_override(monkeypatch):
    assert env_key("us-csl") == "EXPORTCHECK_URL_US_CSL"
    monkeypatch.setenv("EXPORTCHECK_URL_US_CSL", "http://127.0.0.1:9/c.csv")
    monkeypatch.setenv("EXPORTCHECK_URL_US_OFAC_SDN", "http://h/sdn.csv http://h/add.csv")
    s = get_settings()
    assert s.official_urls("us-csl", ["https://data.trade.gov/x.csv"]) == ["http://127.0.0.1:9/c.csv"]
    assert s.official_urls("un-sc", ["https://un.org/x.xml"]) == ["https://un.org/x.xml"]
    assert s.official_urls("us-ofac-sdn", ["a", "b"]) == ["http://h/sdn.csv", "http://h/add.csv"]
    with pytest.raises(ConfigError, match="EXPORTCHECK_URL_US_OFAC_SDN has 2 URL"):
        s.official_urls("us-ofac-sdn", ["a", "b", "c"])
