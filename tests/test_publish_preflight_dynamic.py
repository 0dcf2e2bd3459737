"""pyproject-version for dynamic versions, cross-checked against REAL builds (setuptools-scm, hatch-vcs, hatchling,
setuptools) in real git repositories with real tags and dirty states; plus --build and the read-only promise."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from packaging.version import Version

from conftest import git
from preflight_support import by_check, commit_all, init_repo, preflight, tree_digest, write_project

SETUPTOOLS_SCM = """
[build-system]
requires = ["setuptools>=64", "setuptools-scm>=8"]
build-backend = "setuptools.build_meta"

[project]
name = "scm-demo"
dynamic = ["version"]
readme = "README.md"

[tool.setuptools_scm]
"""

HATCH_VCS = """
[build-system]
requires = ["hatchling", "hatch-vcs"]
build-backend = "hatchling.build"

[project]
name = "vcs-demo"
dynamic = ["version"]
readme = "README.md"

[tool.hatch.version]
source = "vcs"
{extra}
"""


def scm_project(path, pyproject, module):
    return write_project(path, pyproject, {f"src/{module}/__init__.py": '"""demo"""\n',
                                           "README.md": "# demo\n\nA demo.\n"})


def built_version(repo, tmp_path):
    """The version the real backend produces (python -m build --no-isolation --wheel into a tmp dir)."""
    out = tmp_path / "built"
    done = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--wheel", "--outdir", str(out),
                           str(repo)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    wheel = next(out.glob("*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        metadata = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        for line in archive.read(metadata).decode().splitlines():
            if line.startswith("Version: "):
                return line.split(": ", 1)[1]
    raise AssertionError("no Version in the wheel")


def preflight_version(repo, python=None):
    result = preflight("--offline", "--json", repo, python=python)
    return result, by_check(result)["pyproject-version"]


@pytest.mark.parametrize("pyproject, module, tag", [
    (SETUPTOOLS_SCM, "scm_demo", "v1.4.0"),
    (HATCH_VCS.format(extra=""), "vcs_demo", "2.0.1rc1"),
    (HATCH_VCS.format(extra='tag-pattern = "^release-(?P<version>.+)$"'), "vcs_demo", "release-3.1"),
])
def test_clean_tree_at_a_release_tag_gives_the_tag_version(tmp_path, pyproject, module, tag):
    repo = init_repo(scm_project(tmp_path / "repo", pyproject, module), tag=tag)
    result, finding = preflight_version(repo)
    assert finding["status"] == "pass", finding
    assert result.returncode == 0, result.stdout
    assert result.json["meta"]["version"] == built_version(repo, tmp_path)
    assert by_check(result)["git-tag"]["status"] == "pass"


@pytest.mark.parametrize("pyproject, module", [(SETUPTOOLS_SCM, "scm_demo"), (HATCH_VCS.format(extra=""), "vcs_demo")])
def test_commits_past_the_tag_give_a_dev_version_that_is_not_releasable(tmp_path, pyproject, module):
    repo = init_repo(scm_project(tmp_path / "repo", pyproject, module), tag="v1.4.0")
    (repo / "README.md").write_text("# demo\n\nchanged\n")
    commit_all(repo, "after the release")
    result, finding = preflight_version(repo)
    assert result.returncode == 10 and finding["status"] == "fail" and "1 commit(s) past tag v1.4.0" in \
        finding["detail"]
    built = Version(built_version(repo, tmp_path))
    assert built.is_devrelease and Version(result.json["meta"]["version"]).public == built.public


def test_dirty_tracked_file_at_the_tag_is_judged_as_the_tag_runs(tmp_path):
    """GitHub builds the tagged commit, which is clean: the version is the tag's, the work tree's change is named."""
    repo = init_repo(scm_project(tmp_path / "repo", SETUPTOOLS_SCM, "scm_demo"), tag="v1.4.0")
    (repo / "README.md").write_text("# demo\n\nuncommitted\n")
    result, finding = preflight_version(repo)
    assert finding["status"] == "pass" and finding["detail"].startswith("1.4.0")
    clean = by_check(result)["git-clean"]
    assert clean["status"] == "warn" and "not part of tag v1.4.0" in clean["detail"]
    built = Version(built_version(repo, tmp_path))  # a build of the work tree itself would not be 1.4.0
    assert built.local and built.is_devrelease


def test_dirty_tracked_file_before_tagging_fails_for_a_vcs_version(tmp_path):
    repo = init_repo(scm_project(tmp_path / "repo", SETUPTOOLS_SCM, "scm_demo"), tag="v1.4.0")
    commit_all(repo, "more work")
    (repo / "README.md").write_text("# demo\n\nuncommitted\n")
    result, _ = preflight_version(repo)
    assert by_check(result)["git-clean"]["status"] == "fail"  # VCS-derived: dirty is a fail, not a warn


def test_untracked_files_do_not_make_it_dirty(tmp_path):
    repo = init_repo(scm_project(tmp_path / "repo", SETUPTOOLS_SCM, "scm_demo"), tag="v1.4.0")
    (repo / "notes.txt").write_text("untracked\n")
    assert preflight_version(repo)[1]["status"] == "pass"


def test_scm_without_any_tag_or_outside_git(tmp_path, python):
    repo = init_repo(scm_project(tmp_path / "repo", SETUPTOOLS_SCM, "scm_demo"))
    result, finding = preflight_version(repo, python=python)
    assert result.returncode == 10 and "no tag" in finding["detail"]
    plain = scm_project(tmp_path / "plain", SETUPTOOLS_SCM, "scm_demo")
    result, finding = preflight_version(plain, python=python)
    assert result.returncode == 10 and "not in a git repository" in finding["detail"]


def test_tag_for_another_version_at_head_with_scm_uses_the_tag(tmp_path):
    repo = init_repo(scm_project(tmp_path / "repo", SETUPTOOLS_SCM, "scm_demo"), tag="v0.9")
    git(repo, "tag", "unrelated-no-digits")
    result, finding = preflight_version(repo)
    assert finding["detail"].startswith("0.9") and result.returncode == 0


# ----------------------------------------------------------------------------- file- and attribute-based versions

def test_hatch_path_version_matches_the_build(tmp_path):
    repo = write_project(tmp_path / "repo", """
        [build-system]
        requires = ["hatchling"]
        build-backend = "hatchling.build"
        [project]
        name = "hatch-path"
        dynamic = ["version"]
        [tool.hatch.version]
        path = "src/hatch_path/about.py"
        """, {"src/hatch_path/__init__.py": "from .about import __version__\n",
              "src/hatch_path/about.py": 'VERSION = "v0.7.1"\n'})
    result, finding = preflight_version(repo)
    assert finding["status"] == "pass" and result.json["meta"]["version"] == "0.7.1"
    assert built_version(repo, tmp_path) == "0.7.1"
    assert by_check(result)["init-version"]["status"] == "skip"  # __version__ is imported, not a literal


@pytest.mark.parametrize("dynamic, files", [
    ('{attr = "attr_pkg.__version__"}', {"src/attr_pkg/__init__.py": '__version__ = "2.5.0"\n'}),
    ('{attr = "attr_pkg._meta.VERSION"}', {"src/attr_pkg/__init__.py": "", "src/attr_pkg/_meta.py":
                                           'VERSION: str = "2.5.0"\n'}),
    ('{file = "VERSION.txt"}', {"src/attr_pkg/__init__.py": "", "VERSION.txt": "2.5.0\n"}),
])
def test_setuptools_dynamic_version_matches_the_build(tmp_path, dynamic, files):
    repo = write_project(tmp_path / "repo", f"""
        [build-system]
        requires = ["setuptools>=64"]
        build-backend = "setuptools.build_meta"
        [project]
        name = "attr-pkg"
        dynamic = ["version"]
        [tool.setuptools.dynamic]
        version = {dynamic}
        """, files)
    result, finding = preflight_version(repo)
    assert finding["status"] == "pass", finding
    assert result.json["meta"]["version"] == built_version(repo, tmp_path) == "2.5.0"


def test_flit_and_pdm_file_versions(tmp_path):
    flit = write_project(tmp_path / "flit", """
        [build-system]
        requires = ["flit_core>=3.4"]
        build-backend = "flit_core.buildapi"
        [project]
        name = "flit-demo"
        dynamic = ["version", "description"]
        """, {"flit_demo/__init__.py": '"""Flit demo."""\n__version__ = "0.4"\n'})
    result, finding = preflight_version(flit)
    assert finding["status"] == "pass" and result.json["meta"]["version"] == "0.4"
    pdm = write_project(tmp_path / "pdm", """
        [build-system]
        requires = ["pdm-backend"]
        build-backend = "pdm.backend"
        [project]
        name = "pdm-demo"
        dynamic = ["version"]
        [tool.pdm.version]
        source = "file"
        path = "src/pdm_demo/__init__.py"
        """, {"src/pdm_demo/__init__.py": '__version__ = "1.1"\n'})
    result, finding = preflight_version(pdm)
    assert finding["status"] == "pass" and result.json["meta"]["version"] == "1.1"


def test_pdm_scm_at_tag(tmp_path):
    repo = init_repo(write_project(tmp_path / "repo", """
        [build-system]
        requires = ["pdm-backend"]
        build-backend = "pdm.backend"
        [project]
        name = "pdm-scm"
        dynamic = ["version"]
        [tool.pdm.version]
        source = "scm"
        """, {"src/pdm_scm/__init__.py": ""}), tag="v4.2.0")
    result, finding = preflight_version(repo)
    assert finding["status"] == "pass" and result.json["meta"]["version"] == "4.2.0"


# ----------------------------------------------------------------------------- --build

def test_build_passes_and_leaves_the_repository_byte_identical(tmp_path):
    repo = init_repo(scm_project(tmp_path / "repo", HATCH_VCS.format(extra=""), "vcs_demo"), tag="v1.0.0")
    (repo / "dist").mkdir()
    (repo / "dist" / "vcs_demo-0.9.0.tar.gz").write_bytes(b"old")
    before = tree_digest(repo)
    result = preflight("--offline", "--build", "--json", repo)
    assert tree_digest(repo) == before, "the repository changed"
    checks = by_check(result)
    assert checks["build"]["status"] == "pass", checks["build"]
    assert "vcs_demo-1.0.0.tar.gz" in checks["build"]["detail"] and "twine" in checks["build"]["detail"]
    assert checks["dist-stale"]["status"] == "warn"
    assert result.returncode == 0


def test_build_catches_metadata_pypi_refuses(tmp_path):
    repo = write_project(tmp_path / "repo", """
        [build-system]
        requires = ["hatchling"]
        build-backend = "hatchling.build"
        [project]
        name = "bad-meta"
        version = "1.0"
        classifiers = ["Programming Language :: Python :: 3", "Made Up :: Classifier"]
        """, {"bad_meta/__init__.py": ""})
    before = tree_digest(repo)
    result = preflight("--offline", "--build", "--json", repo)
    assert tree_digest(repo) == before
    finding = by_check(result)["build"]
    assert finding["status"] == "fail" and "Made Up :: Classifier" in finding["detail"], finding
    assert result.returncode == 10


def test_build_reads_a_version_this_script_cannot_compute(tmp_path):
    repo = write_project(tmp_path / "repo", """
        [build-system]
        requires = ["hatchling"]
        build-backend = "hatchling.build"
        [project]
        name = "env-version"
        dynamic = ["version"]
        [tool.hatch.version]
        source = "env"
        variable = "ENV_VERSION_DEMO"
        """, {"src/env_version/__init__.py": ""})
    result = preflight("--offline", "--json", repo, env={"ENV_VERSION_DEMO": "6.0"})
    assert result.returncode == 7 and by_check(result)["pyproject-version"]["status"] == "unknown"
    result = preflight("--offline", "--build", "--json", repo, env={"ENV_VERSION_DEMO": "6.0"})
    assert result.returncode == 0, result.stdout
    assert result.json["meta"]["version"] == "6.0"


def test_build_tree_is_unchanged_even_for_setuptools_in_place_artifacts(tmp_path):
    """setuptools writes *.egg-info and build/ next to the sources; the copy keeps them out of the repo."""
    repo = init_repo(scm_project(tmp_path / "repo", SETUPTOOLS_SCM, "scm_demo"), tag="v1.4.0")
    before = tree_digest(repo)
    result = preflight("--offline", "--build", "--json", repo)
    assert by_check(result)["build"]["status"] in ("pass", "warn"), by_check(result)["build"]
    assert tree_digest(repo) == before
    assert not list(Path(repo).rglob("*.egg-info"))


# ------------------------------------------------------------------- setuptools-scm schemes, against the real one

EPOCH = {"SOURCE_DATE_EPOCH": "1780000000"}  # the .dYYYYMMDD part of both sides from one clock


def real_scm_version(repo):
    """What the installed setuptools-scm itself computes for the repository (its own CLI, its own config reading)."""
    import os
    done = subprocess.run([sys.executable, "-m", "setuptools_scm", "-c", str(repo / "pyproject.toml")], cwd=repo,
                          capture_output=True, text=True, env=dict(os.environ, **EPOCH))
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()[-1]


def scheme_repo(tmp_path, settings, tag, after, dirty, branch="main"):
    pyproject = SETUPTOOLS_SCM + settings + "\n"
    repo = init_repo(scm_project(tmp_path / "repo", pyproject, "scm_demo"), tag=tag)
    if branch != "main":
        git(repo, "checkout", "-q", "-b", branch)
    for number in range(after):
        commit_all(repo, f"work {number}")
    if dirty:
        (repo / "README.md").write_text("# demo\n\nuncommitted\n")
    return repo


@pytest.mark.parametrize("settings, tag, after, dirty, branch", [
    ("", "v1.4.0", 3, False, "main"),
    ("", "v1.4.0", 0, True, "main"),
    ("", "v1.4.0", 2, True, "main"),
    ('local_scheme = "no-local-version"', "v1.4.0", 2, False, "main"),
    ('local_scheme = "dirty-tag"', "v1.4.0", 2, True, "main"),
    ('local_scheme = "dirty-tag"', "v1.4.0", 2, False, "main"),
    ('local_scheme = "node-and-timestamp"', "v1.4.0", 1, True, "main"),
    ('version_scheme = "no-guess-dev"', "v1.4.0", 2, False, "main"),
    ('version_scheme = "post-release"', "v1.4.0", 4, False, "main"),
    ('version_scheme = "python-simplified-semver"', "v1.4", 2, False, "main"),
    ('version_scheme = "python-simplified-semver"', "v1.4.2", 2, False, "feature/x"),
    ('version_scheme = "only-version"', "v1.4.0", 2, False, "main"),
    ("", "9.2.0.dev0", 228, False, "main"),  # pytest's HEAD: the .dev0 tag is stripped, not bumped
    ("", "v2.0.0rc1", 1, False, "main"),
    ('version_scheme = "no-guess-dev"\nlocal_scheme = "no-local-version"', "v3.1", 1, False, "main"),
    ('version_scheme = "release-branch-semver"', "v1.4.0", 0, False, "main"),  # at the tag: the tag
])
def test_scm_schemes_match_the_real_setuptools_scm(tmp_path, settings, tag, after, dirty, branch):
    repo = scheme_repo(tmp_path, settings, tag, after, dirty, branch)
    result = preflight("--offline", "--json", "-q", repo, env=EPOCH)
    if after == 0:  # a release tag at HEAD: the tagged commit is judged, as CI checks it out (a clean clone)
        git(tmp_path, "clone", "-q", str(repo), str(tmp_path / "ci"))
        truth = real_scm_version(tmp_path / "ci")
    else:
        truth = real_scm_version(repo)
    assert Version(result.json["meta"]["version"]) == Version(truth), (truth, by_check(result)["pyproject-version"])
    exact = after == 0
    assert (by_check(result)["pyproject-version"]["status"] == "pass") is exact


def test_scm_scheme_not_computed_past_the_tag_is_unknown(tmp_path):
    repo = scheme_repo(tmp_path, 'version_scheme = "release-branch-semver"', "v1.4.0", 2, False, "release/1.4")
    result = preflight("--offline", "--json", "-q", repo)
    assert by_check(result)["pyproject-version"]["status"] == "unknown" and result.returncode == 7


def test_scm_refuses_a_dev_tag_other_than_dev0(tmp_path):
    repo = scheme_repo(tmp_path, "", "1.0.dev3", 2, False)
    done = subprocess.run([sys.executable, "-m", "setuptools_scm", "-c", str(repo / "pyproject.toml")], cwd=repo,
                          capture_output=True, text=True)
    assert done.returncode != 0  # the real setuptools-scm refuses
    finding = by_check(preflight("--offline", "--json", "-q", repo))["pyproject-version"]
    assert finding["status"] == "fail" and ".dev3" in finding["detail"] and "build fails" in finding["detail"]


@pytest.mark.parametrize("extra, tag, after, dirty", [
    ('[tool.hatch.version.raw-options]\nlocal_scheme = "dirty-tag"', "v1.0.0", 1, True),  # pip-tools HEAD
    ('[tool.hatch.version.raw-options]\nversion_scheme = "python-simplified-semver"\n'
     'local_scheme = "no-local-version"', "hatch-v1.18.0", 3, False),  # pypa/hatch
    ("", "v0.9.1", 2, True),
])
def test_hatch_vcs_versions_match_a_real_build(tmp_path, extra, tag, after, dirty):
    repo = init_repo(scm_project(tmp_path / "repo", HATCH_VCS.format(extra=extra), "vcs_demo"), tag=tag)
    for number in range(after):
        commit_all(repo, f"work {number}")
    if dirty:
        (repo / "README.md").write_text("# demo\n\nuncommitted\n")
    result = preflight("--offline", "--json", "-q", repo, env=EPOCH)
    import os
    old = {key: os.environ.get(key) for key in EPOCH}
    os.environ.update(EPOCH)
    try:
        truth = built_version(repo, tmp_path)
    finally:
        for key, value in old.items():
            os.environ.pop(key) if value is None else os.environ.__setitem__(key, value)
    assert Version(result.json["meta"]["version"]) == Version(truth), by_check(result)["pyproject-version"]


# ----------------------------------------------------------------------------- setup.cfg / setup.py, read with ast

MULTIDICT = Path(__file__).parent / "fixtures" / "preflight" / "real" / "multidict-setup-cfg-attr"


def multidict_repo(tmp_path):
    import shutil
    repo = tmp_path / "multidict"
    shutil.copytree(MULTIDICT, repo)
    init_repo(repo, remote="https://github.com/aio-libs/multidict.git", tag="v6.7.1")
    return repo


def test_multidict_at_the_tag_is_taken_and_at_head_is_free(tmp_path, stub):
    """aio-libs/multidict: exit 10 at the released tag (6.7.1 is on the index), 0 at HEAD (6.7.2.dev0)."""
    for version in ("6.7.0", "6.7.1"):
        stub.index.add_release("multidict", version)
    repo = multidict_repo(tmp_path)
    at_tag = preflight("--json", "-q", repo, env={"PYPI_OPS_INDEX_URL": stub.url})
    assert at_tag.returncode == 10 and by_check(at_tag)["not-on-pypi"]["status"] == "fail", at_tag.stdout
    init = repo / "multidict" / "__init__.py"
    init.write_text(init.read_text().replace('"6.7.1"', '"6.7.2.dev0"'))
    commit_all(repo, "back to development")
    at_head = preflight("--json", "-q", repo, env={"PYPI_OPS_INDEX_URL": stub.url})
    checks = by_check(at_head)
    assert checks["pyproject-version"]["status"] == "pass" and at_head.json["meta"]["version"] == "6.7.2.dev0"
    assert checks["not-on-pypi"]["status"] == "pass" and checks["version-order"]["status"] == "pass", checks


def test_multidict_build_agrees(tmp_path):
    repo = multidict_repo(tmp_path)
    result = preflight("--offline", "--build", "--json", "-q", repo, env={"MULTIDICT_NO_EXTENSIONS": "1"})
    build = by_check(result)["build"]
    assert build["status"] in ("pass", "warn") and "multidict-6.7.1.tar.gz" in build["detail"], build


SETUP_CFG_ONLY = """
[build-system]
requires = ["setuptools>=64"]
build-backend = "setuptools.build_meta"
"""


@pytest.mark.parametrize("setup_py, status, version", [
    ('from setuptools import setup\nsetup(version="2.5.0", packages=["legacy_demo"])\n', "pass", "2.5.0"),
    ('import setuptools\nsetuptools.setup(name="legacy-demo", version="2.6.0")\n', "pass", "2.6.0"),
    ('from setuptools import setup\nsetup(packages=["legacy_demo"])\n', "pass", "1.1.0"),  # setup.cfg decides
    ('from setuptools import setup\nVERSION = open("VERSION").read().strip()\nsetup(version=VERSION)\n',
     "unknown", None),
    ('from setuptools import setup\nargs = dict(version="9")\nsetup(**args)\n', "unknown", None),
    ('from setuptools import setup\nsetup(use_scm_version=True)\n', "unknown", None),
    ('this is not python(\n', "unknown", None),
])
def test_setup_py_is_read_with_ast_never_run(tmp_path, setup_py, status, version):
    repo = write_project(tmp_path / "repo", SETUP_CFG_ONLY, {
        "setup.cfg": "[metadata]\nname = legacy-demo\nversion = attr: legacy_demo.__version__\n",
        "setup.py": setup_py, "legacy_demo/__init__.py": '__version__ = "1.1.0"\n', "VERSION": "3.0.0\n"})
    (repo / "setup.py").write_text(setup_py + 'open("RAN", "w").close()\n' if status == "pass" else setup_py)
    init_repo(repo)
    finding = by_check(preflight("--offline", "--json", "-q", repo))["pyproject-version"]
    assert finding["status"] == status, finding
    assert not (repo / "RAN").exists()  # never executed
    if version:
        assert finding["detail"].startswith(version)
        assert built_version(repo, tmp_path) == version  # the real setuptools agrees


# ----------------------------------------------------------------------------- tag forms and version-order


@pytest.mark.parametrize("tag, name, expected", [
    ("v.0.18.0", "mflux", "0.18.0"), ("V.1.2", None, "1.2"), ("mflux-v.0.18.0", "mflux", "0.18.0"),
    ("acme-client-v1.3.0", "acme-client", "1.3.0"), ("acme_client_1.3.0", "acme-client", "1.3.0"),
    ("acme-client/v1.3.0", "acme-client", "1.3.0"), ("acme-client@1.3.0", "acme-client", "1.3.0"),
    ("v.", None, None), ("vnext", None, None), ("acme-clientv1.3", "acme-client", None), ("1.0", None, "1.0"),
])
def test_tag_forms(tag, name, expected):
    from preflight_support import load_script_module
    found = load_script_module().tag_version(tag, name)
    assert (str(found) if found is not None else None) == expected


def test_mflux_tag_at_head_is_the_release(tmp_path):
    repo = write_project(tmp_path / "repo", """
        [build-system]
        requires = ["uv_build>=0.7.19,<0.8.0"]
        build-backend = "uv_build"

        [project]
        name = "mflux"
        version = "0.18.0"
        """, {"src/mflux/__init__.py": ""})
    init_repo(repo, tag="v.0.18.0")
    result = preflight("--offline", "--json", "-q", repo)
    checks = by_check(result)
    assert checks["git-tag"]["status"] == "pass" and "v.0.18.0" in checks["git-tag"]["detail"]
    assert "tag v.0.18.0" in checks["release-files"]["detail"]  # the tagged commit is what is judged


def test_version_order_uses_the_releases_the_index_listed_when_the_lookup_is_undecided(tmp_path, stub):
    """The simple API lists 300 releases, the JSON API fails: not-on-pypi cannot call the version free (unknown),
    but version-order still compares with the 300 it read."""
    for minor in range(300):
        stub.index.add_release("demo-pkg", f"1.{minor}.0")
    stub.fault("status", r"^/pypi/", status=503)
    from preflight_support import static_project
    for version, status in (("1.2.5", "warn"), ("2.0.0", "pass")):
        project = static_project(tmp_path / version, version=version)
        init_repo(project)
        result = preflight("--json", "-q", project, env={"PYPI_OPS_INDEX_URL": stub.url})
        checks = by_check(result)
        assert checks["not-on-pypi"]["status"] == "unknown" and result.returncode == 7
        detail = checks["version-order"]["detail"]
        assert checks["version-order"]["status"] == status, detail
        assert "1.299.0" in detail and "300 release(s)" in detail


# ----------------------------------------------------------------------------- poetry-dynamic-versioning, versioningit

PDV = """
[build-system]
requires = ["poetry-core>=1.0.0", "poetry-dynamic-versioning>=1.0.0,<2.0.0"]
build-backend = "poetry_dynamic_versioning.backend"

