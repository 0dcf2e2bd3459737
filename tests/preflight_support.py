"""Helpers shared by the tests/test_publish_preflight*.py modules (projects on disk, runs, tree hashes)."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import textwrap
from pathlib import Path

from conftest import FIXTURES, ROOT, git, run_script

SCRIPT = "publish-preflight"
PREFLIGHT_FIXTURES = FIXTURES / "preflight"
WORKFLOWS = PREFLIGHT_FIXTURES / "workflows"
PUBLISH_YML = ROOT / "assets" / "publish.yml"
DEMO = ROOT / "examples" / "demo-package"
CHECK_IDS = ["name", "pyproject-version", "init-version", "lock-version", "not-on-pypi", "version-order",
             "first-publish", "publisher-continuity", "git-tag", "git-clean", "release-files", "workflow-oidc",
             "build", "dist-contents", "upload-reader", "dist-stale"]


def write_project(target, pyproject, files=None, workflow=None):
    """A project directory: pyproject.toml (dedented), extra files {relative path: text}, a workflow file."""
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    (target / "pyproject.toml").write_text(textwrap.dedent(pyproject).lstrip(), encoding="utf-8")
    for relative, text in (files or {}).items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip() if isinstance(text, str) else "", encoding="utf-8")
    if workflow is not None:
        directory = target / ".github" / "workflows"
        directory.mkdir(parents=True, exist_ok=True)
        source = Path(workflow) if Path(workflow).is_absolute() else WORKFLOWS / workflow
        shutil.copy(source, directory / (source.name if source != PUBLISH_YML else "publish.yml"))
    return target


def static_project(target, name="demo-pkg", version="1.2.3", init_version=None, extra="", workflow=PUBLISH_YML):
    module = name.replace("-", "_")
    return write_project(target, f"""
        [build-system]
        requires = ["hatchling"]
        build-backend = "hatchling.build"

        [project]
        name = "{name}"
        version = "{version}"
        {extra}
        """, {f"src/{module}/__init__.py": f'__version__ = "{init_version or version}"\n'}, workflow)


def commit_all(repo, message="release", tag=None, annotated=True):
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)
    if tag:
        if annotated:
            git(repo, "tag", "-a", tag, "-m", tag)
        else:
            git(repo, "tag", tag)


def init_repo(path, remote="https://github.com/octo-org/demo-pkg.git", tag=None):
    git(path, "init", "-q", "-b", "main")
    if remote:
        git(path, "remote", "add", "origin", remote)
    commit_all(path, "initial", tag)
    return path


def preflight(*args, **kwargs):
    return run_script(SCRIPT, *args, **kwargs)


def by_check(result):
    """{check id: finding} from a --json run."""
    return {item["check"]: item for item in result.json["data"]}


def tree_digest(path):
    """One hash over every file (names, modes, bytes) below path, .git included."""
    digest = hashlib.sha256()
    for directory, subdirs, files in os.walk(path):
        subdirs.sort()
        for name in sorted(files) + sorted(s for s in subdirs if os.path.islink(os.path.join(directory, s))):
            full = os.path.join(directory, name)
            digest.update(os.path.relpath(full, path).encode())
            digest.update(str(os.lstat(full).st_mode).encode())
            if os.path.islink(full):
                digest.update(os.readlink(full).encode())
            else:
                digest.update(Path(full).read_bytes())
    return digest.hexdigest()


def load_script_module():
    """Import scripts/publish-preflight.py by path (for fuzzing its pure reader functions in-process)."""
    spec = importlib.util.spec_from_file_location("publish_preflight_under_test",
                                                  ROOT / "scripts" / "publish-preflight.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
