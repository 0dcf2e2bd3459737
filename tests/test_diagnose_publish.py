"""diagnose-publish.py: classes in every log format, traps, causal order, secrets, inputs and `gh`."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest

from conftest import ROOT, run_script
from diagnose_logs import FORMATS, formats_of, render, snippets

SCRIPT = "diagnose-publish.py"
PLAYBOOK = ROOT / "references" / "recovery-playbook.md"
FACTS = Path("/work/shared/facts/diagnose-classes.tsv")
CLASS_CASES = [(path, fmt) for path in snippets("classes") for fmt in formats_of(path.read_text(encoding="utf-8"))]
TRAP_CASES = [(path, fmt) for path in snippets("traps") for fmt in FORMATS]


def diagnose(log, *args, python=None, env=None):
    """Run the script on a log given as text or bytes through stdin; return (result, json data or None)."""
    data = log.encode("utf-8") if isinstance(log, str) else log
    result = run_script(SCRIPT, "--json", *args, "-", python=python, env=env, stdin=data)
    assert "Traceback" not in result.stderr, result.stderr
    return result, result.json


def class_ids():
    return [line.split("\t")[0] for line in run_script(SCRIPT, "--list-classes").stdout.splitlines()]


def test_every_fixture_class_is_a_known_class_and_every_class_has_a_fixture():
    assert sorted(path.stem for path in snippets("classes")) == sorted(class_ids())
    assert len(class_ids()) == 52


def test_classes_match_the_projects_facts_when_present():
    if not FACTS.exists():
        pytest.skip("the shared facts are not on this machine")
    rows = FACTS.read_text(encoding="utf-8").splitlines()[1:]
    assert sorted(row.split("\t")[0] for row in rows if row.strip()) == sorted(class_ids())


def test_every_class_has_a_playbook_section_with_the_anchor_the_script_links():
    headings = set(re.findall(r"^#{2,3} (\S+)\s*$", PLAYBOOK.read_text(encoding="utf-8"), re.M))
    missing = [class_id for class_id in class_ids() if class_id not in headings]
    assert not missing, f"references/recovery-playbook.md lacks a section for {missing}"
    listed = run_script(SCRIPT, "--list-classes", "--json").json["data"]
    for entry in listed:  # GitHub's anchor for "### CLASS_ID" is the id in lower case
        assert entry["docs"] == f"references/recovery-playbook.md#{entry['class'].lower()}"
    text = PLAYBOOK.read_text(encoding="utf-8")
    for topic in ("Yank or delete", "14-day", "never reusable", "## Contents"):
        assert topic in text


@pytest.mark.parametrize("path,fmt", CLASS_CASES, ids=[f"{p.stem}-{f}" for p, f in CLASS_CASES])
def test_each_class_is_found_in_each_format(path, fmt):
    expected = path.stem
    result, document = diagnose(render(path.read_text(encoding="utf-8"), fmt))
    data = document["data"]
    assert data["class"] == expected, (data["class"], [f["class"] for f in data["findings"]])
    assert result.returncode == (11 if expected == "UNKNOWN_FAILURE" else 10)
    assert document["meta"]["found"] == len(data["findings"]) >= 1
    primary = data["findings"][0]
    assert primary["docs"] == f"references/recovery-playbook.md#{expected.lower()}"
    assert data["evidence"] == primary["evidence"] and primary["evidence"]
    for item in primary["evidence"]:
        assert isinstance(item["line"], int) and item["line"] >= 1
        assert "\x1b" not in item["text"] and "[31m" not in item["text"] and not item["text"].startswith("2026-")
        assert "\t" not in item["text"]


@pytest.mark.parametrize("path,fmt", TRAP_CASES, ids=[f"{p.stem}-{f}" for p, f in TRAP_CASES])
def test_traps_stay_clean(path, fmt):
    result, document = diagnose(render(path.read_text(encoding="utf-8"), fmt))
    assert result.returncode == 0, document["data"]["findings"]
    assert document["data"]["class"] is None and document["data"]["findings"] == []


def test_twine_wrapped_message_is_unwrapped_into_one_evidence_line():
    log = render((ROOT / "tests/fixtures/diagnose/classes/VERSION_EXISTS.txt").read_text(), "raw")
    _, document = diagnose(log)
    text = document["data"]["evidence"][0]["text"]
    assert "HTTPError: 400 Bad Request" in text and "File already exists ('demo_package-1.0.0-py3-none-any.whl'" in text
    assert "  " not in text.split("HTTPError")[1]


# -- causal order -----------------------------------------------------------------------------------
def _classes(document):
    return [finding["class"] for finding in document["data"]["findings"]]


def test_missing_oidc_token_is_the_cause_of_the_generic_exit_code():
    _, document = diagnose(render((ROOT / "tests/fixtures/diagnose/classes/OIDC_CONFIG.txt").read_text(), "raw"))
    assert _classes(document) == ["OIDC_CONFIG"]


def test_reusable_workflow_warning_explains_invalid_publisher():
    _, document = diagnose(render((ROOT / "tests/fixtures/diagnose/classes/TP_REUSABLE_WORKFLOW.txt").read_text(),
                                  "ui"))
    assert _classes(document) == ["TP_REUSABLE_WORKFLOW", "PENDING_PUBLISHER"]
    claims = document["data"]["presented_claims"]
    assert claims["workflow_ref"] != claims["job_workflow_ref"]
    assert claims["pending_publisher_form"]["reusable_workflow"] is True
    assert claims["pending_publisher_form"]["workflow"] == "publish.yml"


def test_differing_claims_alone_mark_a_reusable_workflow():
    snippet = (ROOT / "tests/fixtures/diagnose/classes/TP_REUSABLE_WORKFLOW.txt").read_text()
    snippet = "\n".join(line for line in snippet.splitlines() if not line.startswith("::warning::"))
    _, document = diagnose(render(snippet, "gh"))
    assert _classes(document)[:2] == ["TP_REUSABLE_WORKFLOW", "PENDING_PUBLISHER"]


def test_claims_give_the_pending_publisher_form():
    _, document = diagnose(render((ROOT / "tests/fixtures/diagnose/classes/PENDING_PUBLISHER.txt").read_text(), "raw"))
    claims = document["data"]["presented_claims"]
    assert claims["sub"] == "repo:octo-org/demo-package:environment:pypi"
    assert claims["repository_owner"] == "octo-org" and claims["ref"] == "refs/tags/v1.0.0"
    assert claims["pending_publisher_form"] == {
        "owner": "octo-org", "repository": "demo-package", "workflow": "release.yml", "environment": "pypi",
        "reusable_workflow": False, "caller_workflow": "release.yml"}


def test_uv_claims_dump_and_missing_environment():
    log = ("error: Failed to obtain token for trusted publishing\n"
           "  Caused by: Server returned error code 422 Unprocessable Entity, is trusted publishing correctly "
           "configured?\n"
           'Response: {"errors":[{"code":"invalid-publisher","description":"valid token, but no corresponding '
           'publisher (Publisher with matching claims was not found)"}],"message":"Token request failed"}\n\n'
           "Token claims, which must match the publisher configuration: GitHub(\n"
           "    GitHubTokenClaims {\n"
           '        sub: "repo:octo-org/demo-package:ref:refs/tags/v1.0.0", repository: "octo-org/demo-package", '
           'repository_owner: "octo-org", repository_owner_id: "1234567",\n'
           '        job_workflow_ref: "octo-org/demo-package/.github/workflows/release.yml@refs/tags/v1.0.0", '
           'ref: "refs/tags/v1.0.0", environment: None,\n    },\n)\n')
    result, document = diagnose(log)
    assert result.returncode == 10 and document["data"]["class"] == "PENDING_PUBLISHER"
    form = document["data"]["presented_claims"]["pending_publisher_form"]
    assert form["workflow"] == "release.yml" and form["environment"] is None and form["owner"] == "octo-org"


def test_folder_refused_by_twine_is_misplaced_dists_not_an_invalid_file():
    _, document = diagnose(render(
        (ROOT / "tests/fixtures/diagnose/classes/DISTS_MISSING_OR_MISPLACED.txt").read_text(), "gh"))
    assert _classes(document) == ["DISTS_MISSING_OR_MISPLACED"]


def test_empty_password_makes_the_fallback_the_root_cause():
    _, document = diagnose(render(
        (ROOT / "tests/fixtures/diagnose/classes/TP_UNINTENDED_FALLBACK.txt").read_text(), "raw"))
    assert _classes(document) == ["TP_UNINTENDED_FALLBACK", "OIDC_CONFIG"]


def test_fork_explains_the_missing_token():
    _, document = diagnose(render(
        (ROOT / "tests/fixtures/diagnose/classes/TP_FORK_PULL_REQUEST.txt").read_text(), "ui"))
    assert _classes(document) == ["TP_FORK_PULL_REQUEST", "OIDC_CONFIG"]


def test_twine_check_failure_is_the_description_not_generic_metadata():
    _, document = diagnose(render(
        (ROOT / "tests/fixtures/diagnose/classes/DESCRIPTION_RENDER_FAILED.txt").read_text(), "raw"))
    assert _classes(document) == ["DESCRIPTION_RENDER_FAILED", "METADATA_INVALID"]


def test_bare_400_is_only_a_symptom_when_the_reason_is_elsewhere():
    log = ("HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/\n"
           "NOTE: Try --verbose to see response content.\n"
           "File already exists. See https://pypi.org/help/#file-name-reuse for more information.\n"
           "##[error]Process completed with exit code 1.\n")
    _, document = diagnose(log)
    assert _classes(document) == ["VERSION_EXISTS", "OPAQUE_400"]


def test_unknown_failure_shows_the_first_error_lines():
    log = "Run make release\nsomething odd happened\nbanana: exploded\nError: Process completed with exit code 2.\n"
    result, document = diagnose(log)
    assert result.returncode == 11 and document["data"]["class"] == "UNKNOWN_FAILURE"
    texts = [item["text"] for item in document["data"]["evidence"]]
    assert "banana: exploded" in texts and "Process completed with exit code 2." in texts


# -- secrets ----------------------------------------------------------------------------------------
SECRETS = ["pypi-AgEIcHlwaS5vcmcCJGQ0ZDY0NTMyLWE4ZTUtNGQ0Ny1iNjNlLTBiYzNmOGZiNjY4YgACKlszLCJkIl0",
           "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
           "ghs_16C7e42F292c6912E7710c838347Ae178B4a",
           "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJK",
           "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJyZXBvOm9jdG8vZGVtbyJ9.c2lnbmF0dXJlLXBhcnQ",
           "dXNlcjpwYXNzd29yZA=="]


def test_secrets_never_reach_the_output():
    log = ("ERROR    HTTPError: 403 Forbidden from https://upload.pypi.org/legacy/\n"
           f"         Invalid or non-existent authentication information. token={SECRETS[0]}\n"
           f"::error::Invalid API Token: token is expired ({SECRETS[1]})\n"
           f"error: push with {SECRETS[2]} and {SECRETS[3]} refused\n"
           f"Error: OIDC token retrieval failed for {SECRETS[4]}\n"
           f"error: request had Authorization: Basic {SECRETS[5]}\n"
           "##[error]Process completed with exit code 1.\n")
    for args in ((), ("--json",)):
        result = run_script(SCRIPT, *args, "-", stdin=log)
        assert result.returncode == 10
        everything = result.stdout + result.stderr
        for secret in SECRETS:
            assert secret not in everything
        assert "[REDACTED]" in everything
    unknown = f"error: could not push, Authorization: Bearer {SECRETS[4]}\n"
    result = run_script(SCRIPT, "--json", "-", stdin=unknown)
    assert result.returncode == 11 and SECRETS[4] not in result.stdout and "[REDACTED]" in result.stdout


# -- input forms ------------------------------------------------------------------------------------
def test_crlf_and_invalid_utf8_are_read(tmp_path):
    log = render((ROOT / "tests/fixtures/diagnose/classes/AUTH_FORBIDDEN.txt").read_text(), "raw")
    raw = log.replace("\n", "\r\n").encode("utf-8").replace(b"Uploading distributions", b"Upl\xff\xfeoading")
    path = tmp_path / "run.log"
    path.write_bytes(raw)
    result = run_script(SCRIPT, "--json", path)
    assert result.returncode == 10 and result.json["data"]["class"] == "AUTH_FORBIDDEN"
    assert all("\r" not in item["text"] for item in result.json["data"]["evidence"])


def test_empty_log_is_an_input_error(tmp_path):
    empty = tmp_path / "empty.log"
    empty.write_bytes(b"")
    result = run_script(SCRIPT, "--json", empty)
    assert result.returncode == 3 and result.json["error"]["code"] == "input"
    assert run_script(SCRIPT, "-", stdin="").returncode == 3


def test_missing_file_is_exit_3(tmp_path, python):
    result = run_script(SCRIPT, tmp_path / "nope.log", python=python)
    assert result.returncode == 3 and "nope.log" in result.stderr and result.stdout == ""


def test_bad_repo_is_a_usage_error():
    assert run_script(SCRIPT, "--repo", "not a repo", "123").returncode == 2
    assert run_script(SCRIPT).returncode == 2


def test_a_huge_log_is_streamed(tmp_path):
    noise = "".join(f"2026-02-03T05:09:25.{i:07d}Z copying src/pkg/mod{i}.py -> build/lib/pkg\n" for i in range(2000))
    tail = render((ROOT / "tests/fixtures/diagnose/classes/RATE_LIMIT_NEW_PROJECTS.txt").read_text(), "raw")
    path = tmp_path / "huge.log"
    with open(path, "w", encoding="utf-8") as handle:
        for _ in range(120):  # about 20 MB
            handle.write(noise)
        handle.write("2026-02-03T05:09:25.0000000Z " + "x" * 3_000_000 + "\n")  # one absurd line
        handle.write(tail)
    result = run_script(SCRIPT, "--json", path)
    assert result.returncode == 10 and result.json["data"]["class"] == "RATE_LIMIT_NEW_PROJECTS"
    assert result.json["meta"]["lines"] > 240_000


def test_text_mode_records_and_quiet(python):
    log = render((ROOT / "tests/fixtures/diagnose/classes/VERSION_EXISTS.txt").read_text(), "ui")
    result = run_script(SCRIPT, "-", stdin=log, python=python)
    assert result.returncode == 10
    first = result.stdout.splitlines()[0].split("\t")
    assert first[0] == "VERSION_EXISTS" and first[1].isdigit() and len(first) == 3
    assert "fix:" in result.stderr and "recovery-playbook.md#version_exists" in result.stderr
    quiet = run_script(SCRIPT, "-q", "-", stdin=log, python=python)
    assert quiet.stderr == "" and quiet.stdout == result.stdout


def test_json_shape(python):
    log = render((ROOT / "tests/fixtures/diagnose/classes/PENDING_PUBLISHER.txt").read_text(), "gh")
    result, document = diagnose(log, python=python)
    assert set(document["data"]) == {"class", "summary", "fix", "evidence", "presented_claims", "checkout", "findings"}
    assert document["meta"]["schema"] == "pypi-ops.diagnose-publish/v1" and document["meta"]["found"] == 1
    assert set(document["data"]["findings"][0]) == {"class", "summary", "fix", "docs", "evidence"}


def test_no_failure_is_exit_0(python):
    result = run_script(SCRIPT, "--json", "-", stdin="Uploading distributions to https://upload.pypi.org/legacy/\n",
                        python=python)
    assert result.returncode == 0 and result.json["meta"]["found"] == 0


# -- gh, stubbed by a real executable first on PATH -----------------------------------------------
def _stub(tmp_path, body):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    gh = bindir / "gh"
    gh.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    gh.chmod(gh.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return {"PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}"}


def test_gh_prints_the_recorded_log(tmp_path, python):
    recorded = tmp_path / "recorded.log"
    recorded.write_text(render((ROOT / "tests/fixtures/diagnose/classes/OIDC_CONFIG.txt").read_text(), "gh"),
                        encoding="utf-8")
    args_file = tmp_path / "args"
    env = _stub(tmp_path, f'echo "$@" > "{args_file}"\ncat "{recorded}"\n')
    result = run_script(SCRIPT, "--json", "--repo", "octo-org/demo-package", "12345", python=python, env=env,
                        cwd=tmp_path)
    assert result.returncode == 10 and result.json["data"]["class"] == "OIDC_CONFIG"
    assert args_file.read_text().split() == ["run", "view", "12345", "--log-failed", "--repo", "octo-org/demo-package"]


def test_gh_run_url_gives_the_repo(tmp_path):
    recorded = tmp_path / "recorded.log"
    recorded.write_text(render((ROOT / "tests/fixtures/diagnose/classes/VERSION_EXISTS.txt").read_text(), "gh"))
    args_file = tmp_path / "args"
    env = _stub(tmp_path, f'echo "$@" > "{args_file}"\ncat "{recorded}"\n')
    result = run_script(SCRIPT, "https://github.com/octo-org/demo-package/actions/runs/777/job/1", env=env,
                        cwd=tmp_path)
    assert result.returncode == 10
    assert args_file.read_text().split() == ["run", "view", "777", "--log-failed", "--repo", "octo-org/demo-package"]


def test_gh_failure_is_exit_7_with_its_reason(tmp_path, python):
    env = _stub(tmp_path, 'echo "run 12345 is still in progress; logs will be available when it is complete" >&2\n'
                          "exit 1\n")
    result = run_script(SCRIPT, "--json", "12345", python=python, env=env, cwd=tmp_path)
    assert result.returncode == 7 and result.json["error"]["code"] == "network"
    assert "still in progress" in result.json["error"]["message"]


def test_gh_printing_nothing_is_unknown_not_ok(tmp_path):
    env = _stub(tmp_path, "exit 0\n")
    assert run_script(SCRIPT, "12345", env=env, cwd=tmp_path).returncode == 7


def test_gh_missing_is_exit_5_with_the_pipe_hint(tmp_path, python):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    result = run_script(SCRIPT, "--json", "12345", python=python, env={"PATH": str(empty)}, cwd=tmp_path)
    assert result.returncode == 5 and result.json["error"]["code"] == "missing-dependency"
    message = result.json["error"]["message"]
    assert "diagnose-publish.py -" in message and "gh run view 12345 --log-failed" in message


def test_help_lists_exit_11():
    result = run_script(SCRIPT, "--help")
    assert re.search(r"^\s+11\s", result.stdout, re.M)


def test_evidence_json_is_valid_for_every_class_format():
    # one combined log with every class's snippet: the scan must not lose any of them to another
    combined = "\n".join(path.read_text(encoding="utf-8") for path in snippets("classes")
                         if path.stem != "UNKNOWN_FAILURE" and "formats:" not in path.read_text(encoding="utf-8"))
    result, document = diagnose(render(combined.replace("# password: empty\n", ""), "raw"))
    found = set(_classes(document))
    assert result.returncode == 10 and len(found) >= 40, sorted(found)
    json.dumps(document)


STEP_OWN_GROUP = """\
2024-05-01T10:00:00.0000000Z ##[group]Run echo "::group::Run upload"; twine upload dist/*
2024-05-01T10:00:00.1000000Z echo "::group::Run upload"; twine upload dist/*
2024-05-01T10:00:00.1500000Z shell: /usr/bin/bash -e {0}
2024-05-01T10:00:00.2000000Z ##[endgroup]
2024-05-01T10:00:00.3000000Z ##[group]Run upload
2024-05-01T10:00:01.0000000Z Uploading distributions to https://upload.pypi.org/legacy/
2024-05-01T10:00:02.0000000Z ERROR    HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/
2024-05-01T10:00:02.0000000Z          File already exists ('foo-1.0.tar.gz', with blake2_256 hash 'abc'). See
2024-05-01T10:00:02.0000000Z          https://pypi.org/help/#file-name-reuse for more information.
2024-05-01T10:00:02.1000000Z ##[error]Process completed with exit code 1.
"""


def test_a_steps_own_run_group_is_output_not_echo():
    """`::group::Run upload` printed by a script under bash -e is never closed: its lines are real output."""
    result, data = diagnose(STEP_OWN_GROUP)
    assert result.returncode == 10 and data["data"]["class"] == "VERSION_EXISTS", result.stdout
    assert data["data"]["evidence"][0]["line"] in (7, 8)


def test_a_log_cut_inside_the_runner_echo_still_reports_what_follows():
    """A hand-copied log that lost its `##[endgroup]`: the failure after the echo is still found."""
    cut = "\n".join(line for line in STEP_OWN_GROUP.splitlines() if "##[endgroup]" not in line) + "\n"
    result, data = diagnose(cut)
    assert result.returncode == 10 and data["data"]["class"] == "VERSION_EXISTS", result.stdout


def test_a_closed_echo_block_stays_clean():
    result, _ = diagnose("2024-05-01T10:00:00.0000000Z ##[group]Run printf 'File already exists'\n"
                         "2024-05-01T10:00:00.1000000Z printf 'File already exists'\n"
                         "2024-05-01T10:00:00.2000000Z ##[endgroup]\n"
                         "2024-05-01T10:00:00.3000000Z done\n")
    assert result.returncode == 0, result.stdout + result.stderr


def test_credentials_inside_urls_are_redacted():
    log = ("ERROR    HTTPError: 403 Forbidden from https://user:hunter2secret@pypi.org/legacy/\n"
           "fatal: unable to access 'https://x-access-token:s3cr3tv4lu3@github.com/o/r.git/'\n"
           "##[error]Process completed with exit code 1.\n")
    result, data = diagnose(log)
    text = result.stdout + result.stderr + json.dumps(data)
    assert "hunter2secret" not in text and "s3cr3tv4lu3" not in text
    assert "https://user:[REDACTED]@pypi.org/legacy/" in text
