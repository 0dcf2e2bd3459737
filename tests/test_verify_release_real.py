"""verify-release.py on index answers in their real shapes (tests/fixtures/verify/real/README.md says where
each comes from): pypi.org PEP 691 pages, GitHub/GitLab/Google/unknown publishers, HTML-only indexes."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from conftest import run_script

SCRIPT = "verify-release.py"
REAL = Path(__file__).parent / "fixtures" / "verify" / "real"
SAMPLE_SDIST = "sampleproject-4.0.0.tar.gz"
SAMPLE_PROVENANCE = f"/integrity/sampleproject/4.0.0/{SAMPLE_SDIST}/provenance"
DEMO_SDIST = "demo_package-1.0.0.tar.gz"
DEMO_PROVENANCE = f"/integrity/demo-package/1.0.0/{DEMO_SDIST}/provenance"
GITLAB = ("--repository", "gitlab.com/octo-group/tools/demo-package", "--workflow", ".gitlab-ci.yml",
          "--environment", "pypi")


def fixture(name, stub):
    """A real answer with pypi.org's absolute URLs pointed at the stand-in."""
    return json.loads((REAL / name).read_text().replace("https://pypi.org", stub.url))


def serve_simple(stub, project, page):
    stub.serve(f"/simple/{project}/", page, content_type="application/vnd.pypi.simple.v1+json")


def serve_integrity(stub, path, document):
    stub.serve(path, document, content_type="application/vnd.pypi.integrity.v1+json")


def sampleproject(stub, provenance="integrity-github-sampleproject.json"):
    serve_simple(stub, "sampleproject", fixture("simple-pypi-sampleproject.json", stub))
    serve_integrity(stub, SAMPLE_PROVENANCE, fixture(provenance, stub))


def demo(stub, provenance):
    serve_simple(stub, "demo-package", fixture("simple-pypi-gitlab-published.json", stub))
    serve_integrity(stub, DEMO_PROVENANCE, fixture(provenance, stub) if isinstance(provenance, str) else provenance)


def verify(stub, *args, python=None):
    return run_script(SCRIPT, "--json", "--offline-provenance", "--index-url", stub.url, *args, python=python)


def checks(result):
    return {item["check"]: item for item in result.json["data"]}


# ----------------------------------------------------------------------------- pypi.org, GitHub publisher

def test_pypi_page_and_github_provenance_verify(stub, python):
    sampleproject(stub)
    result = verify(stub, "--repository", "pypa/sampleproject", "--workflow", "release.yml", "--environment", "",
                    "sampleproject", "4.0.0", python=python)
    assert result.returncode == 0, result.stdout
    found = checks(result)
    assert found["live"]["files"][0]["filename"] == SAMPLE_SDIST and result.json["meta"]["api_version"] == "1.4"
    row = found["provenance"]["files"][0]
    assert row["statement"] == "pass" and "names this file and sha256" in row["detail"]
    assert found["publisher"]["files"][0]["publishers"] == [
        {"kind": "GitHub", "repository": "pypa/sampleproject", "workflow": "release.yml", "environment": None}]
    # the provenance URL came from the page, not from a guessed path
    assert SAMPLE_PROVENANCE in stub.paths()


@pytest.mark.parametrize("flags", [
    ("--repository", "PyPA/SampleProject"),  # GitHub slugs are case-blind
    ("--repository", "https://github.com/pypa/sampleproject.git"),
    ("--workflow", ".github/workflows/release.yml"),  # the publisher names the bare filename
    ("--environment", ""),  # registered without an environment: null
])
def test_github_publisher_spellings_that_mean_the_same(stub, flags):
    sampleproject(stub)
    result = verify(stub, *flags, "sampleproject", "4.0.0")
    assert result.returncode == 0, checks(result)["publisher"]


def test_legacy_publisher_with_claims_and_empty_environment(stub):
    sampleproject(stub, "integrity-github-legacy-claims.json")
    result = verify(stub, "--repository", "pypa/sampleproject", "--environment", "", "sampleproject", "4.0.0")
    assert result.returncode == 0, checks(result)["publisher"]
    assert "claims" not in checks(result)["publisher"]["files"][0]["publishers"][0]


def test_an_environment_demanded_by_flag_but_not_registered_is_a_mismatch_with_a_hint(stub):
    sampleproject(stub)
    result = verify(stub, "--repository", "pypa/sampleproject", "--environment", "pypi", "sampleproject", "4.0.0")
    assert result.returncode == 10
    assert "names no environment" in checks(result)["publisher"]["detail"]


def test_a_different_workflow_is_a_mismatch(stub):
    sampleproject(stub)
    result = verify(stub, "--repository", "pypa/sampleproject", "--workflow", "publish.yml", "sampleproject", "4.0.0")
    assert result.returncode == 10
    assert "workflow is 'release.yml', expected 'publish.yml'" in checks(result)["publisher"]["detail"]


# ----------------------------------------------------------------------------- the attested subject

