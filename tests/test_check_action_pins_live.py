"""check-action-pins.py --live and --fix against the local GitHub stand-in (tests/stubs.py), over real HTTP."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import pytest

from conftest import SCRIPTS, run_script
from stubs import Commit

SCRIPT = "check-action-pins"
# Real tags and commits (shared/facts/action-pins.tsv) so the stand-in looks like the real repositories.
CHECKOUT_602 = "de0fac2e4500dabe0009e67214ff5f5447ce83dd"
CHECKOUT_700 = "9c091bb21b7c1c1d1991bb908d89e4e9dddfe3e0"
CHECKOUT_701 = "3d3c42e5aac5ba805825da76410c181273ba90b1"
SETUP_UV_810 = "08807647e7069bb48b6ef5acd8ec9567f424441b"
SETUP_UV_1001 = "20cfd1bf945f4377ade1205e4dbc17946fc9a30d"
IMPOSTOR = hashlib.sha1(b"a fork's commit").hexdigest()
TOKEN = "ghp_stubtoken0123456789abcdefghijklmnopqrs"


def add_commit(repo, sha, parent=None, branch="main"):
    repo.commits[sha] = Commit(sha=sha, parents=[parent] if parent else [], message=sha[:7])
    repo.branches[branch] = sha
    return sha


class Model:
    """actions/checkout, astral-sh/setup-uv and a monorepo, as the stand-in serves them."""

    def __init__(self, stub):
        checkout = stub.github.repo("actions/checkout")
        self.c601 = checkout.chain("v6.0.1")[0]
        add_commit(checkout, CHECKOUT_602, self.c601)
        self.rc = checkout.chain("v6.0.3-rc.1")[0]
        add_commit(checkout, CHECKOUT_700, self.rc)
        add_commit(checkout, CHECKOUT_701, CHECKOUT_700)
        self.feature = checkout.chain("work in progress", branch="feature")[0]  # on a branch, in no tag
        checkout.tag("v6.0.1", self.c601)
        checkout.tag("v6.0.2", CHECKOUT_602)  # lightweight, as in the real repository
        checkout.tag("v6.0.3-rc.1", self.rc, annotated=True)
        self.tag_object_700 = checkout.tag("v7.0.0", CHECKOUT_700, annotated=True)
        checkout.tag("v7.0.1", CHECKOUT_701, annotated=True)
        checkout.tag("v6", CHECKOUT_602)  # the major tag, moved from v6.0.1 to v6.0.2
        checkout.tag("v7", CHECKOUT_701)
        for name, pre in (("v6.0.1", False), ("v6.0.2", False), ("v6.0.3-rc.1", True), ("v7.0.0", False),
                          ("v7.0.1", False)):
            checkout.release(name, prerelease=pre)
        uv = stub.github.repo("astral-sh/setup-uv")
        add_commit(uv, SETUP_UV_810)
        add_commit(uv, SETUP_UV_1001, SETUP_UV_810)
        uv.tag("v8.1.0", SETUP_UV_810)
        uv.tag("v8", SETUP_UV_810)
        uv.tag("v10.0.1", SETUP_UV_1001)
        uv.release("v8.1.0")
        uv.release("v10.0.1")
        mono = stub.github.repo("octo-org/monorepo")
        self.tools140, self.tools150, self.web = mono.chain("tools 1.4.0", "tools 1.5.0", "web 9")
        mono.tag("tools/v1.4.0", self.tools140, annotated=True)
        mono.tag("tools/v1.5.0", self.tools150)
        mono.tag("web/v9.0.0", self.web)
        mono.release("tools/v1.5.0")
        mono.release("web/v9.0.0")  # the latest release belongs to another component


@pytest.fixture
def model(stub):
    return Model(stub)


def workflow(tmp_path, *uses, name="wf.yml", newline="\n"):
    lines = ["on: push", "jobs:", "  build:", "    runs-on: ubuntu-latest", "    steps:"]
    lines += [f"      - uses: {item}" for item in uses]
    path = tmp_path / name
    path.write_bytes((newline.join(lines) + newline).encode())
    return path


def live(stub, *args, python=None, env=None):
    environment = {"GITHUB_API_URL": stub.url}
    environment.update(env or {})
    return run_script(SCRIPT, "--live", "--json", *args, python=python, env=environment)


def verdicts(result):
    return [(record["problem"], record["note"]) for record in result.json["data"]]


def test_true_pins_pass_with_lightweight_annotated_prerelease_and_monorepo_tags(stub, model, tmp_path, python):
    path = workflow(tmp_path,
                    f"actions/checkout@{CHECKOUT_701} # v7.0.1",  # annotated: peeled to its commit
                    f"actions/checkout@{model.rc} # v6.0.3-rc.1",
                    f"astral-sh/setup-uv@{SETUP_UV_1001} # v10.0.1",
                    f"octo-org/monorepo/tools@{model.tools150} # tools/v1.5.0")
    result = live(stub, path, python=python)
    assert result.returncode == 0, result.stdout
    problems = [record["problem"] for record in result.json["data"]]
    assert problems == [None, "outdated", None, None]  # the prerelease is older than the v7.0.1 release
    assert result.json["meta"] == {"ok": True, "count": 4, "mode": "live", "reader": "PyYAML", "exceptions": None,
                                   "schema": "pypi-ops.check-action-pins/v1"}
    paths = stub.paths()
    assert any(p.endswith("/git/ref/tags/v6.0.3-rc.1") for p in paths)  # verbatim, not cut to v6.0.3
    assert any(p.endswith("/git/ref/tags/tools/v1.5.0") for p in paths)


def test_outdated_names_the_newest_release(stub, model, tmp_path):
    path = workflow(tmp_path, f"actions/checkout@{CHECKOUT_602} # v6.0.2",
                    f"astral-sh/setup-uv@{SETUP_UV_810} # v8.1.0",
                    f"octo-org/monorepo/tools@{model.tools140} # tools/v1.4.0",
                    f"actions/checkout@{CHECKOUT_602} # v6")
    result = live(stub, path)
    assert result.returncode == 0
    assert verdicts(result)[:3] == [("outdated", "newest release: v7.0.1"), ("outdated", "newest release: v10.0.1"),
                                    ("outdated", "newest release: tools/v1.5.0")]
    assert all(record["ok"] for record in result.json["data"])
    imprecise = result.json["data"][3]  # v6 is a major behind v7: said in the note of the imprecise comment
    assert imprecise["problem"] == "imprecise-version-comment" and "newest release: v7.0.1" in imprecise["note"]
    strict = live(stub, "--strict", path)
    assert strict.returncode == 10 and not strict.json["data"][0]["ok"]


def test_drift_names_the_tags_at_the_pinned_commit(stub, model, tmp_path):
    path = workflow(tmp_path, f"actions/checkout@{model.c601} # v6.0.2",  # comment lies
                    f"actions/checkout@{model.c601} # v6",  # the major tag moved on: imprecise, not drift
                    f"actions/checkout@{model.feature} # v6.0.2")  # a branch commit in no tag
    result = live(stub, path)
    assert result.returncode == 10
    (first, note1), (second, note2), (third, note3) = verdicts(result)
    assert first == "drift" and "tags at the pinned commit: v6.0.1" in note1
    assert second == "imprecise-version-comment" and "the release at the pinned commit is v6.0.1" in note2
    assert result.json["data"][1]["ok"]
    assert third == "drift" and "no tag points at the pinned commit" in note3 and "feature" in note3


def test_impostor_unknown_tag_and_tag_object(stub, model, tmp_path):
    path = workflow(tmp_path, f"actions/checkout@{IMPOSTOR} # v6.0.2",
                    f"actions/checkout@{CHECKOUT_602} # v6.0",  # v6.0.1 and v6.0.2 exist; v6.0 does not
                    f"actions/checkout@{model.tag_object_700} # v7.0.0",
                    f"actions/checkout@{IMPOSTOR}",
                    f"octo-org/nothing-here@{CHECKOUT_602} # v1.0.0")
    result = live(stub, path)
    assert result.returncode == 10
    problems = [problem for problem, _ in verdicts(result)]
    assert problems == ["impostor", "unknown-tag", "tag-object-sha", "impostor", "unknown-repo"]
    assert any("/compare/main..." in p for p in stub.paths())  # reachability asked like zizmor does
    assert not any("/git/refs/tags/" in p for p in stub.paths())  # never the prefix-matching endpoint


def test_each_repo_and_tag_is_asked_once_and_the_token_is_sent_not_printed(stub, model, tmp_path):
    path = workflow(tmp_path, *[f"actions/checkout@{CHECKOUT_602} # v6.0.2"] * 5)
    result = live(stub, path, env={"GITHUB_TOKEN": TOKEN})
    assert result.returncode == 0
    assert sum(p.endswith("/git/ref/tags/v6.0.2") for p in stub.paths()) == 1
    assert all(headers.get("Authorization") == f"Bearer {TOKEN}" for _, _, headers in stub.requests)
    assert TOKEN not in result.stdout + result.stderr
    result = live(stub, path, env={"GH_TOKEN": TOKEN})
    assert stub.requests[-1][2].get("Authorization") == f"Bearer {TOKEN}"


@pytest.mark.parametrize("status", [403, 429])
def test_rate_limit_is_exit_7_with_the_reason(stub, model, tmp_path, status):
    stub.fault("rate-limit", r"^/repos/", status=status)
    path = workflow(tmp_path, f"actions/checkout@{CHECKOUT_602} # v6.0.2")
    result = live(stub, path)
    assert result.returncode == 7
    (record,) = result.json["data"]
    assert record["problem"] == "unverified" and "rate limit" in record["note"] and f"HTTP {status}" in record["note"]
    assert result.json["meta"]["ok"] is False


@pytest.mark.parametrize("kind", ["status", "html", "malformed", "truncated", "close"])
def test_outages_are_exit_7_never_ok(stub, model, tmp_path, kind):
    stub.fault(kind, r"^/repos/", status=500)
    path = workflow(tmp_path, f"actions/checkout@{CHECKOUT_602} # v6.0.2")
    result = live(stub, path)
    assert result.returncode == 7, result.stdout
    (record,) = result.json["data"]
    assert record["problem"] == "unverified" and not record["ok"]
    expected = {"status": "HTTP 500", "html": "instead of JSON", "malformed": "malformed JSON",
                "truncated": "cut off", "close": "unreachable"}[kind]
    assert expected in record["note"]
    assert "Traceback" not in result.stderr


def test_a_real_problem_wins_over_an_outage(stub, model, tmp_path):
    stub.fault("status", r"/git/ref/", status=502)
    path = workflow(tmp_path, "actions/checkout@v6", f"actions/checkout@{CHECKOUT_602} # v6.0.2")
    result = live(stub, path)
    assert result.returncode == 10
    assert [r["problem"] for r in result.json["data"]] == ["unpinned", "unverified"]


def test_outage_in_text_mode_says_why(stub, model, tmp_path, python):
    stub.fault("html", r"^/repos/")
    path = workflow(tmp_path, f"actions/checkout@{CHECKOUT_602} # v6.0.2")
    result = run_script(SCRIPT, "--live", path, python=python, env={"GITHUB_API_URL": stub.url})
    assert result.returncode == 7 and "instead of JSON" in result.stderr


# ----------------------------------------------------------------------------- --fix

TRICKY = f"""on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: "actions/checkout@v6"   # keep me
      - {{uses: 'astral-sh/setup-uv@v8.1.0', with: {{python: "3.12"}}}}
      - uses: actions/checkout@{CHECKOUT_602}
        with:
          note: "uses: actions/checkout@v6 stays as it is"
      - uses: actions/checkout@{CHECKOUT_602}#v6.0.2
      - run: echo "actions/checkout@v6"   # untouched comment
      - uses: octo-org/monorepo/tools@tools/v1.4.0
      - uses: ./local
