"""The skill installs for real with the `skills` CLI from npm, and its scripts run from there.

`npx skills add CHECKOUT --skill pypi-ops -a claude-code -y` copies the skill into a temporary
project, as an agent's user would; then every installed script answers `--help` through python3
from the installed location. The CLI needs Node 22.20 or newer: when the machine's Node is older,
Node 22 comes from npm (the `node` package) into `.cache/`. No npm or no registry: skip, never fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT
from npm_cache import SKILLS_CLI, node_22_path

NETWORK_ERRORS = ("ENOTFOUND", "ETIMEDOUT", "EAI_AGAIN", "ECONNREFUSED", "ECONNRESET", "ENETUNREACH",
                  "network request", "code E404", "FetchError")


def clean_checkout(target):
    """The repository as a fresh clone would have it: tracked and unignored files, no caches or venvs."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.split("\0")
    for relative in filter(None, listed):
        if relative.split("/")[0] in (".cache", ".venv", ".venv-py3.9", ".venv-py3.13", "node_modules"):
            continue
        source = ROOT / relative
        if source.is_file() and not source.is_symlink():
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / relative)
    return target


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    if shutil.which("npx") is None:
        pytest.skip("npx is not installed on this machine")
    path = node_22_path()  # skips with the reason when Node 22 cannot be had
    checkout = clean_checkout(tmp_path_factory.mktemp("checkout") / "pypi-ops")
    project = tmp_path_factory.mktemp("project")
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    environment = dict(os.environ, PATH=path, CI="1", DO_NOT_TRACK="1", DISABLE_TELEMETRY="1",
                       npm_config_update_notifier="false", npm_config_fetch_retries="1")
    try:
        done = subprocess.run(["npx", "--yes", SKILLS_CLI, "add", str(checkout), "--skill", "pypi-ops",
                               "-a", "claude-code", "-y"], cwd=project, env=environment, capture_output=True,
                              text=True, timeout=300, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pytest.skip("npx skills add timed out (npm registry unreachable?)")
    output = done.stdout + done.stderr
    if done.returncode != 0 and any(marker in output for marker in NETWORK_ERRORS):
        pytest.skip(f"npx could not fetch {SKILLS_CLI}: {output.strip().splitlines()[-1:]}")
    assert done.returncode == 0, output
    found = sorted(project.rglob("pypi-ops/SKILL.md"))
    assert found, f"no SKILL.md installed under {project}:\n{output}"
    return found[0].parent


def test_the_skill_is_installed_whole(installed):
    assert (installed / "SKILL.md").read_bytes() == (ROOT / "SKILL.md").read_bytes()
    for relative in ("assets/publish.yml", "assets/publish-testpypi.yml", "references/trusted-publishing.md",
                     "references/uv-publish.md", "references/cli-contract.md"):
        assert (installed / relative).is_file(), relative
    shipped = sorted(p.name for p in (ROOT / "scripts").glob("*.py"))
    assert sorted(p.name for p in (installed / "scripts").glob("*.py")) == shipped


@pytest.mark.parametrize("script", sorted(p.name for p in (ROOT / "scripts").glob("*.py")))
def test_each_installed_script_answers_help_through_python3(installed, script):
    python3 = shutil.which("python3") or sys.executable
    done = subprocess.run([python3, str(installed / "scripts" / script), "--help"], cwd=installed.parent.parent,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Usage:" in done.stdout and "Exit codes:" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
