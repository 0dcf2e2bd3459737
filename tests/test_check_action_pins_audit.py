"""check-action-pins.py: a user's comment survives --fix, uses reached through aliases are reported where the
alias is, and PyYAML without libyaml reads a tab before a trailing comment as GitHub does."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml

from conftest import SCRIPTS, run_script
from test_check_action_pins import WORKFLOWS, check_without_pyyaml
from test_check_action_pins_live import CHECKOUT_602, Model

SCRIPT = "check-action-pins"
# Runs the script in a PyYAML without libyaml (as pip installs it where no wheel has libyaml built in).
PURE_PYYAML = ("import runpy, sys, yaml; del yaml.CSafeLoader, yaml.CLoader; "
               "sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')")


@pytest.fixture
def model(stub):
    return Model(stub)


def pure_pyyaml(*args, env=None):
    done = subprocess.run([sys.executable, "-c", PURE_PYYAML, str(SCRIPTS / f"{SCRIPT}.py"), *map(str, args)],
                          capture_output=True, text=True, env=env)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def json_data(done):
    return json.loads(done.stdout)["data"]


def steps(*lines):
    return "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n" + "".join(
        f"      {line}\n" for line in lines)


# ----------------------------------------------------------------------------- 1. a user's comment under --fix

def test_fix_puts_the_version_in_front_of_a_users_comment_in_the_diff_and_the_file(stub, model, tmp_path):
    path = tmp_path / "wf.yml"
    path.write_text(steps('- uses: "actions/checkout@v6"   # keep me',
                          f"- uses: actions/checkout@{CHECKOUT_602}\t#  see issue 1234 ",
                          f"- uses: actions/checkout@{CHECKOUT_602} #"))
    env = {"GITHUB_API_URL": stub.url}
    preview = run_script(SCRIPT, "--fix", "--json", path, env=env)
    assert preview.returncode == 10, preview.stderr
    written = run_script(SCRIPT, "--fix", "--write", path, env=env)
    assert written.returncode == 0, written.stderr
    after = path.read_text()
    assert after.splitlines()[5:] == [
        f'      - uses: "actions/checkout@{CHECKOUT_602}"   # v6.0.2 # keep me',
        f"      - uses: actions/checkout@{CHECKOUT_602}\t# v6.0.2 #  see issue 1234 ",  # every byte of it kept
        f"      - uses: actions/checkout@{CHECKOUT_602} # v6.0.2"]  # a bare '#' holds nothing to keep
    added = [line[1:] for line in preview.json["meta"]["diff"].splitlines() if line.startswith("+ ")]
    assert added == after.splitlines()[5:]  # the diff shows exactly what --write wrote
    records = run_script(SCRIPT, "--json", path).json["data"]  # our own grammar reads the version first
    assert [(record["problem"], record["comment"]) for record in records] == [
        (None, "v6.0.2 # keep me"), (None, "v6.0.2 #  see issue 1234"), (None, "v6.0.2")]
    again = run_script(SCRIPT, "--fix", "--write", path, env=env)
    assert again.returncode == 0 and path.read_text() == after  # nothing left to change


# ----------------------------------------------------------------------------- 2. uses through aliases

ALIASED = f"""on: push
x-note: anchors defined in one job and used in another
jobs:
  first:
    runs-on: ubuntu-latest
    steps: &steps
      - &checkout
        uses: actions/checkout@v6   # keep me
      - run: echo hi
  second:
    runs-on: ubuntu-latest
    steps:
      - *checkout
      - <<: *checkout
        name: merged
      - uses: &pinned actions/checkout@{CHECKOUT_602} # v6.0.2
  third:
    runs-on: ubuntu-latest
    steps: *steps
  fourth:
    runs-on: ubuntu-latest
    steps:
      - uses: *pinned
