"""publish-preflight's publisher-continuity check: the publisher PyPI's provenance names for the newest attested
release, against what this checkout's tag will present. Real provenance objects (tests/fixtures/verify/real/,
README.md there says where each comes from) are served by the local index stand-in."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import git
from preflight_support import (PUBLISH_YML, by_check, commit_all, init_repo, load_script_module, preflight,
                               static_project)

module = load_script_module()

REAL = Path(__file__).parent / "fixtures" / "verify" / "real"
CHECK = "publisher-continuity"
SAMPLE_PROVENANCE = "/integrity/sampleproject/4.0.0/sampleproject-4.0.0.tar.gz/provenance"
INTEGRITY = "application/vnd.pypi.integrity.v1+json"


def fixture(name, stub):
    return json.loads((REAL / name).read_text().replace("https://pypi.org", stub.url))


def serve_sampleproject(stub, provenance="integrity-github-sampleproject.json", page="simple-pypi-sampleproject.json"):
    """pypi.org's sampleproject page: 3.0.0 without provenance, 4.0.0 published by pypa/sampleproject
    release.yml (no environment registered)."""
    stub.serve("/simple/sampleproject/", fixture(page, stub), content_type="application/vnd.pypi.simple.v1+json")
    document = fixture(provenance, stub) if isinstance(provenance, str) else provenance
    stub.serve(SAMPLE_PROVENANCE, document, content_type=INTEGRITY)


def checkout(tmp_path, workflow_name="publish.yml", environment=None,
             remote="https://github.com/pypa/sampleproject.git"):
    """A sampleproject checkout for the next release, its publishing workflow copied from assets/publish.yml."""
    text = PUBLISH_YML.read_text(encoding="utf-8")
    if environment is not None:
        text = text.replace("name: pypi  # ADAPT", f"name: {environment}  # ADAPT")
    project = static_project(tmp_path / "p", name="sampleproject", version="4.1.0", workflow=None)
    directory = project / ".github" / "workflows"
    directory.mkdir(parents=True)
    (directory / workflow_name).write_text(text, encoding="utf-8")
    return init_repo(project, remote=remote)


def run(stub, project, *args, python=None):
    return preflight("--json", "--index-url", stub.url, *args, project, python=python)


def integrity_requests(stub):
    return [path for path in stub.paths() if path.startswith("/integrity/")]


# ----------------------------------------------------------------------------- the two verdicts the issue asks for

def test_renamed_workflow_fails_before_the_tag_naming_both_and_both_ways_out(stub, tmp_path, python):
    serve_sampleproject(stub)
    result = run(stub, checkout(tmp_path, "publish.yml"), python=python)
    assert result.returncode == 10, result.stdout
    found = by_check(result)[CHECK]
    assert found["status"] == "fail" and found["ok"] is False
    assert "4.0.0" in found["detail"] and "GitHub: pypa/sampleproject release.yml" in found["detail"]
    assert "workflow 'release.yml' -> 'publish.yml'" in found["detail"] and "invalid-publisher" in found["detail"]
    assert "--publisher-changed" in found["fix"] and "change the workflow back" in found["fix"]
    assert f"{stub.url}/manage/project/sampleproject/settings/publishing/" in found["fix"]
    assert integrity_requests(stub) == [SAMPLE_PROVENANCE]  # the newest attested release, one file
    assert result.json["meta"]["publisher_changed"] is False


def test_publisher_changed_flag_turns_the_failure_into_a_recorded_warning(stub, tmp_path):
    serve_sampleproject(stub)
    result = run(stub, checkout(tmp_path, "publish.yml"), "--publisher-changed")
    found = by_check(result)[CHECK]
    assert found["status"] == "warn" and "--publisher-changed" in found["detail"]
    assert result.json["meta"]["publisher_changed"] is True
    assert result.returncode == 0, [r for r in result.json["data"] if r["status"] in ("fail", "unknown")]


def test_environment_change_only_warns(stub, tmp_path):
    provenance = fixture("integrity-github-sampleproject.json", stub)
    provenance["attestation_bundles"][0]["publisher"]["environment"] = "pypi"
    serve_sampleproject(stub, provenance)
    result = run(stub, checkout(tmp_path, "release.yml", environment="release"))
    found = by_check(result)[CHECK]
    assert found["status"] == "warn", found
    assert "environment release, not pypi" in found["detail"] and "invalid-publisher" in found["detail"]
    assert "set the job's environment back to pypi" in found["fix"]


def test_environment_from_an_expression_is_not_compared(stub, tmp_path):
    serve_sampleproject(stub, "integrity-github-second-publisher.json")  # environment pypi
    found = by_check(run(stub, checkout(tmp_path, "publish.yml", environment="${{ vars.PUBLISH_ENV }}")))[CHECK]
    assert found["status"] == "pass" and "an expression" in found["detail"], found


def test_same_publisher_passes(stub, tmp_path):
    serve_sampleproject(stub, "integrity-github-second-publisher.json")  # publish.yml, environment pypi
    found = by_check(run(stub, checkout(tmp_path, "publish.yml")))[CHECK]
    assert found["status"] == "pass" and "presents the same" in found["detail"], found


def test_publisher_registered_without_environment_accepts_any(stub, tmp_path):
    serve_sampleproject(stub)  # the real object: environment null
    found = by_check(run(stub, checkout(tmp_path, "release.yml")))[CHECK]
    assert found["status"] == "pass" and "any is accepted" in found["detail"], found


def test_legacy_empty_environment_is_none_too(stub, tmp_path):
    serve_sampleproject(stub, "integrity-github-legacy-claims.json")
    found = by_check(run(stub, checkout(tmp_path, "release.yml")))[CHECK]
    assert found["status"] == "pass", found


def test_moved_repository_fails_naming_both(stub, tmp_path):
    serve_sampleproject(stub)
    project = checkout(tmp_path, "release.yml", remote="git@github.com:new-home/sampleproject.git")
    found = by_check(run(stub, project))[CHECK]
    assert found["status"] == "fail"
    assert "repository 'pypa/sampleproject' -> 'new-home/sampleproject'" in found["detail"]


def test_repository_compared_without_case(stub, tmp_path):
    serve_sampleproject(stub)
    project = checkout(tmp_path, "release.yml", remote="https://github.com/PyPA/SampleProject")
    assert by_check(run(stub, project))[CHECK]["status"] == "pass"


def test_gitlab_publisher_before_a_github_checkout_is_another_kind(stub, tmp_path):
    stub.serve("/simple/sampleproject/", fixture("simple-pypi-sampleproject.json", stub),
               content_type="application/vnd.pypi.simple.v1+json")
    stub.serve(SAMPLE_PROVENANCE, fixture("integrity-gitlab.json", stub), content_type=INTEGRITY)
    found = by_check(run(stub, checkout(tmp_path, "release.yml")))[CHECK]
    assert found["status"] == "fail" and "kind 'GitLab' -> 'GitHub'" in found["detail"]


def test_gitlab_checkout_compares_project_and_ci_file(stub, tmp_path):
    stub.serve("/simple/demo-package/", fixture("simple-pypi-gitlab-published.json", stub),
               content_type="application/vnd.pypi.simple.v1+json")
    stub.serve("/integrity/demo-package/1.0.0/demo_package-1.0.0.tar.gz/provenance",
               fixture("integrity-gitlab.json", stub), content_type=INTEGRITY)
    project = static_project(tmp_path / "g", name="demo-package", version="1.1.0", workflow=None)
    (project / ".gitlab-ci.yml").write_text("publish:\n  script: [uv publish]\n", encoding="utf-8")
    init_repo(project, remote="https://gitlab.com/octo-group/tools/demo-package.git")
    found = by_check(run(stub, project))[CHECK]
    assert found["status"] == "pass", found
    elsewhere = static_project(tmp_path / "h", name="demo-package", version="1.1.0", workflow=None)
    (elsewhere / ".gitlab-ci.yml").write_text("publish:\n  script: [uv publish]\n", encoding="utf-8")
    init_repo(elsewhere, remote="git@gitlab.com:octo-group/demo-package.git")
    moved = by_check(run(stub, elsewhere))[CHECK]
    assert moved["status"] == "fail"
    assert "'octo-group/tools/demo-package' -> 'octo-group/demo-package'" in moved["detail"]


# ----------------------------------------------------------------------------- skip, never a pass

def test_mirror_without_provenance_is_skip_with_its_reason(stub, tmp_path, python):
    page = (REAL / "simple-api-1.0-devpi.json").read_text().replace("demo_package", "sampleproject")
    stub.serve("/simple/sampleproject/", page.replace("demo-package", "sampleproject"),
               content_type="application/vnd.pypi.simple.v1+json")
    result = run(stub, checkout(tmp_path, "publish.yml"), python=python)
    found = by_check(result)[CHECK]
    assert found["status"] == "skip", found
    assert "api-version 1.0" in found["detail"] and "mirror" in found["detail"]
    assert integrity_requests(stub) == []


def test_stub_index_below_1_3_serves_no_provenance_key(stub, tmp_path):
    stub.index.api_version = "1.1"
    stub.index.add_release("sampleproject", "4.0.0", provenance=fixture("integrity-github-sampleproject.json", stub))
    found = by_check(run(stub, checkout(tmp_path, "publish.yml")))[CHECK]
    assert found["status"] == "skip" and "api-version 1.1" in found["detail"]


def test_earlier_releases_without_provenance_skip(stub, tmp_path):
    stub.index.add_release("sampleproject", "3.0.0")
    stub.index.add_release("sampleproject", "4.0.0")
    found = by_check(run(stub, checkout(tmp_path, "publish.yml")))[CHECK]
    assert found["status"] == "skip" and "none of the 2 release(s)" in found["detail"]
    assert integrity_requests(stub) == []


def test_the_newest_attested_release_is_read_even_after_unattested_ones(stub, tmp_path):
    """3.0.0 none, 4.0.0 release.yml, 4.1.0 publish.yml, 4.2.0 none: 4.1.0's publisher is the one to match."""
    serve_sampleproject(stub, page="simple-pypi-publisher-history.json")
    stub.serve("/integrity/sampleproject/4.1.0/sampleproject-4.1.0.tar.gz/provenance",
               fixture("integrity-github-second-publisher.json", stub), content_type=INTEGRITY)
    project = static_project(tmp_path / "p", name="sampleproject", version="4.3.0")
    init_repo(project, remote="https://github.com/pypa/sampleproject.git")
    found = by_check(run(stub, project))[CHECK]
    assert found["status"] == "pass" and "4.1.0" in found["detail"], found
    assert integrity_requests(stub) == ["/integrity/sampleproject/4.1.0/sampleproject-4.1.0.tar.gz/provenance"]


