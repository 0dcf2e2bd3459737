"""publish-preflight.py judges the release as the tag will run it (issue 11, trap 1).

GitHub runs the workflow file, and builds the files, as they are in the tagged commit. With a release tag at
HEAD (or --ref) the checks read that commit; before tagging they read the work tree and release-files says
what a tag made now would not contain. Real git repositories, real tags, untracked and modified files."""

from __future__ import annotations

import shutil

from conftest import git
from preflight_support import PUBLISH_YML, WORKFLOWS, by_check, commit_all, init_repo, preflight, static_project, \
    tree_digest


def add_workflow(repo, source=PUBLISH_YML, name="publish.yml"):
    directory = repo / ".github" / "workflows"
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, directory / name)
    return directory / name


def test_tag_made_before_the_workflow_was_committed_runs_nothing(tmp_path, python):
    """The newcomer's trap: assets/publish.yml copied in, v0.1.0 tagged, the workflow never committed."""
    repo = init_repo(static_project(tmp_path / "p", version="0.1.0", workflow=None), tag="v0.1.0")
    add_workflow(repo)
    before = tree_digest(repo)
    result = preflight("--offline", "--json", "-q", repo, python=python)
    assert result.returncode == 10, result.stdout
    checks = by_check(result)
    release = checks["release-files"]
    assert release["status"] == "fail"
    assert "tag v0.1.0" in release["detail"] and "runs nothing" in release["detail"]
    assert ".github/workflows/publish.yml (untracked)" in release["detail"]
    assert "git add .github/workflows/publish.yml" in release["fix"] and "git tag -f -a v0.1.0" in release["fix"]
    # the other checks read the tagged commit too: it has no workflow at all
    assert checks["workflow-oidc"]["status"] == "warn" and "no .github/workflows/" in checks["workflow-oidc"]["detail"]
    assert tree_digest(repo) == before  # read-only


def test_committing_the_workflow_and_moving_the_tag_makes_it_ready(tmp_path):
    repo = init_repo(static_project(tmp_path / "p", version="0.1.0", workflow=None), tag="v0.1.0")
    add_workflow(repo)
    commit_all(repo, "add the publish workflow")
    git(repo, "tag", "-f", "-a", "v0.1.0", "-m", "v0.1.0")
    result = preflight("--offline", "--json", "-q", repo)
    assert result.returncode == 0, result.stdout
    checks = by_check(result)
    assert checks["release-files"]["status"] == "pass" and "tag v0.1.0" in checks["release-files"]["detail"]
    assert checks["workflow-oidc"]["status"] == "pass"


def test_a_fix_only_in_the_work_tree_is_not_what_the_tag_runs(tmp_path):
    """The committed workflow lacks id-token: write; the fix is only on disk. The tag runs the old file."""
    repo = init_repo(static_project(tmp_path / "p", version="0.2.0", workflow=WORKFLOWS / "no-id-token.yml"))
    commit_all(repo, "release", tag="v0.2.0")
    (repo / ".github" / "workflows" / "no-id-token.yml").write_text(PUBLISH_YML.read_text())
    result = preflight("--offline", "--json", "-q", repo)
    assert result.returncode == 10
    checks = by_check(result)
    assert checks["workflow-oidc"]["status"] == "fail" and "id-token" in checks["workflow-oidc"]["detail"]
    release = checks["release-files"]
    assert release["status"] == "fail" and "only in the work tree" in release["detail"]
    assert ".github/workflows/no-id-token.yml (changed)" in release["detail"]


def test_before_tagging_an_untracked_workflow_is_named(tmp_path, python):
    """No tag yet: the work tree is judged, and what a tag made now would lack fails release-files."""
    repo = init_repo(static_project(tmp_path / "p", version="0.1.0", workflow=None))
    add_workflow(repo)
    result = preflight("--offline", "--json", "-q", repo, python=python)
    assert result.returncode == 10
    checks = by_check(result)
    assert checks["workflow-oidc"]["status"] == "pass"  # the work tree's workflow is fine
    release = checks["release-files"]
    assert release["status"] == "fail" and "HEAD (commit" in release["detail"]
    assert release["fix"].startswith("commit them before tagging: git add .github/workflows/publish.yml")