"""


def fixed_lines(before, after):
    """The line numbers whose text changed (the file must keep its line count)."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    assert len(old) == len(new)
    return [number for number, (a, b) in enumerate(zip(old, new), 1) if a != b]


def unchanged_hash(text, changed):
    return hashlib.sha256("".join(line for number, line in enumerate(text.splitlines(keepends=True), 1)
                                  if number not in changed).encode()).hexdigest()


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_fix_prints_a_diff_then_writes_only_refs_and_comments(stub, model, tmp_path, newline):
    path = tmp_path / "wf.yml"
    original = TRICKY.replace("\n", newline).encode()
    path.write_bytes(original)
    env = {"GITHUB_API_URL": stub.url}
    preview = run_script(SCRIPT, "--fix", path, env=env)
    assert preview.returncode == 10 and path.read_bytes() == original  # nothing written without --write
    assert preview.stdout.startswith("---") and f"+      - uses: \"actions/checkout@{CHECKOUT_602}\"" in preview.stdout
    written = run_script(SCRIPT, "--fix", "--write", path, env=env)
    assert written.returncode == 0, written.stderr
    after = path.read_bytes().decode()
    before = original.decode()
    changed = fixed_lines(before, after)
    assert changed == [6, 7, 8, 11, 13]
    assert unchanged_hash(before, changed) == unchanged_hash(after, changed)
    lines = after.splitlines(keepends=True)
    assert all(line.endswith(newline) for line in lines)
    assert lines[5] == f'      - uses: "actions/checkout@{CHECKOUT_602}"   # v6.0.2 # keep me{newline}'  # the user's
    assert lines[6] == (f"      - {{uses: 'astral-sh/setup-uv@{SETUP_UV_810}', with: {{python: \"3.12\"}}}} "
                        f"# v8.1.0{newline}")
    assert lines[7] == f"      - uses: actions/checkout@{CHECKOUT_602} # v6.0.2{newline}"
    assert lines[10] == f"      - uses: actions/checkout@{CHECKOUT_602} # v6.0.2{newline}"
    assert lines[12] == f"      - uses: octo-org/monorepo/tools@{model.tools140} # tools/v1.4.0{newline}"
    again = run_script(SCRIPT, "--live", path, env=env)
    assert again.returncode == 0, again.stderr  # the fixed file passes (outdated is only a note)


