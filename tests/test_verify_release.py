"""verify-release.py against the real local index stand-in: live, files, provenance, publisher."""

from __future__ import annotations

import pytest

from conftest import run_script
from stubs import attestation_provenance

SCRIPT = "verify-release.py"
NAME, VERSION = "demo-package", "1.0.0"
SDIST, WHEEL = "demo_package-1.0.0.tar.gz", "demo_package-1.0.0-py3-none-any.whl"
PUBLISHER = ("octo-org/demo-package", "publish.yml", "pypi")
EXPECT = ("--repository", "octo-org/demo-package", "--workflow", "publish.yml", "--environment", "pypi")


def signed(repository=PUBLISHER[0], workflow=PUBLISHER[1], environment=PUBLISHER[2]):
    return lambda filename: attestation_provenance(repository, workflow, environment)


def release(stub, version=VERSION, provenance=None, **settings):
    """An older release plus the one under test, both as a trusted publisher would leave them."""
    stub.index.add_release(NAME, "0.9.0", provenance=signed())
    return stub.index.add_release(NAME, version, provenance=provenance or signed(), **settings)


def verify(stub, *args, python=None, env=None, cwd=None):
    return run_script(SCRIPT, "--json", "--index-url", stub.url, *args, python=python, env=env, cwd=cwd)


def by_check(result):
    return {item["check"]: item for item in result.json["data"]}


def integrity_paths(stub):
    return [path for path in stub.paths() if path.startswith("/integrity/")]


# ----------------------------------------------------------------------------- the happy path

def test_verified_release_exits_0(stub, python):
    release(stub)
    result = verify(stub, "--offline-provenance", *EXPECT, NAME, VERSION, python=python)
    assert result.returncode == 0, result.stdout + result.stderr
    checks = by_check(result)
    assert [item["check"] for item in result.json["data"]] == ["live", "files", "provenance", "publisher",
                                                               "continuity"]
    assert {key: checks[key]["status"] for key in checks} == {
        "live": "pass", "files": "skip", "provenance": "pass", "publisher": "pass", "continuity": "pass"}
    assert checks["continuity"]["reference"] == "0.9.0"
    assert all(set(item) >= {"check", "ok", "status", "detail", "files"} for item in result.json["data"])
    meta = result.json["meta"]
    assert meta["verified"] is True and meta["exit"] == 0 and meta["schema"] == "pypi-ops.verify-release/v1"
    assert (meta["name"], meta["version"], meta["index"]) == (NAME, VERSION, stub.url)
    assert {row["filename"] for row in checks["live"]["files"]} == {SDIST, WHEEL}
    assert all(row["publishers"][0]["workflow"] == "publish.yml" for row in checks["publisher"]["files"])
    # one simple page and one Integrity API request per file, plus one file of the release before (continuity)
    assert sorted(integrity_paths(stub)) == sorted(
        [f"/integrity/demo-package/1.0.0/{name}/provenance" for name in (SDIST, WHEEL)]
        + ["/integrity/demo-package/0.9.0/demo_package-0.9.0.tar.gz/provenance"])


def test_text_mode_prints_tab_separated_records_and_a_report(stub):
    release(stub)
    result = run_script(SCRIPT, "--index-url", stub.url, "--offline-provenance", *EXPECT, NAME, VERSION)
    assert result.returncode == 0
    records = [line.split("\t") for line in result.stdout.splitlines()]
    assert [record[:2] for record in records] == [["live", "pass"], ["files", "skip"], ["provenance", "pass"],
                                                  ["publisher", "pass"], ["continuity", "pass"]]
    assert all(len(record) == 3 for record in records)
    assert "VERIFIED" in result.stderr
    quiet = run_script(SCRIPT, "-q", "--index-url", stub.url, "--offline-provenance", *EXPECT, NAME, VERSION)
    assert quiet.returncode == 0 and quiet.stderr == "" and quiet.stdout == result.stdout


