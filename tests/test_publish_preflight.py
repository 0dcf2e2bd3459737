"""publish-preflight.py offline: reading pyproject.toml, versions, locks, git, workflows, exit codes, read-only."""

from __future__ import annotations

import json

import pytest

from conftest import git
from preflight_support import (CHECK_IDS, PUBLISH_YML, by_check, commit_all, init_repo, preflight, static_project,
                               tree_digest, write_project)


def test_ready_static_project_text_and_json(tmp_path, python):
    repo = init_repo(static_project(tmp_path / "p"), tag="v1.2.3")
    result = preflight("--offline", repo, python=python)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert [line[0] for line in lines] == CHECK_IDS and all(len(line) == 3 for line in lines)
    assert "READY to tag 1.2.3" in result.stderr and "NOT consulted" in result.stderr
    result = preflight("--offline", "--json", "-q", repo, python=python)
    assert result.returncode == 0 and result.stderr == ""
    document = result.json
    assert document["meta"]["schema"] == "pypi-ops.publish-preflight/v1"
    assert {key: document["meta"][key] for key in ("name", "version", "ready", "index")} == {
        "name": "demo-pkg", "version": "1.2.3", "ready": True, "index": "https://pypi.org"}
    for item in document["data"]:
        assert set(item) == {"check", "ok", "status", "detail", "fix"}
        assert item["status"] in ("pass", "fail", "warn", "skip", "unknown")
    checks = by_check(result)
    assert checks["not-on-pypi"]["status"] == "skip" and checks["git-tag"]["status"] == "pass"
    assert checks["workflow-oidc"]["status"] == "pass", checks["workflow-oidc"]
    assert checks["init-version"]["status"] == "pass"


def test_demo_package_is_ready_offline():
    from preflight_support import DEMO
    result = preflight("--offline", "--json", DEMO)
    assert result.returncode == 0, result.stdout
    assert by_check(result)["pyproject-version"]["detail"].startswith("0.3.0")


@pytest.mark.parametrize("content, where", [
    (b'[project]\nname = "x"\nversion = 1.2.3\n', ":3:"),
    (b'[project]\nname = "x"\n[project]\n', ":3:"),
    (b'[project]\nname = "caf\xe9"\n', ":2:12: not UTF-8"),
])
def test_bad_pyproject_is_exit_3_with_line_and_column(tmp_path, python, content, where):
    (tmp_path / "pyproject.toml").write_bytes(content)
    result = preflight("--offline", tmp_path, python=python)
    assert result.returncode == 3 and where in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    result = preflight("--offline", "--json", tmp_path, python=python)
    assert result.json["error"]["code"] == "input" and "pyproject.toml" in result.json["error"]["message"]


def test_usage_errors(tmp_path):
    assert preflight("--testpypi", "--index-url", "https://example.org", tmp_path).returncode == 2
    assert preflight("--timeout", "nope", tmp_path).returncode == 2
    assert preflight("--index-url", "ftp://example.org", tmp_path).returncode == 2


@pytest.mark.parametrize("name, status", [("demo-pkg", "pass"), ("Demo.Pkg_x", "pass"), ("-bad-", "fail"),
                                          ("has space", "fail")])
def test_name(tmp_path, name, status):
    write_project(tmp_path, f'[project]\nname = "{name}"\nversion = "1.0"\n')
    checks = by_check(preflight("--offline", "--json", tmp_path))
    assert checks["name"]["status"] == status
    if status == "pass":
        assert "normalized: " in checks["name"]["detail"]


def test_poetry_only_project(tmp_path):
    write_project(tmp_path, """
        [tool.poetry]
        name = "poetry-demo"
        version = "2.0.0"
        packages = [{include = "poetry_demo", from = "lib"}]
        [build-system]
        requires = ["poetry-core"]
        build-backend = "poetry.core.masonry.api"
        """, {"lib/poetry_demo/__init__.py": '__version__ = "2.0.1"\n', "poetry.lock": "[[package]]\n"
              'name = "requests"\nversion = "2.31.0"\n'})
    checks = by_check(preflight("--offline", "--json", tmp_path))
    assert checks["name"]["detail"].startswith("poetry-demo") and checks["pyproject-version"]["status"] == "pass"
    assert checks["init-version"]["status"] == "fail" and "lib/poetry_demo" in checks["init-version"]["detail"]
    assert checks["lock-version"]["status"] == "skip"


