"""No credentials in the repository: every tracked (and staged) file is scanned; connections come only
from the environment (LINEWATCH_DATABASE_URL, AIRFLOW_CONN_*, the alert webhook's variable)."""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.conftest import ROOT

# Placeholders that documentation may show in a URL's password slot.
PLACEHOLDERS = {"password", "secret", "changeme", "change-me", "xxx", "xxxx", "***", "...", "<password>",
                "pass", "pw", "example"}
PATTERNS = {
    "private key": re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY( BLOCK)?-----"),
    "AWS access key id": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "AWS secret access key": re.compile(r"aws_secret_access_key\s*[=:]\s*['\"]?[A-Za-z0-9/+=]{40}"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token or webhook": re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}|hooks\.slack\.com/services/T[A-Z0-9]+/"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
    "JWT": re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"),
    # An upper-case (environment-style) name holding a literal: KEY=value (env, shell, Dockerfile),
    # KEY: value (YAML, compose) or KEY = "value" (code). Names, references and expressions are not values.
    "secret assignment": re.compile(
        r"""\b[A-Z0-9_]*(?:SECRET|PASSWORD|PASSWD|API_KEY|TOKEN|FERNET_KEY)[A-Z0-9_]*"""
        r"""(?:=|:[ \t]+|[ \t]*=[ \t]*(?=['"]))['"]?(?P<value>(?![/.~])[^\s'"$<>{}()]{8,})"""),
}
URL_PASSWORD = re.compile(r"\b[a-z][a-z0-9+.-]*://(?P<user>[^:/@\s'\"]+):(?P<password>[^@/\s'\"]+)@")


def tracked_files() -> list[str]:
    out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                         capture_output=True, check=True).stdout
    return [p for p in out.decode().split("\0") if p and (ROOT / p).is_file()]


def findings(text: str) -> list[str]:
    found = []
    for name, pattern in PATTERNS.items():
        for match in pattern.finditer(text):
            value = match.groupdict().get("value")
            if value is not None and (value.lower() in PLACEHOLDERS or value.startswith(("os.environ", "env."))):
                continue
            found.append(f"{name}: {match.group(0)[:60]}")
    for match in URL_PASSWORD.finditer(text):
        password = match.group("password")
        if password.lower() not in PLACEHOLDERS and not password.startswith(("$", "{", "%")):
            found.append(f"password in URL: {match.group(0)[:60]}")
    return found


def test_the_scanner_finds_what_it_looks_for():
    planted = ("-----BEGIN RSA PRIVATE KEY-----\nAKIAABCDEFGHIJKLMNOP\n"
               "postgresql://linewatch:hunter2hunter2@db.example:5432/linewatch\n"
               "JWT_SECRET=9f8e7d6c5b4a39281706\nAIRFLOW__API_AUTH__JWT_SECRET: 'Zm9vYmFyYmF6cXV4'\n")
    assert len(findings(planted)) == 5
    assert findings("postgresql://postgres@127.0.0.1:5432/linewatch\npostgresql://user:password@host/db\n"
                    "JWT_SECRET=${JWT_SECRET}\nPASSWORD=os.environ['X']\n") == []


def test_no_credentials_in_the_repository():
    leaks = {}
    for path in tracked_files():
        if path == "tests/security/test_secrets.py":
            continue  # its planted examples above
        data = (ROOT / path).read_bytes()
        if b"\0" in data[:8192]:
            continue  # binary
        found = findings(data.decode("utf-8", errors="replace"))
        if found:
            leaks[path] = found
    assert not leaks, leaks


@pytest.mark.parametrize("name", ["LINEWATCH_DATABASE_URL", "AIRFLOW_CONN_LINEWATCH_POSTGIS"])
def test_connections_come_from_the_environment(name):
    """No module or DAG builds a connection string with credentials: the URLs are read from the environment."""
    sources = [p for p in tracked_files() if p.endswith(".py") and p.startswith(("src/", "dags/", "scripts/"))]
    for path in sources:
        text = (ROOT / path).read_text(encoding="utf-8")
        assert not URL_PASSWORD.search(text), path
    assert any(name in (ROOT / p).read_text(encoding="utf-8") for p in sources + ["Makefile"])
