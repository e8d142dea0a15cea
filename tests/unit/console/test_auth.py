"""Agent passwords, the agent list, session cookies and `python -m bot hash-password`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.console.auth import (
    AgentConfigError,
    AgentDirectory,
    SessionSigner,
    hash_password,
    load_agents,
    parse_agents,
    verify_password,
)
from bot.console.secret import MIN_SECRET_LENGTH, WeakSecret, shared_secret
from bot.handoff.delivery import rasa_api_token
from bot.settings import PROJECT_ROOT, Settings


def test_passwords_are_salted_and_verified() -> None:
    first, second = hash_password("s3cret-pass"), hash_password("s3cret-pass")
    assert first != second and "s3cret" not in first
    assert verify_password("s3cret-pass", first) and verify_password("s3cret-pass", second)
    assert not verify_password("wrong", first)
    assert not verify_password("s3cret-pass", "not a hash")
    assert not verify_password("s3cret-pass", "md5$abc$def$1$x$y")


def test_agents_come_inline_or_from_a_file(tmp_path: Path) -> None:
    alice, bob = hash_password("alice-pass"), hash_password("bob-pass")
    assert parse_agents(f"alice:{alice}, bob:{bob}") == {"alice": alice, "bob": bob}
    listing = tmp_path / "agents"
    listing.write_text(f"# the shop's agents\nalice:{alice}\n\nbob:{bob}\n", encoding="utf-8")
    assert load_agents(str(listing)) == {"alice": alice, "bob": bob}
    assert load_agents("") == {}
    with pytest.raises(AgentConfigError):
        load_agents(str(tmp_path / "missing"))
    with pytest.raises(AgentConfigError):
        parse_agents("alice:plain-text-password")


def test_directory_authenticates_only_known_agents_with_their_password() -> None:
    directory = AgentDirectory({"alice": hash_password("alice-pass")})
    assert directory.authenticate("alice", "alice-pass") == "alice"
    assert directory.authenticate("alice", "bob-pass") is None
    assert directory.authenticate("mallory", "alice-pass") is None
    assert "alice" in directory and "mallory" not in directory


def test_sessions_are_signed_and_expire() -> None:
    signer = SessionSigner("secret", max_age=3600)
    token = signer.issue("alice", now=1000.0)
    assert signer.agent(token, now=1000.0 + 3599) == "alice"
    assert signer.agent(token, now=1000.0 + 3601) is None
    assert SessionSigner("another secret").agent(token, now=1000.0) is None
    payload, _, signature = token.partition(".")
    forged = SessionSigner("x").issue("bob", now=1000.0).partition(".")[0] + "." + signature
    assert signer.agent(forged, now=1000.0) is None
    assert signer.agent(payload, now=1000.0) is None and signer.agent(None, now=1000.0) is None


def test_hash_password_command_prints_an_agent_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "hash-password", "--agent", "alice"],
        input="long-enough-pw\n",
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    name, _, hashed = result.stdout.strip().partition(":")
    assert name == "alice" and verify_password("long-enough-pw", hashed)
    short = subprocess.run(
        [sys.executable, "-m", "bot", "hash-password"],
        input="short\n",
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=120,
    )
    assert short.returncode == 2


def test_rasa_api_token_command_derives_the_token_from_the_secret() -> None:
    env = {**os.environ, "CONSOLE_SECRET": "a shared secret for tests"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "rasa-api-token"],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    assert token == rasa_api_token("a shared secret for tests") != rasa_api_token("another secret")
    assert "a shared secret for tests" not in token


def test_the_secret_file_is_made_once_and_an_empty_one_is_replaced(tmp_path: Path) -> None:
    settings = Settings(console_secret=None)
    path = tmp_path / ".run" / "console_secret"
    first = shared_secret(settings, path)
    assert len(first) >= MIN_SECRET_LENGTH and shared_secret(settings, path) == first
    assert path.stat().st_mode & 0o077 == 0  # readable by the owner only
    path.write_text("\n")  # a touched or half-written file must not become a guessable key
    replaced = shared_secret(settings, path)
    assert len(replaced) >= MIN_SECRET_LENGTH and replaced != first


def test_a_short_console_secret_is_refused() -> None:
    with pytest.raises(WeakSecret):
        shared_secret(Settings(console_secret="short"))
