#!/usr/bin/env python3
# /// script
# requires-python = ">=3.9"
# dependencies = ["packaging>=22", "pyyaml>=5.4", "tomli>=1.1; python_version < '3.11'"]
# ///
"""verify-release.py - is this release live on the index, complete, and signed by the right workflow?

Usage:
  verify-release.py [--json] [-q] [--index-url URL] [--testpypi] [--wait S]
                    [--dist DIR] [--repository OWNER/REPO] [--workflow FILE]
                    [--environment NAME] [--offline-provenance] [NAME VERSION | PATH]
  verify-release.py --history NAME [--json | --markdown] [-q] [--index-url URL]
                    [--testpypi] [--limit N] [--timeout S] [--accept VERSION]...
                    [--all-files] [--checkout PATH]

Give NAME and VERSION, or PATH (default .; a project directory or its
pyproject.toml) whose pyproject.toml has a static [project].version.
Read-only: nothing is uploaded, nothing in PATH changes.

Checks (ids are stable):
  live        the version's files are on the simple API (PEP 691 JSON) of the
              normalized name; yanked files count as a problem
  files       with --dist: every local file of this version is on the index
              with the same sha256, and the index has no other file for it
  provenance  each file has PEP 740 provenance on the Integrity API (found via
              the simple API's `provenance` key, else the
              /integrity/<project>/<version>/<filename>/provenance path) whose
              in-toto statements name exactly this file and its sha256
  publisher   each attestation bundle's publisher (kind, repository, workflow,
              environment) equals the expected one; GitLab's workflow is its
              `workflow_filepath`; a kind we cannot compare is unknown
  continuity  compared with the last earlier release (upload order) that has
              provenance: this release has none (or only some files have it
              after a fully attested release), or its publisher differs in
              kind, repository or workflow, is a fail naming that release;
              with --repository/--workflow given the publisher check decides;
              an environment-only change is a note
Each check reports pass, fail, unknown or skip. A 404 from the Integrity API
on an index whose simple API predates api-version 1.3 is unknown, never
"unsigned". Where the pypi-attestations library is importable, attestations
are also verified cryptographically against Sigstore's trust root; if that
root cannot be refreshed the result is unknown (--offline-provenance skips it).

Expected publisher: the flags, else PATH's `git remote get-url origin` (a
GitHub URL) and the workflow in PATH/.github/workflows that publishes
(pypa/gh-action-pypi-publish, `twine upload` or `uv publish`) with its job's
environment. With NAME VERSION, PATH is . only when ./pyproject.toml names
the same project. Nothing expected: publisher is skip. Provenance is expected
unless that job makes none (`attestations: false`, or `twine upload`/`uv
publish` without a separate astral-sh/attest-action step); the provenance
detail then says so.

History (--history NAME): the newest N releases of NAME as a table (version,
upload time, files, provenance yes/partial/no/?, publisher, marks), each
continuity break marked (provenance-missing, provenance-partial,
publisher-changed), and, inside the project's checkout (./pyproject.toml names
it, or --checkout PATH), releases that no git tag names marked no-tag (a mark,
not a failure). One provenance object per attested release is read (sdist
first; --all-files reads every file's), all concurrently, all within --timeout.

Options:
  --json                one JSON envelope on stdout
  -q, --quiet           no human report on stderr
  --index-url URL       index root (env PYPI_OPS_INDEX_URL); default https://pypi.org;
                        user:password@ in it is sent as HTTP Basic auth to that
                        host and shown as ***@, never printed
  --testpypi            use https://test.pypi.org
  --wait S              poll with backoff for up to S seconds (0 to 86400) until
                        the version (and every --dist file) is listed
  --dist DIR            compare the index with the distributions in DIR
  --repository O/R      expected publishing repository: GitHub OWNER/REPO, or a
                        gitlab.com/GROUP[/SUB]/PROJECT URL or path for GitLab
  --workflow FILE       expected workflow: GitHub's filename (publish.yml) or
                        GitLab's CI file path (.gitlab-ci.yml)
  --environment NAME    expected environment ('' expects none)
  --offline-provenance  do not verify signatures against Sigstore (no network
                        beyond the index); the index's publisher is still compared
  --history NAME        the release history of NAME instead of one release
  --limit N             --history: the newest N releases (1 to 1000, default 20)
  --timeout S           --history: one bound on all requests together (default 30)
  --accept VERSION      --history: breaks at VERSION were looked at and are
                        accepted (shown as accepted, not counted); repeatable
  --all-files           --history: read every attested file's provenance
  --markdown            --history: a markdown table on stdout (a job summary)
  --checkout PATH       --history: mark releases no tag of PATH's git repo names

Environment: PYPI_OPS_HTTP_TIMEOUT bounds each request in seconds (default 10).

Output: stdout has one record per check, `check<TAB>status<TAB>detail`; with
--json, {"data": [{"check", "ok", "status", "detail", "files": [...]}, ...],
"meta": {"name", "version", "index", "api_version", "verified", "exit", "schema"}}.
--history: one record per release, newest first, `version<TAB>uploaded<TAB>
files<TAB>provenance<TAB>publisher<TAB>marks`; with --json, data is a list of
{version, uploaded, files, yanked, provenance, attested_files, publishers,
breaks, notes, reference, unknown, tag} and meta has mode "history", breaks,
continuous, verdict and exit.

Exit codes:
  0   verified: live, complete (with --dist), provenance and publisher match,
      continuity holds; --history: no break that is not accepted
  1   internal error (set PYPI_OPS_DEBUG=1 for a traceback)
  2   usage error (also: the version is dynamic and VERSION was not given)
  3   bad input: no PATH or pyproject.toml, PATH a file other than pyproject.toml,
      invalid TOML, bad --dist DIR, bad VERSION
  5   a required library is missing
  7   nothing failed, but something is unknown: index unreachable or unclear
      (or HTML-only), provenance inconclusive, trust root unavailable,
      publisher kind not comparable, or --wait timed out; --history: the
      index is unclear, or some release's provenance could not be read (an
      index below api-version 1.3 that serves no provenance, a mirror)
  10  problem: missing or yanked files, hash mismatch, stranger file, no
      provenance where expected, attestation for another file or digest,
      invalid signature, publisher mismatch, continuity break; --history: a
      break that is not accepted, or no such project

Examples:
  python3 scripts/verify-release.py --wait 300 --dist dist/ .
  python3 scripts/verify-release.py requests 2.31.0
  python3 scripts/verify-release.py --json --repository octo-org/demo-package \\
      --workflow publish.yml --environment pypi demo-package 1.0.0
  python3 scripts/verify-release.py --history sampleproject --limit 50
  python3 scripts/verify-release.py --history demo-package --accept 2.0.0 --markdown
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import math
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

SCRIPT = "verify-release"
SCHEMA = "pypi-ops.verify-release/v1"
MISSING_LIBRARIES = []
try:
    from packaging.utils import canonicalize_name, parse_sdist_filename, parse_wheel_filename
    from packaging.version import InvalidVersion, Version
except ImportError:
    MISSING_LIBRARIES.append("packaging")
try:
    import yaml
except ImportError:
    MISSING_LIBRARIES.append("pyyaml")
if sys.version_info >= (3, 11):
    import tomllib
else:
    try:
        import tomli as tomllib
    except ImportError:
        MISSING_LIBRARIES.append("tomli")


# --- pypi-ops common: begin (identical in every script; tests/test_contract.py keeps the copies in step) ---
EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_INPUT, EXIT_DEPENDENCY, EXIT_NETWORK, EXIT_PROBLEM = 0, 1, 2, 3, 5, 7, 10


class Fail(Exception):
    """An expected way to stop: one line of `message`, exit status `exit`, JSON error id `code`."""

    def __init__(self, exit, code, message):
        super().__init__(message)
        self.exit, self.code, self.message = exit, code, message


class ArgParser(argparse.ArgumentParser):
    """argparse that reports usage errors as Fail (exit 2) instead of printing and exiting."""

    def error(self, message):
        raise Fail(EXIT_USAGE, "usage", f"{message} (see --help)")


def envelope(data, **meta):
    return {"data": data, "meta": dict(meta, schema=SCHEMA)}


def print_json(document):
    sys.stdout.write(json.dumps(document, indent=2, sort_keys=False) + "\n")


def require_libraries():
    if MISSING_LIBRARIES:
        names = " ".join(sorted(set(MISSING_LIBRARIES)))
        invoked = sys.argv[0] if sys.argv[0].endswith(".py") else f"scripts/{SCRIPT}.py"  # the path as typed
        raise Fail(EXIT_DEPENDENCY, "missing-dependency",
                   f"missing Python library: {names}; run `uv run {invoked} ...` "
                   f"or `python3 -m pip install {names}`")


class Unreachable(Exception):
    """The server could not be asked, or its answer was not complete in time (late, cut off, too large)."""


def http_get(url, accept="*/*", timeout=10.0, headers=None, limit=64 << 20, deadline=None):
    """GET url following redirects; return (status, headers, body bytes, final url).

    The whole exchange (connecting, the headers, every byte of the body) ends within `timeout` seconds, or by
    `deadline` (a time.monotonic() value) when that comes first: the body is read in chunks against that
    deadline and a watchdog shuts the socket when it passes, so a slow or dripping server cannot stretch it.
    HTTP error statuses are returned, not raised; anything short of a complete answer in time raises
    Unreachable: a transport failure, the deadline, a body cut off before its Content-Length, one larger than
    `limit` bytes, or one in a Content-Encoding nobody asked for (a gzip bomb is never unpacked).
    user:password@ in the URL is sent as HTTP Basic auth to that origin only (urllib itself never sends it);
    no credential follows a redirect to another origin, and every message and the final URL returned show
    credentials as ***@."""
    import base64
    import http.client
    import socket
    import threading
    import time
    import urllib.error
    import urllib.request
    from urllib.parse import unquote, urlsplit

    start = time.monotonic()
    end = max(start, start + timeout if deadline is None else min(start + timeout, deadline))
    secrets, userinfos = [], []

    def bare(address):
        """address without user:password@ (remembered as secrets to scrub from any message); read by hand, so
        that a URL urllib cannot parse (an unbalanced [, a bad port) loses its credentials too."""
        head, separator, rest = str(address).partition("://")
        cut = min([at for at in (rest.find("/"), rest.find("?"), rest.find("#")) if at >= 0], default=len(rest))
        if not separator or "@" not in rest[:cut]:
            return address
        userinfo, _, host = rest[:cut].rpartition("@")
        userinfos.append(userinfo)
        secrets.extend(item for item in (userinfo, userinfo.partition(":")[2], unquote(userinfo),
                                         unquote(userinfo.partition(":")[2])) if len(item) > 1)
        return head + separator + host + rest[cut:]

    def scrub(text):
        text = str(text)
        for secret in sorted(set(secrets), key=len, reverse=True):
            text = text.replace(secret + "@", "***@").replace(secret, "***")
        return text

    request_url = bare(url)
    extra = dict(headers or {})
    if request_url != url and "Authorization" not in extra:
        user, _, password = userinfos[0].partition(":")
        pair = f"{unquote(user)}:{unquote(password)}"
        extra["Authorization"] = "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")
    handles, expired = [], threading.Event()

    def register(sock):
        """Keep a duplicate of each new socket: shutting it down ends the connection at any stage, even while a
        TLS handshake holds the original."""
        handles.append(sock.dup())
        if expired.is_set():
            kill()
        return sock

    def kill():
        expired.set()
        for handle in list(handles):
            try:
                handle.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    class Watched:
        """A connection whose socket the watchdog can shut when the deadline passes."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._create_connection = lambda *a, **k: register(socket.create_connection(*a, **k))

    class WatchedHTTP(Watched, http.client.HTTPConnection):
        pass

    class WatchedHTTPS(Watched, http.client.HTTPSConnection):
        pass

    class PlainHandler(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(WatchedHTTP, req)

    handlers = [PlainHandler]
    if hasattr(urllib.request, "HTTPSHandler"):  # Python built without ssl has none
        class TLSHandler(urllib.request.HTTPSHandler):
            def https_open(self, req):
                return self.do_open(WatchedHTTPS, req, context=self._context)
        handlers.append(TLSHandler)

    class KeepCredentialsHome(urllib.request.HTTPRedirectHandler):
        """urllib copies every header to the redirect target: never send credentials to another origin, and
        never use (or show) credentials a Location header carries."""

        def redirect_request(self, req, fp, code, msg, hdrs, newurl):
            moved = super().redirect_request(req, fp, code, msg, hdrs, bare(newurl))
            if moved is not None and urlsplit(moved.full_url)[:2] != urlsplit(req.full_url)[:2]:
                moved.remove_header("Authorization")
            return moved

    shown_url = scrub(url)
    bound = f"{limit >> 20} MiB" if limit % (1 << 20) == 0 else f"{limit} bytes"
    watchdog = threading.Timer(max(0.0, end - time.monotonic()), kill)
    watchdog.daemon = True
    watchdog.start()
    try:
        request = urllib.request.Request(request_url, headers=dict(
            {"Accept": accept, "User-Agent": f"pypi-ops/{SCRIPT}"}, **extra))
        opener = urllib.request.build_opener(*handlers, KeepCredentialsHome)
        try:
            response = opener.open(request, timeout=max(0.05, end - time.monotonic()))
        except urllib.error.HTTPError as error:
            response = error
        with response:
            encoding = (response.headers.get("Content-Encoding") or "identity").strip().lower()
            if encoding != "identity":
                raise Unreachable(f"{shown_url}: answered in Content-Encoding {encoding}, which was not asked for")
            length = response.headers.get("Content-Length") or ""
            expected = int(length) if length.strip().isdigit() else None
            if expected is not None and expected > limit:
                raise Unreachable(f"{shown_url}: the answer is larger than the {bound} bound ({expected} bytes)")
            read = getattr(response, "read1", None) or response.read
            chunks, size = [], 0
            while True:
                if time.monotonic() > end or expired.is_set():
                    raise socket.timeout()
                chunk = read(1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > limit:
                    raise Unreachable(f"{shown_url}: the answer is larger than the {bound} bound")
            if time.monotonic() > end or expired.is_set():
                raise socket.timeout()
            if expected is not None and size != expected:
                raise Unreachable(f"{shown_url}: the answer was cut off ({size} of {expected} bytes)")
            return response.status, response.headers, b"".join(chunks), scrub(response.geturl())
    except Unreachable as error:
        raise Unreachable(scrub(error)) from None
    except urllib.error.URLError as error:
        if expired.is_set() or isinstance(error.reason, socket.timeout):
            raise Unreachable(f"{shown_url}: no complete answer within {end - start:.3g} s") from None
        raise Unreachable(f"{shown_url}: {scrub(error.reason)}") from None
    except (socket.timeout, TimeoutError):
        raise Unreachable(f"{shown_url}: no complete answer within {end - start:.3g} s") from None
    except (http.client.HTTPException, ConnectionError, OSError, ValueError) as error:
        if expired.is_set():
            raise Unreachable(f"{shown_url}: no complete answer within {end - start:.3g} s") from None
        raise Unreachable(f"{shown_url}: {type(error).__name__}: {scrub(error)}") from None
    finally:
        watchdog.cancel()
        for handle in handles:
            handle.close()


def run(main, argv=None):
    """Call main(argv); turn Fail and unexpected errors into one line (or a JSON error) and an exit status."""
    argv = sys.argv[1:] if argv is None else argv
    as_json = any(arg in ("--json", "--format=json") or (arg == "--format" and argv[i + 1:i + 2] == ["json"])
                  for i, arg in enumerate(argv))
    try:
        return main(argv)
    except Fail as fail:
        exit_status, code, message = fail.exit, fail.code, fail.message
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # the promise is one line, never a traceback, unless asked for
        if os.environ.get("PYPI_OPS_DEBUG") == "1":
            raise
        exit_status, code = EXIT_INTERNAL, "internal"
        message = f"internal error: {type(error).__name__}: {error} (PYPI_OPS_DEBUG=1 shows the traceback)"
    import re
    message = re.sub(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s]*@", r"\1***@", message)  # no URL credential, ever
    if as_json:
        print_json({"error": {"code": code, "message": message}, "meta": {"schema": SCHEMA, "exit": exit_status}})
    sys.stderr.write(f"{SCRIPT}: {message}\n")
    return exit_status
# --- pypi-ops common: end ---

DEFAULT_INDEX = "https://pypi.org"
TESTPYPI_INDEX = "https://test.pypi.org"
INTEGRITY_JSON = "application/vnd.pypi.integrity.v1+json"
# PEP 740 added the per-file `provenance` key to the simple API in api-version 1.3. An index that
# reports an older version cannot tell us "no provenance", so its Integrity API 404s prove nothing.
PROVENANCE_KEY_SINCE = "1.3"
DEFAULT_TIMEOUT = 10.0
WAIT_FIRST_DELAY, WAIT_MAX_DELAY = 0.5, 8.0
MAX_WAIT = 86400.0  # a day: longer is a typo, and the poll must end
MAX_WORKERS = 32
MAX_RELEASE_FILES = 1000  # files of one release whose provenance is read; more is unknown, not 1,000s of requests
DIST_SUFFIXES = (".whl", ".tar.gz", ".zip")
PUBLISH_ACTION = "pypa/gh-action-pypi-publish"
ATTEST_ACTION = "astral-sh/attest-action"
PUBLISHER_FIELDS = ("kind", "repository", "workflow", "environment")
# PUBLISHER_KINDS (what each kind of publisher carries) is in the shared provenance block below.
FORGE_KINDS = {"github.com": "GitHub", "gitlab.com": "GitLab"}
# In-toto statement types PyPI accepts in an attestation (warehouse SUPPORTED_ATTESTATION_TYPES).
INTOTO_STATEMENT = "https://in-toto.io/Statement/v1"
PREDICATE_TYPES = ("https://docs.pypi.org/attestations/publish/v1", "https://slsa.dev/provenance/v1")
CHECKS = ("live", "files", "provenance", "publisher", "continuity")
HISTORY_DEFAULT, HISTORY_MAX = 20, 1000  # --history: how many of the newest releases (--limit)
HISTORY_TIMEOUT = 30.0  # --history: one bound on all its requests together (--timeout)
# A continuity break is one of these; `--accept VERSION` acknowledges the breaks of a release.
BREAKS = {
    "provenance-missing": "a release without provenance after releases that had it",
    "provenance-partial": "some files without provenance after a release whose files all had it",
    "publisher-changed": "another publisher (kind, repository or workflow) than the last release with provenance",
}
TEXT_STATUS = {"pass": "pass", "fail": "FAIL", "unknown": "unknown", "skip": "skip"}


# --- pypi-ops shared (publish-preflight, verify-release): begin (kept identical by tests/test_contract.py)
# PEP 691's JSON content types. PEP 691 allows no bare application/json alias, so that one is accepted only
# when the body itself is a PEP 691 document (simple_api_json).
SIMPLE_API_JSON_TYPES = ("application/vnd.pypi.simple.v1+json", "application/vnd.pypi.simple.latest+json")
SIMPLE_API_ACCEPT = "application/vnd.pypi.simple.v1+json, application/json;q=0.5"


def simple_api_json(content_type, document):
    """Whether a simple-API answer (content type without parameters, lower case; parsed body) is PEP 691
    JSON: a PEP 691 content type, or application/json whose body has `meta.api-version` and a `files` list."""
    if content_type in SIMPLE_API_JSON_TYPES:
        return True
    meta = document.get("meta") if isinstance(document, dict) else None
    return (content_type == "application/json" and isinstance(meta, dict) and "api-version" in meta
            and isinstance(document.get("files"), list))


def remote_host_and_path(url):
    """(host in lower case, path segments) of a git remote URL — https://, ssh:// or scp-like
    [user@]host:path — with credentials dropped and a trailing .git stripped; None when it is not one."""
    from urllib.parse import urlsplit
    if not isinstance(url, str) or not url.strip():
        return None
    url = url.strip()
    try:
        if "://" in url:
            parts = urlsplit(url)
            host, path = (parts.hostname or "").lower(), parts.path
        elif ":" in url and "/" not in url.split(":", 1)[0]:  # scp-like: git@github.com:owner/name.git
            user_host, path = url.split(":", 1)
            host = user_host.rpartition("@")[2].lower()
        else:
            return None
    except ValueError:  # e.g. an unbalanced [ in the host
        return None
    segments = [segment for segment in path.strip("/").split("/") if segment]
    if segments and segments[-1].endswith(".git"):
        segments[-1] = segments[-1][:-4]
    return host, segments


def github_repository(url):
    """"owner/name" from a GitHub remote URL, else None.

    Accepts https://, ssh:// (also ssh://git@ssh.github.com:443/...) and scp-like [user@]github.com:owner/name,
    on github.com, www.github.com or ssh.github.com; a trailing .git is stripped and credentials are dropped."""
    remote = remote_host_and_path(url)
    if remote is None or remote[0] not in ("github.com", "www.github.com", "ssh.github.com"):
        return None
    segments = remote[1]
    return f"{segments[0]}/{segments[1]}" if len(segments) == 2 and all(segments) else None


def redact_url(url):
    """The URL without user:password@ (private index credentials are never printed)."""
    from urllib.parse import urlsplit, urlunsplit
    try:
        parts = urlsplit(url)
        if parts.username is None and parts.password is None:
            return url
        host = parts.hostname or ""
        host = f"[{host}]" if ":" in host else host  # an IPv6 literal keeps its brackets
        netloc = f"***@{host}" + (f":{parts.port}" if parts.port else "")
        return urlunsplit(parts._replace(netloc=netloc))
    except ValueError:
        return "<index URL>"
# --- pypi-ops shared (publish-preflight, verify-release): end ---


# --- pypi-ops shared provenance (publish-preflight, verify-release): begin (kept identical by tests/test_contract.py)
# What each kind of trusted publisher puts in a PEP 740 bundle (pypi-attestations' publisher models, as
# warehouse serialises them). GitLab names its CI file `workflow_filepath`, a path, not `workflow`.
PUBLISHER_KINDS = {
    "GitHub": {"repository": "repository", "workflow": "workflow", "environment": "environment"},
    "GitLab": {"repository": "repository", "workflow": "workflow_filepath", "environment": "environment"},
    "Google": {"email": "email"},
}


def upload_instant(text):
    """Seconds since the epoch of a PEP 700 `upload-time` (yyyy-mm-ddThh:mm:ss[.ffffff]Z), else None."""
    from datetime import datetime, timezone
    if not isinstance(text, str) or not text.endswith("Z"):
        return None
    whole, _, fraction = text[:-1].partition(".")
    if fraction and not fraction.isdigit():
        return None
    try:
        moment = datetime.strptime(whole, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
    except ValueError:
        return None
    return moment.timestamp() + (float("0." + fraction) if fraction else 0.0)


def history_file_version(filename):
    """The Version a wheel or sdist filename carries (packaging parses it), else None (legacy .egg/.exe)."""
    try:
        if filename.endswith(".whl"):
            return parse_wheel_filename(filename)[1]
        if filename.endswith((".tar.gz", ".zip")):
            return parse_sdist_filename(filename)[1]
    except ValueError:  # Invalid*Filename, InvalidVersion, or a number longer than int() converts
        pass
    return None


def release_history(document, base_url):
    """The releases of a parsed PEP 691 project page, oldest first: [{version, uploaded, instant, yanked, files,
    coverage}]. Each file: {filename, uploaded, yanked, has_key, provenance (absolute URL or None), bad_value}.

    Order: by first upload (PEP 700 `upload-time`) when every release has one, else by version. `coverage` is
    what the page's PEP 740 `provenance` keys say: all, partial or none of the files have provenance; None when
    a file lacks the key (index older than api-version 1.3, or a proxy that drops it) or has a value that is
    neither a URL nor null."""
    from urllib.parse import urljoin
    releases = {}
    items = document.get("files") if isinstance(document, dict) else None
    for item in items if isinstance(items, list) else []:
        filename = item.get("filename") if isinstance(item, dict) else None
        version = history_file_version(filename) if isinstance(filename, str) else None
        if version is None:
            continue
        value = item.get("provenance")
        uploaded = item.get("upload-time") if isinstance(item.get("upload-time"), str) else None
        entry = {"filename": filename, "uploaded": uploaded, "yanked": item.get("yanked") not in (None, False),
                 "has_key": "provenance" in item, "bad_value": value is not None and not (isinstance(value, str)
                                                                                           and value),
                 "provenance": urljoin(base_url, value) if isinstance(value, str) and value else None}
        releases.setdefault(version, []).append(entry)
    found = []
    for version, files in releases.items():
        instants = [upload_instant(entry["uploaded"]) for entry in files]
        known = [instant for instant in instants if instant is not None]
        first = min(range(len(files)), key=lambda i: instants[i]) if len(known) == len(files) else None
        attested = sum(entry["provenance"] is not None for entry in files)
        readable = all(entry["has_key"] and not entry["bad_value"] for entry in files)
        coverage = None if not readable else "all" if attested == len(files) else "partial" if attested else "none"
        found.append({"version": version, "files": files, "coverage": coverage,
                      "instant": None if first is None else instants[first],
                      "uploaded": None if first is None else files[first]["uploaded"],
                      "yanked": all(entry["yanked"] for entry in files)})
    by_time = all(release["instant"] is not None for release in found)
    found.sort(key=lambda release: (release["instant"], release["version"]) if by_time else (0, release["version"]))
    return [dict(release, version=str(release["version"])) for release in found]


def publisher_view(publisher):
    """A bundle's publisher as plain fields: kind, repository, workflow, environment for the forges (GitLab's
    `workflow_filepath` read as workflow), email for Google, every plain field for a kind we do not know."""
    kind = publisher.get("kind")
    if kind in ("GitHub", "GitLab"):
        return {field: publisher.get(attribute) for field, attribute in
                dict(PUBLISHER_KINDS[kind], kind="kind").items()}
    if kind == "Google":
        return {"kind": kind, "email": publisher.get("email")}
    return dict({key: value for key, value in publisher.items()
                 if key != "claims" and (value is None or isinstance(value, (str, int, bool)))}, kind=kind)


def provenance_publishers(document):
    """The publishers (publisher_view) an Integrity API provenance object names, one per bundle, without
    repeats; None when the document is not shaped as PEP 740 says (version 1, a non-empty attestation_bundles
    list, each bundle with a publisher object)."""
    bundles = document.get("attestation_bundles") if isinstance(document, dict) else None
    if not isinstance(bundles, list) or not bundles or not all(
            isinstance(bundle, dict) and isinstance(bundle.get("publisher"), dict) for bundle in bundles):
        return None
    views = []
    for bundle in bundles:
        view = publisher_view(bundle["publisher"])
        if view not in views:
            views.append(view)
    return views


def publisher_changes(old, new):
    """[(field, old value, new value)] where two publisher views differ. Another kind is one change; within a
    kind every field is compared, repository and environment without case (GitHub and GitLab ignore it), with
    a missing, null and empty environment all meaning none. Only an `environment` change keeps the identity."""
    if old.get("kind") != new.get("kind"):
        return [("kind", old.get("kind"), new.get("kind"))]
    changes = []
    for field in sorted((set(old) | set(new)) - {"kind"}):
        before, after = old.get(field), new.get(field)
        if field in ("repository", "environment") and all(v is None or isinstance(v, str) for v in (before, after)):
            same = (before or "").casefold() == (after or "").casefold()
        else:
            same = before == after
        if not same:
            changes.append((field, before, after))
    return changes


def describe_publisher(view):
    kind = view.get("kind")
    if kind in ("GitHub", "GitLab"):
        text = f"{kind}: {view.get('repository')} {view.get('workflow')}"
        return text + (f" (environment {view['environment']})" if view.get("environment") else "")
    if kind == "Google":
        return f"Google: {view.get('email')}"
    fields = ", ".join(f"{key}={value}" for key, value in sorted(view.items()) if key != "kind" and value)
    return f"{kind}: {fields or 'no fields'}"
# --- pypi-ops shared provenance (publish-preflight, verify-release): end ---


# ----------------------------------------------------------------------------- readers: local input

def read_pyproject(root):
    """Parse root/pyproject.toml into a dict; Fail(3) when absent, undecodable or invalid."""
    path = os.path.join(root, "pyproject.toml")
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as error:
        raise Fail(EXIT_INPUT, "input", f"cannot read {path}: {error.strerror}") from None
    if raw.startswith(b"\xef\xbb\xbf"):  # tomllib's own message ("Invalid statement") does not say why
        raise Fail(EXIT_INPUT, "input", f"{path}:1:1: invalid TOML: the file starts with a UTF-8 byte-order mark "
                                        "(BOM), which TOML (and pip, build) refuse; save it as UTF-8 without a BOM")
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise Fail(EXIT_INPUT, "input", f"{path}: not UTF-8 (byte {error.start})") from None
    except tomllib.TOMLDecodeError as error:
        raise Fail(EXIT_INPUT, "input", f"{path}: invalid TOML: {error}") from None


def target_from_pyproject(document, root):
    """(name, version text) from [project]; a dynamic version cannot be read without building."""
    project = document.get("project")
    where = os.path.join(root, "pyproject.toml")
    if not isinstance(project, dict) or not isinstance(project.get("name"), str) or not project["name"]:
        raise Fail(EXIT_INPUT, "input", f"{where}: no [project].name; give NAME VERSION instead")
    dynamic = project.get("dynamic") or []
    if "version" not in project and isinstance(dynamic, list) and "version" in dynamic:
        raise Fail(EXIT_USAGE, "usage", f"{where}: the version is dynamic (set at build time); "
                                        f"give it explicitly: verify-release.py {project['name']} VERSION")
    if not isinstance(project.get("version"), str):
        raise Fail(EXIT_INPUT, "input", f"{where}: no static [project].version; give NAME VERSION instead")
    return project["name"], project["version"]


def parse_version(text):
    try:
        return Version(text)
    except ValueError:  # InvalidVersion, or digits beyond what int() converts
        raise Fail(EXIT_INPUT, "input", f"{text[:80]!r} is not a PEP 440 version") from None


def file_identity(filename):
    """(normalized name, Version) that a distribution filename carries, or None when it is not one."""
    try:
        if filename.endswith(".whl"):
            name, version, _, _ = parse_wheel_filename(filename)
        elif filename.endswith(DIST_SUFFIXES):
            name, version = parse_sdist_filename(filename)
        else:
            return None
    except ValueError:  # Invalid*Filename, InvalidVersion, or a number longer than int() converts
        return None
    return canonicalize_name(name), version


def distribution_key(filename):
    """What identifies a distribution regardless of spelling: name, version, and a wheel's build and tags."""
    try:
        if filename.endswith(".whl"):
            name, version, build, tags = parse_wheel_filename(filename)
            return canonicalize_name(name), version, build, frozenset(tags)
        if filename.endswith(DIST_SUFFIXES):
            name, version = parse_sdist_filename(filename)
            return canonicalize_name(name), version
    except ValueError:  # Invalid*Filename, InvalidVersion, or a number longer than int() converts
        pass
    return None


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_local_dists(directory, name, version):
    """The distributions of name==version in directory: [{filename, sha256}]; Fail(3) when there are none."""
    if not os.path.isdir(directory):
        raise Fail(EXIT_INPUT, "input", f"--dist {directory}: not a directory")
    try:
        entries = sorted(os.listdir(directory))
    except OSError as error:
        raise Fail(EXIT_INPUT, "input", f"cannot read --dist {directory}: {error.strerror}") from None
    found, ignored = [], []
    for filename in entries:
        path = os.path.join(directory, filename)
        if not os.path.isfile(path) or not filename.endswith(DIST_SUFFIXES):
            continue
        if file_identity(filename) != (canonicalize_name(name), version):
            ignored.append(filename)
            continue
        try:
            found.append({"filename": filename, "sha256": sha256_of(path)})
        except OSError as error:
            raise Fail(EXIT_INPUT, "input", f"cannot read {path}: {error.strerror}") from None
    if not found:
        others = f" (other files: {', '.join(ignored[:5])})" if ignored else ""
        raise Fail(EXIT_INPUT, "input", f"--dist {directory}: no distribution of {name} {version}{others}")
    return {"files": found, "ignored": ignored}


def repository_flag(text):
    """(kind, repository path) from --repository: OWNER/REPO (GitHub), or a github.com/gitlab.com URL or
    host-prefixed path (GitLab paths may hold subgroups: group/sub/project); None when it is neither."""
    text = text.strip()
    host = None
    if "://" in text:
        parts = urlsplit(text)
        host, path = (parts.hostname or "").lower(), parts.path
    else:
        first, _, rest = text.partition("/")
        host, path = (first.lower(), rest) if first.lower() in FORGE_KINDS else (None, text)
    segments = [segment for segment in path.strip("/").split("/") if segment]
    if segments and segments[-1].endswith(".git"):
        segments[-1] = segments[-1][:-4]
    if host is not None and host not in FORGE_KINDS:
        return None
    # only GitLab has subgroups, so a bare path with more than two segments is a GitLab project
    kind = FORGE_KINDS[host] if host else ("GitHub" if len(segments) == 2 else "GitLab")
    if len(segments) < 2 or (kind == "GitHub" and len(segments) != 2) or not all(segments):
        return None
    return kind, "/".join(segments)


def workflow_flag(text, kind):
    """--workflow as the publisher names it: GitHub's is the bare filename in .github/workflows."""
    text = text.strip()
    path = text[2:] if text.startswith("./") else text
    prefix = ".github/workflows/"
    if kind == "GitHub" and path.startswith(prefix):
        return path[len(prefix):]
    return text


def read_git_remote(repo_path):
    """(remote URL, note) of `origin` in repo_path."""
    try:
        done = subprocess.run(["git", "-C", repo_path, "remote", "get-url", "origin"], capture_output=True,
                              text=True, timeout=10)
    except (OSError, subprocess.SubprocessError) as error:
        return None, f"git could not run: {type(error).__name__}"
    if done.returncode != 0:
        return None, f"no git remote 'origin' in {repo_path}"
    return done.stdout.strip(), None


def _job_environment(job):
    environment = job.get("environment")
    if isinstance(environment, dict):
        environment = environment.get("name")
    return environment if isinstance(environment, str) else None


def _flag_false(value):
    return value is False or (isinstance(value, str) and value.strip().lower() == "false")


def publishing_jobs(workflow_name, document):
    """The jobs in one parsed workflow that upload to an index, as plain dicts."""
    found = []
    jobs = document.get("jobs") if isinstance(document, dict) else None
    for job_id, job in (jobs or {}).items():
        if not isinstance(job, dict) or not isinstance(job.get("steps") or [], list):
            continue
        # attestations minted by a separate step (astral-sh/attest-action) are uploaded by uv and twine
        minted = any(isinstance(step, dict) and isinstance(step.get("uses"), str)
                     and step["uses"].split("@", 1)[0].strip().lower() == ATTEST_ACTION
                     for step in job.get("steps") or [])
        for step in job.get("steps") or []:
            if not isinstance(step, dict):
                continue
            uses, script = step.get("uses"), step.get("run")
            inputs = step.get("with") if isinstance(step.get("with"), dict) else {}
            if isinstance(uses, str) and uses.split("@", 1)[0].strip().lower() == PUBLISH_ACTION:
                target = str(inputs.get("repository-url") or inputs.get("repository_url") or "")
                attests = not _flag_false(inputs.get("attestations"))
                found.append({"workflow": workflow_name, "job": job_id, "environment": _job_environment(job),
                              "tool": PUBLISH_ACTION, "testpypi": "test.pypi.org" in target, "attestations": attests,
                              "why": None if attests else f"its {PUBLISH_ACTION} step sets `attestations: false`"})
            elif isinstance(script, str) and ("twine upload" in script or "uv publish" in script):
                tool = "twine" if "twine upload" in script else "uv"
                # twine uploads attestation files only with --attestations; uv publish uploads them unless
                # --no-attestations, but neither tool makes them
                command = "twine upload" if tool == "twine" else "uv publish"
                uploads = "--attestations" in script if tool == "twine" else "--no-attestations" not in script
                if not minted:
                    why = (f"it uploads with `{command}`, which makes no attestations, and the job has no "
                           f"separate attestation step ({ATTEST_ACTION})")
                elif not uploads:
                    why = (f"its {ATTEST_ACTION} attestations are not uploaded (`{command}` "
                           + ("without --attestations)" if tool == "twine" else "with --no-attestations)"))
                else:
                    why = None
                found.append({"workflow": workflow_name, "job": job_id, "environment": _job_environment(job),
                              "tool": tool, "testpypi": "test.pypi.org" in script or "testpypi" in script,
                              "attestations": minted and uploads, "why": why})
    return found


def read_workflows(repo_path):
    """(publishing jobs in repo_path/.github/workflows, notes)."""
    directory = os.path.join(repo_path, ".github", "workflows")
    jobs, notes = [], []
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return jobs, [f"no {os.path.join('.github', 'workflows')} directory in {repo_path}"]
    for filename in names:
        if not filename.endswith((".yml", ".yaml")):
            continue
        try:
            with open(os.path.join(directory, filename), encoding="utf-8") as handle:
                document = yaml.safe_load(handle)
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            notes.append(f"{filename}: unreadable ({type(error).__name__})")
            continue
        jobs.extend(publishing_jobs(filename, document))
    return jobs, notes


def expected_publisher(args, repo_path, testpypi):
    """What the attestation's publisher should say, and whether provenance is expected.

    Flags win; else the git remote and the publishing workflow of repo_path (when there is one)."""
    expected, sources, notes = {}, {}, []
    provenance_expected, provenance_reason = True, None
    jobs = []
    if repo_path is not None:
        jobs, notes = read_workflows(repo_path)
        jobs = [job for job in jobs if job["testpypi"] == testpypi] or jobs
        if args.repository is None:
            remote, note = read_git_remote(repo_path)
            repository = github_repository(remote) if remote else None
            if repository:
                expected["repository"], sources["repository"] = repository, "git remote origin"
            else:
                notes.append(note or "the git remote origin is not a GitHub repository")
        workflows = sorted({job["workflow"] for job in jobs})
        if args.workflow is None and len(workflows) == 1:
            expected["workflow"], sources["workflow"] = workflows[0], f".github/workflows/{workflows[0]}"
        elif args.workflow is None and len(workflows) > 1:
            notes.append(f"several workflows publish ({', '.join(workflows)}); pass --workflow")
        chosen = [job for job in jobs if job["workflow"] == (args.workflow or expected.get("workflow"))]
        environments = sorted({job["environment"] or "" for job in chosen})
        if args.environment is None and any("${{" in environment for environment in environments):
            notes.append("the publishing job's environment is an expression; pass --environment")
        elif args.environment is None and len(environments) == 1:
            expected["environment"] = environments[0]
            sources["environment"] = f"job environment in .github/workflows/{chosen[0]['workflow']}"
        elif args.environment is None and len(environments) > 1:
            notes.append(f"publishing jobs use several environments ({', '.join(environments)}); pass --environment")
        if chosen and not any(job["attestations"] for job in chosen):
            provenance_expected = False
            provenance_reason = f"{chosen[0]['workflow']} (job {chosen[0]['job']}): {chosen[0]['why']}"
            notes.append(f"provenance is not expected: {provenance_reason}")
    kind = "GitHub"
    if args.repository is not None:
        kind, repository = repository_flag(args.repository)
        expected["repository"], sources["repository"] = repository, "--repository"
    if kind != "GitHub":  # the checkout's .github/workflows say nothing about a GitLab publisher
        for field in ("workflow", "environment"):
            if field in expected:  # only checkout values so far; the flags are applied below
                del expected[field], sources[field]
                notes.append(f"the {kind} publisher's {field} is not read from the checkout; pass --{field}")
    if args.workflow is not None:
        expected["workflow"], sources["workflow"] = workflow_flag(args.workflow, kind), "--workflow"
    if args.environment is not None:
        expected["environment"], sources["environment"] = args.environment, "--environment"
    if "repository" in expected or "workflow" in expected:
        expected["kind"] = kind
        sources["kind"] = "--repository" if sources.get("repository") == "--repository" and kind != "GitHub" \
            else "GitHub repository/workflow"
    return {"expected": expected, "sources": sources, "notes": notes, "provenance_expected": provenance_expected,
            "provenance_reason": provenance_reason}


# ----------------------------------------------------------------------------- readers: the index

def http_timeout():
    try:
        value = float(os.environ.get("PYPI_OPS_HTTP_TIMEOUT", DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if math.isfinite(value) and value > 0 else DEFAULT_TIMEOUT


def url_origin(url):
    """(scheme, host, port) of a URL; None when it has none or its port is invalid."""
    try:
        parts = urlsplit(url)
        return parts.scheme, parts.hostname, parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:
        return None


def index_access(root):
    """How the index is shown and asked: {root: every URL is built on this one, with user:password@
    redacted; bare: the root as requested; origin; headers: HTTP Basic auth from the user:password@ the
    root carried, since urllib does not send credentials written in a URL}."""
    parts = urlsplit(root)
    headers = {}
    if parts.username is not None or parts.password is not None:
        pair = f"{unquote(parts.username or '')}:{unquote(parts.password or '')}"
        headers["Authorization"] = "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")
    bare = urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
    return {"root": redact_url(root), "bare": bare, "origin": url_origin(bare), "headers": headers}


def request_for(url, access):
    """(URL to request, extra headers) for a URL as shown; the credentials go only to the index's origin."""
    if url == access["root"] or url.startswith(access["root"] + "/"):
        url = access["bare"] + url[len(access["root"]):]
    same_origin = access["headers"] and url_origin(url) == access["origin"]
    return url, (access["headers"] if same_origin else {})


def get_json(url, accept, allowed_types, timeout, access, accepts=None, deadline=None):
    """("ok", document, final url) | ("status", code, detail) | ("fault", None, detail).

    Anything that is not a clean JSON answer of an allowed content type is a fault (unknown), and so is one
    that `accepts(content type, document)` refuses, or one not read and parsed within `timeout` seconds (or by
    `deadline`, a time.monotonic() value). `url` and everything returned are as shown (credentials
    redacted); the request itself carries them."""
    request_url, auth = request_for(url, access)
    deadline = time.monotonic() + timeout if deadline is None else deadline
    try:
        status, headers, body, final = http_get(request_url, accept=accept, timeout=timeout, headers=auth,
                                                deadline=deadline)
    except Unreachable as error:
        return "fault", None, str(error).replace(request_url, url)
    final = url if final == request_url else redact_url(final)
    if status != 200:
        return "status", status, f"{url}: HTTP {status}"
    content_type = (headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
    if content_type not in allowed_types:
        return "fault", None, f"{url}: answered {content_type or 'no content type'}, not JSON"
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        return "fault", None, f"{url}: malformed JSON ({type(error).__name__})"
    if accepts is not None and not accepts(content_type, document):
        return "fault", None, f"{url}: answered {content_type} without a PEP 691 document " \
                              "(`meta.api-version` and a `files` list)"
    if time.monotonic() > deadline:
        return "fault", None, f"{url}: no complete answer read and parsed within {timeout:g} s"
    return "ok", document, final


def simple_entry(item, base_url):
    """One file of a PEP 691 page as plain data; None when the entry is not shaped as PEP 691 says."""
    if not isinstance(item, dict) or not isinstance(item.get("filename"), str):
        return None
    hashes = item.get("hashes") if isinstance(item.get("hashes"), dict) else {}
    yanked = item.get("yanked", False)
    entry = {"filename": item["filename"], "sha256": hashes.get("sha256"),
             "yanked": yanked is not False and yanked is not None,
             "yanked_reason": yanked if isinstance(yanked, str) and yanked else None,
             "has_provenance_key": "provenance" in item, "provenance_url": None,
             "provenance_value": item.get("provenance"), "identity": file_identity(item["filename"])}
    if isinstance(item.get("provenance"), str) and item["provenance"]:
        entry["provenance_url"] = urljoin(base_url, item["provenance"])
    return entry


def fetch_simple(access, name, timeout):
    """The project's PEP 691 page as plain data: {state: ok|no-project|unknown, detail, url, api_version, files}."""
    url = f"{access['root']}/simple/{canonicalize_name(name)}/"
    listing = {"state": "unknown", "detail": "", "url": url, "api_version": None, "files": []}
    deadline = time.monotonic() + timeout  # reading, parsing and reading every entry: a late listing is unknown
    kind, value, detail = get_json(url, SIMPLE_API_ACCEPT, SIMPLE_API_JSON_TYPES + ("application/json",), timeout,
                                   access, accepts=simple_api_json, deadline=deadline)
    if kind == "status" and value == 404:
        return dict(listing, state="no-project", detail=f"{url}: HTTP 404, the index has no such project")
    if kind == "fault" and (detail.endswith("answered text/html, not JSON")
                            or detail.endswith("answered application/vnd.pypi.simple.v1+html, not JSON")):
        # GitLab's registry, Artifactory, Nexus, pypiserver, a static tree: PEP 503 pages carry no provenance
        return dict(listing, detail=f"{url}: the index answers only PEP 503 HTML, not PEP 691 JSON; "
                                    "the release cannot be verified there (verify it on the index it was "
                                    "published to)")
    if kind != "ok":
        return dict(listing, detail=detail)
    meta = value.get("meta") if isinstance(value, dict) else None
    files = value.get("files") if isinstance(value, dict) else None
    if not isinstance(meta, dict) or not isinstance(files, list):
        return dict(listing, detail=f"{url}: JSON without PEP 691 'meta' and 'files'")
    entries = [simple_entry(item, detail) for item in files]
    if any(entry is None for entry in entries):
        return dict(listing, detail=f"{url}: a file entry is not shaped as PEP 691 says")
    if time.monotonic() > deadline:
        return dict(listing, detail=f"{url}: no complete answer read and parsed within {timeout:g} s")
    api_version = meta.get("api-version")
    return dict(listing, state="ok", detail=f"{url}: {len(entries)} files",
                api_version=api_version if isinstance(api_version, str) else None, files=entries, page=value,
                page_url=detail)


def release_files(listing, name, version):
    """The listed files whose filename carries this name and version (compared as packaging objects)."""
    wanted = (canonicalize_name(name), version)
    return [entry for entry in listing["files"]
            if (entry["identity"] if "identity" in entry else file_identity(entry["filename"])) == wanted]


def fetch_listing(access, name, version, wanted, wait, timeout):
    """Fetch the listing; with wait > 0, poll with backoff until the release (and `wanted`) is listed.

    `wait` is finite (parse_arguments); `not remaining > 0` still ends the poll should it ever be NaN."""
    deadline = time.monotonic() + wait
    delay, polls = WAIT_FIRST_DELAY, 0
    while True:
        remaining = deadline - time.monotonic()
        listing = fetch_simple(access, name, min(timeout, max(remaining, 1.0)) if wait else timeout)
        polls += 1
        listed = {entry["filename"] for entry in release_files(listing, name, version)}
        if not wait or (listing["state"] == "ok" and listed and set(wanted) <= listed):
            return dict(listing, polls=polls, timed_out=False, waited=wait)
        remaining = deadline - time.monotonic()
        if not remaining > 0:
            return dict(listing, polls=polls, timed_out=True, waited=wait)
        time.sleep(min(delay, remaining))
        delay = min(delay * 2, WAIT_MAX_DELAY)


def integrity_url(root, filename):
    """The Integrity API path; the version segment is the one the filename carries (as the index stores it)."""
    name, version = file_identity(filename)
    return f"{root}/integrity/{name}/{quote(str(version), safe='')}/{quote(filename, safe='')}/provenance"


def read_statement(attestation):
    """The in-toto statement an attestation signs, as plain data: {type, predicate_type, subjects, error}.

    subjects: [(name, sha256)]. Decoding needs no key; whether the signature holds is verify_signatures' job."""
    statement = {"type": None, "predicate_type": None, "subjects": [], "error": None}
    envelope = attestation.get("envelope") if isinstance(attestation, dict) else None
    encoded = envelope.get("statement") if isinstance(envelope, dict) else None
    if not isinstance(encoded, str):
        return dict(statement, error="no envelope.statement")
    try:
        document = json.loads(base64.b64decode(encoded, validate=True).decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return dict(statement, error="envelope.statement is not base64 of a JSON statement")
    if not isinstance(document, dict) or not isinstance(document.get("subject"), list):
        return dict(statement, error="envelope.statement has no in-toto subject list")
    subjects = []
    for subject in document["subject"]:
        digest = subject.get("digest") if isinstance(subject, dict) else None
        subjects.append((subject.get("name") if isinstance(subject, dict) else None,
                         digest.get("sha256") if isinstance(digest, dict) else None))
    return dict(statement, type=document.get("_type"), predicate_type=document.get("predicateType"),
                subjects=subjects)


def fetch_provenance(entry, access, timeout):
    """One file's Integrity API answer: {outcome: document|null-key|not-found|fault, url, detail, document}."""
    if entry["provenance_value"] is not None and entry["provenance_url"] is None:
        return {"outcome": "fault", "url": None, "document": None,
                "detail": f"the simple API's provenance for it is {entry['provenance_value']!r}, not a URL or null"}
    if entry["has_provenance_key"] and entry["provenance_url"] is None:
        return {"outcome": "null-key", "url": None, "detail": "the simple API says provenance: null",
                "document": None}
    url = entry["provenance_url"] or integrity_url(access["root"], entry["filename"])
    kind, value, detail = get_json(url, INTEGRITY_JSON, (INTEGRITY_JSON, "application/json"), timeout, access)
    if kind == "status" and value == 404:
        return {"outcome": "not-found", "url": url, "detail": detail, "document": None}
    if kind != "ok":
        return {"outcome": "fault", "url": url, "detail": detail, "document": None}
    if provenance_publishers(value) is None:
        return {"outcome": "fault", "url": url, "detail": f"{url}: not a PEP 740 provenance object",
                "document": None}
    bundles = value["attestation_bundles"]
    statements = [read_statement(attestation) for bundle in bundles
                  for attestation in (bundle.get("attestations") if isinstance(bundle.get("attestations"), list)
                                      else [])]
    return {"outcome": "document", "url": url, "detail": f"{len(bundles)} attestation bundle(s)", "document": value,
            "statements": statements}


def fetch_provenances(entries, access, timeout):
    """Every file's provenance, fetched concurrently (a 40-file release must not take 40 round trips)."""
    if not entries:
        return {}
    if len(entries) > MAX_RELEASE_FILES:  # a hostile listing must not become 100,000 requests
        detail = (f"the index lists {len(entries)} files for this release, more than the {MAX_RELEASE_FILES} read: "
                  "provenance not read")
        return {entry["filename"]: {"outcome": "fault", "url": None, "detail": detail, "document": None}
                for entry in entries}
    with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(entries))) as pool:
        answers = pool.map(lambda entry: fetch_provenance(entry, access, timeout), entries)
        return {entry["filename"]: answer for entry, answer in zip(entries, answers)}


def probe_provenance(url, access, timeout):
    """One provenance object, read only for its publishers: {outcome: document|not-found|fault, url, detail,
    publishers}."""
    kind, value, detail = get_json(url, INTEGRITY_JSON, (INTEGRITY_JSON, "application/json"), timeout, access)
    if kind == "status" and value == 404:
        return {"outcome": "not-found", "url": url, "detail": detail, "publishers": None}
    if kind != "ok":
        return {"outcome": "fault", "url": url, "detail": detail, "publishers": None}
    publishers = provenance_publishers(value)
    if publishers is None:
        return {"outcome": "fault", "url": url, "detail": f"{url}: not a PEP 740 provenance object",
                "publishers": None}
    return {"outcome": "document", "url": url, "detail": f"{len(publishers)} publisher(s)", "publishers": publishers}


def probe_all(urls, access, deadline):
    """{url: probe_provenance answer} for every URL, concurrently, all within `deadline` (time.monotonic()).

    Each request's own timeout is what is left at its start, so no worker outlives the deadline by much; a
    URL not answered in time is a fault (unknown), never "no provenance"."""
    from concurrent.futures import wait
    urls = list(dict.fromkeys(urls))
    if not urls:
        return {}

    def ask(url):
        left = deadline - time.monotonic()
        if left <= 0:
            return {"outcome": "fault", "url": url, "detail": f"{url}: not asked, the time bound was used up",
                    "publishers": None}
        return probe_provenance(url, access, min(http_timeout(), left))

    pool = ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(urls)))
    futures = {pool.submit(ask, url): url for url in urls}
    wait(futures, timeout=max(0.0, deadline - time.monotonic()))
    answers = {}
    for future, url in futures.items():
        if future.done():
            answers[url] = future.result()
        else:
            answers[url] = {"outcome": "fault", "url": url, "publishers": None,
                            "detail": f"{url}: no answer within the time bound"}
    pool.shutdown(wait=False)
    return answers


def probe_plan(release, root, all_files):
    """The provenance URLs to ask for one release. With the page's `provenance` keys, the files that have
    provenance (the first one, sdist before wheels, or all with all_files); without them, every file's
    Integrity API path, since only the answers can tell."""
    files = sorted(release["files"], key=lambda entry: (not entry["filename"].endswith((".tar.gz", ".zip")),
                                                        entry["filename"]))
    if release["coverage"] is None:
        return [(entry["filename"], entry["provenance"] or integrity_url(root, entry["filename"]))
                for entry in files if not entry["bad_value"]]
    attested = [(entry["filename"], entry["provenance"]) for entry in files if entry["provenance"]]
    return attested if all_files else attested[:1]


def settle_release(release, plan, answers, predates):
    """A release as continuity judges it: {version, uploaded, files, yanked, coverage: all|partial|none|unknown,
    attested, publishers (views, or None when unread), unknown (why, or None), probed}."""
    found = [answers[url] for _, url in plan]
    publishers = []
    for answer in found:
        for view in answer["publishers"] or []:
            if view not in publishers:
                publishers.append(view)
    faults = [answer["detail"] for answer in found if answer["outcome"] == "fault"]
    settled = {"version": release["version"], "uploaded": release["uploaded"], "files": len(release["files"]),
               "yanked": release["yanked"], "unknown": None, "probed": [url for _, url in plan]}
    if release["coverage"] is not None:
        attested = sum(entry["provenance"] is not None for entry in release["files"])
        coverage = release["coverage"]
        missing = [answer["detail"] for answer in found if answer["outcome"] == "not-found"]
        if coverage != "none" and not publishers:
            settled["unknown"] = (faults or missing or ["no provenance object was read"])[0]
    elif any(entry["bad_value"] for entry in release["files"]):
        attested, coverage = 0, "unknown"
        settled["unknown"] = "the simple API gives a provenance value that is neither a URL nor null"
    else:
        attested = sum(answer["outcome"] == "document" for answer in found)
        absent = sum(answer["outcome"] == "not-found" for answer in found)
        if faults:
            coverage, settled["unknown"] = "unknown", faults[0]
        elif absent and predates:
            coverage = "unknown"
            settled["unknown"] = ("Integrity API 404 is inconclusive: the simple API's api-version predates "
                                  f"{PROVENANCE_KEY_SINCE} (PEP 740), so the index may simply not serve provenance")
        else:
            coverage = "all" if attested == len(found) else "partial" if attested else "none"
    return dict(settled, coverage=coverage, attested=attested, publishers=publishers if publishers else
                (None if coverage not in ("none",) else []))


def read_git_tags(path):
    """The tag names of the git repository at path, or None when it is not one (or git cannot run)."""
    try:
        done = subprocess.run(["git", "-C", path, "tag", "--list"], capture_output=True, text=True, timeout=15,
                              env=dict(os.environ, GIT_TERMINAL_PROMPT="0", LC_ALL="C"))
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.split() if done.returncode == 0 else None


def tag_versions(tags, name):
    """The Versions the release tags name: v1.2.3, 1.2.3, NAME-1.2.3, NAME-v1.2.3 (any spelling of NAME)."""
    found = set()
    prefix = canonicalize_name(name)
    for tag in tags:
        text = tag
        head, dash, rest = tag.rpartition("-")
        if dash and canonicalize_name(head) == prefix:
            text = rest
        if text[:1] in ("v", "V"):
            text = text[1:]
        try:
            found.add(Version(text))
        except InvalidVersion:
            continue
    return found


def gather_history(access, name, limit, all_files, deadline, tags):
    """{listing, releases (oldest first, settled), total, predates} for --history."""
    listing = fetch_simple(access, name, max(0.1, min(http_timeout(), deadline - time.monotonic())))
    if listing["state"] != "ok":
        return {"listing": listing, "releases": [], "total": 0, "predates": None}
    releases = release_history(listing["page"], listing["page_url"])
    total, releases = len(releases), releases[-limit:]
    plans = [probe_plan(release, access["root"], all_files) for release in releases]
    answers = probe_all([url for plan in plans for _, url in plan], access, deadline)
    # without the page's keys a 404 proves "none" only on an index seen serving provenance for another file
    predates = api_predates_provenance(listing["api_version"]) and not any(
        answer["outcome"] == "document" for answer in answers.values())
    settled = [settle_release(release, plan, answers, predates) for release, plan in zip(releases, plans)]
    if tags is not None:
        tagged = tag_versions(tags, name)
        for release in settled:
            release["tag"] = Version(release["version"]) in tagged
    return {"listing": listing, "releases": settled, "total": total, "predates": predates}


def earlier_reference(listing, version, access, timeout, integrity_works):
    """The release before `version` (upload order) whose provenance continuity compares with:
    {state: ok|first|no-attested|unlisted|unknown, detail, reference (settled release) or None, earlier}.

    With the page's `provenance` keys the nearest earlier release that has provenance is known at once and one
    of its objects is read. Without them (api-version below 1.3) the last HISTORY_DEFAULT earlier releases are
    asked on the Integrity API together; their 404s count as "none" only when this release's files were found
    there (`integrity_works`: the index does serve provenance), else they are inconclusive."""
    releases = release_history(listing["page"], listing["page_url"])
    names = [release["version"] for release in releases]
    if str(version) not in names:
        return {"state": "unlisted", "detail": f"{version} is not listed", "reference": None, "earlier": 0}
    earlier = releases[:names.index(str(version))]
    if not earlier:
        return {"state": "first", "detail": "no earlier release to compare with", "reference": None, "earlier": 0}
    deadline = time.monotonic() + timeout
    keyed = True
    for release in reversed(earlier):
        if release["coverage"] is None:
            keyed = False
            break
        if release["coverage"] in ("all", "partial"):
            candidates = [release]
            break
    else:
        return {"state": "no-attested", "reference": None, "earlier": len(earlier),
                "detail": f"none of the {len(earlier)} earlier release(s) carries provenance"}
    if not keyed:
        candidates = earlier[-HISTORY_DEFAULT:]
    plans = [probe_plan(release, access["root"], False) for release in candidates]
    answers = probe_all([url for plan in plans for _, url in plan], access, deadline)
    predates = api_predates_provenance(listing["api_version"]) and not integrity_works
    for release, plan in reversed(list(zip(candidates, plans))):
        settled = settle_release(release, plan, answers, predates)
        if settled["unknown"]:
            return {"state": "unknown", "reference": settled, "earlier": len(earlier),
                    "detail": f"the provenance of {release['version']} could not be read: {settled['unknown']}"}
        if settled["coverage"] in ("all", "partial"):
            return {"state": "ok", "reference": settled, "earlier": len(earlier), "detail": ""}
    return {"state": "no-attested", "reference": None, "earlier": len(earlier),
            "detail": f"none of the {len(candidates)} earlier release(s) asked carries provenance"}


def verify_signatures(answers, digests, skip_reason):
    """Check each attestation's signature with pypi-attestations: {filename: {signature, detail}}.

    signature: verified | invalid | unknown | not-checked. Sigstore's trust root is refreshed once
    (online); when that fails the outcome is unknown, never a pass or a fail."""
    documents = {filename: answer["document"] for filename, answer in answers.items() if answer["document"]}
    if not documents:
        return {}
    if skip_reason:
        return {filename: {"signature": "not-checked", "detail": skip_reason} for filename in documents}
    try:
        from pydantic import ValidationError
        from pypi_attestations import AttestationError, Distribution, Provenance
        from sigstore.verify import Verifier
    except ImportError:
        return {filename: {"signature": "not-checked", "detail": "pypi-attestations is not installed"}
                for filename in documents}
    results, parsed = {}, {}
    for filename, document in documents.items():
        try:
            parsed[filename] = Provenance.model_validate(document)
        except ValidationError as error:
            results[filename] = {"signature": "unknown",
                                 "detail": f"provenance does not parse as PEP 740 ({error.error_count()} errors)"}
    if parsed:
        try:
            Verifier.production()  # refreshes the TUF trust root; the verifications below reuse it offline
        except Exception as error:  # sigstore raises several kinds here; all mean "cannot tell"
            detail = f"Sigstore trust root could not be refreshed ({type(error).__name__}: {error})"
            return dict(results, **{filename: {"signature": "unknown", "detail": detail} for filename in parsed})
    for filename, provenance in parsed.items():
        try:
            distribution = Distribution(name=filename, digest=digests[filename])
            for bundle in provenance.attestation_bundles:
                for attestation in bundle.attestations:
                    attestation.verify(bundle.publisher, distribution, offline=True)
            results[filename] = {"signature": "verified", "detail": "signatures verified against Sigstore"}
        except AttestationError as error:
            results[filename] = {"signature": "invalid", "detail": f"signature does not verify: {error}"}
        except Exception as error:  # anything else: we could not decide
            results[filename] = {"signature": "unknown", "detail": f"{type(error).__name__}: {error}"}
    return results


# ----------------------------------------------------------------------------- checks (pure)

def rollup(statuses):
    """A check's status from its files' statuses: any fail, else any unknown, else pass (or skip)."""
    statuses = list(statuses)
    for status in ("fail", "unknown", "pass"):
        if status in statuses:
            return status
    return "skip"


def check_live(listing, files, name, version):
    waited = f" after {listing['waited']:g} s and {listing['polls']} polls" if listing["waited"] else ""
    rows = [{"filename": entry["filename"], "sha256": entry["sha256"], "yanked": entry["yanked"],
             "yanked_reason": entry["yanked_reason"]} for entry in files]
    if listing["state"] == "unknown":
        return {"check": "live", "status": "unknown", "detail": f"index unclear{waited}: {listing['detail']}",
                "files": rows}
    if not files:
        absent = (f"no project {canonicalize_name(name)} on the index" if listing["state"] == "no-project"
                  else f"{name} {version} is not listed")
        if listing["timed_out"]:
            return {"check": "live", "status": "unknown", "detail": f"timed out: {absent}{waited}", "files": rows}
        return {"check": "live", "status": "fail", "detail": absent, "files": rows}
    yanked = [entry for entry in files if entry["yanked"]]
    if yanked:
        reasons = sorted({entry["yanked_reason"] for entry in yanked if entry["yanked_reason"]})
        because = f" (reason: {'; '.join(reasons)})" if reasons else ""
        return {"check": "live", "status": "fail", "files": rows,
                "detail": f"{len(yanked)} of {len(files)} files are yanked{because}"}
    return {"check": "live", "status": "pass", "detail": f"{len(files)} files listed{waited}", "files": rows}


def check_files(local, listing, files):
    if local is None:
        return {"check": "files", "status": "skip", "detail": "no --dist given", "files": []}
    if listing["state"] == "unknown" or (listing["timed_out"] and not files):
        return {"check": "files", "status": "unknown", "files": [],
                "detail": "the index listing is unclear" if listing["state"] == "unknown" else "timed out"}
    on_index = {entry["filename"]: entry for entry in files}
    rows = []
    for item in local["files"]:
        entry = on_index.get(item["filename"])
        row = {"filename": item["filename"], "local_sha256": item["sha256"],
               "index_sha256": entry["sha256"] if entry else None}
        if entry is None:
            row.update(status="fail", detail="missing on the index")
        elif not entry["sha256"]:
            row.update(status="unknown", detail="the index gives no sha256")
        elif entry["sha256"].lower() != item["sha256"]:
            row.update(status="fail", detail="sha256 differs from the local file")
        else:
            row.update(status="pass", detail="same sha256")
        rows.append(row)
    local_names = {item["filename"] for item in local["files"]}
    for filename in sorted(set(on_index) - local_names):
        rows.append({"filename": filename, "local_sha256": None, "index_sha256": on_index[filename]["sha256"],
                     "status": "fail", "detail": "on the index but not in --dist (a stranger)"})
    status = rollup(row["status"] for row in rows)
    problems = [f"{row['filename']}: {row['detail']}" for row in rows if row["status"] != "pass"]
    detail = "; ".join(problems) if problems else f"all {len(local['files'])} local files match the index"
    return {"check": "files", "status": status, "detail": detail, "files": rows}


def api_predates_provenance(api_version):
    try:
        return api_version is None or Version(api_version) < Version(PROVENANCE_KEY_SINCE)
    except ValueError:  # InvalidVersion, or digits beyond what int() converts
        return True


def statement_verdict(statements, entry):
    """(status, detail) of the attestations' in-toto statements against the file the index lists.

    pass: every statement is a PyPI-accepted kind naming exactly this file and its sha256. A statement for
    another file or digest is a fail (the provenance belongs to something else); one we cannot read is unknown."""
    if not statements:
        return "unknown", "the bundles hold no attestations"
    if not entry["sha256"]:
        return "unknown", "the index gives no sha256 to compare the attested digest with"
    for statement in statements:
        if statement["error"]:
            return "unknown", f"attestation unreadable: {statement['error']}"
        if statement["type"] != INTOTO_STATEMENT:
            return "unknown", f"statement type {statement['type']!r} is not {INTOTO_STATEMENT}"
        if statement["predicate_type"] not in PREDICATE_TYPES:
            return "unknown", f"predicate type {statement['predicate_type']!r} is not one PyPI accepts"
        if len(statement["subjects"]) != 1:
            return "fail", f"the statement names {len(statement['subjects'])} subjects, not exactly this file"
        name, digest = statement["subjects"][0]
        if not isinstance(name, str) or distribution_key(name) is None or \
                distribution_key(name) != distribution_key(entry["filename"]):
            return "fail", f"the attestation is for {name!r}, not {entry['filename']}"
        if not isinstance(digest, str) or digest.lower() != entry["sha256"].lower():
            return "fail", f"the attested sha256 {digest!r} is not the index's {entry['sha256']}"
    kinds = sorted({statement["predicate_type"].rstrip("/").rsplit("/", 2)[-2] for statement in statements})
    return "pass", f"statement names this file and sha256 ({', '.join(kinds)})"


def check_provenance(listing, files, answers, signatures, provenance_expected, provenance_reason=None):
    if listing["state"] == "unknown":
        return {"check": "provenance", "status": "unknown", "detail": "the index listing is unclear", "files": []}
    if not files:
        return {"check": "provenance", "status": "skip", "detail": "no files to check", "files": []}
    predates = api_predates_provenance(listing["api_version"])
    rows = []
    for entry in files:
        answer = answers[entry["filename"]]
        row = {"filename": entry["filename"], "source": answer["url"], "signature": None}
        outcome = answer["outcome"]
        if outcome == "document":
            signature = signatures.get(entry["filename"], {"signature": "not-checked", "detail": ""})
            row["signature"] = signature["signature"]
            status = {"verified": "pass", "not-checked": "pass", "invalid": "fail"}.get(signature["signature"],
                                                                                        "unknown")
            subject_status, subject_detail = statement_verdict(answer.get("statements", []), entry)
            row["statement"] = subject_status
            status = rollup([status, subject_status])
            row.update(status=status, detail="; ".join(
                part for part in (answer["detail"], subject_detail, signature["detail"]) if part))
        elif outcome == "not-found" and predates:
            row.update(status="unknown", detail=f"Integrity API 404 is inconclusive: the simple API's api-version "
                                                f"{listing['api_version'] or '(none)'} predates "
                                                f"{PROVENANCE_KEY_SINCE} (PEP 740)")
        elif outcome in ("not-found", "null-key"):
            row.update(status="fail" if provenance_expected else "skip",
                       detail="no provenance" + ("" if provenance_expected else " (not expected)"))
        else:
            row.update(status="unknown", detail=answer["detail"])
        rows.append(row)
    status = rollup(row["status"] for row in rows)
    counts = {key: sum(row["status"] == key for row in rows) for key in ("pass", "fail", "unknown", "skip")}
    if status == "pass":
        checked = sum(row["signature"] == "verified" for row in rows)
        detail = f"all {len(rows)} files have provenance" + (
            f"; signatures verified for {checked}" if checked else "; signatures not verified locally")
    else:
        first = next(row for row in rows if row["status"] == status)
        what = "without valid provenance" if status == "fail" else "unclear"
        detail = f"{counts[status]} of {len(rows)} files {what} (e.g. {first['filename']}: {first['detail']})"
        if status == "skip":
            detail = f"no provenance, and none is expected: {provenance_reason or 'nothing in the checkout makes it'}"
    return {"check": "provenance", "status": status, "detail": detail, "files": rows}



def compare_publisher(publisher, expected, sources):
    """(status, differences, notes) of one bundle's publisher against the expected one.

    A kind we cannot read is unknown unless the expected kind already rules it out."""
    kind, view = publisher.get("kind"), publisher_view(publisher)
    differ, notes = [], []
    if "kind" in expected and kind != expected["kind"]:
        hint = (" (a GitLab publisher is expected with --repository gitlab.com/GROUP/PROJECT)"
                if kind == "GitLab" and expected["kind"] == "GitHub" else "")
        differ.append(f"kind is {kind!r}, expected {expected['kind']!r}{hint}")
    elif kind not in PUBLISHER_KINDS and set(expected) - {"kind"}:
        return "unknown", [f"publisher kind {kind!r} is not one verify-release can compare "
                           f"({', '.join(PUBLISHER_KINDS)}); compare by hand: {describe_publisher(view)}"], notes
    for field in ("repository", "workflow", "environment"):
        if field not in expected:
            continue
        want = expected[field]
        if kind in PUBLISHER_KINDS and field not in PUBLISHER_KINDS[kind]:
            if "kind" not in expected or kind == expected["kind"]:
                differ.append(f"a {kind} publisher has no {field}, expected {want!r}")
            continue
        seen = view.get(field)
        if seen is not None and not isinstance(seen, str):
            differ.append(f"{field} is {seen!r}, not text")
            continue
        if field == "workflow":
            same = seen == want
        else:  # GitHub and GitLab compare owner/project and environment names without case
            same = (seen or "").casefold() == (want or "").casefold()
        if same:
            continue
        if field == "environment" and not seen and sources.get("environment") != "--environment":
            # the index's publisher is the one registered on PyPI; registered without an environment it
            # accepts any, so the job's environment read from the checkout cannot differ from it
            notes.append(f"the trusted publisher on the index names no environment, so any may publish "
                         f"(the checkout's job uses {want!r})")
            continue
        hint = (" (the trusted publisher on the index names no environment; pass --environment '' to accept "
                "that)" if field == "environment" and not seen else "")
        differ.append(f"{field} is {seen!r}, expected {want!r}{hint}")
    if differ:
        return "fail", differ, notes
    return ("pass" if expected else "skip"), [], notes


def check_publisher(files, answers, provenance_check, expectation):
    expected, sources = expectation["expected"], expectation["sources"]
    rows = []
    for entry in files:
        answer = answers.get(entry["filename"])
        if not answer or answer["outcome"] != "document":
            continue
        bundles = answer["document"]["attestation_bundles"]
        outcomes = [compare_publisher(bundle["publisher"], expected, sources) for bundle in bundles]
        status = rollup(outcome[0] for outcome in outcomes)
        differ = [item for outcome in outcomes for item in outcome[1]]
        notes = sorted({item for outcome in outcomes for item in outcome[2]})
        detail = "; ".join(differ) if differ else ("matches" if expected else "nothing expected")
        rows.append({"filename": entry["filename"], "publishers": [publisher_view(b["publisher"]) for b in bundles],
                     "status": status, "detail": detail, "notes": notes})
    if not rows:
        status = "unknown" if provenance_check["status"] == "unknown" else "skip"
        return {"check": "publisher", "status": status, "files": [], "expected": expected,
                "detail": "no provenance could be read" if status == "unknown" else
                "no provenance to read" + ("" if expectation["provenance_expected"] else " (none is expected)")}
    status = rollup(row["status"] for row in rows)
    seen = sorted({json.dumps(p, sort_keys=True) for row in rows for p in row["publishers"]})
    described = ", ".join(describe_publisher(json.loads(item)) for item in seen)
    if status in ("fail", "unknown"):
        first = next(row for row in rows if row["status"] == status)
        detail = f"{first['filename']}: {first['detail']}"
    elif status == "skip":
        detail = f"published by {described}; nothing expected (pass --repository/--workflow/--environment)"
    else:
        detail = f"{described} on all {len(rows)} files"
        detail += "".join(f"; note: {note}" for note in sorted({note for row in rows for note in row["notes"]}))
    return {"check": "publisher", "status": status, "detail": detail, "files": rows, "expected": expected}



def continuity_marks(releases, accepted=()):
    """Mark each break in provenance continuity (releases oldest first, as settle_release makes them).

    Each release is compared with the last earlier release that had provenance and a readable publisher (its
    `reference`): no provenance after it, some files without after a fully attested one, or a publisher whose
    kind, repository or workflow none of the reference's publishers has, is a break; an environment-only change
    is a note. A release whose provenance is unknown is skipped over. Versions in `accepted` keep their marks
    but the breaks are acknowledged (`accepted: true`)."""
    accepted = {str(item) for item in accepted}
    reference = None
    for release in releases:
        release.update(breaks=[], notes=[], reference=reference["version"] if reference else None)
        if release["unknown"] or release["coverage"] == "unknown":
            continue
        if reference is not None:
            old = "; ".join(describe_publisher(view) for view in reference["publishers"])
            if release["coverage"] == "none":
                release["breaks"].append({"kind": "provenance-missing", "detail": (
                    f"no provenance on any of its {release['files']} file(s); {reference['version']} had it "
                    f"(the last release with provenance, published by {old})")})
            elif release["coverage"] == "partial" and reference["coverage"] == "all":
                release["breaks"].append({"kind": "provenance-partial", "detail": (
                    f"{release['files'] - release['attested']} of {release['files']} file(s) without provenance; "
                    f"all files of {reference['version']} had it ({old})")})
            for view in release["publishers"] or []:
                changes = [publisher_changes(before, view) for before in reference["publishers"]]
                if any(not any(field != "environment" for field, _, _ in change) for change in changes):
                    for change in changes:
                        if change and all(field == "environment" for field, _, _ in change):
                            _, before, after = change[0]
                            release["notes"].append(f"environment changed from {before or '(none)'} to "
                                                    f"{after or '(none)'} ({reference['version']} had "
                                                    f"{before or 'none'})")
                            break
                    continue
                fields = ", ".join(sorted({field for change in changes for field, _, _ in change
                                           if field != "environment"}))
                release["breaks"].append({"kind": "publisher-changed", "detail": (
                    f"published by {describe_publisher(view)}; {reference['version']} was the last release "
                    f"published by {old} (differs: {fields})")})
        for item in release["breaks"]:
            item["accepted"] = release["version"] in accepted
        if release["coverage"] in ("all", "partial") and release["publishers"]:
            reference = release
    return releases


def check_continuity(listing, files, answers, earlier, expectation, explicit):
    """The release verified against the last earlier release with provenance (see continuity_marks)."""
    if listing["state"] == "unknown":
        return {"check": "continuity", "status": "unknown", "detail": "the index listing is unclear", "files": []}
    if not files or earlier is None or earlier["state"] in ("unlisted", "first"):
        return {"check": "continuity", "status": "skip", "files": [],
                "detail": earlier["detail"] if earlier else "no files to compare"}
    if earlier["state"] == "no-attested":
        return {"check": "continuity", "status": "skip", "files": [],
                "detail": f"{earlier['detail']}: no provenance to continue"}
    if earlier["state"] == "unknown":
        return {"check": "continuity", "status": "unknown", "files": [], "detail": earlier["detail"]}
    reference = earlier["reference"]
    outcomes = [answers[entry["filename"]]["outcome"] for entry in files]
    publishers = []
    for entry in files:
        document = answers[entry["filename"]].get("document")
        for view in provenance_publishers(document) or [] if document else []:
            if view not in publishers:
                publishers.append(view)
    attested = outcomes.count("document")
    current = {"version": str(file_identity(files[0]["filename"])[1]), "files": len(files), "attested": attested,
               "unknown": None, "publishers": publishers}
    if "fault" in outcomes or (attested < len(files) and api_predates_provenance(listing["api_version"])):
        return {"check": "continuity", "status": "unknown", "files": [],
                "detail": "the provenance of this release could not be read for every file"}
    current["coverage"] = "all" if attested == len(files) else "partial" if attested else "none"
    continuity_marks([reference, current])
    last = f"{reference['version']}, the last earlier release with provenance"
    old = "; ".join(describe_publisher(view) for view in reference["publishers"])
    result = {"check": "continuity", "files": [], "reference": reference["version"],
              "breaks": current["breaks"], "notes": current["notes"]}
    missing = [item for item in current["breaks"] if item["kind"] != "publisher-changed"]
    changed = [item for item in current["breaks"] if item["kind"] == "publisher-changed"]
    if missing and not expectation["provenance_expected"]:
        return dict(result, status="skip", detail=f"{missing[0]['detail']}; none is expected now: "
                                                  f"{expectation['provenance_reason']}")
    if missing:
        return dict(result, status="fail", detail="; ".join(item["detail"] for item in current["breaks"]))
    if changed and explicit:
        return dict(result, status="pass", detail=f"{changed[0]['detail']}; the expected publisher was given "
                                                  f"explicitly ({', '.join(explicit)}), so the publisher check "
                                                  "decides")
    if changed:
        return dict(result, status="fail", detail=changed[0]["detail"] + "; if the change is yours, pass "
                                                  "--repository/--workflow with the new values")
    detail = f"same publisher as {last} ({old})"
    return dict(result, status="pass", detail=detail + "".join(f"; note: {note}" for note in current["notes"]))


# ----------------------------------------------------------------------------- rendering

def exit_status(results):
    statuses = {result["status"] for result in results}
    if "fail" in statuses:
        return EXIT_PROBLEM
    return EXIT_NETWORK if "unknown" in statuses else EXIT_OK


def render_text(results, name, version, root, expectation, quiet, code):
    for result in results:
        detail = " ".join(str(result["detail"]).split())
        sys.stdout.write(f"{result['check']}\t{result['status']}\t{detail}\n")
    if quiet:
        return
    lines = [f"verify-release: {name} {version} on {root}"]
    for result in results:
        lines.append(f"  {result['check']:<11} {TEXT_STATUS[result['status']]:<8} {result['detail']}")
        for row in result.get("files", []):
            if row.get("status") in ("fail", "unknown"):
                lines.append(f"      {TEXT_STATUS[row['status']]:<8} {row['filename']}: {row['detail']}")
    for note in expectation["notes"]:
        lines.append(f"  note: {note}")
    verdict = {EXIT_OK: "VERIFIED", EXIT_PROBLEM: "NOT VERIFIED: a problem was found",
               EXIT_NETWORK: "UNCLEAR: something could not be checked (not a pass)"}[code]
    lines.append(verdict)
    sys.stderr.write("\n".join(lines) + "\n")


def history_cells(release):
    """(provenance, publisher, marks) as shown in the --history table."""
    coverage = release["coverage"]
    provenance = {"all": "yes", "none": "no", "unknown": "?"}.get(
        coverage, f"partial ({release['attested']}/{release['files']})")
    if release["publishers"]:
        publisher = "; ".join(describe_publisher(view) for view in release["publishers"])
    else:
        publisher = "?" if release["publishers"] is None and coverage != "none" else "-"
    marks = [("accepted " if item["accepted"] else "BREAK ") + item["kind"] for item in release["breaks"]]
    if release["unknown"]:
        marks.append("unknown")
    if release.get("tag") is False:
        marks.append("no-tag")
    if release["yanked"]:
        marks.append("yanked")
    return provenance, publisher, ", ".join(marks)


def history_exit(history):
    state = history["listing"]["state"]
    if state == "unknown":
        return EXIT_NETWORK
    if state == "no-project":
        return EXIT_PROBLEM
    releases = history["releases"]
    if any(not item["accepted"] for release in releases for item in release["breaks"]):
        return EXIT_PROBLEM
    return EXIT_NETWORK if any(release["unknown"] for release in releases) else EXIT_OK


def history_verdict(history, code):
    listing, releases = history["listing"], history["releases"]
    if listing["state"] != "ok":
        return f"UNCLEAR: {listing['detail']}" if code == EXIT_NETWORK else f"PROBLEM: {listing['detail']}"
    breaks = [item for release in releases for item in release["breaks"] if not item["accepted"]]
    unknown = [release for release in releases if release["unknown"]]
    if breaks:
        return f"BREAK: {len(breaks)} continuity break(s) in the last {len(releases)} release(s)"
    if unknown:
        return (f"UNCLEAR: no break seen, but the provenance of {len(unknown)} of {len(releases)} release(s) "
                f"could not be read (e.g. {unknown[-1]['version']}: {unknown[-1]['unknown']})")
    attested = sum(release["coverage"] in ("all", "partial") for release in releases)
    if not releases:
        return "CONTINUOUS: the project has no releases"
    return (f"CONTINUOUS: no break in the last {len(releases)} release(s) ({attested} with provenance)"
            if attested else f"CONTINUOUS: none of the last {len(releases)} release(s) carries provenance, "
                             "so there is nothing to continue")


def history_details(releases):
    """One line per break and per release that could not be read, newest first."""
    lines, unknown = [], {}
    for release in reversed(releases):
        for item in release["breaks"]:
            state = "accepted" if item["accepted"] else "BREAK"
            lines.append(f"{state} {release['version']} {item['kind']}: {item['detail']}")
        if release["unknown"]:  # one line per reason (a mirror gives every release the same one)
            unknown.setdefault(release["unknown"], []).append(release["version"])
        lines.extend(f"note {release['version']}: {note}" for note in release["notes"])
        if release.get("tag") is False:
            lines.append(f"no-tag {release['version']}: no git tag in this checkout names it")
    lines.extend(f"unknown {', '.join(versions)}: {reason}" for reason, versions in unknown.items())
    return lines


def render_history_text(history, name, root, quiet, code, records=True):
    """stdout: one tab-separated record per release, newest first (unless `records` is off, for --markdown);
    stderr: the aligned table, every break, and the verdict."""
    rows = []
    for release in reversed(history["releases"]):
        provenance, publisher, marks = history_cells(release)
        rows.append((release["version"], release["uploaded"] or "-", str(release["files"]), provenance, publisher,
                     marks))
    for row in rows if records else []:
        sys.stdout.write("\t".join(" ".join(cell.split()) for cell in row) + "\n")
    if quiet:
        return
    shown, total = len(history["releases"]), history["total"]
    lines = [f"verify-release --history: {canonicalize_name(name)} on {root}"
             + (f" ({shown} newest of {total} releases)" if shown else "")]
    if rows:
        header = ("version", "uploaded", "files", "provenance", "publisher", "marks")
        widths = [max(len(header[i]), *(len(row[i]) for row in rows)) for i in range(5)]
        for row in [header] + rows:
            lines.append("  " + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:5])) + "  " + row[5])
    lines.extend(f"  {line}" for line in history_details(history["releases"]))
    lines.append(history_verdict(history, code))
    sys.stderr.write("\n".join(lines) + "\n")