@pytest.mark.parametrize("version, status", [("1.2.3", "pass"), ("1.2.3+local", "fail"), ("one", "fail"),
                                             ("v1.0", "pass")])
def test_static_version(tmp_path, version, status):
    static_project(tmp_path, version=version, init_version="0+unrelated", workflow=None)
    checks = by_check(preflight("--offline", "--json", tmp_path))
    assert checks["pyproject-version"]["status"] == status
    if status == "fail":
        assert checks["pyproject-version"]["fix"]


def test_version_both_static_and_dynamic_fails(tmp_path):
    write_project(tmp_path, '[project]\nname = "x"\nversion = "1"\ndynamic = ["version"]\n')
    assert by_check(preflight("--offline", "--json", tmp_path))["pyproject-version"]["status"] == "fail"


def test_init_version_canonical_equality_and_mismatch(tmp_path):
    static_project(tmp_path / "a", version="1.0", init_version="1.0.0", workflow=None)
    assert by_check(preflight("--offline", "--json", tmp_path / "a"))["init-version"]["status"] == "pass"
    static_project(tmp_path / "b", version="1.0", init_version="0.9", workflow=None)
    result = preflight("--offline", "--json", tmp_path / "b")
    assert result.returncode == 10
    assert by_check(result)["init-version"]["fix"] == 'set __version__ = "1.0" in src/demo_pkg/__init__.py'


def test_init_version_ignores_tests_vendored_and_venv_copies(tmp_path):
    write_project(tmp_path, '[project]\nname = "Import-Differs"\nversion = "3.1"\n', {
        "realname/__init__.py": '__version__ = "3.1"\n',
        "tests/__init__.py": '__version__ = "0.0.1"\n',
        "docs/__init__.py": '__version__ = "0.0.2"\n',
        "venv/__init__.py": '__version__ = "0.0.3"\n',
        "realname/_vendor/six/__init__.py": '__version__ = "1.16"\n'})
    checks = by_check(preflight("--offline", "--json", tmp_path))
    assert checks["init-version"]["status"] == "pass" and "realname/__init__.py" in checks["init-version"]["detail"]


def test_init_version_follows_setuptools_package_dir(tmp_path):
    write_project(tmp_path, """
        [build-system]
        requires = ["setuptools>=61"]
        build-backend = "setuptools.build_meta"
        [project]
        name = "dist-name"
        version = "4.0"
        [tool.setuptools]
        packages = ["importname"]
        package-dir = {"" = "lib"}
        """, {"lib/importname/__init__.py": '__version__ = "4.1"\n', "src/dist_name/__init__.py": "x = 1\n"})
    checks = by_check(preflight("--offline", "--json", tmp_path))
    assert checks["init-version"]["status"] == "fail" and "lib/importname" in checks["init-version"]["detail"]


def test_init_version_computed_at_run_time_is_skip(tmp_path):
    static_project(tmp_path, workflow=None)
    (tmp_path / "src" / "demo_pkg" / "__init__.py").write_text(
        "from importlib.metadata import version\n__version__ = version('demo-pkg')\n")
    assert by_check(preflight("--offline", "--json", tmp_path))["init-version"]["status"] == "skip"


UV_LOCK = """
version = 1
requires-python = ">=3.9"

[[package]]
name = "Demo_Pkg"
version = "{version}"
source = {{ {source} = "." }}

[[package]]
name = "demo-pkg-other"
version = "9.9"
source = {{ registry = "https://pypi.org/simple" }}
"""


@pytest.mark.parametrize("locked, source, status", [("1.2.3", "editable", "pass"), ("1.2.2", "editable", "fail"),
                                                    ("1.2.3.0", "virtual", "pass")])
