"""The workflow reader: step groups (`parallel:`, any depth), background steps, `$/` same-repository references.

Fixtures under tests/fixtures/preflight/workflows/ name their sources in their headers (parallel-lab.yaml is
guitarrapc/githubactions-lab's parallel.yaml as published)."""

from __future__ import annotations

import shutil

from preflight_support import WORKFLOWS, by_check, init_repo, load_script_module, preflight, static_project

V1_14_0 = "pypa/gh-action-pypi-publish@cef221092ed1bacb1cc03d23a2d87d1d172e277b # v1.14.0"
V1_14_2 = "pypa/gh-action-pypi-publish@dc37677b2e1c63e2034f94d8a5b11f265b73ba33 # v1.14.2"


def repo_with(tmp_path, *names, replace=None):
    root = static_project(tmp_path / "p", workflow=None)
    directory = root / ".github" / "workflows"
    directory.mkdir(parents=True)
    for name in names:
        text = (WORKFLOWS / name).read_text(encoding="utf-8")
        for old, new in (replace or {}).items():
            text = text.replace(old, new)
        (directory / name).write_text(text, encoding="utf-8")
    init_repo(root)
    return root


def checks(root, *args):
    result = preflight("--offline", "--json", "-q", *args, root)
    return result, by_check(result)


def test_real_parallel_group_steps_are_walked_in_order():
    module = load_script_module()
    workflow = module.load_yaml((WORKFLOWS / "parallel-lab.yaml").read_text(encoding="utf-8"))
    steps = module.job_steps(workflow["jobs"]["parallel"])
    names = [step.get("name") for step in steps if step.get("name")]
    assert names == ["Build dotnet", "Build go", "Build go-db", "Check build results", "Wait for all services to stop",
                     "Check build results after wait"]
    parsed = module.parse_workflow_text("parallel-lab.yaml", (WORKFLOWS / "parallel-lab.yaml").read_text())
    assert "error" not in parsed and parsed["jobs"] == []  # it builds, it does not publish


def test_publish_step_inside_nested_groups_is_the_publishing_job(tmp_path):
    result, found = checks(repo_with(tmp_path, "parallel-publish.yml"))
    oidc = found["workflow-oidc"]
    assert oidc["status"] == "pass", oidc
    assert "parallel-publish.yml:publish" in oidc["detail"]
    assert "trusted publishing (OIDC)" in oidc["detail"]
    assert found["upload-reader"]["status"] == "pass" and "v1.14.2" in found["upload-reader"]["detail"]
    assert result.returncode == 0, result.stdout


def test_old_action_inside_a_group_fails_like_any_other(tmp_path):
    root = repo_with(tmp_path, "parallel-publish.yml", replace={V1_14_2: V1_14_0})
    result, found = checks(root)
    assert found["upload-reader"]["status"] == "fail", found["upload-reader"]
    assert "parallel-publish.yml job publish" in found["upload-reader"]["detail"]
    assert result.returncode == 10


def test_token_in_a_grouped_step_is_seen(tmp_path):
    token = V1_14_2 + "\n                with:\n                  password: ${{ secrets.PYPI_API_TOKEN }}"
    root = repo_with(tmp_path, "parallel-publish.yml", replace={V1_14_2: token})
    found = checks(root)[1]["workflow-oidc"]
    assert found["status"] == "fail" and "password" in found["detail"], found


def test_self_repository_call_is_a_local_call(tmp_path):
    root = repo_with(tmp_path, "self-call-caller.yml", "self-call-publish.yml")
    found = checks(root)[1]["workflow-oidc"]
    assert found["status"] == "warn", found  # a reusable publishing workflow: PyPI names the called file
    assert "lacks `id-token: write`" not in found["detail"]
    assert "self-call-publish.yml is a reusable workflow" in found["detail"]
    assert "$/" not in found["detail"]  # the `$/` action is not reported as unpinned


def test_self_repository_call_without_id_token_in_the_caller_fails(tmp_path):
    root = repo_with(tmp_path, "self-call-caller.yml", "self-call-publish.yml",
                     replace={"    permissions:\n      id-token: write\n    uses: $/": "    uses: $/"})
    found = checks(root)[1]["workflow-oidc"]
    assert found["status"] == "fail" and "lacks `id-token: write`" in found["detail"], found


