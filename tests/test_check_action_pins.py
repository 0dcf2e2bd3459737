"""check-action-pins.py offline: the tricky forms as fixtures, both YAML readers, the output formats, zizmor."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, SCRIPTS, run_script

PINS = FIXTURES / "pins"
WORKFLOWS = PINS / "workflows"
SCRIPT = "check-action-pins"
CHECKOUT = "de0fac2e4500dabe0009e67214ff5f5447ce83dd"  # actions/checkout v6.0.2 (shared/facts/action-pins.tsv)

# fixture -> {line: problem} (None: a record that is fine); lines the PyYAML reader reports.
EXPECTED = {
    "good.yml": {11: None, 14: None, 15: None, 16: None, 17: None, 25: None, 26: None},
    "quoted.yml": {7: "unpinned", 8: "unpinned", 9: None, 10: None},
    "flow.yml": {7: "unpinned", 8: None, 9: "unpinned"},
    "folded.yml": {7: "unpinned", 10: "unpinned", 11: None},
    "anchors.yml": {8: "unpinned", 9: None, 13: "unpinned", 14: None},  # each alias is a use, at its line
    "docker.yml": {7: "unpinned-image", 8: "unpinned-image", 9: None},
    "expression.yml": {10: "expression", 11: "expression"},
    "hash-in-ref.yml": {7: "comment-in-ref"},
    "comments.yml": {7: "bad-version-comment", 8: "no-version-comment", 9: "bad-version-comment",
                     10: "imprecise-version-comment", 11: None, 12: None},
    "run-with-text.yml": {7: None},
    "reusable.yml": {5: "unpinned", 7: None, 11: "short-sha"},
    "odd-refs.yml": {7: "unpinned", 8: "unpinned"},
    "merge-keys.yml": {8: "unpinned", 14: "unpinned"},
}
BAD = ["latin1.yml", "empty.yml", "comments-only.yml", "not-yaml.yml", "not-workflow.yml", "list.yml",
       "recursive-alias.yml", "pytest-dependabot.yml"]


def check(*args, python=None, env=None, cwd=None):
    return run_script(SCRIPT, *args, python=python, env=env, cwd=cwd)


def check_without_pyyaml(*args, cwd=None):
    """`python -S` hides site-packages (PyYAML and packaging): the standard-library reader runs."""
    done = subprocess.run([sys.executable, "-S", str(SCRIPTS / f"{SCRIPT}.py"), *map(str, args)],
                          capture_output=True, text=True, cwd=cwd)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def problems(records):
    return {record["line"]: record["problem"] for record in records}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_tricky_form_is_read_from_the_yaml_structure(name):
    result = check("--json", WORKFLOWS / name)
    assert "Traceback" not in result.stderr
    document = result.json
    assert problems(document["data"]) == EXPECTED[name]
    for record in document["data"]:
        assert set(record) == {"file", "line", "kind", "action", "ref", "comment", "ok", "problem", "note",
                               "ignored", "reason"}
    failing = any(not record["ok"] for record in document["data"])
    assert result.returncode == (10 if failing else 0)
    assert document["meta"]["ok"] is (not failing)
    assert document["meta"]["count"] == len(EXPECTED[name]) and document["meta"]["mode"] == "offline"
    assert document["meta"]["schema"] == "pypi-ops.check-action-pins/v1"


def test_uses_text_inside_run_and_with_is_never_a_finding():
    result = check("--json", WORKFLOWS / "run-with-text.yml", WORKFLOWS / "flow.yml")
    assert not any("evil" in record["action"] for record in result.json["data"])


def test_comments_and_refs_are_read_exactly():
    records = {r["line"]: r for r in check("--json", WORKFLOWS / "comments.yml").json["data"]}
    assert records[11]["comment"] == "v1.14.0-rc.1" and records[11]["ok"]  # prerelease tags are tags
    assert records[12]["comment"] == "tools/v1.4.0" and records[12]["ok"]  # monorepo tags too
    assert records[10]["ok"] and "v8" in records[10]["note"]  # major-only: a warning, not a failure
    hashed = check("--json", WORKFLOWS / "hash-in-ref.yml").json["data"][0]
    assert hashed["ref"] == f"{CHECKOUT}#v6.0.2" and hashed["comment"] is None
    flow = {r["line"]: r for r in check("--json", WORKFLOWS / "flow.yml").json["data"]}
    assert flow[8]["comment"] == "v6.0.2"  # the comment after the flow mapping's closing brace
    assert flow[7]["comment"] is None  # '# v1.0.0' inside a quoted with: value is not a comment


def test_composite_action_steps():
    result = check("--json", PINS / "actions" / "composite" / "action.yml")
    assert problems(result.json["data"]) == {6: None, 7: "unpinned"} and result.returncode == 10


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_standard_library_reader_never_passes_what_pyyaml_flags(name):
    with_pyyaml = check("--json", WORKFLOWS / name).json["data"]
    done = check_without_pyyaml("--json", WORKFLOWS / name)
    fallback = json.loads(done.stdout)
    assert fallback["meta"]["reader"] == "standard-library"
    by_line = {record["line"]: record for record in fallback["data"]}
    unparsed = [record for record in fallback["data"] if record["problem"] == "unparsed"]
    for record in with_pyyaml:
        if record["line"] in by_line and by_line[record["line"]]["problem"] != "unparsed":
            assert by_line[record["line"]]["problem"] == record["problem"], record
        else:  # a form the small reader cannot see: it must say so, never pass it
            assert unparsed, record
    assert (done.returncode == 0) == all(record["ok"] for record in with_pyyaml)


def test_help_says_what_the_fallback_cannot_see():
    done = check_without_pyyaml("--help")
    assert done.returncode == 0
    for form in ("flow mappings", "aliases", "block", "PyYAML"):
        assert form in done.stdout


@pytest.mark.parametrize("name", BAD)
def test_bad_inputs_are_exit_3_with_one_line(name, python):
    result = check("--json", PINS / "bad" / name, python=python)
    assert result.returncode == 3, result.stderr
    assert result.json["error"]["code"] == "input" and name in result.json["error"]["message"]
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


@pytest.mark.parametrize("name", BAD)
def test_bad_inputs_without_pyyaml(name):
    done = check_without_pyyaml(PINS / "bad" / name)
    assert done.returncode == 3 and len(done.stderr.strip().splitlines()) == 1


def test_latin1_error_names_the_byte():
    result = check(PINS / "bad" / "latin1.yml")
    assert "not UTF-8" in result.stderr and "0xe9" in result.stderr


def test_missing_path_and_empty_directory(tmp_path):
    assert check(tmp_path / "nope.yml").returncode == 3
    assert check(tmp_path).returncode == 3
    assert "no workflow or action files" in check(tmp_path).stderr


def test_a_repository_is_read_from_its_workflows_and_actions(tmp_path):
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    shutil.copy(WORKFLOWS / "good.yml", workflows / "release.yml")
    shutil.copy(WORKFLOWS / "quoted.yml", workflows / "ci.yaml")
    (tmp_path / ".github" / "dependabot.yml").write_text("version: 2\nupdates: []\n")  # not a workflow: skipped
    action = tmp_path / "tools" / "setup"
    action.mkdir(parents=True)
    shutil.copy(PINS / "actions" / "composite" / "action.yml", action / "action.yml")
    result = check("--json", cwd=tmp_path)
    files = {record["file"] for record in result.json["data"]}
    assert files == {".github/workflows/release.yml", ".github/workflows/ci.yaml", "tools/setup/action.yml"}
    assert result.returncode == 10


def test_crlf_and_bom_keep_lines_and_comments(tmp_path):
    text = (WORKFLOWS / "quoted.yml").read_text().replace("\n", "\r\n")
    target = tmp_path / "crlf.yml"
    target.write_bytes(b"\xef\xbb\xbf" + text.encode())
    records = check("--json", target).json["data"]
    assert problems(records) == EXPECTED["quoted.yml"]
    assert {r["line"]: r["comment"] for r in records}[9] == "v6.0.2"
    assert {r["line"]: r["problem"] for r in json.loads(check_without_pyyaml("--json", target).stdout)["data"]} \
        == EXPECTED["quoted.yml"]


def test_text_output_is_tab_separated_with_a_report_on_stderr(python):
    result = check(WORKFLOWS / "quoted.yml", python=python)
    assert result.returncode == 10
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert len(rows) == 4 and all(len(row) == 7 for row in rows)
    assert rows[0][1:3] == ["7", "octo-org/setup-thing"] and rows[0][5] == "unpinned"
    assert "2 problem(s) in 4 uses" in result.stderr
    quiet = check("-q", WORKFLOWS / "good.yml", python=python)
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_github_format_escapes_workflow_command_values(tmp_path):
    odd = tmp_path / "a,b:c%.yml"
    shutil.copy(WORKFLOWS / "comments.yml", odd)
    result = check("--format", "github", odd.name, cwd=tmp_path)
    lines = result.stdout.splitlines()
    assert result.returncode == 10 and len(lines) == 4
    assert lines[0].startswith("::error file=a%2Cb%3Ac%25.yml,line=7,title=bad-version-comment%3A ")
    assert any(line.startswith("::warning file=a%2Cb%3Ac%25.yml,line=10,") for line in lines)
    for line in lines:
        assert "\n" not in line and line.count("::") == 2


def test_sarif_has_the_required_structure():
    result = check("--format", "sarif", WORKFLOWS / "comments.yml", WORKFLOWS / "docker.yml")
    assert result.returncode == 10
    sarif = result.json
    assert sarif["version"] == "2.1.0" and sarif["$schema"].endswith("sarif-2.1.0.json")
    (run,) = sarif["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == SCRIPT
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert len(rule_ids) == len(set(rule_ids))
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["defaultConfiguration"]["level"] in ("error", "warning")
    assert len(run["results"]) == 6
    for item in run["results"]:
        assert rule_ids[item["ruleIndex"]] == item["ruleId"]
        assert item["level"] in ("error", "warning", "note") and item["message"]["text"]
        (location,) = item["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"].endswith((".yml", ".yaml"))
        assert isinstance(physical["region"]["startLine"], int) and physical["region"]["startLine"] >= 1


def test_usage_errors():
    assert check("--json", "--format", "sarif", WORKFLOWS / "good.yml").returncode == 2
    assert check("--write", WORKFLOWS / "good.yml").returncode == 2
    assert check("--offline", "--live", WORKFLOWS / "good.yml").returncode == 2


def test_offline_opens_no_connection(stub):
    result = check("--json", WORKFLOWS / "good.yml", env={"GITHUB_API_URL": stub.url})
    assert result.returncode == 0 and stub.requests == []


def zizmor_findings(path):
    """zizmor's findings for one file, or None when zizmor cannot load it (it refuses some valid forms)."""
    zizmor = Path(sys.executable).parent / "zizmor"
    if not zizmor.exists():
        found = shutil.which("zizmor")
        if not found:
            pytest.skip("zizmor is not installed")
        zizmor = Path(found)
    done = subprocess.run([str(zizmor), "--offline", "--format", "json", "--no-config", str(path)],
                          capture_output=True, text=True, cwd=ROOT)
    if not done.stdout.strip().startswith("["):
        return None
    return json.loads(done.stdout)


def test_every_zizmor_unpinned_uses_finding_is_ours_too():
    paths = sorted(WORKFLOWS.glob("*.yml")) + [PINS / "actions" / "composite" / "action.yml"]
    relative = [path.relative_to(ROOT) for path in paths]
    ours = check("--json", *relative, cwd=ROOT).json["data"]
    failing = {(record["file"], record["line"]) for record in ours if not record["ok"]}
    audited, findings = 0, []
    for path in relative:
        answer = zizmor_findings(path)
        if answer is not None:
            audited += 1
            findings += [finding for finding in answer if finding["ident"] == "unpinned-uses"]
    assert audited >= len(paths) - 3, "zizmor could not load most fixtures"
    assert len(findings) >= 8, "zizmor found too little: the fixtures no longer exercise it"
    for finding in findings:
        spans = []
        for location in finding["locations"]:
            path = location["symbolic"]["key"]["Local"]["verbatim_path"]
            concrete = location["concrete"]["location"]
            spans.append((path, concrete["start_point"]["row"] + 1, concrete["end_point"]["row"] + 1))
        assert any((path, line) in failing for path, first, last in spans for line in range(first, last + 1)), \
            f"zizmor flags {spans} but we do not"