def test_index_url_from_the_environment_and_a_non_normalized_name(stub):
    release(stub)
    result = run_script(SCRIPT, "--json", "--offline-provenance", *EXPECT, "Demo.Package", "1.0",
                        env={"PYPI_OPS_INDEX_URL": stub.url + "/simple/"})
    assert result.returncode == 0, result.stdout
    assert "/simple/demo-package/" in stub.paths()
    assert result.json["meta"]["index"] == stub.url


# ----------------------------------------------------------------------------- live

def test_version_that_is_not_listed_is_a_problem(stub):
    release(stub)
    result = verify(stub, "--offline-provenance", NAME, "2.0.0")
    assert result.returncode == 10
    assert by_check(result)["live"]["status"] == "fail"
    assert "not listed" in by_check(result)["live"]["detail"]


def test_unknown_project_is_a_problem(stub):
    result = verify(stub, "--offline-provenance", "no-such-project", "1.0")
    assert result.returncode == 10
    assert "no project no-such-project" in by_check(result)["live"]["detail"]


def test_propagation_delay_is_waited_out(stub, python):
    release(stub, visible_after=2)
    result = verify(stub, "--wait", "20", "--offline-provenance", *EXPECT, NAME, VERSION, python=python)
    assert result.returncode == 0, result.stdout
    assert stub.paths().count("/simple/demo-package/") == 3  # two polls without it, the third with it
    assert "3 polls" in by_check(result)["live"]["detail"]


def test_wait_that_runs_out_is_unknown_not_missing(stub):
    release(stub, visible_after=10_000)
    result = verify(stub, "--wait", "1.5", "--offline-provenance", NAME, VERSION)
    assert result.returncode == 7
    live = by_check(result)["live"]
    assert live["status"] == "unknown" and live["detail"].startswith("timed out")
    assert stub.paths().count("/simple/demo-package/") >= 2


def test_wait_that_runs_out_with_dist_is_still_unknown(stub, dist):
    release(stub, visible_after=10_000)
    result = verify(stub, "--wait", "1", "--dist", dist, "--offline-provenance", NAME, VERSION)
    assert result.returncode == 7
    assert by_check(result)["files"]["status"] == "unknown"


def test_without_wait_a_delayed_release_is_missing_now(stub):
    release(stub, visible_after=1)
    result = verify(stub, "--offline-provenance", NAME, VERSION)
    assert result.returncode == 10
    assert stub.paths().count("/simple/demo-package/") == 1


def test_yanked_release_is_reported(stub):
    release(stub, yanked="broken wheel")
    result = verify(stub, "--offline-provenance", *EXPECT, NAME, VERSION)
    assert result.returncode == 10
    live = by_check(result)["live"]
    assert live["status"] == "fail" and "yanked" in live["detail"] and "broken wheel" in live["detail"]
    assert all(row["yanked"] for row in live["files"])


# ----------------------------------------------------------------------------- files (--dist)

@pytest.fixture
def dist(tmp_path):
    """A dist/ directory with the bytes the stand-in serves for the release (its default content)."""
    directory = tmp_path / "dist"
    directory.mkdir()
    for filename in (SDIST, WHEEL):
        (directory / filename).write_bytes(f"{filename} bytes".encode())
    (directory / "demo_package-0.9.0.tar.gz").write_bytes(b"an older build")  # another version: ignored
    (directory / f"{WHEEL}.publish.attestation").write_text("{}")  # not a distribution
    return directory


def test_dist_that_matches_the_index(stub, dist, python):
    release(stub)
    result = verify(stub, "--dist", dist, "--offline-provenance", *EXPECT, NAME, VERSION, python=python)
    assert result.returncode == 0, result.stdout
    files = by_check(result)["files"]
    assert files["status"] == "pass"
    assert {row["filename"]: row["status"] for row in files["files"]} == {SDIST: "pass", WHEEL: "pass"}


