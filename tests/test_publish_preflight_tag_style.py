"""git-tag's suggested tag follows the project's own release tags: `hatch-v1.17.1` where the releases are
`hatch-v*` (pypa/hatch's style), `v.0.19.0` where they are `v.*` (filipstrand/mflux), plain where they are plain."""

from __future__ import annotations

import pytest

from conftest import git
from preflight_support import by_check, commit_all, init_repo, preflight, static_project


@pytest.mark.parametrize("name, old_tags, version, suggested", [
    ("hatch", ["hatch-v1.16.0", "hatch-v1.17.0", "hatchling-v1.27.0"], "1.17.1", "hatch-v1.17.1"),
    ("mflux", ["v.0.17.1", "v.0.18.0"], "0.19.0", "v.0.19.0"),
    ("plain-pkg", ["1.0.0", "1.1.0"], "1.2.0", "1.2.0"),
    ("fresh-pkg", [], "0.1.0", "v0.1.0"),
])
def test_the_suggested_tag_has_the_style_of_the_release_tags(tmp_path, name, old_tags, version, suggested):
    project = init_repo(static_project(tmp_path / "p", name=name, version="0.0.1"))
    for old in old_tags:
        git(project, "tag", "-a", old, "-m", old)
        commit_all(project, f"after {old}")
    (project / "pyproject.toml").write_text((project / "pyproject.toml").read_text().replace(
        'version = "0.0.1"', f'version = "{version}"'))
    module = name.replace("-", "_")
    (project / "src" / module / "__init__.py").write_text(f'__version__ = "{version}"\n')
    commit_all(project, "bump")
    finding = by_check(preflight("--offline", "--json", project))["git-tag"]
    assert finding["status"] == "pass", finding
    assert f"git tag -a {suggested} " in finding["detail"], finding["detail"]
