"""publish-preflight --build: the copy holds exactly what the backend would see, and dist-contents inspects what
would be published. Real git repositories with real tags, real hatchling / hatch-vcs / setuptools-scm builds; the
version built from the copy is compared with the real backend run on the repository itself (a plain clone, as CI
checks out, or a byte copy of the work tree)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile

import pytest
from packaging.utils import parse_sdist_filename, parse_wheel_filename

from conftest import ROOT, git
from preflight_support import by_check, commit_all, init_repo, preflight, tree_digest, write_project

HATCH_VCS = """
    [build-system]
    requires = ["hatchling", "hatch-vcs"]
    build-backend = "hatchling.build"

    [project]
    name = "treeshape"
    dynamic = ["version"]

    [tool.hatch.version]
    source = "vcs"
    """
STATIC = """
    [build-system]
    requires = ["hatchling"]
    build-backend = "hatchling.build"

    [project]
    name = "treeshape"
    version = "0.3.0"
    """
# A package whose own sub-packages are called build, dist and venv (as pypa/build's src/build, pypa/hatch's
# src/hatch/venv and cli/build, pdm's cli/commands/venv); the repository also has the real, ignored dist/ and .venv/.
PACKAGE = {"src/treeshape/__init__.py": "", "src/treeshape/build/__init__.py": "KIND = 'build'\n",
           "src/treeshape/dist/__init__.py": "KIND = 'dist'\n", "src/treeshape/venv/__init__.py": "KIND = 'venv'\n",
           "README.md": "# treeshape\n", ".gitignore": "/dist/\n/.venv/\n__pycache__/\n"}
IGNORED = {"dist/treeshape-0.0.1-py3-none-any.whl": "old", ".venv/pyvenv.cfg": "home = /usr\n",
           ".venv/lib/python3.12/site-packages/x.py": ""}


def fake_pypi_token():
    """A token of PyPI's shape (prefix of a pypi.org macaroon + 80 characters), assembled here so no token-shaped
    literal is ever committed; it is not a real token."""
    return "pypi-" + "AgEIcHlwaS5vcmc" + "Fake0" * 16


def fake_github_token():
    return "gh" + "p_" + "Fake0Fake1" * 3 + "Fake00"


def built(result):
    """{filename: [member names]} from the --json meta of a --build run."""
    return {item["filename"]: item["members"] for item in result.json["meta"].get("artifacts", [])}


def versions_of(filenames):
    found = set()
    for name in filenames:
        found.add(str(parse_wheel_filename(name)[1]) if name.endswith(".whl") else str(parse_sdist_filename(name)[1]))
    return found


def write_files(root, files):
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def real_backend_version(source, tmp_path, clone=True):
    """The version the real backend builds: in a plain `git clone` checked out at HEAD's tag (what CI builds) or in a
    byte copy of the whole work tree, .git included (building the user's tree in place)."""
    target = tmp_path / "truth"
    if clone:
        git(tmp_path, "clone", "-q", str(source), str(target))
    else:
        shutil.copytree(source, target, symlinks=True)
    out = tmp_path / "truth-out"
    done = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--wheel", "--outdir", str(out),
                           str(target)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    (wheel,) = os.listdir(out)
    return str(parse_wheel_filename(wheel)[1])


# ----------------------------------------------------------------------------- the copy


def test_tagged_release_with_folders_named_build_dist_venv_builds_the_tagged_version(tmp_path):
    repo = write_project(tmp_path / "repo", HATCH_VCS, PACKAGE)
    init_repo(repo, tag="v2.0.0")
    write_files(repo, IGNORED)
    (repo / "README.md").write_text("# treeshape\n\nedited after tagging\n", encoding="utf-8")
    (repo / "NOTES.txt").write_text("untracked\n", encoding="utf-8")
    before = tree_digest(repo)
    result = preflight("--offline", "--build", "--json", "-q", repo)
    assert tree_digest(repo) == before
    checks = by_check(result)
    assert checks["build"]["status"] in ("pass", "warn"), checks["build"]
    artifacts = built(result)
    assert versions_of(artifacts) == {"2.0.0"} == {real_backend_version(repo, tmp_path)}
    (wheel,) = [members for name, members in artifacts.items() if name.endswith(".whl")]
    (sdist,) = [members for name, members in artifacts.items() if name.endswith(".tar.gz")]
    for kind in ("build", "dist", "venv"):
        assert f"treeshape/{kind}/__init__.py" in wheel and f"src/treeshape/{kind}/__init__.py" in sdist
    # the tagged commit was built: neither the untracked file nor anything ignored is in it
    assert "NOTES.txt" not in sdist and not any(name.startswith(("dist/", ".venv/")) for name in sdist)
    assert checks["dist-contents"]["status"] == "pass", checks["dist-contents"]
    assert result.returncode == 0, checks


def test_work_tree_build_copies_git_listing_tracked_and_untracked_not_ignored(tmp_path):
    repo = write_project(tmp_path / "repo", STATIC, dict(PACKAGE, **{"docs/old.md": "gone soon\n"}))
    init_repo(repo)  # no release tag at HEAD: the work tree is judged and built
    write_files(repo, IGNORED)
    (repo / "docs" / "old.md").unlink()  # tracked, deleted on disk
    (repo / "CHANGES.md").write_text("untracked, not ignored\n", encoding="utf-8")
    before = tree_digest(repo)
    result = preflight("--offline", "--build", "--json", "-q", repo)
    assert tree_digest(repo) == before
    artifacts = built(result)
    (sdist,) = [members for name, members in artifacts.items() if name.endswith(".tar.gz")]
    assert "CHANGES.md" in sdist and "docs/old.md" not in sdist
    assert not any(name.startswith(("dist/", ".venv/")) for name in sdist)
    assert {f"src/treeshape/{kind}/__init__.py" for kind in ("build", "dist", "venv")} <= set(sdist)
    assert versions_of(artifacts) == {"0.3.0"}


def test_dirty_vcs_work_tree_builds_what_the_backend_builds_in_place(tmp_path):
    """Commits after the tag and a modified file: the copy gives hatch-vcs the same distance, node and dirty state
    as the real tree (the version is a local one PyPI refuses; both builds agree on it)."""
    repo = write_project(tmp_path / "repo", HATCH_VCS, PACKAGE)
    init_repo(repo, tag="v2.0.0")
    commit_all(repo, "more work")
    (repo / "README.md").write_text("# changed\n", encoding="utf-8")
    result = preflight("--offline", "--build", "--json", "-q", repo)
    (version,) = versions_of(built(result))
    truth = real_backend_version(repo, tmp_path, clone=False)
    assert version == truth and "+g" in truth and ".d" in truth, (version, truth)
    assert by_check(result)["build"]["status"] == "fail"  # a local version: PyPI refuses it


def test_directory_outside_git_is_copied_whole(tmp_path):
    project = write_project(tmp_path / "plain", STATIC, {k: v for k, v in PACKAGE.items() if k != ".gitignore"})
    result = preflight("--offline", "--build", "--json", "-q", project)
    artifacts = built(result)
    (wheel,) = [members for name, members in artifacts.items() if name.endswith(".whl")]
    assert {f"treeshape/{kind}/__init__.py" for kind in ("build", "dist", "venv")} <= set(wheel)


# ----------------------------------------------------------------------------- dist-contents


SKILL_FILES = {".claude/skills/pypi-ops/SKILL.md": "---\nname: pypi-ops\n---\n",
               ".claude/skills/pypi-ops/scripts/publish-preflight.py": "print('x')\n",
               ".agents/skills/pypi-ops/SKILL.md": "---\nname: pypi-ops\n---\n",
               "skills-lock.json": json.dumps({"version": 1, "skills": {"pypi-ops": {}}}) + "\n"}


def project_with(tmp_path, extra_files, pyproject=STATIC, tag="v0.3.0"):
    files = {"src/treeshape/__init__.py": "", "README.md": "# treeshape\n", ".gitignore": "/dist/\n"}
    repo = write_project(tmp_path / "repo", pyproject, dict(files, **extra_files))
    init_repo(repo, tag=tag)
    return repo


def installed_skill():
    """This skill bundle as `npx skills add` lays it into a project: .claude/skills/pypi-ops/ (SKILL.md, references/,
    scripts/, assets/) and skills-lock.json (issue 11's fresh-project trap)."""
    files = {}
    for folder in ("references", "scripts", "assets"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                files[f".claude/skills/pypi-ops/{path.relative_to(ROOT)}"] = path.read_text(encoding="utf-8")
    files[".claude/skills/pypi-ops/SKILL.md"] = (ROOT / "SKILL.md").read_text(encoding="utf-8")
    return dict(files, **{key: value for key, value in SKILL_FILES.items() if not key.startswith(".claude/")})


def test_agent_folders_in_the_sdist_warn_and_name_the_backend_exclude(tmp_path):
    repo = project_with(tmp_path, installed_skill())
    result = preflight("--offline", "--build", "--json", "-q", repo)
    finding = by_check(result)["dist-contents"]
    assert finding["status"] == "warn", finding
    for folder in (".claude/", ".agents/", "skills-lock.json"):
        assert folder in finding["detail"]
    assert "[tool.hatch.build.targets.sdist] exclude" in finding["fix"]
    sdist = [members for name, members in built(result).items() if name.endswith(".tar.gz")][0]
    assert ".claude/skills/pypi-ops/SKILL.md" in sdist  # the listing is in the JSON meta
    assert ".claude/skills/pypi-ops/scripts/publish-preflight.py" in sdist
    assert "x the wheel" in finding["detail"]  # the bundle dwarfs a one-module wheel, as in issue 11
    assert result.returncode == 0  # a warning: ready, with the advice


def test_the_exclude_the_fix_names_really_removes_them(tmp_path):
    repo = project_with(tmp_path, installed_skill(), pyproject=STATIC + """
    [tool.hatch.build.targets.sdist]
    exclude = ["/.claude", "/.agents", "/skills-lock.json"]
    """)
    result = preflight("--offline", "--build", "--json", "-q", repo)
    assert by_check(result)["dist-contents"]["status"] == "pass", by_check(result)["dist-contents"]


def test_credentials_fail_and_the_secret_is_never_printed(tmp_path):
    pypi, github = fake_pypi_token(), fake_github_token()
    repo = project_with(tmp_path, {".env": f"PYPI_TOKEN={pypi}\n",
                                   "src/treeshape/settings.py": f"TOKEN = '{github}'\n",
                                   "deploy/.pypirc": "[pypi]\nusername = __token__\n",
                                   "deploy/id_ed25519.pub": "ssh-ed25519 AAAA public\n"})
    for args in (["--json"], []):
        result = preflight("--offline", "--build", *args, repo)
        for stream in (result.stdout, result.stderr):
            assert pypi not in stream and github not in stream
            assert "AgEIcHlwaS5vcmcFake" not in stream and "Fake0Fake1" not in stream
        assert result.returncode == 10
    finding = by_check(preflight("--offline", "--build", "--json", "-q", repo))["dist-contents"]
    assert finding["status"] == "fail"
    detail = finding["detail"]
    assert "a credential file: .env" in detail and "a PyPI API token: .env" in detail
    assert "a GitHub token: src/treeshape/settings.py" in detail and "a GitHub token: treeshape/settings.py" in detail
    assert "deploy/.pypirc" in detail and "id_ed25519.pub" not in detail  # a public key is no secret
    assert "revoke" in finding["fix"]


def test_sdist_twenty_times_the_wheel_warns(tmp_path):
    repo = project_with(tmp_path, {})
    (repo / "data").mkdir()
    (repo / "data" / "recording.bin").write_bytes(os.urandom(400_000))  # incompressible, sdist only
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "data")
    git(repo, "tag", "-f", "-a", "v0.3.0", "-m", "v0.3.0")
    finding = by_check(preflight("--offline", "--build", "--json", "-q", repo))["dist-contents"]
    assert finding["status"] == "warn" and "x the wheel" in finding["detail"], finding


def test_setuptools_scm_sdist_carries_every_tracked_file_and_the_fix_is_manifest_in(tmp_path):
    """setuptools-scm's file finder puts every tracked file in the sdist: a committed .claude/ ships."""
    repo = project_with(tmp_path, dict(SKILL_FILES, **{"src/treeshape/__init__.py": ""}), pyproject="""
    [build-system]
    requires = ["setuptools>=64", "setuptools-scm>=8"]
    build-backend = "setuptools.build_meta"

    [project]
    name = "treeshape"
    dynamic = ["version"]

    [tool.setuptools_scm]
    """, tag="v0.4.0")
    result = preflight("--offline", "--build", "--json", "-q", repo)
    finding = by_check(result)["dist-contents"]
    assert versions_of(built(result)) == {"0.4.0"}
    assert finding["status"] == "warn" and ".claude/" in finding["detail"], finding
    assert "MANIFEST.in" in finding["fix"]


def test_wheel_members_are_read_from_the_real_wheel(tmp_path):
    """The listing is the archive's own: compare with zipfile on a wheel the real backend builds."""
    repo = project_with(tmp_path, {})
    result = preflight("--offline", "--build", "--json", "-q", repo)
    (name,) = [name for name in built(result) if name.endswith(".whl")]
    out = tmp_path / "out"
    subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--wheel", "--outdir", str(out),
                    str(repo)], capture_output=True, check=True)
    with zipfile.ZipFile(out / name) as archive:
        assert sorted(archive.namelist()) == sorted(built(result)[name])


