"""diagnose-publish.py --workdir: the claims a failed run presented, compared with a real git checkout (issue 11)."""

from __future__ import annotations

from conftest import ROOT, git, run_script
from diagnose_logs import render

SCRIPT = "diagnose-publish.py"
# claims: octo-org/demo-package, workflow release.yml, environment pypi, ref refs/tags/v1.0.0
LOG = render((ROOT / "tests/fixtures/diagnose/classes/PENDING_PUBLISHER.txt").read_text(encoding="utf-8"), "raw")


def workflow(environment="pypi", grouped=False):
    publish = "      - uses: pypa/gh-action-pypi-publish@dc37677b2e1c63e2034f94d8a5b11f265b73ba33  # v1.14.2\n"
    if grouped:  # a `parallel:` step group (GitHub, 2026-06-25)
        publish = ("      - parallel:\n          - run: echo attest\n"
                   "          - uses: pypa/gh-action-pypi-publish@dc37677b2e1c63e2034f94d8a5b11f265b73ba33\n")
    return ("on:\n  push:\n    tags: ['v*']\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - run: python -m build\n  publish:\n    runs-on: ubuntu-latest\n"
            f"    environment: {environment}\n    permissions:\n      id-token: write\n    steps:\n{publish}")


def checkout_of(git_repo, files, tag=None, remote="https://github.com/octo-org/demo-package.git"):
    repo = git_repo(remote=remote)
    for name, text in files.items():
        path = repo / ".github" / "workflows" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "workflows")
    if tag:
        git(repo, "tag", tag)
    return repo


def test_a_workflow_renamed_in_the_checkout_is_named_with_both_ways_out(git_repo):
    repo = checkout_of(git_repo, {"publish.yml": workflow()}, tag="v1.0.0")
    result = run_script(SCRIPT, "--json", "--workdir", repo, "-", stdin=LOG)
    assert result.returncode == 10
    checkout = result.json["data"]["checkout"]
    assert checkout["repository"] == "octo-org/demo-package"
    assert checkout["publishing_workflows"] == [{"file": "publish.yml", "environments": ["pypi"]}]
    assert [item["claim"] for item in checkout["differences"]] == ["workflow"]
    summary = checkout["summary"]
    assert "workflow release.yml (run) vs publish.yml (checkout)" in summary
    assert "set the publisher on the index to the run's values" in summary and "change the workflow" in summary
    assert "\n" not in summary
    text = run_script(SCRIPT, "--workdir", repo, "-", stdin=LOG)
    assert f"checkout ({repo}): the run differs from this checkout" in text.stderr


def test_environment_repository_and_ref_differences(git_repo):
    repo = checkout_of(git_repo, {"release.yml": workflow(environment="release", grouped=True)},
                       remote="git@github.com:someone-else/demo-package.git")
    checkout = run_script(SCRIPT, "--json", "--workdir", repo, "-", stdin=LOG).json["data"]["checkout"]
    found = {item["claim"]: (item["run"], item["checkout"]) for item in checkout["differences"]}
    assert found["repository"] == ("octo-org/demo-package", "someone-else/demo-package")
    assert found["environment"] == ("pypi", "release")  # the publish step inside a `parallel:` group was found
    assert found["ref"][0] == "refs/tags/v1.0.0"
    assert "workflow" not in found


def test_matching_claims_say_the_publisher_is_what_differs(git_repo):
    repo = checkout_of(git_repo, {"release.yml": workflow()}, tag="v1.0.0")
    checkout = run_script(SCRIPT, "--json", "--workdir", repo, "-", stdin=LOG).json["data"]["checkout"]
    assert checkout["differences"] == []
    assert checkout["summary"].startswith("the run's claims match this checkout (octo-org/demo-package, workflow "
                                          "release.yml, environment pypi)")


def test_default_is_the_current_directory_and_never_fails_outside_a_repository(git_repo, tmp_path):
    repo = checkout_of(git_repo, {"publish.yml": workflow()}, tag="v1.0.0")
    inside = run_script(SCRIPT, "--json", "-", stdin=LOG, cwd=repo)
    assert inside.json["data"]["checkout"]["workdir"] == str(repo)
    plain = tmp_path / "not-a-repo"
    plain.mkdir()
    outside = run_script(SCRIPT, "--json", "-", stdin=LOG, cwd=plain)
    assert outside.returncode == 10 and outside.json["data"]["checkout"] is None
    explicit = run_script(SCRIPT, "--json", "--workdir", plain, "-", stdin=LOG)
    assert explicit.returncode == 10 and explicit.json["data"]["checkout"] is None
    missing = run_script(SCRIPT, "--json", "--workdir", tmp_path / "nope", "-", stdin=LOG)
    assert missing.returncode == 2


def test_no_claims_no_comparison(git_repo):
    repo = checkout_of(git_repo, {"publish.yml": workflow()})
    log = (ROOT / "tests/fixtures/diagnose/real/version-exists-ui.log").read_text(encoding="utf-8")
    result = run_script(SCRIPT, "--json", "--workdir", repo, "-", stdin=log)
    assert result.returncode == 10 and result.json["data"]["checkout"] is None
