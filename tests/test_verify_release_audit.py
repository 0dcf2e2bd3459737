"""verify-release.py: the audit's findings, run for real against the index stand-in: credentials in the index URL
are sent but never shown, --wait only takes finite seconds, PATH may name the pyproject.toml, and a checkout that
makes no attestations says why provenance was not required."""

from __future__ import annotations

import base64
import shutil
import time

import pytest

from conftest import FIXTURES, git, run_script
from stubs import attestation_provenance

SCRIPT = "verify-release.py"
VERIFY = FIXTURES / "verify"
NAME, VERSION = "demo-package", "1.0.0"
SECRET = "s3cr3tpass"


def signed():
    return lambda filename: attestation_provenance("octo-org/demo-package", "publish.yml", "pypi")


def with_credentials(url, userinfo=f"user:{SECRET}"):
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{userinfo}@{rest}"


def by_check(result):
    return {item["check"]: item for item in result.json["data"]}


# ----------------------------------------------------------------------------- 1. credentials in the index URL

@pytest.mark.parametrize("as_json", [True, False])
def test_credentials_are_sent_as_basic_auth_and_never_shown(stub, python, as_json):
    stub.index.add_release(NAME, VERSION, provenance=signed())
    index = with_credentials(stub.url)
    result = run_script(SCRIPT, *(["--json"] if as_json else []), "--offline-provenance", "--index-url", index,
                        NAME, VERSION, python=python)
    assert result.returncode == 0, result.stdout + result.stderr
    assert SECRET not in result.stdout + result.stderr and "user" not in result.stdout + result.stderr
    shown = with_credentials(stub.url, "***")
    if as_json:
        assert result.json["meta"]["index"] == shown
        # the stand-in's page gives absolute provenance URLs without credentials: asked with them (same origin)
        assert all("/integrity/" in row["source"] for row in by_check(result)["provenance"]["files"])
    else:
        assert f"on {shown}" in result.stderr
    auth = "Basic " + base64.b64encode(f"user:{SECRET}".encode()).decode()
    assert stub.requests and all(headers.get("Authorization") == auth for _, _, headers in stub.requests)


def test_unreachable_index_with_credentials_shows_them_redacted():
    """The auditor's command: nothing listens on port 1, and the error detail names the URL without the password."""
    result = run_script(SCRIPT, "--json", "--index-url", f"http://user:{SECRET}@127.0.0.1:1", "foo", "1.0")
    assert result.returncode == 7
    assert SECRET not in result.stdout + result.stderr
    assert result.json["meta"]["index"] == "http://***@127.0.0.1:1"
    assert by_check(result)["live"]["detail"].startswith("index unclear: http://***@127.0.0.1:1/simple/foo/: ")
    text = run_script(SCRIPT, "--index-url", f"http://user:{SECRET}@127.0.0.1:1", "foo", "1.0")
    assert text.returncode == 7 and SECRET not in text.stdout + text.stderr
    assert "http://***@127.0.0.1:1" in text.stdout and "http://***@127.0.0.1:1" in text.stderr


def test_token_in_the_environment_index_url_is_used_and_never_printed(stub):
    token = "pypi-AgEIcHlwaS5vcmcSECRETTOKEN"
    stub.index.add_release(NAME, VERSION, provenance=signed())
    stub.fault("status", "^/simple/", status=503)  # a detail that names the URL
    result = run_script(SCRIPT, "--json", NAME, VERSION, env={"PYPI_OPS_INDEX_URL": with_credentials(
        stub.url, f"__token__:{token}")})
    assert result.returncode == 7, result.stdout + result.stderr
    assert token not in result.stdout + result.stderr and "__token__" not in result.stdout + result.stderr
    assert "http://***@127.0.0.1:" in by_check(result)["live"]["detail"]
    assert all(headers.get("Authorization") for _, _, headers in stub.requests)


def test_credentials_in_a_bad_index_url_are_not_echoed():
    result = run_script(SCRIPT, "--json", "--index-url", f"ftp://user:{SECRET}@example.invalid", "foo", "1.0")
    assert result.returncode == 2
    assert SECRET not in result.stdout + result.stderr
    assert "ftp://***@example.invalid" in result.json["error"]["message"]


