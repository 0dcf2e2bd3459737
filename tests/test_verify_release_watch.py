"""assets/provenance-watch.yml: the template's own rules, and its two steps run as written (the inline Python
taken from the parsed YAML, the bash step under bash) against the local index stand-in. zizmor, actionlint and
the pins table judge it in tests/test_assets.py."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from stubs import attestation_provenance

WATCH = ROOT / "assets" / "provenance-watch.yml"
SCRIPT = ROOT / "scripts" / "verify-release.py"


def load():
    return yaml.safe_load(WATCH.read_text(encoding="utf-8"))


def step(job, fragment):
    found = [s for s in load()["jobs"][job]["steps"] if fragment in s.get("name", "")]
    assert len(found) == 1
    return found[0]


def heredoc(run):
    lines = run.splitlines()
    start = next(i for i, line in enumerate(lines) if line.rstrip().endswith("<<'PY'"))
    end = next(i for i in range(start + 1, len(lines)) if lines[i].strip() == "PY")
    return "\n".join(lines[start + 1:end]) + "\n"


def clean_env(**extra):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "PYPI_OPS_"))}
    environment.update(extra)
    return environment


# ----------------------------------------------------------------------------- the template's rules

def test_scheduled_and_manual_least_privilege_and_bounded():
    workflow = load()
    triggers = workflow.get("on", workflow.get(True))
    assert set(triggers) == {"schedule", "workflow_dispatch"}
    assert workflow["permissions"] == {}
    for job_id, job in workflow["jobs"].items():
        assert job["permissions"] == {"contents": "read"}, job_id
        assert job["timeout-minutes"] <= 10 and job.get("name"), job_id
    history = workflow["jobs"]["history"]
    assert history["needs"] == "projects" and history["strategy"]["fail-fast"] is False
    assert history["strategy"]["matrix"]["project"] == "${{ fromJSON(needs.projects.outputs.matrix) }}"
    text = WATCH.read_text(encoding="utf-8")
    assert "secrets." not in text
    for job in workflow["jobs"].values():
        for item in job["steps"]:
            assert "${{" not in item.get("run", ""), "expressions reach run: only through env:"
            if item.get("uses", "").startswith("actions/checkout@"):
                assert item["with"]["persist-credentials"] is False
            if item.get("uses", "").startswith("astral-sh/setup-uv@"):
                assert item["with"]["enable-cache"] is False and item["with"]["version"].count(".") == 2


def test_the_libraries_it_runs_with_are_the_runtime_pins():
    run = step("history", "provenance continuity")["run"]
    runtime = (ROOT / "requirements-runtime.txt").read_text(encoding="utf-8")
    for requirement in ("packaging==26.4", "pyyaml==6.0.4"):
        assert f'--with "{requirement}"' in run
        assert f"{requirement.lower()} ; python_version >= \"3.10\"" in runtime.lower()


def test_its_command_is_the_make_watch_command():
    run = step("history", "provenance continuity")["run"]
    assert 'args=(--history "$PROJECT" --limit "$LIMIT" --markdown)' in run
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert 'scripts/verify-release.py --history "$$project" --limit "$(WATCH_LIMIT)" --markdown' in makefile


# ----------------------------------------------------------------------------- the matrix step, run as written

def matrix_step(tmp_path, projects="", list_text=None):
    program = heredoc(step("projects", "matrix")["run"])
    output = tmp_path / "github-output"
    if list_text is not None:
        (tmp_path / ".github").mkdir(exist_ok=True)
        (tmp_path / ".github" / "provenance-watch.txt").write_text(list_text, encoding="utf-8")
    env = dict(step("projects", "matrix")["env"], PROJECTS=projects, GITHUB_OUTPUT=str(output))
    done = subprocess.run([sys.executable, "-"], input=program, capture_output=True, text=True, cwd=tmp_path,
                          env=clean_env(**env), timeout=60)
    matrix = None
    if output.exists():
        key, _, value = output.read_text(encoding="utf-8").strip().partition("=")
        assert key == "matrix"
        matrix = json.loads(value)
    return done, matrix


def test_matrix_from_the_list_file_with_comments_and_accepted_versions(tmp_path):
    done, matrix = matrix_step(tmp_path, list_text="# watched\nsampleproject\n\ndemo-package 2.0.0 2.0.1  # moved\n")
    assert done.returncode == 0, done.stderr
    assert matrix == [{"name": "sampleproject", "accept": ""}, {"name": "demo-package", "accept": "2.0.0 2.0.1"}]


def test_matrix_from_the_input_wins_over_the_file(tmp_path):
    done, matrix = matrix_step(tmp_path, projects="requests  twine", list_text="sampleproject\n")
    assert done.returncode == 0 and [item["name"] for item in matrix] == ["requests", "twine"]


@pytest.mark.parametrize("list_text", ["", "# nothing\n", "bad;name\n", "ok $(touch x)\n"])
def test_matrix_refuses_what_is_not_a_list_of_names(tmp_path, list_text):
    done, matrix = matrix_step(tmp_path, list_text=list_text)
    assert done.returncode == 1 and "::error::" in done.stderr and matrix is None
    assert not (tmp_path / "x").exists()


def test_matrix_without_a_list_file_says_so(tmp_path):
    done, matrix = matrix_step(tmp_path)
    assert done.returncode == 1 and "cannot read .github/provenance-watch.txt" in done.stderr


# ----------------------------------------------------------------------------- the history step, run as written

@pytest.fixture
def uv_stand_in(tmp_path):
    """A directory with an executable `uv` that runs `uv run --no-project --with ... python ARGS` as this
    interpreter (which has the pinned libraries installed) with ARGS: the test machine has no uv, and uv would
    download the libraries."""
    folder = tmp_path / "bin"
    folder.mkdir()
    shim = folder / "uv"
    shim.write_text(f"""#!{sys.executable}
