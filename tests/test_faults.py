"""Unknown is never a pass (issue 15): each script that asks a server, run as a real process against the local
stand-in (tests/stubs.py) while it misbehaves.

For every mode and every script the run must end with exit 7 (unknown) or 10 (a problem): never 0, because
each scenario is one where the complete truth is "not fine" (preflight: the version is taken; verify-release:
the local file differs from the index's; check-action-pins: the pin's tag points at another commit). An answer
that was not complete must give exactly 7. Every run ends within the timeout plus a small margin, prints no
traceback and no secret: the index URL, the GitHub API URL and the GitHub token all carry one.

A new mode is one line in MODES: (id, faults, expected exits), a fault being (kind, where, settings) with
`where` one of "all" (every path the script asks), "simple" (/simple/), "json" (/pypi/), "tags" (GitHub's
tag list), and `kind` a stub fault or a special (refused, no-port, other-host, next-elsewhere, huge-number,
eggs, yanked, disagree) that the runner sets up itself. A mode runs for each script that asks its paths.
diagnose-publish asks no server at all: the last test proves it opens no connection.
"""

from __future__ import annotations

import socket
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import run_script
from preflight_support import init_repo, static_project
from stubs import StubServer, attestation_provenance

SECRET = "SECRET9f3e1c"  # in the index URL, the GitHub API URL and GITHUB_TOKEN: never in any output
TOKEN = "ghp_" + SECRET * 3  # the shape of a classic personal access token (36 characters)
TIMEOUT = 1.0  # every script's per-lookup/per-request bound in these runs
MARGIN = 3.0  # interpreter start, git reads, writing the report (on a busy machine)
NAME, VERSION = "demo-pkg", "1.2.3"
PIN_REPO = "actions/checkout"
INCOMPLETE, ANY = {7}, {7, 10}


def listings(kind, **settings_):
    """The fault on every listing: the PEP 691 page, the JSON API document and GitHub's tag list."""
    return [(kind, where, settings_) for where in ("simple", "json", "tags")]


MODES = [
    ("refused", [("refused", "all", {})], INCOMPLETE),
    ("no-port", [("no-port", "all", {})], INCOMPLETE),
    ("never-answers", [("silent", "all", {"seconds": 30})], INCOMPLETE),
    ("drips-body", [("drip", "all", {"seconds": 1.0})], INCOMPLETE),
    ("drips-headers", [("drip-headers", "all", {"seconds": 1.0})], INCOMPLETE),
    ("closed", [("close", "all", {})], INCOMPLETE),
    ("503", [("status", "all", {"status": 503})], INCOMPLETE),
    ("503-retry-after", [("status", "all", {"status": 503, "headers": {"Retry-After": "120"}})], INCOMPLETE),
    ("429", [("status", "all", {"status": 429, "headers": {"Retry-After": "60"}})], INCOMPLETE),
    ("html-200", [("html", "all", {})], INCOMPLETE),
    ("truncated-json", [("truncated", "all", {})], INCOMPLETE),
    ("malformed-json", [("malformed", "all", {})], INCOMPLETE),
    ("30mb-fast", listings("big", size=30 << 20), ANY),
    ("30mb-at-deadline", listings("big", size=30 << 20, seconds=TIMEOUT - 0.3), ANY),
    ("40mb-over-the-bound", [("big", "simple", {"size": 40 << 20}), ("big", "json", {"size": 40 << 20})], ANY),
    ("30mb-simple-late-json", [("big", "simple", {"size": 30 << 20}), ("latency", "json", {"seconds": 4})], ANY),
    ("gzip-bomb", [("gzip-bomb", "all", {"size": 64 << 20})], INCOMPLETE),
    ("deep-nesting", [("deep", "all", {"size": 200_000})], INCOMPLETE),
    ("redirect-loop", [("redirect", "all", {})], INCOMPLETE),
    ("redirect-other-host", [("other-host", "all", {})], ANY),
    ("redirect-with-credentials", [("other-host", "all", {"credentials": True})], ANY),
    ("eggs-3000-dashes", [("eggs", "simple", {})], ANY),
    ("huge-version-number", [("huge-number", "all", {})], ANY),
    ("link-header-bomb", [("status", "tags", {"status": 200, "body": b"[]", "headers": {"Link": "<" * 60000}})],
     ANY),
    ("next-page-on-another-host", [("next-elsewhere", "tags", {})], ANY),
    ("blank-404-json-api", [("bare", "json", {"status": 404, "body": b""})], {10}),
    ("apis-disagree", [("disagree", "simple", {})], {10}),
    ("yanked", [("yanked", "simple", {})], {10}),
]

