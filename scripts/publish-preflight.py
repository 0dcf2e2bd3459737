#!/usr/bin/env python3
# /// script
# requires-python = ">=3.9"
# dependencies = ["packaging>=22", "pyyaml>=5.4", "tomli>=1.1; python_version < '3.11'"]
# ///
"""publish-preflight.py - is this repository ready to tag a release for PyPI?

Usage:
  publish-preflight.py [--json] [-q] [--build] [--offline] [--index-url URL]
                       [--testpypi] [--timeout S] [--ref REF]
                       [--publisher-changed] [PATH]

Reads PATH/pyproject.toml (PATH defaults to .) and runs read-only checks.

What is judged is what the tag will run: GitHub runs the workflow and builds
the files as they are in the tagged commit. When a release tag points at HEAD
(or --ref names a commit or tag), pyproject.toml, the version sources, the lock
file and .github/workflows/ are read from that commit (git ls-tree / cat-file),
not from the work tree. Without a tag at HEAD the work tree is judged, and
release-files names what a tag made now would not contain.

The checks, in this order (the ids are stable; references/preflight-checks.md
explains each):

  name               [project].name (or [tool.poetry].name) is a valid name
  pyproject-version  the version a build will produce (static, file/attribute
                     based, setup.cfg/setup.py read with ast, or derived from
                     git as setuptools-scm, hatch-vcs, poetry-dynamic-
                     versioning or versioningit compute it)
  init-version       the package's __version__ literal equals that version
  lock-version       uv.lock (poetry.lock, pdm.lock) records that version
  not-on-pypi        the version is not in the index's whole release list
  version-order      the version is not lower than the highest release
  first-publish      the pending-publisher form to fill in for a new project
  publisher-continuity
                     the publisher (repository, workflow filename,
                     environment) PyPI's provenance names for the newest
                     attested release is the one this checkout's tag presents
  git-tag            HEAD's release tag matches; no tag of it points elsewhere
  git-clean          no uncommitted changes to tracked files
  release-files      the files the verdict read (workflows, pyproject.toml,
                     version sources, lock) are committed: none untracked or
                     changed between the work tree and the release commit
  workflow-oidc      the publishing workflow uses trusted publishing safely
  build              (--build) sdist and wheel build, metadata PyPI accepts
  dist-contents      (--build) what the sdist and wheel carry: no credential
                     files or tokens (fail), no agent folders, virtualenvs,
                     caches, dist/ or an sdist over 20x the wheel (warn)
  upload-reader      the program in the upload step (the publish action at its
                     ref, twine, uv publish, ...) reads the Metadata-Version
                     the build writes (from --build's files, else from the
                     backend [build-system] requires allows)
  dist-stale         dist/ holds no files of other versions

Each check reports pass, fail, warn, skip or unknown. Nothing in PATH is
modified; --build builds from a copy in a temporary directory.

Options:
  --json           print one JSON envelope on stdout: data is a list of
                   {check, ok, status, detail, fix}; meta has name, version,
                   ready, index (and with --build artifacts: each built
                   file's name, size and members)
  -q, --quiet      no human report on stderr
  --offline        do not contact the index (not-on-pypi is skip); opens no
                   network connection at all
  --index-url URL  root of a PyPI-compatible index (env PYPI_OPS_INDEX_URL);
                   default https://pypi.org. Reads URL/simple/<name>/ (PEP 691
                   JSON) and URL/pypi/<name>/json, concurrently; user:password@
                   in it is sent as HTTP Basic auth to that host only and
                   shown as ***@, never printed
  --testpypi       use https://test.pypi.org
  --timeout S      bound on the whole index lookup in seconds, reading and
                   parsing the answers included (default 10): an answer not
                   complete by then is unknown
  --build          also build sdist and wheel (python -m build, or uv build)
                   from a copy of exactly the release's files (git's listing,
                   or the release commit checked out with its tags) in a
                   temporary directory; validate their metadata and list
                   what they would publish
  --ref REF        judge the release as commit or tag REF holds it (default:
                   HEAD's commit when a release tag points at it, else the
                   work tree)
  --publisher-changed
                   a publisher for this checkout's new repository/workflow is
                   already registered on the index: publisher-continuity warns
                   instead of failing (recorded as meta.publisher_changed)

Without --json, stdout has one line per check: check<TAB>status<TAB>detail,
and the human report goes to stderr.

Exit codes:
  0   ready to tag (warnings allowed)
  1   internal error (set PYPI_OPS_DEBUG=1 for a traceback)
  2   usage error
  3   no pyproject.toml (in the work tree or the release commit), or it is not
      valid TOML / not UTF-8 (file:line:column); --ref names no commit
  5   a required library is missing
  7   nothing failed, but the index lookup, the version, the name or a
      requested --build is unknown: never read this as free or ready
  10  not ready: at least one check failed

Examples:
  python3 scripts/publish-preflight.py .
  python3 scripts/publish-preflight.py --offline examples/demo-package
  python3 scripts/publish-preflight.py --testpypi --build .
  python3 scripts/publish-preflight.py --ref v1.2.3 .
  python3 scripts/publish-preflight.py --json . | jq '.data[] | select(.ok == false)'
"""

from __future__ import annotations

import argparse
import json
import os
import sys

SCRIPT = "publish-preflight"
SCHEMA = "pypi-ops.publish-preflight/v1"
MISSING_LIBRARIES = []
try:
    from packaging.utils import (InvalidSdistFilename, InvalidWheelFilename, canonicalize_name,
                                 parse_sdist_filename, parse_wheel_filename)
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


# ----------------------------------------------------------------------------- constants

DEFAULT_INDEX = "https://pypi.org"
TESTPYPI_INDEX = "https://test.pypi.org"
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
# The largest index answer read (each API); a larger one is unknown (references/cli-contract.md states it). Measured
# on pypi.org 2026-12-06: botocore's PEP 691 page 1.99 MB (4,994 files) and JSON API 3.82 MB, NumPy's 1.93 MB and
# 3.61 MB; astral-sh/uv#20104 (2026-07-03) measured a 2.65 MB NumPy page. 32 MiB is 8 times the largest.
INDEX_ANSWER_LIMIT = 32 << 20
# A version's dash-separated pieces at most: release (with epoch), pre label, pre number, post label, post number,
# dev label, dev number (PEP 440 allows "-" before each); a local part may hold more but never equals a release.
LEGACY_VERSION_PIECES = 7
INTEGRITY_JSON = "application/vnd.pypi.integrity.v1+json"  # PEP 740 provenance objects (PyPI's Integrity API)
PROVENANCE_KEY_SINCE = "1.3"  # the simple API version that added the per-file `provenance` key (PEP 740)
STATUSES = ("pass", "fail", "warn", "skip", "unknown")
# PEP 792 statuses under which the index refuses uploads.
CLOSED_PROJECT_STATUSES = ("archived", "quarantined")
# Directories that never hold *this* project's import package.
NOT_THE_PACKAGE = {"tests", "test", "testing", "docs", "doc", "examples", "example", "benchmarks", "bench",
                   "scripts", "tools", "build", "dist", "venv", "env", "site-packages", "node_modules", "vendor",
                   "_vendor", "vendored", "third_party", "thirdparty", "__pycache__", "htmlcov", "typings"}
# setuptools-scm's default tag_regex (also used by hatch-vcs and, in spirit, pdm-backend).
SCM_DEFAULT_TAG_REGEX = r"^(?:[\w-]+-)?(?P<version>[vV]?\d+(?:\.\d+){0,2}[^\+]*)(?:\+.*)?$"
# hatchling's regex source default (hatchling/version/core.py DEFAULT_PATTERN): an annotated
# `__version__: str = "1.0"` does not match it, and then the build fails.
HATCH_DEFAULT_PATTERN = r'(?i)^(__version__|VERSION) *= *([\'"])v?(?P<version>.+?)\2'
# pdm-backend's `source = "file"` (hooks/version/__init__.py resolve_version_from_file): a plain assignment only.
PDM_FILE_PATTERN = r"^__version__\s*=\s*[\"'](.+?)[\"']\s*(?:#.*)?$"
# setuptools-scm's (and so hatch-vcs's) default `git describe` arguments, without --dirty (read separately).
SCM_DESCRIBE_ARGS = ("--tags", "--long", "--abbrev=40", "--match", "*[0-9]*")
# setuptools-scm >= 10 (vcs-versioning _node_utils.py _NODE_ID_LENGTH): the local part shows "g" + the hash, cut
# to 10 characters (+g1234abcd9); with a configured describe command the hash is git's own abbreviation first.
SCM_NODE_LENGTH = 10
# The version schemes setuptools-scm ships (vcs-versioning _version_schemes/_standard.py); past a tag only the
# first six are computed here.
SCM_BUILTIN_VERSION_SCHEMES = ("guess-next-dev", "no-guess-dev", "post-release", "python-simplified-semver",
                               "semver-pep440", "only-version", "release-branch-semver",
                               "semver-pep440-release-branch", "calver-by-date")
TAG_NAME_SEPARATORS = ("-", "_", "/", "@")  # <name>-v1.2, <name>_1.2, <name>/v1.2, <name>@1.2 (monorepo tags)
# setup() keywords of plugins that set the version themselves (setuptools-scm, setuptools-git-versioning).
SETUP_PY_VERSION_PLUGINS = ("use_scm_version", "version_config", "setuptools_git_versioning")
PUBLISH_ACTION = "pypa/gh-action-pypi-publish"
# Upload commands in `run:` steps (the first four can only upload with a token or password; uv and pdm also
# speak trusted publishing).
UPLOAD_COMMANDS = ("twine upload", "uv publish", "poetry publish", "pdm publish", "hatch publish", "flit publish",
                   "maturin publish", "maturin upload")
UPLOAD_MARKERS = ("gh-action-pypi-publish",) + UPLOAD_COMMANDS  # sniffed only in files that do not parse

# ---- Dated facts (checked 2026-12-06), each with its source: PyPI's rules, who reads the metadata in the
# upload step, and what each build backend writes. Look for newer ones before relying on them.
# Metadata-Version values PyPI accepts.
# pypa/warehouse warehouse/forklift/metadata.py SUPPORTED_METADATA_VERSIONS (current file, read 2026-12-06): 2.0 is
# not in it, so PyPI refuses it (an older version of the file, commit 155f61c, still listed 2.0 and stopped at 2.3).
PYPI_METADATA_VERSIONS = ("1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5")
# pypi/warehouse#19860 (merged 2026-04-14) removed trusted publishers from a quarantined project's upload
# permissions; owners' own credentials were left able to upload (#16265, 2024-07, kept for false positives).
QUARANTINE_NOTE = ("a quarantined project refuses trusted-publishing (OIDC) uploads, so this tag's workflow cannot "
                   "publish, while owners can still upload with an API token or password")
# pypi/warehouse#19996 (merged 2026-05-01): PENDING_PUBLISHER_EXPIRY_DAYS = 30, a reminder 5 days before; and
# docs.pypi.org/trusted-publishers/creating-a-project-through-oidc/: a pending publisher reserves no name.
PENDING_PUBLISHER_NOTE = ("a pending publisher does not reserve the name (whoever uploads first gets it), and PyPI "
                          "deletes it after 30 days unused (a reminder e-mail comes 5 days before)")
# Each row names its source; tests/test_publish_preflight_upload_reader.py runs the real twine 6.2.0 and 7.0.0
# `check` on real hatchling (2.5) and setuptools (2.4) builds to prove the twine 6 and twine 7 rows.
# Metadata-Versions are compared with packaging's Version (2.10 would sort after 2.9).
NEWEST_METADATA_VERSION = "2.5"  # the highest PyPI accepts (warehouse forklift SUPPORTED_METADATA_VERSIONS)
# pypa/gh-action-pypi-publish: (first release of the row, bundled twine, highest Metadata-Version its
# `twine check` accepts (None: not known), source). A release belongs to the last row at or below it.
ACTION_READERS = (
    ("1.0.0", "4.x or older", None,
     "requirements/runtime.txt at v1.8.11: twine==4.0.2, pkginfo==1.9.6 (action snapshot, 2024-03-08)"),
    ("1.8.14", "5.x", "2.3",
     "requirements/runtime.txt at v1.8.14 (81e9d935, 2024-03-08): twine==5.0.0, pkginfo==1.10.0; twine 5 names "
     "1.0 ... 2.3 as the supported Metadata-Versions (pypa/twine#1146)"),
    ("1.12.3", "6.x", "2.4",
     "pypa/gh-action-pypi-publish#308 (2024-12): v1.12.3 moves to twine 6, 2.4 is read; v1.14.1 bundles "
     "twine==6.1.0 and refuses 2.5 (launchdarkly/python-server-sdk#511, 2026-08-28; getzep/graphiti#1821 for v1.13.0)"),
    ("1.14.2", "7.0.0", "2.5",
     "v1.14.2 release notes (quoted in lusky3/play-store-mcp#115): internal twine bumped to 7 for metadata 2.5; "
     "livekit/agents#6836: v1.14.2 ships packaging==26.2 + twine==7.0.0"),
)
NEWEST_ACTION_RELEASE = "1.14.2"  # newest release this table knows (dc37677b, 2026-08-07)
# Commit SHAs of action releases, confirmed from Dependabot bump commits in a pypa/twine snapshot
# (.github/workflows/release.yml, HEAD f536ac5 of 2026-08-07) and /work/shared/facts/action-pins.tsv.
ACTION_RELEASE_SHAS = {
    "ed0c53931b1dc9bd32cbe73a98c7f6766f8a527e": "1.13.0",  # pinned in many public workflows (action-pins.tsv)
    "cef221092ed1bacb1cc03d23a2d87d1d172e277b": "1.14.0",  # pypa/twine#1307 (2026-04-07)
    "ba38be9e461d3875417946c167d0b5f3d385a247": "1.14.1",  # pypa/twine#1345 (2026-07-27)
    "dc37677b2e1c63e2034f94d8a5b11f265b73ba33": "1.14.2",  # pypa/twine#1361 (2026-08-07)
}
# Branches and tags of the action that move with every release: they run whatever is newest.
ACTION_MOVING_REFS = ("release/v1", "unstable/v1", "master", "main", "v1")
# twine installed in the job: (first version of the row, highest Metadata-Version `twine check`/`upload`
# accepts (None: not known), source). From pypa/twine's own sources (snapshot /work/.mirror/pypa+twine, f536ac5).
TWINE_READERS = (
    ("0", None, "twine before 5 reads metadata with pkginfo of its time: not checked here"),
    ("5.0.0", "2.3", "twine 5 reads with pkginfo (5.1.1 pins pkginfo < 1.11, pyproject.toml at v5.1.1); its error "
                     "lists 1.0 ... 2.3 (pypa/twine#1146)"),
    ("6.0.0", "2.4", "twine 6.0 (pkginfo, 2024-11-29) reads 2.4 (pypa/gh-action-pypi-publish#308)"),
    ("6.1.0", "2.4", "twine/package.py at 6.1.0 and 6.2.0 sets packaging's _VALID_METADATA_VERSIONS to 1.0 ... 2.4 "
                     "whatever packaging is installed"),
    ("7.0.0", "2.5", "twine 7.0.0 (2026-07-27) drops that list (pypa/twine#1317) and requires packaging >= 26.1 "
                     "(pypa/twine#1310), which reads 2.5"),
)
NEWEST_TWINE = "7.0.0"  # newest twine release this table knows (tag 7.0.0, 2026-07-27)
# Uploaders that send the Metadata-Version as read without checking it, so PyPI is the judge.
UNCHECKED_READERS = {
    "uv publish": "uv publish sends the Metadata-Version it reads without checking it (astral-sh/uv "
                  "crates/uv-publish/src/lib.rs form_metadata at 0044000e, crates/uv-pypi-types "
                  "metadata23.rs at 8f57c570): PyPI decides",
}
# `<tool> publish` uploads what the tool's own backend builds: same project, same reader and writer.
OWN_BACKEND_PUBLISHERS = {"poetry publish": "poetry", "flit publish": "flit", "hatch publish": "hatch",
                          "pdm publish": "pdm", "maturin publish": "maturin", "maturin upload": "maturin"}
# Build backends: requirement name -> ((first release, Metadata-Version it writes by default), ...), newest
# release known (its date), source. Read from each project's tags (git show TAG:<file>).
BACKEND_WRITES = {
    "hatchling": (("0", "2.1"), ("1.22.0", "2.2"), ("1.22.1", "2.3"), ("1.27.0", "2.4"), ("1.32.0", "2.5")),
    "setuptools": (("0", "2.1"), ("75.8.0", "2.2"), ("77.0.0", "2.4")),
    "flit_core": (("0", "2.1"), ("3.10.0", "2.3"), ("3.11.0", "2.4"), ("4.0.0", "2.5")),
    "poetry-core": (("0", "2.1"), ("2.0.0", "2.3"), ("2.2.0", "2.4")),
    "pdm-backend": (("0", "2.2"), ("2.4.0", "2.4"), ("2.5.0", "2.6")),
    "uv_build": (("0", "2.4"),),
    "maturin": (("0", "2.1"), ("1.5.0", "2.3"), ("1.7.6", "2.4")),
    # scikit-build-core and meson-python leave the value to pyproject-metadata's auto_metadata_version, which
    # looks at the [project] table (FIELD_LEVEL_BACKENDS): these rows give the highest it can write, None: not known.
    "scikit-build-core": (("0", None), ("0.9.0", "2.2"), ("0.11.0", "2.4"), ("0.12.0", "2.5"), ("1.0.0", "2.6")),
    "pyproject-metadata": (("0", "2.2"), ("0.9.0", "2.4"), ("0.10.0", "2.5"), ("0.12.0", "2.6")),
}
BACKEND_NEWEST = {
    "hatchling": ("1.33.0", "pypa/hatch backend/src/hatchling/metadata/spec.py DEFAULT_METADATA_VERSION at tags "
                            "hatchling-v1.22.0/.1, v1.27.0 (2024-12-15), v1.32.0 (2026-08-10); 1.33.0 installed here"),
    "setuptools": ("84.2.1", "pypa/setuptools setuptools/_core_metadata.py get_metadata_version at tags v75.8.0, "
                             "v77.0.0 (2025-03-19) ... v84.0.0 (2026-08-08), and in the PyPI wheel 84.2.1 (read "
                             "2026-12-06): still 2.4"),
    "flit_core": ("4.2.0", "pypa/flit flit_core/flit_core/common.py metadata_version at tags 3.10.0, 3.11.0 "
                           "(2025-02-19), 4.0.0 (2026-04-29), and in the PyPI wheel 4.2.0 (read 2026-12-06): 2.5"),
    "poetry-core": ("2.5.0", "python-poetry/poetry-core src/poetry/core/masonry/metadata.py at tags 2.0.0, 2.2.0 "
                             "(2025-09-14) ... 2.3.2 (2026-03-29), and in the PyPI wheel 2.5.0 (read 2026-12-06): "
                             "still 2.4"),
    "pdm-backend": ("2.5.0", "pdm-project/pdm-backend vendored pyproject_metadata auto_metadata_version at 2.4.0 "
                             "(2024-09-20) ... 2.4.9 (2026-06-05): 2.4 with a license expression, else 2.2/2.1; the "
                             "PyPI wheel 2.5.0 (read 2026-12-06) vendors pyproject-metadata 0.12.1 (2.5 with "
                             "import-names, 2.6 for a field both set and dynamic) and writes its as_rfc822()"),
    "uv_build": ("0.13.9", "a uv 0.13.9 build of a uv_build project writes 2.4 (built here, 2026-12-06); other "
                           "releases not read"),
    "maturin": ("1.16.0", "PyO3/maturin src/metadata.rs Metadata24 default metadata_version, the only value it "
                          "writes, at tags v0.1.0 (2.1), v1.5.0 (2024-03-05, 2.3), v1.7.6 (2024-11-28, 2.4) ... "
                          "v1.14.1 (2026-06-19), and in the PyPI sdist maturin-1.16.0.tar.gz (2026-10, sha256 "
                          "13e69ca1..., read 2026-12-06)"),
    "scikit-build-core": ("1.1.2", "scikit-build/scikit-build-core vendored src/scikit_build_core/_vendor/"
                                   "pyproject_metadata auto_metadata_version at tags v0.9.0 (2024-04-19, first "
                                   "vendored; before it the installed pyproject-metadata decided), v0.11.0 "
                                   "(2025-02-27), v0.12.0 (2026-02-24), v1.0.0 (2026-07-06) ... v1.0.3 (2026-07-12), "
                                   "same in the PyPI wheel 1.1.2 (2026-11, read 2026-12-06); build/metadata.py raises "
                                   "2.1 to 2.2 from 0.11"),
    "pyproject-metadata": ("0.12.1", "pypa/pyproject-metadata pyproject_metadata/__init__.py (metadata_version / "
                                     "auto_metadata_version) at tags 0.8.1, 0.9.0 (2024-10-22), 0.10.0 (2025-11-21), "
                                     "0.12.0 (2026-07-03) ... 0.12.1 (2026-07-03, the newest on PyPI 2026-12-06); "
                                     "mesonbuild/meson-python mesonpy/__init__.py at 0.20.0 (2026-06-10) and in the "
                                     "PyPI wheel 0.22.1 (2026-10) writes its as_rfc822() unchanged"),
}
# Backends whose Metadata-Version follows the [project] fields (pyproject-metadata's auto_metadata_version, same
# rules at pyproject-metadata 0.12.1, scikit-build-core 1.1.2 and pdm-backend 2.5.0): 2.5 with import-names or
# import-namespaces, 2.4 with a license expression (a string) or license-files, else 2.2 at most; 2.6 for a field
# both set and listed in dynamic (PEP 808), which PyPI does not accept. Family -> the requirement whose release decides.
FIELD_LEVEL_BACKENDS = {"scikit-build-core": "scikit-build-core", "meson-python": "pyproject-metadata",
                        "pdm": "pdm-backend"}
# Family (backend_family) -> the requirement in BACKEND_WRITES whose release decides the Metadata-Version.
BACKEND_REQUIREMENTS = dict({"hatch": "hatchling", "setuptools": "setuptools", "flit": "flit_core",
                             "poetry": "poetry-core", "uv": "uv_build", "maturin": "maturin"},
                            **FIELD_LEVEL_BACKENDS)
TOKEN_ENV_NAMES = {"TWINE_PASSWORD", "UV_PUBLISH_TOKEN", "UV_PUBLISH_PASSWORD", "PYPI_TOKEN", "PYPI_API_TOKEN",
                   "POETRY_PYPI_TOKEN_PYPI", "FLIT_PASSWORD", "HATCH_INDEX_AUTH", "PDM_PUBLISH_PASSWORD"}
GIT_ENV = {"GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
# What a published distribution must not carry (check dist-contents).
# PyPI API tokens: "pypi-" + a base64 macaroon whose location is the index, so a token starts with
# pypi-AgEIcHlwaS5vcmc (pypi.org) or pypi-AgENdGVzdC5weXBpLm9yZw (test.pypi.org) and is 70+ characters more
# (pypa/warehouse docs/development/token-scanning.rst). GitHub tokens: ghp_ (personal), gho_ (OAuth), ghu_ / ghs_
# (GitHub App user/server), ghr_ (refresh) + 36 characters (github.blog changelog 2021-03-31 "Authentication
# token format updates are generally available"); fine-grained personal tokens github_pat_ + 22 + _ + 59.
TOKEN_PATTERNS = (("a PyPI API token", rb"pypi-Ag(?:EIcHlwaS5vcmc|ENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{70,}"),
                  ("a GitHub token", rb"(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36}(?![A-Za-z0-9_])"),
                  ("a GitHub token", rb"(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}(?![A-Za-z0-9_])"))
PRIVATE_KEY_MARK = rb"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----"
CREDENTIAL_NAMES = (".pypirc", ".netrc", "_netrc", ".env", ".git-credentials")
ENV_FILE_EXAMPLES = (".example", ".sample", ".template", ".dist", ".defaults")  # .env.example holds no secret
SSH_KEY_PREFIXES = ("id_rsa", "id_dsa", "id_ecdsa", "id_ed25519")
KEY_SUFFIXES = (".pem", ".key")
# Folders coding agents and their skill installers write into a project (`npx skills add` writes
# .agents/skills/ or .claude/skills/ and skills-lock.json; other agents keep theirs in .cursor/, .codex/, ...).
AGENT_DIRS = {".claude", ".agents", ".agent", ".cursor", ".codex", ".copilot", ".gemini", ".windsurf", ".opencode",
              ".roo", ".cline", ".clinerules", ".kiro", ".goose", ".continue", ".junie", ".trae", ".qwen", ".amp"}
AGENT_FILES = {"skills-lock.json"}
CACHE_DIRS = {"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis", ".tox", ".nox",
              ".cache", ".ipynb_checkpoints", "htmlcov"}
SDIST_TO_WHEEL_LIMIT = 20  # an sdist this many times the wheel's size almost always carries something unintended
# Each backend's own setting for leaving files out of the sdist, from its documentation (read 2026-12-06): hatch
# "Build configuration"; setuptools "Controlling files in the distribution" (MANIFEST.in); flit "The pyproject.toml
# config file" ([tool.flit.sdist]); pdm-backend "Build configuration" ([tool.pdm.build] excludes); poetry "The
# pyproject.toml file" ([tool.poetry] exclude); maturin.rs/config ([tool.maturin] exclude with format); uv_build
# BuildBackendSettings.source_exclude (docs.rs uv-build-backend); scikit-build-core sdist.exclude (gitignore
# syntax); mesonbuild.com/meson-python how-to-guides/sdist (meson dist archives git: export-ignore).
SDIST_EXCLUDE_SETTING = {
    "hatch": "[tool.hatch.build.targets.sdist] exclude = [...]",
    "setuptools": "a `prune DIR` / `exclude FILE` line in MANIFEST.in (setuptools-scm adds every tracked file)",
    "flit": "[tool.flit.sdist] exclude = [...]",
    "pdm": "[tool.pdm.build] excludes = [...]",
    "poetry": "[tool.poetry] exclude = [...]",
    "maturin": "[tool.maturin] exclude = [{ path = \"...\", format = \"sdist\" }]",
    "uv": "[tool.uv.build-backend] source-exclude = [...]",
    "scikit-build-core": "[tool.scikit-build] sdist.exclude = [...]",
    "meson-python": "an `export-ignore` attribute in .gitattributes (meson dist archives the git tree)",
}



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


# ----------------------------------------------------------------------------- small helpers

def table(data, *keys):
    """data[k1][k2]... when every step is a table, else {} (pyproject.toml may hold anything)."""
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, dict) else {}


def text_value(value):
    return value if isinstance(value, str) else None


def string_list(value):
    if isinstance(value, str):
        return [value]
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def parse_version(text):
    try:
        return Version(text) if isinstance(text, str) else None
    except ValueError:  # InvalidVersion, or a number longer than int() converts (an index can list anything)
        return None


def same_version(left, right):
    """PEP 440 equality (1.0 == 1.0.0 == v1.0); False when either side does not parse."""
    a, b = parse_version(left), parse_version(right)
    return a is not None and b is not None and a == b


def finding(check, status, detail, fix=None):
    return {"check": check, "ok": status != "fail", "status": status, "detail": detail, "fix": fix}


def first_line(text, limit=300):
    line = str(text).strip().splitlines()[0] if str(text).strip() else ""
    return line if len(line) <= limit else line[:limit - 3] + "..."


# ----------------------------------------------------------------------------- reader: the files of this release