def test_provenance_of_another_file_is_a_problem(stub):
    """The index's page points the 4.0.0 sdist at a provenance whose statement names a different file."""
    page = fixture("simple-pypi-sampleproject.json", stub)
    page["files"][1]["provenance"] = f"{stub.url}/integrity/other/1.0/other.tar.gz/provenance"
    serve_simple(stub, "sampleproject", page)
    serve_integrity(stub, "/integrity/other/1.0/other.tar.gz/provenance",
                    fixture("integrity-google.json", stub))
    result = verify(stub, "sampleproject", "4.0.0")
    assert result.returncode == 10
    assert "the attestation is for 'gcb_attestation_test-0.0.0.tar.gz'" in checks(result)["provenance"]["detail"]


def test_a_file_whose_sha256_differs_from_the_attested_one_is_a_problem(stub):
    page = fixture("simple-pypi-sampleproject.json", stub)
    page["files"][1]["hashes"]["sha256"] = "0" * 64
    serve_simple(stub, "sampleproject", page)
    serve_integrity(stub, SAMPLE_PROVENANCE, fixture("integrity-github-sampleproject.json", stub))
    result = verify(stub, "--repository", "pypa/sampleproject", "sampleproject", "4.0.0")
    assert result.returncode == 10
    assert "attested sha256" in checks(result)["provenance"]["detail"]


@pytest.mark.parametrize("statement, status", [
    ({"_type": "https://in-toto.io/Statement/v1", "predicateType": "https://example.com/other/v1",
      "subject": [{"name": SAMPLE_SDIST, "digest": {"sha256": "x"}}]}, "unknown"),
    ("not base64!", "unknown"),
    ({"_type": "https://in-toto.io/Statement/v1", "predicateType": "https://docs.pypi.org/attestations/publish/v1",
      "subject": []}, "fail"),
])
def test_statements_that_do_not_bind_the_file(stub, statement, status):
    document = fixture("integrity-github-sampleproject.json", stub)
    encoded = statement if isinstance(statement, str) else base64.b64encode(json.dumps(statement).encode()).decode()
    document["attestation_bundles"][0]["attestations"][0]["envelope"]["statement"] = encoded
    serve_simple(stub, "sampleproject", fixture("simple-pypi-sampleproject.json", stub))
    serve_integrity(stub, SAMPLE_PROVENANCE, document)
    result = verify(stub, "--repository", "pypa/sampleproject", "sampleproject", "4.0.0")
    assert checks(result)["provenance"]["status"] == status
    assert result.returncode == {"unknown": 7, "fail": 10}[status]


# ----------------------------------------------------------------------------- GitLab, Google, unknown kinds

@pytest.mark.parametrize("repository", ["gitlab.com/octo-group/tools/demo-package",
                                        "https://gitlab.com/Octo-Group/tools/demo-package.git",
                                        "octo-group/tools/demo-package"])
def test_gitlab_publisher_compared_by_workflow_filepath(stub, repository, python):
    demo(stub, "integrity-gitlab.json")
    result = verify(stub, "--repository", repository, "--workflow", ".gitlab-ci.yml", "--environment", "pypi",
                    "demo-package", "1.0.0", python=python)
    assert result.returncode == 0, checks(result)["publisher"]
    assert result.json["meta"]["expected"]["kind"] == "GitLab"
    assert checks(result)["publisher"]["files"][0]["publishers"][0]["workflow"] == ".gitlab-ci.yml"


def test_gitlab_publisher_with_another_ci_file_is_a_mismatch(stub):
    demo(stub, "integrity-gitlab.json")
    result = verify(stub, *GITLAB[:2], "--workflow", "release.gitlab-ci.yml", "demo-package", "1.0.0")
    assert result.returncode == 10
    assert "workflow is '.gitlab-ci.yml'" in checks(result)["publisher"]["detail"]


def test_gitlab_publisher_expected_as_github_says_how_to_expect_gitlab(stub):
    demo(stub, "integrity-gitlab.json")
    result = verify(stub, "--repository", "octo-group/demo-package", "demo-package", "1.0.0")
    assert result.returncode == 10
    detail = checks(result)["publisher"]["detail"]
    assert "kind is 'GitLab', expected 'GitHub'" in detail and "gitlab.com/GROUP/PROJECT" in detail


def test_google_publisher_is_described_and_not_a_github_one(stub):
    page = fixture("simple-pypi-gitlab-published.json", stub)
    page["files"][0].update(filename="gcb_attestation_test-0.0.0.tar.gz",
                            hashes={"sha256": "461317362419124b6012e855423a9078d6de8aed3e74fa78cc74d669b23dc6cf"},
                            provenance=f"{stub.url}/integrity/gcb-attestation-test/0.0.0/"
                                       "gcb_attestation_test-0.0.0.tar.gz/provenance")
    serve_simple(stub, "gcb-attestation-test", dict(page, name="gcb-attestation-test"))
    serve_integrity(stub, "/integrity/gcb-attestation-test/0.0.0/gcb_attestation_test-0.0.0.tar.gz/provenance",
                    fixture("integrity-google.json", stub))
    nothing = verify(stub, "gcb-attestation-test", "0.0.0")
    assert nothing.returncode == 0, nothing.stdout
    assert "Google: 919436158236-compute@developer.gserviceaccount.com" in checks(nothing)["publisher"]["detail"]
    expected = verify(stub, "--repository", "octo-org/demo-package", "gcb-attestation-test", "0.0.0")
    assert expected.returncode == 10 and "kind is 'Google'" in checks(expected)["publisher"]["detail"]