"""


def test_each_use_through_an_alias_is_reported_at_the_alias(tmp_path, python):
    path = tmp_path / "wf.yml"
    path.write_text(ALIASED)
    result = run_script(SCRIPT, "--json", path, python=python)
    assert result.returncode == 10
    got = [(record["line"], record["problem"], record["note"].rpartition("; ")[2] if "anchor" in record["note"]
            else "") for record in result.json["data"]]
    assert got == [(8, "unpinned", ""),
                   (13, "unpinned", "written at line 8 (the anchor)"),  # - *checkout
                   (14, "unpinned", "written at line 8 (the anchor)"),  # - <<: *checkout
                   (16, None, ""),
                   (19, "unpinned", "written at line 8 (the anchor)"),  # steps: *steps
                   (23, None, "written at line 16 (the anchor)")]  # uses: *pinned
    assert all(record["comment"] == "v6.0.2" for record in result.json["data"] if record["problem"] is None)
    sarif = run_script(SCRIPT, "--format", "sarif", path).json["runs"][0]["results"]
    assert [item["locations"][0]["physicalLocation"]["region"]["startLine"] for item in sarif] == [8, 13, 14, 19]


def test_the_standard_library_reader_still_says_unparsed_for_aliases(tmp_path):
    path = tmp_path / "wf.yml"
    path.write_text(ALIASED)
    done = check_without_pyyaml("--json", path)
    records = json_data(done)
    assert done.returncode == 10
    assert {record["line"]: record["problem"] for record in records if record["problem"] == "unparsed"} \
        == {13: "unparsed", 14: "unparsed", 19: "unparsed", 23: "unparsed"}


def test_fix_edits_an_anchor_used_through_aliases_once(stub, model, tmp_path):
    path = tmp_path / "wf.yml"
    path.write_text(ALIASED)
    result = run_script(SCRIPT, "--fix", "--write", "--json", path, env={"GITHUB_API_URL": stub.url})
    assert result.returncode == 0, result.stderr
    lines = path.read_text().splitlines()
    assert lines[7] == f"        uses: actions/checkout@{CHECKOUT_602}   # v6.0.2 # keep me"
    assert sum("actions/checkout@" in line for line in lines) == 2  # nothing was duplicated elsewhere
    assert sorted(change["line"] for change in result.json["data"] if change["fixed"]) == [8, 13, 14, 19]
    after = run_script(SCRIPT, "--json", path)
    assert after.returncode == 0 and all(record["ok"] for record in after.json["data"])


# ----------------------------------------------------------------------------- 3. tabs before a comment

TABBED = steps(f"- uses: actions/checkout@{CHECKOUT_602}\t# v6.0.2",
               f"- uses: 'actions/checkout@{CHECKOUT_602}' \t # v6.0.2\t",
               "- {uses: actions/checkout@v6, with: {a: \"b\t# c\"}}\t# v6.0.2",
               "- run: echo hi\t")


def test_pure_python_pyyaml_rejects_the_tab_that_libyaml_and_github_accept():
    """The premise: without libyaml PyYAML's scanner stops at a tab before '#'."""
    with pytest.raises(yaml.YAMLError, match="cannot start any token"):
        yaml.compose(TABBED, Loader=yaml.SafeLoader)
    if not getattr(yaml, "__with_libyaml__", False):
        pytest.skip("this PyYAML has no libyaml to compare with")
    assert yaml.compose(TABBED, Loader=yaml.CSafeLoader) is not None


def test_a_tab_before_a_trailing_comment_is_read_without_libyaml(tmp_path):
    path = tmp_path / "wf.yml"
    path.write_text(TABBED)
    pure = pure_pyyaml("--json", path)
    assert pure.returncode == 10, pure.stderr
    wanted = [(6, None, "v6.0.2"), (7, None, "v6.0.2"), (8, "unpinned", "v6.0.2")]
    assert [(r["line"], r["problem"], r["comment"]) for r in json_data(pure)] == wanted
    assert json_data(pure) == run_script(SCRIPT, "--json", path).json["data"]  # same as with libyaml
    assert path.read_text() == TABBED


@pytest.mark.parametrize("text", ["on: push\njobs:\n\tbuild:\n    runs-on: x\n",  # a tab as indentation
                                  "on: push\njobs:\n  build: {runs-on: x\t\n"])  # broken YAML after the tab
def test_a_tab_is_still_an_error_where_it_is_one(tmp_path, text):
    path = tmp_path / "wf.yml"
    path.write_text(text)
    pure = pure_pyyaml(path)
    assert pure.returncode == 3 and "not YAML" in pure.stderr and len(pure.stderr.strip().splitlines()) == 1
    assert run_script(SCRIPT, path).returncode == 3


def test_fix_without_libyaml_keeps_the_tab(stub, model, tmp_path):
    path = tmp_path / "wf.yml"
    path.write_text(steps("- uses: actions/checkout@v6\t# keep me"))
    done = pure_pyyaml("--fix", "--write", path, env={"GITHUB_API_URL": stub.url, "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert path.read_text().splitlines()[5] == f"      - uses: actions/checkout@{CHECKOUT_602}\t# v6.0.2 # keep me"


def test_the_fixture_with_a_tab_reads_the_same_without_libyaml():
    path = WORKFLOWS.parent / "real" / "comment-spellings.yml"
    assert "\t#" in path.read_text()
    assert json_data(pure_pyyaml("--json", path)) == run_script(SCRIPT, "--json", path).json["data"]