def test_fix_update_moves_to_the_newest_release_of_the_same_major(stub, model, tmp_path):
    path = workflow(tmp_path, f"actions/checkout@{model.c601} # v6.0.1", "astral-sh/setup-uv@v8",
                    f"actions/checkout@{CHECKOUT_700} # v7.0.0")
    result = run_script(SCRIPT, "--fix", "--update", "--write", "--json", path, env={"GITHUB_API_URL": stub.url})
    assert result.returncode == 0, result.stderr
    text = path.read_text()
    assert f"actions/checkout@{CHECKOUT_602} # v6.0.2" in text  # not v7: same major only
    assert f"astral-sh/setup-uv@{SETUP_UV_810} # v8.1.0" in text
    assert f"actions/checkout@{CHECKOUT_701} # v7.0.1" in text
    assert result.json["meta"]["written"] is True and result.json["meta"]["mode"] == "fix"


def test_fix_leaves_what_needs_a_person(stub, model, tmp_path):
    path = workflow(tmp_path, f"actions/checkout@{IMPOSTOR} # v6.0.2", "actions/checkout@no-such-tag",
                    "docker://alpine:3")
    before = path.read_bytes()
    result = run_script(SCRIPT, "--fix", "--write", "--json", path, env={"GITHUB_API_URL": stub.url})
    assert result.returncode == 10 and path.read_bytes() == before
    assert [change["fixed"] for change in result.json["data"]] == [False, False, False]