class ReleaseFiles:
    """The files a release is made of: the work tree, or the tree of one commit (the release tag).

    Every reader of pyproject.toml, version sources, lock files and workflows goes through one of these, so
    "what the tag will run" and "what is on disk" are one code path with two sources. Paths are ordinary
    filesystem paths under `root`; for a commit they are mapped through their place below the git top level
    (`git ls-tree` once, `git cat-file` per file read). `read_paths` records what was read: the files the
    verdict depends on."""

    def __init__(self, root, top=None, commit=None, label=None):
        self.root, self.top, self.commit = root, top, commit
        self.label = label or ("the work tree" if commit is None else f"commit {commit[:12]}")
        self.read_paths = set()  # '/'-separated paths relative to the git top level (to root outside git)
        self._tree = self._dirs = None  # commit: {path: (mode, object id)} and the set of directory paths

    def relative(self, path):
        """path relative to the git top level ('/'-separated, '' for the top itself), or None outside it."""
        relative = os.path.relpath(os.path.realpath(path), os.path.realpath(self.top or self.root))
        relative = "" if relative == "." else relative.replace(os.sep, "/")
        return None if relative == ".." or relative.startswith("../") else relative

    def _load_tree(self):
        if self._tree is None:
            listing = git_output(self.top, "ls-tree", "-r", "-z", "--full-tree", self.commit, timeout=60,
                                 binary=True) or b""
            self._tree, self._dirs = {}, {""}
            for record in listing.split(b"\0"):
                head, _, name = record.partition(b"\t")
                if not name:
                    continue
                mode, _, rest = head.partition(b" ")
                path = name.decode("utf-8", "surrogateescape")
                self._tree[path] = (mode.decode(), rest.partition(b" ")[2].decode())
                parent = path.rpartition("/")[0]
                while parent not in self._dirs:
                    self._dirs.add(parent)
                    parent = parent.rpartition("/")[0]
        return self._tree

    def _entry(self, relative, hops=0):
        """(mode, object id) of a path in the commit; a symbolic link is followed while it stays inside."""
        entry = self._load_tree().get(relative)
        if entry is not None and entry[0] == "120000" and hops < 8:
            target = (git_output(self.top, "cat-file", "blob", entry[1], binary=True) or b"").decode("utf-8",
                                                                                                   "replace")
            joined = os.path.normpath(os.path.join(os.path.dirname(relative), target)).replace(os.sep, "/")
            if joined in self._dirs:
                return ("040000", None)
            return None if joined.startswith("../") or os.path.isabs(target) else self._entry(joined, hops + 1)
        return entry

    def read_bytes(self, path, limit=2 << 20):
        """The file's bytes, or None (missing, not a regular file, larger than limit)."""
        relative = self.relative(path)
        self.read_paths.add(relative if relative is not None else os.path.abspath(path))
        if self.commit is None:
            if not os.path.isfile(path):
                return None
            try:
                with open(path, "rb") as handle:
                    raw = handle.read(limit + 1)
            except OSError:
                return None
            return None if len(raw) > limit else raw
        entry = self._entry(relative) if relative is not None else None
        if entry is None or not entry[0].startswith("100"):
            return None
        raw = git_output(self.top, "cat-file", "blob", entry[1], binary=True)
        return None if raw is None or len(raw) > limit else raw

    def read_text(self, path, limit=2 << 20):
        """Text of a file of the release, or None (missing, not a regular file, not UTF-8, too large)."""
        raw = self.read_bytes(path, limit)
        try:
            return None if raw is None else raw.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def is_file(self, path):
        if self.commit is None:
            return os.path.isfile(path)
        relative = self.relative(path)
        entry = self._entry(relative) if relative is not None else None
        return entry is not None and entry[0].startswith("100")

    def is_dir(self, path):
        if self.commit is None:
            return os.path.isdir(path)
        relative = self.relative(path)
        self._load_tree()
        return relative is not None and (relative in self._dirs or (self._entry(relative) or ("",))[0] == "040000")

    def listdir(self, path):
        """Sorted names in a directory of the release, or None when there is no such directory."""
        if self.commit is None:
            try:
                return sorted(os.listdir(path))
            except OSError:
                return None
        if not self.is_dir(path):
            return None
        relative = self.relative(path)
        if relative not in self._dirs:  # a symbolic link to a directory inside the tree
            relative = os.path.normpath(os.path.join(os.path.dirname(relative), (git_output(
                self.top, "cat-file", "blob", self._tree[relative][1]) or ""))).replace(os.sep, "/")
        prefix = relative + "/" if relative else ""
        return sorted({key[len(prefix):].split("/", 1)[0] for key in (*self._tree, *self._dirs)
                       if key.startswith(prefix) and len(key) > len(prefix)})


# ----------------------------------------------------------------------------- reader: pyproject.toml

def parse_pyproject_text(raw, path="pyproject.toml"):
    """bytes -> dict; Fail(3) naming file, line and column when not UTF-8 or not TOML."""
    if raw.startswith(b"\xef\xbb\xbf"):  # tomllib's own message ("Invalid statement") does not say why
        raise Fail(EXIT_INPUT, "input", f"{path}:1:1: invalid TOML: the file starts with a UTF-8 byte-order mark "
                                        "(BOM), which TOML (and pip, build) refuse; save it as UTF-8 without a BOM")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise Fail(EXIT_INPUT, "input", f"{path}:{line}:{column}: not UTF-8 (byte 0x{raw[error.start]:02x})") \
            from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise Fail(EXIT_INPUT, "input", f"{path}:{toml_error_position(error)}: invalid TOML: "
                                        f"{toml_error_message(error)}") from None
    except (ValueError, RecursionError) as error:  # tomli/tomllib limits on absurd nesting
        raise Fail(EXIT_INPUT, "input", f"{path}: invalid TOML: {first_line(error)}") from None


def toml_error_position(error):
    """'line:column' from a TOMLDecodeError (attributes on 3.14+, else its '(at line L, column C)')."""
    line, column = getattr(error, "lineno", None), getattr(error, "colno", None)
    if line is None:
        import re
        match = re.search(r"at line (\d+), column (\d+)", str(error))
        if match:
            line, column = match.groups()
        elif "end of document" in str(error):
            return "end"
    return f"{line}:{column}" if line is not None else "?"


def toml_error_message(error):
    message = getattr(error, "msg", None) or str(error)
    return str(message).split(" (at ")[0]


def read_pyproject(files):
    root = files.root
    path = os.path.join(root, "pyproject.toml")
    if not os.path.isdir(root):
        raise Fail(EXIT_INPUT, "input", f"cannot read {root}: no such directory")
    if files.commit is not None:
        raw = files.read_bytes(path, limit=8 << 20)
        if raw is None:
            raise Fail(EXIT_INPUT, "input", f"cannot read {path} from {files.label}: it is not in that commit")
        return parse_pyproject_text(raw, path)
    if os.path.exists(path) and not os.path.isfile(path):  # a directory or a fifo (open would block)
        raise Fail(EXIT_INPUT, "input", f"cannot read {path}: not a regular file")
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as error:
        raise Fail(EXIT_INPUT, "input", f"cannot read {path}: {error.strerror or error}") from None
    files.read_paths.add(files.relative(path))
    return parse_pyproject_text(raw, path)


def describe_project(pyproject, legacy=None):
    """The plain facts the checks need from pyproject.toml, tolerant of any shape.

    Without [project] and [tool.poetry] the metadata lives elsewhere: legacy flit's [tool.flit.metadata], or
    `legacy` (read_legacy_metadata: setup.cfg [metadata] and whether a setup.py exists)."""
    project = table(pyproject, "project")
    poetry = table(pyproject, "tool", "poetry")
    flit_metadata = table(pyproject, "tool", "flit", "metadata")
    build_system = table(pyproject, "build-system")
    backend = text_value(build_system.get("build-backend")) or ""
    dynamic = string_list(project.get("dynamic"))
    version_dynamic, name_unknown = "version" in dynamic, None
    if project:
        name, name_source = project.get("name"), "[project].name"
        static_version, version_source = project.get("version"), "[project].version"
    elif poetry or not (flit_metadata or legacy and (legacy.get("setup_cfg") or legacy.get("setup_py"))):
        name, name_source = poetry.get("name"), "[tool.poetry].name"
        static_version, version_source = poetry.get("version"), "[tool.poetry].version"
    elif flit_metadata:  # flit < 3.2 metadata: the name defaults to the module, the version is its __version__
        name = flit_metadata.get("dist-name") or flit_metadata.get("module")
        name_source, static_version, version_source = "[tool.flit.metadata]", None, "[tool.flit.metadata]"
        version_dynamic = True
    else:  # setup.cfg / setup.py project: pyproject.toml only configures the build
        setup_cfg = legacy.get("setup_cfg") or {}
        name, name_source = setup_cfg.get("name"), "setup.cfg [metadata] name"
        static_version, version_source = setup_cfg.get("version"), "setup.cfg [metadata] version"
        setup_py, version_opaque = legacy.get("setup_py"), None
        if setup_py and not isinstance(setup_py, dict):  # a setup.py whose text was not read
            setup_py = {"unreadable": True, "calls": 0, "star": False, "keywords": {}}
        if setup_py:  # read with ast, never run: what its setup() call(s) pass overrides setup.cfg
            said, value = setup_py_keyword(setup_py, "name")
            if said == "literal":
                name, name_source = value, "setup.py setup(name=...)"
            elif said == "opaque" and not (setup_py.get("star") and name):
                name_unknown = "no [project] table: setup.py computes the name, and it is not run here"
            said, value = setup_py_keyword(setup_py, "version")
            plugin = next((key for key in SETUP_PY_VERSION_PLUGINS if key in setup_py["keywords"]), None)
            if plugin:
                version_opaque = f"setup.py passes {plugin}= to setup(): that plugin sets the version " \
                                 "(not computed here)"
                static_version, version_dynamic = None, True
            elif said == "literal":  # a setup() keyword wins over setup.cfg (as a real setuptools build shows)
                static_version, version_source = value, "setup.py setup(version=...)"
            elif said != "absent":
                version_opaque = setup_py_opaque_reason(setup_py, "version")
                static_version, version_dynamic = None, True
        if isinstance(static_version, str) and static_version.startswith(("attr:", "file:")):
            version_dynamic = True
        requires = [canonicalize_name(requirement_name(item) or "")
                    for item in string_list(build_system.get("requires"))]
        if not static_version and not version_opaque and ("setuptools-scm" in requires or isinstance(
                table(pyproject, "tool").get("setuptools_scm"), dict)):
            version_opaque = "setuptools-scm sets the version of this setup.cfg/setup.py project (not computed here)"
            version_dynamic = True
        legacy = dict(legacy, version_opaque=version_opaque)
    return {"name": name, "name_source": name_source, "static_version": static_version,
            "version_source": version_source, "version_dynamic": version_dynamic, "has_project": bool(project),
            "name_unknown": name_unknown, "legacy": legacy if not project and not poetry else None,
            "backend": backend, "requires": string_list(build_system.get("requires")), "pyproject": pyproject}


def read_legacy_metadata(files):
    """{setup_cfg: {name, version} or None, setup_py: read_setup_py(...) or False} for projects whose metadata is
    not in pyproject.toml."""
    import configparser
    root = files.root
    setup_py = files.read_text(os.path.join(root, "setup.py")) if files.is_file(os.path.join(root, "setup.py")) \
        else None
    found = {"setup_cfg": None, "setup_py": read_setup_py(setup_py) if setup_py is not None else False}
    if files.is_file(os.path.join(root, "setup.py")) and setup_py is None:
        found["setup_py"] = {"unreadable": True, "calls": 0, "star": False, "keywords": {}}
    text = files.read_text(os.path.join(root, "setup.cfg"))
    if text is not None:
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read_string(text)
        except configparser.Error:
            return found
        if parser.has_section("metadata"):
            metadata = parser["metadata"]
            found["setup_cfg"] = {key: metadata.get(key).strip() for key in ("name", "version")
                                  if metadata.get(key, "").strip()}
    return found


def read_setup_py(source):
    """What setup.py's setup() calls pass, read with ast (never run): {calls, star, keywords: {name: [literal string
    or None per call]}, unreadable}. `star`: a call passes **kwargs or positional arguments, so any keyword may be
    in it."""
    import ast
    found = {"unreadable": False, "calls": 0, "star": False, "keywords": {}}
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return dict(found, unreadable=True)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        called = function.id if isinstance(function, ast.Name) else function.attr if isinstance(
            function, ast.Attribute) else None
        if called != "setup":
            continue
        found["calls"] += 1
        found["star"] = found["star"] or bool(node.args)
        for keyword in node.keywords:
            if keyword.arg is None:
                found["star"] = True
                continue
            literal = keyword.value.value if isinstance(keyword.value, ast.Constant) and isinstance(
                keyword.value.value, str) else None
            found["keywords"].setdefault(keyword.arg, []).append(literal)
    return found


def setup_py_keyword(setup_py, key):
    """('absent' | 'literal' | 'opaque', value) for one setup() keyword."""
    if setup_py.get("unreadable") or not setup_py["calls"]:
        return "opaque", None
    values = setup_py["keywords"].get(key)
    if values is None:
        return ("opaque", None) if setup_py["star"] else ("absent", None)
    if None in values or len(set(values)) != 1 or setup_py["star"] or len(values) != setup_py["calls"]:
        return "opaque", None
    return "literal", values[0]


def setup_py_opaque_reason(setup_py, key):
    if setup_py.get("unreadable"):
        return "setup.py cannot be read (not UTF-8 or not valid Python), and it is not run here"
    if not setup_py["calls"]:
        return "setup.py calls no setup() that can be read here, and it is not run here"
    if setup_py["star"] and key not in setup_py["keywords"]:
        return f"setup.py passes **kwargs (or positional arguments) to setup(), which may set the {key}; not run here"
    return f"setup.py computes the {key} it passes to setup(), and it is not run here"


def backend_family(backend):
    for prefix, family in (("setuptools", "setuptools"), ("hatchling", "hatch"), ("pdm.backend", "pdm"),
                           ("pdm.pep517", "pdm"), ("flit", "flit"), ("poetry", "poetry"),
                           ("maturin", "maturin"), ("scikit_build_core", "scikit-build-core"),
                           ("mesonpy", "meson-python"), ("uv_build", "uv")):
        if backend.startswith(prefix):
            return family
    return "setuptools" if not backend else "other"  # no build-backend: pip falls back to setuptools


# ----------------------------------------------------------------------------- reader: python sources (ast)

def literal_assignments(source, strict=False):
    """{name: str value} for top-level `NAME = "literal"` (and annotated) assignments; {} when unparsable.

    strict: a name the module also binds another way (an import, an assignment inside try/if/with, a second
    assignment) maps to None: its value at import time is not that literal (`__version__ = "unknown"` followed
    by `try: from ._version import __version__`)."""
    import ast
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    found = {}
    if strict:
        bindings = {}
        for node in ast.walk(tree):
            names = []
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [(alias.asname or alias.name).split(".")[0] for alias in node.names]
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names = [target.id for target in targets if isinstance(target, ast.Name)]
            for name in names:
                bindings[name] = bindings.get(name, 0) + 1
        found.update({name: None for name, count in bindings.items() if count > 1})
    for node in tree.body:
        targets, value = [], None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        for target in targets:
            if isinstance(target, ast.Name) and target.id not in found:  # the first one, as setuptools reads
                literal = isinstance(value, ast.Constant) and isinstance(value.value, str)
                found[target.id] = value.value if literal else None  # None: assigned, but not a literal
    return found


def module_file(files, dotted, package_dirs=("", "src")):
    """Path of module `a.b` (a/b.py or a/b/__init__.py) under root or one of package_dirs, or None."""
    root = files.root
    parts = [part for part in dotted.split(".") if part]
    if not parts or any(part in ("..", ".") or os.sep in part for part in parts):
        return None
    for base in package_dirs:
        stem = os.path.join(root, base, *parts)
        for candidate in (stem + ".py", os.path.join(stem, "__init__.py")):
            if files.is_file(candidate):
                return candidate
    return None


# ----------------------------------------------------------------------------- reader: git

def git_output(root, *args, timeout=15, binary=False):
    """stdout of a read-only git command in root (bytes with binary=True), or None when git fails or is missing."""
    import subprocess
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, timeout=timeout,
                              env=dict(os.environ, **GIT_ENV))
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0 and b"dubious ownership" in done.stderr:
        raise GitRefused(root)
    if done.returncode != 0:
        return None
    return done.stdout if binary else done.stdout.decode("utf-8", "replace")


class GitRefused(Exception):
    """git will not work in a repository owned by another user (safe.directory)."""


def read_git(root, want_describe, commit=None):
    """The release commit (`head`: HEAD, or `commit` when the release is read from one), tags with the commits they
    point at, tracked changes, untracked files, shallowness, origin URL; with want_describe (a list of `git
    describe` arguments) also the describe output the version backend will see for the release commit."""
    facts = {"repo": False, "shallow": False, "head": None, "head_commit": None, "subject": commit, "tags": {},
             "dirty": [], "dirty_repo": [], "untracked": [], "origin": None, "describe": None, "toplevel": None,
             "branch": None,
             "refused": False}
    try:
        return read_git_facts(root, want_describe, facts)
    except GitRefused:
        facts["refused"] = True
        return facts


def read_git_facts(root, want_describe, facts):
    head = git_output(root, "rev-parse", "--is-inside-work-tree", "--is-shallow-repository", "--show-toplevel",
                      "--verify", "-q", "HEAD")
    if head is None:
        inside = git_output(root, "rev-parse", "--is-inside-work-tree")
        facts["repo"] = bool(inside and inside.strip() == "true")  # a repository without commits
        return facts
    lines = head.split("\n")
    facts.update(repo=lines[0] == "true", shallow=lines[1:2] == ["true"],
                 toplevel=lines[2] if len(lines) > 2 else None, head_commit=lines[3] if len(lines) > 3 else None)
    facts["head"] = facts["subject"] or facts["head_commit"]
    refs = git_output(root, "for-each-ref", "refs/tags", "--format=%(refname:strip=2)\t%(objectname)\t%(*objectname)")
    for line in (refs or "").splitlines():
        name, _, rest = line.partition("\t")
        obj, _, peeled = rest.partition("\t")
        facts["tags"][name] = peeled or obj
    # The whole work tree: setuptools-scm and hatch-vcs call the repository dirty when any tracked file changed,
    # even outside a monorepo member's directory. `dirty` keeps the changes under PATH.
    status = git_output(root, "status", "--porcelain=v1", "-z", "--untracked-files=all") or ""
    records = iter(status.split("\0"))
    for record in records:
        if len(record) < 4:
            continue
        if record[:2] == "??":
            facts["untracked"].append(record[3:])
            continue
        facts["dirty_repo"].append(record[3:])
        if "R" in record[:2] or "C" in record[:2]:
            facts["dirty_repo"].append(next(records, ""))  # a rename also changes its source path
    inside = os.path.relpath(os.path.realpath(root), os.path.realpath(facts["toplevel"] or root)).replace(os.sep, "/")
    facts["dirty"] = [path for path in facts["dirty_repo"]
                      if inside in ("", ".") or path == inside or path.startswith(inside + "/")]
    branch = git_output(root, "symbolic-ref", "-q", "--short", "HEAD")
    facts["branch"] = branch.strip() if branch else None
    origin = git_output(root, "remote", "get-url", "origin")
    facts["origin"] = origin.strip() if origin else None
    if want_describe:  # the `git describe` arguments the backend uses (dirtiness is read from status above)
        described = git_output(root, "describe", *want_describe, *([facts["subject"]] if facts["subject"] else []))
        facts["describe"] = described.strip() if described else None
    return facts


def split_describe(text):
    """'v1.2-3-gabc1234' -> ('v1.2', 3, 'abc1234')."""
    tag, distance, node = text.rsplit("-", 2)
    return tag, int(distance), node[1:] if node.startswith("g") else node


# ----------------------------------------------------------------------------- reader: the version a build produces

def scm_settings(info):
    """(tool, tag_regex, describe) when the version comes from git tags (setuptools-scm, hatch-vcs, pdm scm,
    scikit-build-core's setuptools_scm provider), else None. `describe` is the `git describe` argument list
    (a configured git_describe_command, else setuptools-scm's default), or None when the configured command
    is not a plain `git describe` (then the version is not predicted)."""
    pyproject, family = info["pyproject"], backend_family(info["backend"])
    if not info["version_dynamic"] or info.get("legacy"):
        return None
    scm = table(pyproject, "tool", "setuptools_scm")
    if family == "hatch":
        hatch_version = table(pyproject, "tool", "hatch", "version")
        if hatch_version.get("source") == "vcs":
            raw = table(hatch_version, "raw-options")
            return ("hatch-vcs", text_value(hatch_version.get("tag-pattern")) or text_value(raw.get("tag_regex")),
                    describe_arguments(raw.get("git_describe_command")))
        return None
    if family == "pdm":
        pdm_version = table(pyproject, "tool", "pdm", "version")
        if pdm_version.get("source") == "scm":  # tag_filter: a glob over the tags git describe considers
            tag_filter = text_value(pdm_version.get("tag_filter"))
            return "pdm-backend scm", text_value(pdm_version.get("tag_regex")), \
                ["--tags", "--long", "--match", tag_filter if tag_filter else "*[0-9]*"]
        return None
    if family == "scikit-build-core":
        provider = table(pyproject, "tool", "scikit-build", "metadata", "version").get("provider")
        if provider == "scikit_build_core.metadata.setuptools_scm":
            return ("setuptools-scm (scikit-build-core provider)", text_value(scm.get("tag_regex")),
                    describe_arguments(scm.get("git_describe_command")))
        return None
    if family == "setuptools":
        has_table = isinstance(table(pyproject, "tool").get("setuptools_scm"), dict)
        uses_scm = has_table or any(
            canonicalize_name(requirement_name(item) or "") == "setuptools-scm" for item in info["requires"])
        if uses_scm and "version" not in table(pyproject, "tool", "setuptools", "dynamic"):
            return "setuptools-scm", text_value(scm.get("tag_regex")), describe_arguments(
                scm.get("git_describe_command"))
    return None


def describe_arguments(command):
    """The arguments after `git describe` of a configured git_describe_command (a string or a list), the default
    ones when none is configured, None when it is some other command (we do not run arbitrary commands)."""
    import shlex
    if command is None:
        return list(SCM_DESCRIBE_ARGS)
    try:
        words = shlex.split(command) if isinstance(command, str) else [str(word) for word in command] \
            if isinstance(command, list) else []
    except ValueError:
        return None
    if words[:2] != ["git", "describe"]:
        return None
    return [word for word in words[2:] if word not in ("--dirty", "--always")]


def requirement_name(text):
    from packaging.requirements import InvalidRequirement, Requirement  # slow to import: only when needed
    try:
        return Requirement(text).name
    except InvalidRequirement:
        return None


def valid_project_name(name):
    """PEP 508 name validity (packaging's own check; older packaging: parse it as a requirement)."""
    try:
        canonicalize_name(name, validate=True)
    except TypeError:
        return requirement_name(name) == name
    except ValueError:  # packaging.utils.InvalidName
        return False
    return True


def scm_schemes(info):
    """(version_scheme, local_scheme) from [tool.setuptools_scm] or hatch-vcs raw-options; local_scheme may be a
    list (setuptools-scm tries each in turn). Defaults: guess-next-dev, node-and-date."""
    pyproject = info["pyproject"]
    version_scheme = local_scheme = None
    for settings in (table(pyproject, "tool", "setuptools_scm"), table(pyproject, "tool", "hatch", "version",
                                                                         "raw-options")):
        version_scheme = version_scheme or settings.get("version_scheme")
        local_scheme = local_scheme or settings.get("local_scheme")
    return version_scheme or "guess-next-dev", local_scheme or "node-and-date"


def scm_local_scheme(info):
    return scm_schemes(info)[1]


class SchemeRefuses(Exception):
    """setuptools-scm raises for this tag and scheme: the build fails."""


class SchemeUnknown(Exception):
    """A scheme (a plugin's, or one whose inputs are not read here) that is not computed here."""


def scm_guess_next(text):
    """setuptools-scm's guess_next_version on the tag's public version text: a .dev0 tag is the release it leads to
    (9.2.0.dev0 -> 9.2.0); any other .devN cannot be bumped; else the last number goes up (1.0rc1 -> 1.0rc2)."""
    import re
    if ".dev" in text:
        prefix, tail = text.rsplit(".dev", 1)
        if tail != "0":
            raise SchemeRefuses(f"tag version {text} ends in .dev{tail}; setuptools-scm bumps only a .dev0 tag")
        return prefix
    match = re.match(r"(.*?)(\d+)$", text)
    if match is None:
        raise SchemeRefuses(f"tag version {text} does not end with a number to bump")
    return f"{match.group(1)}{int(match.group(2)) + 1}"


def scm_main_version(scheme, tag_version, distance, dirty, branch):
    """The public part setuptools-scm's version scheme gives (vcs-versioning _version_schemes/_standard.py)."""
    text = str(tag_version.public)
    if not isinstance(scheme, str):
        raise SchemeUnknown(f"version_scheme {scheme!r}")
    exact = distance == 0 and not dirty
    if scheme in SCM_BUILTIN_VERSION_SCHEMES and exact or scheme == "only-version":
        return text  # every scheme setuptools-scm ships gives the tag itself on a clean tagged commit
    if scheme == "guess-next-dev":
        return f"{scm_guess_next(text)}.dev{distance}"
    if scheme == "no-guess-dev":
        if ".dev" in text:
            return f"{scm_guess_next(text)}.dev{distance}"
        if "post" in text:
            raise SchemeRefuses(f"tag version {text} already is a post release (no-guess-dev refuses to guess)")
        return f"{text}.post1.dev{distance}"
    if scheme == "post-release":
        return f"{text}.post{distance}"
    if scheme in ("python-simplified-semver", "semver-pep440"):
        public = Version(text)
        epoch = f"{public.epoch}!" if public.epoch else ""
        if public.dev == 0:
            parts = list(public.release) + [0] * (3 - len(public.release))
        else:
            retain = 2 if branch is not None and "feature" in branch else 3
            parts = list(public.release[:retain]) + [0] * (retain - len(public.release[:retain]))
            parts[-1] += 1
            parts += [0] * (3 - len(parts))
        return epoch + ".".join(str(part) for part in parts) + f".dev{distance}"
    raise SchemeUnknown(f"version_scheme {scheme!r}")


def scm_local_part(schemes, distance, node, dirty, now):
    """The local part setuptools-scm's local scheme(s) give; node is git's hash (without the g)."""
    exact = distance == 0 and not dirty
    shown = ("g" + node)[:SCM_NODE_LENGTH] if node else None
    for scheme in schemes if isinstance(schemes, list) else [schemes]:
        if scheme in ("node-and-date", "node-and-timestamp"):
            when = now.strftime("%Y%m%d" if scheme == "node-and-date" else "%Y%m%d%H%M%S")
            if exact or shown is None:
                return f"+d{when}" if dirty else ""
            return f"+{shown}.d{when}" if dirty else f"+{shown}"
        if scheme == "dirty-tag":
            return "+dirty" if dirty else ""
        if scheme == "no-local-version":
            return ""
        if scheme in ("no-local-version-strict", "fail-on-uncommitted-changes"):
            if dirty:
                raise SchemeRefuses(f"local_scheme {scheme} fails on uncommitted changes")
            if scheme == "no-local-version-strict":
                return ""
            continue
        raise SchemeUnknown(f"local_scheme {scheme!r}")
    return "+unknown"


def scm_now():
    """setuptools-scm's clock for the .dYYYYMMDD part: SOURCE_DATE_EPOCH when set, else now (UTC)."""
    from datetime import datetime, timezone
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    try:
        return datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)
    except (ValueError, OverflowError, OSError):
        return datetime.now(timezone.utc)


def derive_scm_version(tool, tag_regex, describe, dirty, local_scheme, pretend=None, version_scheme="guess-next-dev",
                       branch=None, now=None):
    """(version or None, releasable, detail) as setuptools-scm (hatch-vcs, scikit-build-core's provider) computes it
    from `git describe` output; releasable is None when the outcome is not predicted here."""
    import re
    if pretend:
        return pretend, True, f"{pretend} from SETUPTOOLS_SCM_PRETEND_VERSION (set here; a CI build will not see it)"
    if not describe:
        return None, False, f"{tool}: no tag with a version is reachable from HEAD; the build gives a 0.1.devN version"
    try:
        tag, distance, node = split_describe(describe)
    except ValueError:
        return None, False, f"{tool}: cannot read `git describe` output {describe!r}"
    try:
        match = re.match(tag_regex or SCM_DEFAULT_TAG_REGEX, tag)
    except re.error as error:
        return None, False, f"{tool}: tag regex {tag_regex!r} does not compile: {error}"
    if not match:
        # what the backend then does (skip the tag, warn, fall back) differs by tool and version: unknown
        return None, None, f"{tool}: the nearest tag {tag!r} does not match the tag regex {tag_regex or 'default'}"
    raw = match.group("version") if "version" in match.groupdict() else (match.group(1) if match.groups()
                                                                           else match.group(0))
    tag_version = parse_version(raw)
    if tag_version is None:
        return None, False, f"{tool}: tag {tag!r} holds {raw!r}, which is not a PEP 440 version"
    if distance == 0 and not dirty:
        try:
            main = scm_main_version(version_scheme, tag_version, 0, False, branch)
            local = scm_local_part(local_scheme, 0, node, False, now or scm_now())
        except (SchemeRefuses, SchemeUnknown) as error:
            return None, None, f"{tool}: {error} is not computed here"
        return main + local, not local, f"{tool}: HEAD is exactly at tag {tag} and the tree is clean"
    try:
        version = scm_main_version(version_scheme, tag_version, distance, dirty, branch) + scm_local_part(
            local_scheme, distance, node, dirty, now or scm_now())
    except SchemeRefuses as error:
        return None, False, f"{tool}: {error}, so the build fails"
    except SchemeUnknown as error:
        return None, None, f"{tool}: {error} is not computed here"
    why = (f"{distance} commit(s) past tag {tag}" if distance else f"at tag {tag}") + (
        " with uncommitted changes to tracked files" if dirty else "")
    return version, False, f"{tool}: {why}, so the build gives a development version {version}"


def describe_for(info):
    """The `git describe` arguments the project's version tool needs read (setuptools-scm and kin,
    poetry-dynamic-versioning, versioningit), or None."""
    scm = scm_settings(info)
    if scm is not None:
        return scm[2]
    pdv = pdv_settings(info)
    if pdv is not None and isinstance(pdv.get("describe"), list):
        return pdv["describe"]
    vit = versioningit_settings(info)
    if vit is not None and isinstance(vit.get("describe"), list):
        return vit["describe"]
    return None