[tool.poetry]
name = "pdv-demo"
version = "0.0.0"
description = ""
authors = ["Someone <someone@example.invalid>"]

[tool.poetry-dynamic-versioning]
enable = true
vcs = "git"
{extra}
"""


def real_dunamai(repo, *args):
    """The real dunamai (what poetry-dynamic-versioning calls) on the repository."""
    done = subprocess.run([sys.executable, "-m", "dunamai", "from", "git", *args], cwd=repo, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.parametrize("extra, args, tag, after, dirty", [
    ("", [], "v0.5.0", 0, False),
    ("", [], "v0.5.0", 3, False),
    ('style = "semver"', ["--style", "semver"], "v0.30.0", 0, False),  # BrianPugh/belay
    ('style = "semver"', ["--style", "semver"], "v0.30.0", 2, False),
    ("", [], "v1.0.0rc2", 1, False),
    ("metadata = false", ["--no-metadata"], "v2.1.0", 4, False),
    ("dirty = true", ["--dirty"], "v2.1.0", 1, True),
    ("", [], "v3.0.0.post1", 2, False),
])
def test_poetry_dynamic_versioning_matches_the_real_dunamai(tmp_path, extra, args, tag, after, dirty):
    repo = write_project(tmp_path / "repo", PDV.format(extra=extra),
                         {"pdv_demo/__init__.py": '__version__ = "0.0.0"\n'})
    init_repo(repo, tag=tag)
    for number in range(after):
        commit_all(repo, f"work {number}")
    if dirty:
        (repo / "pdv_demo" / "__init__.py").write_text('__version__ = "0.0.0"  # edited\n')
    result = preflight("--offline", "--json", "-q", repo)
    truth = real_dunamai(repo, *args)
    assert Version(result.json["meta"]["version"]) == Version(truth.replace("-", ".", 1) if "-" in truth else truth)
    checks = by_check(result)
    assert (checks["pyproject-version"]["status"] == "pass") is (after == 0), checks["pyproject-version"]
    assert checks["init-version"]["status"] == "skip" and "at build time" in checks["init-version"]["detail"]


VERSIONINGIT = """
[build-system]
requires = ["setuptools>=64", "versioningit>=3"]
build-backend = "setuptools.build_meta"

