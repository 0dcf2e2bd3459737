"""diagnose-publish.py: the uploader that cannot read a Metadata-Version, other clients and indexes, failures said
without GitHub's markers, and the step an error belongs to (issues 10 and 13). Logs are the real ones in
tests/fixtures/diagnose/real/ (each names its thread in its first line)."""

from __future__ import annotations

import csv

import pytest

from conftest import ROOT, run_script

REAL = ROOT / "tests" / "fixtures" / "diagnose" / "real"
SCRIPT = "diagnose-publish.py"
V1142 = "dc37677b2e1c63e2034f94d8a5b11f265b73ba33"
with open(REAL / "expected.tsv", encoding="utf-8", newline="") as _handle:
    CASES = list(csv.DictReader(_handle, delimiter="\t"))


def diagnose(name, *args):
    result = run_script(SCRIPT, "--json", *args, REAL / name)
    assert "Traceback" not in result.stderr, result.stderr
    return result, result.json


def test_every_real_log_names_its_thread_in_its_header_and_the_index_agrees():
    for case in CASES:
        first = (REAL / case["file"]).read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# source: {case['source']}", case["file"]


def test_enough_real_logs_and_every_failing_one_exits_10_or_11():
    assert len(CASES) >= 120
    failing = [case for case in CASES if case["primary"]]
    assert all(case["exit"] in ("10", "11") for case in failing)
    assert sum(case["exit"] == "0" for case in CASES) == len(CASES) - len(failing)


# -- issue 10: "the uploader cannot read this Metadata-Version" in every form -------------------------------------
@pytest.mark.parametrize("name", ["client-too-old-25-wrapped-raw.log", "client-too-old-25-oneline-ui.log",
                                  "client-too-old-25-pasted.log", "client-too-old-25-action-v1141-raw.log",
                                  "client-too-old-24-twine5-terminal.log", "client-too-old-23-check-terminal.log",
                                  "client-too-old-raw.log"])
def test_the_uploader_refusing_a_metadata_version_pypi_accepts_is_client_too_old(name):
    result, document = diagnose(name)
    assert result.returncode == 10
    assert [finding["class"] for finding in document["data"]["findings"]] == ["CLIENT_TOO_OLD_FOR_METADATA"]
    assert "the files" in document["data"]["fix"] and "fine" in document["data"]["fix"]


def test_the_fix_names_the_action_release_the_log_shows_and_the_one_to_move_to():
    _, document = diagnose("client-too-old-25-action-v1141-raw.log")
    fix = document["data"]["fix"]
    assert "pypa/gh-action-pypi-publish@v1.14.1" in fix and "ba38be9e461d3875417946c167d0b5f3d385a247" in fix
    assert "twine 6.1.0" in fix and f"pypa/gh-action-pypi-publish@{V1142}  # v1.14.2" in fix
    reader = document["meta"]["reader"]
    assert reader["action_ref"] == "v1.14.1" and reader["action_release"] == "v1.14.1"
    assert reader["bundled_twine"] == "twine 6.1.0"


def test_a_moving_ref_and_a_twine_version_are_named_too():
    _, moving = diagnose("client-too-old-25-wrapped-raw.log")
    assert "`release-v1` is a moving ref" in moving["data"]["fix"] and V1142 in moving["data"]["fix"]
    _, twine = diagnose("client-too-old-25-twine-620-terminal.log")
    assert "twine 6.2.0" in twine["data"]["fix"] and "twine>=7.0.0" in twine["data"]["fix"]
    assert twine["meta"]["reader"]["twine"] == "6.2.0"
    _, baipp = diagnose("client-too-old-25-baipp-pasted.log")
    assert "build-and-inspect-python-package" in baipp["data"]["fix"]