import os, sys
args = sys.argv[1:]
assert args[:2] == ["run", "--no-project"], args
rest = args[2:]
while rest and rest[0] == "--with":
    rest = rest[2:]
assert rest and rest[0] == "python", args
os.execv({sys.executable!r}, [{sys.executable!r}] + rest[1:])
""", encoding="utf-8")
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR)
    return folder


def history_step(stub, tmp_path, uv_stand_in, project, accept=""):
    item = step("history", "provenance continuity")
    summary = tmp_path / "summary.md"
    env = clean_env(**dict(item["env"], PROJECT=project, ACCEPT=accept, VERIFY_RELEASE=str(SCRIPT),
                           GITHUB_STEP_SUMMARY=str(summary), PYPI_OPS_INDEX_URL=stub.url,
                           PATH=f"{uv_stand_in}{os.pathsep}{os.environ['PATH']}"))
    done = subprocess.run(["bash", "-e", "-c", item["run"]], capture_output=True, text=True, cwd=tmp_path, env=env,
                          timeout=120)
    return done, summary.read_text(encoding="utf-8") if summary.exists() else ""


def signed(filename):
    return attestation_provenance("octo-org/demo-package", "publish.yml", "pypi")


def test_history_step_writes_the_table_and_fails_on_a_break(stub, tmp_path, uv_stand_in):
    stub.index.add_release("demo-package", "1.0.0", provenance=signed, upload_time="2025-01-01T00:00:00Z")
    stub.index.add_release("demo-package", "1.0.1", upload_time="2025-02-01T00:00:00Z")
    done, summary = history_step(stub, tmp_path, uv_stand_in, "demo-package")
    assert done.returncode == 10, done.stdout + done.stderr
    assert "| 1.0.1 | 2025-02-01T00:00:00Z | 2 | no | - | **BREAK provenance-missing** |" in summary
    assert "::error::demo-package: provenance continuity is broken" in done.stdout


def test_history_step_passes_when_the_break_is_accepted(stub, tmp_path, uv_stand_in):
    stub.index.add_release("demo-package", "1.0.0", provenance=signed, upload_time="2025-01-01T00:00:00Z")
    stub.index.add_release("demo-package", "1.0.1", upload_time="2025-02-01T00:00:00Z")
    done, summary = history_step(stub, tmp_path, uv_stand_in, "demo-package", accept="1.0.1")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "accepted provenance-missing" in summary and "::error::" not in done.stdout


def test_history_step_fails_when_the_index_is_unclear(stub, tmp_path, uv_stand_in):
    stub.fault("html", r"^/simple/")
    done, summary = history_step(stub, tmp_path, uv_stand_in, "demo-package")
    assert done.returncode == 7 and "could not be read clearly (exit 7" in done.stdout
    assert "UNCLEAR" in summary


def test_make_watch_runs_the_same_command(stub, tmp_path):
    stub.index.add_release("demo-package", "1.0.0", provenance=signed, upload_time="2025-01-01T00:00:00Z")
    done = subprocess.run(["make", "-s", "-o", ".venv/.stamp", "watch", "PROJECTS=demo-package",
                           f"PY={sys.executable}"], capture_output=True, text=True, cwd=ROOT,
                          env=clean_env(PYPI_OPS_INDEX_URL=stub.url), timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "| 1.0.0 |" in done.stdout and "**CONTINUOUS" in done.stdout
    usage = subprocess.run(["make", "-s", "-o", ".venv/.stamp", "watch"], capture_output=True, text=True, cwd=ROOT,
                           timeout=60)
    assert usage.returncode != 0 and "usage: make watch" in usage.stdout


def test_bench_is_listed_for_make_bench():
    assert (Path(ROOT) / "bench" / "bench_history.py").exists()
