"""Production installs the runtime only: requirements.lock holds no test tool, requirements-test.lock adds them,
and every dependency of pyproject.toml is pinned where it belongs."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST_TOOLS = {"pytest", "pytest-django", "pytest-playwright", "playwright", "pypdf", "ruff", "time-machine", "vulture"}


def pins(name: str) -> dict[str, str]:
    found = {}
    for line in (ROOT / name).read_text().splitlines():
        if line and not line.startswith(("#", "-r")):
            package, _, version = line.partition("==")
            found[package.lower()] = version
    return found


def declared(group: list[str]) -> set[str]:
    return {re.split(r"[\[<>=!~ ]", requirement, maxsplit=1)[0].lower() for requirement in group}


def test_runtime_lock_has_no_test_tools_and_pins_every_runtime_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = pins("requirements.lock")
    assert not TEST_TOOLS & set(runtime)
    assert declared(project["dependencies"]) <= set(runtime)
    assert {"django-axes", "django-csp", "gunicorn", "psycopg"} <= set(runtime)


def test_test_lock_adds_the_test_tools_on_top_of_the_runtime_lock():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    text = (ROOT / "requirements-test.lock").read_text()
    assert "-r requirements.lock" in text.splitlines()
    tests = pins("requirements-test.lock")
    assert declared(project["optional-dependencies"]["test"]) <= set(tests)
    assert not set(tests) & set(pins("requirements.lock"))  # each pin in one file only


def test_dev_run_installs_the_runtime_lock_and_dev_test_the_test_lock():
    script = (ROOT / "dev").read_text()
    run = script[script.index("  run)") : script.index("  test)")]
    test = script[script.index("  test)") :]
    assert "setup_venv requirements.lock" in run and "setup_venv requirements-test.lock" in test