# The paths each script asks ("all"), and its clean verdict.
PATHS = {"publish-preflight": r"^/(simple|pypi)/", "verify-release": r"^/(simple|pypi|integrity|files)/",
         "check-action-pins": r"^/repos/"}
WHERE = {"simple": r"^/simple/", "json": r"^/pypi/", "tags": r"^/repos/[^/]+/[^/]+/tags$"}
ASKED_BY = {"simple": {"publish-preflight", "verify-release"}, "json": {"publish-preflight"},
            "tags": {"check-action-pins"}}


def asks(script, where):
    """Does `script` ask the paths of `where`? (verify-release reads no JSON API, check-action-pins no index)."""
    return where == "all" or script in ASKED_BY[where]


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fill(stub, yanked=False, disagree=False, eggs=False, only_simple=False):
    """The truth every scenario shares: VERSION is released (with provenance), and the pinned action's tag
    points at a newer commit than the pin. `eggs`: 20 legacy .egg files with 3,000 dashes each beside them;
    `disagree`: only the JSON API lists VERSION; `only_simple`: only the simple API does."""
    stub.index.add_release(NAME, "1.0")
    if eggs:
        stub.index.add_release(NAME, "0.1", filenames=[f"{NAME}-{'-'.join(['0'] * 3000)}-{n}-py2.7.egg"
                                                       for n in range(20)])
    provenance = attestation_provenance("octo-org/demo-pkg", "publish.yml", "pypi")
    stub.index.add_release(NAME, VERSION, provenance=provenance, yanked="broken" if yanked else False)
    if disagree:  # the simple API lists only 1.0, the JSON API also lists VERSION
        page = {"meta": {"api-version": "1.1"}, "name": NAME, "versions": ["1.0"],
                "files": [{"filename": "demo_pkg-1.0.tar.gz", "url": f"{stub.url}/files/demo-pkg/demo_pkg-1.0.tar.gz",
                           "hashes": {"sha256": "0" * 64}, "yanked": False}]}
        stub.serve(f"/simple/{NAME}/", page, content_type="application/vnd.pypi.simple.v1+json")
    if only_simple:
        stub.serve(f"/pypi/{NAME}/json", {"info": {"name": NAME, "version": "1.0"}, "releases": {"1.0": [
            {"filename": "demo_pkg-1.0.tar.gz", "digests": {"sha256": "0" * 64}, "yanked": False}]}})
    repo = stub.github.repo(PIN_REPO)
    old, new = repo.chain("v4.0.0 commit", "v4.1.0 commit")
    repo.tag("v4.0.0", old)
    repo.tag("v4.1.0", new)
    repo.release("v4.1.0")
    return old


def workspace(tmp_path, pinned, script=None):
    """Inputs of the three scripts (only `script`'s when given): a git project at VERSION, a dist/ whose sdist
    differs from the index's, and a workflow pinning actions/checkout to `pinned` with a v4.1.0 comment (v4.1.0
    is another commit)."""
    places = {}
    if script in (None, "publish-preflight"):
        places["project"] = init_repo(static_project(tmp_path / "p", name=NAME, version=VERSION))
    if script in (None, "verify-release"):
        places["dist"] = tmp_path / "dist"
        places["dist"].mkdir()
        (places["dist"] / f"demo_pkg-{VERSION}.tar.gz").write_bytes(b"not the bytes the index has")
    if script in (None, "check-action-pins"):
        workflows = tmp_path / "w" / ".github" / "workflows"
        workflows.mkdir(parents=True)
        (workflows / "ci.yml").write_text("on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
                                          f"      - uses: {PIN_REPO}@{pinned} # v4.1.0\n", encoding="utf-8")
        places["workflows"] = tmp_path / "w"
    return places