def markdown_cell(text):
    return " ".join(str(text).split()).replace("|", "\\|") or " "


def render_history_markdown(history, name, root, code):
    out = [f"### Provenance history of `{canonicalize_name(name)}`", "",
           f"Index: {root}; {len(history['releases'])} newest of {history['total']} releases.", ""]
    if history["releases"]:
        out += ["| version | uploaded | files | provenance | publisher | marks |", "|---|---|---|---|---|---|"]
        for release in reversed(history["releases"]):
            provenance, publisher, marks = history_cells(release)
            cells = [release["version"], release["uploaded"] or "-", release["files"], provenance, publisher,
                     f"**{marks}**" if "BREAK" in marks else marks]
            out.append("| " + " | ".join(markdown_cell(cell) for cell in cells) + " |")
        out.append("")
    out += [f"- {markdown_cell(line)}" for line in history_details(history["releases"])]
    out += ["", f"**{history_verdict(history, code)}**", ""]
    sys.stdout.write("\n".join(out))


def history_json(history, name, root, code, args, checkout):
    data = []
    for release in reversed(history["releases"]):
        provenance, publisher, _ = history_cells(release)
        data.append({"version": release["version"], "uploaded": release["uploaded"], "files": release["files"],
                     "yanked": release["yanked"], "provenance": release["coverage"],
                     "attested_files": release["attested"], "publishers": release["publishers"],
                     "breaks": release["breaks"], "notes": release["notes"], "reference": release["reference"],
                     "unknown": release["unknown"], "tag": release.get("tag")})
    listing = history["listing"]
    breaks = sum(1 for release in history["releases"] for item in release["breaks"] if not item["accepted"])
    return envelope(data, mode="history", name=canonicalize_name(name), index=root,
                    api_version=listing["api_version"], index_state=listing["state"],
                    index_detail=listing["detail"], releases=len(data), total=history["total"], breaks=breaks,
                    unknown=sum(1 for release in history["releases"] if release["unknown"]),
                    accepted=sorted(set(args.accept)), checkout=checkout, continuous=code == EXIT_OK,
                    verdict=history_verdict(history, code), exit=code)


