"""The pure readers of publish-preflight.py, fuzzed in-process with hypothesis (imported from its path), plus
unit tests of the decision and validation functions that are easier to state directly."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from packaging.version import Version

from preflight_support import load_script_module

preflight = load_script_module()
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

toml_scalars = st.one_of(st.text(max_size=20), st.integers(), st.booleans(), st.floats(allow_nan=False))
toml_values = st.recursive(toml_scalars, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=4)), max_leaves=12)
interesting_keys = st.sampled_from(["project", "tool", "build-system", "name", "version", "dynamic", "hatch",
                                    "setuptools", "setuptools_scm", "pdm", "flit", "poetry", "packages", "path",
                                    "source", "build-backend", "requires", "dynamic", "attr", "file", "module",
                                    "metadata", "maturin", "manifest-path", "scikit-build", "provider", "uv",
                                    "build-backend", "module-name", "git_describe_command", "raw-options",
                                    "poetry-dynamic-versioning", "enable", "tag_filter", "include"])
pyproject_like = st.recursive(
    st.one_of(toml_scalars, st.sampled_from(["version", "vcs", "scm", "file", "hatchling.build",
                                             "setuptools.build_meta", "pdm.backend", "flit_core.buildapi"])),
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.dictionaries(interesting_keys, children, max_size=5)), max_leaves=20)


@FUZZ
@given(st.binary(max_size=300))
def test_pyproject_bytes_give_a_dict_or_a_clean_input_error(raw):
    try:
        assert isinstance(preflight.parse_pyproject_text(raw), dict)
    except preflight.Fail as fail:
        assert fail.exit == 3 and "pyproject.toml" in fail.message and "\n" not in fail.message


@FUZZ
@given(st.text(alphabet='[]=".\n abc1-_{},#\'\\', max_size=200))
def test_pyproject_text_errors_name_line_and_column(text):
    try:
        preflight.parse_pyproject_text(text.encode())
    except preflight.Fail as fail:
        position = fail.message.split(": ", 1)[0].split(":")[1:]
        assert position and (position == ["end"] or all(part.isdigit() for part in position))


@FUZZ
@given(st.dictionaries(interesting_keys, pyproject_like, max_size=5))
def test_project_readers_never_raise_on_any_shape(tmp_path_factory, data):
    root = str(tmp_path_factory.getbasetemp())
    info = preflight.describe_project(data)
    git = {"repo": False, "shallow": False, "head": None, "tags": {}, "dirty": [], "dirty_repo": [], "origin": None,
           "refused": False, "describe": None, "toplevel": None}
    root = preflight.ReleaseFiles(root)
    resolved = preflight.resolve_version(root, info, git)
    assert resolved["version"] is None or isinstance(resolved["version"], str)
    preflight.find_import_package(root, info)
    preflight.scm_settings(info)
    for legacy in ({"setup_cfg": {"name": "x", "version": "attr: x.__version__"}, "setup_py": False},
                   {"setup_cfg": None, "setup_py": True}):
        info = preflight.describe_project(data, legacy)
        resolved = preflight.resolve_version(root, info, git)
        assert resolved["version"] is None or isinstance(resolved["version"], str)
        preflight.find_import_package(root, info)


@FUZZ
@given(st.text(max_size=200), st.text(max_size=200))
def test_setup_cfg_and_cargo_readers_never_raise(tmp_path_factory, setup_cfg, cargo):
    root = tmp_path_factory.mktemp("legacy")
    (root / "setup.cfg").write_text(setup_cfg, encoding="utf-8")
    (root / "Cargo.toml").write_text(cargo, encoding="utf-8")
    files = preflight.ReleaseFiles(str(root))
    found = preflight.read_legacy_metadata(files)
    assert found["setup_cfg"] is None or isinstance(found["setup_cfg"], dict)
    version, where = preflight.cargo_package_version(files, "Cargo.toml")
    assert isinstance(where, str)


@pytest.mark.parametrize("command, expected", [
    (None, ["--tags", "--long", "--abbrev=40", "--match", "*[0-9]*"]),  # setuptools-scm 10's DEFAULT_DESCRIBE
    (["git", "describe", "--dirty", "--tags", "--long", "--match", "pkg-v*"],
     ["--tags", "--long", "--match", "pkg-v*"]),
    ("git describe --tags --long --match 'a b*'", ["--tags", "--long", "--match", "a b*"]),
    ("python tools/version.py", None),
    (["hg", "log"], None),
    ("git describe 'unclosed", None),
])
def test_describe_arguments(command, expected):
    assert preflight.describe_arguments(command) == expected


workflow_keys = st.sampled_from(["on", "jobs", "permissions", "env", "steps", "uses", "with", "run", "environment",
                                 "id-token", "password", "attestations", "if", "push", "tags", "name", "publish",
                                 "pull_request_target", "workflow_call", "branches"])
workflow_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=15),
              st.sampled_from(["pypa/gh-action-pypi-publish@v1", "write", "write-all", "twine upload dist/*",
                               "${{ secrets.PYPI_TOKEN }}", "uv publish", "false"])),
    lambda children: st.one_of(st.lists(children, max_size=3), st.dictionaries(workflow_keys, children, max_size=4)),
    max_leaves=25)


@FUZZ
@given(st.dictionaries(workflow_keys, workflow_values, max_size=5))
def test_workflow_reader_never_raises_on_any_mapping(document):
    import yaml
    parsed = preflight.parse_workflow_text("w.yml", yaml.safe_dump(document))
    assert parsed["file"] == "w.yml"
    for job in parsed.get("jobs", []):
        preflight.trigger_problems(parsed["triggers"], job["gated"])


@FUZZ
@given(st.text(max_size=200))
def test_workflow_reader_never_raises_on_any_text(text):
    assert preflight.parse_workflow_text("w.yml", text)["file"] == "w.yml"


@FUZZ
@given(st.text(max_size=60))
def test_filename_and_remote_readers_never_raise(text):
    preflight.history_file_version(text)
    preflight.legacy_filename_versions(text)
    preflight.github_repository(text)
    preflight.tag_version(text, "demo")


def answer(versions=(), yanked=(), unparsed=(), versions_key=True, status=None):
    return {"state": "ok", "versions": {Version(v) for v in versions}, "yanked": {Version(v) for v in yanked},
            "unparsed": list(unparsed), "has_versions_key": versions_key, "project_status": status}


@pytest.mark.parametrize("simple, jsonapi, state", [
    (answer(["1.0"]), answer(["1.0"]), "free"),
    # only the JSON API lists releases whose files were all deleted: an unclear answer there is not "free"
    (answer(["1.0"]), {"state": "unknown", "reason": "JSON API answered HTTP 500"}, "unknown"),
    (answer(["1.0"]), {"state": "blank-404", "reason": "404"}, "unknown"),  # a proxy's 404 is not an answer
    (answer(["1.0"]), answer(["1.0", "2.0"]), "taken"),
    (answer(["2.0"], yanked=["2.0"]), answer([]), "taken"),
    (answer(["1.0"], status="archived"), answer(["1.0"]), "closed"),
    (answer(["1.0"], status="deprecated"), answer(["1.0"]), "free"),
    ({"state": "absent", "reason": "404"}, {"state": "absent", "reason": "404"}, "absent"),
    ({"state": "absent", "reason": "404"}, {"state": "blank-404", "reason": "404"}, "unknown"),
    ({"state": "absent", "reason": "404"}, {"state": "unknown", "reason": "timeout"}, "unknown"),
    ({"state": "unknown", "reason": "500"}, answer(["1.0"]), "unknown"),
    ({"state": "unknown", "reason": "500"}, answer(["2.0"]), "taken"),
    (answer(["1.0"], unparsed=["x-2.0.win32.exe"], versions_key=False), {"state": "absent", "reason": ""}, "taken"),
    (answer(["1.0"], unparsed=["odd"], versions_key=False), {"state": "absent", "reason": ""}, "unknown"),
    (answer(["1.0"], unparsed=["odd"], versions_key=True), {"state": "absent", "reason": ""}, "free"),
])
def test_decide_index(simple, jsonapi, state):
    assert preflight.decide_index("2.0", simple, jsonapi)["state"] == state


def metadata(**fields):
    lines = [f"{key.replace('_', '-')}: {value}" for key, values in fields.items()
             for value in (values if isinstance(values, list) else [values])]
    return ("\n".join(lines) + "\n").encode()


def test_validate_metadata_pypi_rules():
    good = metadata(Metadata_Version="2.4", Name="demo-pkg", Version="1.0", License_Expression="MIT")
    assert preflight.validate_metadata(good, "demo_pkg-1.0-py3-none-any.whl", "1.0") == []
    assert preflight.validate_metadata(good, "demo_pkg-1.0.tar.gz", "1.0") == []
    problems = " ".join(preflight.validate_metadata(
        metadata(Metadata_Version="2.4", Name="demo-pkg", Version="1.0", License="MIT", License_Expression="MIT",
                 Classifier=["License :: OSI Approved :: MIT License", "Nope :: Nope"]),
        "Demo-Pkg-1.0.tar.gz", "1.0"))
    assert "both License and License-Expression" in problems and "'Nope :: Nope' is unknown" in problems
    assert "normalized form" in problems
    problems = " ".join(preflight.validate_metadata(
        metadata(Metadata_Version="3.0", Name="demo-pkg", Version="1.0+local", License_Expression="MIT AND ("),
        "demo_pkg-1.0+local-py3-none-any.whl", "1.0"))
    assert "Metadata-Version '3.0'" in problems and "local segment" in problems
    assert preflight.validate_metadata(good, "demo_pkg-1.0.zip", "1.0")
    assert "not 2.0" in " ".join(preflight.validate_metadata(good, "demo_pkg-1.0.tar.gz", "2.0"))
    assert preflight.validate_metadata(None, "x-1.0.tar.gz", "1.0")


@pytest.mark.parametrize("url, expected", [
    ("https://github.com/o/r.git", "o/r"), ("https://github.com/o/r", "o/r"),
    ("git@github.com:o/r.git", "o/r"), ("ssh://git@github.com/o/r.git", "o/r"),
    ("ssh://git@ssh.github.com:443/o/r.git", "o/r"), ("https://www.github.com/o/r/", "o/r"),
    ("https://user:tok@github.com/o/r.git", "o/r"), ("git@ssh.github.com:o/r", "o/r"),
    ("https://gitlab.com/o/r", None), ("", None), ("https://github.com/o", None), ("https://[github.com/o/r", None),
])
def test_github_repository(url, expected):
    assert preflight.github_repository(url) == expected


@pytest.mark.parametrize("describe, dirty, scheme, version, releasable", [
    ("v1.2.3-0-gabcdef1", False, "node-and-date", "1.2.3", True),
    ("v1.2.3-2-gabcdef1", False, "node-and-date", "1.2.4.dev2+gabcdef1", False),
    ("v1.2.3-2-gabcdef1", False, "no-local-version", "1.2.4.dev2", False),
    ("1.0rc1-1-gabcdef1", False, "node-and-date", "1.0rc2.dev1+gabcdef1", False),
    ("v1.2.3-0-gabcdef1", True, "node-and-date", "1.2.4.dev0+gabcdef1.d20261206", False),
    ("v1.2.3-0-gabcdef1", True, "dirty-tag", "1.2.4.dev0+dirty", False),
    ("v1.2.3-3-g" + "a" * 40, False, "node-and-date", "1.2.4.dev3+gaaaaaaaaa", False),  # g + 9: 10 characters
    ("9.2.0.dev0-228-gdf87db7b0123", False, "node-and-date", "9.2.0.dev228+gdf87db7b0", False),  # pytest HEAD
    ("1.0.dev3-2-gabcdef1", False, "node-and-date", None, False),  # setuptools-scm refuses: the build fails
    ("pkg-v2.0-0-gabcdef1", False, "node-and-date", "2.0", True),
    ("nightly-0-gabcdef1", False, "node-and-date", None, None),  # no version in the tag: not predicted
])
def test_derive_scm_version(describe, dirty, scheme, version, releasable):
    from datetime import datetime, timezone
    found, ok, _ = preflight.derive_scm_version("setuptools-scm", None, describe, dirty, scheme,
                                                now=datetime(2026, 12, 6, tzinfo=timezone.utc))
    assert (found, ok) == (version, releasable)


def test_yaml_alias_bomb_in_a_publishing_job_stays_fast():
    import time
    lines = ['a0: &a0 ["${{ secrets.X }}", "${{ secrets.Y }}"]']
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 14)]
    text = "\n".join(lines) + ("\non: {push: {tags: ['v*']}}\njobs:\n  publish:\n    env: {BOMB: *a13}\n"
                               "    steps:\n      - uses: pypa/gh-action-pypi-publish@release/v1\n")
    start = time.monotonic()
    parsed = preflight.parse_workflow_text("bomb.yml", text)
    assert time.monotonic() - start < 5 and parsed["jobs"][0]["job"] == "publish"
