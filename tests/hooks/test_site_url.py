"""hooks/site_url.py: a deploy build needs the site's real public URL; other builds need none."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hooks.site_url import check, deploy_requested, deploy_url_problem

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("value, expected", [
    (None, False), ("", False), ("0", False), ("false", False), ("No", False),
    ("1", True), ("true", True), (" YES ", True),
])
def test_deploy_flag(value, expected):
    assert deploy_requested({} if value is None else {"DEPLOY": value}) is expected


def test_an_unknown_deploy_flag_is_an_error_naming_it():
    with pytest.raises(ValueError, match="DEPLOY.*'maybe'"):
        deploy_requested({"DEPLOY": "maybe"})


@pytest.mark.parametrize("url", [
    "https://owner.github.io/repo/", "https://owner.github.io/repo", "https://docs.example.ai/",
    "http://203.0.113.7:8080/", "http://10.1.2.3/course/",
])
def test_public_urls_are_accepted(url):
    assert deploy_url_problem(url) is None


@pytest.mark.parametrize("url, complaint", [
    (None, "not set"), ("", "not set"),
    ("owner.github.io/repo", "not an http"), ("file:///srv/site/", "not an http"), ("https:///x/", "not an http"),
    ("http://127.0.0.1:8000/", "loopback"), ("http://127.8.9.1/", "loopback"), ("http://[::1]:8000/", "loopback"),
    ("http://0.0.0.0:8000/", "loopback"), ("http://169.254.1.1/", "loopback"),
    ("http://localhost:8000/", "stand-in"), ("http://docs.localhost/", "stand-in"),
    ("https://concept-lab.test/", "stand-in"), ("https://example.org/course/", "stand-in"),
    ("https://site.invalid/", "stand-in"), ("http://LOCALHOST./", "stand-in"),
])
def test_local_missing_and_stand_in_urls_are_refused(url, complaint):
    problem = deploy_url_problem(url)
    assert problem is not None and complaint in problem
    if url:
        assert repr(url) in problem, "the message names the value"


def test_check_only_applies_to_deploy_builds():
    assert check({}) is None
    assert check({"SITE_URL": "http://127.0.0.1:8000/"}) is None  # a local build may name any address
    assert "not set" in check({"DEPLOY": "1"})
    assert "loopback" in check({"DEPLOY": "1", "SITE_URL": "http://127.0.0.1:8000/"})
    assert check({"DEPLOY": "1", "SITE_URL": "https://owner.github.io/repo/"}) is None
    assert "DEPLOY" in check({"DEPLOY": "perhaps"})


def environment(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DEPLOY", "SITE_URL")}
    return env | values


def test_the_deploy_job_check_runs_without_properdocs():
    # .github/workflows/site.yml runs it before any set-up: -S keeps site-packages (ProperDocs) away
    run = lambda **env: subprocess.run([sys.executable, "-S", "-m", "hooks.site_url"], cwd=ROOT,  # noqa: E731
                                       env=environment(**env), capture_output=True, text=True, timeout=30)
    refused = run(DEPLOY="1")
    assert refused.returncode == 1 and "SITE_URL is not set" in refused.stderr
    assert run(DEPLOY="1", SITE_URL="https://owner.github.io/repo/").returncode == 0
    assert run().returncode == 0


def test_a_deploy_build_without_a_site_url_fails_before_building_anything(tmp_path):
    started = time.monotonic()
    build = subprocess.run(
        [str(ROOT / ".venv/bin/properdocs"), "build", "--strict", "-d", str(tmp_path / "site")], cwd=ROOT,
        env=environment(DEPLOY="1", SITE_URL="http://127.0.0.1:8000/"), capture_output=True, text=True, timeout=120)
    assert build.returncode != 0
    assert "deploy build: SITE_URL='http://127.0.0.1:8000/' is a loopback" in build.stderr + build.stdout
    assert not (tmp_path / "site").exists(), "nothing may be built"
    assert time.monotonic() - started < 60


def test_without_site_url_a_build_names_no_address(monkeypatch):
    from properdocs.config import load_config

    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.delenv("DEPLOY", raising=False)
    config = load_config(str(ROOT / "mkdocs.yml"))
    assert config.site_url is None  # MkDocs then writes no canonical links and no sitemap entries