# ----------------------------------------------------------------------------- main

def seconds(text):
    """--wait's value: a finite number of seconds from 0 to MAX_WAIT (nan and inf would poll forever)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or not 0 <= value <= MAX_WAIT:
        raise argparse.ArgumentTypeError(f"{text!r} must be a number of seconds from 0 to {MAX_WAIT:g}")
    return value


def count(text):
    """--limit's value: a whole number of releases from 1 to HISTORY_MAX."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= HISTORY_MAX:
        raise argparse.ArgumentTypeError(f"{text!r} must be from 1 to {HISTORY_MAX}")
    return value


def bound(text):
    """--timeout's value: a finite number of seconds above 0, at most 600."""
    value = seconds(text)
    if not 0 < value <= 600:
        raise argparse.ArgumentTypeError(f"{text!r} must be a number of seconds above 0 and at most 600")
    return value


def parse_arguments(argv):
    parser = ArgParser(prog="verify-release.py", add_help=False)
    parser.add_argument("-h", "--help", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("-q", "--quiet", action="store_true")
    parser.add_argument("--index-url")
    parser.add_argument("--testpypi", action="store_true")
    parser.add_argument("--wait", type=seconds, default=0.0)
    parser.add_argument("--dist")
    parser.add_argument("--repository")
    parser.add_argument("--workflow")
    parser.add_argument("--environment")
    parser.add_argument("--offline-provenance", action="store_true")
    parser.add_argument("--history", metavar="NAME")
    parser.add_argument("--limit", type=count, default=HISTORY_DEFAULT)
    parser.add_argument("--timeout", type=bound, default=HISTORY_TIMEOUT)
    parser.add_argument("--accept", action="append", default=[], metavar="VERSION")
    parser.add_argument("--all-files", action="store_true")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--checkout", metavar="PATH")
    parser.add_argument("target", nargs="*")
    args = parser.parse_args(argv)
    if len(args.target) > 2:
        parser.error("give NAME VERSION or one PATH")
    history_only = {"--limit": args.limit != HISTORY_DEFAULT, "--timeout": args.timeout != HISTORY_TIMEOUT,
                    "--accept": bool(args.accept), "--all-files": args.all_files, "--markdown": args.markdown,
                    "--checkout": args.checkout is not None}
    if args.history is None and any(history_only.values()):
        parser.error(f"{', '.join(flag for flag, given in history_only.items() if given)} go(es) with --history")
    if args.history is not None:
        if args.target or args.dist or args.wait or any(
                value is not None for value in (args.repository, args.workflow, args.environment)):
            parser.error("--history NAME takes no NAME VERSION, PATH, --dist, --wait, --repository, --workflow "
                         "or --environment (it compares each release with the ones before it)")
        if args.markdown and args.json:
            parser.error("give --json or --markdown, not both")
        for version in args.accept:
            try:
                Version(version)
            except InvalidVersion:
                parser.error(f"--accept {version!r} is not a PEP 440 version")
    if args.repository is not None and repository_flag(args.repository) is None:
        parser.error("--repository must be OWNER/REPO (GitHub), or a github.com/... or gitlab.com/... "
                     "project URL")
    return args


def index_root(args):
    if args.testpypi and args.index_url:
        raise Fail(EXIT_USAGE, "usage", "give --testpypi or --index-url, not both (see --help)")
    root = TESTPYPI_INDEX if args.testpypi else (args.index_url or os.environ.get("PYPI_OPS_INDEX_URL")
                                                 or DEFAULT_INDEX)
    root = root.rstrip("/")
    if root.endswith("/simple"):
        root = root[: -len("/simple")]
    try:
        parts = urlsplit(root)
        _ = parts.port  # raises ValueError for a port that is not a number
    except ValueError:
        raise Fail(EXIT_USAGE, "usage", f"index URL {redact_url(root)!r} is not a valid URL (see --help)") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Fail(EXIT_USAGE, "usage", f"index URL {redact_url(root)!r} is not http(s) (see --help)")
    return root


def resolve_target(args):
    """(name, version text, repository path or None) from the positional arguments."""
    if len(args.target) == 2:
        name, version = args.target
        try:  # use . as the repository only when it is this project's checkout
            here = read_pyproject(".").get("project", {}).get("name")
        except Fail:
            here = None
        same = isinstance(here, str) and canonicalize_name(here) == canonicalize_name(name)
        return name, version, "." if same else None
    path = args.target[0] if args.target else "."
    if os.path.isfile(path):  # a path to the pyproject.toml itself means its directory
        if os.path.basename(path) != "pyproject.toml":
            raise Fail(EXIT_INPUT, "input", f"{path}: is a file; PATH must be a project directory or its "
                                            "pyproject.toml")
        path = os.path.dirname(path) or "."
    name, version = target_from_pyproject(read_pyproject(path), path)
    return name, version, path


def checkout_for(args, name):
    """The checkout whose tags --history compares: --checkout, else . when its pyproject.toml names the project."""
    if args.checkout is not None:
        if not os.path.isdir(args.checkout):
            raise Fail(EXIT_INPUT, "input", f"--checkout {args.checkout}: not a directory")
        return args.checkout
    try:
        here = read_pyproject(".").get("project", {}).get("name")
    except Fail:
        return None
    return "." if isinstance(here, str) and canonicalize_name(here) == canonicalize_name(name) else None


def run_history(args, access):
    name = args.history.strip()
    if not re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?", name):  # PEP 508's name rule
        raise Fail(EXIT_USAGE, "usage", f"--history {args.history!r} is not a project name (see --help)")
    deadline = time.monotonic() + args.timeout
    checkout = checkout_for(args, name)
    tags = read_git_tags(checkout) if checkout is not None else None
    if checkout is not None and args.checkout is not None and tags is None:
        raise Fail(EXIT_INPUT, "input", f"--checkout {args.checkout}: not a git repository")
    history = gather_history(access, name, args.limit, args.all_files, deadline, tags)
    continuity_marks(history["releases"], args.accept)
    code = history_exit(history)
    if args.json:
        print_json(history_json(history, name, access["root"], code, args, checkout))
    elif args.markdown:  # the table for a job summary on stdout, the report for the log on stderr
        render_history_markdown(history, name, access["root"], code)
        render_history_text(history, name, access["root"], args.quiet, code, records=False)
    else:
        render_history_text(history, name, access["root"], args.quiet, code)
    return code


def main(argv):
    args = parse_arguments(argv)
    if args.help:
        sys.stdout.write(__doc__)
        return EXIT_OK
    require_libraries()
    root = index_root(args)  # may carry user:password@; only `access` is used from here on
    access = index_access(root)
    if args.history is not None:
        return run_history(args, access)
    name, version_text, repo_path = resolve_target(args)
    version = parse_version(version_text)
    local = read_local_dists(args.dist, name, version) if args.dist else None
    expectation = expected_publisher(args, repo_path, testpypi=urlsplit(root).hostname == "test.pypi.org")
    timeout = http_timeout()

    wanted = [item["filename"] for item in local["files"]] if local else []
    listing = fetch_listing(access, name, version, wanted, args.wait, timeout)
    files = release_files(listing, name, version)
    answers = fetch_provenances(files, access, timeout) if listing["state"] == "ok" else {}
    skip_reason = "--offline-provenance: signatures not verified" if args.offline_provenance else None
    signatures = verify_signatures(answers, {entry["filename"]: entry["sha256"] for entry in files}, skip_reason)

    results = [check_live(listing, files, name, version), check_files(local, listing, files)]
    results.append(check_provenance(listing, files, answers, signatures, expectation["provenance_expected"],
                                    expectation["provenance_reason"]))
    results.append(check_publisher(files, answers, results[-1], expectation))
    explicit = [flag for flag, value in (("--repository", args.repository), ("--workflow", args.workflow))
                if value is not None]
    integrity_works = any(answer["outcome"] == "document" for answer in answers.values())
    earlier = earlier_reference(listing, version, access, timeout, integrity_works) \
        if listing["state"] == "ok" and files else None
    results.append(check_continuity(listing, files, answers, earlier, expectation, explicit))
    for result in results:
        result["ok"] = result["status"] in ("pass", "skip")
    code = exit_status(results)
    if args.json:
        ordered = [dict({"check": r["check"], "ok": r["ok"], "status": r["status"], "detail": r["detail"]}, **r)
                   for r in results]
        print_json(envelope(ordered, name=canonicalize_name(name), version=str(version), index=access["root"],
                            api_version=listing["api_version"], verified=code == EXIT_OK, exit=code,
                            expected=expectation["expected"], expected_from=expectation["sources"],
                            provenance_expected=expectation["provenance_expected"], notes=expectation["notes"]))
    else:
        render_text(results, name, version, access["root"], expectation, args.quiet, code)
    return code


if __name__ == "__main__":
    sys.exit(run(main))
