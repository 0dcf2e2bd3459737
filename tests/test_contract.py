"""The CLI contract (references/cli-contract.md), checked for every script in scripts/."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys

import pytest

from conftest import ROOT, SCRIPT_NAMES, SCRIPTS, run_script

COMMON = re.compile(r"^# --- pypi-ops common: begin.*?^# --- pypi-ops common: end ---$", re.S | re.M)
# Scripts that must also run on the standard library alone (users copy them into their own CI).
STDLIB_ONLY = {"check-action-pins.py", "diagnose-publish.py"}
EXIT_CODES = ("0", "2", "3", "7", "10")


def test_there_are_scripts():
    assert "publish-preflight.py" in SCRIPT_NAMES


@pytest.mark.parametrize("name", SCRIPT_NAMES)
def test_help_lists_usage_exit_codes_and_examples(name, python):
    result = run_script(name, "--help", python=python)
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout and "Exit codes:" in result.stdout and "Examples:" in result.stdout
    for code in EXIT_CODES:
        assert re.search(rf"^\s+{code}\s", result.stdout, re.M), f"exit code {code} not explained"
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("name", SCRIPT_NAMES)
def test_bad_flag_is_a_usage_error(name, python):
    result = run_script(name, "--no-such-flag", python=python)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    result = run_script(name, "--json", "--no-such-flag", python=python)
    assert result.returncode == 2
    assert result.json["error"]["code"] == "usage"
    assert result.json["meta"]["schema"] == f"pypi-ops.{name[:-3]}/v1"


@pytest.mark.parametrize("name", SCRIPT_NAMES)
def test_missing_input_is_exit_3_with_an_error_envelope(name, python, tmp_path):
    missing = tmp_path / "does-not-exist"
    result = run_script(name, "--json", missing, python=python, cwd=tmp_path)
    assert result.returncode == 3, result.stderr
    document = result.json
    assert set(document) == {"error", "meta"}
    assert document["error"]["code"] == "input" and str(missing.name) in document["error"]["message"]
    assert document["meta"] == {"schema": f"pypi-ops.{name[:-3]}/v1", "exit": 3}
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("name", SCRIPT_NAMES)
def test_missing_library_is_exit_5_with_the_install_command(name, tmp_path):
    """`python -S` hides site-packages: the script must say exactly how to get its libraries."""
    result = subprocess.run([sys.executable, "-S", str(SCRIPTS / name), "--json", str(tmp_path)],
                            capture_output=True, text=True, cwd=tmp_path)
    if name in STDLIB_ONLY:
        assert result.returncode != 5 and "Traceback" not in result.stderr
        return
    assert result.returncode == 5, result.stderr
    message = result.stderr.strip()
    # the command names the script where it really is (an installed skill lives under .claude/skills/...)
    assert f"uv run {SCRIPTS / name} ..." in message and "python3 -m pip install" in message
    assert "Traceback" not in message


@pytest.mark.parametrize("name", SCRIPT_NAMES)
def test_help_works_even_without_libraries(name):
    result = subprocess.run([sys.executable, "-S", str(SCRIPTS / name), "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "Usage:" in result.stdout


@pytest.mark.parametrize("name", SCRIPT_NAMES)
def test_internal_errors_are_one_line_unless_debugging(name, tmp_path):
    """A file that is a directory, a fifo or similar oddity must never leak a traceback."""
    odd = tmp_path / "odd"
    odd.mkdir()
    (odd / "pyproject.toml").mkdir()  # a directory where a file is expected
    result = run_script(name, odd, cwd=tmp_path)
    assert "Traceback" not in result.stderr
    assert result.returncode in (1, 3, 10, 11, 0)


def test_common_block_is_identical_in_every_script():
    blocks = {}
    for name in SCRIPT_NAMES:
        match = COMMON.search((SCRIPTS / name).read_text(encoding="utf-8"))
        assert match, f"{name} lacks the pypi-ops common block"
        blocks[name] = match.group(0)
    first = next(iter(blocks.values()))
    drifted = [name for name, block in blocks.items() if block != first]
    assert not drifted, f"common block differs in {drifted}; copy it from {SCRIPT_NAMES[0]}"


@pytest.mark.parametrize("name", SCRIPT_NAMES)
def test_script_shape(name):
    text = (SCRIPTS / name).read_text(encoding="utf-8")
    assert text.startswith("#!/usr/bin/env python3\n# /// script\n"), "shebang, then the PEP 723 header"
    header = text.split("# ///\n", 1)[0]
    assert 'requires-python = ">=3.9"' in header
    assert f'SCHEMA = "pypi-ops.{name[:-3]}/v1"' in text
    assert not re.search(r"^(from|import) (publish_preflight|diagnose_publish|check_action_pins|verify_release)",
                         text, re.M), "scripts must not import each other"
    mode = subprocess.run(["git", "ls-files", "-s", "--", f"scripts/{name}"], capture_output=True, text=True,
                          cwd=ROOT).stdout[:6]
    if mode:  # committed: the exec bit must be in the index, not only on disk
        assert mode == "100755"
    assert os.stat(SCRIPTS / name).st_mode & stat.S_IXUSR


SHARED = re.compile(r"^# --- pypi-ops shared \(publish-preflight, verify-release\): begin.*?"
                    r"^# --- pypi-ops shared \(publish-preflight, verify-release\): end ---$", re.S | re.M)


def test_shared_block_is_identical_in_the_scripts_that_carry_it():
    """publish-preflight and verify-release derive the same facts (GitHub repository, redacted URL, PEP 691
    content type) with one copy of the same code."""
    blocks = {}
    for name in SCRIPT_NAMES:
        match = SHARED.search((SCRIPTS / name).read_text(encoding="utf-8"))
        if match:
            blocks[name] = match.group(0)
    assert {"publish-preflight.py", "verify-release.py"} <= set(blocks), sorted(blocks)
    assert "def github_repository(url):" in blocks["verify-release.py"]
    assert "def redact_url(url):" in blocks["verify-release.py"]
    first = blocks["publish-preflight.py"]
    drifted = [name for name, block in blocks.items() if block != first]
    assert not drifted, f"shared block differs in {drifted}; copy it from publish-preflight.py"


PEP691_PAGE = '{"meta": {"api-version": "1.1"}, "name": "demo-pkg", "files": []}'


@pytest.mark.parametrize("content_type, body, accepted", [
    ("application/vnd.pypi.simple.v1+json", PEP691_PAGE, True),
    ("application/json", PEP691_PAGE, True),
    ("application/json", '{"info": {"name": "demo-pkg"}, "releases": {}}', False),
    ("application/json", '{"meta": {}, "files": []}', False),
    ("text/html", "<html></html>", False),
])
def test_both_scripts_accept_the_same_simple_api_content_types(stub, tmp_path, content_type, body, accepted):
    stub.serve("/simple/demo-pkg/", body, content_type=content_type)
    project = tmp_path / "p"
    project.mkdir()
    (project / "pyproject.toml").write_text('[project]\nname = "demo-pkg"\nversion = "1.0"\n', encoding="utf-8")
    preflight = run_script("publish-preflight", "--json", "--index-url", stub.url, project)
    simple_read = {item["check"]: item for item in preflight.json["data"]}["not-on-pypi"]
    assert (simple_read["status"] == "pass") is accepted, simple_read
    verify = run_script("verify-release", "--json", "--index-url", stub.url, "--offline-provenance", "demo-pkg", "1.0")
    live = {item["check"]: item for item in verify.json["data"]}["live"]
    # an accepted page lists no file of 1.0 (a verdict); a refused answer is unknown
    assert (live["status"] != "unknown") is accepted, live
    if content_type == "application/json" and not accepted:
        assert "without a PEP 691 document" in live["detail"] and "without a PEP 691 document" in simple_read["detail"]


PROVENANCE = re.compile(r"^# --- pypi-ops shared provenance \(publish-preflight, verify-release\): begin.*?"
                        r"^# --- pypi-ops shared provenance \(publish-preflight, verify-release\): end ---$",
                        re.S | re.M)


def test_shared_provenance_block_is_identical_in_both_scripts():
    """publish-preflight's publisher-continuity and verify-release's continuity read earlier releases' PEP 740
    provenance with one copy of the same code (release order, provenance keys, publishers, what changed)."""
    blocks = {name: match.group(0) for name in SCRIPT_NAMES
              if (match := PROVENANCE.search((SCRIPTS / name).read_text(encoding="utf-8")))}
    assert set(blocks) == {"publish-preflight.py", "verify-release.py"}, sorted(blocks)
    for function in ("release_history", "provenance_publishers", "publisher_changes", "describe_publisher"):
        assert f"def {function}(" in blocks["verify-release.py"]
    assert blocks["publish-preflight.py"] == blocks["verify-release.py"], \
        "shared provenance block differs; copy it from verify-release.py"
