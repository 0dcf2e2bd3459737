"""verify-release.py's continuity check and --history, on real provenance objects served by the local index
stand-in (tests/fixtures/verify/real/README.md says where each comes from), plus modelled releases."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from conftest import git, run_script
from stubs import attestation_provenance

SCRIPT = "verify-release.py"
REAL = Path(__file__).parent / "fixtures" / "verify" / "real"
INTEGRITY = "application/vnd.pypi.integrity.v1+json"
SIMPLE = "application/vnd.pypi.simple.v1+json"


def fixture(name, stub):
    return json.loads((REAL / name).read_text().replace("https://pypi.org", stub.url))


def integrity_path(project, version, filename):
    return f"/integrity/{project}/{version}/{filename}/provenance"


def sample_history(stub):
    """3.0.0 no provenance; 4.0.0 pypa/sampleproject release.yml (real); 4.1.0 publish.yml + environment pypi
    (the second publisher); 4.2.0 `provenance: null` (what a stolen-token upload leaves)."""
    stub.serve("/simple/sampleproject/", fixture("simple-pypi-publisher-history.json", stub), content_type=SIMPLE)
    stub.serve(integrity_path("sampleproject", "4.0.0", "sampleproject-4.0.0.tar.gz"),
               fixture("integrity-github-sampleproject.json", stub), content_type=INTEGRITY)
    stub.serve(integrity_path("sampleproject", "4.1.0", "sampleproject-4.1.0.tar.gz"),
               fixture("integrity-github-second-publisher.json", stub), content_type=INTEGRITY)


def gitlab_history(stub):
    """1.0.0 GitLab octo-group/tools/demo-package; 1.0.1 yanked, `provenance: null`."""
    stub.serve("/simple/demo-package/", fixture("simple-pypi-gitlab-published.json", stub), content_type=SIMPLE)
    stub.serve(integrity_path("demo-package", "1.0.0", "demo_package-1.0.0.tar.gz"),
               fixture("integrity-gitlab.json", stub), content_type=INTEGRITY)


def history(stub, name, *args, python=None, cwd=None, env=None):
    return run_script(SCRIPT, "--index-url", stub.url, "--history", name, *args, python=python, cwd=cwd, env=env)


def rows(result):
    return {row["version"]: row for row in result.json["data"]}


def kinds(row):
    return [item["kind"] for item in row["breaks"]]


def signed(repository="octo-org/demo-package", workflow="publish.yml", environment="pypi"):
    return lambda filename: attestation_provenance(repository, workflow, environment)


def model(stub, releases, name="demo-package"):
    """Releases in upload order: [(version, provenance callable or None)]; one day apart."""
    for day, (version, provenance) in enumerate(releases, start=1):
        stub.index.add_release(name, version, provenance=provenance, upload_time=f"2025-01-{day:02d}T12:00:00.000000Z")


# ----------------------------------------------------------------------------- --history on real shapes

def test_history_marks_the_stolen_token_release_and_the_publisher_change(stub, python):
    sample_history(stub)
    result = history(stub, "sampleproject", "--json", python=python)
    assert result.returncode == 10, result.stdout + result.stderr
    assert [row["version"] for row in result.json["data"]] == ["4.2.0", "4.1.0", "4.0.0", "3.0.0"]  # newest first
    found = rows(result)
    assert kinds(found["4.2.0"]) == ["provenance-missing"] and found["4.2.0"]["provenance"] == "none"
    assert "4.1.0 had it" in found["4.2.0"]["breaks"][0]["detail"] and found["4.2.0"]["reference"] == "4.1.0"
    assert kinds(found["4.1.0"]) == ["publisher-changed"]
    detail = found["4.1.0"]["breaks"][0]["detail"]
    assert "4.0.0 was the last release published by GitHub: pypa/sampleproject release.yml" in detail
    assert "publish.yml" in detail and "differs: workflow" in detail
    assert found["4.0.0"]["breaks"] == [] and found["3.0.0"]["breaks"] == []
    assert found["4.0.0"]["publishers"] == [{"kind": "GitHub", "repository": "pypa/sampleproject",
                                             "workflow": "release.yml", "environment": None}]
    assert found["3.0.0"]["provenance"] == "none" and found["3.0.0"]["publishers"] == []
    assert found["4.0.0"]["uploaded"] == "2024-11-06T22:37:08.946574Z" and found["4.0.0"]["files"] == 1
    meta = result.json["meta"]
    assert (meta["mode"], meta["breaks"], meta["releases"], meta["total"], meta["exit"]) == ("history", 2, 4, 4, 10)
    assert meta["api_version"] == "1.4" and meta["schema"] == "pypi-ops.verify-release/v1"
    # `provenance: null` is read from the page; only the two attested releases are asked
    assert sorted(p for p in stub.paths() if p.startswith("/integrity/")) == [
        integrity_path("sampleproject", "4.0.0", "sampleproject-4.0.0.tar.gz"),
        integrity_path("sampleproject", "4.1.0", "sampleproject-4.1.0.tar.gz")]


def test_history_text_records_and_report(stub):
    sample_history(stub)
    result = history(stub, "sampleproject")
    assert result.returncode == 10
    records = [line.split("\t") for line in result.stdout.splitlines()]
    assert [record[0] for record in records] == ["4.2.0", "4.1.0", "4.0.0", "3.0.0"]
    assert all(len(record) == 6 for record in records)
    assert records[0][3:] == ["no", "-", "BREAK provenance-missing"]
    assert records[2][3] == "yes" and records[2][4] == "GitHub: pypa/sampleproject release.yml"
    assert "BREAK 4.2.0 provenance-missing" in result.stderr and "BREAK: 2 continuity break(s)" in result.stderr
    quiet = history(stub, "sampleproject", "-q")
    assert quiet.stderr == "" and quiet.stdout == result.stdout


def test_history_markdown_is_a_table_for_the_job_summary(stub):
    sample_history(stub)
    result = history(stub, "sampleproject", "--markdown")
    assert result.returncode == 10
    lines = result.stdout.splitlines()
    assert "| version | uploaded | files | provenance | publisher | marks |" in lines
    assert "| 4.2.0 | 2025-06-02T17:05:12.880135Z | 1 | no | - | **BREAK provenance-missing** |" in lines
    assert any(line.startswith("- BREAK 4.1.0 publisher-changed:") for line in lines)
    assert "**BREAK: 2 continuity break(s) in the last 4 release(s)**" in lines


def test_gitlab_release_without_provenance_after_an_attested_one(stub):
    gitlab_history(stub)
    result = history(stub, "demo-package", "--json")
    assert result.returncode == 10
    found = rows(result)
    assert kinds(found["1.0.1"]) == ["provenance-missing"] and found["1.0.1"]["yanked"] is True
    assert "GitLab: octo-group/tools/demo-package .gitlab-ci.yml (environment pypi)" in \
        found["1.0.1"]["breaks"][0]["detail"]


def test_accepted_break_is_shown_but_does_not_fail(stub):
    gitlab_history(stub)
    result = history(stub, "demo-package", "--json", "--accept", "1.0.1")
    assert result.returncode == 0, result.stdout
    assert rows(result)["1.0.1"]["breaks"][0]["accepted"] is True
    assert result.json["meta"]["accepted"] == ["1.0.1"] and result.json["meta"]["breaks"] == 0
    text = history(stub, "demo-package", "--accept", "1.0.1")
    assert "accepted provenance-missing" in text.stdout and "yanked" in text.stdout


def test_mirror_without_provenance_is_unclear_not_continuous(stub, python):
    stub.serve("/simple/demo-package/", fixture("simple-api-1.0-devpi.json", stub), content_type=SIMPLE)
    result = history(stub, "demo-package", "--json", python=python)
    assert result.returncode == 7, result.stdout
    row = rows(result)["1.0.0"]
    assert row["provenance"] == "unknown" and "inconclusive" in row["unknown"]
    assert result.json["meta"]["verdict"].startswith("UNCLEAR")


# ----------------------------------------------------------------------------- --history on modelled releases

def test_environment_change_is_a_note_not_a_break(stub):
    model(stub, [("1.0.0", signed()), ("1.1.0", signed(environment="release"))])
    result = history(stub, "demo-package", "--json")
    assert result.returncode == 0, result.stdout
    assert rows(result)["1.1.0"]["notes"] == ["environment changed from pypi to release (1.0.0 had pypi)"]


def test_some_files_without_provenance_after_a_fully_attested_release(stub):
    model(stub, [("1.0.0", signed())])
    stub.index.add_release("demo-package", "1.1.0", upload_time="2025-02-01T00:00:00Z",
                           provenance=lambda f: attestation_provenance("octo-org/demo-package", "publish.yml", "pypi")
                           if f.endswith(".tar.gz") else None)
    result = history(stub, "demo-package", "--json")
    assert result.returncode == 10
    row = rows(result)["1.1.0"]
    assert row["provenance"] == "partial" and kinds(row) == ["provenance-partial"]
    assert "1 of 2 file(s) without provenance" in row["breaks"][0]["detail"]


def test_a_release_after_a_break_is_compared_with_the_last_attested_one(stub):
    model(stub, [("1.0.0", signed()), ("1.0.1", None), ("1.0.2", signed())])
    found = rows(history(stub, "demo-package", "--json"))
    assert kinds(found["1.0.1"]) == ["provenance-missing"] and found["1.0.2"]["breaks"] == []
    assert found["1.0.2"]["reference"] == "1.0.0"


def test_never_attested_project_is_continuous_with_nothing_to_continue(stub):
    model(stub, [("1.0.0", None), ("1.1.0", None)])
    result = history(stub, "demo-package", "--json")
    assert result.returncode == 0
    assert "none of the last 2 release(s) carries provenance" in result.json["meta"]["verdict"]


def test_limit_shows_and_asks_only_the_newest(stub):
    model(stub, [(f"1.{minor}.0", signed()) for minor in range(30)])
    result = history(stub, "demo-package", "--json", "--limit", "5")
    assert result.returncode == 0
    assert [row["version"] for row in result.json["data"]] == ["1.29.0", "1.28.0", "1.27.0", "1.26.0", "1.25.0"]
    assert len([p for p in stub.paths() if p.startswith("/integrity/")]) == 5
    assert result.json["meta"]["total"] == 30


def test_all_files_asks_every_attested_file(stub):
    model(stub, [("1.0.0", signed()), ("1.1.0", signed())])
    history(stub, "demo-package", "--json", "--all-files")
    assert len([p for p in stub.paths() if p.startswith("/integrity/")]) == 4


def test_default_is_twenty_releases_asked_concurrently(stub):
    model(stub, [(f"1.{minor}.0", signed()) for minor in range(25)])
    stub.latency = 0.2
    start = time.monotonic()
    result = history(stub, "demo-package", "--json")
    elapsed = time.monotonic() - start
    assert result.returncode == 0 and len(result.json["data"]) == 20
    # 20 provenance requests at 200 ms each would take 4 s one after another
    assert elapsed < 2.5, elapsed
    spans = [(s, e) for path, s, e in stub.intervals if path.startswith("/integrity/")]
    assert max(sum(1 for s, e in spans if s <= start_ < e) for start_, _ in spans) > 5


def test_one_timeout_bounds_the_whole_run(stub):
    model(stub, [("1.0.0", signed()), ("1.1.0", signed())])
    stub.fault("latency", r"^/integrity/", seconds=8)
    start = time.monotonic()
    result = history(stub, "demo-package", "--json", "--timeout", "1")
    assert time.monotonic() - start < 4
    assert result.returncode == 7
    assert all(row["unknown"] for row in result.json["data"])


def test_provenance_that_cannot_be_read_is_unknown(stub):
    model(stub, [("1.0.0", signed()), ("1.1.0", signed())])
    stub.fault("status", r"/1\.1\.0/", status=503)
    result = history(stub, "demo-package", "--json")
    assert result.returncode == 7
    assert rows(result)["1.1.0"]["unknown"] and rows(result)["1.0.0"]["unknown"] is None


@pytest.mark.parametrize("fault, code", [({"kind": "status", "status": 500}, 7), ({"kind": "html"}, 7),
                                         ({"kind": "malformed"}, 7), ({"kind": "close"}, 7)])
def test_unclear_index_is_exit_7(stub, fault, code):
    model(stub, [("1.0.0", signed())])
    stub.fault(pattern=r"^/simple/", **fault)
    result = history(stub, "demo-package", "--json")
    assert result.returncode == code and result.json["data"] == []
    assert result.json["meta"]["index_state"] == "unknown"


def test_unknown_project_is_a_problem(stub):
    result = history(stub, "no-such-project", "--json")
    assert result.returncode == 10 and result.json["meta"]["index_state"] == "no-project"


def test_credentials_in_the_index_url_are_never_printed(stub):
    model(stub, [("1.0.0", signed())])
    url = stub.url.replace("http://", "http://user:s3cret-token@")
    result = run_script(SCRIPT, "--json", "--index-url", url, "--history", "demo-package")
    assert result.returncode == 0 and "s3cret-token" not in result.stdout + result.stderr
    assert result.json["meta"]["index"].startswith("http://***@")


@pytest.mark.parametrize("args", [
    ("--history", "demo-package", "demo-package", "1.0"),
    ("--history", "demo-package", "--limit", "0"),
    ("--history", "demo-package", "--limit", "x"),
    ("--history", "demo-package", "--timeout", "0"),
    ("--history", "demo-package", "--accept", "not a version"),
    ("--history", "demo-package", "--json", "--markdown"),
    ("--history", "not a name"),
    ("--history", "demo-package", "--repository", "octo-org/demo-package"),
    ("--history", "demo-package", "--wait", "5"),
    ("--markdown", "demo-package", "1.0"),
    ("--limit", "5", "demo-package", "1.0"),
])
def test_usage_errors(stub, args):
    result = run_script(SCRIPT, "--index-url", stub.url, *args)
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


# ----------------------------------------------------------------------------- git tags of the checkout

def checkout_with_tags(tmp_path, tags):
    repo = tmp_path / "sampleproject"
    repo.mkdir()
    (repo / "pyproject.toml").write_text('[project]\nname = "sampleproject"\nversion = "4.2.0"\n', encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "initial")
    for tag in tags:
        git(repo, "tag", tag)
    return repo


def test_releases_without_a_matching_tag_are_marked_inside_the_checkout(stub, tmp_path):
    sample_history(stub)
    repo = checkout_with_tags(tmp_path, ["v3.0.0", "4.0.0", "sampleproject-v4.1", "unrelated"])
    result = history(stub, "sampleproject", "--json", cwd=repo)
    found = rows(result)
    assert {version: row["tag"] for version, row in found.items()} == {
        "4.2.0": False, "4.1.0": True, "4.0.0": True, "3.0.0": True}
    assert result.json["meta"]["checkout"] == "."
    text = history(stub, "sampleproject", cwd=repo)
    assert "BREAK provenance-missing, no-tag" in text.stdout and "no-tag 4.2.0: no git tag" in text.stderr


def test_checkout_flag_and_outside_a_checkout(stub, tmp_path):
    sample_history(stub)
    repo = checkout_with_tags(tmp_path, ["v4.2.0"])
    flagged = rows(history(stub, "sampleproject", "--json", "--checkout", repo, cwd=tmp_path))
    assert flagged["4.2.0"]["tag"] is True and flagged["4.0.0"]["tag"] is False
    outside = history(stub, "sampleproject", "--json", cwd=tmp_path)
    assert all(row["tag"] is None for row in outside.json["data"]) and outside.json["meta"]["checkout"] is None
    missing = history(stub, "sampleproject", "--json", "--checkout", tmp_path / "nope")
    assert missing.returncode == 3


# ----------------------------------------------------------------------------- the continuity check of one release

def verify(stub, *args, python=None):
    return run_script(SCRIPT, "--json", "--offline-provenance", "--index-url", stub.url, *args, python=python)


def continuity(result):
    return {item["check"]: item for item in result.json["data"]}["continuity"]


def test_release_without_provenance_after_attested_ones_fails(stub, python):
    sample_history(stub)
    result = verify(stub, "sampleproject", "4.2.0", python=python)
    assert result.returncode == 10
    found = continuity(result)
    assert found["status"] == "fail" and found["reference"] == "4.1.0"
    assert "4.1.0 had it (the last release with provenance, published by GitHub: pypa/sampleproject publish.yml" \
        in found["detail"]


def test_other_publisher_than_the_release_before_fails_naming_it(stub):
    sample_history(stub)
    result = verify(stub, "sampleproject", "4.1.0")
    found = continuity(result)
    assert found["status"] == "fail" and result.returncode == 10
    assert "4.0.0 was the last release published by GitHub: pypa/sampleproject release.yml" in found["detail"]
    assert "--repository/--workflow" in found["detail"]


def test_an_explicit_expectation_lets_the_publisher_check_decide(stub):
    sample_history(stub)
    flags = ("--repository", "pypa/sampleproject", "--workflow", "publish.yml", "--environment", "pypi")
    result = verify(stub, *flags, "sampleproject", "4.1.0")
    found = {item["check"]: item for item in result.json["data"]}
    assert found["continuity"]["status"] == "pass" and "--repository, --workflow" in found["continuity"]["detail"]
    assert found["publisher"]["status"] == "pass"
    # the reused real statement names the 4.0.0 sdist, so the provenance check (not continuity) fails this one
    assert found["provenance"]["status"] == "fail" and "is for 'sampleproject-4.0.0.tar.gz'" in \
        found["provenance"]["detail"]


def test_same_publisher_as_the_release_before_passes(stub):
    model(stub, [("0.9.0", signed()), ("1.0.0", signed())])
    result = verify(stub, "demo-package", "1.0.0")
    assert result.returncode == 0, result.stdout
    assert continuity(result)["status"] == "pass" and continuity(result)["reference"] == "0.9.0"


def test_first_release_and_never_attested_history_skip(stub):
    model(stub, [("0.9.0", None), ("1.0.0", signed())])
    assert continuity(verify(stub, "demo-package", "0.9.0"))["status"] == "skip"
    found = continuity(verify(stub, "demo-package", "1.0.0"))
    assert found["status"] == "skip" and "none of the 1 earlier release(s)" in found["detail"]


def test_earlier_provenance_that_cannot_be_read_is_unknown(stub):
    model(stub, [("0.9.0", signed()), ("1.0.0", signed())])
    stub.fault("status", r"/0\.9\.0/", status=500)
    result = verify(stub, "demo-package", "1.0.0")
    assert result.returncode == 7 and continuity(result)["status"] == "unknown"


def test_old_api_index_that_serves_provenance_still_compares(stub):
    stub.index.api_version = "1.1"
    model(stub, [("0.9.0", signed(workflow="release.yml")), ("1.0.0", signed())])
    result = verify(stub, "demo-package", "1.0.0")
    found = continuity(result)
    assert found["status"] == "fail" and "0.9.0 was the last release published" in found["detail"]


def test_checkout_that_makes_no_provenance_expects_none(stub, git_repo, tmp_path):
    """The checkout's workflow uploads with `uv publish` and no attestation step: no provenance is expected, so
    its absence after attested releases is skip with the reason, not a fail."""
    model(stub, [("0.9.0", signed()), ("1.0.0", None)])
    project = tmp_path / "src"
    (project / ".github" / "workflows").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[project]\nname = "demo-package"\nversion = "1.0.0"\n', encoding="utf-8")
    (project / ".github" / "workflows" / "publish.yml").write_text(
        "on: push\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - run: uv publish\n",
        encoding="utf-8")
    repo = git_repo(project)
    result = verify(stub, repo)
    found = continuity(result)
    assert found["status"] == "skip" and "uv publish" in found["detail"], found


def test_upload_order_not_version_order(stub):
    """A backport uploaded after a newer release is compared with the release uploaded just before it."""
    model(stub, [("1.0.0", signed()), ("2.0.0", signed(workflow="release.yml")), ("1.0.1", signed())])
    result = history(stub, "demo-package", "--json")
    assert [row["version"] for row in result.json["data"]] == ["1.0.1", "2.0.0", "1.0.0"]
    found = rows(result)
    assert kinds(found["2.0.0"]) == ["publisher-changed"] and found["1.0.1"]["reference"] == "2.0.0"
    assert kinds(found["1.0.1"]) == ["publisher-changed"]  # back from release.yml to publish.yml


def test_without_upload_times_the_version_order_is_used(stub):
    stub.index.api_version = "1.0"  # no upload-time and no provenance key on such pages
    for version in ("2.0.0", "1.0.0", "1.5.0"):
        stub.index.add_release("demo-package", version, provenance=signed())
    result = history(stub, "demo-package", "--json")
    assert [row["version"] for row in result.json["data"]] == ["2.0.0", "1.5.0", "1.0.0"]
    # the Integrity API answers for every file, so the history is readable without the page's keys
    assert result.returncode == 0 and all(row["provenance"] == "all" for row in result.json["data"])