def test_the_action_seen_in_a_clean_chunk_long_before_the_failure_is_still_named(tmp_path):
    body = (REAL / "client-too-old-25-action-v1141-raw.log").read_text(encoding="utf-8").splitlines()
    noise = ["2026-08-28T14:02:30.0000000Z copying src/demo_package/__init__.py -> build/lib/demo_package"] * 20000
    log = tmp_path / "run.log"
    log.write_text("\n".join(body[:2] + noise + body[2:]) + "\n", encoding="utf-8")
    result = run_script(SCRIPT, "--json", log)
    assert result.json["data"]["class"] == "CLIENT_TOO_OLD_FOR_METADATA"
    assert "v1.14.1" in result.json["data"]["fix"]


@pytest.mark.parametrize("name,expected", [("metadata-invalid-22-server-terminal.log", "METADATA_INVALID"),
                                           ("metadata-too-new-uv.log", "METADATA_FIELD_TOO_NEW_FOR_VERSION"),
                                           ("metadata-too-new-twine-gitlab.log", "METADATA_FIELD_TOO_NEW_FOR_VERSION")])
def test_what_pypi_itself_refuses_and_fields_too_new_stay_what_they_are(name, expected):
    _, document = diagnose(name)
    assert document["data"]["class"] == expected


def test_a_client_refusing_a_version_pypi_refuses_too_is_invalid_metadata():
    log = ("Checking dist/demo-1.0-py3-none-any.whl: ERROR    InvalidDistribution: Invalid distribution metadata: "
           "'2.0' is not a valid metadata version\n")
    result = run_script(SCRIPT, "--json", "-", stdin=log)
    assert result.json["data"]["class"] == "METADATA_INVALID"


# -- issue 13: clients, indexes, and the fix where the index differs from PyPI ------------------------------------
@pytest.mark.parametrize("name,client,index", [
    ("version-exists-artifactory-overwrite-verbose.log", "twine", "artifactory"),
    ("version-exists-nexus-postgres.log", "twine", "nexus"),
    ("version-exists-azure-uv.log", "uv", "azure-artifacts"),
    ("version-exists-codeartifact-409.log", "twine", "codeartifact"),
    ("version-exists-gitlab-ee.log", "twine", "gitlab"),
    ("version-exists-poetry-nexus.log", "poetry", "nexus"),
    ("anaconda-conflict-old.log", "anaconda-client", "anaconda"),
    ("devpi-mirror-no-upload.log", "devpi-client", "devpi"),
    ("pdm-artifactory-405.log", "pdm", "artifactory"),
    ("hatch-opaque-400-terminal.log", "hatch", "testpypi"),
    ("flit-opaque-400-traceback.log", "flit", "testpypi"),
    ("maturin-upload-forbidden-terminal.log", "maturin", "pypi"),
    ("setuptools-upload-nexus.log", "setuptools", "nexus"),
    ("client-too-old-25-action-v1141-raw.log", "gh-action-pypi-publish", None),
])
def test_meta_says_which_client_and_index_and_the_report_says_it_first(name, client, index):
    _, document = diagnose(name)
    assert (document["meta"]["client"], document["meta"]["index"]) == (client, index)
    text = run_script(SCRIPT, REAL / name)
    assert text.stderr.splitlines()[0] == f"client: {client or 'not recognised'}; index: {index or 'not recognised'}"


@pytest.mark.parametrize("name,words", [
    ("version-exists-artifactory-overwrite-verbose.log", "Delete/Overwrite permission"),
    ("version-exists-nexus-orientdb-html.log", "allow redeploy"),
    ("version-exists-azure-old-twine.log", "immutable"),
    ("version-exists-codeartifact-409.log", "--skip-existing"),
    ("version-exists-pypiserver-409-old.log", "--overwrite"),
    ("version-exists-gitlab-ee.log", "Package Registry"),
    ("client-too-old-artifactory-enum.log", "upgrade Artifactory"),
])
def test_the_fix_names_the_index_where_it_differs_from_pypi(name, words):
    _, document = diagnose(name)
    assert words in document["data"]["fix"], document["data"]["fix"]


def test_pypi_keeps_the_general_fix():
    _, document = diagnose("version-exists-ui.log")
    assert document["meta"]["index"] == "pypi" and "skip-existing" in document["data"]["fix"]


