"""The workflow reader: step groups (`parallel:`, any depth), background steps, `$/` same-repository references.

Fixtures under tests/fixtures/preflight/workflows/ name their sources in their headers (parallel-lab.yaml is
guitarrapc/githubactions-lab's parallel.yaml as published)."""

from __future__ import annotations

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

