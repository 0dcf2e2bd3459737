"""check-action-pins.py on what workflows look like in 2026 (issue 12): step groups and background steps,
version comments that are real tags but not X.Y.Z, moving tags, accepted exceptions, container and service
images, files that cannot be read among others, and --fix without the network. Real files from
tests/fixtures/pins/real/ (sources in their header comments and expected.json), both YAML readers, and the
local GitHub and registry stand-ins of tests/stubs.py over real HTTP."""

from __future__ import annotations

import json
import shutil
import socket

import pytest

from conftest import FIXTURES, run_script
from test_check_action_pins import check_without_pyyaml, zizmor_findings
from test_check_action_pins_live import add_commit

SCRIPT = "check-action-pins"
PINS = FIXTURES / "pins"
REAL = PINS / "real"
BAD = PINS / "bad"
# Real commits and tags of actions/checkout (read from a snapshot of the repository, f548e57e).
CHECKOUT_601 = "8e8c483db84b4bee98b60c0593521ed34d9990e8"  # v6.0.1
CHECKOUT_V6 = "d23441a48e516b6c34aea4fa41551a30e30af803"  # where v6 points now (its history holds v6.0.1)
CHECKOUT_V6_BETA = "71cf2267d89c5cb81562390fa70a37fa40b1305e"  # v6-beta (and nothing else)
CHECKOUT_422 = "11bd71901bbe5b1630ceea73d27597364c9af683"  # v4.2.2
CHECKOUT_431 = "34e114876b0b11c390a56381ad16ebd13914f8d5"  # v4.3.1
CHECKOUT_V4 = "11d5960a326750d5838078e36cf38b85af677262"  # where v4 points now (v4.4.0)
# Real pins of the parallel.yaml fixture before they were pinned (guitarrapc/githubactions-lab @c390407f).
SETUP_DOTNET_530 = "9a946fdbd5fb07b82b2f5a4466058b876ab72bb2"


def check(*args, **kwargs):
    result = run_script(SCRIPT, *args, **kwargs)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def checkout_model(stub):
    """actions/checkout as the stand-in serves it: real tags at their real commits, and the history that
    matters (v4.2.2 -> v4.3.1 -> v4; v6.0.1 -> v6; v6-beta on a branch of its own)."""
    repo = stub.github.repo("actions/checkout")
    add_commit(repo, CHECKOUT_422)
    add_commit(repo, CHECKOUT_431, CHECKOUT_422)
    add_commit(repo, CHECKOUT_V4, CHECKOUT_431, branch="releases/v4")
    add_commit(repo, CHECKOUT_601)
    add_commit(repo, CHECKOUT_V6, CHECKOUT_601)
    add_commit(repo, CHECKOUT_V6_BETA, branch="v6-beta-branch")
    for name, sha in (("v4.2.2", CHECKOUT_422), ("v4.3.1", CHECKOUT_431), ("v4.4.0", CHECKOUT_V4), ("v4", CHECKOUT_V4),
                      ("v6.0.1", CHECKOUT_601), ("v6.0.2", CHECKOUT_V6), ("v6", CHECKOUT_V6),
                      ("v6-beta", CHECKOUT_V6_BETA)):
        repo.tag(name, sha)
    for name in ("v4.4.0", "v6.0.1", "v6.0.2"):
        repo.release(name)
    return repo


def workflow(tmp_path, *lines, name="wf.yml"):
    path = tmp_path / name
    path.write_text("\n".join(["on: push", "jobs:", "  build:", "    runs-on: ubuntu-latest", "    steps:",
                               *[f"      - uses: {line}" for line in lines]]) + "\n")
    return path


# ----------------------------------------------------------------------------- step groups

@pytest.mark.parametrize("reader", ["PyYAML", "standard-library"])
def test_uses_inside_parallel_groups_are_read_and_fixed(stub, tmp_path, reader):
    copy = tmp_path / "parallel.yml"
    shutil.copyfile(REAL / "guitarrapc-parallel-unpinned.yml", copy)
    runner = check if reader == "PyYAML" else check_without_pyyaml
    offline = runner("--json", copy)
    records = json.loads(offline.stdout)["data"]
    assert [(r["line"], r["action"], r["problem"]) for r in records] == [
        (23, "actions/checkout", "unpinned"), (26, "actions/setup-dotnet", "unpinned")]
    assert offline.returncode == 10
    checkout = stub.github.repo("actions/checkout")
    add_commit(checkout, CHECKOUT_601)
    checkout.tag("v6.0.1", CHECKOUT_601)
    dotnet = stub.github.repo("actions/setup-dotnet")
    add_commit(dotnet, SETUP_DOTNET_530)
    dotnet.tag("v5.3.0", SETUP_DOTNET_530)
    if reader == "PyYAML":
        fixed = check("--fix", "--write", copy, env={"GITHUB_API_URL": stub.url})
    else:
        fixed = check_without_pyyaml("--fix", "--write", "--github-api-url", stub.url, copy)
    assert fixed.returncode == 0, fixed.stderr
    text = copy.read_text()
    assert f"uses: actions/checkout@{CHECKOUT_601} # v6.0.1" in text
    assert f"uses: actions/setup-dotnet@{SETUP_DOTNET_530} # v5.3.0" in text
    assert runner("-q", copy).returncode == 0


