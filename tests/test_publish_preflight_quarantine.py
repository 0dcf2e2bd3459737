"""not-on-pypi on a PEP 792 `quarantined` project: the words say precisely who can still upload.

pypi/warehouse#19860 (April 2026) took trusted publishers out of a quarantined project's upload permissions;
owners' credentials still work (#16265). The tag's trusted-publishing workflow therefore cannot publish."""

from __future__ import annotations

from preflight_support import by_check, init_repo, preflight, static_project


def test_quarantined_project_fails_and_says_trusted_publishing_is_refused(stub, tmp_path):
    project = init_repo(static_project(tmp_path / "p", name="demo-pkg", version="1.2.3"))
    stub.index.add_release("demo-pkg", "1.2.2")
    stub.index.project("demo-pkg").status = "quarantined"
    result = preflight("--json", project, env={"PYPI_OPS_INDEX_URL": stub.url})
    assert result.returncode == 10, result.stdout
    finding = by_check(result)["not-on-pypi"]
    assert finding["status"] == "fail"
    assert "quarantined" in finding["detail"]
    assert "refuses trusted-publishing (OIDC) uploads" in finding["detail"]
    assert "API token" in finding["detail"]
    assert "administrators" in finding["fix"]


def test_archived_project_keeps_the_unarchive_fix(stub, tmp_path):
    project = init_repo(static_project(tmp_path / "p", name="demo-pkg", version="1.2.3"))
    stub.index.add_release("demo-pkg", "1.2.2")
    stub.index.project("demo-pkg").status = "archived"
    finding = by_check(preflight("--json", project, env={"PYPI_OPS_INDEX_URL": stub.url}))["not-on-pypi"]
    assert finding["status"] == "fail" and "unarchive" in finding["fix"] and "OIDC" not in finding["detail"]
