"""not-on-pypi, version-order and first-publish against the real local HTTP index stand-in (and, marked live,
the real public index)."""

from __future__ import annotations

import time
import urllib.request

import pytest

from preflight_support import by_check, init_repo, preflight, static_project


@pytest.fixture
def project(tmp_path):
    return init_repo(static_project(tmp_path / "p", name="demo-pkg", version="1.2.3"))


def run_against(stub, project, *args, python=None):
    return preflight("--json", *args, project, env={"PYPI_OPS_INDEX_URL": stub.url}, python=python)


def test_free_version_is_ready_and_says_what_stays_unknowable(stub, project, python):
    stub.index.add_release("demo-pkg", "1.2.2")
    result = run_against(stub, project, python=python)
    assert result.returncode == 0, result.stdout
    finding = by_check(result)["not-on-pypi"]
    assert finding["status"] == "pass" and "deleted" in finding["detail"]
    assert result.json["meta"]["index"] == stub.url
    assert by_check(result)["version-order"]["status"] == "pass"
    assert by_check(result)["first-publish"]["status"] == "pass"
    assert sorted(stub.paths()) == ["/pypi/demo-pkg/json", "/simple/demo-pkg/"]
    simple_request = [headers for _, path, headers in stub.requests if path.startswith("/simple/")][0]
    # the same Accept as verify-release (SIMPLE_API_ACCEPT in the shared block)
    assert simple_request["Accept"] == "application/vnd.pypi.simple.v1+json, application/json;q=0.5"


@pytest.mark.parametrize("released", ["1.2.3", "1.2.3.0", "v1.2.3"])
def test_taken_version_is_not_ready_in_canonical_comparison(stub, project, released, python):
    stub.index.add_release("demo-pkg", released, filenames=[f"demo_pkg-{released}.tar.gz"])
    result = run_against(stub, project, python=python)
    assert result.returncode == 10
    assert by_check(result)["not-on-pypi"]["status"] == "fail" and "READY" not in result.stderr.replace(
        "NOT READY", "")


def test_yanked_version_counts_as_taken(stub, project):
    stub.index.add_release("demo-pkg", "1.2.3", yanked="broken build")
    result = run_against(stub, project)
    assert result.returncode == 10 and "yanked" in by_check(result)["not-on-pypi"]["detail"]


def test_non_normalized_name_follows_the_redirect(stub, tmp_path):
    repo = init_repo(static_project(tmp_path / "p", name="Demo.Pkg", version="1.2.3"))
    stub.index.add_release("demo-pkg", "1.2.3")
    result = run_against(stub, repo)
    assert result.returncode == 10, result.stdout


def test_version_only_in_the_json_api_is_taken(stub, project):
    """A release whose files are all gone: the simple API lists no file, the JSON API still has the key."""
    stub.index.add_release("demo-pkg", "1.0")
    stub.index.api_version = "1.0"  # no `versions` list in the simple API
    stub.fault("status", r"^/simple/", status=503)
    stub.index.add_release("demo-pkg", "1.2.3")
    result = run_against(stub, project)
    assert result.returncode == 10 and "JSON API" in by_check(result)["not-on-pypi"]["detail"]


def test_per_version_json_404_of_a_proxy_is_never_read_as_free(stub, project):
    """The requests==2.34.2 story: a proxy that 404s every /pypi/<name>/<version>/json path."""
    stub.index.serve_version_json = False
    stub.index.add_release("demo-pkg", "1.2.3")
    result = run_against(stub, project)
    assert result.returncode == 10
    assert not any("/1.2.3/json" in path for path in stub.paths())