def test_background_steps_and_nested_groups_are_steps_like_any_other(tmp_path):
    records = check("--json", REAL / "guitarrapc-parallel-background.yml").json["data"]
    assert len(records) == 7 and all(r["ok"] for r in records)
    nested = tmp_path / "nested.yml"  # GitHub refuses a group in a group today; the reader still looks inside
    nested.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - parallel:\n"
                      "          - parallel:\n              - uses: actions/checkout@v6\n"
                      "          - uses: $/.github/actions/local\n            background: true\n")
    for runner in (check, check_without_pyyaml):
        found = json.loads(runner("--json", nested).stdout)["data"]
        assert [(r["line"], r["problem"]) for r in found] == [(8, "unpinned"), (9, None)]
        assert "local action" in found[1]["note"]  # `$/` is this repository: versioned with it


# ----------------------------------------------------------------------------- version comments

def test_tag_shaped_comments_beyond_x_y_z_are_accepted_offline_and_branch_names_are_not(tmp_path):
    sha = "8b4f60114d7fd1faeba1a712269168508d4750d2"  # ammaraskar/sphinx-action, whose releases are X.Y (0.4)
    path = workflow(tmp_path, f"ammaraskar/sphinx-action@{sha} # 0.4", f"actions/checkout@{CHECKOUT_V6_BETA} # v6-beta",
                    f"wntrblm/nox@{sha} # 2024.01.3", f"actions/checkout@{CHECKOUT_601} # main",
                    f"actions/checkout@{CHECKOUT_601} # see issue 1234",
                    f"actions/checkout@{CHECKOUT_601} # ratchet:actions/checkout@v6")
    for runner in (check, check_without_pyyaml):
        records = json.loads(runner("--json", path).stdout)["data"]
        assert [r["problem"] for r in records] == [None, None, None, "bad-version-comment", "bad-version-comment",
                                                   "imprecise-version-comment"]


def test_live_accepts_real_tags_and_calls_a_moved_major_imprecise_not_drift(stub, tmp_path):
    checkout_model(stub)
    repo = stub.github.repo("actions/checkout")
    repo.tag("stable", CHECKOUT_601)  # a word that is a tag at the pin
    path = workflow(tmp_path, f"actions/checkout@{CHECKOUT_V6_BETA} # v6-beta",
                    f"actions/checkout@{CHECKOUT_431} # ratchet:actions/checkout@v4",
                    f"actions/checkout@{CHECKOUT_601} # v6 keep these words",
                    f"actions/checkout@{CHECKOUT_601} # stable",
                    f"actions/checkout@{CHECKOUT_601} # main",
                    f"actions/checkout@{CHECKOUT_422} # v6")  # v6's history does not hold a v4 commit
    result = check("--live", "--json", path, env={"GITHUB_API_URL": stub.url})
    records = result.json["data"]
    assert [r["problem"] for r in records] == ["outdated", "imprecise-version-comment", "imprecise-version-comment",
                                               None, "bad-version-comment", "drift"]  # v6-beta is a real tag, older
    assert records[0]["note"] == "newest release: v6.0.2"
    assert "v4 has moved on to 11d5960a3267" in records[1]["note"]
    assert "the release at the pinned commit is v4.3.1" in records[1]["note"]
    assert "v6.0.1" in records[2]["note"] and records[1]["ok"] and records[2]["ok"]
    assert "stable is a tag" in records[3]["note"]
    assert "main is a branch of actions/checkout, not a tag" in records[4]["note"]
    assert result.returncode == 10  # the last two
    fixed = check("--fix", "--write", path, env={"GITHUB_API_URL": stub.url})
    text = path.read_text()
    assert f"@{CHECKOUT_431} # ratchet:actions/checkout@v4.3.1\n" in text
    assert f"@{CHECKOUT_601} # v6.0.1 keep these words\n" in text  # the user's own words stay
    assert f"@{CHECKOUT_V6_BETA} # v6-beta\n" in text and f"@{CHECKOUT_601} # stable\n" in text
    assert f"@{CHECKOUT_601} # v6.0.1 # main\n" in text  # the release at the pin, in front of the user's word
    assert fixed.returncode == 10  # the drift is left for a person, with the detail --live gives:
    assert "tags at the pinned commit: v4.2.2" in fixed.stderr
    again = check("--live", "--json", path, env={"GITHUB_API_URL": stub.url}).json["data"]
    assert [r["problem"] for r in again[:5]] == ["outdated", "outdated", "outdated", None, "outdated"]
    assert all(r["ok"] for r in again[:5])  # only newer releases are left: notes, not problems