def test_before_tagging_an_uncommitted_version_bump_is_another_version(tmp_path):
    repo = init_repo(static_project(tmp_path / "p", version="1.2.3"))
    pyproject = repo / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('version = "1.2.3"', 'version = "1.2.4"'))
    (repo / "src" / "demo_pkg" / "__init__.py").write_text('__version__ = "1.2.4"\n')
    result = preflight("--offline", "--json", "-q", repo)
    assert result.returncode == 10
    release = by_check(result)["release-files"]
    assert release["status"] == "fail" and "builds version 1.2.3, the work tree 1.2.4" in release["detail"]
    assert "pyproject.toml (changed)" in release["detail"] and "src/demo_pkg/__init__.py (changed)" in release["detail"]


def test_a_change_nothing_reads_is_only_git_clean(tmp_path):
    project = static_project(tmp_path / "p")
    (project / "README.md").write_text("committed\n")
    repo = init_repo(project, tag="v1.2.3")
    (repo / "README.md").write_text("changed\n")
    result = preflight("--offline", "--json", "-q", repo)
    assert result.returncode == 0, result.stdout
    checks = by_check(result)
    assert checks["release-files"]["status"] == "pass"
    assert checks["git-clean"]["status"] == "warn" and "not part of tag v1.2.3" in checks["git-clean"]["detail"]


def test_a_changed_workflow_that_does_not_publish_warns(tmp_path):
    repo = init_repo(static_project(tmp_path / "p"), tag="v1.2.3")
    lint = repo / ".github" / "workflows" / "lint.yml"
    lint.write_text("on: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo lint\n")
    result = preflight("--offline", "--json", "-q", repo)
    assert result.returncode == 0, result.stdout
    release = by_check(result)["release-files"]
    assert release["status"] == "warn" and ".github/workflows/lint.yml (untracked)" in release["detail"]


def test_ref_reads_another_commit_and_a_missing_ref_is_exit_3(tmp_path, python):
    repo = init_repo(static_project(tmp_path / "p", version="1.0.0"), tag="v1.0.0")
    pyproject = repo / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('version = "1.0.0"', 'version = "1.1.0"'))
    (repo / "src" / "demo_pkg" / "__init__.py").write_text('__version__ = "1.1.0"\n')
    commit_all(repo, "1.1.0")
    result = preflight("--offline", "--json", "-q", "--ref", "v1.0.0", repo, python=python)
    assert result.json["meta"]["version"] == "1.0.0"
    checks = by_check(result)
    assert checks["git-tag"]["status"] == "pass" and "v1.0.0" in checks["git-tag"]["detail"]
    assert checks["release-files"]["status"] == "pass" and "not compared" in checks["release-files"]["detail"]
    result = preflight("--offline", "--json", "--ref", "v9.9.9", repo, python=python)
    assert result.returncode == 3 and result.json["error"]["code"] == "input"
    assert "--ref v9.9.9" in result.json["error"]["message"]


def test_pyproject_missing_from_the_tag_is_exit_3(tmp_path):
    repo = tmp_path / "p"
    repo.mkdir()
    (repo / "README.md").write_text("x\n")
    init_repo(repo, tag="v0.1.0")
    static_project(repo, version="0.1.0")
    result = preflight("--offline", "--json", repo)
    assert result.returncode == 3 and "tag v0.1.0" in result.json["error"]["message"]


def test_monorepo_member_reads_its_own_directory_from_the_commit(tmp_path):
    top = tmp_path / "mono"
    static_project(top / "libs" / "alpha", name="alpha", version="2.0.0")
    static_project(top / "libs" / "beta", name="beta", version="3.0.0")
    init_repo(top, tag="alpha-v2.0.0")
    result = preflight("--offline", "--json", "-q", top / "libs" / "alpha")
    checks = by_check(result)
    assert result.json["meta"]["version"] == "2.0.0"
    assert checks["init-version"]["status"] == "pass"
    assert "tag alpha-v2.0.0" in checks["release-files"]["detail"]