@pytest.mark.parametrize("body", [b"Not Found", b"<html><body>404</body></html>", b"\n"])
def test_blanket_404_proxy_is_unknown_not_a_new_project(stub, project, body):
    """A proxy's 404 on both paths whose JSON API answer is not a JSON document: not proof of absence."""
    stub.index.serve_version_json = False
    stub.fault("status", r"^/(simple|pypi)/", status=404, body=body)
    result = run_against(stub, project)
    assert result.returncode == 7, result.stdout
    assert by_check(result)["not-on-pypi"]["status"] == "unknown"
    first = by_check(result)["first-publish"]
    # Not known whether the project exists: the pending-publisher form is printed anyway (issue 11, trap 2).
    assert first["status"] == "unknown" and "if this is the first release" in first["detail"]
    assert "PyPI project name: demo-pkg; Owner: octo-org; Repository name: demo-pkg" in first["detail"]
    assert "Workflow name: publish.yml; Environment name: pypi" in first["detail"]
    assert "does not reserve the name" in first["fix"] and "30 days" in first["fix"]
    assert "if this is the first release, add a pending publisher" in result.stderr


def test_simple_404_but_json_api_lists_releases_is_unknown(stub, project):
    stub.index.add_release("demo-pkg", "1.0")
    stub.fault("status", r"^/simple/", status=404, body=b"Not Found")
    result = run_against(stub, project)
    assert result.returncode == 7 and "disagree" in by_check(result)["not-on-pypi"]["detail"]


def test_project_absent_everywhere_prints_the_pending_publisher_form(stub, project):
    result = run_against(stub, project)
    assert result.returncode == 0, result.stdout
    checks = by_check(result)
    assert "does not exist" in checks["not-on-pypi"]["detail"]
    assert checks["first-publish"]["status"] == "warn"
    assert ("PyPI project name: demo-pkg; Owner: octo-org; Repository name: demo-pkg; Workflow name: publish.yml; "
            "Environment name: pypi") in checks["first-publish"]["fix"]


def test_archived_project_fails(stub, project):
    stub.index.add_release("demo-pkg", "1.0")
    stub.index.project("demo-pkg").status = "archived"
    result = run_against(stub, project)
    assert result.returncode == 10 and "archived" in by_check(result)["not-on-pypi"]["detail"]


def test_lower_version_warns(stub, project):
    stub.index.add_release("demo-pkg", "2.0.0")
    result = run_against(stub, project)
    assert result.returncode == 0
    assert by_check(result)["version-order"]["status"] == "warn" and "2.0.0" in by_check(result)["version-order"][
        "detail"]


def test_legacy_filenames_do_not_break_the_answer(stub, project):
    stub.index.api_version = "1.0"
    stub.index.serve_json_api = False
    stub.index.add_release("demo-pkg", "0.1", filenames=["demo-pkg-0.1-py2.7.egg", "demo-pkg-0.1.win32.exe",
                                                         "demo_pkg-0.1.zip", "totally odd name.bin"])
    stub.index.add_release("demo-pkg", "1.0")
    result = run_against(stub, project)
    assert "Traceback" not in result.stderr
    assert by_check(result)["not-on-pypi"]["status"] == "unknown"  # one file's version is unreadable
    stub.index.projects.clear()
    stub.index.add_release("demo-pkg", "1.2.3", filenames=["demo-pkg-1.2.3-py2.7.egg", "garbage"])
    result = run_against(stub, project)
    assert result.returncode == 10


@pytest.mark.parametrize("kind, settings", [
    ("status", {"status": 500}),
    ("status", {"status": 429, "headers": {"Retry-After": "60"}}),
    ("status", {"status": 503}),
    ("html", {}),
    ("malformed", {}),
    ("truncated", {}),
    ("close", {}),
    ("latency", {"seconds": 3.0}),
])
def test_faults_are_unknown_exit_7(stub, project, kind, settings):
    stub.index.add_release("demo-pkg", "1.0")
    stub.fault(kind, r"^/(simple|pypi)/", **settings)
    start = time.monotonic()
    result = run_against(stub, project, "--timeout", "1")
    elapsed = time.monotonic() - start
    assert result.returncode == 7, (kind, result.stdout)
    finding = by_check(result)["not-on-pypi"]
    assert finding["status"] == "unknown" and "never read this as free" in finding["fix"]
    assert result.json["meta"]["ready"] is False
    assert "NOT READY (unknown)" in result.stderr
    if kind == "latency":
        assert elapsed < 2.8, "the whole lookup is bounded by --timeout"


