"""publish-preflight.py: audit findings run for real: --build without a build frontend is exit 5, a workflow file
GitHub cannot parse fails workflow-oidc, a BOM in pyproject.toml is named, and first-publish lists every
publishing job and names the one the pending publisher must name."""

from __future__ import annotations

import os
import textwrap

import pytest

from conftest import PYTHONS, run_script
from preflight_support import DEMO, by_check, init_repo, preflight, static_project

SHA = "76f52bc884231f62b9a034ebfe128415bbaabdfc"  # any 40-hex ref: these workflows are only read, never run
PY313 = dict(PYTHONS).get("py3.13")


def workflow(directory, filename, triggers, job, environment, url=None):
    inputs = f"\n        with:\n          repository-url: {url}" if url else ""
    path = directory / ".github" / "workflows" / filename
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(f"""\
        name: {filename}
        on: {triggers}
        jobs:
          {job}:
            runs-on: ubuntu-latest
            environment: {environment}
            permissions:
              id-token: write
            steps:
              - uses: pypa/gh-action-pypi-publish@{SHA}""") + inputs + "\n", encoding="utf-8")


# ----------------------------------------------------------------------------- 1. --build without build or uv

@pytest.mark.skipif(PY313 is None, reason=".venv-py3.13 (runtime libraries only) is not on this machine")
@pytest.mark.parametrize("offline", [False, True])
def test_build_without_a_frontend_is_a_missing_dependency(tmp_path, offline):
    import shutil
    project = tmp_path / "demo"
    shutil.copytree(DEMO, project)
    result = preflight(*(["--offline"] if offline else []), "--build", "--json", project, python=PY313,
                       env={"PATH": "/usr/bin:/bin"})
    assert not os.path.exists("/usr/bin/uv") and not os.path.exists("/bin/uv")
    assert result.returncode == 5, result.stdout + result.stderr
    assert result.json["error"]["code"] == "missing-dependency"
    assert "python3 -m pip install build" in result.stderr and "Traceback" not in result.stderr


# ----------------------------------------------------------------------------- 2. workflow files GitHub refuses

@pytest.mark.parametrize("beside_a_good_publish_workflow, status, exit_code", [(True, "warn", 0), (False, "fail", 10)])
def test_a_tab_indented_workflow_is_named_with_file_line_and_column(tmp_path, beside_a_good_publish_workflow,
                                                                    status, exit_code):
    """It fails when it may be the publishing workflow (here: nothing else publishes), else it warns."""
    repo = static_project(tmp_path / "p", **({} if beside_a_good_publish_workflow else {"workflow": None}))
    (repo / ".github" / "workflows").mkdir(parents=True, exist_ok=True)
    (repo / ".github" / "workflows" / "lint.yml").write_text(
        "name: lint\non: push\njobs:\n  lint:\n\truns-on: ubuntu-latest\n", encoding="utf-8")
    init_repo(repo)
    result = preflight("--offline", "--json", repo)
    finding = by_check(result)["workflow-oidc"]
    assert finding["status"] == status and result.returncode == exit_code, finding
    assert "lint.yml" in finding["detail"] and "line 5, column 1" in finding["fix"] and "tabs" in finding["fix"]
    if status == "fail":
        assert ".github/workflows/lint.yml:5:1: not valid YAML" in finding["detail"]


@pytest.mark.parametrize("text", ["- just\n- a list\n", "name: no jobs\non: push\n", ""])
def test_a_workflow_that_is_not_a_mapping_with_jobs_is_named(tmp_path, text):
    repo = static_project(tmp_path / "p")
    (repo / ".github" / "workflows" / "odd.yml").write_text(text, encoding="utf-8")
    finding = by_check(preflight("--offline", "--json", init_repo(repo)))["workflow-oidc"]
    assert finding["status"] == "warn" and "odd.yml does not parse (not a workflow" in finding["detail"]


# ----------------------------------------------------------------------------- 3. a byte-order mark

def test_a_bom_in_pyproject_is_named(tmp_path):
    (tmp_path / "pyproject.toml").write_bytes(b'\xef\xbb\xbf[project]\nname = "x"\nversion = "1.0"\n')
    result = preflight("--offline", tmp_path)
    assert result.returncode == 3
    assert "starts with a UTF-8 byte-order mark" in result.stderr and "without a BOM" in result.stderr
    verify = run_script("verify-release", "--json", tmp_path)
    assert verify.returncode == 3 and "byte-order mark" in verify.stderr


# ----------------------------------------------------------------------------- 4. several publishing jobs

def test_first_publish_lists_every_candidate_and_names_the_release_tag_one(tmp_path, stub):
    repo = static_project(tmp_path / "p", workflow=None)
    workflow(repo, "release.yml", "{push: {tags: ['v*']}}", "pypi-publish", "pypi")
    workflow(repo, "nightly.yml", "{schedule: [{cron: '0 3 * * *'}]}", "nightly", "nightly")
    workflow(repo, "test.yml", "{push: {branches: [main]}}", "testpypi", "testpypi",
             url="https://test.pypi.org/legacy/")
    init_repo(repo)
    finding = by_check(preflight("--json", "--index-url", stub.url, repo))["first-publish"]
    assert finding["status"] == "warn"  # a new project on the stand-in
    detail = finding["detail"]
    assert "release.yml (environment pypi" in detail and "nightly.yml (environment nightly" in detail
    assert "test.yml" not in detail  # aimed only at TestPyPI
    assert "must name release.yml" in detail
    assert "Workflow name: release.yml; Environment name: pypi" in finding["fix"]
    testpypi = by_check(preflight("--offline", "--testpypi", "--json", repo))["first-publish"]
    assert "Workflow name: test.yml; Environment name: testpypi" in testpypi["detail"]
    assert "release.yml" not in testpypi["detail"]


def test_first_publish_warns_when_the_release_job_cannot_be_decided(tmp_path):
    repo = static_project(tmp_path / "p", workflow=None)
    workflow(repo, "a.yml", "{push: {tags: ['v*']}}", "one", "pypi")
    workflow(repo, "b.yml", "{release: {types: [published]}}", "two", "release")
    init_repo(repo)
    finding = by_check(preflight("--offline", "--json", repo))["first-publish"]
    assert finding["status"] == "warn" and "is not known" in finding["detail"]
    assert "a.yml (environment pypi" in finding["detail"] and "b.yml (environment release" in finding["detail"]
    assert "Workflow name: <workflow file>.yml" in finding["detail"]

