"""SKILL.md and references/ follow the Agent Skills specification and the project's own rules.

The official validator (`agentskills validate`, from the skills-ref package) judges a copy of the
skill in a folder named like the skill; the rest are the rules of issue 5: a description that
triggers, a body that fits, scripts called through their interpreter, links that resolve.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

SKILL = ROOT / "SKILL.md"
AGENTSKILLS = Path(sys.executable).parent / "agentskills"
SPEC_FIELDS = {"name", "description", "license", "compatibility", "metadata", "allowed-tools"}
TRIGGERS = ["publish to PyPI", "trusted publishing", "invalid-publisher", "pending publisher", "File already exists",
            "twine", "uv publish", "TestPyPI", "attestations", "yank"]
SCRIPT_NAMES = ["publish-preflight", "verify-release", "diagnose-publish", "check-action-pins"]
# What the skill ships (the validator's copy and the install test use the same list).
DISTRIBUTED = ["SKILL.md", "LICENSE", "references", "scripts", "assets"]


def split_skill():
    text = SKILL.read_text(encoding="utf-8")
    match = re.match(r"^---\n(.*?)\n---\n(.*)$", text, re.S)
    assert match, "SKILL.md must start with a --- frontmatter block"
    return match.group(1), match.group(2)


def frontmatter():
    return yaml.safe_load(split_skill()[0])


def documents():
    """SKILL.md and every reference present on this branch."""
    return [SKILL, *sorted((ROOT / "references").glob("*.md"))]


def referenced_paths():
    """Every repository path SKILL.md names: links and code spans under references/, scripts/, assets/."""
    body = split_skill()[1]
    found = set(re.findall(r"\]\(((?:references|scripts|assets)/[^)#\s]+)", body))
    found |= set(re.findall(r"(?<![\w/.~-])((?:references|scripts|assets)/[\w.-]+\.(?:md|py|yml))", body))
    return sorted(found)


# ----------------------------------------------------------------------------- frontmatter

def test_frontmatter_has_only_spec_fields_and_the_right_name():
    meta = frontmatter()
    assert set(meta) <= SPEC_FIELDS, f"not in the spec: {set(meta) - SPEC_FIELDS}"
    assert meta["name"] == "pypi-ops"
    assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", meta["name"]) and len(meta["name"]) <= 64
    assert len(meta.get("compatibility", "")) <= 500


def test_no_angle_brackets_in_frontmatter():
    raw = split_skill()[0]
    assert "<" not in raw and ">" not in raw


def test_description_fits_is_third_person_and_carries_the_trigger_words():
    description = frontmatter()["description"]
    assert 0 < len(description) <= 1024, len(description)
    first_word = description.split()[0]
    assert first_word.endswith("s") and first_word[0].isupper(), f"third person verb expected, got {first_word!r}"
    assert not re.search(r"\b(I|me|my|we|our|us|you|your)\b", description, re.I), "first or second person"
    assert "Use when" in description
    missing = [word for word in TRIGGERS if word.lower() not in description.lower()]
    assert not missing, f"trigger words missing: {missing}"


def test_no_dated_phrases():
    text = SKILL.read_text(encoding="utf-8")
    dated = re.findall(r"\b(?:in|as of|since|by|until|from|of)\s+(?:early\s+|late\s+|mid-)?(?:19|20)\d\d\b", text, re.I)
    dated += re.findall(r"\b20\d\d[- ]best[- ]practice\b", text, re.I)
    assert not dated, dated


# ----------------------------------------------------------------------------- body

def test_body_is_under_500_lines():
    body = split_skill()[1]
    assert len(body.splitlines()) < 500


def test_body_covers_the_whole_journey():
    body = split_skill()[1].lower()
    for topic in ["trusted publishing", "pending publisher", "preflight", "tag", "verify", "diagnose",
                  "playbook", "uv publish", "twine", "testpypi", "pins", "many packages", "reusable workflow",
                  "job_workflow_ref", "yank"]:
        assert topic in body, topic


@pytest.mark.parametrize("script", SCRIPT_NAMES)
def test_every_script_is_shown_with_its_interpreter(script):
    assert f"python3 scripts/{script}.py" in split_skill()[1]


def test_every_exit_code_is_explained():
    body = split_skill()[1]
    for code in ("0", "2", "3", "5", "7", "10", "11"):
        assert re.search(rf"^\|\s*{code}\s*\|", body, re.M), f"exit code {code} has no row in the table"
    assert "diagnose-publish.py" in body and re.search(r"\b11\b.*no (?:known )?class", body)


@pytest.mark.parametrize("document", documents(), ids=lambda p: p.name)
def test_scripts_are_always_called_through_python3(document):
    text = document.read_text(encoding="utf-8")
    for match in re.finditer(r"[\w./~-]*scripts/[\w-]+\.py", text):  # with any path in front
        before = text[max(0, match.start() - 8):match.start()]
        if text[match.end():match.end() + 1] != " ":  # a name in prose (`scripts/x.py`), not a command line
            continue
        # Through an interpreter, so a copy that lost its exec bit still runs (uv run reads the PEP 723 header).
        assert before.endswith(("python3 ", "uv run ")), \
            f"{document.name}: {match.group(0)!r} not called as python3 {match.group(0)}"


@pytest.mark.parametrize("path", referenced_paths())
def test_every_referenced_file_exists(path):
    assert (ROOT / path).exists(), f"SKILL.md names {path}, which does not exist"


def test_links_to_the_helper_owned_references_by_their_exact_names():
    body = split_skill()[1]
    for name in ("recovery-playbook.md", "action-pins.md", "preflight-checks.md", "verify-release.md",
                 "cli-contract.md"):
        assert f"](references/{name})" in body, name


# ----------------------------------------------------------------------------- references

def github_anchor(heading):
    slug = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return slug.replace(" ", "-")


@pytest.mark.parametrize("document", sorted((ROOT / "references").glob("*.md")), ids=lambda p: p.name)
def test_long_references_start_with_a_table_of_contents(document):
    lines = document.read_text(encoding="utf-8").splitlines()
    if len(lines) <= 100:
        return  # short enough to read without one
    head = "\n".join(lines[:40])
    toc = re.findall(r"\]\(#([\w-]+)\)", head)
    assert len(toc) >= 3, f"{document.name}: no table of contents in its first 40 lines"
    anchors = {github_anchor(line.lstrip("#")) for line in lines if re.match(r"#{2,4} ", line)}
    dangling = [anchor for anchor in toc if anchor not in anchors]
    assert not dangling, f"{document.name}: contents entries without a heading: {dangling}"


@pytest.mark.parametrize("document", documents(), ids=lambda p: p.name)
def test_no_secret_lookalikes_in_the_docs(document):
    text = document.read_text(encoding="utf-8")
    assert not re.search(r"pypi-AgE[A-Za-z0-9_-]{20,}|gh[pousr]_[A-Za-z0-9]{20,}|eyJ[A-Za-z0-9_-]{20,}\.", text)


# ----------------------------------------------------------------------------- the official validator

def skill_copy(tmp_path):
    """The skill's shipped files in a folder named like the skill (the validator requires that)."""
    target = tmp_path / "pypi-ops"
    target.mkdir()
    for name in DISTRIBUTED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, target / name)
    return target


def test_agentskills_validate_passes(tmp_path):
    if not AGENTSKILLS.exists():
        pytest.skip("agentskills (skills-ref) is not installed next to this interpreter")
    target = skill_copy(tmp_path)
    done = subprocess.run([str(AGENTSKILLS), "validate", str(target)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Valid skill" in done.stdout + done.stderr


def test_agentskills_reads_the_same_properties(tmp_path):
    if not AGENTSKILLS.exists():
        pytest.skip("agentskills (skills-ref) is not installed next to this interpreter")
    target = skill_copy(tmp_path)
    done = subprocess.run([str(AGENTSKILLS), "read-properties", str(target)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    properties = yaml.safe_load(done.stdout)  # JSON is YAML
    assert properties["name"] == "pypi-ops"
    assert properties["description"] == frontmatter()["description"]


def test_validator_rejects_a_folder_with_another_name(tmp_path):
    """Proof that the validation above is not vacuous: the same files under another name fail."""
    if not AGENTSKILLS.exists():
        pytest.skip("agentskills (skills-ref) is not installed next to this interpreter")
    target = skill_copy(tmp_path)
    renamed = target.rename(tmp_path / "not-the-name")
    done = subprocess.run([str(AGENTSKILLS), "validate", str(renamed)], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