def test_missing_wheel(stub, dist):
    stub.index.add_release(NAME, VERSION, filenames=[SDIST], provenance=signed())
    result = verify(stub, "--dist", dist, "--offline-provenance", *EXPECT, NAME, VERSION)
    assert result.returncode == 10
    rows = {row["filename"]: row for row in by_check(result)["files"]["files"]}
    assert rows[WHEEL]["status"] == "fail" and rows[WHEEL]["detail"] == "missing on the index"
    assert rows[SDIST]["status"] == "pass"


def test_hash_mismatch(stub, dist):
    stub.index.add_release(NAME, VERSION, provenance=signed(), content={WHEEL: b"a different build"})
    result = verify(stub, "--dist", dist, "--offline-provenance", *EXPECT, NAME, VERSION)
    assert result.returncode == 10
    rows = {row["filename"]: row for row in by_check(result)["files"]["files"]}
    assert rows[WHEEL]["status"] == "fail" and "sha256 differs" in rows[WHEEL]["detail"]
    assert rows[WHEEL]["index_sha256"] != rows[WHEEL]["local_sha256"]


def test_stranger_file_on_the_index(stub, dist):
    stranger = "demo_package-1.0.0-cp312-cp312-manylinux_2_17_x86_64.whl"
    stub.index.add_release(NAME, VERSION, filenames=[SDIST, WHEEL, stranger], provenance=signed())
    result = verify(stub, "--dist", dist, "--offline-provenance", *EXPECT, NAME, VERSION)
    assert result.returncode == 10
    rows = {row["filename"]: row for row in by_check(result)["files"]["files"]}
    assert rows[stranger]["status"] == "fail" and "stranger" in rows[stranger]["detail"]


def test_wait_also_waits_for_every_local_file(stub, dist):
    stub.index.add_release(NAME, VERSION, filenames=[SDIST], provenance=signed())
    stub.index.add_release(NAME, VERSION, filenames=[WHEEL], provenance=signed(), visible_after=2)
    result = verify(stub, "--wait", "20", "--dist", dist, "--offline-provenance", *EXPECT, NAME, VERSION)
    assert result.returncode == 0, result.stdout
    assert stub.paths().count("/simple/demo-package/") == 3


@pytest.mark.parametrize("setup, message", [
    (lambda tmp: tmp / "nowhere", "not a directory"),
    (lambda tmp: (tmp / "empty").mkdir() or tmp / "empty", "no distribution of demo-package 1.0.0"),
])
def test_bad_dist_directory_is_exit_3(stub, tmp_path, setup, message):
    release(stub)
    result = verify(stub, "--dist", setup(tmp_path), NAME, VERSION)
    assert result.returncode == 3
    assert result.json["error"]["code"] == "input" and message in result.json["error"]["message"]
    assert stub.requests == []  # bad input is found before any request


# ----------------------------------------------------------------------------- provenance

def test_no_provenance_on_a_pep740_index_is_a_problem(stub, python):
    release(stub, provenance=lambda filename: None)
    result = verify(stub, "--offline-provenance", *EXPECT, NAME, VERSION, python=python)
    assert result.returncode == 10
    provenance = by_check(result)["provenance"]
    assert provenance["status"] == "fail"
    assert {row["detail"] for row in provenance["files"]} == {"no provenance"}
    # `provenance: null` in the simple API already says so; only the release before is read (continuity)
    assert integrity_paths(stub) == ["/integrity/demo-package/0.9.0/demo_package-0.9.0.tar.gz/provenance"]
    assert by_check(result)["publisher"]["status"] == "skip"
    continuity = by_check(result)["continuity"]
    assert continuity["status"] == "fail" and "0.9.0 had it" in continuity["detail"]