def command(script, base, places, output="--json"):
    """(argv, env) of one script run against `base` (a URL that carries the secret)."""
    if script == "publish-preflight":
        return [output, "--timeout", str(TIMEOUT), "--index-url", base, places["project"]], {}
    if script == "verify-release":
        return ([output, "--offline-provenance", "--index-url", base, "--dist", places["dist"], NAME, VERSION],
                {"PYPI_OPS_HTTP_TIMEOUT": str(TIMEOUT)})
    return ([output if output == "--json" else "--format=" + output, "--live", "--timeout", str(TIMEOUT),
             "--github-api-url", base, places["workflows"]], {"GITHUB_TOKEN": TOKEN})


def with_secret(url):
    return url.replace("http://", f"http://pypi-user:{SECRET}@")


def arrange(stub, other, script, faults):
    """Inject the mode's faults for `script`; returns the base URL the script is given."""
    base = with_secret(stub.url)
    for kind, where, settings_ in faults:
        pattern = PATHS[script] if where == "all" else WHERE[where]
        if kind == "refused":
            base = with_secret(f"http://127.0.0.1:{closed_port()}")
        elif kind == "no-port":
            base = f"http://pypi-user:{SECRET}@127.0.0.1"  # port 80: refused here, and the URL has no port
        elif kind == "other-host":  # another host name and port; a Location may even carry credentials
            target = other.url.replace("127.0.0.1", "localhost")
            if settings_.get("credentials"):
                target = with_secret(target)
            stub.fault("redirect", pattern, location=target + "{path}")
        elif kind == "huge-number":  # a version of 5,000 digits: more than int() converts
            huge = "1" * 5000
            page = {"meta": {"api-version": "1.1"}, "name": NAME, "versions": [VERSION, huge], "files": [
                {"filename": f"demo_pkg-{name}.tar.gz", "url": f"{stub.url}/files/demo-pkg/x", "hashes":
                 {"sha256": "0" * 64}, "yanked": False} for name in (VERSION, huge)]}
            stub.serve(f"/simple/{NAME}/", page, content_type="application/vnd.pypi.simple.v1+json")
            stub.serve(f"/pypi/{NAME}/json", {"info": {"name": NAME}, "releases": {VERSION: [], huge: []}})
            stub.serve(f"/repos/{PIN_REPO}/releases/latest", {"tag_name": f"v{huge}", "prerelease": False,
                                                              "draft": False})
        elif kind == "next-elsewhere":  # a paginated answer whose next page is on another server
            link = f'<{other.url.replace("127.0.0.1", "localhost")}/repos/{PIN_REPO}/tags?page=2>; rel="next"'
            stub.fault("status", pattern, status=200, body=b"[]", headers={"Link": link})
        elif kind not in ("yanked", "disagree", "eggs"):
            stub.fault(kind, pattern, **settings_)
    return base


def assert_clean_output(result, elapsed, budget):
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output[-2000:]
    assert SECRET not in output, "a secret was printed"
    assert elapsed < budget, f"took {elapsed:.1f} s (bound {budget:.1f} s)"


SCRIPTS = sorted(PATHS)
# Every (mode, script) pair where the script asks what the mode breaks (the others would rerun a clean case).
CASES = [pytest.param(mode, faults, expected, script, id=f"{mode}-{script}") for mode, faults, expected in MODES
         for script in SCRIPTS if any(asks(script, where) for _, where, _ in faults)]