def test_fix_works_with_the_standard_library_reader(stub, model, tmp_path):
    path = workflow(tmp_path, "'actions/checkout@v6.0.2'  # old", f"actions/checkout@{CHECKOUT_602}")
    done = subprocess.run([sys.executable, "-S", str(SCRIPTS / f"{SCRIPT}.py"), "--fix", "--write", str(path)],
                          capture_output=True, text=True, env={"GITHUB_API_URL": stub.url, "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    text = path.read_text()
    assert f"- uses: 'actions/checkout@{CHECKOUT_602}'  # v6.0.2 # old\n" in text
    assert f"- uses: actions/checkout@{CHECKOUT_602} # v6.0.2\n" in text


def test_live_without_packaging_orders_versions_the_same(stub, model, tmp_path):
    """Under `python -S` neither PyYAML nor packaging is importable: the fallback version order is used."""
    path = workflow(tmp_path, f"actions/checkout@{model.rc} # v6.0.3-rc.1", f"actions/checkout@{CHECKOUT_701} # v7.0.1",
                    f"astral-sh/setup-uv@{SETUP_UV_810} # v8.1.0",
                    f"octo-org/monorepo/tools@{model.tools140} # tools/v1.4.0")
    with_libraries = live(stub, path).json["data"]
    done = subprocess.run([sys.executable, "-S", str(SCRIPTS / f"{SCRIPT}.py"), "--live", "--json", str(path)],
                          capture_output=True, text=True, env={"GITHUB_API_URL": stub.url, "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    import json
    assert json.loads(done.stdout)["data"] == with_libraries
    assert [record["problem"] for record in with_libraries] == ["outdated", None, "outdated", "outdated"]


def test_the_flag_wins_over_the_environment_and_warnings_are_annotations(stub, model, tmp_path):
    path = workflow(tmp_path, f"actions/checkout@{CHECKOUT_602} # v6.0.2", "actions/checkout@v7")
    result = run_script(SCRIPT, "--live", "--format", "github", "--github-api-url", stub.url, path,
                        env={"GITHUB_API_URL": "http://127.0.0.1:9/unused"})
    assert result.returncode == 10
    lines = result.stdout.splitlines()
    assert lines[0].startswith("::warning file=") and "outdated" in lines[0] and "v7.0.1" in lines[0]
    assert lines[1].startswith("::error file=") and ",line=7," in lines[1]


@pytest.mark.parametrize("fmt", ["json", "sarif", "text"])
def test_credentials_in_the_api_url_are_used_as_the_token_and_never_shown(stub, model, tmp_path, fmt):
    path = workflow(tmp_path, f"actions/checkout@{CHECKOUT_701} # v7.0.1", "octo-org/missing@v1")
    secret = "ghp_SECRETSECRETSECRET123456"
    api = stub.url.replace("http://", f"http://x-access-token:{secret}@")
    result = run_script(SCRIPT, "--live", "--format", fmt, "--github-api-url", api, path)
    assert secret not in result.stdout + result.stderr
    assert result.returncode == 10  # the unpinned ref; the lookups themselves worked
    assert all(headers.get("Authorization") == f"Bearer {secret}" for _, _, headers in stub.requests)