def test_the_ratchet_pins_of_a_real_file_are_imprecise_live_and_fixed_exactly(stub, tmp_path):
    copy = tmp_path / "gemini.yml"
    shutil.copyfile(REAL / "gemini-review-ratchet.yml", copy)
    checkout_model(stub)
    token = stub.github.repo("actions/create-github-app-token")
    sha = "29824e69f54612133e76f7eaac726eef6c875baf"  # the file's pin, commented ratchet:...@v2
    add_commit(token, sha)
    token.tag("v2.1.1", sha)  # stand-in tags: v2 moved on, v2.1.1 at the pin
    moved = token.chain("later")[0]
    token.tag("v2", moved)
    records = check("--live", "--json", copy, env={"GITHUB_API_URL": stub.url}).json["data"]
    by_action = {r["action"]: r for r in records if r["ref"] and len(r["ref"]) == 40}
    assert by_action["actions/checkout"]["problem"] == "imprecise-version-comment"
    assert by_action["actions/create-github-app-token"]["problem"] == "imprecise-version-comment"
    check("--fix", "--write", copy, env={"GITHUB_API_URL": stub.url})
    text = copy.read_text()
    assert f"actions/checkout@{CHECKOUT_601}' # ratchet:actions/checkout@v6.0.1" in text
    assert f"create-github-app-token@{sha}' # ratchet:actions/create-github-app-token@v2.1.1" in text


def test_help_and_reference_say_the_comment_rule():
    text = check("--help").stdout
    for words in ("v6-beta", "1.11", "imprecise", "ratchet", "pypi-ops: ignore", "zizmor: ignore"):
        assert words in text, words
    reference = (FIXTURES.parent.parent / "references" / "action-pins.md").read_text()
    for words in ("v6-beta", "1.11", "moving tag", "pypi-ops: ignore[", "action-pins-exceptions.yml",
                  "unpinned-container-image", "bad-input", "parallel:"):
        assert words in reference, words


# ----------------------------------------------------------------------------- exceptions

def test_zizmors_inline_ignore_is_honoured_and_kept_in_the_json(python):
    result = check("--json", REAL / "grafana-socket-sbom-zizmor-ignore.yml", python=python)
    ignored = [r for r in result.json["data"] if r["ignored"]]
    assert [(r["line"], r["problem"]) for r in ignored] == [(25, "unpinned")]
    assert ignored[0]["reason"] == "zizmor: ignore[unpinned-uses] on the line" and not ignored[0]["ok"]
    assert result.returncode == 10  # actions/upload-artifact@v4 at line 39 is not excepted


@pytest.mark.parametrize("reader", ["PyYAML", "standard-library"])
def test_our_inline_ignore_needs_a_reason(tmp_path, reader):
    copy = tmp_path / "sbom.yml"
    text = (REAL / "grafana-socket-sbom-zizmor-ignore.yml").read_text()
    copy.write_text(text.replace("actions/upload-artifact@v4\n", "actions/upload-artifact@v4 # pypi-ops: "
                                 "ignore[unpinned] org policy: GitHub-owned actions by major tag, reviewed weekly\n"))
    runner = check if reader == "PyYAML" else check_without_pyyaml
    done = runner("--json", copy)
    records = json.loads(done.stdout)["data"]
    assert done.returncode == 0, done.stdout
    upload = [r for r in records if r["action"] == "actions/upload-artifact"][0]
    assert upload["ignored"] and upload["reason"].endswith("org policy: GitHub-owned actions by major tag, "
                                                           "reviewed weekly")
    copy.write_text(text.replace("actions/upload-artifact@v4\n", "actions/upload-artifact@v4 "
                                 "# pypi-ops: ignore[unpinned]\n"))
    done = runner("--json", copy)
    upload = [r for r in json.loads(done.stdout)["data"] if r["action"] == "actions/upload-artifact"][0]
    assert done.returncode == 10 and not upload["ignored"] and "gives no reason" in upload["note"]