def test_uv_lock(tmp_path, locked, source, status):
    static_project(tmp_path, workflow=None)
    (tmp_path / "uv.lock").write_text(UV_LOCK.format(version=locked, source=source))
    checks = by_check(preflight("--offline", "--json", tmp_path))
    assert checks["lock-version"]["status"] == status
    if status == "fail":
        assert checks["lock-version"]["fix"] == "run `uv lock` and commit uv.lock"


def test_uv_lock_of_a_dynamic_project_has_no_version_and_is_skipped(tmp_path):
    write_project(tmp_path, """
        [build-system]
        requires = ["hatchling"]
        build-backend = "hatchling.build"
        [project]
        name = "demo-pkg"
        dynamic = ["version"]
        [tool.hatch.version]
        path = "src/demo_pkg/__init__.py"
        """, {"src/demo_pkg/__init__.py": '__version__ = "5.0"\n', "uv.lock": """
        version = 1
        [[package]]
        name = "demo-pkg"
        source = { editable = "." }
        """})
    checks = by_check(preflight("--offline", "--json", tmp_path))
    assert checks["lock-version"]["status"] == "skip" and checks["pyproject-version"]["detail"].startswith("5.0")
    assert checks["init-version"]["status"] == "pass"


def test_git_states(tmp_path, git_repo):
    repo = git_repo(static_project(tmp_path / "src-project"))
    checks = by_check(preflight("--offline", "--json", repo))
    assert checks["git-tag"]["status"] == "pass" and "git tag -a v1.2.3" in checks["git-tag"]["detail"]
    git(repo, "tag", "v1.2.3")
    assert by_check(preflight("--offline", "--json", repo))["git-tag"]["detail"] == "HEAD is tagged v1.2.3"
    (repo / "README.md").write_text("more\n")
    commit_all(repo, "after the tag")
    result = preflight("--offline", "--json", repo)
    assert result.returncode == 10
    assert by_check(result)["git-tag"]["status"] == "fail" and "v1.2.3 ->" in by_check(result)["git-tag"]["detail"]
    git(repo, "tag", "-d", "v1.2.3")
    git(repo, "tag", "demo-pkg-v1.2.2")
    checks = by_check(preflight("--offline", "--json", repo))
    assert checks["git-tag"]["status"] == "fail" and "demo-pkg-v1.2.2" in checks["git-tag"]["detail"]
    git(repo, "tag", "-d", "demo-pkg-v1.2.2")
    (repo / "src" / "demo_pkg" / "extra.py").write_text("x = 1\n")
    git(repo, "add", "src/demo_pkg/extra.py")
    checks = by_check(preflight("--offline", "--json", repo))
    assert checks["git-clean"]["status"] == "warn" and "extra.py" in checks["git-clean"]["detail"]


def test_not_a_git_repository(tmp_path):
    static_project(tmp_path, workflow=None)
    checks = by_check(preflight("--offline", "--json", tmp_path))
    assert checks["git-tag"]["status"] == "warn" and "not a git repository" in checks["git-tag"]["detail"]
    assert checks["git-clean"]["status"] == "skip"


def test_shallow_clone_is_said(tmp_path, git_repo):
    origin = git_repo(static_project(tmp_path / "origin-src"), name="origin")
    commit_all(origin, "second")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{origin}", str(clone))
    assert "shallow clone" in by_check(preflight("--offline", "--json", clone))["git-tag"]["detail"]


def test_dist_stale(tmp_path):
    static_project(tmp_path, workflow=None)
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "demo_pkg-1.2.3-py3-none-any.whl").write_bytes(b"")
    assert by_check(preflight("--offline", "--json", tmp_path))["dist-stale"]["status"] == "pass"
    (tmp_path / "dist" / "demo_pkg-1.2.2.tar.gz").write_bytes(b"")
    checks = by_check(preflight("--offline", "--json", tmp_path))
    assert checks["dist-stale"]["status"] == "warn" and "demo_pkg-1.2.2.tar.gz" in checks["dist-stale"]["detail"]


