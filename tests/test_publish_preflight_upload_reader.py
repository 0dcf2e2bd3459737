"""upload-reader: the program in the upload step must read the Metadata-Version the build writes.

The trap (issue 10): hatchling >= 1.32 writes Metadata-Version 2.5; pypa/gh-action-pypi-publish up to v1.14.1 runs
a twine 6 that refuses it ("'2.5' is not a valid metadata version", pypa/twine#1327). The table rows for twine 6.2.0
and 7.0.0 are proved here with the real programs: real hatchling 1.33.0 (2.5) and setuptools 80.9.0 (2.4) builds,
checked by the real `twine check` of .venv-twine6 (twine 6.2.0, `make venv`) and of .venv (twine 7.0.0).
The workflows are assets/publish.yml (the shipped template) with its publish step changed where a test says so."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from conftest import ROOT
from preflight_support import PUBLISH_YML, by_check, init_repo, load_script_module, preflight, write_project

TWINE6 = ROOT / ".venv-twine6" / "bin" / "python"
V1_14_0 = "pypa/gh-action-pypi-publish@cef221092ed1bacb1cc03d23a2d87d1d172e277b # v1.14.0"
V1_14_2 = "pypa/gh-action-pypi-publish@dc37677b2e1c63e2034f94d8a5b11f265b73ba33 # v1.14.2"
HATCHLING = """
    [build-system]
    requires = [{requires}]
    build-backend = "hatchling.build"

    [project]
    name = "demo-pkg"
    version = "1.2.3"
    readme = "README.md"
    description = "a demo"
    """
SETUPTOOLS = """
    [build-system]
    requires = ["setuptools>=77"]
    build-backend = "setuptools.build_meta"

    [project]
    name = "demo-pkg"
    version = "1.2.3"
    readme = "README.md"
    description = "a demo"

    [tool.setuptools.packages.find]
    where = ["src"]
    """


def template(replace=None):
    """assets/publish.yml, with its publish action line replaced (`replace`: the new `uses:` value or a whole
    step in YAML, indented like the template's steps)."""
    text = PUBLISH_YML.read_text(encoding="utf-8")
    assert V1_14_2 in text, "the template pins v1.14.2"
    if replace is None:
        return text
    if replace.startswith("pypa/"):
        return text.replace(V1_14_2, replace)
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if V1_14_2 in line)
    indent = len(lines[start]) - len(lines[start].lstrip())
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent):
        end += 1
    step = textwrap.indent(textwrap.dedent(replace).strip("\n") + "\n", " " * indent)
    return "".join(lines[:start]) + step + "".join(lines[end:])


def project(tmp_path, workflow_text, pyproject=None, requires='"hatchling"', files=None):
    root = write_project(tmp_path / "p", (pyproject or HATCHLING).replace("{requires}", requires),
                         dict({"README.md": "# demo\n", "src/demo_pkg/__init__.py": '__version__ = "1.2.3"\n'},
                              **(files or {})))
    directory = root / ".github" / "workflows"
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "publish.yml").write_text(workflow_text, encoding="utf-8")
    init_repo(root, remote="https://github.com/octo-org/demo-pkg.git")
    return root


def reader(root, *args):
    result = preflight("--offline", "--json", "-q", *args, root)
    return result, by_check(result)["upload-reader"]


# ----------------------------------------------------------------------------- the real twine on real builds

def build(root, outdir):
    done = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(outdir), str(root)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return sorted(outdir.iterdir())