[project]
name = "vit-demo"
dynamic = ["version"]

[tool.versioningit]
{extra}
"""


def real_versioningit(repo):
    import os
    done = subprocess.run([sys.executable, "-m", "versioningit", str(repo)], capture_output=True, text=True,
                          env=dict(os.environ, **EPOCH))
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.parametrize("extra, tag, after, dirty", [
    ("", "v1.2.0", 0, False),
    ("", "v1.2.0", 2, False),
    ("", "v1.2.0", 1, True),
    ("", "1.2.0", 0, True),
    ('[tool.versioningit.format]\ndistance = "{version}.post{distance}"', "v0.9", 3, False),
    ('[tool.versioningit.tag2version]\nrmprefix = "release-"', "release-4.0.1", 0, False),
    ('[tool.versioningit.vcs]\nmatch = ["v*"]', "v2.0", 1, False),
])
def test_versioningit_matches_the_real_versioningit(tmp_path, extra, tag, after, dirty):
    repo = write_project(tmp_path / "repo", VERSIONINGIT.format(extra=extra), {"vit_demo/__init__.py": ""})
    init_repo(repo, tag=tag)
    for number in range(after):
        commit_all(repo, f"work {number}")
    if dirty:
        (repo / "vit_demo" / "__init__.py").write_text("# edited\n")
    result = preflight("--offline", "--json", "-q", repo, env=EPOCH)
    if after == 0:  # the tagged commit is judged: compare with a clean clone, as CI checks it out
        git(tmp_path, "clone", "-q", str(repo), str(tmp_path / "ci"))
        truth = real_versioningit(tmp_path / "ci")
    else:
        truth = real_versioningit(repo)
    assert Version(result.json["meta"]["version"]) == Version(truth), by_check(result)["pyproject-version"]