# ----------------------------------------------------------------------------- workflow-oidc

@pytest.mark.parametrize("workflow, status, words", [
    (PUBLISH_YML, "pass", "environment pypi"),
    ("docker-secret-ok.yml", "pass", "environment release"),
    ("token-secret.yml", "fail", "password"),
    ("twine-env-token.yml", "fail", "TWINE_PASSWORD"),
    ("pull-request-target.yml", "fail", "pull_request_target"),
    ("every-push.yml", "fail", "every push"),
    ("every-push-gated.yml", "pass", "environment pypi"),
    ("no-id-token.yml", "fail", "id-token: write"),
    ("unpinned-no-env-no-attestations.yml", "warn", "attestations: false"),
    ("reusable-called.yml", "warn", "reusable workflow"),
])
def test_workflow_oidc(tmp_path, workflow, status, words):
    repo = init_repo(static_project(tmp_path / "p", workflow=workflow))
    checks = by_check(preflight("--offline", "--json", repo))
    assert checks["workflow-oidc"]["status"] == status, checks["workflow-oidc"]
    assert words in checks["workflow-oidc"]["detail"]
    if status != "pass":
        assert checks["workflow-oidc"]["fix"]


def test_workflow_warnings_name_environment_and_pins(tmp_path):
    repo = init_repo(static_project(tmp_path / "p", workflow="unpinned-no-env-no-attestations.yml"))
    finding = by_check(preflight("--offline", "--json", repo))["workflow-oidc"]
    assert "no `environment:`" in finding["detail"] and "unpinned actions" in finding["detail"]
    assert "check-action-pins.py" in finding["fix"]


def test_unparsable_workflow_is_reported_not_crashing(tmp_path):
    repo = init_repo(static_project(tmp_path / "p", workflow="broken.yml"))
    result = preflight("--offline", "--json", repo)
    finding = by_check(result)["workflow-oidc"]
    # GitHub refuses to run a workflow file that does not parse: the release would never publish
    assert finding["status"] == "fail" and ".github/workflows/broken.yml:" in finding["detail"]
    assert "not valid YAML" in finding["detail"] and result.returncode == 10


@pytest.mark.parametrize("text, status", [
    ("name: lint\non: [push]\njobs:\n  lint:\n\truns-on: ubuntu-latest\n", "warn"),  # tab: not YAML
    ("name: release\non: [push]\njobs:\n  up:\n\tsteps: [{uses: pypa/gh-action-pypi-publish@v1}]\n", "fail"),
])
def test_a_broken_workflow_fails_only_when_it_may_be_the_publishing_one(tmp_path, text, status):
    """A good publish.yml beside a broken file: a broken lint workflow warns, a broken publishing one fails."""
    project = static_project(tmp_path / "p")
    (project / ".github" / "workflows" / "other.yml").write_text(text)
    result = preflight("--offline", "--json", init_repo(project))
    finding = by_check(result)["workflow-oidc"]
    assert finding["status"] == status and ".github/workflows/other.yml" in finding["detail"], finding
    assert result.returncode == (0 if status == "warn" else 10)


@pytest.mark.parametrize("remote, owner_repo", [
    ("https://github.com/octo-org/demo-pkg.git", ("octo-org", "demo-pkg")),
    ("git@github.com:Octo/Some.Repo.git", ("Octo", "Some.Repo")),
    ("ssh://git@github.com/octo/ssh-form", ("octo", "ssh-form")),
    ("https://gitlab.com/octo/elsewhere.git", ("<owner>", "<repository>")),
])
def test_first_publish_form_from_the_remote(tmp_path, remote, owner_repo):
    repo = init_repo(static_project(tmp_path / "p"), remote=remote)
    detail = by_check(preflight("--offline", "--json", repo))["first-publish"]["detail"]
    assert f"Owner: {owner_repo[0]}; Repository name: {owner_repo[1]}; Workflow name: publish.yml; " \
           f"Environment name: pypi" in detail