# -- failures said without GitHub's markers never exit 0 ------------------------------------------------------------
@pytest.mark.parametrize("log", [
    "Traceback (most recent call last):\n  File \"x.py\", line 1, in <module>\nRuntimeError: the upload broke\n",
    "Uploading distributions to https://upload.pypi.org/legacy/\nTypeError: must be convertible to a buffer\n",
    "ConnectionError: HTTPSConnectionPool(host='example.org', port=443): Max retries exceeded with url: /\n",
    "Traceback (most recent call last):\n  File \"/usr/bin/twine\", line 8, in <module>\n    sys.exit(main())\n",
    "Command '['twine', 'upload', 'dist/x.whl']' returned non-zero exit status 1.\n",
    "ERROR: Job failed: exit code 1\n",
    "Error uploading to repository: https://example.org/ - Client error '418 I'm a teapot' for url\n",
    "[PublishError]: 418 Client Error: I'm a teapot for url: https://example.org/\n",
    "Upload failed (418): I'm a teapot\n",
])
def test_a_failure_in_a_clients_own_words_is_never_no_failure(log):
    result = run_script(SCRIPT, "--json", "-", stdin=log)
    assert result.returncode in (10, 11), result.stdout


@pytest.mark.parametrize("log", [
    "Uploading distributions to https://upload.pypi.org/legacy/\nView at:\nhttps://pypi.org/project/demo/1.0/\n",
    "WARNING: Retrying (Retry(total=4)) after connection broken by 'NewConnectionError()': /simple/demo/\n"
    "Successfully installed demo-1.0\n",
    "$ grep -c 'Upload failed' upload.log\n0\n",
])
def test_successful_logs_mentioning_failure_words_stay_clean(log):
    result = run_script(SCRIPT, "--json", "-", stdin=log)
    assert result.returncode == 0, result.stdout


# -- the step an error belongs to ------------------------------------------------------------------------------------
def test_an_upload_error_in_a_job_that_also_built_is_not_a_build_failure():
    _, upload = diagnose("maturin-upload-dist-invalid-build-job.log")
    assert [finding["class"] for finding in upload["data"]["findings"]] == ["DIST_FILE_INVALID"]
    _, build = diagnose("maturin-build-failed-action.log")
    assert build["data"]["class"] == "BUILD_FAILED"


def test_a_commit_pin_is_mapped_through_the_release_table():
    pin = "cef221092ed1bacb1cc03d23a2d87d1d172e277b"  # v1.14.0 (FACTS: pypa/twine#1307)
    log = (f"2026-08-10T10:00:00.0000000Z ##[group]Run pypa/gh-action-pypi-publish@{pin}\n"
           "2026-08-10T10:00:00.1000000Z with:\n2026-08-10T10:00:00.2000000Z ##[endgroup]\n"
           "2026-08-10T10:00:05.0000000Z Checking dist/demo-1.0-py3-none-any.whl: ERROR    InvalidDistribution: "
           "Invalid distribution metadata: '2.5' is not a\n"
           "2026-08-10T10:00:05.0000001Z          valid metadata version\n"
           "2026-08-10T10:00:05.1000000Z ##[error]Process completed with exit code 1.\n")
    result = run_script(SCRIPT, "--json", "-", stdin=log)
    assert result.json["data"]["class"] == "CLIENT_TOO_OLD_FOR_METADATA"
    assert result.json["meta"]["reader"]["action_release"] == "v1.14.0"
    assert "v1.14.0 bundles twine 6.x" in result.json["data"]["fix"] and V1142 in result.json["data"]["fix"]


def test_a_5xx_retry_before_file_exists_says_the_first_attempt_may_have_stored_it():
    _, document = diagnose("version-exists-legacy-pypi-2016.log")
    assert [finding["class"] for finding in document["data"]["findings"]] == ["VERSION_EXISTS", "INDEX_SERVER_ERROR"]
    assert "first attempt may have stored the file" in document["data"]["fix"]
