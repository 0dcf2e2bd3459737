"""Shared fixtures: the HTTP stand-in, script runners (current, oldest and newest Python), git repos."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from stubs import StubServer

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SCRIPT_NAMES = sorted(path.name for path in SCRIPTS.glob("*.py"))


def _pythons():
    """(id, path or None): this interpreter, plus the oldest and newest the machine has.

    `make test` builds `.venv-py3.9` and `.venv-py3.13` (with the runtime libraries) from pyenv's
    interpreters when they exist; a missing one makes its tests skip with the reason."""
    found = [("current", sys.executable)]
    for version in ("3.9", "3.13"):
        candidate = ROOT / f".venv-py{version}" / "bin" / "python"
        found.append((f"py{version}", str(candidate) if candidate.exists() else None))
    return found


PYTHONS = _pythons()


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str

    @property
    def json(self):
        return json.loads(self.stdout)


def run_script(name, *args, python=None, env=None, cwd=None, stdin=None, timeout=120):
    """Run scripts/<name> as a user would: a real interpreter in a real process."""
    script = SCRIPTS / (name if name.endswith(".py") else f"{name}.py")
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("PYPI_OPS_INDEX_URL", "GITHUB_API_URL", "GITHUB_TOKEN", "GH_TOKEN", "PYPI_OPS_DEBUG")}
    environment.update(env or {})
    done = subprocess.run([python or sys.executable, str(script), *map(str, args)], capture_output=True,
                          env=environment, cwd=cwd, input=stdin, timeout=timeout,
                          text=not isinstance(stdin, bytes))
    stdout, stderr = done.stdout, done.stderr
    if isinstance(stdout, bytes):
        stdout, stderr = stdout.decode("utf-8", "replace"), stderr.decode("utf-8", "replace")
    return Result(done.returncode, stdout, stderr)


@pytest.fixture
def stub():
    """A fresh stand-in for PyPI and the GitHub API on 127.0.0.1."""
    with StubServer() as server:
        yield server


@pytest.fixture(params=[path for _, path in PYTHONS], ids=[name for name, _ in PYTHONS])
def python(request):
    """Each interpreter the CLI tests run under (this one, plus pyenv's oldest and newest when built)."""
    if request.param is None:
        pytest.skip("interpreter not on this machine (make test builds .venv-py3.9/.venv-py3.13 from pyenv)")
    return request.param


def git(cwd, *args, env=None):
    environment = dict(os.environ, GIT_AUTHOR_NAME="Test", GIT_AUTHOR_EMAIL="test@example.invalid",
                       GIT_COMMITTER_NAME="Test", GIT_COMMITTER_EMAIL="test@example.invalid",
                       GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1", **(env or {}))
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=environment)
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed: {done.stderr}")
    return done.stdout.strip()


@pytest.fixture
def git_repo(tmp_path):
    """Factory: copy a directory (or start empty) into a fresh git repo with one commit."""

    def make(source=None, name="repo", remote="https://github.com/octo-org/demo-package.git"):
        target = tmp_path / name
        if source is not None:
            shutil.copytree(source, target)
        else:
            target.mkdir()
        git(target, "init", "-q", "-b", "main")
        if remote:
            git(target, "remote", "add", "origin", remote)
        git(target, "add", "-A")
        git(target, "commit", "-q", "--allow-empty", "-m", "initial")
        return target

    return make