def test_fixture_headers_name_their_sources():
    for name in ("parallel-lab.yaml", "parallel-publish.yml", "self-call-caller.yml", "self-call-publish.yml"):
        head = (WORKFLOWS / name).read_text(encoding="utf-8").split("\n", 3)[:3]
        assert head[0].startswith("#"), name



# ----------------------------------------------------------------------------- real release workflows (issue 16)

REPOS = WORKFLOWS / "repos"
SETUPTOOLS_PROJECT = """
    [build-system]
    requires = ["setuptools>=77"]
    build-backend = "setuptools.build_meta"

    [project]
    name = "{name}"
    version = "{version}"
    """


def real_repo(tmp_path, source, name="demo-pkg", version="1.2.3", subdir=None, tag=None, pyproject=None):
    """A git repository holding the real workflow files (and scripts) of `source`, with a small project at the
    top or in `subdir`; `tag` is made on the commit (the release tag)."""
    from preflight_support import commit_all, write_project
    top = tmp_path / source
    shutil.copytree(REPOS / source, top)
    write_project(top / (subdir or ""), (pyproject or SETUPTOOLS_PROJECT).format(name=name, version=version),
                  {f"src/{name.replace('-', '_')}/__init__.py": f'__version__ = "{version}"\n'})
    init_repo(top, remote=f"https://github.com/octo-org/{source}.git")
    if tag:
        commit_all(top, "release", tag)
    return top / (subdir or "")


def test_httpx_upload_inside_scripts_publish_with_a_token_fails(tmp_path):
    found = checks(real_repo(tmp_path, "httpx", name="httpx"))[1]["workflow-oidc"]
    assert found["status"] == "fail", found
    assert "sets TWINE_PASSWORD" in found["detail"] and "uses secret PYPI_TOKEN" in found["detail"]
    assert "lacks `id-token: write`" in found["detail"]
    assert "no workflow publishes" not in found["detail"]


def test_pip_tools_password_for_jazzband_is_not_a_pypi_token(tmp_path):
    result, found = checks(real_repo(tmp_path, "pip-tools", name="pip-tools"))
    oidc = found["workflow-oidc"]
    assert oidc["status"] != "fail", oidc
    assert "password" not in oidc["detail"].split("not judged here")[0]
    assert "jazzband.co" in oidc["detail"]
    reader = found["upload-reader"]  # v1.13.0 (twine 6) reads the 2.4 setuptools writes; Jazzband's upload not judged
    assert reader["status"] == "pass" and reader["detail"].count("uploads with") == 1, reader


def test_attrs_release_gate_on_event_action_is_recognised(tmp_path):
    oidc = checks(real_repo(tmp_path, "attrs", name="attrs"))[1]["workflow-oidc"]
    assert oidc["status"] == "warn", oidc  # unpinned actions, a TestPyPI job on every push: warnings only
    assert "release-pypi" in oidc["detail"]
    assert "publishes on every push" not in oidc["detail"].split("TestPyPI only")[0].split("release-test-pypi")[0]
    module = load_script_module()
    condition = "github.repository_owner == 'python-attrs' && github.event.action == 'published'"
    assert module.release_gate(condition, {"release": {"types": ["published"]}})
    assert not module.release_gate(condition, {"push": None})  # without the release trigger it gates nothing


def test_meson_python_tag_filter(tmp_path):
    dev = real_repo(tmp_path / "dev", "meson-python", name="meson-python", version="0.21.0.dev0")
    found = checks(dev)[1]["workflow-oidc"]
    assert found["status"] == "fail" and "starts no workflow that publishes" in found["detail"], found
    assert "'[0-9]+.[0-9]+.[0-9]+'" in found["detail"]
    release = real_repo(tmp_path / "rel", "meson-python", name="meson-python", version="0.21.0", tag="0.21.0")
    found = checks(release)[1]["workflow-oidc"]
    assert "starts no workflow" not in found["detail"], found