def pdv_settings(info):
    """poetry-dynamic-versioning's configuration when it is enabled, else None: {config, describe, unsupported}.
    Its documented defaults (mtkennerly/poetry-dynamic-versioning README): vcs any, style pep440, metadata unset
    (the commit only past the tag), dirty false, bump false, pattern dunamai's default (a leading v), plus an
    optional pattern-prefix."""
    pyproject = info["pyproject"]
    config = table(pyproject, "tool", "poetry-dynamic-versioning")
    if config.get("enable") is not True:
        return None
    unsupported = [key for key in ("format", "format-jinja", "bump", "latest-tag", "tag-branch", "tag-dir",
                                   "pattern", "commit-length", "highest-tag") if config.get(key)]
    if table(config, "from-file").get("source"):
        unsupported.append("from-file")
    if config.get("vcs", "any") not in ("any", "git"):
        unsupported.append(f"vcs = {config.get('vcs')!r}")
    if config.get("style") not in (None, "pep440", "semver"):
        unsupported.append(f"style = {config.get('style')!r}")
    prefix = config.get("pattern-prefix") or ""
    if not isinstance(prefix, str) or any(char in prefix for char in "\\^$.*+?()[]{}|"):
        unsupported.append("pattern-prefix (a regular expression)")
        prefix = ""
    return {"config": config, "prefix": prefix, "unsupported": unsupported,
            "describe": ["--tags", "--long", "--abbrev=40", "--match", f"{prefix}v*"]}


# dunamai's VERSION_SOURCE_PATTERN (mtkennerly/dunamai dunamai/__init__.py; dunamai 1.26.5): v + epoch!base,
# an optional stage and revision, optional +tagged metadata.
DUNAMAI_PATTERN = (r"^v((?P<epoch>\d+)!)?(?P<base>\d+(\.\d+)*)([-._]?((?P<stage>[a-zA-Z]+)[-._]?"
                   r"(?P<revision>\d+)?))?(\+(?P<tagged_metadata>.+))?$")


def dunamai_serialize(match, distance, commit, dirty, config):
    """dunamai Version.serialize for the options poetry-dynamic-versioning passes (no format, no bump)."""
    base, stage = match.group("base"), match.group("stage")
    revision = int(match.group("revision")) if match.group("revision") is not None else None
    epoch, tagged = match.group("epoch"), match.group("tagged_metadata")
    metadata, show_dirty = config.get("metadata"), config.get("dirty") is True
    meta = []
    if metadata is not False:
        if config.get("tagged-metadata") is True and tagged:
            meta.append(tagged)
        if (metadata or distance > 0) and commit:
            meta.append(commit)
        if show_dirty and dirty:
            meta.append("dirty")
    if config.get("style") == "semver":
        pre = ([stage] + ([str(revision)] if revision is not None else [])) if stage else []
        if distance > 0:
            pre += ["post", str(distance)]
        return base + ("-" + ".".join(pre) if pre else "") + ("+" + ".".join(meta) if meta else "")
    post = dev = None
    if stage == "post":
        stage, post = None, revision
    elif stage == "dev":
        stage, dev = None, revision
    if distance > 0:
        if post is None and dev is None:
            post, dev = distance, 0
        elif dev is None:
            dev = distance
        else:
            dev += distance
    out = (f"{epoch}!" if epoch is not None else "") + base
    if stage is not None:
        aliases = {"alpha": "a", "beta": "b", "c": "rc", "pre": "rc", "preview": "rc"}
        out += aliases.get(stage.lower(), stage.lower()) + str(revision if revision is not None else 0)
    out += (f".post{post}" if post is not None else "") + (f".dev{dev}" if dev is not None else "")
    return out + ("+" + ".".join(meta) if meta else "")


def resolve_pdv(result, info, git, commit_mode):
    import re
    pdv = pdv_settings(info)
    name = str(info["name"] or "")
    override = os.environ.get("POETRY_DYNAMIC_VERSIONING_BYPASS")
    for pair in (os.environ.get("POETRY_DYNAMIC_VERSIONING_OVERRIDE") or "").split(","):
        key, _, value = pair.partition("=")
        if value and canonicalize_name(key.strip() or "-") == canonicalize_name(name or "-"):
            override = value.strip()
    if override:
        result.update(version=override, vcs=True, how=f"{override} from POETRY_DYNAMIC_VERSIONING_BYPASS/OVERRIDE "
                                                      "(set here; a CI build will not see it)")
        return result
    if pdv["unsupported"]:
        result.update(unknown=True, vcs=True, how="poetry-dynamic-versioning with "
                                                  f"{', '.join(pdv['unsupported'])}: not computed here")
        return result
    if not git["repo"]:
        result.update(releasable=False, vcs=True, how="poetry-dynamic-versioning derives the version from git, but "
                                                        "this is not a git repository")
        return result
    if not git["describe"]:
        result.update(releasable=False, vcs=True, how="poetry-dynamic-versioning: no tag like "
                                                        f"{pdv['prefix']}v1.2.3 is reachable from HEAD, so the "
                                                        "build gives 0.0.0.post<N>.dev0+<commit>")
        return result
    try:
        tag, distance, node = split_describe(git["describe"])
    except ValueError:
        result.update(unknown=True, vcs=True, how=f"cannot read `git describe` output {git['describe']!r}")
        return result
    match = re.match(re.escape(pdv["prefix"]) + DUNAMAI_PATTERN[1:], tag) if pdv["prefix"] else re.match(
        DUNAMAI_PATTERN, tag)
    if not match:
        result.update(unknown=True, vcs=True, how=f"poetry-dynamic-versioning: the nearest tag {tag!r} does not "
                                                  "match dunamai's pattern, and which older tag it picks is not "
                                                  "computed here")
        return result
    dirty = not commit_mode and bool(git["dirty_repo"] or (git["untracked"] and not pdv["config"].get(
        "ignore-untracked")))
    version = dunamai_serialize(match, distance, node[:7], dirty, pdv["config"])
    if parse_version(version) is None:
        result.update(unknown=True, vcs=True, how=f"poetry-dynamic-versioning gives {version!r}, which is not a "
                                                  "PEP 440 version poetry would accept as is")
        return result
    where = f"HEAD is at tag {tag}" if distance == 0 else f"{distance} commit(s) past tag {tag}"
    substitution = table(pdv["config"], "substitution")
    if substitution.get("files", ["*.py"]) != [] and substitution.get("enable", True) is not False:
        result["substituted"] = "poetry-dynamic-versioning"  # its default substitution of __version__ = "0.0.0"
    result.update(version=version, vcs=True, releasable=distance == 0,
                  how=f"poetry-dynamic-versioning (dunamai rules): {where}"
                      + ("" if distance == 0 else f", so the build gives {version}"))
    return result


def versioningit_settings(info):
    """versioningit's configuration when the project uses it ([tool.versioningit] with setuptools, or hatchling's
    `source = "versioningit"`), else None: {config, describe, unsupported} for the documented defaults
    (versioningit basics.py/git.py: vcs git `git describe --long --dirty --always --tags`, tag2version strips a
    leading v, format distance/dirty/distance-dirty)."""
    pyproject = info["pyproject"]
    family = backend_family(info["backend"])
    config = table(pyproject, "tool", "versioningit")
    hatch_source = table(pyproject, "tool", "hatch", "version").get("source")
    if not (family == "setuptools" and isinstance(table(pyproject, "tool").get("versioningit"), dict)
            or family == "hatch" and hatch_source == "versioningit") or not info["version_dynamic"]:
        return None
    if family == "hatch":
        config = dict(config, **table(pyproject, "tool", "hatch", "version"))
    unsupported = []
    vcs, tag2version, fmt = config.get("vcs", {}), config.get("tag2version", {}), config.get("format", {})
    for key, value in (("vcs", vcs), ("tag2version", tag2version), ("format", fmt)):
        if not isinstance(value, dict) or value.get("method", "basic" if key != "vcs" else "git") not in (
                "basic", "git"):
            unsupported.append(f"a custom {key} method")
    if isinstance(fmt, dict) and any("{next_version" in str(value) for value in fmt.values()):
        unsupported.append("{next_version} in format")
    describe = ["--tags", "--long"]
    if isinstance(vcs, dict):
        describe += [f"--match={pattern}" for pattern in string_list(vcs.get("match"))]
        describe += [f"--exclude={pattern}" for pattern in string_list(vcs.get("exclude"))]
    return {"config": config, "vcs": vcs if isinstance(vcs, dict) else {},
            "tag2version": tag2version if isinstance(tag2version, dict) else {},
            "format": fmt if isinstance(fmt, dict) else {}, "unsupported": unsupported, "describe": describe}


VERSIONINGIT_FORMATS = {"distance": "{version}.post{distance}+{vcs}{rev}", "dirty": "{version}+d{build_date:%Y%m%d}",
                        "distance-dirty": "{version}.post{distance}+{vcs}{rev}.d{build_date:%Y%m%d}"}


def resolve_versioningit(result, info, git, commit_mode):
    import re
    vit = versioningit_settings(info)
    if vit["unsupported"]:
        result.update(unknown=True, vcs=True, how=f"versioningit with {', '.join(vit['unsupported'])}: "
                                                  "not computed here")
        return result
    if not git["repo"] or not git["describe"]:
        default = vit["vcs"].get("default-tag") or vit["config"].get("default-version")
        how = "this is not a git repository" if not git["repo"] else "no tag is reachable from HEAD"
        result.update(releasable=False, vcs=True, how=f"versioningit: {how}" + (
            f" (the build falls back to {default})" if default else ", so the build fails"))
        return result
    try:
        tag, distance, node = split_describe(git["describe"])
    except ValueError:
        result.update(unknown=True, vcs=True, how=f"cannot read `git describe` output {git['describe']!r}")
        return result
    params, version = vit["tag2version"], tag
    if isinstance(params.get("rmprefix"), str) and version.startswith(params["rmprefix"]):
        version = version[len(params["rmprefix"]):]
    if isinstance(params.get("rmsuffix"), str) and params["rmsuffix"] and version.endswith(params["rmsuffix"]):
        version = version[:-len(params["rmsuffix"])]
    if isinstance(params.get("regex"), str):
        try:
            found = re.search(params["regex"], version)
        except re.error:
            found = None
        if found is None:
            if params.get("require-match"):
                result.update(releasable=False, vcs=True, how=f"versioningit: tag {tag!r} does not match "
                                                                "tag2version.regex, so the build fails")
                return result
        else:
            version = found.group("version") if "version" in found.groupdict() else found.group(0)
    version = version.lstrip("v")
    dirty = not commit_mode and bool(git["dirty_repo"])
    state = "exact" if distance == 0 and not dirty else "distance-dirty" if distance and dirty else \
        "distance" if distance else "dirty"
    if state != "exact":
        formats = dict(VERSIONINGIT_FORMATS, **{key: value for key, value in vit["format"].items()
                                               if isinstance(value, str) and key != "method"})
        try:
            version = formats[state].format_map({"version": version, "base_version": version, "distance": distance,
                                                 "vcs": "g", "rev": node[:7], "build_date": scm_now(),
                                                 "branch": git.get("branch")})
        except (KeyError, ValueError, IndexError, AttributeError):
            result.update(unknown=True, vcs=True, how=f"versioningit's format for the {state} state uses fields "
                                                      "not computed here")
            return result
    where = f"HEAD is at tag {tag}" if distance == 0 else f"{distance} commit(s) past tag {tag}"
    result.update(version=version, vcs=True, releasable=state == "exact",
                  how=f"versioningit: {where}" + ("" if state == "exact" else f" ({state}), so the build gives "
                                                                               f"{version}"))
    return result


def resolve_version(files, info, git):
    """The version a build will produce: {version, releasable, how, source_file, unknown, vcs}."""
    root = files.root
    pyproject, family = info["pyproject"], backend_family(info["backend"])
    result = {"version": None, "releasable": True, "how": "", "source_file": None, "unknown": False, "vcs": False}
    static = info["static_version"]
    if pdv_settings(info) is not None:  # rewrites [tool.poetry].version from git at build time
        return resolve_pdv(result, info, git, files.commit is not None)
    if versioningit_settings(info) is not None:
        return resolve_versioningit(result, info, git, files.commit is not None)
    if family == "poetry" and info["has_project"] and info["version_dynamic"] and static is None:
        # poetry-core 2: a dynamic [project] version is read from [tool.poetry].version
        static, info = table(pyproject, "tool", "poetry").get("version"), dict(
            info, version_dynamic=False, version_source="[tool.poetry].version (dynamic [project].version)")
    if (info.get("legacy") or {}).get("version_opaque"):
        result.update(unknown=True, how=f"no [project] table: {info['legacy']['version_opaque']}")
        return result
    if not info["version_dynamic"] or (family == "poetry" and not info["has_project"]):
        if static is None:
            result.update(unknown=False, releasable=False, how=f"no {info['version_source']} and 'version' is not "
                                                               "listed in [project].dynamic")
            return result
        if not isinstance(static, str):
            result.update(releasable=False, how=f"{info['version_source']} = {static!r} is not a string")
            return result
        result.update(version=static, how=f"static {info['version_source']}")
        return result
    if static is not None and not info.get("legacy"):
        result.update(releasable=False, how="[project].version is set and also listed in [project].dynamic "
                                            "(PEP 621 forbids both)")
        return result
    scm = scm_settings(info)
    if scm is not None:
        tool, tag_regex, describe = scm
        if describe is None:
            result.update(unknown=True, vcs=True, how=f"{tool}: git_describe_command is not a plain `git describe`; "
                                                      "not run here")
            return result
        name = canonicalize_name(str(info["name"] or "")).replace("-", "_").upper()
        pretend = (os.environ.get(f"SETUPTOOLS_SCM_PRETEND_VERSION_FOR_{name}")
                   or os.environ.get("SETUPTOOLS_SCM_PRETEND_VERSION")) if tool != "pdm-backend scm" else None
        if git["refused"] and not pretend:
            result.update(releasable=False, vcs=True, how=f"{tool} derives the version from git, but git "
                                                            "refuses this repository (dubious ownership)")
            return result
        if not git["repo"] and not pretend:
            result.update(releasable=False, vcs=True, how=f"{tool} derives the version from git, but "
                                                            f"{root} is not in a git repository")
            return result
        version_scheme, local_scheme = scm_schemes(info)
        if tool == "pdm-backend scm":  # pdm-backend's own defaults (not setuptools-scm's schemes)
            version_scheme, local_scheme = "guess-next-dev", "node-and-date"
        version, releasable, how = derive_scm_version(tool, tag_regex, git["describe"],
                                                      bool(git["dirty_repo"]) and not files.commit,
                                                      local_scheme, pretend, version_scheme,
                                                      None if files.commit else git.get("branch"))
        result.update(version=version, releasable=bool(releasable), unknown=releasable is None, how=how, vcs=True)
        return result
    path, attribute, how = None, "__version__", ""
    if family == "hatch":
        hatch_version = table(pyproject, "tool", "hatch", "version")
        source = text_value(hatch_version.get("source")) or "regex"
        if source != "regex" or not text_value(hatch_version.get("path")):
            result.update(unknown=True, how=f"[tool.hatch.version] source {source!r} without a path is not "
                                            "computed here")
            return result
        path = os.path.join(root, hatch_version["path"])
        pattern = text_value(hatch_version.get("pattern"))
        return version_from_pattern(files, result, path, pattern or HATCH_DEFAULT_PATTERN, hatch_version["path"],
                                    "pattern" if pattern else "default pattern", "[tool.hatch.version]", "hatchling")
    if family == "pdm":
        pdm_version = table(pyproject, "tool", "pdm", "version")
        if pdm_version.get("source") == "file" and text_value(pdm_version.get("path")):
            return version_from_pattern(files, result, os.path.join(root, pdm_version["path"]), PDM_FILE_PATTERN,
                                        pdm_version["path"], "pattern", "[tool.pdm.version]", "pdm-backend")
        result.update(unknown=True, how=f"[tool.pdm.version] source {pdm_version.get('source')!r} is not "
                                        "computed here")
        return result
    if family == "setuptools":
        dynamic_version = table(pyproject, "tool", "setuptools", "dynamic").get("version")
        if info.get("legacy") and isinstance(static, str):  # setup.cfg `version = attr: x.y` / `file: VERSION`
            kind, _, value = static.partition(":")
            dynamic_version = {kind.strip(): value.strip() if kind.strip() == "attr" else
                               [item.strip() for item in value.split(",") if item.strip()]}
        if isinstance(dynamic_version, dict) and text_value(dynamic_version.get("attr")):
            dotted = dynamic_version["attr"]
            module, _, attribute = dotted.rpartition(".")
            package_dirs = package_dir_bases(pyproject, module)
            path = module_file(files, module, package_dirs) if module else None
            if path is None:
                result.update(unknown=True, how=f"cannot find module {module!r} named by "
                                                f"[tool.setuptools.dynamic] version attr")
                return result
            return version_from_assignment(files, result, path, (attribute,), f"attr = {dotted!r}")
        if isinstance(dynamic_version, dict) and string_list(dynamic_version.get("file")):
            names = string_list(dynamic_version.get("file"))
            texts = [files.read_text(os.path.join(root, name)) for name in names]
            if any(text is None for text in texts):
                result.update(releasable=False, how=f"cannot read {names} named by [tool.setuptools.dynamic]")
                return result
            result.update(version="\n".join(text.strip() for text in texts).strip(), source_file=os.path.join(
                root, names[0]), how=f"file = {names!r}")
            return result
        result.update(unknown=True, how="dynamic version without [tool.setuptools.dynamic] version or "
                                        "setuptools-scm: not computed here")
        return result
    if family == "flit":
        module = text_value(table(pyproject, "tool", "flit", "module").get("name")) or \
            text_value(table(pyproject, "tool", "flit", "metadata").get("module")) or \
            canonicalize_name(str(info["name"] or "")).replace("-", "_")
        path = module_file(files, module)
        if path is None:
            result.update(unknown=True, how=f"flit reads {module}.__version__, but module {module!r} was not found")
            return result
        return version_from_assignment(files, result, path, ("__version__",), f"flit reads {module}.__version__")
    if family == "maturin":
        manifest = text_value(table(pyproject, "tool", "maturin").get("manifest-path")) or "Cargo.toml"
        version, where = cargo_package_version(files, manifest)
        if isinstance(version, str):
            result.update(version=version, how=f"maturin reads the crate version ({where})",
                          source_file=os.path.join(root, manifest))
            return result
        result.update(unknown=True, how=f"maturin reads the version from {manifest}, which has none here ({where})")
        return result
    result.update(unknown=True, how=f"dynamic version with build backend {info['backend'] or '(none)'!r} "
                                    "is not computed here")
    return result


def read_toml_file(files, path):
    try:
        return tomllib.loads(files.read_text(path) or "")
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        return {}


def cargo_package_version(files, manifest):
    """(version, where) of the crate maturin builds: [package].version, or with `version.workspace = true` the
    [workspace.package].version of the nearest enclosing workspace Cargo.toml (Cargo's rule), up to root."""
    root = files.root
    path = os.path.normpath(os.path.join(root, manifest))
    version = table(read_toml_file(files, path), "package").get("version")
    shown = os.path.relpath(path, root)
    if not (isinstance(version, dict) and version.get("workspace") is True):
        return version, f"[package].version in {shown}"
    directory, top = os.path.dirname(path), os.path.realpath(root)
    while True:
        candidate = os.path.join(directory, "Cargo.toml")
        data = read_toml_file(files, candidate) if files.is_file(candidate) else {}
        if "workspace" in data:
            return table(data, "workspace", "package").get("version"), \
                f"[workspace.package].version in {os.path.relpath(candidate, root)}"
        if os.path.realpath(directory) == top or os.path.dirname(directory) == directory:
            return None, f"{shown} inherits the workspace version, but no workspace Cargo.toml was found"
        directory = os.path.dirname(directory)


def package_dir_bases(pyproject, module):
    """Base directories setuptools maps top-level packages to ([tool.setuptools] package-dir)."""
    mapping = table(pyproject, "tool", "setuptools", "package-dir")
    top = module.split(".")[0] if module else ""
    bases = []
    if isinstance(mapping.get(top), str):
        bases.append(os.path.dirname(mapping[top].rstrip("/")))
    if isinstance(mapping.get(""), str):
        bases.append(mapping[""])
    for where in string_list(table(pyproject, "tool", "setuptools", "packages", "find").get("where")):
        bases.append(where)
    return bases + ["", "src"]


def version_from_assignment(files, result, path, names, how):
    text = files.read_text(path) if path else None
    if text is None:
        result.update(releasable=False, how=f"{how}: cannot read {path}")
        return result
    values = literal_assignments(text)
    for name in names:
        if values.get(name):
            version = values[name]
            result.update(version=version, how=f"{how} ({os.path.basename(path)}: {name})", source_file=path)
            return result
    result.update(unknown=True, how=f"{how}: no string literal {' or '.join(names)} in {path}")
    return result


def version_from_pattern(files, result, path, pattern, shown, which, table_name, tool):
    """A backend's regex version source (hatchling regex, pdm-backend file): the first match of `pattern`
    (MULTILINE) in the file, group `version` (else group 1), exactly as the backend searches."""
    import re
    text = files.read_text(path)
    if text is None:
        result.update(releasable=False, how=f"{table_name} path {shown!r} cannot be read")
        return result
    try:
        match = re.search(pattern, text, re.MULTILINE)
    except re.error as error:
        result.update(releasable=False, how=f"{table_name} pattern does not compile: {error}")
        return result
    if not match:
        why = " (an annotated `__version__: str = ...` does not match it)" if which == "default pattern" or \
            tool == "pdm-backend" else ""
        result.update(releasable=False, how=f"{tool}'s {which} finds no version in {shown}{why}, so the build fails")
        return result
    version = match.group("version") if "version" in match.groupdict() else match.group(1)
    result.update(version=version, how=f"{table_name} path = {shown!r} ({tool}'s {which})", source_file=path)
    return result


# ----------------------------------------------------------------------------- reader: the import package

def find_import_package(files, info):
    """(path of __init__.py or module .py, how it was found) for *this* project's import package, or (None, why)."""
    root = files.root
    pyproject, family = info["pyproject"], backend_family(info["backend"])
    wanted = canonicalize_name(str(info["name"] or "")).replace("-", "_")
    declared = []  # (base dir, package dotted name) the backend is told about
    if family == "hatch":
        wheel = table(pyproject, "tool", "hatch", "build", "targets", "wheel")
        for key in ("packages", "only-include", "include"):  # directories the wheel is told to ship
            for item in string_list(wheel.get(key)):
                item = item.strip("/")
                if item and not any(char in item for char in "*?["):
                    declared.append((os.path.dirname(item), os.path.basename(item)))
    elif family == "setuptools":
        tool = table(pyproject, "tool", "setuptools")
        for package in string_list(tool.get("packages")) or string_list(tool.get("py-modules")):
            bases = package_dir_bases(pyproject, package)
            declared.extend((base, package) for base in bases)
    elif family == "flit":
        module = text_value(table(pyproject, "tool", "flit", "module").get("name"))
        if module:
            declared += [("", module), ("src", module)]
    elif family == "pdm":
        base = text_value(table(pyproject, "tool", "pdm", "build").get("package-dir"))
        if base:
            declared.append((base, wanted))
    elif family == "poetry":
        for item in table(pyproject, "tool", "poetry").get("packages") or []:
            if isinstance(item, dict) and text_value(item.get("include")):
                declared.append((text_value(item.get("from")) or "", item["include"]))
    elif family == "uv":  # uv_build: [tool.uv.build-backend] module-root (default src) and module-name
        backend = table(pyproject, "tool", "uv", "build-backend")
        module = text_value(backend.get("module-name")) or wanted
        declared.append((text_value(backend.get("module-root")) or "src", module))
    elif family == "maturin":  # python-source holds the Python package named by module-name's first part
        maturin = table(pyproject, "tool", "maturin")
        module = text_value(maturin.get("module-name")) or wanted
        declared.append((text_value(maturin.get("python-source")) or "", module.split(".")[0]))
    for base, dotted in declared:
        if "." in dotted.split("/")[-1] and dotted.endswith(".py"):
            dotted = dotted[:-3]
        if any(part.lower() in NOT_THE_PACKAGE for part in dotted.replace("/", ".").split(".")):
            continue
        path = module_file(files, dotted.replace("/", "."), (base,))
        if path:
            return path, f"declared to {family}"
    dotted = str(info["name"] or "").lower().replace("-", "_")  # zope.interface -> zope/interface/
    for base in ("src", ""):
        for module in dict.fromkeys([wanted] + ([dotted] if "." in dotted else [])):
            path = module_file(files, module, (base,))
            if path:
                return path, "matches the project name"
    candidates = []
    for base in ("src", ""):
        directory = os.path.join(root, base)
        for entry in files.listdir(directory) or []:
            if entry.startswith((".", "_")) or entry.lower() in NOT_THE_PACKAGE or not entry.isidentifier():
                continue
            init = os.path.join(directory, entry, "__init__.py")
            if files.is_file(init):
                candidates.append(init)
        if candidates:
            break
    if len(candidates) == 1 and family in ("hatch", "flit", "poetry"):
        # these backends ship the package named after the project unless told otherwise: another one is not it
        shown = os.path.relpath(candidates[0], root)
        return None, f"{shown} is the only package, but it is not named after the project ({wanted}) nor " \
                     f"declared to {family}: not compared"
    if len(candidates) == 1:
        return candidates[0], "the only top-level package"
    if candidates:
        return None, f"several top-level packages and none is named {wanted}"
    return None, "no import package found"


# ----------------------------------------------------------------------------- reader: lock files

def lock_candidates(root, toplevel):
    """(directory, filename) of lock files that may record the project: its own, then a uv workspace's uv.lock in
    an enclosing directory up to the repository top (uv keeps one lock at the workspace root)."""
    yield from ((root, filename) for filename in ("uv.lock", "poetry.lock", "pdm.lock"))
    if not toplevel:
        return
    directory, top = os.path.realpath(root), os.path.realpath(toplevel)
    while directory != top and os.path.dirname(directory) != directory and directory.startswith(top + os.sep):
        directory = os.path.dirname(directory)
        yield directory, "uv.lock"


def read_lock(files, name):
    """{file, version} for the project's own entry in uv.lock / poetry.lock / pdm.lock, or {file, missing}."""
    normalized, root = canonicalize_name(name), files.root
    for directory, filename in lock_candidates(root, files.top):
        text = files.read_text(os.path.join(directory, filename), limit=64 << 20)
        if text is None:
            continue
        # uv records a member's source as its path relative to the lock: "." for the project itself
        here = os.path.relpath(os.path.realpath(root), os.path.realpath(directory)).replace(os.sep, "/")
        if directory != root:
            filename = os.path.relpath(os.path.join(directory, filename), root).replace(os.sep, "/")
        try:
            data = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, ValueError, RecursionError) as error:
            return {"file": filename, "error": first_line(error)}
        for package in data.get("package") or [] if isinstance(data.get("package"), list) else []:
            if not isinstance(package, dict) or not isinstance(package.get("name"), str):
                continue
            if canonicalize_name(package["name"]) != normalized:
                continue
            source = package.get("source") if isinstance(package.get("source"), dict) else {}
            uv = filename.endswith("uv.lock")
            if uv and here not in (source.get("editable"), source.get("virtual"), source.get("directory")):
                continue  # the same name from an index is a dependency, not this project
            if not uv and source.get("type") not in (None, "directory") or \
                    (not uv and source.get("url") not in (None, ".")):
                continue
            return {"file": filename, "version": package.get("version")}
        return {"file": filename, "missing": True}
    return None


# ----------------------------------------------------------------------------- reader: dist/

def read_dist_dir(root):
    """[(filename, version or None)] for distributions in root/dist."""
    try:
        names = sorted(os.listdir(os.path.join(root, "dist")))
    except OSError:
        return None
    found = []
    for filename in names:
        if filename.endswith((".whl", ".tar.gz", ".zip")):
            found.append((filename, history_file_version(filename)))
    return found


def legacy_filename_versions(filename):
    """Versions a legacy filename (.egg, .exe, odd sdists) may carry: every run of dash-separated pieces that
    parses as a version. Linear in the filename: a PEP 440 version without a local part spans at most
    LEGACY_VERSION_PIECES pieces and starts with a digit (after an optional v), so only such runs are tried."""
    stem = filename
    for suffix in (".tar.gz", ".tar.bz2", ".tar.xz", ".tgz", ".zip", ".egg", ".exe", ".msi", ".rpm", ".dmg",
                   ".tar", ".whl"):
        if stem.endswith(suffix):
            stem = stem[:-len(suffix)]
            break
    for marker in (".win32", ".win-amd64", ".linux-", ".macosx-"):
        stem = stem.split(marker)[0]
    pieces, found, seen = stem.split("-"), [], {}
    for start in range(1, len(pieces)):
        head = pieces[start].strip()
        if not (head[1:] if head[:1] in ("v", "V") else head)[:1].isdigit():
            continue
        for end in range(start + 1, min(len(pieces), start + LEGACY_VERSION_PIECES) + 1):
            text = "-".join(pieces[start:end])
            version = seen[text] if text in seen else seen.setdefault(text, parse_version(text))
            if version is not None:
                found.append(version)
    return found