def test_a_publisher_kind_we_do_not_know_is_never_a_pass(stub):
    demo(stub, "integrity-circleci.json")
    environment_only = verify(stub, "--environment", "pypi", "demo-package", "1.0.0")
    assert environment_only.returncode == 7
    assert "publisher kind 'CircleCI' is not one verify-release can compare" in \
        checks(environment_only)["publisher"]["detail"]
    github = verify(stub, "--repository", "octo-org/demo-package", "demo-package", "1.0.0")
    assert github.returncode == 10 and "kind is 'CircleCI'" in checks(github)["publisher"]["detail"]
    nothing = verify(stub, "demo-package", "1.0.0")
    assert checks(nothing)["publisher"]["status"] == "skip"
    assert "vcs_origin=github.com/octo-org/demo-package" in checks(nothing)["publisher"]["detail"]


# ----------------------------------------------------------------------------- page shapes

def test_a_reason_string_yank_is_reported_with_its_reason(stub):
    demo(stub, "integrity-gitlab.json")
    result = verify(stub, "demo-package", "1.0.1")
    assert result.returncode == 10
    live = checks(result)["live"]
    assert live["status"] == "fail" and "broken metadata, use 1.0.2" in live["detail"]
    assert live["files"][0]["yanked"] is True


def test_html_only_index_is_unknown_with_a_reason(stub):
    stub.serve("/simple/demo-package/", (REAL / "simple-pep503-only.html").read_text(),
               content_type="text/html; charset=utf-8")
    result = verify(stub, *GITLAB, "demo-package", "1.0.0")
    assert result.returncode == 7
    found = checks(result)
    assert found["live"]["status"] == "unknown" and "only PEP 503 HTML" in found["live"]["detail"]
    assert {found[key]["status"] for key in ("provenance", "publisher")} == {"unknown"}
    assert not [path for path in stub.paths() if path.startswith("/integrity/")]


def test_api_1_0_page_without_provenance_keys_is_unknown_not_unsigned(stub):
    serve_simple(stub, "demo-package", fixture("simple-api-1.0-devpi.json", stub))
    stub.index.serve_integrity = False  # devpi and proxies have no Integrity API: 404
    result = verify(stub, *GITLAB, "demo-package", "1.0.0")
    assert result.returncode == 7, result.stdout
    found = checks(result)
    assert found["live"]["status"] == "pass" and found["provenance"]["status"] == "unknown"
    assert "predates 1.3" in found["provenance"]["detail"]


def test_a_provenance_value_that_is_neither_url_nor_null_is_unknown(stub):
    page = fixture("simple-pypi-sampleproject.json", stub)
    page["files"][1]["provenance"] = {"url": "somewhere"}
    serve_simple(stub, "sampleproject", page)
    result = verify(stub, "--repository", "pypa/sampleproject", "sampleproject", "4.0.0")
    assert result.returncode == 7
    assert checks(result)["provenance"]["status"] == "unknown"


def test_integrity_api_switched_off_is_unknown(stub):
    serve_simple(stub, "sampleproject", fixture("simple-pypi-sampleproject.json", stub))
    stub.serve(SAMPLE_PROVENANCE, {"message": "Attestations temporarily disabled"}, status=403)
    result = verify(stub, "--repository", "pypa/sampleproject", "sampleproject", "4.0.0")
    assert result.returncode == 7 and checks(result)["provenance"]["status"] == "unknown"


# ----------------------------------------------------------------------------- the checkout's environment

def test_checkout_environment_against_a_publisher_registered_without_one(stub, git_repo):
    """PyPI's provenance carries the registered publisher's environment, not the job's: registered without
    one it is null and any environment may publish, so the checkout's `environment: pypi` is no mismatch."""
    from stubs import attestation_provenance
    repo = git_repo(REAL.parent / "project")
    stub.index.add_release("demo-package", "1.0.0", provenance=lambda filename: attestation_provenance(
        "octo-org/demo-package", "publish.yml", None))
    result = run_script(SCRIPT, "--json", "--offline-provenance", "--index-url", stub.url, repo)
    assert result.returncode == 0, result.stdout
    assert result.json["meta"]["expected"]["environment"] == "pypi"
    assert "names no environment" in checks(result)["publisher"]["detail"]
    flagged = run_script(SCRIPT, "--json", "--offline-provenance", "--index-url", stub.url,
                         "--environment", "pypi", repo)
    assert flagged.returncode == 10