@pytest.mark.parametrize("member,expected", [
    (".env", "fail"), (".env.production", "fail"), (".env.example", None), ("conf/.netrc", "fail"),
    ("keys/id_rsa", "fail"), ("keys/id_rsa.pub", None), ("src/pkg/venv/__init__.py", None),
    ("src/pkg/build/x.py", None), (".venv/bin/python", "warn"), ("node_modules/a/index.js", "warn"),
    ("src/pkg/__pycache__/a.pyc", "warn"), ("dist/pkg-0.1.tar.gz", "warn"), (".cursor/rules/a.md", "warn"),
    ("skills-lock.json", "warn"), ("env/pyvenv.cfg", "warn"), ("src/pkg/dist/__init__.py", None),
])
def test_member_classification(member, expected):
    from preflight_support import load_script_module
    module = load_script_module()
    found = module.member_problems(member, sdist=True)
    assert (found[0][0] if found else None) == expected, found


def test_files_removed_with_git_rm_are_not_in_the_copy(tmp_path):
    repo = write_project(tmp_path / "repo", STATIC, dict(PACKAGE, **{"docs/removed.md": "x\n", "docs/kept.md": "y\n"}))
    init_repo(repo)
    git(repo, "rm", "-q", "docs/removed.md")
    result = preflight("--offline", "--build", "--json", "-q", repo)
    (sdist,) = [members for name, members in built(result).items() if name.endswith(".tar.gz")]
    assert "docs/kept.md" in sdist and "docs/removed.md" not in sdist


