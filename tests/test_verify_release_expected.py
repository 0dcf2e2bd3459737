"""verify-release.py: name, version and the expected publisher from a real checkout; signatures; the live index."""

from __future__ import annotations

import shutil
import urllib.request

import pytest

from conftest import FIXTURES, PYTHONS, git, run_script
from stubs import attestation_provenance

SCRIPT = "verify-release.py"
VERIFY = FIXTURES / "verify"
NAME, VERSION = "demo-package", "1.0.0"
SDIST, WHEEL = "demo_package-1.0.0.tar.gz", "demo_package-1.0.0-py3-none-any.whl"


def signed(repository="octo-org/demo-package", workflow="publish.yml", environment="pypi"):
    return lambda filename: attestation_provenance(repository, workflow, environment)


def verify(stub, *args, python=None, cwd=None):
    return run_script(SCRIPT, "--json", "--index-url", stub.url, "--offline-provenance", *args, python=python,
                      cwd=cwd)


def by_check(result):
    return {item["check"]: item for item in result.json["data"]}


@pytest.fixture
def checkout(git_repo):
    """A real git repository of the demo project with a GitHub remote and its publishing workflow."""
    return git_repo(VERIFY / "project")


def use_workflow(repo, fixture_name, replace=True):
    workflows = repo / ".github" / "workflows"
    if replace:
        (workflows / "publish.yml").unlink()
    shutil.copy(VERIFY / "workflows" / fixture_name, workflows / fixture_name)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"use {fixture_name}")


# ----------------------------------------------------------------------------- name and version from PATH

def test_name_version_and_expected_publisher_from_the_checkout(stub, checkout, python):
    stub.index.add_release(NAME, VERSION, provenance=signed())
    result = verify(stub, checkout, python=python)
    assert result.returncode == 0, result.stdout + result.stderr
    meta = result.json["meta"]
    assert (meta["name"], meta["version"]) == (NAME, VERSION)
    assert meta["expected"] == {"repository": "octo-org/demo-package", "workflow": "publish.yml",
                                "environment": "pypi", "kind": "GitHub"}
    assert meta["expected_from"]["repository"] == "git remote origin"
    assert meta["expected_from"]["workflow"] == ".github/workflows/publish.yml"
    assert by_check(result)["publisher"]["status"] == "pass"


def test_path_defaults_to_the_current_directory(stub, checkout):
    stub.index.add_release(NAME, VERSION, provenance=signed())
    result = verify(stub, cwd=checkout)
    assert result.returncode == 0, result.stdout
    assert result.json["meta"]["expected"]["workflow"] == "publish.yml"


@pytest.mark.parametrize("attested, field", [
    ({"workflow": "release.yml"}, "workflow"),
    ({"repository": "fork-owner/demo-package"}, "repository"),
    ({"environment": "staging"}, "environment"),
])
def test_checkout_expectations_catch_a_different_publisher(stub, checkout, attested, field):
    stub.index.add_release(NAME, VERSION, provenance=signed(**attested))
    result = verify(stub, checkout)
    assert result.returncode == 10
    assert f"{field} is" in by_check(result)["publisher"]["detail"]


def test_flags_win_over_the_checkout(stub, checkout):
    stub.index.add_release(NAME, VERSION, provenance=signed(workflow="release.yml", environment="release"))
    result = verify(stub, "--workflow", "release.yml", "--environment", "release", checkout)
    assert result.returncode == 0, result.stdout
    assert result.json["meta"]["expected_from"]["workflow"] == "--workflow"


@pytest.mark.parametrize("remote", [
    "git@github.com:octo-org/demo-package.git",
    "ssh://git@github.com/octo-org/demo-package",
    "https://x-access-token:ghs_SECRETtoken1234567890@github.com/octo-org/demo-package.git",
])
def test_remote_url_forms(stub, git_repo, remote):
    repo = git_repo(VERIFY / "project", remote=remote)
    stub.index.add_release(NAME, VERSION, provenance=signed())
    result = verify(stub, repo)
    assert result.returncode == 0, result.stdout
    assert result.json["meta"]["expected"]["repository"] == "octo-org/demo-package"
    assert "SECRET" not in result.stdout + result.stderr