@pytest.mark.parametrize("mode, faults, expected, script", CASES)
def test_hostile_server_never_gives_a_pass(tmp_path, script, mode, faults, expected):
    kinds = {kind for kind, _, _ in faults}
    with StubServer() as stub, StubServer() as other:
        pinned = fill(stub, yanked="yanked" in kinds, disagree="disagree" in kinds, eggs="eggs" in kinds)
        fill(other)
        places = workspace(tmp_path, pinned, script)
        base = arrange(stub, other, script, faults)
        argv, env = command(script, base, places)
        start = time.monotonic()
        result = run_script(script, *argv, env=env, timeout=60)
        elapsed = time.monotonic() - start
        assert result.returncode in expected, (mode, script, result.returncode, result.stdout[-3000:],
                                               result.stderr[-2000:])
        assert result.returncode != 0
        assert_clean_output(result, elapsed, TIMEOUT + MARGIN)
        if kinds & {"other-host", "next-elsewhere"}:  # the other server got no credential, no token
            assert all("Authorization" not in headers for _, _, headers in other.requests), other.requests
        if script == "publish-preflight":
            assert result.json["meta"]["ready"] is False


def other_releases_only(stub):
    """The simple API lists 1.0 only: VERSION is free as far as it knows."""
    stub.index.projects.clear()
    stub.index.add_release(NAME, "1.0")


FINDINGS = [  # issue 15's findings, as reported: (id, setup, preflight --timeout, exits allowed)
    ("30mb-page-late-json-timeout-1", [("big", "simple", {"size": 30 << 20}), ("latency", "json", {"seconds": 4})],
     1.0, ANY),
    ("30mb-page-at-1.6s-timeout-2", [("big", "simple", {"size": 30 << 20, "seconds": 1.6}),
                                     ("latency", "json", {"seconds": 5})], 2.0, ANY),
    ("blank-404-beside-other-releases", [("others", "", {}), ("bare", "json", {"status": 404, "body": b""})],
     TIMEOUT, INCOMPLETE),
    ("20-eggs-of-3000-dashes-timeout-5", [("eggs", "", {})], 5.0, ANY),
]


@pytest.mark.parametrize("setup, timeout, expected", [pytest.param(*case[1:], id=case[0]) for case in FINDINGS])
def test_the_issues_findings_are_never_ready(tmp_path, setup, timeout, expected):
    with StubServer() as stub:
        pinned = fill(stub, eggs=any(kind == "eggs" for kind, _, _ in setup))
        for kind, where, settings_ in setup:
            if kind == "others":
                other_releases_only(stub)
            elif kind != "eggs":
                stub.fault(kind, WHERE[where], **settings_)
        places = workspace(tmp_path, pinned, "publish-preflight")
        argv, env = command("publish-preflight", with_secret(stub.url), places)
        argv[argv.index("--timeout") + 1] = str(timeout)
        start = time.monotonic()
        result = run_script("publish-preflight", *argv, env=env, timeout=120)
        assert result.returncode in expected, result.stdout[-3000:]
        assert result.json["meta"]["ready"] is False
        assert_clean_output(result, time.monotonic() - start, timeout + MARGIN)


@pytest.mark.parametrize("output", ["sarif", "github", "text"])
@pytest.mark.parametrize("kind, settings_", [("no-port", {}), ("drip", {"seconds": 1.0})])
def test_pins_other_formats_carry_no_secret(tmp_path, output, kind, settings_):
    """SARIF and workflow annotations carry the same notes as --json: no credential in any of them."""
    with StubServer() as stub:
        places = workspace(tmp_path, fill(stub), "check-action-pins")
        base = arrange(stub, stub, "check-action-pins", [(kind, "all", settings_)])
        argv, env = command("check-action-pins", base, places, output=output)
        start = time.monotonic()
        result = run_script("check-action-pins", *argv, env=env, timeout=60)
        assert result.returncode == 7, (result.stdout, result.stderr)
        assert_clean_output(result, time.monotonic() - start, TIMEOUT + MARGIN)