@pytest.mark.parametrize("reader", ["PyYAML", "standard-library"])
def test_a_config_file_accepts_exceptions_per_action_and_per_file(tmp_path, reader):
    repo = tmp_path / "repo"
    (repo / ".github" / "workflows").mkdir(parents=True)
    shutil.copyfile(REAL / "grafana-socket-sbom-zizmor-ignore.yml", repo / ".github" / "workflows" / "sbom.yml")
    shutil.copyfile(REAL / "sqlite-utils-test-sqlite-support.yml", repo / ".github" / "workflows" / "sqlite.yml")
    (repo / ".github" / "action-pins-exceptions.yml").write_text(
        "# accepted by the security review of 2026-11\n"
        "exceptions:\n"
        "  - action: actions/upload-artifact\n"
        "    problems:\n"
        "      - unpinned\n"
        "    reason: GitHub-owned, followed by major tag on purpose\n"
        "  - files:\n"
        "      - ./.github/workflows/sqlite.yml\n"
        "    reason: a compatibility matrix that must run the newest actions\n")
    runner = check if reader == "PyYAML" else check_without_pyyaml
    done = runner("--json", cwd=repo)
    document = json.loads(done.stdout)
    assert done.returncode == 0, done.stdout
    ignored = [(r["file"], r["line"], r["reason"]) for r in document["data"] if r["ignored"]]
    reason = ".github/action-pins-exceptions.yml: exception 1: GitHub-owned, followed by major tag on purpose"
    assert (".github/workflows/sbom.yml", 39, reason) in ignored
    assert sum(1 for file, _, _ in ignored if file.endswith("sqlite.yml")) == 2
    assert document["meta"]["exceptions"] == ".github/action-pins-exceptions.yml"
    sarif = json.loads(runner("--format", "sarif", cwd=repo).stdout)
    assert sum(1 for item in sarif["runs"][0]["results"] if item.get("suppressions")) == len(ignored)
    (repo / ".github" / "action-pins-exceptions.yml").write_text("exceptions:\n  - action: actions/upload-artifact\n")
    bad = runner("--json", cwd=repo)
    assert bad.returncode == 3 and "needs a reason" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1


def test_an_exception_never_hides_an_outage_or_another_problem(stub, tmp_path):
    path = workflow(tmp_path, f"actions/checkout@{CHECKOUT_601} # v6.0.1 # pypi-ops: ignore[outdated] we move "
                              "by hand")
    stub.fault("reset", pattern=".*")
    result = check("--live", "--json", path, env={"GITHUB_API_URL": stub.url})
    assert result.returncode == 7 and result.json["data"][0]["problem"] == "unverified"
    assert not result.json["data"][0]["ignored"]


# ----------------------------------------------------------------------------- images

def test_container_and_service_images_without_a_digest_warn(python):
    result = check("--json", REAL / "checkout-test-containers.yml", python=python)
    images = [(r["line"], r["action"], r["problem"]) for r in result.json["data"] if r["kind"] == "image"]
    assert images == [(222, "ghcr.io/actions/test-ubuntu-git:main.20240221.114913.703z", "unpinned-container-image"),
                      (226, "ubuntu/squid:latest", "unpinned-container-image"),
                      (292, "bitnami/git:latest", "unpinned-container-image")]
    assert all(r["ok"] for r in result.json["data"] if r["kind"] == "image")  # a warning
    pinned = check("--json", REAL / "guitarrapc-container-job.yml", REAL / "guitarrapc-container-service.yml")
    assert [r["note"] for r in pinned.json["data"] if r["kind"] == "image"] == ["image pinned by digest"] * 2
    strict = check("--strict", "--json", REAL / "checkout-test-containers.yml")
    assert any(not r["ok"] for r in strict.json["data"] if r["kind"] == "image")


def test_every_zizmor_unpinned_images_finding_is_ours_too():
    path = (REAL / "checkout-test-containers.yml").relative_to(FIXTURES.parent.parent)
    ours = {r["line"] for r in check("--json", path, cwd=FIXTURES.parent.parent).json["data"]
            if r["problem"] in ("unpinned-container-image", "unpinned-image")}
    findings = [f for f in zizmor_findings(path) or [] if f["ident"] == "unpinned-images"]
    assert findings, "zizmor found no unpinned image: the fixture no longer exercises it"
    for finding in findings:
        rows = {location["concrete"]["location"]["start_point"]["row"] + 1 for location in finding["locations"]}
        assert rows & ours, f"zizmor flags an image at {rows} that we do not"