def test_integrity_404_without_the_simple_key_on_api_1_3(stub):
    stub.index.provenance_in_simple = False
    release(stub, provenance=lambda filename: None)
    result = verify(stub, "--offline-provenance", NAME, VERSION)
    assert result.returncode == 10
    assert by_check(result)["provenance"]["status"] == "fail"
    # this release's two files, then (no keys on the page) both files of the release before, for continuity
    assert len(integrity_paths(stub)) == 4
    assert by_check(result)["continuity"]["status"] == "fail"


@pytest.mark.parametrize("api_version", ["1.1", "1.2", "1.0"])
def test_integrity_404_on_an_old_api_version_is_unknown(stub, api_version, python):
    stub.index.api_version = api_version
    release(stub, provenance=lambda filename: None)
    result = verify(stub, "--offline-provenance", *EXPECT, NAME, VERSION, python=python)
    assert result.returncode == 7, result.stdout
    provenance = by_check(result)["provenance"]
    assert provenance["status"] == "unknown" and "inconclusive" in provenance["detail"]
    assert by_check(result)["publisher"]["status"] == "unknown"
    assert result.json["meta"]["api_version"] == api_version


def test_api_versions_compare_as_versions_not_strings(stub):
    stub.index.api_version = "1.10"  # "1.10" < "1.3" as strings, but it is the newer version
    release(stub, provenance=lambda filename: None)
    result = verify(stub, "--offline-provenance", NAME, VERSION)
    assert result.returncode == 10
    assert by_check(result)["provenance"]["status"] == "fail"


def test_provenance_is_found_on_an_old_api_version_too(stub):
    stub.index.api_version = "1.1"
    release(stub)
    result = verify(stub, "--offline-provenance", *EXPECT, NAME, VERSION)
    assert result.returncode == 0, result.stdout


def test_only_some_files_have_provenance(stub):
    release(stub, provenance=lambda filename: attestation_provenance(*PUBLISHER) if filename == SDIST else None)
    result = verify(stub, "--offline-provenance", *EXPECT, NAME, VERSION)
    assert result.returncode == 10
    rows = {row["filename"]: row["status"] for row in by_check(result)["provenance"]["files"]}
    assert rows == {SDIST: "pass", WHEEL: "fail"}


# ----------------------------------------------------------------------------- publisher

@pytest.mark.parametrize("field, attested", [
    ("workflow", {"workflow": "release.yml"}),
    ("repository", {"repository": "someone-else/demo-package"}),
    ("environment", {"environment": "staging"}),
    ("environment", {"environment": None}),
])
def test_publisher_that_differs_is_a_problem(stub, field, attested):
    values = dict(zip(("repository", "workflow", "environment"), PUBLISHER), **attested)
    release(stub, provenance=signed(**values))
    result = verify(stub, "--offline-provenance", *EXPECT, NAME, VERSION)
    assert result.returncode == 10
    publisher = by_check(result)["publisher"]
    assert publisher["status"] == "fail" and f"{field} is" in publisher["detail"]


def test_publisher_comparison_ignores_case_where_github_does(stub):
    release(stub, provenance=signed(repository="Octo-Org/Demo-Package", environment="PyPI"))
    result = verify(stub, "--offline-provenance", *EXPECT, NAME, VERSION)
    assert result.returncode == 0, result.stdout


def test_environment_empty_string_expects_none(stub):
    release(stub, provenance=signed(environment=None))
    result = verify(stub, "--offline-provenance", "--repository", PUBLISHER[0], "--workflow", PUBLISHER[1],
                    "--environment", "", NAME, VERSION)
    assert result.returncode == 0, result.stdout


def test_nothing_expected_reports_the_publisher_and_skips(stub, tmp_path):
    release(stub)
    result = verify(stub, "--offline-provenance", NAME, VERSION, cwd=tmp_path)
    assert result.returncode == 0
    publisher = by_check(result)["publisher"]
    assert publisher["status"] == "skip" and "octo-org/demo-package publish.yml" in publisher["detail"]


