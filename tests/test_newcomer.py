"""A first release from a fresh repository, as an agent following SKILL.md does it (issue 11).

The skill is installed with the real `skills` CLI into a new project; a small hatchling package is written
there; the agent copies assets/publish.yml and runs the installed preflight by the path SKILL.md gives,
against the local index stand-in. The traps of the issue, in the order a newcomer meets them:
- tagging before the workflow is committed: not ready, and the missing workflow is named;
- the index cannot say whether the project exists: exit 7, and the pending-publisher form is printed anyway;
- committed, tagged, the project absent on the index: READY with the form to fill in.
No flag beyond what SKILL.md names is needed. Skips (never fails) without npx or the npm registry.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, git
from test_skill_install import installed  # noqa: F401  (the module-scoped fixture: the real install)

PYPROJECT = """\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "newcomer-pkg"
version = "0.1.0"
description = "A first package"
readme = "README.md"
requires-python = ">=3.9"
license = "MIT"

[tool.hatch.build.targets.sdist]
exclude = [".claude/", ".agents/", "skills-lock.json"]
"""


@pytest.fixture
def fresh(installed, tmp_path):  # noqa: F811
    """A copy of the project the skill was installed into, with a package written in it, nothing committed."""
    project = tmp_path / "newcomer-pkg"
    shutil.copytree(installed.parent.parent.parent, project, symlinks=True)
    (project / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (project / "README.md").write_text("# newcomer-pkg\n", encoding="utf-8")
    package = project / "src" / "newcomer_pkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text('"""A first package."""\n', encoding="utf-8")
    git(project, "remote", "add", "origin", "https://github.com/newcomer/newcomer-pkg.git")
    return project


def preflight(project, stub, *args):
    """The installed script, called as SKILL.md says: python3 .claude/skills/pypi-ops/scripts/... ."""
    script = project / ".claude" / "skills" / "pypi-ops" / "scripts" / "publish-preflight.py"
    assert script.is_file(), "SKILL.md's path to the installed preflight"
    done = subprocess.run([sys.executable, str(script), "--json", *args, "."], cwd=project, capture_output=True,
                          text=True, timeout=120, env={"PATH": "/usr/bin:/bin", "PYPI_OPS_INDEX_URL": stub.url,
                                                       "HOME": str(project)})
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, {f["check"]: f for f in json.loads(done.stdout)["data"]}, done.stderr


def test_a_newcomer_reaches_a_ready_first_release_without_guessing_a_flag(fresh, stub):
    # Step 2 of SKILL.md, done wrong: the workflow copied, the package committed, the tag made, the workflow
    # left uncommitted. The tag would run nothing.
    workflows = fresh / ".github" / "workflows"
    workflows.mkdir(parents=True)
    git(fresh, "add", "pyproject.toml", "README.md", "src")
    git(fresh, "commit", "-q", "-m", "first package")
    shutil.copy(ROOT / "assets" / "publish.yml", workflows / "publish.yml")
    git(fresh, "tag", "-a", "v0.1.0", "-m", "v0.1.0")
    status, checks, _ = preflight(fresh, stub)
    assert status == 10
    assert checks["release-files"]["status"] == "fail"
    assert ".github/workflows/publish.yml" in checks["release-files"]["detail"]

    # Fixed as the finding says: commit the workflow, move the local tag. The index is down: exit 7, and the
    # form the first release needs is printed all the same.
    git(fresh, "add", ".github/workflows/publish.yml", ".claude", *(["skills-lock.json"] if (
        fresh / "skills-lock.json").exists() else []))
    git(fresh, "commit", "-q", "-m", "publish workflow")
    git(fresh, "tag", "-f", "-a", "v0.1.0", "-m", "v0.1.0")
    stub.fault("status", r"^/", status=503)
    status, checks, report = preflight(fresh, stub)
    assert status == 7
    assert checks["not-on-pypi"]["status"] == "unknown"
    form = checks["first-publish"]
    assert "if this is the first release" in form["detail"]
    for field in ("newcomer-pkg", "newcomer", "publish.yml", "pypi"):
        assert field in form["detail"] + " " + (form.get("fix") or "")
    stub.clear_faults()

    # The project does not exist yet (both APIs answer the index's own 404): READY, with the form.
    status, checks, report = preflight(fresh, stub)
    assert status == 0, json.dumps(checks, indent=1)
    assert checks["not-on-pypi"]["status"] == "pass"
    assert checks["release-files"]["status"] == "pass"
    assert "trusted publishing (OIDC)" in checks["workflow-oidc"]["detail"]
    assert "pending publisher" in checks["first-publish"]["detail"] + (checks["first-publish"].get("fix") or "")
    assert "READY" in report