def test_fix_live_pins_images_by_digest_from_the_registry(stub, tmp_path):
    host = stub.url.split("//")[1]
    digest = stub.registry.image("octo/app", "1.4")
    stub.registry.image("library/redis", "8")  # not asked: Docker Hub is not this host
    path = tmp_path / "wf.yml"
    path.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
                    f"    container:\n      image: {host}/octo/app:1.4\n"
                    f"    services:\n      cache:\n        image: \"{host}/octo/app:2.0\"\n"
                    "    steps:\n      - run: echo\n")
    result = check("--fix", "--json", path, env={"GITHUB_API_URL": stub.url})
    changes = {change["line"]: change for change in result.json["data"]}
    assert changes[6]["fixed"] and changes[6]["new_ref"] == f"{host}/octo/app:1.4@{digest}"
    assert f"+      image: {host}/octo/app:1.4@{digest}\n" in result.json["meta"]["diff"]
    assert not changes[9]["fixed"] and changes[9]["needs"] == "registry" and "HTTP 404" in changes[9]["note"]
    token_asked = [p for p in stub.paths() if p.startswith("/registry/token")]
    assert token_asked and stub.registry.token not in result.stdout + result.stderr
    text = check("--fix", path, env={"GITHUB_API_URL": stub.url})
    assert f"docker buildx imagetools inspect {host}/octo/app:2.0" in text.stderr
    assert "crane digest" in text.stderr


# ----------------------------------------------------------------------------- files that cannot be read

@pytest.mark.parametrize("reader", ["PyYAML", "standard-library"])
def test_each_unreadable_file_is_one_record_and_the_others_are_still_checked(reader):
    paths = [BAD / "recursive-alias.yml", BAD / "pytest-dependabot.yml", BAD / "latin1.yml",
             REAL / "guitarrapc-parallel.yml", PINS / "no-such-file.yml"]
    runner = check if reader == "PyYAML" else check_without_pyyaml
    done = runner("--json", *paths)
    records = json.loads(done.stdout)["data"]
    bad = {r["file"].rsplit("/", 1)[-1]: r["note"] for r in records if r["problem"] == "bad-input"}
    assert set(bad) == {"recursive-alias.yml", "pytest-dependabot.yml", "latin1.yml", "no-such-file.yml"}
    assert "recursive alias *env-vars" in bad["recursive-alias.yml"]
    assert "neither a workflow" in bad["pytest-dependabot.yml"] and "not UTF-8" in bad["latin1.yml"]
    assert [r["line"] for r in records if r["kind"] == "action"] == [23, 26]
    assert done.returncode == 3  # the worst: the good file passes
    worse = runner("-q", BAD / "pytest-dependabot.yml", REAL / "guitarrapc-parallel-unpinned.yml")
    assert worse.returncode == 10  # a problem found is worse than a file that could not be read


# ----------------------------------------------------------------------------- --fix without the network

@pytest.mark.parametrize("reader", ["PyYAML", "standard-library"])
def test_fix_offline_names_what_needs_github_and_the_command(tmp_path, reader):
    runner = check if reader == "PyYAML" else check_without_pyyaml
    copy = tmp_path / "parallel.yml"
    shutil.copyfile(REAL / "guitarrapc-parallel-unpinned.yml", copy)
    done = runner("--fix", "--offline", copy)
    assert done.returncode == 10 and done.stdout == ""  # the unpinned refs are problems found offline
    assert "add --write" not in done.stderr and "nothing to write" in done.stderr
    assert "2 pin(s) need GitHub" in done.stderr
    assert f"--fix --write {copy}" in done.stderr
    split = tmp_path / "split.yml"  # what needs no network is fixed even offline
    split.write_text(f"on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                     f"      - uses: actions/checkout@{CHECKOUT_601}#v6.0.1\n")
    fixed = runner("--fix", "--offline", "--write", split)
    assert fixed.returncode == 0 and f"@{CHECKOUT_601} # v6.0.1" in split.read_text()


def test_fix_when_github_does_not_answer_gives_the_command(tmp_path):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    copy = tmp_path / "parallel.yml"
    shutil.copyfile(REAL / "guitarrapc-parallel-unpinned.yml", copy)
    done = check("--fix", "--json", copy, env={"GITHUB_API_URL": f"http://127.0.0.1:{port}"})
    assert done.returncode == 10 and not done.json["meta"]["ok"]
    assert "GitHub unreachable" in done.json["data"][0]["note"]
    assert done.json["meta"]["command"].endswith(f"--fix --write {copy}")
    assert all(change["needs"] == "github" and not change["fixed"] for change in done.json["data"])