def test_two_requests_at_most_and_made_concurrently(stub, project):
    stub.index.add_release("demo-pkg", "1.0")
    stub.latency = 0.5
    result = run_against(stub, project)
    assert result.returncode == 0 and len(stub.requests) == 2
    (_, first_start, first_end), (_, second_start, second_end) = sorted(stub.intervals, key=lambda i: i[1])
    assert second_start < first_end  # the second began while the first was still being answered: concurrent


def test_offline_opens_no_connection(stub, project, python):
    stub.index.add_release("demo-pkg", "1.2.3")
    result = preflight("--offline", "--json", project, env={"PYPI_OPS_INDEX_URL": stub.url}, python=python)
    assert result.returncode == 0 and stub.requests == []
    assert by_check(result)["not-on-pypi"]["status"] == "skip"


def test_index_url_flag_wins_and_trailing_simple_is_tolerated(stub, project):
    stub.index.add_release("demo-pkg", "1.2.3")
    result = preflight("--json", "--index-url", f"{stub.url}/simple/", project,
                       env={"PYPI_OPS_INDEX_URL": "http://127.0.0.1:9"})
    assert result.returncode == 10 and "/simple/demo-pkg/" in stub.paths()


def _public_index_reachable():
    try:
        request = urllib.request.Request("https://pypi.org/simple/requests/",
                                         headers={"Accept": "application/vnd.pypi.simple.v1+json"})
        with urllib.request.urlopen(request, timeout=8) as response:
            return response.status == 200
    except Exception:
        return False


@pytest.mark.live
def test_live_long_released_version_is_not_ready(tmp_path):
    if not _public_index_reachable():
        pytest.skip("pypi.org cannot be reached")
    static_project(tmp_path, name="requests", version="2.31.0", workflow=None)
    result = preflight("--json", "--timeout", "20", tmp_path)
    assert result.returncode == 10, result.stdout
    assert by_check(result)["not-on-pypi"]["status"] == "fail"


def test_testpypi_selects_its_index_and_its_publishing_job(tmp_path):
    repo = init_repo(static_project(tmp_path / "p"))
    result = preflight("--testpypi", "--offline", "--json", repo)
    assert result.json["meta"]["index"] == "https://test.pypi.org"
    assert "https://test.pypi.org was not asked" in by_check(result)["not-on-pypi"]["detail"]


def test_index_credentials_are_never_printed(stub, project):
    stub.fault("status", r"^/", status=500)
    url = stub.url.replace("http://", "http://user:pypi-SECRETTOKEN@")
    result = preflight("--json", "--index-url", url, project)
    assert result.returncode == 7
    assert "SECRETTOKEN" not in result.stdout + result.stderr and "***@" in result.stdout


@pytest.mark.parametrize("kind", ["html", "malformed", "status"])
def test_an_unclear_json_api_beside_a_clear_simple_api_is_unknown(stub, project, kind):
    """Only the JSON API lists releases whose files were all deleted: an unclear answer there is not "free"."""
    stub.index.add_release("demo-pkg", "1.0")
    stub.fault(kind, r"^/pypi/", status=503)
    result = run_against(stub, project)
    assert result.returncode == 7, result.stdout
    assert by_check(result)["not-on-pypi"]["status"] == "unknown"


# Issue 15: the two false READYs found with hostile local servers, kept as tests (tests/test_faults.py has the rest).

@pytest.mark.parametrize("timeout, delay", [("1", 0.0), ("2", 1.6)])
def test_a_big_page_still_being_read_at_the_deadline_is_never_ready(stub, project, timeout, delay):
    """A 30 MB simple page that lists the version, beside a JSON API that answers late: the page arrives in
    time but reading and parsing it outlasts the deadline. The lookup is unknown (or, read in time, taken)."""
    stub.index.add_release("demo-pkg", "1.2.3")
    stub.fault("big", r"^/simple/", size=30 << 20, seconds=delay)
    stub.fault("latency", r"^/pypi/", seconds=float(timeout) + 3)
    start = time.monotonic()
    result = run_against(stub, project, "--timeout", timeout)
    elapsed = time.monotonic() - start
    assert result.returncode in (7, 10), result.stdout
    assert by_check(result)["not-on-pypi"]["status"] in ("unknown", "fail")
    assert result.json["meta"]["ready"] is False
    assert elapsed < float(timeout) + 2.5