# ----------------------------------------------------------------------------- reader: workflows

def load_yaml(text):
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader


def parse_workflow_text(filename, text, read_script=None):
    """A workflow file -> {file, error} or {file, reusable, triggers, jobs: [publishing job facts], calls}.

    read_script(path) -> text or None reads a file of the repository (paths relative to the checkout): `run:`
    steps that call the repository's own scripts are followed into them (follow_scripts)."""
    try:
        data = load_yaml(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        problem = getattr(error, "problem", None)
        return {"file": filename, "line": mark.line + 1 if mark is not None else None,
                "column": mark.column + 1 if mark is not None else None,
                "error": "not valid YAML" + (f": {first_line(problem, 120)}" if problem else "")}
    except (ValueError, RecursionError, MemoryError) as error:
        return {"file": filename, "error": f"not readable YAML: {first_line(error)}"}
    if not isinstance(data, dict):
        return {"file": filename, "line": 1, "column": 1,
                "error": "not a workflow (the top level is not a mapping)"}
    if not isinstance(data.get("jobs"), dict):
        return {"file": filename, "line": 1, "column": 1, "error": "not a workflow (no `jobs:` mapping)"}
    triggers = data.get("on", data.get(True))  # YAML 1.1 reads a bare `on` key as True
    if isinstance(triggers, str):
        triggers = {triggers: None}
    elif isinstance(triggers, list):
        triggers = {item: None for item in triggers if isinstance(item, str)}
    elif not isinstance(triggers, dict):
        triggers = {}
    workflow_permissions = data.get("permissions")
    workflow_env = data.get("env") if isinstance(data.get("env"), dict) else {}
    jobs = data["jobs"]
    publishing, calls = [], []
    for job_id, job in jobs.items():
        if not isinstance(job, dict):
            continue
        if isinstance(job.get("uses"), str):
            # a called workflow's jobs get (at most) the GITHUB_TOKEN permissions of the calling job
            granted = has_id_token(job.get("permissions", workflow_permissions))
            calls.append({"job": str(job_id), "uses": local_uses(job["uses"]), "id_token": granted})
            continue
        steps = job_steps(job)
        if read_script is not None:
            steps = [followed_step(step, read_script) for step in steps]
        how = publishing_method(steps)
        if how:
            publishing.append(describe_publishing_job(str(job_id), job, steps, how, workflow_permissions,
                                                      workflow_env, "permissions" in data, triggers))
            publishing[-1]["gated"] = publishing[-1]["gated"] or gated_by_needs(job, jobs, triggers=triggers)
            publishing[-1]["clues"] = build_clues(job, jobs)
    return {"file": filename, "reusable": "workflow_call" in triggers, "triggers": triggers,
            "jobs": publishing, "calls": calls, "words": workflow_words(data) if publishing else set()}


def workflow_words(data, limit=20000):
    """The words of a parsed workflow's strings (split on blanks, quotes and `=,:;`), path-like words also without
    a leading `./` and with their leading directories: what tells which directory or project a workflow builds."""
    words = set()
    for text in all_strings(data):
        for word in text.replace("'", " ").replace('"', " ").replace("=", " ").replace(",", " ").replace(
                ";", " ").replace(":", " ").split():
            word = word.strip("./") if word not in (".", "./") else "."
            parts = word.split("/")
            words.update("/".join(parts[:count]) for count in range(1, min(len(parts), 6) + 1))
            if len(words) > limit:
                return words
    return words


def local_uses(uses):
    """`$/path` (GitHub's newer spelling of this repository's own path, July 2026) as the `./path` it means."""
    return "./" + uses[2:] if isinstance(uses, str) and uses.startswith("$/") else uses


def job_steps(job, budget=2000):
    """The job's steps in order, with the steps of `parallel:` groups (at any depth) in their place.

    A group is a step whose `parallel:` is a list of steps (GitHub step groups, 2026-06-25); the group entry itself
    is kept too (its `if:` gates every step inside). Background steps (`background: true`) are ordinary steps."""
    found, stack = [], [iter(job.get("steps") if isinstance(job.get("steps"), list) else [])]
    while stack and len(found) < budget:
        step = next(stack[-1], None)
        if step is None:
            stack.pop()
            continue
        if not isinstance(step, dict):
            continue
        found.append(dict(step, uses=local_uses(step["uses"])) if isinstance(step.get("uses"), str) else step)
        if isinstance(step.get("parallel"), list) and len(stack) < 50:
            stack.append(iter(step["parallel"]))
    return found


SCRIPT_DEPTH = 3  # how deep `run:` steps are followed into the repository's scripts (a script calling a script)
SHELLS = ("sh", "bash", "zsh", "dash", "source", ".", "exec", "sudo", "env", "time", "nohup")
PYTHONS = ("python", "python3", "py")


def followed_step(step, read_script):
    """The step with the text of the repository scripts its `run:` calls appended (a `followed` list names them)."""
    if not isinstance(step.get("run"), str):
        return step
    base = str(step.get("working-directory") or "").strip().strip("/")
    texts, followed = follow_scripts(step["run"], read_script, base, SCRIPT_DEPTH, set())
    return dict(step, run=step["run"] + "\n" + "\n".join(texts), followed=followed) if texts else step


def follow_scripts(command, read_script, base, depth, seen):
    """([script texts], [paths]) of the repository's files a shell command runs: `scripts/publish`,
    `./release.sh`, `bash x.sh`, `python tools/release.py` (an upload through twine's API or a subprocess is
    turned into a `twine upload` line), `make TARGET` (the target's recipe), at most `depth` levels deep."""
    texts, followed = [], []
    if depth <= 0:
        return texts, followed
    for words in shell_words(command):
        words = script_command(words)
        if not words:
            continue
        program = words[0]
        if program == "-m":  # python -m package.module: the repository's own module, when it is one
            if words[1].split(".", 1)[0] in ("twine", "pip", "build", "uv", "pytest", "tox", "nox", "mkdocs",
                                              "hatch", "poetry", "pdm", "flit", "maturin", "venv", "pipx"):
                continue
            stem = words[1].replace(".", "/")
            for candidate in (f"{stem}.py", f"src/{stem}.py", f"{stem}/__main__.py", f"src/{stem}/__main__.py"):
                path = "/".join(filter(None, [base, candidate]))
                text = read_script(path) if path not in seen else None
                if text is not None:
                    seen.add(path)
                    more, paths = python_follow(path, text, read_script, depth - 1, seen)
                    texts, followed = texts + more, followed + [path] + paths
                    break
            continue
        if program_name(program) in ("tox", "nox"):
            tool = program_name(program)
            envs = [words[i + 1] for i, word in enumerate(words[:-1]) if word in ("-e", "-s", "--session", "--env")]
            envs = [name for value in envs for name in value.split(",")]
            config = "tox.ini" if tool == "tox" else "noxfile.py"
            path = "/".join(filter(None, [base, config]))
            text = read_script(path) if config not in seen else None
            found = (tox_commands(text, envs) if tool == "tox" else nox_sessions(text, envs)) if text else ""
            if found:
                seen.add(config)
                followed.append(path)
                texts.append(found)
            continue
        if program_name(program) == "make":
            targets = [word for word in words[1:] if not word.startswith("-") and "=" not in word] or [None]
            text = read_script("/".join(filter(None, [base, "Makefile"])))
            recipe = make_recipe(text, targets[0]) if text else ""
            if recipe and "Makefile" not in seen:
                seen.add("Makefile")
                followed.append("/".join(filter(None, [base, "Makefile"])))
                texts.append(recipe)
                more, paths = follow_scripts(recipe, read_script, base, depth - 1, seen)
                texts, followed = texts + more, followed + paths
            continue
        if "${{" in program or program.startswith(("/", "$", "~")) or not (
                "/" in program or program.endswith((".sh", ".py", ".bash"))):
            continue
        path = os.path.normpath("/".join(filter(None, [base, program]))).replace(os.sep, "/")
        if path.startswith("../") or path in seen:
            continue
        seen.add(path)
        text = read_script(path)
        if text is None:
            continue
        followed.append(path)
        if path.endswith(".py") or text.startswith("#!") and "python" in text.split("\n", 1)[0]:
            more, paths = python_follow(path, text, read_script, depth - 1, seen)
            texts, followed = texts + more, followed + paths
            continue
        texts.append(text)
        more, paths = follow_scripts(text, read_script, base, depth - 1, seen)
        texts, followed = texts + more, followed + paths
    return [text for text in texts if text], followed


def script_command(words):
    """The words from the program a command line runs on, past `VAR=value`, shells and interpreters with their
    options (`bash -e x.sh`, `python3 tools/release.py`) and `uv run`/`poetry run`/`pdm run`/`hatch run`;
    ["-m", MODULE] for `python -m MODULE`; None for `sh -c TEXT` (no file)."""
    index = 0
    while index < len(words):
        word, name = words[index], program_name(words[index])
        if index == 0 and "=" in word and not word.startswith("-") and "/" not in word.split("=", 1)[0]:
            index += 1
        elif name in ("uv", "poetry", "pdm", "hatch", "pipenv", "rye") and words[index + 1:index + 2] == ["run"]:
            index += 2
        elif name in SHELLS + PYTHONS:
            index += 1
            while index < len(words) and words[index].startswith("-"):
                if words[index] == "-m" and name in PYTHONS and index + 1 < len(words):
                    return ["-m", words[index + 1]]  # a module of the repository, maybe (follow_scripts)
                if words[index] in ("-m", "-c"):
                    return None
                index += 1
        else:
            return words[index:]
    return None


def python_follow(path, text, read_script, depth, seen):
    """([upload lines], [paths]) of a Python file of the repository and of the modules of its own package that it
    imports (relative imports, or absolute ones under the same top-level package), `depth` levels deep."""
    import ast
    texts, followed = [python_uploads(text)], []
    if depth <= 0:
        return [t for t in texts if t], followed
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return [t for t in texts if t], followed
    parts = path.split("/")[:-1]
    root = 1 if parts[:1] == ["src"] else 0  # the package starts after src/
    package = parts[root:root + 1]
    modules = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            here = parts[:len(parts) - (node.level - 1)] if node.level > 1 else parts
            stem = here + (node.module.split(".") if node.module else [])
            modules += [stem] + [stem + [alias.name] for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and package and node.module.split(".")[0] == package[0]:
            stem = parts[:root] + node.module.split(".")
            modules += [stem] + [stem + [alias.name] for alias in node.names]
        elif isinstance(node, ast.Import):
            modules += [parts[:root] + alias.name.split(".") for alias in node.names
                        if package and alias.name.split(".")[0] == package[0]]
    for stem in modules[:40]:
        for candidate in ("/".join(stem) + ".py", "/".join(stem + ["__init__.py"])):
            if candidate in seen:
                continue
            found = read_script(candidate)
            if found is not None:
                seen.add(candidate)
                more, paths = python_follow(candidate, found, read_script, depth - 1, seen)
                if more:  # only the modules on the way to an upload are named
                    texts, followed = texts + more, followed + [candidate] + paths
                break
    return [t for t in texts if t], followed


def python_uploads(text):
    """`twine upload` / `uv publish` lines for a Python script that uploads through a subprocess or twine's API."""
    compact = " ".join(text.replace("'", '"').split())
    lines = []
    if any(form in compact for form in ('"twine", "upload"', "twine upload", "twine.commands.upload",
                                        "from twine.commands import upload", '"-m", "twine"')):
        lines.append("twine upload")
    if '"uv", "publish"' in compact or "uv publish" in compact:
        lines.append("uv publish")
    return "\n".join(lines)


def tox_commands(text, envs):
    """The `commands` of tox.ini environments (`[testenv:NAME]`), as shell lines."""
    import configparser
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return ""
    lines = []
    for name in envs:  # the environment's deps are installed first: a twine pin there is the twine that runs
        deps = [dep for dep in parser.get(f"testenv:{name}", "deps", fallback="").split() if not dep.startswith("-")]
        lines += [f"pip install {dep}" for dep in deps] + [parser.get(f"testenv:{name}", "commands", fallback="")]
    return "\n".join(lines)


def nox_sessions(text, envs):
    """`twine upload`/`uv publish` lines for the noxfile.py sessions named (read with ast, never run)."""
    import ast
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return ""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and (node.name in envs or not envs) and any(
                "session" in ast.unparse(decorator) for decorator in node.decorator_list):
            found.append(python_uploads(ast.unparse(node)))
    return "\n".join(line for line in found if line)


def make_recipe(text, target):
    """The recipe lines (tab-indented, `@`/`-` stripped) of a Makefile target, the first target when None."""
    lines, inside = [], False
    for line in text.splitlines():
        if line.startswith("\t"):
            if inside:
                lines.append(line.strip().lstrip("@-"))
            continue
        head = line.split("#", 1)[0]
        if ":" in head and not head.startswith((" ", ".")) and "=" not in head.split(":", 1)[0]:
            names = head.split(":", 1)[0].split()
            inside = target in names if target else not lines and bool(names)
            if inside is False and lines and target is None:
                break
        elif head.strip():
            inside = False
    return "\n".join(lines)


def publishing_method(steps):
    for step in steps:
        uses = step.get("uses")
        if isinstance(uses, str) and uses.lower().split("@")[0].rstrip("/") == PUBLISH_ACTION:
            return "action"
    for reader in upload_readers(steps):  # by the words of the command: `pipx run twine==6.1.0 upload` too
        return "twine upload" if reader["kind"] == "twine" else reader["kind"]
    for step in steps:
        command = step.get("run")
        for upload in UPLOAD_COMMANDS if isinstance(command, str) else ():
            if upload in command:
                return upload
    return None


def all_strings(value, budget=20000):
    """Every string inside value, visiting at most `budget` nodes (YAML aliases can nest exponentially)."""
    stack, seen = [value], 0
    while stack and seen < budget:
        item = stack.pop()
        seen += 1
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def secret_names(value):
    """Names used as ${{ secrets.NAME }} (or secrets['NAME']) anywhere in value."""
    import re
    names = set()
    for text in all_strings(value):
        names.update(re.findall(r"secrets\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_]*)|\[\s*['\"]([^'\"]+)['\"]\s*\])", text))
    return {left or right for left, right in names}


def has_id_token(permissions):
    if permissions == "write-all":
        return True
    return isinstance(permissions, dict) and permissions.get("id-token") == "write"


def upload_target(where):
    """'pypi', 'testpypi' or 'other HOST' for an upload URL or a repository name (twine -r, uv --index).

    An expression (`${{ ... }}`) or an unknown repository name is counted as PyPI: a credential aimed at an index
    that cannot be told is judged as if it were PyPI's."""
    from urllib.parse import urlsplit
    text = " ".join(str(where or "").split()).lower()
    if not text or text in ("pypi", "upload.pypi.org"):
        return "pypi"
    if "test.pypi.org" in text or text in ("testpypi", "test-pypi", "test"):
        return "testpypi"
    if "://" in text:
        host = (urlsplit(text.split("${{", 1)[0] if not text.startswith("${{") else "").hostname or "")
        if host in ("upload.pypi.org", "pypi.org", "www.pypi.org"):
            return "pypi"
        if host:
            return f"other {host}"
    return "pypi"


def command_target(words, env):
    """The index an upload command sends to: --repository-url/--publish-url/-r/--repository/--index, else
    TWINE_REPOSITORY_URL/TWINE_REPOSITORY/UV_PUBLISH_URL from the environment, else PyPI."""
    for index, word in enumerate(words):
        for flag in ("--repository-url", "--publish-url", "--repository", "--index", "-r"):
            if word == flag and index + 1 < len(words):
                return upload_target(words[index + 1])
            if word.startswith(flag + "=") and flag.startswith("--"):
                return upload_target(word.split("=", 1)[1])
    for name in ("TWINE_REPOSITORY_URL", "UV_PUBLISH_URL", "TWINE_REPOSITORY", "UV_PUBLISH_INDEX"):
        if env.get(name):
            return upload_target(env[name])
    return "pypi"


def step_uploads(step, env):
    """[(target, problems)] for each upload a step makes (the action, or an upload command in its run: text)."""
    import re
    found = []
    uses = step.get("uses")
    if isinstance(uses, str) and uses.lower().split("@")[0].rstrip("/") == PUBLISH_ACTION:
        inputs = step.get("with") if isinstance(step.get("with"), dict) else {}
        target = upload_target(inputs.get("repository-url", inputs.get("repository_url", "")))
        found.append((target, ["passes `password:` to the publish action (an API token, not OIDC)"]
                      if "password" in inputs else []))
    command = step.get("run") if isinstance(step.get("run"), str) else ""
    for words in shell_words(command) if command else []:
        programs = [program_name(word) for word in words]
        pairs = {" ".join(programs[i:i + 2]) for i in range(len(programs))}
        if not pairs & set(UPLOAD_COMMANDS):
            continue
        line = " ".join(words)
        problems = (["passes a password/token on the upload command line"]
                    if re.search(r"(--password|-p\s|--token|-t\s|-u\s\S+\s+-p)", line + " ") else [])
        target = command_target(words, env)
        if target == "pypi" and re.search(r"test\.pypi\.org|testpypi|test-pypi", line):
            target = "testpypi"
        found.append((target, problems))
    return found


def describe_publishing_job(job_id, job, steps, how, workflow_permissions, workflow_env, workflow_sets=True,
                            triggers=None):
    """The facts of a publishing job; every credential is attributed to the index the upload it serves goes to
    (a password sent to another index is not a PyPI token)."""
    import re
    if "permissions" in job:
        id_token, granted_by = has_id_token(job.get("permissions")), "the job"
    elif workflow_sets:
        id_token, granted_by = has_id_token(workflow_permissions), "the workflow"
    else:  # nothing declared here: in a reusable workflow the calling job decides
        id_token, granted_by = False, None
    environment = job.get("environment")
    if isinstance(environment, dict):
        environment = environment.get("name")
    environment = str(environment) if isinstance(environment, (str, int, float)) and str(environment) else None
    unpinned, attestations_off, targets = [], False, set()
    by_target, job_wide = {}, []  # problems of one upload's credentials; problems that concern every upload
    job_env = dict(workflow_env, **(job.get("env") if isinstance(job.get("env"), dict) else {}))

    def token_problems(names):
        return [f"sets {name} (a token for the upload)" for name in sorted(str(item) for item in names)
                if name.upper() in TOKEN_ENV_NAMES]

    def secret_problems(value):
        return [f"uses secret {name}" for name in sorted(secret_names(value)) if name.upper() != "GITHUB_TOKEN"
                and re.search(r"PYPI|TWINE|PUBLISH|UPLOAD|PASSWORD", name.upper())]

    for step in steps:
        step_env = step.get("env") if isinstance(step.get("env"), dict) else {}
        uses = step.get("uses")
        if isinstance(uses, str):
            ref = uses.split("@", 1)[1] if "@" in uses else ""
            if not uses.startswith(("./", "$/", "docker://")) and not re.fullmatch(r"[0-9a-f]{40}", ref):
                unpinned.append(uses)
            inputs = step.get("with") if isinstance(step.get("with"), dict) else {}
            if uses.lower().startswith(PUBLISH_ACTION) and str(inputs.get("attestations", "true")).lower() == "false":
                attestations_off = True
        uploads = step_uploads(step, dict(job_env, **step_env))
        if not uploads:  # credentials in a step that uploads nothing serve every upload of the job
            job_wide += token_problems(step_env) + secret_problems(step)
            continue
        for target, problems in uploads:
            targets.add(target)
            by_target.setdefault(target, []).extend(problems + token_problems(step_env) + secret_problems(step))
    job_wide += token_problems(job_env)
    job_rest = {key: value for key, value in job.items() if key not in ("environment", "steps")}
    job_wide += secret_problems(job_rest) + secret_problems(workflow_env)
    ours = [target for target in targets if not target.startswith("other ")]
    problems = job_wide + [problem for target in ours for problem in by_target.get(target, [])]
    elsewhere = sorted(target[6:] for target in targets if target.startswith("other ") and by_target.get(target))
    gated = any(release_gate(item, triggers) for item in [job.get("if")] + [step.get("if") for step in steps])
    readers = [dict(reader, target=target)
               for reader, target in zip(upload_readers(steps), reader_targets(steps, job_env))]
    return {"job": job_id, "how": how, "id_token": id_token, "granted_by": granted_by,
            "environment": environment, "problems": list(dict.fromkeys(problems)), "unpinned": unpinned,
            "attestations_off": attestations_off and how == "action", "testpypi": set(ours) == {"testpypi"},
            "targets": sorted(ours) if ours else sorted(targets), "other_indexes": elsewhere,
            "only_other": bool(targets) and not ours, "gated": gated, "readers": readers,
            "via": sorted({path for step in steps for path in step.get("followed", [])})}


def reader_targets(steps, job_env):
    """The index of each reader upload_readers finds, in the same order."""
    found = []
    for step in steps:
        step_env = step.get("env") if isinstance(step.get("env"), dict) else {}
        found += [target for target, _ in step_uploads(step, dict(job_env, **step_env))]
    return found


def program_name(word):
    """A command word as the program it names: the last path part, without a leading `${VAR}`/`$VAR`, and a
    requirement (`twine==6.1.0`, `twine@6.2.0`) as its name."""
    import re
    word = re.sub(r"^(?:\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*)+", "", word).rsplit("/", 1)[-1]
    requirement = requirement_word(word) if any(char in word for char in "=<>@~!") else None
    return requirement.name.lower() if requirement is not None else word


def shell_words(command):
    """The words of each line of a `run:` script (shlex; a line that does not split is split on blanks)."""
    import shlex
    lines, joined = [], ""
    for raw in command.splitlines():
        joined += raw.rstrip()[:-1] + " " if raw.rstrip().endswith("\\") else raw
        if raw.rstrip().endswith("\\"):
            continue
        try:
            words = shlex.split(joined, comments=True)
        except ValueError:
            words = joined.split()
        joined = ""
        # `a && b`, `a; b`, `a | b` are several commands
        current = []
        for word in words:
            if word in ("&&", "||", ";", "|"):
                lines.append(current)
                current = []
            else:
                current.append(word.rstrip(";"))
        lines.append(current)
    return [line for line in lines if line]


def requirement_word(word):
    """A command word as a requirement: `twine==6.2.0`, `twine>=7`, uvx's `twine@6.2.0`; None when not one."""
    from packaging.requirements import InvalidRequirement, Requirement
    if word.startswith("-") or "/" in word:
        return None
    name, at, version = word.partition("@")
    try:
        return Requirement(f"{name}=={version}" if at and version and " " not in word else word)
    except InvalidRequirement:
        return None


def twine_requirements(words):
    """(twine specifiers, requirement files) a command installs or runs: pip/uv pip/pipx/uv tool install
    (and -r FILE), `uvx --from twine==X twine`, `uvx twine@X`, `pipx run twine==X`, `pipx run --spec twine==X`."""
    programs = [word.rsplit("/", 1)[-1] for word in words]
    installs = next((i + n for i in range(len(programs)) for n, form in ((2, ["pip", "install"]),
                     (2, ["pipx", "install"]), (3, ["uv", "pip", "install"]), (3, ["uv", "tool", "install"]))
                     if programs[i:i + n] == form), None)
    runs = next((i + n for i in range(len(programs)) for n, form in ((1, ["uvx"]), (3, ["uv", "tool", "run"]),
                 (2, ["pipx", "run"])) if programs[i:i + n] == form), None)
    candidates, files = [], []
    if installs is not None:
        for index in range(installs, len(words)):
            word, previous = words[index], words[index - 1]
            if previous in ("-r", "--requirement", "-c", "--constraint"):
                files.append(word)
            elif word.startswith(("--requirement=", "--constraint=")):
                files.append(word.split("=", 1)[1])
            elif word.startswith("-r") and len(word) > 2 and not word.startswith("--"):
                files.append(word[2:])
            elif not word.startswith("-") and previous not in ("-i", "--index-url", "--extra-index-url", "-e"):
                candidates.append(word)
    elif runs is not None:
        rest = words[runs:]
        spec = [rest[i + 1] for i, word in enumerate(rest[:-1]) if word in ("--from", "--spec")]
        spec += [word.split("=", 1)[1] for word in rest if word.startswith(("--from=", "--spec="))]
        program = next((word for i, word in enumerate(rest) if not word.startswith("-")
                        and (i == 0 or rest[i - 1] not in ("--from", "--spec", "--python", "-p", "--with"))), None)
        candidates = spec or ([program] if program else [])
    found = []
    for word in candidates:
        requirement = requirement_word(word)
        if requirement is not None and canonicalize_name(requirement.name) == "twine":
            found.append(str(requirement.specifier))
    return found, files


def upload_readers(steps):
    """What reads the metadata in the upload step(s): [{kind, where, ...}] with kind action (ref), twine
    (specifiers installed in the job, requirement files), uv (the setup-uv version), or a `<tool> publish`."""
    readers, twine_specs, twine_files, uv_version = [], [], [], None
    for step in steps:
        uses = step.get("uses")
        inputs = step.get("with") if isinstance(step.get("with"), dict) else {}
        if isinstance(uses, str) and uses.lower().split("@")[0].rstrip("/") == "astral-sh/setup-uv":
            uv_version = str(inputs["version"]) if inputs.get("version") is not None else uv_version
        command = step.get("run") if isinstance(step.get("run"), str) else ""
        for words in shell_words(command) if command else []:
            specs, files = twine_requirements(words)
            twine_specs += specs
            twine_files += files
    for number, step in enumerate(steps, 1):
        where = str(step.get("name") or step.get("id") or f"step {number}")
        uses = step.get("uses")
        if isinstance(uses, str) and uses.lower().split("@")[0].rstrip("/") == PUBLISH_ACTION:
            readers.append({"kind": "action", "where": where, "ref": uses.split("@", 1)[1] if "@" in uses else ""})
        command = step.get("run") if isinstance(step.get("run"), str) else ""
        for words in shell_words(command) if command else []:
            programs = [program_name(word) for word in words]  # pipx run twine==6.1.0 upload
            pairs = {" ".join(programs[i:i + 2]) for i in range(len(programs))}
            if "twine upload" in pairs:
                inline, _ = twine_requirements(words)  # uvx --from twine==X twine upload ...
                runner = next((tool for tool in ("uv", "poetry", "pdm") if f"{tool} run" in pairs), None)
                readers.append({"kind": "twine", "where": where, "specs": inline or twine_specs,
                                "files": [] if inline else twine_files, "inline": bool(inline),
                                "lock": runner if not inline else None})  # `uv run twine`: the lock's twine
            elif "uv publish" in pairs:
                readers.append({"kind": "uv publish", "where": where, "version": uv_version})
            else:
                for tool in OWN_BACKEND_PUBLISHERS:
                    if tool in pairs:
                        readers.append({"kind": tool, "where": where})
                        break
    return readers


def workflows_directory(files):
    """.github/workflows/ at the git top level (the only place GitHub reads workflows), else under the project."""
    return os.path.join(files.top or files.root, ".github", "workflows")


def read_workflows(files):
    directory = workflows_directory(files)
    listed = files.listdir(directory)
    if listed is None:
        return None
    workflows = []
    base = files.top or files.root

    def read_script(path):
        return files.read_text(os.path.join(base, path), limit=1 << 20)

    for name in [name for name in listed if name.endswith((".yml", ".yaml"))]:
        text = files.read_text(os.path.join(directory, name))
        workflow = ({"file": name, "error": "cannot be read as UTF-8 text"} if text is None
                    else parse_workflow_text(name, text, read_script))
        if "error" in workflow:
            # An unparsable file has no structure to read; its text only tells whether it may be the one that
            # publishes (an undecodable file may be, too).
            workflow["may_publish"] = text is None or any(marker in text for marker in UPLOAD_MARKERS)
        for job in workflow.get("jobs", []):
            for reader in job["readers"]:
                if reader["kind"] == "twine" and reader["files"]:
                    reader["from_files"] = twine_in_requirement_files(files, reader["files"])
                if reader["kind"] == "twine" and reader.get("lock"):
                    reader["from_files"] = dict(reader.get("from_files") or {},
                                                **twine_in_lock(files, reader["lock"]))
        workflows.append(workflow)
    here = files.relative(files.root)
    if here and any(w.get("jobs") for w in workflows):  # a project below the top of a monorepo
        others = sorted(directory for directory in project_directories(files) - {here}
                        if directory and not here.startswith(directory + "/"))
        for workflow in workflows:
            words = workflow.pop("words", set())
            workflow["builds"] = {"here": here in words, "others": [d for d in others if d in words][:4],
                                  "words": words}
    else:
        for workflow in workflows:
            workflow.pop("words", None)
    clues = [clue for w in workflows for job in w.get("jobs", []) for clue in job.get("clues", [])]
    if clues:
        directories = project_directories(files) | ({here} if here is not None else set())
        # the projects the clues name: their directories, or every project when an upload path names a file
        wanted = directories if any("names" in clue for clue in clues) else \
            {clue["dir"] for clue in clues if clue["dir"] is not None} & directories | {here} - {None}
        members = project_names(files, wanted)
        for workflow in workflows:
            for job in workflow.get("jobs", []):
                job["for"] = resolve_clues(job.pop("clues", []), members, here)
    return workflows


def project_names(files, directories, limit=200):
    """{directory: canonical project name or None} of directories holding a pyproject.toml (relative to the git
    top level): its `[project] name`."""
    names = {}
    for directory in sorted(directories, key=lambda d: (d.count("/"), d))[:limit]:
        raw = files.read_bytes(os.path.join(files.top or files.root, directory, "pyproject.toml"), limit=1 << 20)
        try:
            project = table(parse_pyproject_text(raw), "project") if raw is not None else {}
        except Fail:
            project = {}
        name = text_value(project.get("name"))
        names[directory] = canonicalize_name(name) if name and valid_project_name(name) else None
    return names


def resolve_clues(clues, members, here):
    """A job's build clues (build_clues) as the projects they name: [{"dir", "name" (canonical, None when not
    known), "here": the directory is this project's, "said"}]; a directory that holds no project says nothing."""
    found = []
    for clue in clues:
        if clue["dir"] is not None:
            if clue["dir"] in members:
                found.append({"dir": clue["dir"], "name": members[clue["dir"]], "here": clue["dir"] == here,
                              "said": clue["said"]})
        elif "names" in clue:  # a file name's prefix: this project's name, else the longest that is a project's
            known = {n: d for d, n in sorted(members.items(), key=lambda item: item[0], reverse=True) if n}
            names = [canonicalize_name(n) for n in clue["names"] if valid_project_name(n)]
            mine = members.get(here)
            name = mine if mine in names else next((n for n in names if n in known), None)
            if name is not None:
                found.append({"dir": known.get(name), "name": name, "here": name == mine, "said": clue["said"]})
        elif valid_project_name(clue["name"]):
            name = canonicalize_name(clue["name"])
            where = sorted(d for d, n in members.items() if n == name)
            found.append({"dir": where[0] if where else None, "name": name, "here": bool(where) and where[0] == here,
                          "said": clue["said"]})
    return found[:50]


def project_directories(files):
    """'/'-separated directories (relative to the git top level) that hold a pyproject.toml in the release."""
    if files.top is None:
        return set()
    if files.commit is not None:
        paths = [path for path in files._load_tree() if path.endswith("pyproject.toml")]
    else:
        listing = git_output(files.top, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--",
                             ":(glob)**/pyproject.toml", timeout=30) or ""
        paths = listing.split("\0")
    return {path.rpartition("/")[0] for path in paths if path.rpartition("/")[2] == "pyproject.toml"}


def twine_in_lock(files, runner):
    """{lock file: [==version of twine]} for `uv run`/`poetry run`/`pdm run twine`: the project's (or the
    workspace's) uv.lock, poetry.lock or pdm.lock `[[package]]` entry for twine; [] when the lock has none."""
    name = {"uv": "uv.lock", "poetry": "poetry.lock", "pdm": "pdm.lock"}[runner]
    for base in dict.fromkeys([files.root, files.top or files.root]):
        text = files.read_text(os.path.join(base, name), limit=16 << 20)
        if text is None:
            continue
        try:
            data = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, ValueError):
            return {name: None}
        packages = data.get("package") if isinstance(data.get("package"), list) else []
        versions = [str(package.get("version")) for package in packages if isinstance(package, dict)
                    and canonicalize_name(str(package.get("name", ""))) == "twine" and package.get("version")]
        return {files.relative(os.path.join(base, name)) or name: [f"=={version}" for version in versions]}
    return {}


def twine_in_requirement_files(files, names):
    """{file: [twine specifiers] or None (not readable)} for the requirement files a job installs from; paths are
    relative to the checkout (the git top level, where a job's steps start)."""
    found = {}
    base = files.top or files.root
    for name in names[:6]:
        if "${{" in name or os.path.isabs(name):
            found[name] = None
            continue
        text = files.read_text(os.path.join(base, name), limit=1 << 20)
        if text is None:
            found[name] = None
            continue
        specs = []
        for line in text.replace("\\\n", " ").splitlines():
            words = line.split("#", 1)[0].split()
            requirement = requirement_word(words[0].rstrip(";")) if words else None
            if requirement is not None and canonicalize_name(requirement.name) == "twine":
                specs.append(str(requirement.specifier))
        found[name] = specs
    return found


def release_gate(condition, triggers=None):
    """Whether an `if:` limits a job or step to release tags or release events, read as GitHub evaluates it with
    the workflow's triggers: `refs/tags` (startsWith(github.ref, 'refs/tags/')), `github.ref_type == 'tag'`,
    `github.event_name == 'release'`, or `github.event.action == 'published'` (also 'released', 'created') when
    a `release` trigger is what delivers that action."""
    if not isinstance(condition, str):
        return False
    text = " ".join(condition.replace('"', "'").split())
    for negated in ("!startsWith(", "! startsWith(", "!contains(", "! contains("):  # runs on everything but tags
        while negated in text:
            head, _, rest = text.partition(negated)
            text = head + "false_(" + rest.split(")", 1)[-1]
    if "refs/tags" in text or "ref_type == 'tag'" in text or "'release'" in text:
        return True
    release = isinstance(triggers, dict) and "release" in triggers
    return release and "github.event.action" in text and any(
        f"== '{action}'" in text or f"=='{action}'" in text for action in ("published", "released", "created"))


def gated_by_needs(job, jobs, seen=None, triggers=None):
    """A job whose `needs` (transitively) include a release-gated job is skipped with it, unless its own `if:`
    runs it anyway (always(), !cancelled(), failure())."""
    seen = set() if seen is None else seen
    condition = job.get("if") if isinstance(job.get("if"), str) else ""
    if any(word in condition for word in ("always()", "cancelled()", "failure()")):
        return False
    for name in string_list(job.get("needs")):
        needed = jobs.get(name)
        if name in seen or not isinstance(needed, dict):
            continue
        seen.add(name)
        if release_gate(needed.get("if"), triggers) or gated_by_needs(needed, jobs, seen, triggers):
            return True
    return False


BUILD_VALUE_OPTIONS = {  # options of build front ends that take a value (skipped when looking for the source dir)
    "build": {"-o", "--outdir", "-C", "--config-setting", "--installer", "--config-json"},
    "uv": {"-o", "--out-dir", "--package", "--project", "--directory", "-c", "--build-constraint", "-b",
           "--build-constraints", "--python", "-p", "--index", "--index-url", "--default-index", "--config-setting",
           "-C", "--config-file", "--cache-dir"},
}


def build_clues(job, jobs, budget=200):
    """What a publishing job (with the jobs it `needs`, transitively: the build job whose artifacts it downloads)
    says about the project it publishes: [{"dir": '/'-separated path relative to the checkout, or None, "name":
    a project name or None, "said": the words that say it}]. Read from build commands (`python -m build DIR`,
    `pyproject-build`, `uv build DIR|--package NAME|--project DIR`, `hatch|poetry|pdm|flit build` in the step's
    directory, with `working-directory:` and `cd DIR`), the publish action's `packages-dir:` (`DIR/dist`) and
    upload paths naming a directory or a project (`backend/dist/*`, `dist/other_name-*`)."""
    clues, seen, queue = [], set(), [job]
    while queue and len(clues) < budget:
        current = queue.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        queue += [jobs[name] for name in string_list(current.get("needs")) if isinstance(jobs.get(name), dict)]
        defaults = current.get("defaults") if isinstance(current.get("defaults"), dict) else {}
        run_defaults = defaults.get("run") if isinstance(defaults.get("run"), dict) else {}
        for step in job_steps(current):
            inputs = step.get("with") if isinstance(step.get("with"), dict) else {}
            uses = step.get("uses")
            if isinstance(uses, str) and uses.lower().startswith(PUBLISH_ACTION):
                packages = text_value(inputs.get("packages-dir"))
                if packages:
                    clues += upload_path_clues(".", packages.rstrip("/") + "/*", f"packages-dir: {packages}")
            if not isinstance(step.get("run"), str):
                continue
            start = step.get("working-directory", run_defaults.get("working-directory", "."))
            cwd = directory_word(".", str(start)) if isinstance(start, (str, int, float)) else None
            for words in shell_words(step["run"][:20000]):
                words = command_words(words)
                if not words:
                    continue
                if words[0] == "cd":
                    cwd = directory_word(cwd, words[1]) if cwd is not None and len(words) > 1 else None
                    continue
                said = " ".join(words)[:120]
                for kind, value in build_targets(words):
                    if kind == "name":
                        clues.append({"dir": None, "name": value, "said": said})
                    elif cwd is not None and directory_word(cwd, value) is not None:
                        clues.append({"dir": directory_word(cwd, value), "name": None, "said": said})
                if program_name(words[0]) == "twine" and words[1:2] == ["upload"] or \
                        program_name(words[0]) == "uv" and words[1:2] == ["publish"]:
                    for word in words[2:]:
                        if not word.startswith("-") and cwd is not None:
                            clues += upload_path_clues(cwd, word, said)
    return clues


def directory_word(cwd, word):
    """A relative directory of a command, joined to the current one ('' for the checkout); None when it cannot be
    told (an absolute path, a variable, `~`, `-`)."""
    import posixpath
    if cwd is None or not word or word.startswith(("/", "$", "~", "-")) or "${{" in word:
        return None
    joined = posixpath.normpath(posixpath.join(cwd or ".", word))
    if joined == ".." or joined.startswith("../"):
        return None
    return "" if joined == "." else joined


def command_words(words):
    """A command's words from the program on: past `VAR=value`, `sudo`/`env`/`time`, and runners that start a
    tool (`uvx`, `uv tool run`, `pipx run`, `uv run`, `hatch run`, ...), with `python -m build` as `pyproject-build`."""
    index = 0
    while index < len(words):
        word, name = words[index], program_name(words[index])
        if "=" in word and not word.startswith("-") and "/" not in word.split("=", 1)[0]:
            index += 1
        elif name in ("sudo", "env", "time", "nohup", "exec", "uvx"):
            index += 1
            while index < len(words) and words[index].startswith("-"):
                index += 2 if words[index] in ("--from", "--with", "-w", "--python", "-p") else 1
        elif name in ("uv", "poetry", "pdm", "hatch", "pipenv", "rye", "pipx") and words[index + 1:index + 2] in (
                ["run"], ["tool"]):
            index += 3 if words[index + 1] == "tool" and words[index + 2:index + 3] == ["run"] else 2
        elif name in PYTHONS or name.startswith("python3."):
            if words[index + 1:index + 3] == ["-m", "build"]:
                return ["pyproject-build"] + words[index + 3:]
            return words[index:]
        else:
            return words[index:]
    return []


def build_targets(words):
    """[("dir", path) | ("name", project)] a build command names: its source directory (the current one when
    it names none) or, for `uv build --package NAME`, the workspace member it builds."""
    program, args = program_name(words[0]), words[1:]
    if program in ("pyproject-build", "build"):
        options = BUILD_VALUE_OPTIONS["build"]
    elif program == "uv" and args[:1] == ["build"]:
        options, args = BUILD_VALUE_OPTIONS["uv"], args[1:]
    elif program in ("hatch", "flit", "poetry", "pdm") and args[:1] == ["build"]:
        options, args = {"-C", "--directory", "-P", "--project", "-p", "-t", "--target", "-f", "--format"}, args[1:]
    else:
        return []
    found, positional, index, base = [], [], 0, "."
    while index < len(args):
        word = args[index]
        key, _, inline = word.partition("=")
        value = inline if inline else args[index + 1] if index + 1 < len(args) else ""
        if word.startswith("-") and (key in options and (inline or index + 1 < len(args))):
            if key == "--package":
                found.append(("name", value))
            elif key == "--directory" and program == "uv":
                base = value
            elif key in ("--project", "-C", "--directory", "-P") or key == "-p" and program == "pdm":
                found.append(("dir", value))
            index += 1 if inline else 2
            continue
        if word in ("--all", "--all-packages"):
            return []  # every member: says nothing about one
        if not word.startswith("-"):
            positional.append(word)
        index += 1
    if program in ("hatch", "flit", "poetry", "pdm"):
        positional = []  # their positional words are not a source directory (hatch's is an output location)
    if not found:
        found.append(("dir", positional[0] if positional else "."))
    import posixpath
    return [(kind, posixpath.join(base, value) if kind == "dir" and not value.startswith("/") else value)
            for kind, value in found]


def upload_path_clues(cwd, word, said):
    """Clues of an upload path: `DIR/dist/*` names DIR; `dist/NAME-*` names the project NAME."""
    import posixpath
    path = directory_word(cwd, word) if not word.startswith("/") else None
    if path is None:
        return []
    head, base = posixpath.split(path)
    clues = []
    parent, last = posixpath.split(head)
    if last == "dist" and parent:
        clues.append({"dir": parent, "name": None, "said": said})
    # `NAME-*`: the name is some '-'-prefix of the words before the first pattern character (`foo-bar-*` may be
    # foo-bar's files or foo's); resolve_clues keeps it only when one prefix is a project of the repository.
    import re
    fixed = re.split(r"[*?\[{$]", base, maxsplit=1)[0]
    if fixed != base and "-" in fixed:
        parts = fixed.split("-")
        names = ["-".join(parts[:count]) for count in range(len(parts) - 1, 0, -1)]
        clues.append({"dir": None, "name": None, "names": names, "said": said})
    return clues


def trigger_problems(triggers, gated):
    """Why a publishing workflow's triggers are unsafe ([] when fine)."""
    problems = []
    if "pull_request_target" in triggers:
        problems.append("runs on pull_request_target (code from forks with this repository's privileges)")
    if "push" in triggers and not gated:
        push = triggers.get("push")
        filters = push if isinstance(push, dict) else {}
        tags_only = ("tags" in filters or "tags-ignore" in filters) and not (
            "branches" in filters or "branches-ignore" in filters)
        if not tags_only:
            problems.append("publishes on every push" + (" to the listed branches" if filters.get("branches")
                                                         else "") + ", not only on release tags")
    return problems


# ----------------------------------------------------------------------------- reader: the index

def index_root(url):
    """Normalise an index root: strip a trailing / and a mistaken /simple (we add it ourselves)."""
    url = url.strip().rstrip("/")
    if url.endswith("/simple"):
        url = url[:-len("/simple")]
    return url


def fetch(url, accept, deadline):
    """One index GET, complete by `deadline` (time.monotonic()), as plain data; credentials shown as ***@."""
    import time
    try:
        status, headers, body, final = http_get(url, accept=accept, timeout=deadline - time.monotonic(),
                                                deadline=deadline, limit=INDEX_ANSWER_LIMIT)
    except Unreachable as error:
        return {"url": redact_url(url), "error": str(error)}
    return {"url": redact_url(url), "status": status,
            "type": (headers.get("Content-Type") or "").split(";")[0].strip().lower(), "body": body, "final": final}


class IndexLookup:
    """The simple API (PEP 691 JSON) and the JSON API, asked concurrently under one deadline (and after a clear
    simple answer, the provenance of the newest release that has one: read_last_publisher); the one place
    that decides which answers count.

    Each worker reads, parses and judges its answer (read_simple_answer / read_json_answer) and hands it in;
    only an answer handed in before the deadline counts. result() waits at most until the deadline, then
    closes the lookup: a missing answer is unknown ("no complete answer ... within"), and a worker still busy
    (a huge page, a slow parse) can no longer change anything."""

    def __init__(self, root, name, timeout):
        import threading
        import time
        self.name, self.timeout = name, timeout
        self.deadline = time.monotonic() + timeout
        self.lock = threading.Lock()
        self.answers, self.closed = {}, False
        self.requests = {"simple": (f"{root}/simple/{name}/", SIMPLE_API_ACCEPT, read_simple_answer),
                         "json": (f"{root}/pypi/{name}/json", "application/json", read_json_answer)}
        self.threads = [threading.Thread(target=self.ask, args=(key,), daemon=True) for key in self.requests]
        for thread in self.threads:
            thread.start()

    def ask(self, key):
        url, accept, reader = self.requests[key]
        raw = None
        try:
            raw = fetch(url, accept, self.deadline)
            answer = reader(raw, self.name)
        except Exception as error:  # a reader that trips over an answer has not read it: unknown, never free
            answer = {"state": "unknown", "reason": f"{redact_url(url)}: unreadable answer ({type(error).__name__})"}
        self.hand_in(key, answer)
        if key == "simple" and answer["state"] == "ok":  # then one provenance object, within the same deadline
            try:
                self.hand_in("provenance", read_last_publisher(raw, self.deadline))
            except Exception as error:  # unread, never "the same publisher"
                self.hand_in("provenance", {"state": "fault", "version": None,
                                            "detail": f"unreadable provenance ({type(error).__name__})"})

    def hand_in(self, key, answer):
        import time
        with self.lock:
            if not self.closed and time.monotonic() <= self.deadline:
                self.answers[key] = answer

    def result(self):
        """{"simple": answer, "json": answer[, "provenance": the last publisher]}, decided by the deadline (every
        answer has a state; a provenance object not read in time is left out, which publisher-continuity reads
        as unread)."""
        import time
        for thread in self.threads:
            thread.join(max(0.0, self.deadline - time.monotonic()))
        with self.lock:
            self.closed = True
            answers = dict(self.answers)
        for key, (url, _, _) in self.requests.items():
            answers.setdefault(key, {"state": "unknown", "reason": f"{redact_url(url)}: no complete answer read "
                                                                   f"and parsed within {self.timeout:g} s"})
        return answers


def lookup_index(root, name, timeout):
    """Ask both APIs; the whole lookup (reading and parsing included) stays within timeout."""
    return IndexLookup(root, name, timeout).result()


def json_body(answer):
    """The JSON document in an answer's body (raises ValueError/UnicodeDecodeError when it is none)."""
    body = answer["body"]
    return json.loads(body.decode("utf-8"))


def read_simple_answer(answer, name):
    """-> {state: ok|absent|unknown, versions, yanked, unparsed, legacy, project_status, has_versions_key, reason}.

    unparsed: filenames packaging cannot read; legacy: every version those may carry (legacy_filename_versions)."""
    if "error" in answer:
        return {"state": "unknown", "reason": answer["error"]}
    status, kind = answer["status"], answer["type"]
    if status == 404:
        return {"state": "absent", "reason": f"simple API: 404 ({kind or 'no content type'})"}
    if status != 200:
        return {"state": "unknown", "reason": f"simple API answered HTTP {status}"}
    if kind not in SIMPLE_API_JSON_TYPES + ("application/json",):
        return {"state": "unknown", "reason": f"simple API answered {kind or 'no content type'}, "
                                              f"not {SIMPLE_JSON} (a login page, a proxy, or an index without PEP 691)"}
    try:
        document = json_body(answer)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return {"state": "unknown", "reason": "simple API answered malformed JSON"}
    if not simple_api_json(kind, document):
        return {"state": "unknown", "reason": f"simple API answered {kind} without a PEP 691 document "
                                              "(`meta.api-version` and a `files` list)"}
    meta = document.get("meta") if isinstance(document, dict) else None
    files = document.get("files") if isinstance(document, dict) else None
    api_version = str(meta.get("api-version", "")) if isinstance(meta, dict) else ""
    if not isinstance(files, list) or not api_version.startswith("1.") and api_version != "1":
        return {"state": "unknown", "reason": f"simple API answer is not a PEP 691 project page "
                                              f"(api-version {api_version or 'missing'})"}
    if isinstance(document.get("name"), str) and canonicalize_name(document["name"]) != name:
        return {"state": "unknown", "reason": f"simple API answered for project {document['name']!r}, not {name}"}
    versions, yanked, unparsed, legacy = set(), set(), [], set()
    for item in files:
        filename = item.get("filename") if isinstance(item, dict) else None
        if not isinstance(filename, str):
            return {"state": "unknown", "reason": "simple API lists a file without a filename"}
        version = history_file_version(filename)
        if version is None:
            unparsed.append(filename)
            legacy.update(legacy_filename_versions(filename))
            continue
        versions.add(version)
        if item.get("yanked") not in (None, False):
            yanked.add(version)
    listed = document.get("versions")
    for text in listed if isinstance(listed, list) else []:
        version = parse_version(text)
        if version is not None:
            versions.add(version)
    status_table = document.get("project-status")
    project_status = status_table.get("status") if isinstance(status_table, dict) else None
    return {"state": "ok", "versions": versions, "yanked": yanked, "unparsed": unparsed, "legacy": legacy,
            "has_versions_key": isinstance(listed, list), "project_status": project_status,
            "api_version": api_version, "files": len(files)}


def read_json_answer(answer, name):
    if "error" in answer:
        return {"state": "unknown", "reason": answer["error"]}
    status, kind = answer["status"], answer["type"]
    if status == 404:
        try:
            is_json = kind.endswith("json") and isinstance(json_body(answer), dict)
        except (UnicodeDecodeError, ValueError, RecursionError):
            is_json = False
        return {"state": "absent" if is_json else "blank-404",
                "reason": "JSON API: 404" + ("" if is_json else " without a JSON body (proxy-like, not the index's own "
                                                                "answer)")}
    if status != 200:
        return {"state": "unknown", "reason": f"JSON API answered HTTP {status}"}
    if not kind.endswith("json"):
        return {"state": "unknown", "reason": f"JSON API answered {kind or 'no content type'}, not JSON"}
    try:
        document = json_body(answer)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return {"state": "unknown", "reason": "JSON API answered malformed JSON"}
    releases = document.get("releases") if isinstance(document, dict) else None
    info = document.get("info") if isinstance(document, dict) else None
    if not isinstance(releases, dict):
        return {"state": "unknown", "reason": "JSON API answer has no `releases` table"}
    if isinstance(info, dict) and isinstance(info.get("name"), str) and canonicalize_name(info["name"]) != name:
        return {"state": "unknown", "reason": f"JSON API answered for project {info['name']!r}, not {name}"}
    versions, yanked = set(), set()
    for text, files in releases.items():
        version = parse_version(text)
        if version is None:
            continue
        versions.add(version)
        if isinstance(files, list) and files and all(isinstance(f, dict) and f.get("yanked") for f in files):
            yanked.add(version)
    return {"state": "ok", "versions": versions, "yanked": yanked}


def decide_index(version, simple, jsonapi):
    """Combine both answers into {state: taken|closed|free|absent|unknown, detail, known, highest}."""
    ours = parse_version(version)
    known, sources = set(), []
    for label, answer in (("simple API", simple), ("JSON API", jsonapi)):
        if answer["state"] == "ok":
            known |= answer["versions"]
            sources.append(label)
    yanked = set(simple.get("yanked", ())) | set(jsonapi.get("yanked", ()))
    highest = max(known) if known else None
    base = {"known": known, "highest": highest}
    # The versions legacy filenames may carry were read with the answer (within the deadline); recomputed only for
    # an answer built by hand.
    legacy = simple["legacy"] if "legacy" in simple else {
        version for filename in simple.get("unparsed", ()) for version in legacy_filename_versions(filename)}
    legacy_hits = ours in legacy
    if ours in known or legacy_hits:
        how = "yanked, and a yanked version still cannot be reused" if ours in yanked else "released"
        return dict(base, state="taken", detail=f"{version} is already {how} (per the {' and '.join(sources)})")
    if simple["state"] == "ok" and simple.get("project_status") in CLOSED_PROJECT_STATUSES:
        return dict(base, state="closed", detail=f"the project is {simple['project_status']} on the index "
                                                 "(PEP 792): it accepts no new uploads")
    if simple["state"] == "ok":
        if jsonapi["state"] in ("unknown", "blank-404"):
            # The JSON API answered something unclear (HTML, malformed, 5xx, timeout, a proxy's blank 404): only it
            # lists releases whose files were all deleted, so the simple API alone cannot call the version free.
            return dict(base, state="unknown", detail=f"the simple API lists {len(known)} release(s) without "
                                                      f"{version}, but {jsonapi['reason']}")
        if simple["unparsed"] and not simple["has_versions_key"] and jsonapi["state"] != "ok":
            return dict(base, state="unknown", detail=f"{len(simple['unparsed'])} legacy filename(s) on the index "
                                                      "have no readable version and no release list covers them")
        return dict(base, state="free", detail=f"{version} is not among the {len(known)} release(s) listed by the "
                                               f"{' and '.join(sources)} (yanked ones included)")
    if simple["state"] == "absent":
        if jsonapi["state"] == "absent":
            return dict(base, state="absent", detail="the project does not exist on the index (simple API and "
                                                     "JSON API both answer 404)")
        if jsonapi["state"] == "ok":
            return dict(base, state="unknown", detail=f"the answers disagree: the simple API says 404, the JSON API "
                                                      f"lists {len(known)} release(s) without {version}")
        return dict(base, state="unknown", detail=f"{simple['reason']}, not confirmed: {jsonapi['reason']}")
    extra = f"; the JSON API lists {len(known)} release(s) without {version}" if jsonapi["state"] == "ok" else ""
    return dict(base, state="unknown", detail=f"{simple['reason']}{extra}")


# ----------------------------------------------------------------------------- reader: earlier releases' provenance

def read_last_publisher(simple_answer, deadline):
    """The publisher of the newest release on the index that carries PEP 740 provenance.

    -> {state: ok|none|no-key|fault|unread, detail, version, publishers, releases, api_version}. The project
    page (already fetched) says, by its `provenance` keys, which files have provenance; one provenance object
    of the newest such release is fetched, within what is left of the lookup's time bound."""
    import time
    found = {"state": "unread", "detail": "", "version": None, "publishers": None, "releases": 0,
             "api_version": None}
    try:
        document = json_body(simple_answer)
    except (KeyError, UnicodeDecodeError, ValueError, RecursionError):
        return found
    meta = document.get("meta") if isinstance(document, dict) else None
    api_version = str(meta.get("api-version", "")) if isinstance(meta, dict) else ""
    releases = release_history(document, simple_answer.get("final") or simple_answer["url"])
    found.update(releases=len(releases), api_version=api_version or None)
    for release in reversed(releases):
        if release["coverage"] is None:
            return dict(found, state="no-key", version=release["version"], detail=(
                f"the index serves no provenance (simple API api-version {api_version or 'missing'}; PEP 740's "
                f"`provenance` key needs {PROVENANCE_KEY_SINCE}): a mirror or proxy cannot show which publisher "
                f"uploaded {release['version']}; run against the index you publish to"))
        if release["coverage"] == "none":
            continue
        url = next(entry["provenance"] for entry in sorted(
            release["files"], key=lambda entry: (not entry["filename"].endswith((".tar.gz", ".zip")),
                                                 entry["filename"])) if entry["provenance"])
        shown, left = redact_url(url), deadline - time.monotonic()
        if left <= 0:
            return dict(found, state="fault", version=release["version"],
                        detail=f"no time left within --timeout to read {shown}")
        answer = fetch(url, f"{INTEGRITY_JSON}, application/json;q=0.5", deadline)
        if "error" in answer:
            return dict(found, state="fault", version=release["version"],
                        detail=answer["error"].replace(url, shown))
        if answer["status"] != 200 or answer["type"] not in (INTEGRITY_JSON, "application/json"):
            return dict(found, state="fault", version=release["version"],
                        detail=f"{shown}: HTTP {answer['status']} ({answer['type'] or 'no content type'})")
        try:
            publishers = provenance_publishers(json_body(answer))
        except (UnicodeDecodeError, ValueError, RecursionError):
            publishers = None
        if not publishers:
            return dict(found, state="fault", version=release["version"],
                        detail=f"{shown}: not a PEP 740 provenance object")
        return dict(found, state="ok", version=release["version"], publishers=publishers, url=shown)
    return dict(found, state="none", detail=(
        f"none of the {len(releases)} release(s) on the index carries provenance (uploaded without PEP 740 "
        "attestations): there is no earlier publisher to compare with"))


def gitlab_project(url):
    """"group[/subgroup]/project" from a gitlab.com remote URL (https, ssh or scp-like), else None."""
    remote = remote_host_and_path(url)
    if remote is None or remote[0] != "gitlab.com" or len(remote[1]) < 2:
        return None
    return "/".join(remote[1]) if all(remote[1]) else None


# ----------------------------------------------------------------------------- reader: --build

def missing_build_requirements(requires):
    """The build requirements not installed here (in a matching version); [] means --no-isolation works offline."""
    from importlib import metadata

    from packaging.requirements import InvalidRequirement, Requirement
    missing = []
    for text in requires:
        try:
            requirement = Requirement(text)
        except InvalidRequirement:
            missing.append(text)
            continue
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        try:
            installed = metadata.version(requirement.name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed is None or not requirement.specifier.contains(installed, prereleases=True):
            missing.append(text + (f" (installed: {installed})" if installed else ""))
    return missing


def build_tool():
    """The command that builds here ([python, -m, build] or [uv, build]), or None when neither is installed."""
    import importlib.util
    import shutil
    if importlib.util.find_spec("build") is not None:
        return [sys.executable, "-m", "build"]
    return ["uv", "build"] if shutil.which("uv") else None


def require_build_tool():
    """--build cannot run without a build frontend: a missing program is exit 5 (references/cli-contract.md)."""
    if build_tool() is None:
        raise Fail(EXIT_DEPENDENCY, "missing-dependency",
                   "--build needs the `build` module or `uv`, and neither is installed; run "
                   "`python3 -m pip install build` (or install uv)")


def git_bytes(root, *args, timeout=60):
    """stdout bytes of a git command (read-only in the user's repository, or any command in our own copy)."""
    return git_output(root, *args, timeout=timeout, binary=True)


def copy_release(files, git, work):
    """Materialise, under work/src, exactly what the build backend would see; return the project directory there.

    - commit (a release tag at HEAD, or --ref): a fresh repository in `work` borrowing the user's objects
      (objects/info/alternates, read-only), holding the user's tags, with the commit checked out detached - what
      a CI checkout of the tag holds, and setuptools-scm/hatch-vcs see the real tag and a clean tree;
    - the work tree of a repository: the same borrowed repository at HEAD (so the VCS sees HEAD's tags), then
      every file git lists for the work tree (tracked and untracked-but-not-ignored, `git ls-files --cached
      --others --exclude-standard`) copied over it and tracked files deleted on disk deleted: the VCS sees the
      same changes as in the user's tree;
    - outside git: the whole directory, as a backend would read it.
    Nothing is dropped by name (a package may well be called build, dist or venv). The user's repository is only
    read."""
    import shutil
    root, top = os.path.realpath(files.root), files.top and os.path.realpath(files.top)
    if not top and git.get("repo") and not git.get("refused"):  # a repository without commits
        found = git_output(root, "rev-parse", "--show-toplevel")
        top = os.path.realpath(found.strip()) if found and found.strip() else None
    copy_top = os.path.join(work, "src")
    if not top or not git.get("repo") or git.get("refused"):
        shutil.copytree(root, copy_top, symlinks=True)
        return copy_top
    inside = os.path.relpath(root, top)
    commit = files.commit or git.get("head_commit")
    if commit is None:  # a repository without commits: only the work tree's listing
        for path in work_tree_listing(top):
            copy_entry(top, copy_top, path)
        return os.path.join(copy_top, inside)
    borrowed_repository(top, copy_top, commit, detach=files.commit is not None)
    if files.commit is None:
        listed = work_tree_listing(top)
        for path in listed:
            copy_entry(top, copy_top, path)
        # what HEAD has but the work tree's listing does not (`git rm`, or deleted and no longer tracked)
        for path in set(work_tree_listing(copy_top)) - set(listed):
            target = os.path.join(copy_top, path)
            if os.path.islink(target) or os.path.isfile(target):
                os.unlink(target)
    return os.path.normpath(os.path.join(copy_top, inside))


def work_tree_listing(top):
    listing = git_bytes(top, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--full-name")
    if listing is None:
        raise OSError(f"git ls-files failed in {top}")
    return sorted({name.decode("utf-8", "surrogateescape") for name in listing.split(b"\0") if name})


def copy_entry(top, copy_top, path):
    """Copy one listed path from the work tree into the copy (a symbolic link as a link; a tracked path missing
    on disk is removed from the copy; a submodule's directory is left as the checkout has it)."""
    import shutil
    source, target = os.path.join(top, path), os.path.join(copy_top, path)
    if os.path.islink(target) or os.path.isfile(target):
        os.unlink(target)
    if os.path.islink(source):
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.symlink(os.readlink(source), target)
    elif os.path.isfile(source):
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(source, target)


def borrowed_repository(top, copy_top, commit, detach):
    """A new repository at copy_top that reads the objects of the repository at `top` (never writing there), with
    its tags (and HEAD's branch name), and `commit` checked out."""
    common = (git_output(top, "rev-parse", "--git-common-dir") or "").strip()
    if not common:
        raise OSError(f"cannot locate the git directory of {top}")
    common = os.path.realpath(os.path.join(top, common))
    # no hooks; Git LFS content read from the user's own LFS store (the copy has no remote to fetch it from)
    own = ["-c", "init.defaultBranch=main", "-c", "core.hooksPath=/dev/null",
           "-c", f"lfs.storage={os.path.join(common, 'lfs')}"]
    if git_output(os.path.dirname(copy_top) or ".", *own, "init", "-q", "--template=", copy_top) is None:
        raise OSError("git init failed in the temporary directory")
    with open(os.path.join(copy_top, ".git", "objects", "info", "alternates"), "w", encoding="utf-8") as handle:
        handle.write(os.path.join(common, "objects") + "\n")
    shallow = os.path.join(common, "shallow")
    if os.path.isfile(shallow):
        import shutil
        shutil.copyfile(shallow, os.path.join(copy_top, ".git", "shallow"))
    refs = git_output(top, "for-each-ref", "refs/tags", "--format=create %(refname) %(objectname)") or ""
    branch = None if detach else (git_output(top, "symbolic-ref", "-q", "--short", "HEAD") or "").strip() or None
    if refs and git_stdin(copy_top, ["update-ref", "--stdin"], refs) is None:
        raise OSError("git update-ref failed in the temporary repository")
    if git_output(copy_top, *own, "-c", "advice.detachedHead=false", "checkout", "-q", "--detach", commit,
                  timeout=300) is None:
        raise OSError(f"git checkout of {commit[:12]} failed in the temporary repository")
    if branch and git_output(copy_top, *own, "checkout", "-q", "-B", branch) is None:
        raise OSError(f"git checkout -B {branch} failed in the temporary repository")


def git_stdin(root, args, text):
    import subprocess
    try:
        done = subprocess.run(["git", *args], cwd=root, input=text.encode(), capture_output=True, timeout=60,
                              env=dict(os.environ, **GIT_ENV))
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def run_build(files, info, git, offline=False):
    """Build from a faithful copy of the release in a temporary directory (copy_release);
    {tool, artifacts, twine} or {error} or {unknown}. Each artifact has its filename, size, core metadata and
    member listing (read_artifact)."""
    import importlib.util
    import re
    import shutil
    import subprocess
    import tempfile
    work = tempfile.mkdtemp(prefix="pypi-ops-preflight-")
    try:
        missing = missing_build_requirements(info["requires"] or ["setuptools"])
        isolated = bool(missing)
        if isolated and offline:  # nothing was built: that is not a verdict on the project
            return {"unknown": f"not built: {', '.join(missing[:4])} not installed here, and an isolated build "
                               "would download it (--offline opens no connection)",
                    "fix": f"install them ({', '.join(info['requires']) or 'setuptools'}) or drop --offline"}
        frontend = build_tool()  # main() already refused to run without one (exit 5)
        if frontend is None:
            return {"unknown": "not built: neither the `build` module nor `uv` is installed",
                    "fix": "python3 -m pip install build (or install uv)"}
        copy_root = copy_release(files, git, work)
        out = os.path.join(work, "out")
        if frontend[0] != "uv":
            command = frontend + ["--outdir", out, copy_root] + ([] if isolated else ["--no-isolation"])
            tool = "python -m build"
        else:
            command = frontend + ["--out-dir", out, copy_root]
            tool, isolated = "uv build", True
        try:
            done = subprocess.run(command, capture_output=True, timeout=900, cwd=work, env=dict(os.environ, **GIT_ENV))
        except (OSError, subprocess.SubprocessError) as error:
            return {"error": f"{tool} could not run: {first_line(error)}"}
        if done.returncode != 0:
            lines = [line.strip() for line in done.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
            errors = [line for line in lines if "error" in line.lower() and not line.startswith("ERROR Backend")]
            tail = " | ".join((errors or lines)[-2:]) if lines else f"exit status {done.returncode}"
            return {"error": f"{tool} failed{' (isolated: needs the network)' if isolated else ''}: {tail}"}
        paths = sorted(os.path.join(out, name) for name in os.listdir(out)) if os.path.isdir(out) else []
        artifacts = [dict(read_artifact(path), filename=os.path.basename(path), metadata=artifact_metadata(path))
                     for path in paths]
        twine = None
        if paths and importlib.util.find_spec("twine") is not None:
            checked = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *paths],
                                     capture_output=True, timeout=300, env=dict(os.environ, NO_COLOR="1"))
            output = re.sub(r"\x1b\[[0-9;]*m", "", (checked.stdout + checked.stderr).decode("utf-8", "replace"))
            twine = {"ok": checked.returncode == 0, "output": output}
        return {"tool": tool + (" (isolated)" if isolated else " (--no-isolation)"), "artifacts": artifacts,
                "twine": twine, "source": files.label}
    except OSError as error:
        return {"error": f"could not prepare the build: {first_line(error)}"}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def read_artifact(path, scan_limit=4 << 20):
    """{size, members: [(name, size)], tokens: [(name, kind)], private_keys: [name]} of an sdist or wheel.

    Member names are relative to the sdist's top folder. Regular members up to scan_limit bytes are searched for
    PyPI and GitHub tokens; only the member's name and the kind of token are kept, never the text."""
    import re
    import tarfile
    import zipfile
    found = {"size": os.path.getsize(path), "members": [], "tokens": [], "private_keys": []}

    def inspect(name, size, read):
        found["members"].append((name, size))
        if size > scan_limit:
            return
        data = read()
        if not data:
            return
        for kind, pattern in TOKEN_PATTERNS:
            if re.search(pattern, data):
                found["tokens"].append((name, kind))
                break
        if re.search(PRIVATE_KEY_MARK, data):
            found["private_keys"].append(name)
    try:
        if path.endswith(".whl"):
            with zipfile.ZipFile(path) as archive:
                for info in archive.infolist():
                    if not info.is_dir():
                        inspect(info.filename, info.file_size, lambda info=info: archive.read(info))
        elif path.endswith(".tar.gz"):
            with tarfile.open(path, "r:gz") as archive:
                for member in archive.getmembers():
                    if member.isfile() or member.issym():
                        name = member.name.split("/", 1)[1] if "/" in member.name else member.name
                        handle = archive.extractfile(member) if member.isfile() else None
                        inspect(name, member.size, lambda handle=handle: handle.read() if handle else b"")
    except (OSError, zipfile.BadZipFile, tarfile.TarError, KeyError, EOFError) as error:
        found["error"] = first_line(error)
    return found


def artifact_metadata(path):
    """The raw core metadata (METADATA or PKG-INFO) of a built distribution, or None."""
    import tarfile
    import zipfile
    try:
        if path.endswith(".whl"):
            with zipfile.ZipFile(path) as archive:
                names = [n for n in archive.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA")]
                return archive.read(names[0]) if names else None
        if path.endswith(".tar.gz"):
            with tarfile.open(path, "r:gz") as archive:
                for member in archive.getmembers():
                    if member.name.count("/") == 1 and member.name.endswith("/PKG-INFO") and member.isfile():
                        handle = archive.extractfile(member)
                        return handle.read() if handle else None
    except (OSError, zipfile.BadZipFile, tarfile.TarError, KeyError):
        return None
    return None


def highest_allowed(specifiers, starts, newest):
    """The highest version a requirement's specifiers allow among the row starts, the newest release known and
    the versions the specifiers name (a resolver takes the newest allowed), capped at `newest`; None if none."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    try:
        allowed = SpecifierSet(",".join(text for text in specifiers if text))
    except InvalidSpecifier:
        return None
    probes = {Version(start) for start in starts} | {Version(newest)}
    for specifier in allowed:
        version = parse_version(specifier.version.replace(".*", ".0"))  # ==1.31.* names 1.31.0
        if version is not None:
            probes.add(version)
    inside = [probe for probe in probes if probe <= Version(newest) and allowed.contains(probe, prereleases=True)]
    return max(inside) if inside else None


def row_for(rows, version):
    """The last row whose first version is at or below `version`."""
    chosen = None
    for row in rows:
        if Version(row[0]) <= version:
            chosen = row
    return chosen


def backend_metadata_version(info):
    """{version, how}: the Metadata-Version the build backend writes, from [build-system] (the backend and the
    versions its `requires` allows) and a hatchling `core-metadata-version` setting; version None when unknown."""
    from packaging.requirements import InvalidRequirement, Requirement
    family = backend_family(info["backend"])
    name = BACKEND_REQUIREMENTS.get(family)
    if family == "hatch":
        targets = table(info["pyproject"], "tool", "hatch", "build", "targets")
        chosen = [text_value(table(targets, target).get("core-metadata-version")) for target in ("wheel", "sdist")]
        chosen = [value for value in chosen if parse_version(value) is not None]
        if chosen:
            return {"version": max(chosen, key=Version), "how": "[tool.hatch.build.targets.*] core-metadata-version"}
    if name is None:
        return {"version": None, "how": f"which Metadata-Version {info['backend'] or 'the backend'} writes is not in "
                                        "this script's table"}
    specifiers, listed = [], []
    for text in info["requires"]:
        try:
            requirement = Requirement(text)
        except InvalidRequirement:
            continue
        if canonicalize_name(requirement.name) == canonicalize_name(name):
            specifiers.append(str(requirement.specifier))
            listed.append(text)
        elif canonicalize_name(requirement.name) == canonicalize_name(family):  # meson-python itself
            listed.insert(0, text)
    shown = ", ".join(listed) or name
    rows = BACKEND_WRITES[name]
    newest, _ = BACKEND_NEWEST[name]
    version = highest_allowed(specifiers, [row[0] for row in rows], newest)
    if version is None:
        return {"version": None, "how": f"[build-system] requires {shown}: no {name} release this script knows "
                                        "is allowed"}
    writes = row_for(rows, version)[1]
    which = (f"{name} {version}" if any(specifiers) and version != Version(newest)
             else f"the newest {name} ({newest} when this table was made)")
    if writes is None:
        later = [row[0] for row in rows if Version(row[0]) > version]
        return {"version": None, "how": f"[build-system] requires {shown}: which Metadata-Version {name} before "
                                        f"{later[0]} writes is not in this script's table"}
    how = f"decided from [build-system] requires {shown!r}: {which} writes {writes}"
    if family in FIELD_LEVEL_BACKENDS:
        level, fields = project_metadata_level(table(info["pyproject"], "project"))
        via = "" if name == family else f"{family} leaves it to {name}; "
        if level is None:
            return {"version": None, "how": f"[build-system] requires {shown!r}: {via}[project] both sets and lists "
                                            f"as dynamic {fields}, which can make it 2.6 (PEP 808)"}
        writes = min(writes, level, key=Version)
        how = (f"decided from [build-system] requires {shown!r}: {via}{which} writes {writes}"
               f"{' at most' if writes == '2.2' else ''} for this [project] ({fields})")
    return {"version": writes, "how": how}


def project_metadata_level(project):
    """(highest Metadata-Version pyproject-metadata's auto_metadata_version gives this [project], the fields that
    decide it); (None, fields) for fields both set and listed in dynamic (PEP 808), which can make it 2.6."""
    dynamic = [item for item in project.get("dynamic") or [] if isinstance(item, str)]
    dual = [item for item in dynamic if item != "name" and item in project]
    if dual:
        return None, ", ".join(dual)
    named = [key for key in ("import-names", "import-namespaces") if key in project]
    if named:
        return "2.5", " and ".join(named)
    if isinstance(project.get("license"), str) or "license-files" in project:
        return "2.4", "a license expression" if isinstance(project.get("license"), str) else "license-files"
    return "2.2", "no import-names, license expression or license-files"


def read_written_metadata(build, info):
    """{version, how, exact}: the Metadata-Version the release's files carry: exact from --build's files, else
    what the backend writes (backend_metadata_version)."""
    from email.parser import BytesParser
    found = {}
    for artifact in (build or {}).get("artifacts") or []:
        if artifact["metadata"]:
            found[artifact["filename"]] = BytesParser().parsebytes(artifact["metadata"]).get("Metadata-Version")
    versions = [value for value in found.values() if parse_version(value) is not None]
    if versions:
        highest = max(versions, key=Version)
        return {"version": highest, "exact": True,
                "how": "read from the built files (" + ", ".join(f"{name}: {value}" for name, value in found.items())
                       + ")"}
    return dict(backend_metadata_version(info), exact=False)


def validate_metadata(raw, filename, expected_version):
    """Problems PyPI would refuse an upload for (packaging's validation plus warehouse's own rules)."""
    from email.parser import BytesParser
    problems = []
    if raw is None:
        return [f"{filename}: no core metadata (METADATA/PKG-INFO) found"]
    fields = BytesParser().parsebytes(raw)
    metadata_version = fields.get("Metadata-Version")
    if metadata_version not in PYPI_METADATA_VERSIONS:
        problems.append(f"Metadata-Version {metadata_version!r} is not one PyPI accepts")
    try:
        from packaging.metadata import Metadata
        Metadata.from_email(raw, validate=True)
    except ImportError:
        pass  # packaging older than 23.2: the remaining rules still apply
    except Exception as error:  # packaging raises an ExceptionGroup of InvalidMetadata
        for item in getattr(error, "exceptions", [error]):
            problems.append(first_line(item))
    name, version = fields.get("Name") or "", parse_version(fields.get("Version"))
    if version is None:
        problems.append(f"Version {fields.get('Version')!r} is not PEP 440")
    elif version.local:
        problems.append(f"Version {version} has a local segment, which PyPI refuses")
    elif expected_version and not same_version(str(version), expected_version):
        problems.append(f"the build produced version {version}, not {expected_version}")
    if fields.get("License") and fields.get("License-Expression"):
        problems.append("both License and License-Expression are set (PEP 639 allows only one)")
    if fields.get("License-Expression"):
        try:
            from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression
            try:
                canonicalize_license_expression(fields["License-Expression"])
            except InvalidLicenseExpression as error:
                problems.append(first_line(error))
        except ImportError:
            pass
    try:
        from trove_classifiers import classifiers as known, deprecated_classifiers as deprecated
    except ImportError:
        known = deprecated = None
    for classifier in fields.get_all("Classifier") or []:
        if known is not None and classifier in deprecated:
            problems.append(f"classifier {classifier!r} is deprecated")
        elif known is not None and classifier not in known and not classifier.startswith("Private ::"):
            problems.append(f"classifier {classifier!r} is unknown")
    stem = canonicalize_name(name).replace("-", "_")
    if filename.endswith(".whl"):
        try:
            file_name, file_version, _, _ = parse_wheel_filename(filename)
        except (InvalidWheelFilename, InvalidVersion):
            return problems + [f"{filename} is not a valid wheel filename"]
    elif filename.endswith(".tar.gz"):
        try:
            file_name, file_version = parse_sdist_filename(filename)
        except (InvalidSdistFilename, InvalidVersion):
            return problems + [f"{filename} is not a valid sdist filename"]
    else:
        return problems + [f"{filename}: PyPI accepts only .whl and .tar.gz files"]
    if file_name != canonicalize_name(name) or (version is not None and file_version != version):
        problems.append(f"{filename} does not match Name {name!r} / Version {fields.get('Version')!r}")
    elif not filename.startswith(f"{stem}-"):
        problems.append(f"{filename} is not in normalized form ({stem}-...)")
    return [f"{filename}: {problem}" if not problem.startswith(filename) else problem for problem in problems]


# ----------------------------------------------------------------------------- the checks (pure: facts in, finding out)

def check_name(facts):
    name, source = facts["info"]["name"], facts["info"]["name_source"]
    if facts["info"].get("name_unknown"):
        return finding("name", "unknown", facts["info"]["name_unknown"],
                       "move the metadata to a [project] table in pyproject.toml (PEP 621)")
    if not isinstance(name, str) or not name.strip():
        return finding("name", "fail", f"{source} is missing or not a string",
                       'add name = "your-project" under [project] in pyproject.toml')
    if not valid_project_name(name):
        return finding("name", "fail", f"{name!r} is not a valid project name (PEP 508: letters, digits, "
                                       "'.', '-', '_', starting and ending with a letter or digit)",
                       f"rename it in {source}, for example to {canonicalize_name(name) or 'my-project'!r}")
    return finding("name", "pass", f"{name} (normalized: {canonicalize_name(name)})")


def check_pyproject_version(facts):
    resolved = facts["resolved"]
    version, how = resolved["version"], resolved["how"]
    if version is None and resolved["unknown"]:
        return finding("pyproject-version", "unknown", f"{how}: the version a build produces is not known",
                       "run with --build: the version is then read from the built files")
    if not resolved["releasable"] and not resolved["vcs"] or version is None and not resolved["vcs"]:
        return finding("pyproject-version", "fail", how or "no version", "set a PEP 440 version string in "
                                                                        "[project].version (for example \"0.1.0\")")
    if not resolved["releasable"] or version is None:
        tags = ", ".join(sorted(release_tags(facts))[:3])
        return finding("pyproject-version", "fail", how,
                       "commit or stash your changes and tag the release commit (git tag -a vX.Y.Z)"
                       + (f"; existing tags: {tags}" if tags else ""))
    parsed = parse_version(version)
    if parsed is None:
        return finding("pyproject-version", "fail", f"{version!r} ({how}) is not a PEP 440 version",
                       "use a PEP 440 version such as 1.2.3, 1.2.3rc1 or 1.2.3.post1")
    if parsed.local:
        return finding("pyproject-version", "fail", f"{version} ({how}) has a local segment '+{parsed.local}', "
                                                    "which PyPI refuses",
                       f"release {parsed.public} instead; for setuptools-scm set local_scheme = "
                       "\"no-local-version\" only for test uploads")
    status = "warn" if "PRETEND" in how else "pass"
    shown = version if str(parsed) == version else f"{version} (canonical {parsed})"
    return finding("pyproject-version", status, f"{shown} from {how}" if not how.startswith(version) else how)


def release_tags(facts):
    return [tag for tag in facts["git"]["tags"] if tag_version(tag, facts["info"]["name"]) is not None]


def tag_version(tag, name):
    """The version a release tag names, or None: 1.2.3, v1.2.3, v.1.2.3 (filipstrand/mflux's form), and any of
    those after the project's name and a separator (<name>-v1.2.3, <name>_1.2.3, <name>/v1.2.3, <name>@1.2.3)."""
    candidates = [tag]
    if isinstance(name, str) and name:
        for prefix in {name, canonicalize_name(name), canonicalize_name(name).replace("-", "_")}:
            if tag.lower().startswith(prefix.lower()) and tag[len(prefix):len(prefix) + 1] in TAG_NAME_SEPARATORS:
                candidates.append(tag[len(prefix) + 1:])
    for candidate in candidates:
        text = candidate[1:] if candidate[:1] in "vV" else candidate
        if text[:1] == "." and text[1:2].isdigit() and candidate[:1] in "vV":
            text = text[1:]
        if text[:1].isdigit():
            version = parse_version(text)
            if version is not None:
                return version
    return None


def check_init_version(facts):
    version, package = facts["version"], facts["package"]
    path, how = package
    if path is None:
        return finding("init-version", "skip", f"{how}; nothing to compare")
    shown = os.path.relpath(path, facts["root"])
    if facts["resolved"].get("substituted"):
        return finding("init-version", "skip", f"{shown}: {facts['resolved']['substituted']} writes __version__ "
                                               "into it at build time")
    if facts["resolved"]["source_file"] and os.path.realpath(path) == os.path.realpath(
            facts["resolved"]["source_file"]):
        return finding("init-version", "pass", f"{shown} is itself the version source")
    values = literal_assignments(facts["package_text"] or "", strict=True)
    if "__version__" not in values:
        return finding("init-version", "skip", f"{shown} ({how}) defines no __version__ literal at top level")
    literal = values["__version__"]
    if literal is None:
        return finding("init-version", "skip", f"{shown}: __version__ is computed or rebound at import time, "
                                               "not a single literal")
    if version is None:
        return finding("init-version", "skip", f"{shown} says {literal}; the build version is not known")
    if same_version(literal, version):
        return finding("init-version", "pass", f"{shown}: __version__ = {literal!r}")
    return finding("init-version", "fail", f"{shown}: __version__ = {literal!r}, but the build version is {version}",
                   f"set __version__ = \"{version}\" in {shown}")


def check_lock_version(facts):
    lock, version = facts["lock"], facts["version"]
    if lock is None:
        return finding("lock-version", "skip", "no uv.lock, poetry.lock or pdm.lock")
    if "error" in lock:
        return finding("lock-version", "fail", f"{lock['file']} is not valid TOML: {lock['error']}",
                       f"regenerate it ({'uv lock' if lock['file'].endswith('uv.lock') else 'the tool that wrote it'})")
    if lock.get("missing"):
        note = "" if lock["file"].endswith("uv.lock") else " (it records dependencies only)"
        return finding("lock-version", "skip", f"{lock['file']} does not record the project itself{note}")
    if lock.get("version") is None:
        return finding("lock-version", "skip", f"{lock['file']} records no version for the project "
                                               "(normal for a dynamic version)")
    if version is None:
        return finding("lock-version", "skip", f"{lock['file']} says {lock['version']}; the build version is not known")
    if same_version(str(lock["version"]), version):
        return finding("lock-version", "pass", f"{lock['file']} records {lock['version']}")
    command = {"uv.lock": "uv lock", "poetry.lock": "poetry lock", "pdm.lock": "pdm lock"}[
        os.path.basename(lock["file"])]
    return finding("lock-version", "fail", f"{lock['file']} records {lock['version']}, but the build version "
                                           f"is {version}", f"run `{command}` and commit {lock['file']}")


def check_not_on_pypi(facts):
    index, version, url = facts["index"], facts["version"], facts["index_url"]
    if facts["offline"]:
        return finding("not-on-pypi", "skip", f"index not consulted (--offline): {url} was not asked",
                       "run again without --offline before tagging")
    if index is None:
        return finding("not-on-pypi", "unknown" if facts["resolved"]["unknown"] else "skip",
                       "no valid name and version to look up", "fix the name and version checks first")
    decision = index["decision"]
    state, detail = decision["state"], decision["detail"]
    if state == "taken":
        return finding("not-on-pypi", "fail", f"{detail} on {url}", "bump the version (PyPI filenames are "
                                                                   "immutable); e.g. a .post1 or the next patch")
    if state == "closed":
        if "quarantined" in detail:  # the words decide_index writes for PEP 792 `quarantined`
            return finding("not-on-pypi", "fail",
                           f"{detail} ({url}); {QUARANTINE_NOTE}",
                           "ask PyPI's administrators to review and lift the quarantine (they set it after a "
                           "malware report); a token upload by an owner is possible but bypasses that review")
        return finding("not-on-pypi", "fail", f"{detail} ({url})", "ask the project owners to unarchive it on "
                                                                   "the index, or publish under another name")
    if state == "unknown":
        return finding("not-on-pypi", "unknown", f"{detail}: cannot tell whether {version} is free on {url}",
                       "retry later or check access to the index; never read this as free")
    tail = ("; a release whose files were deleted still burns its filenames and no API lists it, so a version "
            "uploaded and deleted before cannot be reused")
    if state == "absent":
        return finding("not-on-pypi", "pass", f"{detail} at {url}{tail}")
    return finding("not-on-pypi", "pass", f"{detail} on {url}{tail}")


def check_version_order(facts):
    """Compares with the release list not-on-pypi already read (decide_index's `known`/`highest`), also when that
    lookup could not decide whether the version is free: the versions the index did list still order."""
    index, version = facts["index"], parse_version(facts["version"])
    if facts["offline"]:
        return finding("version-order", "skip", "index not consulted (--offline)")
    if version is None:
        return finding("version-order", "skip", "no valid version to compare with the releases")
    if index is None:
        return finding("version-order", "skip", "the index was not read (see not-on-pypi)")
    decision = index["decision"]
    known, highest = decision.get("known") or set(), decision.get("highest")
    partial = ""
    if decision["state"] == "unknown":
        if not known:
            return finding("version-order", "skip", "the index listed no releases it could be sure of "
                                                    "(see not-on-pypi)")
        partial = f" (among the {len(known)} release(s) the index did list; see not-on-pypi)"
    if highest is None:
        return finding("version-order", "pass", "no earlier releases")
    if version < highest:
        return finding("version-order", "warn", f"{version} is lower than the highest release {highest}{partial} "
                                                "(fine for a backport; installers pick the highest)",
                       f"use a version above {highest} unless this is a deliberate backport")
    if version == highest:
        return finding("version-order", "skip", f"{version} is the highest release itself (see not-on-pypi)")
    return finding("version-order", "pass", f"{version} is above the highest release {highest}{partial}")


def publishing_jobs(facts):
    """[(workflow, job)] of the jobs that can upload to the index in use: a job aimed only at the other index
    (TestPyPI for PyPI, and vice versa) is not a candidate for this index's trusted publisher; nor is a job of a
    workflow that the release tag does not start (its on.push.tags filter), when another one is started."""
    index = "testpypi" if facts["testpypi"] else "pypi"
    jobs = [(workflow, job) for workflow in facts["workflows"] or [] for job in workflow.get("jobs", [])
            if index in job.get("targets") or not job.get("targets")]
    started = [(workflow, job) for workflow, job in jobs if release_starts(workflow, facts)]
    return this_project(facts, started or jobs)[0]


def this_project(facts, jobs):
    """(jobs, [what was set aside]) of the publishing jobs that are this project's in a repository of several.

    A project below the top of a monorepo: when some publishing workflows name this project's directory (or its
    name) and others name only other projects' directories, the latter publish another project. Then, for any
    project (the one at the top too), a job whose build or upload names only another project of the repository
    (the directory it builds, its `packages-dir:`, `--package NAME`, `dist/NAME-*`; build_clues) publishes that
    project: it is set aside, and when every job is, none publishes this one."""
    name = facts["info"]["name"] if isinstance(facts["info"]["name"], str) else None
    ours_name = canonicalize_name(name) if name and valid_project_name(name) else None
    builds = [(w, j, w.get("builds")) for w, j in jobs]
    set_aside = []
    if any(found for _, _, found in builds):
        def named(workflow, found):
            return found["here"] or name is not None and canonicalize_name(name) in {
                canonicalize_name(word) for word in found["words"] if len(word) == len(name)}
        ours = [(w, j) for w, j, found in builds if found and named(w, found)]
        elsewhere = sorted({w["file"] for w, j, found in builds if found and not named(w, found)
                            and found["others"]})
        if ours:
            jobs = [(w, j) for w, j, found in builds if not (found and w["file"] in elsewhere)]
            built = {w["file"]: w["builds"]["others"] for w, _, found in builds if found}
            set_aside = [f"{file} builds {', '.join(d + '/' for d in built[file])}" for file in elsewhere]
    kept, others = [], {}
    for workflow, job in jobs:
        clues = job.get("for") or []
        here = [clue for clue in clues if clue["here"] or ours_name is not None and clue["name"] == ours_name]
        away = [clue for clue in clues if clue not in here and clue["name"] is not None]
        if away and not here:  # says only that it publishes another project
            others.setdefault(workflow["file"], []).append((job, away))
        else:
            kept.append((workflow, job))
    for file, found in others.items():
        whole = not any(w["file"] == file for w, _ in kept)  # name the file, or its jobs when some are kept
        for label, away in ([(file, [clue for _, clues in found for clue in clues])] if whole else
                            [(f"{file}:{job['job']}", clues) for job, clues in found]):
            shown = dict.fromkeys(clue["name"] + (f" ({clue['dir'] or '.'}/)" if clue["dir"] is not None
                                                  else f" ({clue['said']})") for clue in away)
            set_aside.append(f"{label} publishes {', '.join(shown)}")
    return kept, set_aside


def project_label(facts):
    name = facts["info"]["name"]
    return name if isinstance(name, str) and name else "this project"


def release_tag(facts):
    """The tag this release is pushed as: HEAD's tag(s) naming the version, else the one git-tag suggests
    (`v` + version unless most release tags have no `v`); None without a version or git."""
    version, git = parse_version(facts.get("version")), facts.get("git") or {}
    if version is None or not git.get("repo"):
        return None
    name = facts["info"]["name"]
    ours = sorted(tag for tag, commit in git["tags"].items() if commit == git["head"] and tag_version(tag, name)
                  == version)
    if ours:
        return ours[0]
    tags = release_tags(facts)
    style = "v" if not tags or sum(tag[:1] in "vV" for tag in tags) * 2 >= len(tags) else ""
    return f"{style}{version}"


def github_filter_match(pattern, text):
    """GitHub's filter pattern syntax (workflow syntax, "Filter pattern cheat sheet"): `*` any characters but
    `/`, `**` any characters, `?` zero or one of the preceding character, `+` one or more of it, `[...]` one
    character of a set or range, `\\` escapes; the whole name must match."""
    import re
    out, index = [], 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**", index):
            out.append(".*")
            index += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char in "?+" and out:
            out.append(char)
        elif char == "[" and "]" in pattern[index + 1:]:
            end = pattern.index("]", index + 1)
            out.append("[" + pattern[index + 1:end].replace("\\", "\\\\") + "]")
            index = end + 1
            continue
        elif char == "\\" and index + 1 < len(pattern):
            out.append(re.escape(pattern[index + 1]))
            index += 2
            continue
        else:
            out.append(re.escape(char))
        index += 1
    try:
        return re.fullmatch("".join(out), text) is not None
    except re.error:
        return False


def release_starts(workflow, facts):
    """Whether pushing the release's tag starts the workflow. With HEAD tagged for the version, that tag decides;
    before tagging, any tag that names the version may still be chosen: `v1.2.3`, `1.2.3`, `name-v1.2.3`, or the
    workflow's own pattern with the version for its `*` (`test-v*` -> `test-v1.2.3`)."""
    tag, version = release_tag(facts), facts.get("version")
    if tag is None or tag_starts(workflow["triggers"], tag):
        return True
    git, name = facts["git"], facts["info"]["name"]
    if any(commit == git["head"] and tag_version(found, name) == parse_version(version)
           for found, commit in git["tags"].items()):
        return False  # the tag is made: it decides
    push = workflow["triggers"].get("push") if isinstance(workflow["triggers"].get("push"), dict) else {}
    candidates = [f"v{version}", str(version), f"{name}-v{version}", f"{name}-{version}"]
    candidates += [pattern.replace("**", str(version)).replace("*", str(version))
                   for pattern in string_list(push.get("tags")) if "*" in pattern and not pattern.startswith("!")]
    return any(tag_starts(workflow["triggers"], candidate) for candidate in candidates if str(version) in candidate)


def tag_filter(workflow):
    """The on.push.tags (or tags-ignore, prefixed `ignore:`) patterns of a workflow, for messages."""
    push = workflow["triggers"].get("push")
    push = push if isinstance(push, dict) else {}
    return push.get("tags") if "tags" in push else [f"ignore:{p}" for p in string_list(push.get("tags-ignore"))] \
        or ["(none: branch filters only)"]


def tag_starts(triggers, tag):
    """Whether pushing `tag` starts a workflow with these triggers (True also when unknown or when a `release`
    event, not the push, is what starts it); False only when the push filters exclude the tag."""
    if tag is None or "release" in triggers or "push" not in triggers:
        return True
    push = triggers.get("push")
    if not isinstance(push, dict) or not push:
        return True
    if "tags" in push:
        started = False
        for pattern in string_list(push.get("tags")):  # later patterns win; `!` excludes
            if pattern.startswith("!"):
                started = started and not github_filter_match(pattern[1:], tag)
            elif github_filter_match(pattern, tag):
                started = True
        return started
    if "tags-ignore" in push:
        return not any(github_filter_match(pattern, tag) for pattern in string_list(push.get("tags-ignore")))
    # only branch filters: GitHub does not run the workflow for tag pushes
    return not ("branches" in push or "branches-ignore" in push)


def runs_on_release_tag(workflow, job):
    """Whether the job runs for a release: a tag push, a release event, or an `if:` that limits it to tags."""
    push = workflow["triggers"].get("push")
    tag_push = isinstance(push, dict) and ("tags" in push or "tags-ignore" in push)
    return tag_push or "release" in workflow["triggers"] or job["gated"]


def publisher_candidate(workflow, job):
    return f"{workflow['file']} (environment {job['environment'] or '(none)'}, job {job['job']})"


def check_first_publish(facts):
    jobs = publishing_jobs(facts)
    origin = github_repository(facts["git"]["origin"])
    owner, repo = origin.split("/") if origin else ("<owner>", "<repository>")
    on_release = [(w, j) for w, j in jobs if runs_on_release_tag(w, j)]
    chosen = jobs if len(jobs) == 1 else on_release if len(on_release) == 1 else []
    workflow, job = chosen[0] if chosen else ({"file": "<workflow file>.yml"}, {"environment": None})
    name = facts["info"]["name"] if isinstance(facts["info"]["name"], str) else "<project name>"
    form = (f"PyPI project name: {name}; Owner: {owner}; Repository name: {repo}; "
            f"Workflow name: {workflow['file']}; Environment name: {job['environment'] or '(none)'}")
    index_label = "TestPyPI" if facts["testpypi"] else "PyPI"
    candidates, undecided = "", False
    if len(jobs) > 1:
        listed = ", ".join(publisher_candidate(w, j) for w, j in jobs)
        if chosen:
            candidates = (f"; {len(jobs)} jobs publish to {index_label}: {listed}; the pending publisher must name "
                          f"{workflow['file']}, the one that runs on the release tag")
        else:
            undecided = True
            candidates = (f"; {len(jobs)} jobs publish to {index_label} and "
                          + ("none" if not on_release else f"{len(on_release)}") + " of them run(s) on the release "
                          f"tag, so which one the pending publisher must name is not known: {listed}")
    publishing_page = f"{facts['index_url']}/manage/account/publishing/"
    choose_fix = "; keep one job that publishes on release tags, or register the one that does" if undecided else ""
    add = f"add a pending publisher on {publishing_page} with: {form}{choose_fix}; {PENDING_PUBLISHER_NOTE}"
    state = facts["index"]["decision"]["state"] if facts["index"] is not None else None
    if state == "absent":
        missing = [] if origin else ["origin is not a GitHub URL"]
        missing += [] if jobs else [f"no workflow publishes to {index_label}"]
        return finding("first-publish", "warn", "new project: the first upload needs a pending publisher "
                       + (f"({'; '.join(missing)}) " if missing else "") + f"on {publishing_page}: {form}{candidates}",
                       add)
    if state not in (None, "unknown"):
        return finding("first-publish", "pass", "the project exists on the index (its publishers are managed there)")
    # Not known whether the project exists: the form is printed anyway, since a first release is when it is needed.
    why = ("the index was not consulted (--offline)" if facts["offline"] else
           "whether the project exists on the index is unknown" if state == "unknown" else
           "the index was not asked (no valid name and version)")
    return finding("first-publish", "unknown" if state == "unknown" else "warn" if undecided else "skip",
                   f"{why}; if this is the first release, add a pending publisher on {publishing_page}: "
                   f"{form}{candidates}", f"if this is the first release, {add}")


def presented_publisher(facts):
    """(publisher view, gaps): what this checkout's release tag will present to PyPI. Kind and repository come
    from `git remote origin`, the workflow filename and environment from the one job that publishes on the
    release tag (as first-publish chooses it); a field that cannot be read is left out and named in gaps."""
    origin = facts["git"]["origin"]
    view, gaps = {}, []
    if github_repository(origin):
        view.update(kind="GitHub", repository=github_repository(origin))
    elif gitlab_project(origin):
        view.update(kind="GitLab", repository=gitlab_project(origin))
    else:
        gaps.append("the git remote origin is not a github.com or gitlab.com URL")
    if view.get("kind") == "GitLab":
        if facts.get("gitlab_ci"):
            view["workflow"] = ".gitlab-ci.yml"
        gaps.append("GitLab's CI file and environment are compared only as .gitlab-ci.yml, without environment")
        return view, gaps
    jobs = publishing_jobs(facts)
    on_release = [(w, j) for w, j in jobs if runs_on_release_tag(w, j)]
    chosen = jobs if len(jobs) == 1 else on_release if len(on_release) == 1 else []
    if chosen:
        workflow, job = chosen[0]
        view.setdefault("kind", "GitHub")
        view["workflow"] = workflow["file"]
        if "${{" in str(job["environment"] or ""):
            gaps.append(f"the job's environment is an expression ({job['environment']}), not compared")
        else:
            view["environment"] = job["environment"]
    else:
        gaps.append("no workflow in .github/workflows publishes on the release tag" if not jobs else
                    f"{len(jobs)} jobs publish and not exactly one runs on the release tag: "
                    + ", ".join(publisher_candidate(w, j) for w, j in jobs))
    return view, gaps


def check_publisher_continuity(facts):
    check = "publisher-continuity"
    index_label = "TestPyPI" if facts["testpypi"] else "PyPI"
    if facts["offline"]:
        return finding(check, "skip", "index not consulted (--offline): the publisher of earlier releases was "
                                      "not read", "run again without --offline before tagging")
    index = facts["index"]
    if index is None:
        return finding(check, "skip", "the index was not asked (no valid name and version)")
    simple, last = index["simple"], index.get("provenance") or {"state": "unread", "detail": ""}
    if simple["state"] == "absent":
        return finding(check, "skip", "new project: no earlier release whose publisher could differ "
                                      "(first-publish has the pending-publisher form)")
    if simple["state"] != "ok":
        return finding(check, "unknown", f"the index lookup failed ({simple['reason']}): the publisher of earlier "
                                         "releases is not known", "retry later or check access to the index")
    if last["state"] in ("none", "no-key"):
        return finding(check, "skip", last["detail"])
    if last["state"] == "unread":
        return finding(check, "unknown", "the provenance of earlier releases was not read within --timeout",
                       "retry later, or with a larger --timeout; never read this as the same publisher")
    if last["state"] != "ok":
        return finding(check, "unknown", f"the provenance of {last['version']} could not be read: {last['detail']}",
                       "retry later; never read this as the same publisher")
    previous = last["publishers"]
    before = "; ".join(describe_publisher(view) for view in previous)
    presented, gaps = presented_publisher(facts)
    said = f"the newest release with provenance, {last['version']}, was published by {before}"
    gap_text = f" ({'; '.join(gaps)})" if gaps else ""
    if not set(presented) - {"kind", "environment"}:
        return finding(check, "skip", f"{said}; what this checkout will present is not known{gap_text}",
                       f"make sure the release tag's workflow matches {before}")
    shown = presented.get("kind", "?") + ": " + " ".join(
        str(presented.get(field)) for field in ("repository", "workflow") if field in presented)
    if presented.get("environment"):
        shown += f" (environment {presented['environment']})"
    compared = [{key: value for key, value in view.items() if key in presented} for view in previous]
    changes = [publisher_changes(view, presented) for view in compared]
    if any(not change for change in changes):
        return finding(check, "pass", f"{said}; this checkout presents the same{gap_text}")
    identity = [change for change in changes if all(field == "environment" for field, _, _ in change)]
    settings = f"{facts['index_url']}/manage/project/{canonicalize_name(facts['info']['name'])}/settings/publishing/"
    if identity:
        _, old, new = identity[0][0]
        if not old:
            return finding(check, "pass", f"{said} (registered without an environment, so any is accepted); this "
                                          f"checkout presents {shown}{gap_text}")
        return finding(check, "warn", f"{said}; this checkout's publishing job uses environment {new or '(none)'}, "
                                      f"not {old}: if the publisher on {index_label} names environment {old}, the "
                                      f"upload is refused (invalid-publisher){gap_text}",
                       f"set the job's environment back to {old}, or add a publisher with environment "
                       f"{new or '(none)'} on {settings}")
    differ = "; ".join(f"{field} {old!r} -> {new!r}" for field, old, new in changes[0] if field != "environment")
    if facts.get("publisher_changed"):
        return finding(check, "warn", f"{said}; this checkout presents {shown} ({differ}); --publisher-changed: a "
                                      f"publisher for the new values is said to be registered on {index_label} "
                                      f"(this cannot be checked from here){gap_text}")
    return finding(check, "fail", f"{said}; this checkout's tag will present {shown} ({differ}): {index_label} "
                                  f"will refuse the upload (invalid-publisher) unless a publisher for the new "
                                  f"values is registered{gap_text}",
                   f"either add a trusted publisher for {shown} on {settings} first and rerun with "
                   f"--publisher-changed, or change the workflow back to {before}")


def git_refused(check, facts):
    path = os.path.abspath(facts["root"])
    return finding(check, "fail", "git refuses to work in this repository: it belongs to another user "
                                  "(dubious ownership)", f"git config --global --add safe.directory {path}")


def floating_tag(tag_version, version):
    """`v2` or `v2.1` on a 2.1.3 release: a moving major/minor tag (GitHub Actions style), not another release."""
    shorter = len(tag_version.release) < len(version.release)
    return shorter and not tag_version.pre and not tag_version.post and not tag_version.dev and \
        version.release[:len(tag_version.release)] == tag_version.release


def release_tag_prefix(tags, name):
    """What this project's release tags put before the version (`v`, `hatch-v`, `v.`, or nothing): the most
    common prefix among tags that end with their version as written; `v` when there are none."""
    from collections import Counter
    prefixes = Counter(tag[:-len(str(found))] for tag, found in ((tag, tag_version(tag, name)) for tag in tags)
                       if found is not None and tag.endswith(str(found)))
    return prefixes.most_common(1)[0][0] if prefixes else "v"


def check_git_tag(facts):
    git, version = facts["git"], parse_version(facts["version"])
    if git["refused"]:
        return git_refused("git-tag", facts)
    if not git["repo"]:
        return finding("git-tag", "warn", "not a git repository: release tags cannot be checked")
    if git["head"] is None:
        return finding("git-tag", "warn", "the repository has no commits yet", "commit the release first")
    if version is None:
        return finding("git-tag", "skip", "no valid version to compare tags with")
    name, head = facts["info"]["name"], git["head"]
    at_head = {tag: tag_version(tag, name) for tag, commit in git["tags"].items() if commit == head}
    at_head = {tag: found for tag, found in at_head.items() if found is not None}
    ours = sorted(tag for tag, commit in git["tags"].items() if tag_version(tag, name) == version)
    elsewhere = [tag for tag in ours if git["tags"][tag] != head]
    shallow = " (shallow clone: some tags may be missing; git fetch --unshallow --tags)" if git["shallow"] else ""
    if elsewhere:
        where = ", ".join(f"{tag} -> {git['tags'][tag][:12]}" for tag in elsewhere)
        return finding("git-tag", "fail", f"tag(s) for {version} point at another commit than HEAD "
                                          f"({head[:12]}): {where}{shallow}",
                       f"if {version} was never published: git tag -d {elsewhere[0]} && git push origin "
                       f":refs/tags/{elsewhere[0]}; otherwise bump the version")
    other = sorted(tag for tag, found in at_head.items() if found != version and not floating_tag(found, version))
    if other and not ours:
        return finding("git-tag", "fail", f"HEAD is tagged {', '.join(other)}, but the version is {version}"
                       + shallow, "make the version match the tag, or tag the right commit")
    if ours:
        return finding("git-tag", "warn" if shallow else "pass", f"HEAD is tagged {', '.join(ours)}{shallow}")
    tag = f"{release_tag_prefix(release_tags(facts), name)}{version}"
    return finding("git-tag", "warn" if shallow else "pass", f"no tag for {version} yet{shallow}; when ready: "
                   f"git tag -a {tag} -m \"Release {version}\" && git push origin {tag}")


def check_git_clean(facts):
    git = facts["git"]
    if git["refused"]:
        return git_refused("git-clean", facts)
    if not git["repo"]:
        return finding("git-clean", "skip", "not a git repository")
    dirty = git["dirty_repo"] if facts["resolved"]["vcs"] else git["dirty"]
    if not dirty:
        return finding("git-clean", "pass", "no uncommitted changes to tracked files")
    shown = ", ".join(dirty[:5]) + (f" and {len(dirty) - 5} more" if len(dirty) > 5 else "")
    if facts["files"].commit is not None:  # the release is read from a commit: the work tree does not change it
        return finding("git-clean", "warn", f"uncommitted changes ({shown}) are not part of {facts['files'].label}, "
                                            "which is what the release is built from", "commit them and move the "
                                            "tag if they belong in this release (release-files names those that "
                                            "matter); otherwise ignore or stash them")
    if facts["resolved"]["vcs"]:
        return finding("git-clean", "fail", f"uncommitted changes ({shown}) make a VCS-derived version a dev "
                                            "version", "commit or stash them: git status")
    return finding("git-clean", "warn", f"uncommitted changes: {shown} (the tag will not contain them)",
                   "commit or stash them: git status")


def publishing_summary(workflows, testpypi):
    """({workflow files with a job that uploads to this index}, {(file, job) of those granted id-token: write})."""
    index = "testpypi" if testpypi else "pypi"
    jobs = [(w["file"], j) for w in workflows or [] for j in w.get("jobs", [])
            if index in j.get("targets", []) or not j.get("targets")]
    return {name for name, _ in jobs}, {(name, job["job"]) for name, job in jobs if job["id_token"]}


def check_release_files(facts):
    files, twin, git = facts["files"], facts["twin"], facts["git"]
    if git["refused"]:
        return git_refused("release-files", facts)
    if not git["repo"]:
        return finding("release-files", "skip", "not a git repository: no commit or tag to compare with")
    if git["head_commit"] is None:
        return finding("release-files", "fail", "the repository has no commits: a tag needs a commit that holds "
                                                "pyproject.toml and the publishing workflow",
                       "git add -A && git commit -m \"Release\" before tagging")
    if twin is None:
        return finding("release-files", "pass", f"read from {files.label}; the work tree is not compared "
                                                "(that commit is not HEAD)")
    tagged = files.commit is not None
    if not twin["relevant"]:
        return finding("release-files", "pass",
                       f"read from {files.label}: what the tag runs" if tagged else
                       "the workflows, pyproject.toml and version sources this check read are committed at HEAD, "
                       "so a tag made now contains them")
    untracked = set(twin["untracked"])
    shown = ", ".join(f"{path} ({'untracked' if path in untracked else 'changed'})" for path in twin["relevant"][:6])
    committed = (facts["workflows"], facts["resolved"]) if tagged else (twin.get("workflows"), twin.get("resolved"))
    on_disk = (twin.get("workflows"), twin.get("resolved")) if tagged else (facts["workflows"], facts["resolved"])
    side = files.label if tagged else twin["label"]
    problems = []
    if twin.get("error"):
        problems.append(twin["error"])
    committed_files, committed_oidc = publishing_summary(committed[0], facts["testpypi"])
    disk_files, disk_oidc = publishing_summary(on_disk[0], facts["testpypi"])
    if disk_files and not committed_files:
        problems.append(f"{side} has no workflow that publishes, so pushing the tag runs nothing; only the work "
                        f"tree has {', '.join(sorted(disk_files))}")
    elif disk_oidc - committed_oidc:
        lost = ", ".join(f"{name} job {job}" for name, job in sorted(disk_oidc - committed_oidc))
        problems.append(f"`id-token: write` for {lost} is only in the work tree, not in {side}")
    if committed[1] and on_disk[1] and committed[1]["version"] and on_disk[1]["version"] and not same_version(
            committed[1]["version"], on_disk[1]["version"]):
        problems.append(f"{side} builds version {committed[1]['version']}, the work tree {on_disk[1]['version']}")
    paths = " ".join(twin["relevant"][:6])
    if tagged:
        tag = files.label.split(" ", 1)[1].split(" (")[0].split(", ")[0] if files.label.startswith("tag ") else None
        fix = (f"commit them (git add {paths} && git commit) and move the tag before pushing it: git tag -f -a "
               f"{tag} -m \"Release\" (only while {tag} is not pushed; a pushed tag may already have published)"
               if tag else f"commit them (git add {paths} && git commit)")
    else:
        fix = f"commit them before tagging: git add {paths} && git commit"
    if problems:
        return finding("release-files", "fail", "; ".join(problems) + f" ({shown})", fix)
    return finding("release-files", "warn", f"{shown} differ between the work tree and {side}; the tag runs the "
                                            "committed files", fix)


def broken_workflow_fix(broken):
    return ("fix " + ", ".join(f".github/workflows/{w['file']}" + (f" at line {w['line']}, column {w['column']}"
                                                                   if w.get("line") else "") for w in broken)
            + " (YAML indents with spaces, never tabs; a workflow is a mapping with `on:` and `jobs:`); "
              "check it with `python3 -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1]))' FILE`")


def check_workflow_oidc(facts):
    workflows = facts["workflows"]
    if workflows is None:
        return finding("workflow-oidc", "warn", "no .github/workflows/: publishing is not automated with "
                                                "trusted publishing", "copy assets/publish.yml to "
                                                                      ".github/workflows/publish.yml")
    broken = [workflow for workflow in workflows if "error" in workflow]
    publishes = any(w.get("jobs") for w in workflows)
    # A broken file fails the release when it may be the publishing one: GitHub will not run it. Other broken
    # files (a lint workflow) are a warning: they do not stop this release.
    broken, broken_elsewhere = ([w for w in broken if w.get("may_publish", True) or not publishes],
                                [w for w in broken if not (w.get("may_publish", True) or not publishes)])
    if broken:
        # GitHub refuses to run a workflow file it cannot parse: a release tag would publish nothing.
        shown = [f".github/workflows/{w['file']}" + (f":{w['line']}:{w['column']}" if w.get("line") else "")
                 + f": {w['error']}" for w in broken]
        return finding("workflow-oidc", "fail", "GitHub refuses to run workflow files that do not parse, so they "
                                                "never publish: " + "; ".join(shown), broken_workflow_fix(broken))
    # A job whose uploads all go to another index (a private or project index) does not publish to PyPI/TestPyPI.
    jobs = [(w, j) for w in workflows for j in w.get("jobs", []) if not j.get("only_other")]
    if not jobs:
        external = sorted({call["uses"] for w in workflows for call in w.get("calls", [])
                           if not call["uses"].startswith("./")})
        return finding("workflow-oidc", "warn", "no workflow publishes (pypa/gh-action-pypi-publish, twine upload, "
                                                "uv publish, ...)"
                       + (f"; reusable workflows of other repositories are called and not checked here: "
                          f"{', '.join(external[:3])} (trusted publishing does not support publishing from "
                          "them: the publish job belongs in a top-level workflow of this repository)"
                          if external else ""),
                       "copy assets/publish.yml to .github/workflows/publish.yml")
    tag = release_tag(facts)
    index = "testpypi" if facts["testpypi"] else "pypi"
    ours = [(w, j) for w, j in jobs if index in j.get("targets", [index]) or not j.get("targets")]
    # Jobs for this index that the release tag does not start are not judged; the other index's jobs are reported
    # as warnings whatever starts them.
    idle = [(w, j) for w, j in ours if not release_starts(w, facts)]
    filters = "; ".join(sorted({f"{w['file']} runs on tags {', '.join(map(repr, string_list(tag_filter(w))))}"
                                for w, _ in idle}))
    if ours and all((w, j) in idle for w, j in ours):
        version = facts["version"]
        fitting = [candidate for candidate in (f"v{version}", str(version), f"{facts['info']['name']}-v{version}")
                   if any(tag_starts(w["triggers"], candidate) for w, _ in idle)]
        return finding("workflow-oidc", "fail", f"pushing tag {tag} starts no workflow that publishes: {filters}",
                       (f"tag the release {fitting[0]} (git tag -a {fitting[0]} -m \"Release {version}\"), which "
                        "the filter matches" if fitting else f"version {version} has no tag those filters match: "
                        f"release a version they accept, or change on.push.tags in "
                        f"{', '.join(sorted({w['file'] for w, _ in idle}))}")
                       + " (GitHub's filter syntax: * any but /, ** any, ? and + repeat the previous character)")
    jobs = [(w, j) for w, j in jobs if (w, j) not in idle]
    kept, set_aside = this_project(facts, [(w, j) for w, j in jobs if (w, j) in ours])
    if set_aside and not kept:  # every job for this index publishes another project of the repository
        return finding("workflow-oidc", "warn", f"no workflow publishes {project_label(facts)} "
                                                f"to {'TestPyPI' if facts['testpypi'] else 'PyPI'}; set aside: "
                                                f"{'; '.join(set_aside)} (another project of this repository)",
                       "add a publishing workflow for this project (assets/publish.yml, building its directory)")
    jobs = [(w, j) for w, j in jobs if (w, j) in kept or (w, j) not in ours]
    warns = [f".github/workflows/{w['file']} does not parse ({w['error']}); GitHub will not run it"
             for w in broken_elsewhere]
    fails, fixes = [], [broken_workflow_fix(broken_elsewhere)] if broken_elsewhere else []
    callers = {call["uses"].rsplit("/", 1)[-1].split("@")[0]: w["file"] for w in workflows
               for call in w.get("calls", [])}
    local_calls = {}  # called workflow file -> [does the calling job grant id-token?]
    for w in workflows:
        for call in w.get("calls", []):
            if call["uses"].startswith("./.github/workflows/"):
                local_calls.setdefault(call["uses"].rsplit("/", 1)[-1].split("@")[0], []).append(call["id_token"])
    index = "testpypi" if facts["testpypi"] else "pypi"
    for workflow, job in jobs:
        where = f"{workflow['file']} job {job['job']}" + (f" (uploads through {', '.join(job['via'])})"
                                                          if job.get("via") else "")
        # Jobs that upload only to the other index are reported, but do not decide this release.
        judged = fails if index in job.get("targets", [index]) or not job.get("targets") else warns
        shown = sorted({"PyPI" if t == "pypi" else "TestPyPI" if t == "testpypi" else t[6:] for t in job["targets"]})
        other = "" if judged is fails else f" (it uploads to {', '.join(shown)} only)"
        granted = job["id_token"]
        if job["granted_by"] is None and workflow.get("reusable"):
            grants = local_calls.get(workflow["file"], [])
            granted = bool(grants) and all(grants)  # unknown external callers: not granted as far as we can see
        if not granted:
            judged.append(f"{where} lacks `id-token: write`{other}")
            fixes.append(f"add `permissions: {{id-token: write}}` to job {job['job']} in {workflow['file']}"
                         + (" (or to every job that calls it)" if workflow.get("reusable") else ""))
        for problem in job["problems"]:
            judged.append(f"{where} {problem}{other}")
            fixes.append(f"remove the token from {where}: trusted publishing needs none")
        for problem in trigger_problems(workflow["triggers"], job["gated"]):
            judged.append(f"{workflow['file']} {problem}{other}")
            fix = (f"trigger {workflow['file']} on `push: tags: [\"v*\"]` or `release: types: [published]`, or gate "
                   f"job {job['job']} with `if: startsWith(github.ref, 'refs/tags/')`")
            if job["environment"] is not None and "every push" in problem:
                # Deployment rules of an environment live in the repository settings, not in the file: unseen.
                fix += (f" (a tag-only deployment rule on environment {job['environment']} also refuses branch "
                        "pushes, but it is set on GitHub, not in the file, so it cannot be counted here)")
            fixes.append(fix)
        if job["environment"] is None:
            warns.append(f"{where} has no `environment:`")
            fixes.append(f"add `environment: pypi` to job {job['job']} (and require it in the publisher)")
        if workflow.get("reusable") or workflow["file"] in callers:
            warns.append(f"{workflow['file']} is a reusable workflow: PyPI matches the called workflow's filename "
                         f"({workflow['file']}), not the caller's")
            fixes.append(f"register the publisher with workflow filename {workflow['file']}, or move job "
                         f"{job['job']} into the calling workflow (reusable workflows are not officially supported)")
        if job["attestations_off"]:
            warns.append(f"{where} sets `attestations: false` (no PEP 740 attestations)")
            fixes.append("remove `attestations: false`")
        if job["unpinned"]:
            warns.append(f"{where} uses unpinned actions: {', '.join(job['unpinned'][:4])}")
            fixes.append(f"pin them to commit SHAs: python3 scripts/check-action-pins.py "
                         f".github/workflows/{workflow['file']}")
    names = ", ".join(f"{w['file']}:{j['job']}" + (f" (uploads through {', '.join(j['via'])})" if j.get("via") else "")
                      for w, j in jobs)
    elsewhere = sorted({f"{w['file']}:{j['job']} -> {host}" for w, j in
                        [(w, j) for w in workflows for j in w.get("jobs", [])] for host in j.get("other_indexes", [])})
    if idle:
        elsewhere.append(f"not started by tag {tag}, so not judged: {filters}")
    if set_aside:
        elsewhere.append(f"set aside: {'; '.join(set_aside)} (another project of this repository, not judged)")
    if elsewhere:  # said, never judged: those credentials are for another index
        hosts = [item for item in elsewhere if " -> " in item]
        warns_note = "".join(["; credentials sent to other indexes are not PyPI tokens and are not judged here: "
                              + ", ".join(hosts[:4]) if hosts else ""]
                             + [f"; {item}" for item in elsewhere if " -> " not in item])
    else:
        warns_note = ""
    if fails:
        return finding("workflow-oidc", "fail", "; ".join(fails + warns) + warns_note,
                       "; ".join(dict.fromkeys(fixes)))
    if warns:
        return finding("workflow-oidc", "warn", f"{names}: " + "; ".join(warns) + warns_note,
                       "; ".join(dict.fromkeys(fixes)) or None)
    environments = ", ".join(sorted({str(j["environment"]) for _, j in jobs}))
    return finding("workflow-oidc", "pass", f"{names}: publishes with trusted publishing (OIDC): id-token: write, "
                                            f"environment {environments}, no tokens, pinned actions{warns_note}")


def check_build(facts):
    build = facts["build"]
    if build is None:
        return finding("build", "skip", "not built (run with --build to build and validate sdist and wheel)")
    if "unknown" in build:
        return finding("build", "unknown", build["unknown"], build.get("fix"))
    if "error" in build:
        return finding("build", "fail", build["error"], build.get("fix") or "run `python -m build` and read "
                                                                            "its output")
    artifacts = build["artifacts"]
    kinds = {a["filename"].endswith(".whl") for a in artifacts}
    problems = [] if kinds == {True, False} else ["the build did not produce both an sdist and a wheel"]
    for artifact in artifacts:
        problems += validate_metadata(artifact["metadata"], artifact["filename"], facts["version"])
    warnings = []
    if build["twine"] is not None and not build["twine"]["ok"]:
        output = build["twine"]["output"].splitlines()
        errors = [line.strip() for line in output if line.strip().startswith("ERROR")]
        # twine --strict also fails on warnings (a missing long description); PyPI accepts those uploads.
        notes = [line.strip() for line in output if line.strip().startswith("WARNING")]
        if errors or not notes:
            problems.append("twine check --strict: " + (" | ".join(dict.fromkeys(errors[:3])) or "failed"))
        else:
            warnings.append("twine check --strict warns: " + " | ".join(dict.fromkeys(notes[:2])))
    names = ", ".join(a["filename"] for a in artifacts)
    tool = f"{build['tool']} from {build['source']}" if build.get("source") else build["tool"]
    if problems:
        return finding("build", "fail", f"{tool}: " + "; ".join(problems[:6]),
                       "fix the metadata in pyproject.toml and run again with --build")
    checked = "packaging metadata" + (", twine check --strict" if build["twine"] is not None else "")
    if warnings:
        return finding("build", "warn", f"{names} built with {tool}; " + "; ".join(warnings),
                       "add readme = \"README.md\" under [project] so the project page has a description")
    return finding("build", "pass", f"{names} built with {tool}; {checked}: valid")


def member_problems(name, sdist):
    """[(severity, group, what)] for one member path of a distribution (severity fail or warn; group is the folder
    or file to name in the report)."""
    parts = name.split("/")
    base, found = parts[-1], []
    lower = base.lower()
    if lower in CREDENTIAL_NAMES or (lower.startswith(".env.") and not lower.endswith(ENV_FILE_EXAMPLES)):
        found.append(("fail", name, "a credential file"))
    elif lower.startswith(SSH_KEY_PREFIXES) and not lower.endswith(".pub"):
        found.append(("fail", name, "a private SSH key file"))
    for index, part in enumerate(parts[:-1]):
        folder = "/".join(parts[:index + 1]) + "/"
        if part in AGENT_DIRS:
            found.append(("warn", folder, "an agent/tool folder"))
            break
        if part in (".venv", "site-packages"):
            found.append(("warn", folder, "a virtualenv"))
            break
        if part == "node_modules":
            found.append(("warn", folder, "node_modules"))
            break
        if part in CACHE_DIRS:
            found.append(("warn", folder, "a cache"))
            break
    else:
        if base in AGENT_FILES:
            found.append(("warn", name, "an agent skills lock file"))
        elif base == "pyvenv.cfg":
            found.append(("warn", "/".join(parts[:-1]) + "/" if len(parts) > 1 else name, "a virtualenv"))
        elif sdist and parts[0] == "dist" and len(parts) > 1 and base.endswith((".whl", ".tar.gz", ".zip", ".egg")):
            found.append(("warn", "dist/", "built distributions (dist/)"))
        elif sdist and base.endswith((".pyc", ".pyo")):
            found.append(("warn", name, "a cache"))
    return found


def human_size(size):
    for unit in ("B", "KB", "MB"):
        if size < 1024 or unit == "MB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024.0
    return f"{size:.1f} MB"


def check_dist_contents(facts):
    build = facts["build"]
    if build is None:
        return finding("dist-contents", "skip", "not built (run with --build to list what the sdist and wheel carry)")
    if not build.get("artifacts"):
        return finding("dist-contents", "skip", "nothing was built (see the build check)")
    fails, warns = {}, {}
    for artifact in build["artifacts"]:
        filename, sdist = artifact["filename"], artifact["filename"].endswith(".tar.gz")
        if artifact.get("error"):
            fails.setdefault(f"{filename} cannot be read ({artifact['error']})", []).append(filename)
        key_files = set(artifact["private_keys"])
        for name, _ in artifact["members"]:
            base = name.rsplit("/", 1)[-1].lower()
            problems = member_problems(name, sdist)
            if name in key_files and (base.endswith(KEY_SUFFIXES) or base.startswith(SSH_KEY_PREFIXES)):
                problems.append(("fail", name, "a private key"))
            for severity, group, what in problems:
                (fails if severity == "fail" else warns).setdefault(f"{what}: {group}", []).append(filename)
        for name, kind in artifact["tokens"]:  # the member is named, the token never shown
            fails.setdefault(f"{kind}: {name}", []).append(filename)
    sizes = {a["filename"]: a["size"] for a in build["artifacts"]}
    sdists = [name for name in sizes if name.endswith(".tar.gz")]
    wheels = [name for name in sizes if name.endswith(".whl")]
    if sdists and wheels:
        wheel = max(sizes[name] for name in wheels)
        if wheel and sizes[sdists[0]] > SDIST_TO_WHEEL_LIMIT * wheel:
            warns[f"the sdist ({human_size(sizes[sdists[0]])}) is {sizes[sdists[0]] / wheel:.0f}x the wheel "
                  f"({human_size(wheel)})"] = [sdists[0]]
    listing = "; ".join(f"{a['filename']}: {len(a['members'])} files, {human_size(a['size'])}"
                        for a in build["artifacts"])
    setting = SDIST_EXCLUDE_SETTING.get(backend_family(facts["info"]["backend"]))
    exclude = f"leave them out with {setting}" if setting else "leave them out with the backend's exclude setting"

    def shown(groups):
        items = []
        for label, where in list(groups.items())[:6]:
            kinds = sorted({"sdist" if name.endswith(".tar.gz") else "wheel" for name in where})
            items.append(f"{label} (in the {' and '.join(kinds)})")
        return "; ".join(items) + (f"; and {len(groups) - 6} more" if len(groups) > 6 else "")
    if fails:
        return finding("dist-contents", "fail", f"{listing}. Would publish secrets: {shown(fails)}"
                       + (f". Also: {shown(warns)}" if warns else ""),
                       "revoke any credential that was in these files (a published file cannot be taken back "
                       f"from mirrors), delete them from the project or git-ignore them, and {exclude}")
    if warns:
        return finding("dist-contents", "warn", f"{listing}. Carries files nobody installs: {shown(warns)}",
                       f"{exclude}, then run again with --build")
    return finding("dist-contents", "pass", f"{listing}; no credential files, tokens, agent folders, virtualenvs, "
                                            "caches or dist/ inside")


def action_release(ref):
    """(release version or None, how the ref was read) for a pypa/gh-action-pypi-publish ref."""
    if not ref:
        return None, "no ref"
    if ref.lower() in ACTION_RELEASE_SHAS:
        return Version(ACTION_RELEASE_SHAS[ref.lower()]), f"@{ref[:12]} is v{ACTION_RELEASE_SHAS[ref.lower()]}"
    if len(ref) == 40 and all(char in "0123456789abcdef" for char in ref.lower()):
        return None, f"@{ref[:12]} is a commit this script's table of releases does not know"
    version = parse_version(ref)
    if ref in ACTION_MOVING_REFS or (version is not None and len(version.release) < 3):
        return Version(NEWEST_ACTION_RELEASE), (f"@{ref} moves with every release: it runs whatever is newest, "
                                                f"v{NEWEST_ACTION_RELEASE} as far as this table knows")
    if version is None:
        return None, f"@{ref} is not a release tag this script can read"
    if version > Version(NEWEST_ACTION_RELEASE):
        return None, f"@{ref} is newer than the newest release this table knows (v{NEWEST_ACTION_RELEASE})"
    return version, f"@{ref}"


def reader_accepts(reader, info):
    """(highest Metadata-Version the reader accepts or None when not known, what it is, why)."""
    kind = reader["kind"]
    if kind == "action":
        release, how = action_release(reader["ref"])
        if release is None:
            return None, f"{PUBLISH_ACTION}{how if how.startswith('@') else ''}", how
        _, twine, highest, source = row_for(ACTION_READERS, release)
        ref = reader["ref"][:12] if len(reader["ref"]) == 40 else reader["ref"]
        moving = "moves with every release: " in how
        shown = (f"{PUBLISH_ACTION}@{ref} (a moving ref: it runs the newest release, v{release} as far as this "
                 f"table knows; twine {twine})" if moving else f"{PUBLISH_ACTION}@{ref} (v{release}, twine {twine})")
        return highest, shown, f"{how}; {source}"
    if kind == "twine":
        specs = list(reader["specs"])
        for name, found in (reader.get("from_files") or {}).items():
            if found is None:
                return None, "twine", f"the requirement file {name} it is installed from cannot be read here"
            specs += found
        if not specs:
            return None, "twine", "no step of the job installs twine with a version this script can read"
        version = highest_allowed(specs, [row[0] for row in TWINE_READERS], NEWEST_TWINE)
        if version is None:
            return None, "twine", f"no twine release this script knows matches {', '.join(filter(None, specs))}"
        _, highest, source = row_for(TWINE_READERS, version)
        shown = ", ".join(filter(None, specs)) or "no version pin: the newest"
        return highest, f"twine {version} ({shown})", source
    if kind in UNCHECKED_READERS:
        version = f" (setup-uv version {reader['version']})" if reader.get("version") else ""
        return NEWEST_METADATA_VERSION, f"{kind}{version}", UNCHECKED_READERS[kind]
    family = OWN_BACKEND_PUBLISHERS.get(kind)
    if family and backend_family(info["backend"]) == family:
        return NEWEST_METADATA_VERSION, kind, f"{kind} uploads what its own backend builds"
    return None, kind, f"{kind} uploads files built by {info['backend'] or 'setuptools'}; what it reads is not known"


def capped_backend(info, highest):
    """`name<first release that writes more than highest`, or None (not a backend in the table)."""
    family = backend_family(info["backend"])
    if family in FIELD_LEVEL_BACKENDS:  # what they write follows [project]: an older release may not read it
        return None
    name = BACKEND_REQUIREMENTS.get(family)
    above = [row[0] for row in BACKEND_WRITES.get(name, ()) if Version(row[1]) > Version(highest)]
    return f"{name}<{above[0]}" if above else None


def check_upload_reader(facts):
    """Can the program that reads the metadata in the upload step read the Metadata-Version the build writes?"""
    jobs = publishing_jobs(facts)
    index = "testpypi" if facts["testpypi"] else "pypi"
    readers = [(workflow, job, reader) for workflow, job in jobs for reader in job.get("readers", [])
               if reader.get("target", index) == index]
    if not readers:
        if jobs:  # found by its text only (`sh -c "twine upload ..."`): what runs it is not known
            shown = ", ".join(f"{workflow['file']} job {job['job']}" for workflow, job in jobs)
            return finding("upload-reader", "warn", f"{shown} uploads, but the command that reads the metadata "
                                                    "could not be told apart", "upload with "
                                                    "pypa/gh-action-pypi-publish v1.14.2 or twine>=7")
        return finding("upload-reader", "skip", "no publishing job to judge (see workflow-oidc)")
    written = facts["written_metadata"]
    info = facts["info"]
    fails, warns, passes, fixes = [], [], [], []
    for workflow, job, reader in readers:
        highest, name, why = reader_accepts(reader, info)
        label = f"{workflow['file']} job {job['job']} uploads with {name}"
        if highest is None:
            warns.append(f"{label}: which Metadata-Versions it reads is not known ({why})")
            fixes.append("pin pypa/gh-action-pypi-publish to a release: "
                         "dc37677b2e1c63e2034f94d8a5b11f265b73ba33 # v1.14.2" if reader["kind"] == "action" else
                         "install twine>=7 in the job (pip install \"twine>=7\") before `twine upload`"
                         if reader["kind"] == "twine" else "check that it reads Metadata-Version "
                         f"{written['version'] or NEWEST_METADATA_VERSION}, or upload with twine>=7")
        elif Version(highest) >= Version(NEWEST_METADATA_VERSION):
            passes.append(f"{label}, which reads every Metadata-Version PyPI accepts (up to {highest})")
        elif written["version"] is None:
            warns.append(f"{label}, which reads Metadata-Version {highest} at most; what the build writes is not "
                         f"known: {written['how']}")
            fixes.append("run with --build to read the Metadata-Version from the built files")
        elif Version(written["version"]) > Version(highest):
            # twine 6 names the version; twine 5 (pkginfo) misses the fields it cannot read (pypa/twine#1146)
            error = (f"'{written['version']}' is not a valid metadata version" if Version(highest) >= Version("2.4")
                     else "Metadata is missing required fields: Name, Version")
            fails.append(f"{label}, which reads Metadata-Version {highest} at most, but the files carry "
                         f"{written['version']} ({written['how']}): the upload stops with \"{error}\"")
            cap = capped_backend(info, highest)
            cap = f", or cap the backend: requires = [\"{cap}\"]" if cap else ""
            upgrade = {"uv": "uv lock --upgrade-package twine", "poetry": "poetry update twine",
                       "pdm": "pdm update twine"}.get(reader.get("lock"))
            fixes.append(("pin pypa/gh-action-pypi-publish@dc37677b2e1c63e2034f94d8a5b11f265b73ba33 # v1.14.2 "
                          "(its twine 7.0.0 reads 2.5)" if reader["kind"] == "action" else
                          f"move the locked twine to 7 or later ({upgrade}, with twine>=7 in the group)" if upgrade
                          else "install twine>=7 in the job (pip install \"twine>=7\")") + cap)
        else:
            passes.append(f"{label}, which reads up to {highest}; the files carry {written['version']} "
                          f"({written['how']})")
    if fails:
        return finding("upload-reader", "fail", "; ".join(fails + warns), "; ".join(dict.fromkeys(fixes)))
    if warns:
        return finding("upload-reader", "warn", "; ".join(warns + passes), "; ".join(dict.fromkeys(fixes)))
    return finding("upload-reader", "pass", "; ".join(passes))


def check_dist_stale(facts):
    dist, version = facts["dist"], parse_version(facts["version"])
    if dist is None:
        return finding("dist-stale", "pass", "no dist/ directory")
    if version is None:
        return finding("dist-stale", "skip", "no valid version to compare dist/ with")
    stale = [filename for filename, found in dist if found != version]
    if stale:
        return finding("dist-stale", "warn", f"dist/ holds files of other versions: {', '.join(stale[:4])}"
                       + (f" and {len(stale) - 4} more" if len(stale) > 4 else "")
                       + " (upload steps send everything in dist/)", "rm -rf dist/ before building the release")
    return finding("dist-stale", "pass", f"dist/ holds only {version} files ({len(dist)})" if dist
                   else "dist/ is empty")


CHECKS = [
    ("name", check_name),
    ("pyproject-version", check_pyproject_version),
    ("init-version", check_init_version),
    ("lock-version", check_lock_version),
    ("not-on-pypi", check_not_on_pypi),
    ("version-order", check_version_order),
    ("first-publish", check_first_publish),
    ("publisher-continuity", check_publisher_continuity),
    ("git-tag", check_git_tag),
    ("git-clean", check_git_clean),
    ("release-files", check_release_files),
    ("workflow-oidc", check_workflow_oidc),
    ("build", check_build),
    ("dist-contents", check_dist_contents),
    ("upload-reader", check_upload_reader),
    ("dist-stale", check_dist_stale),
]


def run_checks(facts):
    results = []
    for check_id, check in CHECKS:
        result = check(facts)
        assert result["check"] == check_id and result["status"] in STATUSES
        results.append(result)
    return results


def exit_status(results):
    if any(result["status"] == "fail" for result in results):
        return EXIT_PROBLEM
    if any(result["status"] == "unknown" for result in results):
        return EXIT_NETWORK
    return EXIT_OK


# ----------------------------------------------------------------------------- gathering the facts (all I/O is here)

def release_tag_version(tag):
    """The version a tag names when it looks like a release tag (v1.2, 1.2.3, name-v1.2.3, ...), else None."""
    pieces = tag.split("-")
    for start in range(len(pieces)):
        version = tag_version("-".join(pieces[start:]), None)
        if version is not None:
            return version
    return None


def release_files(root, ref=None):
    """The files this release is judged on: the commit `ref` names; else HEAD's commit when a release tag points
    at HEAD (GitHub runs the workflow and builds the files as they are in the tagged commit); else the work tree."""
    if not os.path.isdir(root):
        raise Fail(EXIT_INPUT, "input", f"cannot read {root}: no such directory")
    try:
        found = git_output(root, "rev-parse", "--show-toplevel", "--verify", "-q", "HEAD")
    except GitRefused:
        found = None
    lines = found.split("\n") if found else []
    top, head = (lines[0], lines[1]) if len(lines) > 1 and lines[1] else (None, None)
    if ref is not None:
        commit = git_output(root, "rev-parse", "--verify", "-q", f"{ref}^{{commit}}") if top else None
        if not commit:
            where = f"the git repository at {root}" if top else f"{root} (not a git repository)"
            raise Fail(EXIT_INPUT, "input", f"--ref {ref}: no such commit or tag in {where}")
        commit = commit.strip()
        return ReleaseFiles(root, top, commit, label=f"{ref} (commit {commit[:12]})")
    if head is None:
        return ReleaseFiles(root, top)
    tags = git_output(root, "tag", "--points-at", "HEAD") or ""
    releases = sorted(tag for tag in tags.split() if release_tag_version(tag) is not None)
    if not releases:
        return ReleaseFiles(root, top)
    return ReleaseFiles(root, top, head, label=f"tag {', '.join(releases)} (commit {head[:12]})")


def read_twin(files, git, facts):
    """The other side of the release: with the work tree judged (before tagging), HEAD's commit, which a tag made
    now would contain; with HEAD's commit judged (a release tag at HEAD), the work tree. Read only when a file
    the verdict depends on, or a workflow, is changed or untracked. None when there is no such pair."""
    if not git["repo"] or git["head_commit"] is None or files.commit not in (None, git["head_commit"]):
        return None
    workflows = files.relative(workflows_directory(files))
    changed = set(git["dirty_repo"]) | set(git["untracked"])
    relevant = sorted(path for path in changed if path in files.read_paths or (
        workflows is not None and path.startswith(workflows + "/") and path.endswith((".yml", ".yaml"))))
    twin = {"relevant": relevant, "untracked": sorted(set(relevant) & set(git["untracked"]))}
    if not relevant:
        return twin
    other = ReleaseFiles(files.root, files.top, None if files.commit else git["head_commit"],
                         label="the work tree" if files.commit else f"HEAD (commit {git['head_commit'][:12]})")
    try:
        info = describe_project(read_pyproject(other), read_legacy_metadata(other))
    except Fail as error:
        return dict(twin, label=other.label, error=error.message, workflows=read_workflows(other))
    same_commit = dict(git, dirty=[], dirty_repo=[])  # a tag of either side would be clean
    resolved = resolve_version(other, info, same_commit)
    return dict(twin, label=other.label, resolved=resolved, workflows=read_workflows(other))



def gather(root, args, index_url):
    import threading
    files = release_files(root, args.ref)
    pyproject = read_pyproject(files)
    info = describe_project(pyproject, read_legacy_metadata(files))
    name = info["name"] if isinstance(info["name"], str) and valid_project_name(info["name"]) else None
    lookup = None
    if name and not args.offline:  # start the (slowest) index lookup first; the local reads overlap it
        lookup = IndexLookup(index_url, canonicalize_name(name), args.timeout)
    git = read_git(root, want_describe=describe_for(info), commit=files.commit)
    resolved = resolve_version(files, info, git)
    facts = {"root": root, "files": files, "info": info, "git": git, "resolved": resolved, "offline": args.offline,
             "index_url": redact_url(index_url), "testpypi": index_url == TESTPYPI_INDEX, "index": None, "build": None,
             "publisher_changed": args.publisher_changed}
    build_thread = None
    if args.build:
        def build_now():
            facts["build"] = run_build(files, info, git, args.offline)
        build_thread = threading.Thread(target=build_now, daemon=True)
        build_thread.start()
    version = resolved["version"] if parse_version(resolved["version"]) is not None else None
    facts["package"] = find_import_package(files, info)
    facts["package_text"] = files.read_text(facts["package"][0]) if facts["package"][0] else None
    facts["lock"] = read_lock(files, name) if name else None
    facts["workflows"] = read_workflows(files)
    facts["gitlab_ci"] = gitlab_project(git["origin"]) is not None and \
        files.read_text(os.path.join(files.root, ".gitlab-ci.yml")) is not None
    facts["dist"] = read_dist_dir(root)  # what is on this disk: upload steps run where dist/ is
    facts["twin"] = read_twin(files, git, facts)
    if build_thread is not None:
        build_thread.join()
        if version is None and resolved["unknown"] and facts["build"] and facts["build"].get("artifacts"):
            built = built_version(facts["build"])
            if built is not None:
                resolved.update(version=built, unknown=False, how=f"read from the built wheel ({resolved['how']})")
                version = built if parse_version(built) is not None else None
    facts["written_metadata"] = read_written_metadata(facts["build"], info)
    if lookup is not None:
        answers = lookup.result()  # by the deadline, complete or unknown: never empty
        if version is not None:
            facts["index"] = dict(answers, decision=decide_index(version, answers["simple"], answers["json"]))
    facts["version"] = version if version is not None and not parse_version(version).local else None
    return facts


def built_version(build):
    from email.parser import BytesParser
    for artifact in build["artifacts"]:
        if artifact["metadata"]:
            return BytesParser().parsebytes(artifact["metadata"]).get("Version")
    return None


# ----------------------------------------------------------------------------- rendering

def artifact_listing(facts):
    """{artifacts: [{filename, size, members}]} for the JSON meta when --build built something, else {}."""
    build = facts["build"] or {}
    if not build.get("artifacts"):
        return {}
    return {"artifacts": [{"filename": a["filename"], "size": a["size"], "members": [name for name, _ in a["members"]]}
                          for a in build["artifacts"]]}


def top_level_summary(members):
    """'src/ (12), .claude/ (485), README.md' for a member list."""
    counts = {}
    for name, _ in members:
        head, sep, _ = name.partition("/")
        counts[head + sep] = counts.get(head + sep, 0) + 1
    return ", ".join(f"{head} ({count})" if head.endswith("/") else head for head, count in sorted(counts.items()))


def render_report(results, facts, status):
    name = facts["info"]["name"] if isinstance(facts["info"]["name"], str) else "?"
    version = facts["resolved"]["version"] or "?"
    lines = [f"publish-preflight: {name} {version} ({os.path.abspath(facts['root'])})"]
    import textwrap
    indent = " " * 31
    for result in results:
        head = f"  {result['status'].upper():<8}{result['check']:<21}"
        lines.append(textwrap.fill(" ".join(str(result["detail"]).split()), width=118, initial_indent=head,
                                   subsequent_indent=indent, break_on_hyphens=False, break_long_words=False))
        if result["fix"] and result["status"] in ("fail", "warn", "unknown"):
            lines.append(textwrap.fill(f"fix: {result['fix']}", width=118, initial_indent=indent,
                                       subsequent_indent=indent + "     ", break_on_hyphens=False,
                                       break_long_words=False))
    for artifact in (facts["build"] or {}).get("artifacts") or []:
        lines.append(textwrap.fill(f"{artifact['filename']}: {top_level_summary(artifact['members'])}", width=118,
                                   initial_indent="  ", subsequent_indent="      ", break_on_hyphens=False,
                                   break_long_words=False))
    if status == EXIT_OK:
        verdict = f"READY to tag {version}"
        if facts["offline"]:
            verdict += " - but the index was NOT consulted (--offline): run without --offline before tagging"
    elif status == EXIT_NETWORK:
        unknown = [result["check"] for result in results if result["status"] == "unknown"]
        verdict = (f"NOT READY (unknown): nothing failed, but it is not known whether {version} is free"
                   if unknown == ["not-on-pypi"] else
                   f"NOT READY (unknown): nothing failed, but {', '.join(unknown)} could not be decided")
    else:
        failed = [result["check"] for result in results if result["status"] == "fail"]
        verdict = f"NOT READY: {len(failed)} check(s) failed: {', '.join(failed)}"
    lines.append(verdict)
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- main

def main(argv):
    parser = ArgParser(prog="publish-preflight.py", add_help=False)
    parser.add_argument("-h", "--help", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("-q", "--quiet", action="store_true")
    parser.add_argument("--build", action="store_true")
    parser.add_argument("--offline", action="store_true")
    parser.add_argument("--index-url")
    parser.add_argument("--testpypi", action="store_true")
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--ref")
    parser.add_argument("--publisher-changed", action="store_true")
    parser.add_argument("path", nargs="?", default=".")
    args = parser.parse_args(argv)
    if args.help:
        sys.stdout.write(__doc__)
        return EXIT_OK
    if args.testpypi and args.index_url:
        raise Fail(EXIT_USAGE, "usage", "--testpypi and --index-url exclude each other (see --help)")
    if not 0 < args.timeout <= 600:
        raise Fail(EXIT_USAGE, "usage", "--timeout must be between 0 and 600 seconds (see --help)")
    require_libraries()
    if args.build:
        require_build_tool()
    index_url = TESTPYPI_INDEX if args.testpypi else index_root(
        args.index_url or os.environ.get("PYPI_OPS_INDEX_URL") or DEFAULT_INDEX)
    if not index_url.startswith(("https://", "http://")):
        raise Fail(EXIT_USAGE, "usage", f"index URL {redact_url(index_url)!r} is not http(s) (see --help)")
    facts = gather(args.path, args, index_url)
    results = run_checks(facts)
    status = exit_status(results)
    if args.json:
        name = facts["info"]["name"]
        print_json(envelope(results, name=name if isinstance(name, str) else None,
                            version=facts["resolved"]["version"], ready=status == EXIT_OK, index=facts["index_url"],
                            offline=args.offline, publisher_changed=args.publisher_changed, exit=status,
                            **artifact_listing(facts)))
    else:
        for result in results:
            detail = " ".join(str(result["detail"]).split())
            sys.stdout.write(f"{result['check']}\t{result['status']}\t{detail}\n")
    if not args.quiet:
        sys.stderr.write(render_report(results, facts, status))
    return status


if __name__ == "__main__":
    sys.exit(run(main))
