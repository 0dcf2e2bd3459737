"""A publish job on every push that only its environment's deployment rules could gate.

Those rules live in the repository's settings on GitHub, not in the workflow file, so the preflight cannot count
them: the verdict stays `fail`, and the fix says why the environment is not counted and what in the file gates."""

from __future__ import annotations

from preflight_support import by_check, init_repo, preflight, static_project


def test_every_push_with_an_environment_fails_and_says_the_rules_are_not_in_the_file(tmp_path):
    project = init_repo(static_project(tmp_path / "p", workflow="every-push-environment.yml"), tag="v1.2.3")
    finding = by_check(preflight("--offline", "--json", project))["workflow-oidc"]
    assert finding["status"] == "fail"
    assert "every push" in finding["detail"]
    assert "startsWith(github.ref, 'refs/tags/')" in finding["fix"]
    assert "environment pypi" in finding["fix"] and "not in the file" in finding["fix"]
