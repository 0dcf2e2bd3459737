"""publish-preflight on real-world repository shapes it was not written against.

Each case in tests/fixtures/preflight/real/cases.toml rebuilds the version-relevant files of a public project
(hatchling, hatch-vcs, setuptools-scm, setuptools attr/file, flit, pdm-backend, poetry 1/2, maturin,
scikit-build-core, meson-python, setup.cfg/setup.py-only, monorepos) in a real git repository with real tags,
runs the script with --offline --json and checks the verdicts. A subset also runs --build: it must agree with
the offline verdict where the backend is installed, and say `unknown` (never pass) where it is not."""

from __future__ import annotations

import shutil
import sys

import pytest
from packaging.utils import parse_sdist_filename, parse_wheel_filename

from conftest import git
from preflight_support import PREFLIGHT_FIXTURES, by_check, preflight, tree_digest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the dev venv is 3.11+
    import tomli as tomllib

REAL = PREFLIGHT_FIXTURES / "real"
CASES = tomllib.loads((REAL / "cases.toml").read_text(encoding="utf-8"))["cases"]
BUILD_CASES = sorted(name for name, case in CASES.items() if case.get("build"))


def make_repo(name, tmp_path):
    """A git repository holding the case's files, committed, tagged and dirtied as the case says."""
    case = CASES[name]
    repo = tmp_path / name
    shutil.copytree(REAL / case.get("fixture", name), repo)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "remote", "add", "origin", "https://github.com/octo-org/real-case.git")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "release")
    for tag in case.get("tags", []):
        git(repo, "tag", "-a", tag, "-m", tag)
    for number in range(case.get("commits_after", 0)):
        git(repo, "commit", "-q", "--allow-empty", "-m", f"work {number}")
    if case.get("dirty"):
        with open(repo / case["dirty"], "a", encoding="utf-8") as handle:
            handle.write("\nchanged\n")
    return repo, repo / case["run"] if case.get("run") else repo


def statuses(result):
    return {check: item["status"] for check, item in by_check(result).items()}


@pytest.mark.parametrize("name", sorted(CASES))
def test_real_case_offline(name, tmp_path):
    case = CASES[name]
    _, path = make_repo(name, tmp_path)
    result = preflight("--offline", "--json", "-q", path)
    assert result.stderr == "" and result.stdout, result.stderr
    found = statuses(result)
    details = {check: item["detail"] for check, item in by_check(result).items()}
    wrong = {check: (found.get(check), want, details.get(check)) for check, want in case["expect"].items()
             if found.get(check) != want}
    assert not wrong, f"{name} ({case['source']}): {wrong}"
    assert result.returncode == case["exit"], (name, result.returncode, found, details)
    assert result.json["meta"]["ready"] is (case["exit"] == 0)
    if "version" in case:
        assert result.json["meta"]["version"] == (case["version"] or None), details["pyproject-version"]
    # Whatever the verdict, never a pass next to a version nobody could compute.
    if found["pyproject-version"] == "unknown":
        assert result.returncode != 0 and found["init-version"] != "fail" and found["lock-version"] != "fail"


def built_versions(detail):
    """Versions in the filenames the build check lists (`a-1.0.tar.gz, a-1.0-py3-none-any.whl built with ...`)."""
    names = detail.split(" built with ")[0].split(", ")
    versions = set()
    for filename in names:
        if filename.endswith(".whl"):
            versions.add(str(parse_wheel_filename(filename)[1]))
        elif filename.endswith(".tar.gz"):
            versions.add(str(parse_sdist_filename(filename)[1]))
    return versions


@pytest.mark.parametrize("name", BUILD_CASES)
def test_real_case_build_agrees(name, tmp_path):
    """--build: a real build where the backend is installed (its version agrees with the offline verdict);
    `unknown` with the reason where it is not; the repository stays byte-identical."""
    case = CASES[name]
    repo, path = make_repo(name, tmp_path)
    before = tree_digest(repo)
    offline = preflight("--offline", "--json", "-q", path)
    result = preflight("--offline", "--build", "--json", "-q", path)
    assert tree_digest(repo) == before
    build = by_check(result)["build"]
    assert build["status"] == case["build_expect"], (name, build)
    if build["status"] == "unknown":
        assert "not installed" in build["detail"] and result.returncode in (7, 10)
        assert result.json["meta"]["ready"] is False
        return
    if build["status"] == "pass":
        versions = built_versions(build["detail"])
        assert len(versions) == 1, build
        offline_version = offline.json["meta"]["version"]
        if offline_version is not None and statuses(offline)["pyproject-version"] == "pass":
            assert versions == {str(__import__("packaging.version").version.Version(offline_version))}, build
        if statuses(offline)["pyproject-version"] == "unknown":  # the wheel makes it known
            assert result.json["meta"]["version"] in versions
        assert (result.returncode == 0) is (offline.returncode == 0 or statuses(offline)["pyproject-version"]
                                            == "unknown" and statuses(result)["pyproject-version"] == "pass")
    if build["status"] == "fail":
        assert result.returncode == 10


@pytest.mark.parametrize("name", ["dateutil-setup-cfg", "maturin-workspace-version", "pdm-backend-scm",
                                  "monorepo-uv-workspace-core"])
def test_real_case_verdict_on_each_python(name, python, tmp_path):
    """The same verdict under the oldest and newest supported interpreters (tomli vs tomllib, ast changes)."""
    case = CASES[name]
    _, path = make_repo(name, tmp_path)
    result = preflight("--offline", "--json", "-q", path, python=python)
    assert result.returncode == case["exit"], result.stderr
    found = statuses(result)
    assert {check: found[check] for check in case["expect"]} == case["expect"]