def test_glob_rules():
    match = load_script_module().github_filter_match
    assert match("[0-9]+.[0-9]+.[0-9]+", "0.21.0") and not match("[0-9]+.[0-9]+.[0-9]+", "0.21.0.dev0")
    assert match("v*", "v1.2.3") and not match("v*", "v1/2") and match("v**", "v1/2")
    assert match("hatch-v*", "hatch-v1.18.0") and not match("hatchling-v*", "hatch-v1.18.0")
    assert match("v?1.0", "1.0") and match("v?1.0", "v1.0")


def test_hatch_monorepo_counts_only_the_workflow_of_this_project(tmp_path):
    pyproject = """
        [build-system]
        requires = ["hatchling"]
        build-backend = "hatchling.build"

        [project]
        name = "{name}"
        version = "{version}"
        """
    top = real_repo(tmp_path / "top", "hatch", name="hatch", version="1.18.0", tag="hatch-v1.18.0",
                    pyproject=pyproject)
    found = checks(top)[1]
    assert "build-hatch.yml:publish-pypi" in found["workflow-oidc"]["detail"]
    assert "not started by tag hatch-v1.18.0" in found["workflow-oidc"]["detail"]
    assert "build-hatchling.yml" not in found["upload-reader"]["detail"]
    backend = real_repo(tmp_path / "sub", "hatch", name="hatchling", version="1.33.0", subdir="backend",
                        tag="hatchling-v1.33.0", pyproject=pyproject)
    found = checks(backend)[1]
    assert "no .github/workflows/" not in found["workflow-oidc"]["detail"]  # read at the git top level
    assert "build-hatchling.yml:publish" in found["workflow-oidc"]["detail"], found["workflow-oidc"]
    assert "not started by tag hatchling-v1.33.0" in found["workflow-oidc"]["detail"]


def test_uv_workspace_member_is_judged_on_its_own_workflow(tmp_path):
    top = tmp_path / "ws"
    shutil.copytree(WORKFLOWS.parent / "real" / "monorepo-uv-workspace", top)
    shutil.copytree(REPOS / "uv-workspace" / ".github", top / ".github")
    init_repo(top, remote="https://github.com/octo-org/acme.git")
    found = checks(top / "packages" / "acme-cli")[1]
    oidc = found["workflow-oidc"]
    assert "publish-acme-cli.yml:publish" in oidc["detail"] and "publish-acme-core.yml:publish" not in oidc["detail"]
    assert "set aside: publish-acme-core.yml builds packages/acme-core/" in oidc["detail"], oidc
    assert "Workflow name: publish-acme-cli.yml" in found["first-publish"]["detail"]


def test_twine_repository_url_to_another_index_is_not_judged_as_pypi(tmp_path):
    module = load_script_module()
    step = {"run": "twine upload --repository-url https://upload.example.org/legacy/ -p $PASSWORD dist/*",
            "env": {"TWINE_PASSWORD": "${{ secrets.INTERNAL_PASSWORD }}"}}
    job = module.describe_publishing_job("internal", {"steps": [step]}, [step], "twine upload", None, {}, True, {})
    assert job["only_other"] and job["other_indexes"] == ["upload.example.org"] and job["problems"] == []
    env_step = {"run": "twine upload dist/*", "env": {"TWINE_REPOSITORY_URL": "https://test.pypi.org/legacy/",
                                                      "TWINE_PASSWORD": "${{ secrets.TEST_PYPI_TOKEN }}"}}
    job = module.describe_publishing_job("t", {"steps": [env_step]}, [env_step], "twine upload", None, {}, True, {})
    assert job["targets"] == ["testpypi"] and "sets TWINE_PASSWORD (a token for the upload)" in job["problems"]


def test_release_gates_read_as_github_evaluates_them():
    gate = load_script_module().release_gate
    release, push = {"release": {"types": ["published"]}}, {"push": {"branches": ["main"]}}
    assert gate("github.event_name == 'push' && startsWith(github.event.ref, 'refs/tags')", push)  # pypa/hatch
    assert not gate("${{ !startsWith(github.event.ref, 'refs/tags') }}", push)  # pypa/hatch: the dev steps
    assert gate("github.ref_type == 'tag'", push) and not gate("github.ref_type != 'tag'", push)
    assert gate("github.event.action == 'published'", release) and not gate("github.event.action == 'published'",
                                                                            push)