def twine_check(python, files):
    done = subprocess.run([str(python), "-m", "twine", "check", *map(str, files)], capture_output=True, text=True,
                          timeout=120, env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"})
    return done.returncode, " ".join((done.stdout + done.stderr).split())


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """{metadata version: [sdist, wheel]} from real builds: hatchling 1.33.0 (2.5) and setuptools 80.9.0 (2.4)."""
    base = tmp_path_factory.mktemp("builds")
    found = {}
    for name, pyproject in (("hatch", HATCHLING.replace("{requires}", '"hatchling"')), ("setuptools", SETUPTOOLS)):
        root = write_project(base / name, pyproject, {"README.md": "# demo\n",
                                                      "src/demo_pkg/__init__.py": '__version__ = "1.2.3"\n'})
        files = build(root, base / f"{name}-dist")
        wheel = next(path for path in files if path.suffix == ".whl")
        import zipfile
        with zipfile.ZipFile(wheel) as archive:
            metadata = archive.read(next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA")))
        version = metadata.decode().split("Metadata-Version: ", 1)[1].split("\n", 1)[0].strip()
        found[version] = files
    assert set(found) == {"2.4", "2.5"}, found
    return found


def test_real_twine7_reads_2_4_and_2_5(built):
    for version, files in built.items():
        status, output = twine_check(sys.executable, files)
        assert status == 0, (version, output)
    module = load_script_module()
    assert module.row_for(module.TWINE_READERS, module.Version("7.0.0"))[1] == "2.5"


@pytest.mark.skipif(not TWINE6.exists(), reason="no .venv-twine6 (make venv builds it from requirements-twine6.txt)")
def test_real_twine6_refuses_2_5_and_reads_2_4(built):
    assert "twine version 6.2.0" in subprocess.run([str(TWINE6), "-m", "twine", "--version"], capture_output=True,
                                                   text=True).stdout
    status, output = twine_check(TWINE6, built["2.5"])
    assert status != 0 and "'2.5' is not a valid metadata version" in output, output
    status, output = twine_check(TWINE6, built["2.4"])
    assert status == 0, output
    module = load_script_module()
    assert module.row_for(module.TWINE_READERS, module.Version("6.2.0"))[1] == "2.4"
    # the action rows that bundle twine 6 say the same
    assert module.row_for(module.ACTION_READERS, module.Version("1.14.0"))[2] == "2.4"
    assert module.row_for(module.ACTION_READERS, module.Version("1.14.2"))[2] == "2.5"


# ----------------------------------------------------------------------------- the trap, offline

@pytest.mark.parametrize("build_flag", [[], ["--build"]], ids=["offline", "offline-build"])
def test_hatchling_with_action_v1_14_0_is_not_ready(tmp_path, build_flag):
    root = project(tmp_path, template(V1_14_0))
    result, found = reader(root, *build_flag)
    assert result.returncode == 10, result.stdout
    assert found["status"] == "fail" and "\n" not in found["detail"]
    assert "v1.14.0" in found["detail"] and "2.4 at most" in found["detail"] and "carry 2.5" in found["detail"]
    assert ("read from the built files" if build_flag else "decided from [build-system]") in found["detail"]
    assert "dc37677b2e1c63e2034f94d8a5b11f265b73ba33 # v1.14.2" in found["fix"]
    assert 'requires = ["hatchling<1.32.0"]' in found["fix"]


@pytest.mark.parametrize("build_flag", [[], ["--build"]], ids=["offline", "offline-build"])
def test_hatchling_with_the_shipped_template_is_ready(tmp_path, build_flag):
    root = project(tmp_path, template())
    result, found = reader(root, *build_flag)
    assert found["status"] == "pass", found
    assert "v1.14.2, twine 7.0.0" in found["detail"]
    assert result.returncode == 0, result.stdout


def test_capped_hatchling_writes_2_4_and_v1_14_0_reads_it(tmp_path):
    root = project(tmp_path, template(V1_14_0), requires='"hatchling>=1.27,<1.32"')
    found = reader(root)[1]
    assert found["status"] == "pass", found
    assert "hatchling 1.27.0 writes 2.4" in found["detail"]


def test_setuptools_2_4_with_v1_14_0_passes_exact_with_build(tmp_path):
    root = project(tmp_path, template(V1_14_0), pyproject=SETUPTOOLS)
    assert reader(root)[1]["status"] == "pass"
    found = reader(root, "--build")[1]
    assert found["status"] == "pass" and "read from the built files" in found["detail"], found
    assert ": 2.4" in found["detail"]


def test_hatch_core_metadata_version_setting_is_read(tmp_path):
    pyproject = HATCHLING + '\n[tool.hatch.build.targets.wheel]\ncore-metadata-version = "2.4"\n'
    root = project(tmp_path, template(V1_14_0), pyproject=pyproject)
    found = reader(root)[1]
    assert found["status"] == "pass" and "core-metadata-version" in found["detail"], found


def test_moving_ref_is_the_newest_and_says_so(tmp_path):
    root = project(tmp_path, template("pypa/gh-action-pypi-publish@release/v1"))
    found = reader(root)[1]
    assert found["status"] == "pass" and "a moving ref: it runs the newest release" in found["detail"]
    assert "v1.14.2" in found["detail"]
    module = load_script_module()
    assert "whatever is newest" in module.action_release("release/v1")[1]


@pytest.mark.parametrize("ref, expected", [
    ("pypa/gh-action-pypi-publish@0123456789abcdef0123456789abcdef01234567", "a commit"),
    ("pypa/gh-action-pypi-publish@v1.15.0", "newer than the newest release"),
])
def test_unknown_action_release_warns(tmp_path, ref, expected):
    root = project(tmp_path, template(ref))
    found = reader(root)[1]
    assert found["status"] == "warn" and expected in found["detail"], found


# ----------------------------------------------------------------------------- twine, uv and others in run: steps

def twine_step(run):
    return textwrap.dedent("""\
        - name: Upload
          env:
            TWINE_NON_INTERACTIVE: "1"
          run: |
        """) + textwrap.indent(textwrap.dedent(run).strip("\n"), "    ") + "\n"


@pytest.mark.parametrize("run, status", [
    ("python -m pip install twine==6.2.0\ntwine upload dist/*", "fail"),
    ("pipx run twine==6.1.0 upload dist/*", "fail"),
    ("uvx twine@6.2.0 upload dist/*", "fail"),
    ("uvx --from 'twine>=7' twine upload dist/*", "pass"),
    ("python -m pip install build twine\npython -m twine upload dist/*", "pass"),
    ("twine upload dist/*", "warn"),
])
def test_twine_installed_in_the_job(tmp_path, run, status):
    root = project(tmp_path, template(twine_step(run)))
    found = reader(root)[1]
    assert found["status"] == status, found
    if status == "fail":
        assert "twine>=7" in found["fix"]


def test_twine_from_a_requirements_file(tmp_path):
    step = twine_step("python -m pip install -r requirements/release.txt\ntwine upload dist/*")
    root = project(tmp_path, template(step), files={"requirements/release.txt": "build==1.6.1\ntwine==6.2.0 \\\n"
                                                                                "    --hash=sha256:00\n"})
    found = reader(root)[1]
    assert found["status"] == "fail" and "twine 6.2.0" in found["detail"], found
    missing = project(tmp_path / "m", template(twine_step("pip install -r ci/missing.txt\ntwine upload dist/*")))
    found = reader(missing)[1]
    assert found["status"] == "warn" and "ci/missing.txt" in found["detail"], found


def test_uv_publish_sends_the_metadata_version_unchecked(tmp_path):
    step = textwrap.dedent("""\
        - uses: astral-sh/setup-uv@e58605a9b6da7c637471fab8847a5e5a6b8df081 # v5.0.0
          with:
            version: "0.13.9"
        - run: uv publish
        """)
    found = reader(project(tmp_path, template(step)))[1]
    assert found["status"] == "pass" and "setup-uv version 0.13.9" in found["detail"], found


def test_unknown_backend_without_build_warns(tmp_path):
    pyproject = """
        [build-system]
        requires = ["sip>=6"]
        build-backend = "sipbuild.api"

        [project]
        name = "demo-pkg"
        version = "1.2.3"
        """
    root = project(tmp_path, template(V1_14_0), pyproject=pyproject)
    found = reader(root)[1]
    assert found["status"] == "warn" and "--build" in found["fix"], found


def test_no_publishing_workflow_skips(tmp_path):
    root = project(tmp_path, "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n")
    assert reader(root)[1]["status"] == "skip"



def test_upload_inside_sh_c_is_a_warning_not_a_skip(tmp_path):
    root = project(tmp_path, template(twine_step('sh -c "twine upload dist/*"')))
    found = reader(root)[1]
    assert found["status"] == "warn" and "could not be told apart" in found["detail"], found


def test_own_backend_publish_command(tmp_path):
    pyproject = """
        [build-system]
        requires = ["flit_core>=3.11,<4"]
        build-backend = "flit_core.buildapi"

        [project]
        name = "demo-pkg"
        version = "1.2.3"
        description = "a demo"
        """
    root = project(tmp_path / "flit", template(twine_step("flit publish")), pyproject=pyproject)
    found = reader(root)[1]
    assert found["status"] == "pass" and "flit publish uploads what its own backend builds" not in found["detail"]
    other = project(tmp_path / "hatch", template(twine_step("flit publish")))
    assert reader(other)[1]["status"] == "warn"


@pytest.mark.parametrize("requires, expected", [
    (["hatchling"], "2.5"), (["hatchling<1.32"], "2.4"), (["hatchling==1.31.*"], "2.4"), (["hatchling~=1.26.0"], "2.3"),
    (["hatchling>=1.0,<2"], "2.5"), (["setuptools>=61"], "2.4"), (["setuptools<75.8"], "2.1"),
    (["flit_core>=3.11,<4"], "2.4"), (["flit_core>=3.2"], "2.5"), (["poetry-core>=2.0,<2.2"], "2.3"),
])
def test_backend_table_reads_the_requires_range(requires, expected):
    module = load_script_module()
    backend = {"hatchling": "hatchling.build", "setuptools": "setuptools.build_meta", "flit_core": "flit_core.buildapi",
               "poetry-core": "poetry.core.masonry.api"}[module.requirement_name(requires[0])]
    info = {"backend": backend, "requires": requires, "pyproject": {}}
    assert module.backend_metadata_version(info)["version"] == expected


def test_twine_from_the_uv_lock(tmp_path):
    lock = ('version = 1\nrequires-python = ">=3.9"\n\n[[package]]\nname = "twine"\nversion = "6.2.0"\n'
            'source = { registry = "https://pypi.org/simple" }\n')
    root = project(tmp_path, template(twine_step("uv sync --group release\nuv run twine upload dist/*")),
                   files={"uv.lock": lock})
    found = reader(root)[1]
    assert found["status"] == "fail" and "twine 6.2.0" in found["detail"], found
    assert "uv lock --upgrade-package twine" in found["fix"]
    unlocked = project(tmp_path / "u", template(twine_step("uv run twine upload dist/*")),
                       files={"uv.lock": 'version = 1\nrequires-python = ">=3.9"\n'})
    assert reader(unlocked)[1]["status"] == "warn"


# ----------------------------------------------------------------------------- maturin, scikit-build-core, meson-python
# Rows read from the backends' own tags (BACKEND_NEWEST names them): maturin's Metadata24 writes 2.4 from v1.7.6;
# scikit-build-core (vendored pyproject-metadata) and meson-python (the installed pyproject-metadata) write what
# auto_metadata_version gives the [project] table: 2.5 only with import-names / import-namespaces.
MATURIN = """
    [build-system]
    requires = [{requires}]
    build-backend = "maturin"

    [project]
    name = "demo-pkg"
    version = "1.2.3"
    """
SCIKIT_BUILD = """
    [build-system]
    requires = ["scikit-build-core"]
    build-backend = "scikit_build_core.build"

    [project]
    name = "demo-pkg"
    version = "1.2.3"
    """
MESON = """
    [build-system]
    requires = ["meson-python"]
    build-backend = "mesonpy"

    [project]
    name = "demo-pkg"
    version = "1.2.3"
    """


@pytest.mark.parametrize("requires", ['"maturin>=1,<2"', '"maturin"'])
def test_maturin_writes_2_4_and_v1_14_0_reads_it(tmp_path, requires):
    root = project(tmp_path, template(V1_14_0), pyproject=MATURIN, requires=requires)
    result, found = reader(root)
    assert found["status"] == "pass", found
    assert "v1.14.0" in found["detail"] and "reads up to 2.4" in found["detail"]
    assert "decided from [build-system] requires" in found["detail"] and "maturin (1.16.0" in found["detail"]
    assert "writes 2.4" in found["detail"]


def test_old_maturin_writes_2_3(tmp_path):
    root = project(tmp_path, template(V1_14_0), pyproject=MATURIN, requires='"maturin>=1.5,<1.7"')
    found = reader(root)[1]
    assert found["status"] == "pass" and "maturin 1.5.0 writes 2.3" in found["detail"], found


def test_scikit_build_core_with_import_names_and_v1_14_0_is_not_ready(tmp_path):
    root = project(tmp_path, template(V1_14_0), pyproject=SCIKIT_BUILD + 'import-names = ["demo_pkg"]\n')
    result, found = reader(root)
    assert result.returncode == 10, result.stdout
    assert found["status"] == "fail" and "carry 2.5" in found["detail"], found
    assert "decided from [build-system] requires" in found["detail"] and "import-names" in found["detail"]
    assert "dc37677b2e1c63e2034f94d8a5b11f265b73ba33 # v1.14.2" in found["fix"]
    assert "cap the backend" not in found["fix"]  # an older release would not read import-names


@pytest.mark.parametrize("extra, expected", [
    ('license = "MIT"\n', "writes 2.4 for this [project] (a license expression)"),
    ("", "writes 2.2 at most"),
])
def test_scikit_build_core_without_import_names_passes_v1_14_0(tmp_path, extra, expected):
    root = project(tmp_path, template(V1_14_0), pyproject=SCIKIT_BUILD + extra)
    found = reader(root)[1]
    assert found["status"] == "pass" and expected in found["detail"], found


def test_meson_python_follows_the_newest_pyproject_metadata(tmp_path):
    root = project(tmp_path / "names", template(V1_14_0), pyproject=MESON + 'import-names = ["demo_pkg"]\n')
    found = reader(root)[1]
    assert found["status"] == "fail" and "meson-python leaves it to pyproject-metadata" in found["detail"], found
    root = project(tmp_path / "plain", template(V1_14_0), pyproject=MESON + 'license = "MIT"\n')
    found = reader(root)[1]
    assert found["status"] == "pass" and "writes 2.4" in found["detail"], found


def test_static_and_dynamic_field_is_not_known(tmp_path):
    pyproject = SCIKIT_BUILD + 'dynamic = ["readme"]\nreadme = "README.md"\n'
    found = reader(project(tmp_path, template(V1_14_0), pyproject=pyproject))[1]
    assert found["status"] == "warn" and "2.6" in found["detail"] and "--build" in found["fix"], found


@pytest.mark.parametrize("requires, project_table, expected", [
    (["maturin<1.5"], {}, "2.1"), (["maturin>=1.7.6"], {}, "2.4"),
    (["scikit-build-core<0.9"], {}, None), (["scikit-build-core>=0.9,<0.11"], {"license": "MIT"}, "2.2"),
    (["scikit-build-core~=0.11.0"], {"import-names": ["x"]}, "2.4"),
    (["scikit-build-core"], {"import-names": ["x"]}, "2.5"),
    (["meson-python", "pyproject-metadata<0.10"], {"import-names": ["x"]}, "2.4"),
    # pdm-backend 2.5.0 vendors pyproject-metadata 0.12.1 (its PyPI wheel): the fields decide, up to 2.5
    (["pdm-backend"], {"import-names": ["x"]}, "2.5"), (["pdm-backend"], {"license": "MIT"}, "2.4"),
    (["pdm-backend<2.5"], {"import-names": ["x"]}, "2.4"),
])
def test_new_backend_rows(requires, project_table, expected):
    module = load_script_module()
    backend = {"maturin": "maturin", "scikit-build-core": "scikit_build_core.build", "meson-python": "mesonpy",
               "pdm-backend": "pdm.backend"}[module.requirement_name(requires[0])]
    info = {"backend": backend, "requires": requires, "pyproject": {"project": project_table}}
    assert module.backend_metadata_version(info)["version"] == expected


@pytest.mark.parametrize("fields", [
    {}, {"license": "MIT"}, {"license": {"text": "MIT"}}, {"license-files": ["LICENSE"]},
    {"import-names": ["demo_pkg"]}, {"import-namespaces": ["demo"], "license": "MIT"}, {"dynamic": ["version"]},
])
def test_field_levels_match_the_real_pyproject_metadata(tmp_path, fields):
    """project_metadata_level against the real pyproject-metadata 0.12.1 (requirements-dev.txt), whose
    auto_metadata_version scikit-build-core vendors and meson-python calls."""
    pyproject_metadata = pytest.importorskip("pyproject_metadata")
    assert pyproject_metadata.__version__ == "0.12.1"
    (tmp_path / "LICENSE").write_text("MIT\n", encoding="utf-8")
    project_table = dict({"name": "demo-pkg"}, **fields)
    if "version" not in project_table.get("dynamic", []):
        project_table["version"] = "1.2.3"
    real = pyproject_metadata.StandardMetadata.from_pyproject({"project": project_table}, tmp_path)
    written = real.auto_metadata_version
    module = load_script_module()
    level, _ = module.project_metadata_level(project_table)
    assert written == level or (level == "2.2" and written in ("2.1", "2.2")), (written, level)
