"""check-action-pins.py on real workflow and action files (tests/fixtures/pins/real/, sources in expected.json):
every uses: found and none invented, the right problem and comment per line, both readers, zizmor agrees,
--fix changes nothing but refs and comments, and the sarif / github renderings hold."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, run_script
from test_check_action_pins import check_without_pyyaml, zizmor_findings
from test_check_action_pins_live import add_commit

SCRIPT = "check-action-pins"
REAL = ROOT / "tests" / "fixtures" / "pins" / "real"
EXPECTED = json.loads((REAL / "expected.json").read_text(encoding="utf-8"))
NAMES = sorted(EXPECTED)
WARNINGS = ("ok", "imprecise-version-comment", "unpinned-container-image")  # findings that do not fail the run


def fails(name):
    """Does the file fail the run: a problem that is not a warning and not an accepted exception."""
    ignored = set(EXPECTED[name].get("ignored", []))
    return any(problem not in WARNINGS and line not in ignored
               for line, (_, problem, _) in EXPECTED[name]["uses"].items())


def check(*args, **kwargs):
    result = run_script(SCRIPT, *args, **kwargs)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def structural_uses(path):
    """How many uses: the YAML structure holds (what GitHub reads): a holder reached again through an alias
    (`- *step`) is used again, so it counts at every place it is used."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml, like the script: tabs before '#'
    document = yaml.load(path.read_text(encoding="utf-8-sig"), Loader=loader)
    holders = []

    def steps_of(holder, key="steps"):
        steps = holder.get(key) if isinstance(holder, dict) else None
        for step in steps if isinstance(steps, list) else []:
            if isinstance(step, dict) and "uses" in step:
                holders.append(step)
            steps_of(step, "parallel")  # a step group: its steps run as background steps

    def image_of(holder):
        image = holder.get("image") if isinstance(holder, dict) else holder
        if isinstance(image, str) and image:
            holders.append(image)

    for job in (document.get("jobs") or {}).values():
        if isinstance(job, dict) and "uses" in job:
            holders.append(job)
        steps_of(job)
        if isinstance(job, dict) and job.get("container"):
            image_of(job["container"])
        for service in (job.get("services") or {}).values() if isinstance(job, dict) else []:
            image_of(service)
    runs = document.get("runs")
    if isinstance(runs, dict):
        steps_of(runs)
        if str(runs.get("image", "")).startswith("docker://"):
            holders.append(runs)
    return len(holders)


@pytest.mark.parametrize("name", NAMES)
def test_real_file_with_pyyaml(name):
    path = REAL / name
    result = check("--json", path)
    records = result.json["data"]
    expected = EXPECTED[name]["uses"]
    got = {str(record["line"]): [record["action"], record["problem"] or "ok", record["comment"]]
           for record in records}
    assert got == expected
    assert len(records) == structural_uses(path) == result.json["meta"]["count"]
    assert [str(record["line"]) for record in records if record["ignored"]] == EXPECTED[name].get("ignored", [])
    assert all(record["reason"] for record in records if record["ignored"])
    assert result.returncode == (10 if fails(name) else 0)


@pytest.mark.parametrize("name", NAMES)
def test_real_file_with_the_standard_library_reader(name):
    done = check_without_pyyaml("--json", REAL / name)
    fallback = json.loads(done.stdout)["data"]
    by_line = {str(record["line"]): record for record in fallback}
    unparsed = [record for record in fallback if record["problem"] == "unparsed"]
    for line, (action, problem, comment) in EXPECTED[name]["uses"].items():
        if line in by_line and by_line[line]["problem"] != "unparsed":
            record = by_line[line]
            assert [record["action"], record["problem"] or "ok", record["comment"]] == [action, problem, comment]
        else:  # a form the small reader cannot see: it must say so, never pass it
            assert unparsed, (line, action)
    assert done.returncode == (10 if fails(name) or unparsed else 0)


def test_every_zizmor_unpinned_uses_finding_on_real_files_is_ours_too():
    relative = [(REAL / name).relative_to(ROOT) for name in NAMES]
    ours = check("--json", *relative, cwd=ROOT).json["data"]
    failing = {(record["file"], record["line"]) for record in ours if not record["ok"] or record["ignored"]}
    findings = []
    for path in relative:
        findings += [finding for finding in zizmor_findings(path) or [] if finding["ident"] == "unpinned-uses"]
    assert len(findings) >= 20, "zizmor found too little on the real files"
    for finding in findings:
        spans = [(location["symbolic"]["key"]["Local"]["verbatim_path"],
                  location["concrete"]["location"]["start_point"]["row"] + 1,
                  location["concrete"]["location"]["end_point"]["row"] + 1) for location in finding["locations"]]
        assert any((path, line) in failing for path, first, last in spans for line in range(first, last + 1)), \
            f"zizmor flags {spans} but we do not"