def test_new_project_skips(stub, tmp_path):
    found = by_check(run(stub, checkout(tmp_path, "publish.yml")))[CHECK]
    assert found["status"] == "skip" and "new project" in found["detail"]


def test_offline_skips_and_asks_nothing(stub, tmp_path):
    serve_sampleproject(stub)
    result = run(stub, checkout(tmp_path, "publish.yml"), "--offline")
    assert by_check(result)[CHECK]["status"] == "skip" and stub.requests == []


def test_no_publishing_workflow_is_skip_naming_the_earlier_publisher(stub, tmp_path):
    serve_sampleproject(stub)
    project = static_project(tmp_path / "p", name="sampleproject", version="4.1.0", workflow=None)
    init_repo(project, remote=None)
    found = by_check(run(stub, project))[CHECK]
    assert found["status"] == "skip" and "GitHub: pypa/sampleproject release.yml" in found["detail"]


# ----------------------------------------------------------------------------- unknown: only when a lookup failed

@pytest.mark.parametrize("fault", [{"kind": "status", "status": 503}, {"kind": "html"}, {"kind": "malformed"},
                                   {"kind": "close"}])
def test_provenance_that_cannot_be_read_is_unknown(stub, tmp_path, fault):
    serve_sampleproject(stub)
    stub.fault(pattern=r"^/integrity/", **fault)
    result = run(stub, checkout(tmp_path, "publish.yml"))
    found = by_check(result)[CHECK]
    assert found["status"] == "unknown" and "4.0.0" in found["detail"], found
    assert result.returncode in (7, 10)