def test_read_only_and_no_traceback_on_odd_trees(tmp_path, git_repo):
    repo = git_repo(static_project(tmp_path / "src-project"))
    (repo / "src" / "demo_pkg" / "__init__.py").write_text('__version__ = "1.2.3"\n# edited\n')
    before = tree_digest(repo)
    result = preflight("--offline", repo)
    assert "Traceback" not in result.stderr
    assert tree_digest(repo) == before


@pytest.mark.parametrize("pyproject", [
    '[project]\nname = 5\nversion = ["x"]\n',
    '[project]\ndynamic = "version"\nname = "x"\n[build-system]\nrequires = "setuptools"\n',
    'project = 3\n[tool]\nhatch = []\npoetry = "x"\n',
    '[project]\nname = "x"\ndynamic = ["version"]\n[build-system]\nbuild-backend = "hatchling.build"\n'
    '[tool.hatch.version]\npath = "../../../../etc/hostname"\n',
    '[project]\nname = "x"\ndynamic = ["version"]\n[tool.setuptools.dynamic]\nversion = {attr = "..."}\n',
    '[project]\nname = "x"\ndynamic = ["version"]\n[tool.setuptools.dynamic]\nversion = {file = []}\n',
])
def test_strange_pyprojects_never_crash(tmp_path, pyproject):
    (tmp_path / "pyproject.toml").write_text(pyproject)
    result = preflight("--offline", "--json", tmp_path)
    assert "Traceback" not in result.stderr and result.returncode in (0, 7, 10), result.stderr
    json.loads(result.stdout)


def test_version_that_is_not_a_string_fails(tmp_path):
    write_project(tmp_path, '[project]\nname = "x"\nversion = 1.5\n')
    finding = by_check(preflight("--offline", "--json", tmp_path))["pyproject-version"]
    assert finding["status"] == "fail" and "not a string" in finding["detail"]


def test_offline_build_never_downloads_missing_build_requirements(tmp_path):
    write_project(tmp_path, """
        [build-system]
        requires = ["no-such-backend-pypi-ops-test>=1"]
        build-backend = "no_such_backend"
        [project]
        name = "x"
        version = "1.0"
        """)
    result = preflight("--offline", "--build", "--json", tmp_path)
    finding = by_check(result)["build"]
    # nothing was built: unknown (exit 7), not a verdict on the project and never a pass
    assert finding["status"] == "unknown" and "--offline" in finding["detail"] and result.returncode == 7
    assert "no-such-backend-pypi-ops-test>=1 not installed" in finding["detail"]


def test_fifos_never_block(tmp_path):
    import os
    os.mkfifo(tmp_path / "pyproject.toml")
    result = preflight("--offline", tmp_path, timeout=20)
    assert result.returncode == 3 and "not a regular file" in result.stderr
    project = static_project(tmp_path / "p", workflow=None)
    (project / "src" / "demo_pkg" / "__init__.py").unlink()
    os.mkfifo(project / "src" / "demo_pkg" / "__init__.py")
    result = preflight("--offline", project, timeout=20)
    assert result.returncode == 0 and "Traceback" not in result.stderr


def test_repository_of_another_user_is_named_not_mistaken_for_no_repository(tmp_path):
    import os
    import shutil
    if os.geteuid() != 0:
        pytest.skip("needs root to hand the repository to another user")
    repo = init_repo(static_project(tmp_path / "p", workflow=None))
    for directory, _, files in os.walk(repo):
        os.chown(directory, 65534, 65534)
        for name in files:
            os.chown(os.path.join(directory, name), 65534, 65534)
    try:
        result = preflight("--offline", "--json", repo, env={"GIT_CONFIG_GLOBAL": os.devnull,
                                                             "GIT_CONFIG_NOSYSTEM": "1"})
        finding = by_check(result)["git-tag"]
        assert finding["status"] == "fail" and "safe.directory" in finding["fix"]
    finally:
        shutil.rmtree(repo, ignore_errors=True)