def test_sarif_and_github_formats_on_real_files():
    paths = [REAL / name for name in NAMES]
    sarif = check("--format", "sarif", *paths).json
    results = sarif["runs"][0]["results"]
    problems = sum(1 for entry in EXPECTED.values() for _, problem, _ in entry["uses"].values() if problem != "ok")
    sarif_suppressed = [result for result in results if result.get("suppressions")]
    assert len(sarif_suppressed) == sum(len(entry.get("ignored", [])) for entry in EXPECTED.values())
    assert len(results) == problems
    rules = [rule["id"] for rule in sarif["runs"][0]["tool"]["driver"]["rules"]]
    assert all(rules[result["ruleIndex"]] == result["ruleId"] for result in results)
    assert all(result["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1 for result in results)
    github = check("--format", "github", *paths)
    lines = github.stdout.splitlines()
    assert len(lines) == problems and all(line.startswith(("::error file=", "::warning file=")) for line in lines)


def serve_every_ref(stub, records):
    """The stand-in knows every tag the files name: each version-like ref gets a commit, each pin its comment's tag."""
    for record in records:
        action, ref, comment = record["action"], record["ref"], record["comment"]
        if action.startswith(("docker://", "./", "$/")) or "/" not in action or not ref:
            continue
        repo = stub.github.repo("/".join(action.split("/")[:2]))
        if len(ref) == 40 and ref == ref.lower():
            add_commit(repo, ref, branch="pins-" + ref[:7])
            named = ((comment or "").split() or ["v1.0.0"])[0].replace("tag=", "").split("@")[-1]
            tag = named if named[:1] in "v0123456789" and "." in named else "v1.0.0"
            if tag not in repo.tags:
                repo.tag(tag, ref)
        elif ref[:1] == "v" and ref[1:2].isdigit() and ref not in repo.tags:
            sha = hashlib.sha1(f"{action}@{ref}".encode()).hexdigest()
            add_commit(repo, sha, branch="tags-" + sha[:7])
            repo.tag(ref, sha)
            repo.tag(ref + ".0.0" if ref.count(".") == 0 else ref + ".0", sha)


@pytest.mark.parametrize("name", ["urllib3-publish-crlf.yml", "uv-publish-pypi-bom.yml", "attrs-pypi-package.yml",
                                  "comment-spellings.yml", "gemini-review-ratchet.yml", "pnpm-preview-pin-at.yml",
                                  "zizmor-issue-1543-block-scalar.yml", "zizmor-anchors-flow-mapping-step.yml",
                                  "helm-ci-reusable.yml", "review-app-pull-request.yml"])
def test_fix_changes_only_refs_and_comments(stub, tmp_path, name):
    copy = tmp_path / Path(name).name
    shutil.copyfile(REAL / name, copy)
    before = copy.read_bytes()
    serve_every_ref(stub, check("--json", copy).json["data"])
    env = {"GITHUB_API_URL": stub.url}
    diff = check("--fix", copy, env=env)
    assert copy.read_bytes() == before  # without --write nothing is written
    written = check("--fix", "--write", copy, env=env)
    assert written.returncode in (0, 10), written.stderr
    after = copy.read_bytes()
    old_lines, new_lines = before.splitlines(keepends=True), after.splitlines(keepends=True)
    use_lines = {int(line) for line in EXPECTED[name]["uses"]}
    use_lines |= {line + 1 for line in use_lines if old_lines[line - 1].rstrip().endswith((b"|", b"|-", b">-"))}
    assert len(old_lines) == len(new_lines)
    untouched = [index for index in range(len(old_lines)) if index + 1 not in use_lines]
    digest = hashlib.sha256
    assert digest(b"".join(old_lines[i] for i in untouched)).digest() == \
        digest(b"".join(new_lines[i] for i in untouched)).digest()
    changed = [index for index in range(len(old_lines)) if old_lines[index] != new_lines[index]]
    assert bool(changed) == bool(diff.stdout)
    for index in changed:
        old, new = old_lines[index], new_lines[index]
        head = old[:old.index(b"@") + 1] if b"@" in old else old.split(b"#")[0].rstrip(b"\r\n")
        assert new.startswith(head)  # key, quotes, indentation and action name untouched
        assert new.endswith(b"\r\n") == old.endswith(b"\r\n") and new.endswith(b"\n") == old.endswith(b"\n")
    assert after.startswith(b"\xef\xbb\xbf") == before.startswith(b"\xef\xbb\xbf")
    again = check("--json", copy).json["data"]
    assert len(again) == len(EXPECTED[name]["uses"])
    assert sum(record["problem"] == "unpinned" for record in again) <= \
        sum(problem == "unpinned" for _, problem, _ in EXPECTED[name]["uses"].values())
