"""Where the console and the runner reach the servers they started."""

from __future__ import annotations

import pytest

from bot.settings import Settings, probe_host


@pytest.mark.parametrize(
    "bound_to, reached_at",
    [
        ("127.0.0.1", "127.0.0.1"),
        ("0.0.0.0", "127.0.0.1"),
        ("::", "127.0.0.1"),
        ("", "127.0.0.1"),
        ("192.168.1.20", "192.168.1.20"),
        ("::1", "[::1]"),
    ],
)
def test_probe_host(bound_to: str, reached_at: str) -> None:
    assert probe_host(bound_to) == reached_at


def test_the_console_reaches_rasa_where_it_listens() -> None:
    assert Settings(rasa_host="192.168.1.20", rasa_port=5005).rasa_url == "http://192.168.1.20:5005"