def test_a_remote_that_is_not_github_leaves_the_repository_unexpected(stub, git_repo):
    repo = git_repo(VERIFY / "project", remote="https://gitlab.com/octo-org/demo-package.git")
    stub.index.add_release(NAME, VERSION, provenance=signed(repository="anyone/anything"))
    result = verify(stub, repo)
    assert result.returncode == 0, result.stdout
    meta = result.json["meta"]
    assert "repository" not in meta["expected"] and meta["expected"]["workflow"] == "publish.yml"
    assert any("not a GitHub repository" in note for note in meta["notes"])


def test_no_git_repository_at_all(stub, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(VERIFY / "project", project)
    stub.index.add_release(NAME, VERSION, provenance=signed())
    result = verify(stub, project)
    assert result.returncode == 0, result.stdout
    assert "repository" not in result.json["meta"]["expected"]


def test_the_job_for_this_index_gives_the_environment(stub, checkout):
    use_workflow(checkout, "two-targets.yml")
    stub.index.add_release(NAME, VERSION, provenance=signed(workflow="two-targets.yml", environment="production"))
    result = verify(stub, checkout)
    assert result.returncode == 0, result.stdout
    assert result.json["meta"]["expected"]["environment"] == "production"  # not the TestPyPI job's


def test_an_environment_set_by_an_expression_is_left_unexpected(stub, checkout):
    workflow = checkout / ".github" / "workflows" / "publish.yml"
    workflow.write_text(workflow.read_text().replace("name: pypi  # ADAPT", "name: ${{ inputs.target }}  # ADAPT"))
    stub.index.add_release(NAME, VERSION, provenance=signed(environment="anything"))
    result = verify(stub, checkout)
    assert result.returncode == 0, result.stdout
    assert "environment" not in result.json["meta"]["expected"]
    assert any("expression" in note for note in result.json["meta"]["notes"])


def test_several_publishing_workflows_leave_the_workflow_unexpected(stub, checkout):
    use_workflow(checkout, "no-attestations.yml", replace=False)
    stub.index.add_release(NAME, VERSION, provenance=signed())
    result = verify(stub, checkout)
    assert result.returncode == 0, result.stdout
    meta = result.json["meta"]
    assert "workflow" not in meta["expected"]
    assert any("several workflows publish" in note for note in meta["notes"])


@pytest.mark.parametrize("workflow", ["no-attestations.yml", "release-twine.yml", "uv-plain.yml"])
def test_no_provenance_is_fine_when_the_workflow_makes_none(stub, checkout, workflow):
    use_workflow(checkout, workflow)
    stub.index.add_release(NAME, VERSION, provenance=lambda filename: None)
    result = verify(stub, checkout)
    assert result.returncode == 0, result.stdout
    assert result.json["meta"]["provenance_expected"] is False
    assert by_check(result)["provenance"]["status"] == "skip"


def test_uv_uploading_minted_attestations_is_expected_to_leave_provenance(stub, checkout):
    use_workflow(checkout, "uv-attest.yml")
    stub.index.add_release(NAME, VERSION, provenance=lambda filename: None)
    result = verify(stub, checkout)
    assert result.returncode == 10, result.stdout
    assert result.json["meta"]["provenance_expected"] is True
    assert result.json["meta"]["expected"]["workflow"] == "uv-attest.yml"


def test_name_and_version_in_the_project_directory_use_its_checkout(stub, checkout, tmp_path):
    stub.index.add_release(NAME, VERSION, provenance=signed(workflow="other.yml"))
    inside = verify(stub, "demo_package", VERSION, cwd=checkout)
    assert inside.returncode == 10 and "workflow is 'other.yml'" in by_check(inside)["publisher"]["detail"]
    elsewhere = verify(stub, NAME, VERSION, cwd=tmp_path)
    assert elsewhere.returncode == 0 and elsewhere.json["meta"]["expected"] == {}


def test_dynamic_version_asks_for_version(stub, tmp_path):
    (tmp_path / "pyproject.toml").write_bytes((VERIFY / "dynamic-pyproject.toml").read_bytes())
    result = verify(stub, tmp_path)
    assert result.returncode == 2
    assert "dynamic" in result.json["error"]["message"] and "demo-package VERSION" in result.json["error"]["message"]
    assert stub.requests == []


@pytest.mark.parametrize("text, message", [
    ("[project\nname = 'x'", "invalid TOML"),
    ("[tool.other]\nx = 1\n", "no [project].name"),
    ("[project]\nname = 'x'\n", "no static [project].version"),
])
def test_unusable_pyproject_is_exit_3(stub, tmp_path, text, message):
    (tmp_path / "pyproject.toml").write_text(text)
    result = verify(stub, tmp_path)
    assert result.returncode == 3
    assert message in result.json["error"]["message"]


# ----------------------------------------------------------------------------- signatures

def test_without_offline_provenance_unverifiable_bundles_are_unknown(stub):
    """The stand-in's attestations are not real Sigstore bundles: where pypi-attestations is installed it cannot
    verify them (unknown, exit 7); where it is not, the signatures are reported as not checked."""
    stub.index.add_release(NAME, VERSION, provenance=signed())
    result = run_script(SCRIPT, "--json", "--index-url", stub.url, "--repository", "octo-org/demo-package",
                        NAME, VERSION)
    rows = by_check(result)["provenance"]["files"]
    pytest.importorskip("pypi_attestations")
    assert result.returncode == 7, result.stdout
    assert all(row["status"] == "unknown" and "does not parse as PEP 740" in row["detail"] for row in rows)


def test_trust_root_that_cannot_be_refreshed_is_unknown(stub):
    """A bundle that parses but needs Sigstore's trust root: on a machine without internet the root cannot be
    refreshed, which is unknown (7), never pass; with internet the fake signature is invalid (10)."""
    pytest.importorskip("pypi_attestations")

    def parseable(filename):
        document = attestation_provenance("octo-org/demo-package", "publish.yml", "pypi")
        material = document["attestation_bundles"][0]["attestations"][0]["verification_material"]
        material.update(certificate="c3R1Yi1jZXJ0aWZpY2F0ZQ==", transparency_entries=[{"logIndex": "1"}])
        return document

    stub.index.add_release(NAME, VERSION, provenance=parseable)
    result = run_script(SCRIPT, "--json", "--index-url", stub.url, NAME, VERSION, timeout=180)
    rows = by_check(result)["provenance"]["files"]
    if result.returncode == 7:
        assert all("trust root could not be refreshed" in row["detail"] for row in rows), rows
    else:
        assert result.returncode == 10 and all(row["signature"] == "invalid" for row in rows), rows


@pytest.mark.skipif(dict(PYTHONS)["py3.9"] is None, reason="pyenv's Python 3.9 venv is not built")
def test_without_pypi_attestations_signatures_are_not_checked(stub):
    stub.index.add_release(NAME, VERSION, provenance=signed())
    result = run_script(SCRIPT, "--json", "--index-url", stub.url, NAME, VERSION, python=dict(PYTHONS)["py3.9"])
    assert result.returncode == 0, result.stdout
    rows = by_check(result)["provenance"]["files"]
    assert {row["signature"] for row in rows} == {"not-checked"}
    assert "pypi-attestations is not installed" in rows[0]["detail"]


# ----------------------------------------------------------------------------- the real index

def _pypi_reachable():
    try:
        request = urllib.request.Request("https://pypi.org/simple/requests/",
                                         headers={"Accept": "application/vnd.pypi.simple.v1+json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status == 200
    except Exception:
        return False


@pytest.mark.live
def test_a_long_released_project_on_the_public_index(tmp_path):
    """requests 2.31.0 (May 2023) predates PEP 740, so it has no provenance. Assert only what the index serves:
    the files are live; provenance is unknown where the simple API is older than 1.3 (this machine's caching
    proxy), or a definite "no provenance" (10) where the index speaks api-version 1.3+."""
    if not _pypi_reachable():
        pytest.skip("pypi.org cannot be reached")
    result = run_script(SCRIPT, "--json", "--offline-provenance", "requests", "2.31.0", cwd=tmp_path)
    checks = by_check(result)
    assert checks["live"]["status"] == "pass", checks["live"]
    assert {row["filename"] for row in checks["live"]["files"]} == {
        "requests-2.31.0.tar.gz", "requests-2.31.0-py3-none-any.whl"}
    api_version = result.json["meta"]["api_version"]
    from packaging.version import Version
    if api_version is None or Version(api_version) < Version("1.3"):
        assert result.returncode == 7 and checks["provenance"]["status"] == "unknown"
    else:
        assert result.returncode == 10 and checks["provenance"]["status"] == "fail"