def test_redact_url_is_the_same_as_publish_preflights():
    def body(name):
        text = (FIXTURES.parent.parent / "scripts" / name).read_text()
        start = text.index("def redact_url(url):")
        return text[start:text.index("\n\n\n", start)]
    assert body("verify-release.py") == body("publish-preflight.py")


# ----------------------------------------------------------------------------- 2. --wait

@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1", "NaN", "1e400", "soon", "86401"])
def test_wait_must_be_finite_seconds(stub, value):
    started = time.monotonic()
    result = run_script(SCRIPT, "--json", "--index-url", stub.url, "--wait", value, NAME, VERSION, timeout=30)
    assert time.monotonic() - started < 20
    assert result.returncode == 2, result.stdout + result.stderr
    message = result.json["error"]["message"]
    assert "--wait" in message and "\n" not in message and "Traceback" not in result.stderr
    assert stub.requests == []


def test_a_finite_wait_ends(stub):
    result = run_script(SCRIPT, "--json", "--index-url", stub.url, "--wait", "0.3", NAME, VERSION, timeout=30)
    assert result.returncode == 7
    assert by_check(result)["live"]["detail"].startswith("timed out")


@pytest.mark.parametrize("value", ["inf", "nan"])
def test_non_finite_http_timeout_falls_back_to_the_default(stub, value):
    stub.index.add_release(NAME, VERSION, provenance=signed())
    result = run_script(SCRIPT, "--json", "--offline-provenance", "--index-url", stub.url, NAME, VERSION,
                        env={"PYPI_OPS_HTTP_TIMEOUT": value})
    assert result.returncode == 0, result.stdout + result.stderr


# ----------------------------------------------------------------------------- 3. PATH naming a file

@pytest.fixture
def checkout(git_repo):
    return git_repo(VERIFY / "project")


def test_path_to_pyproject_toml_means_its_directory(stub, checkout, python):
    stub.index.add_release(NAME, VERSION, provenance=signed())
    result = run_script(SCRIPT, "--json", "--offline-provenance", "--index-url", stub.url,
                        checkout / "pyproject.toml", python=python)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (result.json["meta"]["name"], result.json["meta"]["version"]) == (NAME, VERSION)
    assert result.json["meta"]["expected"]["workflow"] == "publish.yml"  # the checkout was read too


def test_relative_pyproject_toml_in_the_current_directory(stub, checkout):
    stub.index.add_release(NAME, VERSION, provenance=signed())
    result = run_script(SCRIPT, "--json", "--offline-provenance", "--index-url", stub.url, "pyproject.toml",
                        cwd=checkout)
    assert result.returncode == 0, result.stdout + result.stderr


def test_path_to_another_file_is_exit_3(stub, checkout):
    other = checkout / "setup.cfg"
    other.write_text("[metadata]\n")
    result = run_script(SCRIPT, "--json", "--index-url", stub.url, other)
    assert result.returncode == 3
    message = result.json["error"]["message"]
    assert "setup.cfg" in message and "pyproject.toml" in message and "setup.cfg/pyproject.toml" not in message
    assert stub.requests == []


# ----------------------------------------------------------------------------- 4. why provenance is not expected

@pytest.mark.parametrize("workflow, because", [
    ("uv-plain.yml", "`uv publish`, which makes no attestations, and the job has no separate attestation step"),
    ("release-twine.yml", "`twine upload`"),
    ("no-attestations.yml", "`attestations: false`"),
])
def test_skipped_provenance_says_why_it_was_not_expected(stub, checkout, workflow, because):
    (checkout / ".github" / "workflows" / "publish.yml").unlink()
    shutil.copy(VERIFY / "workflows" / workflow, checkout / ".github" / "workflows" / workflow)
    git(checkout, "add", "-A")
    git(checkout, "commit", "-q", "-m", f"use {workflow}")
    stub.index.add_release(NAME, VERSION, provenance=lambda filename: None)
    result = run_script(SCRIPT, "--json", "--index-url", stub.url, checkout)
    assert result.returncode == 0, result.stdout + result.stderr
    provenance = by_check(result)["provenance"]
    assert provenance["status"] == "skip"
    assert provenance["detail"].startswith(f"no provenance, and none is expected: {workflow} (job ")
    assert because in provenance["detail"]
    assert "none is expected" in by_check(result)["publisher"]["detail"]
    text = run_script(SCRIPT, "--index-url", stub.url, checkout)
    assert because in text.stdout and because in text.stderr