def test_a_gitlab_publisher_is_not_the_expected_github_one(stub):
    release(stub, provenance=lambda filename: attestation_provenance("octo-org/demo-package", "publish.yml",
                                                                       "pypi", kind="GitLab"))
    result = verify(stub, "--offline-provenance", *EXPECT, NAME, VERSION)
    assert result.returncode == 10
    assert "kind is 'GitLab'" in by_check(result)["publisher"]["detail"]


# ----------------------------------------------------------------------------- network faults

SIMPLE_FAULTS = [
    ("html", {}),
    ("malformed", {}),
    ("truncated", {}),
    ("close", {}),
    ("status", {"status": 500}),
    ("status", {"status": 503}),
    ("rate-limit", {"status": 429}),
    ("status", {"status": 403}),
    ("latency", {"seconds": 3}),
]


@pytest.mark.parametrize("kind, settings", SIMPLE_FAULTS, ids=[f"{k}-{s}" for k, s in SIMPLE_FAULTS])
def test_simple_api_faults_are_unknown(stub, kind, settings):
    release(stub)
    stub.fault(kind, r"^/simple/", **settings)
    result = verify(stub, "--offline-provenance", *EXPECT, NAME, VERSION, env={"PYPI_OPS_HTTP_TIMEOUT": "1"})
    assert result.returncode == 7, result.stdout + result.stderr
    checks = by_check(result)
    assert checks["live"]["status"] == "unknown"
    assert {item["status"] for item in result.json["data"]} <= {"unknown", "skip"}
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("kind, settings", SIMPLE_FAULTS, ids=[f"{k}-{s}" for k, s in SIMPLE_FAULTS])
def test_integrity_api_faults_are_unknown(stub, kind, settings):
    release(stub)
    stub.fault(kind, r"^/integrity/.*\.whl/", **settings)
    result = verify(stub, "--offline-provenance", *EXPECT, NAME, VERSION, env={"PYPI_OPS_HTTP_TIMEOUT": "1"})
    assert result.returncode == 7, result.stdout + result.stderr
    rows = {row["filename"]: row["status"] for row in by_check(result)["provenance"]["files"]}
    assert rows == {SDIST: "pass", WHEEL: "unknown"}


def test_faults_during_wait_are_retried(stub):
    release(stub)
    stub.fault("status", r"^/simple/", status=503, times=2)
    result = verify(stub, "--wait", "20", "--offline-provenance", *EXPECT, NAME, VERSION)
    assert result.returncode == 0, result.stdout
    assert stub.paths().count("/simple/demo-package/") == 3


@pytest.mark.parametrize("python_fault", ["html", "close"])
def test_faults_under_each_python(stub, python, python_fault):
    release(stub)
    stub.fault(python_fault, r"^/simple/")
    result = verify(stub, "--offline-provenance", NAME, VERSION, python=python)
    assert result.returncode == 7 and "Traceback" not in result.stderr


def test_unreachable_index_is_unknown(tmp_path):
    result = run_script(SCRIPT, "--json", "--index-url", "http://127.0.0.1:9", "--offline-provenance", NAME, VERSION)
    assert result.returncode == 7
    assert result.json["data"][0]["status"] == "unknown"


# ----------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("args, code, message", [
    ((NAME, "not a version"), 3, "not a PEP 440 version"),
    (("a", "b", "c"), 2, "NAME VERSION or one PATH"),
    (("--wait", "-1", NAME, VERSION), 2, "--wait"),
    (("--repository", "nobody", NAME, VERSION), 2, "OWNER/REPO"),
    (("--testpypi", "--index-url", "https://example.org", NAME, VERSION), 2, "not both"),
    (("--index-url", "ftp://example.org", NAME, VERSION), 2, "not http(s)"),
])
def test_bad_arguments(args, code, message):
    result = run_script(SCRIPT, "--json", *args)
    assert result.returncode == code
    assert message in result.json["error"]["message"]
    assert "Traceback" not in result.stderr