def test_simple_api_failure_is_unknown(stub, tmp_path):
    stub.fault("status", r"^/simple/", status=500)
    result = run(stub, checkout(tmp_path, "publish.yml"))
    assert by_check(result)[CHECK]["status"] == "unknown"


def test_slow_provenance_stays_within_the_timeout(stub, tmp_path):
    serve_sampleproject(stub)
    stub.fault("latency", r"^/integrity/", seconds=6)
    project = checkout(tmp_path, "publish.yml")
    start = time.monotonic()
    result = run(stub, project, "--timeout", "1.5")
    elapsed = time.monotonic() - start
    assert by_check(result)[CHECK]["status"] == "unknown"
    assert elapsed < 5, elapsed


def test_tagged_commit_is_what_is_compared(stub, tmp_path):
    """The workflow is renamed in the work tree only: the release tag at HEAD still holds release.yml."""
    serve_sampleproject(stub)
    project = checkout(tmp_path, "release.yml")
    git(project, "tag", "-a", "v4.1.0", "-m", "v4.1.0")
    workflows = project / ".github" / "workflows"
    (workflows / "release.yml").rename(workflows / "publish.yml")
    found = by_check(run(stub, project))[CHECK]
    assert found["status"] == "pass", found
    commit_all(project, "rename the workflow")
    git(project, "tag", "-d", "v4.1.0")
    assert by_check(run(stub, project))[CHECK]["status"] == "fail"