def test_ref_builds_the_commit_it_names(tmp_path):
    """--ref v2.0.0 with HEAD two commits further: the tagged commit is checked out and built (2.0.0), as a CI run
    for that tag builds it; HEAD's later changes are not in it."""
    repo = write_project(tmp_path / "repo", HATCH_VCS, PACKAGE)
    init_repo(repo, tag="v2.0.0")
    write_files(repo, {"src/treeshape/later.py": "LATER = True\n"})
    commit_all(repo, "later work")
    commit_all(repo, "more")
    result = preflight("--offline", "--build", "--json", "-q", "--ref", "v2.0.0", repo)
    artifacts = built(result)
    assert versions_of(artifacts) == {"2.0.0"}
    (wheel,) = [members for name, members in artifacts.items() if name.endswith(".whl")]
    assert "treeshape/later.py" not in wheel
    assert "v2.0.0" in by_check(result)["build"]["detail"]


def test_repository_without_commits_builds_the_listing(tmp_path):
    repo = write_project(tmp_path / "repo", STATIC, PACKAGE)
    git(repo, "init", "-q", "-b", "main")
    write_files(repo, IGNORED)
    result = preflight("--offline", "--build", "--json", "-q", repo)
    (sdist,) = [members for name, members in built(result).items() if name.endswith(".tar.gz")]
    assert "src/treeshape/venv/__init__.py" in sdist and not any(name.startswith(("dist/", ".venv/")) for name in sdist)