def test_a_blank_proxy_404_from_the_json_api_beside_a_clear_simple_api_is_unknown(stub, project):
    """The simple API lists other releases; the JSON API answers a proxy's blank 404 (no JSON body): only the
    JSON API lists releases whose files were all deleted, so this is not "free"."""
    stub.index.add_release("demo-pkg", "1.0")
    stub.fault("bare", r"^/pypi/", status=404, body=b"")
    result = run_against(stub, project)
    assert result.returncode == 7, result.stdout
    finding = by_check(result)["not-on-pypi"]
    assert finding["status"] == "unknown" and "proxy" in finding["detail"]


def test_a_worker_that_finishes_after_the_deadline_changes_nothing(stub):
    """IndexLookup is the one place that decides which answers count: result() closes the lookup at the
    deadline, and a worker still reading then (here: a simple API answering 1 s late) cannot hand anything in."""
    from preflight_support import load_script_module
    preflight_module = load_script_module()
    stub.index.add_release("demo-pkg", "1.2.3")
    stub.fault("latency", r"^/simple/", seconds=1.0)
    start = time.monotonic()
    lookup = preflight_module.IndexLookup(stub.url, "demo-pkg", 0.4)
    answers = lookup.result()
    assert time.monotonic() - start < 0.9
    assert answers["simple"]["state"] == "unknown" and "no complete answer" in answers["simple"]["reason"]
    assert answers["json"]["state"] == "ok"
    for thread in lookup.threads:
        thread.join(5)
    assert not any(thread.is_alive() for thread in lookup.threads)
    assert set(lookup.answers) == {"json"}, "a late answer reached the shared state"
    decision = preflight_module.decide_index("1.2.3", answers["simple"], answers["json"])
    assert decision["state"] == "taken"  # the JSON API, read in time, lists it


def _every_dash_run(module, filename):
    """The quadratic reference: every run of dash-separated pieces, parsed (what the linear reader must equal)."""
    pieces = filename.split("-")
    return {version for start in range(1, len(pieces)) for end in range(start + 1, len(pieces) + 1)
            for version in [module.parse_version("-".join(pieces[start:end]))] if version is not None
            and not version.local}


LEGACY_PIECES = ["demo", "pkg", "1.0", "v2", "rc1", "rc", "1", "post", "2", "dev", "3", "py2.7", "x", "0", "1!2"]


def test_legacy_filename_versions_is_linear_and_misses_no_release_version():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from preflight_support import load_script_module
    module = load_script_module()

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.sampled_from(LEGACY_PIECES), min_size=1, max_size=9))
    def same_versions(pieces):
        filename = "-".join(pieces) + ".egg"
        found = {version for version in module.legacy_filename_versions(filename) if not version.local}
        assert found == _every_dash_run(module, filename[:-len(".egg")])

    same_versions()
    start = time.monotonic()
    for n in range(20):  # the answer: 20 .egg files with 3,000 dashes each
        module.legacy_filename_versions(f"demo-pkg-{'-'.join(['0'] * 3000)}-{n}-py2.7.egg")
    assert time.monotonic() - start < 2.0


def test_an_answer_over_the_size_bound_is_unknown_with_that_reason(stub, project):
    stub.index.add_release("demo-pkg", "1.0")
    stub.fault("big", r"^/simple/", size=40 << 20)
    result = run_against(stub, project, "--timeout", "5")
    assert result.returncode == 7, result.stdout
    assert "larger than the 32 MiB bound" in by_check(result)["not-on-pypi"]["detail"]