# ----------------------------------------------------------------------------- the shared readers, fuzzed

json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=12),
                         st.sampled_from(["GitHub", "GitLab", "Google", "demo_pkg-1.0.tar.gz",
                                          "demo_pkg-1.0-py3-none-any.whl", "2024-01-02T03:04:05Z",
                                          "2024-01-02T03:04:05.5Z", "https://x/p", ""]))
json_values = st.recursive(json_scalars, lambda children: st.one_of(
    st.lists(children, max_size=3),
    st.dictionaries(st.sampled_from(["files", "filename", "provenance", "upload-time", "yanked", "kind",
                                     "repository", "workflow", "workflow_filepath", "environment", "publisher",
                                     "attestation_bundles", "email", "meta"]), children, max_size=5)),
    max_leaves=25)


file_entries = st.fixed_dictionaries({
    "filename": st.sampled_from(["demo_pkg-1.0.tar.gz", "demo_pkg-1.0-py3-none-any.whl", "demo_pkg-2.0.zip",
                                 "demo_pkg-1.0.0.tar.gz", "demo_pkg-1.0.win32.exe", "x.whl", "demo-pkg-3.tar.gz"])},
    optional={"provenance": json_scalars, "upload-time": json_scalars, "yanked": json_scalars})
pages = st.one_of(json_values, st.fixed_dictionaries({"files": st.lists(file_entries, max_size=6)}))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pages, json_values, json_values)
def test_shared_readers_take_any_json(page, provenance, other):
    """release_history, provenance_publishers and publisher_changes return plain data for any JSON."""
    releases = module.release_history(page, "https://index.example/simple/demo-pkg/")
    assert isinstance(releases, list)
    for release in releases:
        assert release["coverage"] in (None, "all", "partial", "none") and isinstance(release["version"], str)
    views = module.provenance_publishers(provenance)
    assert views is None or (views and all(isinstance(view, dict) for view in views))
    for view in views or []:
        assert isinstance(module.describe_publisher(view), str)
        assert module.publisher_changes(view, view) == []
        if isinstance(other, dict):
            assert isinstance(module.publisher_changes(view, module.publisher_view(other)), list)