def test_tox_and_nox_release_environments_are_followed(tmp_path):
    module = load_script_module()
    files = {"tox.ini": "[tox]\nenv_list = py\n\n[testenv:release]\nskip_install = true\ndeps = twine==6.2.0\n"
                        "commands =\n    twine upload dist/*\n",
             "noxfile.py": "import nox\n\n\n@nox.session\ndef tests(session):\n    session.run('pytest')\n\n\n"
                           "@nox.session\ndef release(session):\n    session.install('twine')\n"
                           "    session.run('twine', 'upload', 'dist/*')\n"}
    tox = module.followed_step({"run": "tox -e release"}, files.get)
    assert tox["followed"] == ["tox.ini"] and module.upload_readers([tox])[0]["specs"] == ["==6.2.0"]
    nox = module.followed_step({"run": "nox -s release"}, files.get)
    assert nox["followed"] == ["noxfile.py"] and module.upload_readers([nox])[0]["kind"] == "twine"
    assert "followed" not in module.followed_step({"run": "nox -s tests"}, files.get)


def test_mflux_upload_three_modules_deep_with_a_token_fails(tmp_path):
    root = real_repo(tmp_path, "mflux", name="mflux")
    found = checks(root)[1]["workflow-oidc"]
    assert found["status"] == "fail", found
    assert "src/mflux/release/release_script.py" in found["detail"]
    assert "src/mflux/release/pypi_publisher.py" in found["detail"]
    assert "sets PYPI_API_TOKEN" in found["detail"] and "lacks `id-token: write`" in found["detail"]


# ----------------------------------------------------------------------------- a project at the top of a monorepo

HATCH_PROJECTS = REPOS / "hatch-projects"  # pypa/hatch's two pyproject.toml files (commit in their headers)


def hatch_checkout(tmp_path, workflows=("build-hatch.yml", "build-hatchling.yml")):
    """pypa/hatch's projects and release workflows (commit ed8e30be): hatch at the top, released before from tag
    hatch-v1.17.0, one commit past it (a release being prepared, not tagged yet, so both tag filters may match)."""
    from preflight_support import commit_all
    top = tmp_path / "hatch"
    shutil.copytree(HATCH_PROJECTS, top)
    (top / ".github" / "workflows").mkdir(parents=True)
    for name in workflows:
        shutil.copy(REPOS / "hatch" / ".github" / "workflows" / name, top / ".github" / "workflows" / name)
    init_repo(top, remote="https://github.com/pypa/hatch.git", tag="hatch-v1.17.0")
    commit_all(top, "next")
    return top


def test_top_project_sets_aside_the_workflow_that_publishes_another_member(tmp_path):
    top = hatch_checkout(tmp_path)
    found = checks(top)[1]
    oidc = found["workflow-oidc"]
    assert oidc["detail"].startswith("build-hatch.yml:publish-pypi: "), oidc
    assert "build-hatchling.yml:publish" not in oidc["detail"]
    assert "set aside: build-hatchling.yml publishes hatchling (backend/)" in oidc["detail"]
    first = found["first-publish"]["detail"]
    assert "PyPI project name: hatch;" in first and "Workflow name: build-hatch.yml;" in first, first
    assert "build-hatchling.yml" not in first and "2 jobs publish" not in first
    assert "build-hatchling.yml" not in found["upload-reader"]["detail"]
    # the other member, checked from its directory, still sees its own workflow (and sets aside hatch's)
    found = checks(top / "backend")[1]
    oidc = found["workflow-oidc"]
    assert oidc["detail"].startswith("build-hatchling.yml:publish: "), oidc
    assert "set aside: build-hatch.yml publishes hatch (./)" in oidc["detail"]
    first = found["first-publish"]["detail"]
    assert "PyPI project name: hatchling;" in first and "Workflow name: build-hatchling.yml;" in first, first