@pytest.mark.parametrize("script", ["publish-preflight", "verify-release"])
@pytest.mark.parametrize("kind, settings_", [("no-port", {}), ("status", {"status": 500})])
def test_index_credentials_stay_out_of_the_text_report(tmp_path, script, kind, settings_):
    with StubServer() as stub:
        places = workspace(tmp_path, fill(stub), script)
        argv, env = command(script, arrange(stub, stub, script, [(kind, "all", settings_)]), places, output="-q")
        argv.remove("-q")
        result = run_script(script, *argv, env=env, timeout=60)
        assert result.returncode == 7, (result.stdout, result.stderr)
        assert SECRET not in result.stdout + result.stderr and "***@" in result.stdout + result.stderr


@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("base", [f"http://pypi-user:{SECRET}@[::1", f"http://pypi-user:{SECRET}@127.0.0.1:port",
                                  f"https://{TOKEN}@127.0.0.1:99999"], ids=["bracket", "port", "range"])
def test_a_url_urllib_cannot_parse_loses_its_credentials_too(tmp_path, script, base):
    """The issue's leak came from an early error: the URL's credentials in the message of a request that never
    went out. A URL that cannot even be parsed is a usage error or unknown, and still shows no secret."""
    places = workspace(tmp_path, "0" * 40, script)
    argv, env = command(script, base, places)
    result = run_script(script, *argv, env=env, timeout=60)
    assert result.returncode in (2, 7), (result.returncode, result.stdout, result.stderr)
    assert_clean_output(result, 0, TIMEOUT + MARGIN)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(simple_size=st.integers(min_value=1 << 10, max_value=24 << 20),
       simple_delay=st.floats(min_value=0.0, max_value=TIMEOUT + 0.5),
       json_size=st.integers(min_value=1 << 10, max_value=24 << 20),
       json_delay=st.floats(min_value=0.0, max_value=TIMEOUT + 0.5),
       listed_by=st.sampled_from(["both", "simple", "json"]))
def test_property_no_size_or_delay_around_the_deadline_gives_ready_for_a_taken_version(
        tmp_path_factory, simple_size, simple_delay, json_size, json_delay, listed_by):
    """Both answers grow and arrive late by any amount around the deadline; the taken version is listed by both
    APIs or by one only. Whatever arrives in time, the verdict is never READY."""
    tmp_path = tmp_path_factory.mktemp("property")
    with StubServer() as stub:
        pinned = fill(stub, disagree=listed_by == "json", only_simple=listed_by == "simple")
        places = workspace(tmp_path, pinned, "publish-preflight")
        stub.fault("big", WHERE["simple"], size=simple_size, seconds=simple_delay)
        stub.fault("big", WHERE["json"], size=json_size, seconds=json_delay)
        argv, env = command("publish-preflight", with_secret(stub.url), places)
        start = time.monotonic()
        result = run_script("publish-preflight", *argv, env=env, timeout=60)
        assert result.returncode in (7, 10), result.stdout[-3000:]
        assert result.json["meta"]["ready"] is False
        assert_clean_output(result, time.monotonic() - start, TIMEOUT + MARGIN)


def test_diagnose_publish_asks_no_server_and_redacts_url_credentials(tmp_path):
    """diagnose-publish reads a log (or `gh`), never the index: with the stand-in named everywhere it gets no
    request, and credentials in URLs of the log are not echoed."""
    with StubServer() as stub:
        log = tmp_path / "run.log"
        log.write_text("Uploading distributions to https://upload.pypi.org/legacy/\n"
                       f"ERROR    HTTPError: 403 Forbidden from {with_secret(stub.url)}/legacy/\n"
                       f"         Invalid or non-existent authentication information. {TOKEN}\n",
                       encoding="utf-8")
        env = {"PYPI_OPS_INDEX_URL": with_secret(stub.url), "GITHUB_API_URL": with_secret(stub.url),
               "GITHUB_TOKEN": TOKEN}
        for output in ("--json", "-q"):
            result = run_script("diagnose-publish", output, log, env=env, timeout=60)
            assert result.returncode in (10, 11), result.stderr
            assert "Traceback" not in result.stdout + result.stderr
            assert SECRET not in result.stdout + result.stderr
        assert stub.requests == []