def test_every_job_set_aside_is_no_publishing_workflow_not_a_pass(tmp_path):
    top = hatch_checkout(tmp_path, workflows=("build-hatchling.yml",))
    result, found = checks(top)
    oidc = found["workflow-oidc"]
    assert oidc["status"] == "warn", oidc
    assert oidc["detail"].startswith("no workflow publishes hatch to PyPI; set aside: build-hatchling.yml "
                                     "publishes hatchling (backend/)"), oidc
    assert "Workflow name: <workflow file>.yml" in found["first-publish"]["detail"]
    assert found["upload-reader"]["status"] == "skip"


def test_build_clues_name_the_directory_or_project_a_job_publishes():
    module = load_script_module()
    jobs = {
        "build": {"defaults": {"run": {"working-directory": "libs/core"}},
                  "steps": [{"run": "uv pip install build\ncd ../cli && hatch build"},
                            {"run": "python -m build --sdist -o wheelhouse ."},
                            {"run": "uv build --package other-name", "working-directory": "."}]},
        "publish": {"needs": "build", "steps": [
            {"uses": V1_14_2.split(" #")[0], "with": {"packages-dir": "libs/core/dist/"}},
            {"run": "twine upload dist/other_name-*"}]},
    }
    clues = [(clue["dir"], clue["name"] or clue.get("names")) for clue in module.build_clues(jobs["publish"], jobs)]
    assert clues == [("libs/core", None), (None, ["other_name"]), ("libs/cli", None), ("libs/core", None),
                     (None, "other-name")], clues
    members = {"": "top-pkg", "libs/core": "core", "libs/cli": "cli", "libs/other": "other-name"}
    found = module.resolve_clues(module.build_clues(jobs["publish"], jobs), members, "")
    assert {(c["dir"], c["name"], c["here"]) for c in found} == {
        ("libs/core", "core", False), ("libs/other", "other-name", False), ("libs/cli", "cli", False)}
    # `dist/foo-bar-*` is foo-bar's when this is foo-bar, though a project foo exists; an unknown prefix says nothing
    upload = module.build_clues({"steps": [{"run": "twine upload dist/foo-bar-* dist/unknown-*"}]}, {})
    found = module.resolve_clues(upload, {"": "foo-bar", "foo": "foo"}, "")
    assert [(c["name"], c["here"]) for c in found] == [("foo-bar", True)], found
    assert [(c["dir"], c["name"]) for c in module.resolve_clues(upload, {"": "top", "foo": "foo"}, "")] == [
        ("foo", "foo")]
    assert module.build_clues({"steps": [{"run": "uv build --all-packages"}, {"run": "cd $DIR && hatch build"},
                                         {"run": "twine upload dist/*"}]}, {}) == []


def test_hatch_projects_fixture_names_its_commit():
    for path in ("pyproject.toml", "backend/pyproject.toml", "backend/src/hatchling/__about__.py"):
        head = (HATCH_PROJECTS / path).read_text(encoding="utf-8").splitlines()[0]
        assert head.startswith("# Source: pypa/hatch") and "ed8e30bebf98f2fe4d70c18a32a50a8160c391cb" in head, path


def test_uv_workspace_root_is_published_by_no_member_workflow(tmp_path):
    top = tmp_path / "ws"
    shutil.copytree(WORKFLOWS.parent / "real" / "monorepo-uv-workspace", top)
    shutil.copytree(REPOS / "uv-workspace" / ".github", top / ".github")
    init_repo(top, remote="https://github.com/octo-org/acme.git")
    found = checks(top)[1]
    oidc = found["workflow-oidc"]
    assert oidc["status"] == "warn" and oidc["detail"].startswith("no workflow publishes acme-workspace to PyPI"), oidc
    assert "publish-acme-cli.yml publishes acme-cli (packages/acme-cli/)" in oidc["detail"]  # --package, packages-dir
    assert "publish-acme-core.yml publishes acme-core (packages/acme-core/)" in oidc["detail"]
    assert "Workflow name: <workflow file>.yml" in found["first-publish"]["detail"]
