#!/usr/bin/env python3
# /// script
# requires-python = ">=3.9"
# dependencies = ["packaging>=22", "pyyaml>=5.4"]
# ///
"""check-action-pins.py - are the actions of these workflows pinned to commits that can't be moved?

Usage:
  check-action-pins.py [--offline | --live] [--strict] [--json | --format text|json|github|sarif]
                       [--fix [--update] [--write]] [--exceptions FILE] [--github-api-url URL]
                       [--timeout S] [-q] [PATH ...]

PATH: workflow files, composite-action files (action.yml) or directories. No PATH: the
workflows in .github/workflows/ plus every action.yml / action.yaml of the repository.
A directory with .github/workflows/ is read the same way; any other directory: its own
*.yml / *.yaml files plus the action.yml / action.yaml files below it.

Every `uses:` is found from the YAML structure wherever a step can be: jobs.*.uses
(reusable workflows), jobs.*.steps, `parallel:` step groups at any depth, background
steps (`background: true`), runs.steps of a composite action, and a Docker action's
runs.image: docker://...; never from text inside run: or with:. `$/...` (this
repository, like ./) and `./` actions are local and fine. Images are read too: a job's
`container:` (or its image:) and the image: of each of its `services:`.

A remote ref must be a full 40-hex commit SHA followed on the same line by a version
comment. Its first (else last) token is the tag, after `tag=`, `pin@` or ratchet's
`ratchet:owner/repo@`: `# v6.0.2`, `# 6.0.2`, `# tag=v6.0.2`, `# v6.0.2 any remark`,
`# ratchet:actions/checkout@v4`. Offline, a token is accepted when it is shaped like a
tag: X.Y.Z with or without v and any suffix (v6.0.2-rc.1, 2024.01.3, tools/v1.4.0),
X.Y without v (1.11, for actions released as X.Y), a number with a suffix (v6-beta);
`v4` / `v4.1` are moving tags (warning imprecise-version-comment); words and bare
numbers (`# main`, `# 1234`) are bad-version-comment. --live asks GitHub: the token must
be a tag at the pinned commit (any real tag counts, `# stable` too; a branch of that
name is said so); a moving tag (v4, v4.1, a word) that has moved on but whose history
holds the pin is imprecise-version-comment (a warning) naming the exact release at the
pin, which --fix writes, keeping the words around it; any other mismatch is drift.
`docker://` images need `@sha256:<64 hex>`; container and service images without a
digest are a warning (unpinned-container-image; --strict makes it a problem).

Exceptions (an accepted finding stays in the output with "ignored": true and its
"reason", and never makes exit 10; an outage or an unreadable file cannot be excepted):
  on the line      `# zizmor: ignore[unpinned-uses]` (zizmor's audit ids), or this
                   script's own with a reason, required:
                   `# pypi-ops: ignore[unpinned] no release tags; reviewed 2026-11`
  --exceptions F   a YAML file (default: .github/action-pins-exceptions.yml when it
                   exists) listing exceptions per action and/or per file:
                     exceptions:
                       - action: dtolnay/rust-toolchain   # owner/repo[/path], * allowed
                         file: .github/workflows/ci.yml   # optional, * allowed
                         problems: [unpinned]             # optional: default every id
                         reason: no release tags; the branch is the product

Modes:
  --offline (default)  only read the files
  --live               also ask the GitHub REST API: does the comment's tag exist and
                       point at the pinned commit, is the commit in the repository at
                       all, is there a newer release (token: GITHUB_TOKEN or GH_TOKEN,
                       never printed; base: --github-api-url or GITHUB_API_URL,
                       default https://api.github.com)
  --fix                resolve tag refs to commit SHAs and add the version comment (and,
                       when the registry answers, pin images to their digest); prints a
                       unified diff, and with --write edits the files in place (only those
                       refs and comments change); --update also moves pins to the newest
                       release of the same major version. --fix --offline fixes what needs
                       no network (`@<sha>#v1.2.3`) and names the pins that need GitHub or
                       a registry, with the command that will fix them

Options:
  --json              one JSON envelope on stdout (same as --format json); records are
                      {file, line, kind, action, ref, comment, ok, problem, note, ignored,
                      reason}; kind: action, image or file (a file that could not be read)
  --format F          text (tab-separated records on stdout, report on stderr), json,
                      github (::error / ::warning workflow commands), sarif (SARIF 2.1.0)
  --strict            an `outdated` pin or an image without a digest is a problem (exit 10)
  --timeout S         seconds per GitHub request (default 10)
  -q, --quiet         no human report on stderr

Without PyYAML (standard library only) a smaller built-in reader is used. It reads
block-style YAML (flow collections over several lines are skipped over, not read) and
cannot see: uses: inside flow mappings or sequences
({uses: ...}, [...]), aliases (*name) and merge keys (<<), folded or literal block
scalars (>-, |) and plain or quoted values continued on the next line. Where a uses:
may hide in such a form it reports `unparsed` (a problem) instead of guessing, and it
recognises fewer malformed files as "not YAML". Install PyYAML to read every form.

Exit codes:
  0   every pin is a full SHA with a true version comment
  1   internal error (set PYPI_OPS_DEBUG=1 for a traceback)
  2   usage error
  3   a PATH does not exist, is not UTF-8, is not YAML (or has a recursive alias), or
      is neither a workflow (a mapping with jobs) nor an action (a mapping with runs);
      among several paths each such file is one bad-input record and the others are
      still checked; the run's exit is the worst: 10, then 3, then 7, then 0
  7   nothing else wrong, but GitHub could not be asked or answered unclearly
      (rate limit, network, HTML, malformed JSON); never read this as "ok"
  10  at least one problem (see references/action-pins.md for each problem id)

Examples:
  python3 scripts/check-action-pins.py
  python3 scripts/check-action-pins.py --live --format github .github/workflows/publish.yml
  python3 scripts/check-action-pins.py --format sarif > pins.sarif
  python3 scripts/check-action-pins.py --fix --write .github/workflows/
  python3 scripts/check-action-pins.py --fix --offline     # what can be fixed without network
"""

from __future__ import annotations

import argparse
import copy
import difflib
import json
import os
import re
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

SCRIPT = "check-action-pins"
SCHEMA = "pypi-ops.check-action-pins/v1"
# Both libraries are optional here: this script must also run on the standard library alone.
MISSING_LIBRARIES = []
try:
    import yaml
except ImportError:
    yaml = None
try:
    from packaging.version import Version
except ImportError:
    Version = None


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



DEFAULT_API = "https://api.github.com"
FORMATS = ("text", "json", "github", "sarif")
WORKERS = 32  # concurrent GitHub requests; well under GitHub's limit on concurrent requests
MAX_PAGES = 10  # tags / branches pages of 100 read per repository
MAX_COMPARES = 60  # compare calls spent deciding whether a commit belongs to a repository
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"

SHA_RE = re.compile(r"[0-9a-f]{40}")
ANY_CASE_SHA_RE = re.compile(r"[0-9a-fA-F]{40}")
SHORT_SHA_RE = re.compile(r"[0-9a-fA-F]{7,39}")
DIGEST_RE = re.compile(r"sha256:[0-9a-f]{64}")
# A version comment token (its first, else its last): optional `tag=`, optional path prefix (monorepo tags such as
# tools/v1.4.0), then one of
#   full:  X.Y.Z with or without `v` and an optional pre-release/build suffix (v6.0.2-rc.1, 2024.01.3);
#   short: a `v`-prefixed major or major.minor (v4, v4.1): a moving tag, accepted but not precise;
#   other: any other tag-shaped name: X.Y without `v` (1.11, for actions whose releases are X.Y), or a
#          number with a suffix (v6-beta, 3-rc1). Accepted offline; --live asks whether it is a real tag.
# A bare number without `v` (`# see issue 1234`) is not a version, and neither is a word (`# main`).
VERSION_TOKEN_RE = re.compile(
    r"(?:tag=)?(?P<tag>(?P<prefix>(?:[A-Za-z0-9._-]+/)*)"
    r"(?:(?P<full>[vV]?\d+\.\d+\.\d+(?:[-+.]?[0-9A-Za-z][0-9A-Za-z.+-]*)?)|(?P<short>[vV]\d+(?:\.\d+)?)"
    r"|(?P<other>[vV]?\d+(?:\.\d+)+(?:[-+][0-9A-Za-z][0-9A-Za-z.+-]*)?|[vV]?\d+[-+][0-9A-Za-z][0-9A-Za-z.+-]*)))")
# An exception written on the line, after the version comment: zizmor's own (`# zizmor: ignore[unpinned-uses]`)
# or this script's, which must say why (`# pypi-ops: ignore[unpinned] no release tags, rolling branch`).
IGNORE_RE = re.compile(r"(?:^|(?<=[\s#]))(?P<tool>zizmor|pypi-ops):\s*ignore\[(?P<ids>[^\]]*)\](?P<reason>.*)$")
# zizmor audit ids and the problem ids of this script they cover (zizmor's ignore comment names its audits).
ZIZMOR_AUDITS = {
    "unpinned-uses": {"unpinned", "short-sha", "unpinned-image", "comment-in-ref"},
    "unpinned-images": {"unpinned-container-image"},
    "ref-version-mismatch": {"drift", "unknown-tag"},
    "impostor-commit": {"impostor"},
}
# What no exception can hide: the file or GitHub could not be read, so nothing is known to accept.
NEVER_IGNORED = {"bad-input", "unverified", "unparsed"}
DEFAULT_EXCEPTIONS = os.path.join(".github", "action-pins-exceptions.yml")
IMAGE_COMMANDS = "docker buildx imagetools inspect {image} (or: crane digest {image})"
MANIFEST_TYPES = ", ".join([  # what a registry may answer for a tag (OCI and Docker, index and single image)
    "application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json"])
# What pin-github-action (`# pin@v4.2.2`) and ratchet (`# ratchet:actions/checkout@v4.2.2`) write before the tag.
TOOL_PREFIX_RE = re.compile(r"pin@|ratchet:[^@\s]+@")
LINE_BREAK_RE = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
BLOCK_HEADER_RE = re.compile(r"[|>][-+0-9]*")

# id: (level, what it means, how to fix it); the same ids are used in JSON, SARIF and references/action-pins.md.
PROBLEMS = {
    "unpinned": ("error", "action referenced by a tag or branch, which can be moved",
                 "pin the full 40-hex commit SHA and put the tag in a comment (--fix does this)"),
    "short-sha": ("error", "abbreviated commit SHA", "use the full 40-hex commit SHA"),
    "comment-in-ref": ("error", "'#' written right after the ref is part of the ref, not a comment",
                       "put a space before '#': uses: owner/repo@<sha> # v1.2.3"),
    "no-version-comment": ("error", "SHA pin without a version comment",
                           "add the tag after the SHA on the same line: # v1.2.3"),
    "bad-version-comment": ("error", "the comment names no version tag (first or last token)",
                            "end the line with # vX.Y.Z (or # tag=vX.Y.Z)"),
    "imprecise-version-comment": ("warning", "major-only comment (# v4) cannot be verified precisely",
                                  "name the exact release: # v4.2.2"),
    "unpinned-image": ("error", "docker:// image without an @sha256 digest",
                       "pin the image digest: docker://image@sha256:<64 hex>"),
    "unpinned-container-image": ("warning", "job container or service image without an @sha256 digest",
                                 "pin the digest: image: name:tag@sha256:<64 hex> (--fix --live looks it up)"),
    "bad-input": ("error", "the file could not be read as a workflow or an action",
                  "fix the file or leave it out of the paths"),
    "expression": ("error", "uses: contains a ${{ }} expression", "write a literal owner/repo@<sha>"),
    "malformed": ("error", "uses: is not owner/repo[/path]@ref, ./path or docker://image",
                  "fix the value"),
    "unparsed": ("error", "the standard-library reader cannot see into this YAML form",
                 "install PyYAML (python3 -m pip install pyyaml) and run again"),
    "unknown-tag": ("error", "the comment's tag does not exist in the repository",
                    "fix the comment or the pin; list tags with the GitHub API"),
    "unknown-repo": ("error", "the repository does not exist or is not visible",
                     "check owner/repo; a private repository needs GITHUB_TOKEN"),
    "drift": ("error", "the pinned commit is not the commit the comment's tag points at",
              "pin the tag's commit or correct the comment (--fix --update)"),
    "impostor": ("error", "the pinned commit is in no branch or tag of the repository (a fork's commit?)",
                 "replace the pin with a commit of the repository itself"),
    "tag-object-sha": ("error", "the pin is the SHA of an annotated tag object, not of a commit",
                       "pin the commit the tag points at"),
    "outdated": ("warning", "a newer release of the action exists", "move the pin (--fix --update within the major)"),
    "unverified": ("error", "GitHub could not be asked, or answered unclearly", "retry later or set GITHUB_TOKEN"),
}
INFORMATIONAL = {"imprecise-version-comment", "outdated", "unpinned-container-image"}


class LookupFailed(Exception):
    """GitHub could not be asked or gave an answer we cannot trust (exit 7 unless worse was found)."""


# ----------------------------------------------------------------------------- finding the files

def discover(paths):
    """[(path, None) or (path, why it holds nothing to read)] in a stable order, each path once."""
    found = []
    for path in paths or ["."]:
        if os.path.isdir(path):
            files = files_in_directory(path)
            found.extend((name, None) for name in files)
            if not files:
                found.append((path, f"{path}: no workflow or action files found"))
        elif os.path.exists(path):
            found.append((path, None))
        else:
            found.append((path, f"{path}: no such file or directory"))
    unique, seen = [], set()
    for item in found:
        if item[0] not in seen:
            seen.add(item[0])
            unique.append(item)
    return unique


def files_in_directory(root):
    workflows = os.path.join(root, ".github", "workflows")
    found = []
    if not os.path.isdir(workflows):  # a directory of workflow files (or fixtures) itself
        workflows = root
    for name in sorted(os.listdir(workflows)):
        path = os.path.join(workflows, name)
        if name.endswith((".yml", ".yaml")) and os.path.isfile(path):
            found.append(os.path.normpath(path))
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in ("node_modules", ".git") and (d == ".github" or d[0] != "."))
        for name in sorted(names):
            if name in ("action.yml", "action.yaml"):
                found.append(os.path.normpath(os.path.join(folder, name)))
    return found


def read_text(path):
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as error:
        raise Fail(EXIT_INPUT, "input", f"cannot read {path}: {error.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Fail(EXIT_INPUT, "input",
                   f"{path}: not UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start})") from None
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    return bom, text[len(bom):]


# ----------------------------------------------------------------------------- reading uses: from YAML

class Use:
    """One `uses:` value and where it sits in the file's text (character offsets)."""

    def __init__(self, value, start, end, line, after, style):
        self.value, self.start, self.end, self.style = value, start, end, style
        self.line = line  # 0-based line whose end carries the comment
        self.after = after  # offset after which that line's comment may start
        self.comment = None
        self.comment_start = None  # offset of '#'
        self.line_end = None  # offset of the end of the comment line (before the line break)
        self.owns_comment = True
        self.unparsed = None  # reason, when the fallback reader cannot see the value
        self.alias_line = None  # 0-based line of the alias (*name) through which this use is reached
        self.role = "uses"  # or "image": a job's container or a service's image


class Mark:
    def __init__(self, line, column):
        self.line, self.column = line, column


class Node:
    """The fallback reader's node, shaped like PyYAML's (id, value, tag, style, marks)."""

    def __init__(self, id, value, start, end, style=None, tag="", raw=""):
        self.id, self.value, self.start_mark, self.end_mark = id, value, start, end
        self.style, self.tag, self.raw = style, tag, raw


def line_starts(text):
    starts, ends = [0], []
    for match in LINE_BREAK_RE.finditer(text):
        ends.append(match.start())
        starts.append(match.end())
    ends.append(len(text))
    return starts, ends


def pyyaml_loader():
    """libyaml's loader when PyYAML was built with it, else the pure-Python one."""
    return getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader


def alias_marking_loader(base):
    """`base` composing with PyYAML's own Composer, so that each node reached through an alias (*name) is a
    copy that knows where that alias is written (`alias_mark`) and which node it stands for (`anchored`);
    the copy keeps the anchored node's marks, so its text is still found at the anchor."""
    from yaml.composer import Composer

    class Loader(*((base,) if issubclass(base, Composer) else (Composer, base))):
        def __init__(self, stream):
            base.__init__(self, stream)
            self.anchors = {}
            self.open_anchors = set()  # anchors whose node is still being composed

        def compose_node(self, parent, index):
            if not self.check_event(yaml.AliasEvent):
                anchor = getattr(self.peek_event(), "anchor", None)
                if anchor is None:
                    return Composer.compose_node(self, parent, index)
                self.open_anchors.add(anchor)
                try:
                    return Composer.compose_node(self, parent, index)
                finally:
                    self.open_anchors.discard(anchor)
            event = self.peek_event()
            mark = event.start_mark
            if event.anchor in self.open_anchors:  # GitHub refuses it; following it would never end
                raise yaml.composer.ComposerError(None, None, f"recursive alias *{event.anchor} inside its own "
                                                  f"anchor &{event.anchor}", mark)
            anchored = Composer.compose_node(self, parent, index)
            node = copy.copy(anchored)
            node.alias_mark, node.anchored = mark, anchored
            return node
    return Loader


def compose_with_pyyaml(text, path):
    """(root node, the text as parsed): the text differs from `text` only where untab_before_comment had to
    turn tabs into spaces for the pure-Python parser (same length, so every offset still holds)."""
    loader = alias_marking_loader(pyyaml_loader())
    parsed = text
    while True:
        try:
            return yaml.compose(parsed, Loader=loader), parsed
        except yaml.MarkedYAMLError as error:
            retry = untab_before_comment(parsed, error.problem_mark)
            if retry is not None:
                parsed = retry
                continue
            mark = error.problem_mark or error.context_mark
            where = f" (line {mark.line + 1})" if mark is not None else ""
            problem = error.problem or error.context
            if (problem or "").startswith("recursive alias"):
                raise Fail(EXIT_INPUT, "input", f"{path}: {problem}{where}: no workflow can be read from it") from None
            raise Fail(EXIT_INPUT, "input", f"{path}: not YAML: {problem}{where}") from None
        except yaml.YAMLError as error:
            raise Fail(EXIT_INPUT, "input", f"{path}: not YAML: {error}") from None


def untab_before_comment(text, mark):
    """`text` with the tabs at `mark` turned into spaces, or None. PyYAML's pure-Python scanner (unlike libyaml
    and GitHub) rejects a tab between a value and a trailing comment or the line end (`uses: a/b@v1<TAB># v1`);
    only such a run of blanks, after something on its line and before `#` or the line end, is changed."""
    index = getattr(mark, "index", None)
    if index is None or index >= len(text) or text[index] != "\t":
        return None
    line_start = max(text.rfind(stop, 0, index) for stop in "\r\n\x85\u2028\u2029") + 1
    if not text[line_start:index].strip(" \t"):
        return None  # indentation: a tab there is an error for every reader
    end = index
    while end < len(text) and text[end] in " \t":
        end += 1
    if end < len(text) and text[end] not in "#\r\n\x85\u2028\u2029":
        return None
    return text[:index] + text[index:end].replace("\t", " ") + text[end:]


def mapping_pairs(node):
    """Key -> value node of a mapping, with YAML merge keys (<<) applied; None when not a mapping."""
    origins = mapping_origins(node)
    return None if origins is None else {name: value for name, (value, _) in origins.items()}


def mapping_origins(node):
    """Key -> (value node, mark of the alias it was merged in through, or None) of a mapping; None when not a
    mapping. A merged key's alias mark is where the merge (`<<: *name`) is written."""
    if node is None or node.id != "mapping":
        return None
    merged, own = {}, {}
    for key, value in node.value:
        if key.id == "scalar" and (key.tag == "tag:yaml.org,2002:merge" or key.value == "<<"):
            for source in (value.value if value.id == "sequence" else [value]):
                via = getattr(source, "alias_mark", None)
                for name, (item, inner) in (mapping_origins(source) or {"<<": (source, None)}).items():
                    merged.setdefault(name, (item, via or inner))
        elif key.id == "scalar":
            own[key.value] = (value, None)
    merged.update(own)
    return merged


def uses_nodes(root, path):
    """(value node, alias mark or None, role) for each place a workflow or composite action uses an action
    (role "uses") or runs a container image (role "image": jobs.<id>.container, its image:, and the image: of
    each jobs.<id>.services entry), in file order. Steps are read wherever a step can be: a job's or a composite
    action's steps, `parallel:` groups (at any depth; GitHub runs their steps as background steps) and
    background steps (`background: true`, an ordinary step otherwise). A node reached through an alias is used
    where that alias (the outermost one) is written: `- *step` in a second job is a second use, at its line."""
    top = mapping_pairs(root)
    if top is None or ("jobs" not in top and "runs" not in top):
        raise Fail(EXIT_INPUT, "input",
                   f"{path}: neither a workflow (a mapping with jobs) nor an action (a mapping with runs)")
    found, opaque = [], []

    def through(node, via):
        return via or getattr(node, "alias_mark", None)

    def step_list(steps, via):
        if steps is None:
            return
        if steps.id == "opaque":
            opaque.append((steps, "uses"))
        elif steps.id == "sequence":
            for step in steps.value:
                look_in(step, through(steps, via))
        elif steps.id == "mapping":  # `parallel: {steps: [...]}`
            look_in(steps, through(steps, via))

    def image_of(holder, via):
        """container: IMAGE, or container: {image: IMAGE}; the same mapping form for a service."""
        if holder is None:
            return
        via = through(holder, via)
        if holder.id == "opaque":
            opaque.append((holder, "image"))
        elif holder.id == "scalar":
            if holder.value not in ("", None):
                found.append((holder, through(holder, via), "image"))
        elif holder.id == "mapping":
            pairs = mapping_origins(holder)
            if pairs.get("<<") is not None:
                opaque.append((pairs["<<"][0], "image"))
            if "image" in pairs:
                node, merged_via = pairs["image"]
                if node.id == "opaque":
                    opaque.append((node, "image"))
                elif node.id == "scalar" and node.value not in ("", None):
                    found.append((node, through(node, via or merged_via), "image"))

    def look_in(holder, via, job=False):
        if holder.id == "opaque":
            opaque.append((holder, "uses"))
            return
        via = through(holder, via)
        pairs = mapping_origins(holder)
        if pairs is None:
            return
        if pairs.get("<<") is not None:  # a merge the fallback reader could not follow
            opaque.append((pairs["<<"][0], "uses"))
        if "uses" in pairs:
            node, merged_via = pairs["uses"]
            found.append((node, through(node, via or merged_via), "uses"))
        for key in ("steps", "parallel"):
            if key in pairs:
                steps, merged_via = pairs[key]
                step_list(steps, via or merged_via)
        if job and "container" in pairs:
            image_of(pairs["container"][0], via or pairs["container"][1])
        if job and "services" in pairs:
            services, merged_via = pairs["services"]
            if services.id == "opaque":
                opaque.append((services, "image"))
            for service in (mapping_pairs(services) or {}).values():
                image_of(service, through(services, via or merged_via))

    if "jobs" in top:
        jobs = top["jobs"]
        if jobs.id == "opaque":
            opaque.append((jobs, "uses"))
        for job in (mapping_pairs(jobs) or {}).values():
            look_in(job, through(jobs, None), job=True)
    if "runs" in top:
        runs = top["runs"]
        if runs.id == "opaque":
            opaque.append((runs, "uses"))
        step_list((mapping_pairs(runs) or {}).get("steps"), through(runs, None))
        image = (mapping_pairs(runs) or {}).get("image")  # a Docker action's prebuilt image: pulled like docker://
        if image is not None and image.id in ("scalar", "opaque") and "docker://" in (
                image.value if image.id == "scalar" and isinstance(image.value, str) else image.raw):
            found.append((image, None, "uses"))
    unique, seen = [], set()
    hidden = [(node, None, role) for node, role in opaque
              if node.style == "alias" or ("uses" if role == "uses" else "image") in node.raw
              or (role == "image" and node.raw.strip())]
    for node, via, role in found + hidden:
        key = (id(getattr(node, "anchored", node)), (via.line, via.column) if via else None)
        if key not in seen:
            seen.add(key)
            unique.append((getattr(node, "anchored", node), via, role))
    unique.sort(key=lambda item: ((item[1] or item[0].start_mark).line, (item[1] or item[0].start_mark).column))
    return unique


def read_uses(text, path, use_pyyaml):
    """Parse text into the list of Use, with the comment of each one's line."""
    if not text.strip() or all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
        raise Fail(EXIT_INPUT, "input", f"{path}: empty: neither a workflow nor an action")
    root, parsed = compose_with_pyyaml(text, path) if use_pyyaml else (FallbackReader(text, path).read(), text)
    starts, ends = line_starts(text)
    uses = []
    for node, via, role in uses_nodes(root, path):
        start = starts[node.start_mark.line] + node.start_mark.column
        end = starts[node.end_mark.line] + node.end_mark.column
        if node.id != "scalar":
            use = Use("", start, end, node.start_mark.line, ends[node.start_mark.line], None)
            if node.id == "opaque":
                use.unparsed = node.value
            else:
                use.value = None
        elif node.style in ("|", ">"):
            header = BLOCK_HEADER_RE.match(text, start)
            use = Use(node.value, start, end, node.start_mark.line, header.end() if header else start, node.style)
        else:
            use = Use(node.value, start, end, node.end_mark.line, end, node.style)
        use.line_end = ends[use.line]
        use.alias_line = via.line if via is not None else None
        use.role = role
        uses.append(use)
    attach_comments(text, parsed, uses, use_pyyaml)
    return uses


def attach_comments(text, parsed, uses, use_pyyaml):
    """The comment at the end of each use's line; when flow style puts more on that line, YAML tokens
    (of `parsed`, the text as the parser read it) tell where the last token ends (a '#' inside a later
    quoted value is not a comment)."""
    token_ends = None
    for use in uses:
        rest = text[use.after:use.line_end]
        stripped = rest.lstrip(" \t")
        if not stripped:
            continue
        if not stripped.startswith("#"):
            if not use_pyyaml:
                continue
            if token_ends is None:
                token_ends = last_token_ends(parsed)
            last = token_ends.get(use.line)
            if last is None or last > use.line_end:
                continue
            rest = text[max(last, use.after):use.line_end]
            stripped = rest.lstrip(" \t")
            if not stripped.startswith("#"):
                continue
        use.comment_start = use.line_end - len(stripped)
        use.comment = stripped[1:].strip()
    by_line = {}
    for use in uses:
        by_line.setdefault(use.line, []).append(use)
    for same_line in by_line.values():  # one comment, several uses on its line: it belongs to the last
        last = max(use.after for use in same_line)  # (an anchored value's uses through aliases share its text)
        for use in same_line:
            if use.after != last:
                use.comment, use.comment_start, use.owns_comment = None, None, False


def last_token_ends(text):
    """0-based line -> offset where the last token that ends on that line ends (or a larger number when a
    token continues past the line, so no comment can be there)."""
    starts, _ = line_starts(text)
    result = {}
    for token in yaml.scan(text, Loader=pyyaml_loader()):
        start, end = token.start_mark, token.end_mark
        if start.line == end.line:
            offset = starts[end.line] + end.column
            result[end.line] = max(result.get(end.line, 0), offset)
        elif end.column > 0 or end.line > start.line + 1:
            result[start.line] = len(text) + 1
    return result


class FallbackReader:
    """A reader of block-style YAML for running without PyYAML: mappings, sequences and one-line plain
    or quoted scalars. Every other form becomes an `opaque` node that the checks report as `unparsed`."""

    def __init__(self, text, path):
        self.text, self.path = text, path
        self.starts, self.ends = line_starts(text)
        self.entries = self.logical_lines()
        self.at = 0
        self.open_anchors = set()

    def error(self, line, message):
        raise Fail(EXIT_INPUT, "input", f"{self.path}: not YAML (line {line + 1}): {message}")

    def logical_lines(self):
        """(line, column, text) per line, with `- ` split off into its own entry."""
        entries, seen_content = [], False
        for number, start in enumerate(self.starts):
            line = self.text[start:self.ends[number]]
            body = line.lstrip(" ")
            if not body.strip() or body.startswith("#"):
                continue
            column = len(line) - len(body)
            if column == 0 and (body.startswith("---") or body.startswith("...") or body.startswith("%")):
                if body.startswith("---") and seen_content:
                    self.error(number, "more than one document")
                rest = body[3:].strip() if body.startswith("---") else ""
                if not rest or rest.startswith("#"):
                    continue
            seen_content = True
            while body == "-" or body.startswith("- ") or body.startswith("-\t"):
                entries.append((number, column, "-"))
                stripped = body[1:].lstrip(" \t")
                column += len(body) - len(stripped)
                body = stripped
                if not body or body.startswith("#"):
                    break
            if body and not body.startswith("#"):
                entries.append((number, column, body.rstrip(" \t")))
        return entries

    def read(self):
        if not self.entries:
            return None
        node = self.node(self.entries[0][1])
        if self.at < len(self.entries):
            self.error(self.entries[self.at][0], "unexpected content at this indentation")
        return node

    def node(self, column):
        line, _, text = self.entries[self.at]
        value_column = column
        if text[:1] in ("&", "!"):  # `- &name` alone on its line: the anchored node follows, deeper
            rest, rest_column = self.strip_properties(text, column)
            following = self.entries[self.at + 1] if self.at + 1 < len(self.entries) else None
            if not rest and following and following[1] > column - (column > 0):
                self.at += 1
                return self.anchored(text, self.node, following[1])
            if rest[:1] in ("{", "[", "*", "|", ">", '"', "'"):  # `- &name {uses: ...}`: the value after it
                text, value_column = rest, rest_column
        if text == "-":
            return self.sequence(column)
        if self.split_key(text) is not None:
            return self.mapping(column)
        self.at += 1
        return self.value_node(line, value_column, text, column - 1)

    def sequence(self, column):
        items, first = [], self.entries[self.at]
        while self.at < len(self.entries) and self.entries[self.at][1] == column and self.entries[self.at][2] == "-":
            line = self.entries[self.at][0]
            self.at += 1
            if self.at < len(self.entries) and self.entries[self.at][1] > column:
                items.append(self.node(self.entries[self.at][1]))
            else:
                items.append(Node("scalar", "", Mark(line, column), Mark(line, column + 1)))
        return Node("sequence", items, Mark(first[0], first[1]), Mark(first[0], first[1]))

    def mapping(self, column):
        pairs, first = [], self.entries[self.at]
        while self.at < len(self.entries) and self.entries[self.at][1] == column:
            line, _, text = self.entries[self.at]
            split = self.split_key(text)
            if split is None:
                self.error(line, "expected a 'key: value' line")
            key, value_offset = split
            self.at += 1
            key_node = Node("scalar", key, Mark(line, column), Mark(line, column + value_offset))
            value_text = text[value_offset:].lstrip(" \t")
            value_column = column + len(text) - len(value_text)
            properties = value_text
            value_text, value_column = self.strip_properties(value_text, value_column)
            value = self.anchored(properties, self.mapping_value, line, column, value_text, value_column)
            pairs.append((key_node, value))
        if self.at < len(self.entries) and self.entries[self.at][1] > column:
            self.error(self.entries[self.at][0], "bad indentation")
        return Node("mapping", pairs, Mark(first[0], first[1]), Mark(first[0], first[1]))

    def mapping_value(self, line, column, value_text, value_column):
        if not value_text or value_text.startswith("#"):
            following = self.entries[self.at] if self.at < len(self.entries) else None
            if following and following[1] > column:
                return self.node(following[1])
            if following and following[1] == column and following[2] == "-":
                return self.sequence(column)
            return Node("scalar", "", Mark(line, value_column), Mark(line, value_column))
        return self.value_node(line, value_column, value_text, column)

    def anchored(self, text, compose, *arguments):
        """compose(*arguments) with the anchors (&name) in front of `text` open, so that an alias to one of them
        inside its own node is found (GitHub refuses such a file; following it would never end)."""
        names = set(re.findall(r"(?:^|\s)&(\S+)", text.split(" #")[0])) - self.open_anchors
        self.open_anchors |= names
        try:
            return compose(*arguments)
        finally:
            self.open_anchors -= names

    @staticmethod
    def strip_properties(text, column):
        """Drop anchors (&name) and tags (!tag) in front of a value."""
        while text[:1] in ("&", "!"):
            token = re.match(r"\S+", text).group(0)
            rest = text[len(token):].lstrip(" \t")
            column += len(text) - len(rest)
            text = rest
        return text, column

    @staticmethod
    def split_key(text):
        """(key, offset just after the ':') when text is a `key: value` line, else None."""
        if text[0] in "\"'":
            quote_char, index = text[0], 1
            while index < len(text):
                if text[index] == "\\" and quote_char == '"':
                    index += 2
                    continue
                if text[index] == quote_char:
                    if quote_char == "'" and text[index + 1:index + 2] == "'":
                        index += 2
                        continue
                    break
                index += 1
            after = text[index + 1:].lstrip(" ")
            if after == ":" or after.startswith((": ", ":\t")):
                return text[1:index], len(text) - len(after) + 1
            return None
        if text[0] in "{[?#|>*&!%@`":
            return None
        match = re.match(r"(.*?)[ \t]*:(?=[ \t]|$)", text)
        if match is None or re.search(r"[ \t]#", match.group(1)):
            return None
        return match.group(1), match.end()

    def consume_deeper(self, column):
        """Skip the entries indented deeper than column (the rest of a value we do not read)."""
        last = None
        while self.at < len(self.entries) and self.entries[self.at][1] > column:
            last = self.entries[self.at]
            self.at += 1
        return last

    def value_node(self, line, column, text, parent_column):
        """One value starting at (line, column); parent_column bounds its continuation lines."""
        start = Mark(line, column)
        reason = None
        if text[0] == "*":
            reason = "an alias (*name)"
            name = re.match(r"\*([^\s,\]}]+)", text)
            if name and name.group(1) in self.open_anchors:
                raise Fail(EXIT_INPUT, "input", f"{self.path}: recursive alias *{name.group(1)} inside its own anchor "
                                                f"&{name.group(1)} (line {line + 1}): no workflow can be read from it")
        elif text[0] in "|>":
            reason = "a block scalar (| or >)"
        elif text[0] in "{[":
            end_line, end_column = self.flow_end(line, column)
            while self.at < len(self.entries) and self.entries[self.at][0] <= end_line:
                self.at += 1  # the collection's own lines, wherever they are indented (`]` may sit under the key)
            raw = self.text[self.starts[line] + column:self.starts[end_line] + end_column]
            return Node("opaque", "a flow collection ({...} or [...])", start, Mark(end_line, end_column), raw=raw)
        if reason is None and text[0] in "\"'":
            value, length = self.quoted(text)
            if value is None:
                reason = "a quoted value continued on the next line"
            else:
                tail = text[length:].lstrip(" \t")
                if tail and not tail.startswith("#"):
                    self.error(line, "text after a quoted value")
                node = Node("scalar", value, start, Mark(line, column + length), style=text[0], raw=text[:length])
        elif reason is None:
            comment = re.search(r"[ \t]#", text)
            raw = (text[:comment.start()] if comment else text).rstrip(" \t")
            if re.search(r":[ \t]", raw) or raw.endswith(":"):
                self.error(line, "a mapping value is not allowed here")
            node = Node("scalar", raw, start, Mark(line, column + len(raw)), raw=raw)
        last = self.consume_deeper(parent_column)
        if reason is None and last is not None:
            reason = "a value continued on the next line"
        if reason is not None:
            end_line = last[0] if last else line
            raw = self.text[self.starts[line] + column:self.ends[end_line]]
            return Node("opaque", reason, start, Mark(end_line, self.ends[end_line] - self.starts[end_line]),
                        style="alias" if text[0] == "*" else None, raw=raw)
        return node

    def flow_end(self, line, column):
        """(line, column) just after the bracket that closes the flow collection opening at (line, column);
        quoted scalars and comments are skipped, so a `]` inside "a]b" or after `#` does not count."""
        import bisect
        text, index, depth, previous = self.text, self.starts[line] + column, 0, "["
        while index < len(text):
            char = text[index]
            if char in "\"'" and previous in "[{,:?":
                index += 1
                while index < len(text):
                    if char == '"' and text[index] == "\\":
                        index += 2
                        continue
                    if text[index] == char:
                        if char == "'" and text[index + 1:index + 2] == "'":
                            index += 2
                            continue
                        break
                    index += 1
                previous, index = "x", index + 1
                continue
            if char == "#" and text[index - 1] in " \t\r\n\x85\u2028\u2029":
                while index < len(text) and text[index] not in "\r\n\x85\u2028\u2029":
                    index += 1
                continue
            if char in "[{":
                depth += 1
            elif char in "]}":
                depth -= 1
                if depth == 0:
                    end_line = bisect.bisect_right(self.starts, index) - 1
                    return end_line, index + 1 - self.starts[end_line]
            if char not in " \t\r\n\x85\u2028\u2029":
                previous = char
            index += 1
        self.error(line, "a flow collection ({...} or [...]) is not closed")

    @staticmethod
    def quoted(text):
        """(value, length including quotes) of a one-line quoted scalar, or (None, 0)."""
        if text[0] == "'":
            match = re.match(r"'((?:[^']|'')*)'", text)
            return (match.group(1).replace("''", "'"), match.end()) if match else (None, 0)
        match = re.match(r'"((?:[^"\\]|\\.)*)"', text)
        if not match:
            return None, 0
        try:
            return json.loads(match.group(0)), match.end()
        except ValueError:
            return match.group(1), match.end()


# ----------------------------------------------------------------------------- offline checks

def parse_uses(value):
    """(kind, action, ref) of a uses: string: kind is remote, local, docker, expression or malformed."""
    value = value.strip()
    if "${{" in value:
        return "expression", value, ""
    if value.startswith(("./", "$/")):  # `$/` is the newer spelling of this repository's own path
        return "local", value, ""
    if value.startswith("docker://"):
        image, _, digest = value.partition("@")
        return "docker", image, digest
    action, at, ref = value.partition("@")
    parts = action.split("/")
    if not at or len(parts) < 2 or not all(parts[:2]) or " " in value:
        return ("remote" if not at and len(parts) >= 2 and all(parts[:2]) and " " not in value
                else "malformed"), action, ref
    return "remote", action, ref


def version_text(comment):
    """The comment without an exception written after it (`# v1.2.3 # zizmor: ignore[...]`): a version in
    the exception's reason is not the version comment. A prefix of the comment, so offsets stay valid."""
    if not comment:
        return comment
    directive = IGNORE_RE.search(comment)
    return comment[:directive.start()].rstrip(" \t#") if directive else comment


def comment_tokens(comment):
    """(start, end) of the first and the last token of the version text, each after a tool's prefix."""
    text = version_text(comment) or ""
    tokens = [(token.start(), token.end()) for token in re.finditer(r"\S+", text)]
    result = []
    for start, end in tokens[:1] + tokens[-1:]:
        tool = TOOL_PREFIX_RE.match(text, start, end)
        start = tool.end() if tool else start
        if text[start:end].startswith("tag="):
            start += 4
        if start < end and (start, end) not in result:
            result.append((start, end))
    return result


def version_in_comment(comment):
    """The tag a version comment names, as a match of VERSION_TOKEN_RE over the comment (its start and end
    are offsets in the comment), or None. The first token is tried, then the last: `v4.2.2 # note` and
    `version: v4.2.2` both name v4.2.2. A token may carry the spellings of the tools that write these
    comments: `tag=` (Dependabot, Renovate), `pin@` (pin-github-action), `ratchet:owner/repo@` (ratchet).
    An exception after the comment (`# zizmor: ignore[...]`, `# pypi-ops: ignore[...] reason`) is not read."""
    text = version_text(comment)
    if not text:
        return None
    tokens = [(token.start(), token.end()) for token in re.finditer(r"\S+", text)]
    for start, end in tokens[:1] + tokens[-1:]:
        tool = TOOL_PREFIX_RE.match(text, start, end)
        match = VERSION_TOKEN_RE.fullmatch(text, tool.end() if tool else start, end)
        if match:
            return match
    return None


def exceptions_on_line(comment):
    """[(problem ids, reason or None when none was given, source)] written in the comment of a use's line."""
    found = []
    for directive in IGNORE_RE.finditer(comment or ""):
        names = {name.strip() for name in directive.group("ids").split(",") if name.strip()}
        if directive.group("tool") == "zizmor":
            ids = set().union(*(ZIZMOR_AUDITS.get(name, set()) for name in names)) if names else set()
            found.append((ids, f"zizmor: ignore[{', '.join(sorted(names))}] on the line", "zizmor"))
        else:
            reason = directive.group("reason").strip(" \t-:#") or None
            found.append(({name for name in names if name in PROBLEMS}, reason, "pypi-ops"))
    return found


def check_unparsed(use, kind, action, ref):
    if use.unparsed:
        return "unparsed", f"uses: is written as {use.unparsed}; this reader cannot see it"
    if use.value is None:
        return "malformed", "uses: is not a string"
    return None


def check_expression(use, kind, action, ref):
    if kind == "expression":
        return "expression", "the action is chosen at run time, so the pin cannot be checked"
    return None


def check_local(use, kind, action, ref):
    return (None, "local action: versioned with this repository") if kind == "local" else None


def check_docker(use, kind, action, ref):
    if kind != "docker":
        return None
    if DIGEST_RE.fullmatch(ref):
        return None, "image pinned by digest"
    return "unpinned-image", "no @sha256:<64 hex> digest" if not ref else f"@{ref} is not a sha256 digest"


def check_shape(use, kind, action, ref):
    if kind == "malformed":
        return "malformed", "expected owner/repo[/path]@ref"
    if not ref:
        return "unpinned", "no @ref at all: runs the default branch"
    return None


def check_ref(use, kind, action, ref):
    if "#" in ref:
        return "comment-in-ref", "without a space before '#', YAML keeps it in the value"
    if SHA_RE.fullmatch(ref):
        return None
    if ANY_CASE_SHA_RE.fullmatch(ref):
        return "unpinned", "40 hex digits but not lower case"
    if SHORT_SHA_RE.fullmatch(ref) and re.search(r"\d", ref):
        return "short-sha", f"{len(ref)} hex digits; a short SHA can become ambiguous"
    return "unpinned", f"@{ref} is a tag or branch and can be moved"


def check_comment(use, kind, action, ref):
    if not version_text(use.comment):
        if not use.owns_comment:
            return "no-version-comment", "another uses: on the same line takes the line's comment"
        return "no-version-comment", "add the release tag as a comment on the same line"
    match = version_in_comment(use.comment)
    if match is None:
        return "bad-version-comment", (f"{version_text(use.comment)!r} names no version tag (first or last token); "
                                       "--live accepts it when it is a tag of the action")
    if match.group("short"):
        return "imprecise-version-comment", f"{match.group('tag')} names a major (or minor) line, not a release"
    return None


CHECKS = [check_unparsed, check_expression, check_local, check_docker, check_shape, check_ref, check_comment]


def parse_image(value):
    """(image without digest, digest or "") of a job container's or a service's image."""
    value = value.strip()
    value = value[len("docker://"):] if value.startswith("docker://") else value
    image, _, digest = value.partition("@")
    return image, digest


def check_image(use, image, digest):
    """The verdict on a job container's or a service's image: GitHub pulls it by name, so a tag can be moved
    under the job like an action's tag (a warning: the image runs the job's steps, not code of its own)."""
    if use.unparsed:
        return "unpinned-container-image", f"written as {use.unparsed}; this reader cannot see whether it has a digest"
    if use.value is None:
        return "malformed", "image: is not a string"
    if "${{" in use.value:
        return "unpinned-container-image", "the image is chosen at run time, so its digest cannot be checked"
    if DIGEST_RE.fullmatch(digest):
        return None, "image pinned by digest"
    if digest:
        return "unpinned-container-image", f"@{digest} is not a sha256 digest"
    return "unpinned-container-image", "no @sha256:<64 hex> digest: the tag can be moved"


def new_record(path, line, kind, action, ref, comment):
    """A record: kind is "action" (a uses:), "image" (a job container or service image) or "file" (a file
    that could not be read: problem bad-input); ignored/reason say whether an exception accepts its problem."""
    return {"file": path, "line": line, "kind": kind, "action": action, "ref": ref, "comment": comment,
            "ok": True, "problem": None, "note": "", "ignored": False, "reason": None}


def check_use(path, use):
    """The record of one uses: after the offline checks (the first check that decides wins)."""
    line = use.line if use.alias_line is None else use.alias_line
    if use.role == "image":
        action, ref = parse_image(use.value or "")
        record = new_record(path, line + 1, "image", action, ref, use.comment)
        record["problem"], record["note"] = check_image(use, action, ref)
    else:
        kind, action, ref = parse_uses(use.value or "")
        record = new_record(path, line + 1, "action", action, ref, use.comment)
        for check in CHECKS:
            verdict = check(use, kind, action, ref)
            if verdict is not None:
                record["problem"], record["note"] = verdict
                break
    if use.alias_line is not None:  # used here through an alias; the text (and --fix's edit) is at the anchor
        written = f"written at line {use.line + 1} (the anchor)"
        record["note"] = f"{record['note']}; {written}" if record["note"] else written
    record["ok"] = record["problem"] is None or record["problem"] in INFORMATIONAL
    return record


# ----------------------------------------------------------------------------- exceptions

def plain_data(node, path):
    """A composed node as plain Python data (mappings, lists, strings); forms the reader cannot see: Fail(3)."""
    if node is None:
        return None
    if node.id == "mapping":
        return {name: plain_data(value, path) for name, value in (mapping_pairs(node) or {}).items()}
    if node.id == "sequence":
        return [plain_data(item, path) for item in node.value]
    if node.id == "scalar":
        return node.value
    raise Fail(EXIT_INPUT, "input", f"{path} (line {node.start_mark.line + 1}): {node.value} cannot be read "
                                    "without PyYAML; write the exceptions in block style")


def read_exceptions(path, use_pyyaml):
    """The accepted exceptions of a config file: [{"action", "file", "problems", "reason"}], each a pattern
    (fnmatch) or None for "any"; problems a set of ids or None for every problem that can be accepted.

        exceptions:
          - action: dtolnay/rust-toolchain     # owner/repo[/path], * allowed
            file: .github/workflows/ci.yml     # optional: only in this file (pattern)
            problems: [unpinned]               # optional: only these ids (default: any)
            reason: no release tags; the branch is the product
    """
    _, text = read_text(path)
    root = compose_with_pyyaml(text, path)[0] if use_pyyaml else FallbackReader(text, path).read()
    data = plain_data(root, path)
    entries = data.get("exceptions") if isinstance(data, dict) else None
    if not isinstance(entries, list) or set(data) - {"exceptions"}:
        raise Fail(EXIT_INPUT, "input", f"{path}: expected a mapping with one key, exceptions: a list of entries")
    accepted = []
    for number, entry in enumerate(entries, 1):
        where = f"{path}: exception {number}"
        if not isinstance(entry, dict) or set(entry) - {"action", "file", "files", "problems", "reason"}:
            raise Fail(EXIT_INPUT, "input", f"{where}: keys are action, file, problems and reason")
        files = entry.get("files", entry.get("file"))
        files = [files] if isinstance(files, str) else files
        problems = entry.get("problems")
        problems = [part for part in re.split(r"[,\s]+", problems) if part] if isinstance(problems, str) else problems
        if not isinstance(entry.get("reason"), str) or not entry["reason"].strip():
            raise Fail(EXIT_INPUT, "input", f"{where}: every exception needs a reason")
        if entry.get("action") is None and files is None:
            raise Fail(EXIT_INPUT, "input", f"{where}: name an action, a file, or both")
        if not (entry.get("action") is None or isinstance(entry["action"], str)) or not (
                files is None or (isinstance(files, list) and all(isinstance(item, str) for item in files))):
            raise Fail(EXIT_INPUT, "input", f"{where}: action and file are strings (patterns)")
        if problems is not None:
            if not isinstance(problems, list) or not all(isinstance(item, str) for item in problems):
                raise Fail(EXIT_INPUT, "input", f"{where}: problems is a list of problem ids")
            unknown = sorted(set(problems) - set(PROBLEMS))
            if unknown:
                raise Fail(EXIT_INPUT, "input", f"{where}: unknown problem id {', '.join(unknown)} "
                                                "(see references/action-pins.md)")
        accepted.append({"action": entry.get("action"), "files": files,
                         "problems": set(problems) if problems is not None else None,
                         "reason": entry["reason"].strip(), "where": where})
    return accepted


def same_file(pattern, path):
    from fnmatch import fnmatchcase
    name = os.path.normpath(path).replace(os.sep, "/")
    pattern = pattern.replace(os.sep, "/")
    while pattern.startswith("./"):
        pattern = pattern[2:]
    return fnmatchcase(name, pattern) or fnmatchcase(name, "*/" + pattern)


def same_action(pattern, action):
    from fnmatch import fnmatchcase
    return bool(action) and (fnmatchcase(action.lower(), pattern.lower())
                             or fnmatchcase(repo_of(action).lower(), pattern.lower()))


def apply_exceptions(records, accepted):
    """Mark each record whose problem an exception accepts: ignored, with the reason (kept in --json)."""
    for record in records:
        problem = record["problem"]
        record["ignored"], record["reason"] = False, None
        if not problem or problem in NEVER_IGNORED:
            continue
        for ids, reason, tool in exceptions_on_line(record["comment"]):
            if problem not in ids:
                continue
            if reason is None:
                record["note"] += "; the pypi-ops: ignore[...] on this line gives no reason, so it is not applied"
                continue
            record["ignored"], record["reason"] = True, reason if tool == "zizmor" else f"on the line: {reason}"
            break
        if record["ignored"]:
            continue
        for entry in accepted:
            if (entry["problems"] is None or problem in entry["problems"]) \
                    and (entry["action"] is None or same_action(entry["action"], record["action"])) \
                    and (entry["files"] is None or any(same_file(item, record["file"]) for item in entry["files"])):
                record["ignored"], record["reason"] = True, f"{entry['where']}: {entry['reason']}"
                break


# ----------------------------------------------------------------------------- versions

def parse_version(tag):
    """A comparable key for the version in a tag's last segment, or None."""
    text = tag.rsplit("/", 1)[-1]
    text = text[1:] if text[:1] in "vV" else text
    try:
        return Version(text) if Version is not None else FallbackVersion.parse(text)
    except ValueError:  # InvalidVersion, or a number longer than int() converts (GitHub lists any tag name)
        return None


class FallbackVersion:
    """X.Y.Z with an optional a/b/rc/alpha/beta/pre/dev suffix, ordered like PEP 440 (without packaging)."""

    RE = re.compile(r"(\d+(?:\.\d+)*)(?:[-_.]?(a|alpha|b|beta|c|rc|pre|preview|dev)[-_.]?(\d*))?(?:\+[0-9A-Za-z.]*)?",
                    re.I)
    RANK = {"dev": 0, "a": 1, "alpha": 1, "b": 2, "beta": 2, "c": 3, "rc": 3, "pre": 3, "preview": 3}

    def __init__(self, release, pre):
        self.release, self.pre = release, pre
        self.is_prerelease = pre is not None

    @classmethod
    def parse(cls, text):
        match = cls.RE.fullmatch(text)
        if not match:
            return None
        release = tuple(int(part) for part in match.group(1).split("."))
        pre = (cls.RANK[match.group(2).lower()], int(match.group(3) or 0)) if match.group(2) else None
        return cls(release, pre)

    def key(self):
        release = self.release
        while len(release) > 1 and release[-1] == 0:
            release = release[:-1]
        return release, (1, 0, 0) if self.pre is None else (0, *self.pre)

    def __lt__(self, other):
        return self.key() < other.key()

    def __gt__(self, other):
        return self.key() > other.key()

    def __eq__(self, other):
        return self.key() == other.key()

    def __hash__(self):
        return hash(self.key())

    def __str__(self):
        return ".".join(map(str, self.release))


def release_tuple(version):
    return tuple(version.release)


# ----------------------------------------------------------------------------- GitHub (live)

def split_credentials(url):
    """(url without user:secret@, the secret or None): the secret is sent as the token and never shown. Read by
    hand, so that a URL urllib cannot parse (an unbalanced [, a bad port) loses its credentials too."""
    head, separator, rest = url.partition("://")
    cut = min([at for at in (rest.find("/"), rest.find("?"), rest.find("#")) if at >= 0], default=len(rest))
    if not separator or "@" not in rest[:cut]:
        return url, None
    userinfo, _, host = rest[:cut].rpartition("@")
    return head + separator + host + rest[cut:], userinfo.partition(":")[2] or userinfo or None


class Offline:
    """Stands in for GitHub under --offline (--fix --offline): every question is a LookupFailed."""

    offline = True

    def get(self, path, answers=(404,)):
        raise LookupFailed("--offline: GitHub was not asked")

    def once(self, key, compute):
        return compute()


class GitHub:
    """GET JSON from the GitHub REST API; each distinct question is asked once (answers are memoised)."""

    def __init__(self, base, token, timeout):
        self.base, self.timeout = base.rstrip("/"), timeout
        self.headers = {"X-GitHub-Api-Version": "2022-11-28"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self.lock = threading.Lock()
        self.memo = {}
        self.rate_limited = None
        self.requests = 0

    def get(self, path, answers=(404,)):
        """(status, parsed JSON or None, headers); 200 and `answers` are answers, anything else LookupFailed."""
        if self.rate_limited:
            raise LookupFailed(self.rate_limited)
        url = path if path.startswith(("http://", "https://")) else self.base + path
        with self.lock:
            self.requests += 1
        try:
            status, headers, body, _ = http_get(url, accept="application/vnd.github+json", timeout=self.timeout,
                                                headers=self.headers)
        except Unreachable as error:
            raise LookupFailed(f"GitHub unreachable: {error}") from None
        if status in (403, 429) and (headers.get("X-RateLimit-Remaining") == "0" or headers.get("Retry-After")
                                     or status == 429):
            reset = headers.get("X-RateLimit-Reset")
            when = ""
            if reset and reset.isdigit():
                import time
                when = f", resets at {time.strftime('%H:%M:%S UTC', time.gmtime(int(reset)))}"
            retry = f", retry after {headers.get('Retry-After')} s" if headers.get("Retry-After") else ""
            self.rate_limited = (f"GitHub rate limit hit (HTTP {status}{when}{retry}); "
                                 "set GITHUB_TOKEN for a higher limit")
            raise LookupFailed(self.rate_limited)
        if status in answers:
            return status, None, headers
        if status != 200:
            raise LookupFailed(f"GitHub answered HTTP {status} for {path}")
        length = headers.get("Content-Length")
        if length and length.isdigit() and len(body) < int(length):
            raise LookupFailed(f"GitHub's answer for {path} was cut off ({len(body)} of {length} bytes)")
        kind = headers.get("Content-Type", "")
        if "json" not in kind:
            raise LookupFailed(f"GitHub answered {kind or 'no content type'} instead of JSON for {path}")
        try:
            return 200, json.loads(body.decode("utf-8")), headers
        except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: nested deeper than json reads
            raise LookupFailed(f"GitHub answered malformed JSON for {path}") from None

    def once(self, key, compute):
        """compute() the first time key is asked (other threads wait for it); the same answer or error after."""
        with self.lock:
            entry = self.memo.get(key)
            if entry is None:
                entry = self.memo[key] = {"lock": threading.Lock(), "done": False}
        with entry["lock"]:
            if not entry["done"]:
                try:
                    entry["value"], entry["error"] = compute(), None
                except LookupFailed as error:
                    entry["value"], entry["error"] = None, error
                entry["done"] = True
        if entry["error"] is not None:
            raise entry["error"]
        return entry["value"]

    def pages(self, path):
        """All items of a paginated list (following Link: rel="next"), up to MAX_PAGES pages."""
        items, url = [], f"{path}{'&' if '?' in path else '?'}per_page=100"
        for _ in range(MAX_PAGES):
            status, document, headers = self.get(url)
            if status == 404:
                return None
            if not isinstance(document, list):
                raise LookupFailed(f"GitHub answered a {type(document).__name__} where a list was expected")
            items.extend(document)
            url = next_link(headers.get("Link") or "")
            if url is None:
                return items
            if url_origin(url) != url_origin(self.base):  # the token goes to the API's origin only
                raise LookupFailed(f"GitHub's next page for {path} is on another host")
        raise LookupFailed(f"more than {MAX_PAGES * 100} items at {path}")


def next_link(header):
    """The rel="next" target of an RFC 8288 Link header, or None (linear in the header, whatever it holds)."""
    for part in header.split(","):
        target, _, params = part.partition(";")
        target = target.strip()
        if target[:1] == "<" and target[-1:] == ">" and 'rel="next"' in params.replace(" ", "").split(";"):
            return target[1:-1]
    return None


def url_origin(url):
    """(scheme, host, port) of a URL; None when it has none or is malformed."""
    from urllib.parse import urlsplit
    try:
        parts = urlsplit(url)
        return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port or {"http": 80, "https": 443}.get(
            parts.scheme.lower())
    except ValueError:
        return None


def expect(document, *keys):
    """document[k1][k2]... as a string, or LookupFailed when GitHub's answer has another shape."""
    value = document
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            raise LookupFailed(f"unexpected answer from GitHub (no {'.'.join(keys)})")
        value = value[key]
    if not isinstance(value, str):
        raise LookupFailed(f"unexpected answer from GitHub ({'.'.join(keys)} is not a string)")
    return value


def resolve_tag(github, repo, tag):
    """{"found", "commit", "object", "annotated", "repo_missing"} for one tag, asked verbatim.

    git/ref/tags/<tag> (singular `ref`) matches exactly; git/refs/tags/<tag> would match prefixes."""
    def compute():
        status, document, _ = github.get(f"/repos/{repo}/git/ref/tags/{quote(tag, safe='/')}")
        if status == 404:
            missing, _, _ = github.get(f"/repos/{repo}")
            return {"found": False, "repo_missing": missing == 404}
        kind, sha = expect(document, "object", "type"), expect(document, "object", "sha")
        commit, annotated = sha, False
        for _ in range(5):  # a tag may point at another tag object
            if kind != "tag":
                break
            annotated = True
            status, tag_object, _ = github.get(f"/repos/{repo}/git/tags/{commit}")
            if status == 404:
                raise LookupFailed(f"{repo}: tag object {commit} of {tag} not found")
            kind, commit = expect(tag_object, "object", "type"), expect(tag_object, "object", "sha")
        if kind != "commit":
            raise LookupFailed(f"{repo}: tag {tag} points at a {kind}, not a commit")
        return {"found": True, "commit": commit, "object": sha, "annotated": annotated}
    return github.once(("tag", repo, tag), compute)


def list_tags(github, repo):
    """[(name, commit sha)] of every tag (newest first, as GitHub lists them)."""
    def compute():
        items = github.pages(f"/repos/{repo}/tags") or []
        return [(expect(item, "name"), expect(item, "commit", "sha")) for item in items]
    return github.once(("tags", repo), compute)


def list_branches(github, repo):
    def compute():
        items = github.pages(f"/repos/{repo}/branches") or []
        return [(expect(item, "name"), expect(item, "commit", "sha")) for item in items]
    return github.once(("branches", repo), compute)


def contains(github, repo, base, sha):
    """Is sha in the history of branch or tag `base`? (compare: behind or identical; 404 means unrelated)."""
    def compute():
        status, document, _ = github.get(f"/repos/{repo}/compare/{quote(base, safe='/')}...{sha}")
        if status == 404:
            return False
        return expect(document, "status") in ("behind", "identical")
    return github.once(("contains", repo, base, sha), compute)


def locate_commit(github, repo, sha):
    """Where a pinned commit sits: {"tags": [...]} pointing at it, {"tag_object": name}, {"branch": name}
    containing it, or {} when no branch or tag contains it (an impostor, as zizmor's audit decides)."""
    def compute():
        tags = list_tags(github, repo)
        at = [name for name, commit in tags if commit == sha]
        if at:
            return {"tags": at}
        branches = list_branches(github, repo)
        for name, commit in branches:
            if commit == sha:
                return {"branch": name}
        status, tag_object, _ = github.get(f"/repos/{repo}/git/tags/{sha}", answers=(404, 422))
        if status == 200:
            return {"tag_object": expect(tag_object, "tag"), "commit": expect(tag_object, "object", "sha")}
        candidates = [name for name, _ in branches] + [name for name, _ in tags]
        if len(candidates) > MAX_COMPARES:
            raise LookupFailed(f"{repo} has more than {MAX_COMPARES} branches and tags: could not decide "
                               f"whether {sha[:12]} belongs to it")
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(lambda name: contains(github, repo, name, sha), candidates))
        for name, inside in zip(candidates, answers):
            if inside:
                return {"branch": name} if name in dict(branches) else {"within_tag": name}
        return {}
    return github.once(("locate", repo, sha), compute)


def newest_release(github, repo, prefix):
    """The newest stable version (tag name) of a repository, or of its tags under `prefix` (monorepos)."""
    def compute():
        names = []
        if not prefix:
            status, document, _ = github.get(f"/repos/{repo}/releases/latest")
            if status == 200:
                names = [expect(document, "tag_name")]
        if not names:
            path = f"/repos/{repo}/git/matching-refs/tags/{quote(prefix, safe='/')}" if prefix else None
            if path:
                status, document, _ = github.get(path)
                refs = document if status == 200 and isinstance(document, list) else []
                names = [expect(ref, "ref")[len("refs/tags/"):] for ref in refs]
            else:
                names = [name for name, _ in list_tags(github, repo)]
        best = None
        for name in names:
            if prefix and not name.startswith(prefix):
                continue
            if not prefix and "/" in name:
                continue
            version = parse_version(name)
            if version is not None and not version.is_prerelease and (best is None or version > best[0]):
                best = (version, name)
        return best
    return github.once(("newest", repo, prefix), compute)


def repo_of(action):
    return "/".join(action.split("/")[:2])


def verify_live(github, record, strict):
    """Turn an offline record of a SHA pin into its live verdict (the record is updated in place)."""
    repo, pinned = repo_of(record["action"]), record["ref"]
    match = version_in_comment(record["comment"]) if record["problem"] in (None, "imprecise-version-comment") else None
    try:
        word = None
        if record["problem"] == "bad-version-comment":  # a word may still be a real tag of the action
            word = tag_in_comment(github, repo, record)
            if word is not None:
                record["problem"], record["ok"] = None, True
        if match is None and word is None:  # no usable comment: still make sure the commit belongs to the repo
            where = locate_commit(github, repo, pinned)
            if not where:
                set_problem(record, "impostor", f"{pinned[:12]} is in no branch or tag of {repo}")
            elif where.get("tag_object"):
                set_problem(record, "tag-object-sha", f"{pinned[:12]} is the tag object of {where['tag_object']}")
            elif where.get("tags"):
                record["note"] += f"; tags at this commit: {', '.join(where['tags'])}"
            return
        tag = match.group("tag") if word is None else word
        moving = word is not None or bool(match.group("short"))  # v4, v4.1, or a word tag such as `stable`
        resolved = resolve_tag(github, repo, tag)
        if not resolved["found"]:
            if resolved.get("repo_missing"):
                set_problem(record, "unknown-repo", f"{repo} does not exist or is not visible with this token")
            else:
                set_problem(record, "unknown-tag", f"{repo} has no tag {tag}")
            return
        if resolved["commit"] != pinned:
            if resolved["annotated"] and resolved["object"] == pinned:
                set_problem(record, "tag-object-sha", f"{pinned[:12]} is the tag object of {tag}; "
                                                      f"its commit is {resolved['commit']}")
                return
            if moving and contains(github, repo, tag, pinned):
                exact = best_tag_at(github, repo, pinned, like=tag if word is None else None)
                set_problem(record, "imprecise-version-comment",
                            f"{tag} has moved on to {resolved['commit'][:12]}; the pinned commit is in its history"
                            + (f"; the release at the pinned commit is {exact} (--fix writes it)" if exact else
                               "; no release tag points at the pinned commit"), ok=True)
                return
            where = locate_commit(github, repo, pinned)
            if where.get("tags"):
                set_problem(record, "drift", f"{tag} points at {resolved['commit'][:12]}; tags at the pinned "
                                             f"commit: {', '.join(where['tags'])}")
            elif where.get("tag_object"):
                set_problem(record, "tag-object-sha", f"{pinned[:12]} is the tag object of {where['tag_object']}")
            elif where:
                inside = where.get("branch") or where.get("within_tag")
                set_problem(record, "drift", f"{tag} points at {resolved['commit'][:12]}; no tag points at the "
                                             f"pinned commit (it is in the history of {inside})")
            else:
                set_problem(record, "impostor", f"{pinned[:12]} is in no branch or tag of {repo}; "
                                                f"{tag} is {resolved['commit'][:12]}")
            return
        if word is not None:
            record["note"] = f"{word} is a tag of {repo} at the pinned commit"
            return
        if moving:
            exact = best_tag_at(github, repo, pinned, like=tag)
            if exact:
                record["note"] = f"{tag} points at the pinned commit today, but it moves; the release there is {exact}"
        pinned_version = parse_version(tag)
        newest = newest_release(github, repo, match.group("prefix"))
        if newest is not None and pinned_version is not None:
            newer = newest[0] > pinned_version
            if match.group("short"):
                width = len(release_tuple(pinned_version))
                newer = release_tuple(newest[0])[:width] > release_tuple(pinned_version)[:width]
            if newer:
                if record["problem"] is None:
                    set_problem(record, "outdated", f"newest release: {newest[1]}", ok=not strict)
                else:
                    record["note"] += f"; newest release: {newest[1]}"
    except LookupFailed as error:
        if record["problem"] in (None, "imprecise-version-comment"):
            set_problem(record, "unverified", str(error))
        else:
            record["note"] += f"; not verified: {error}"


def tag_in_comment(github, repo, record):
    """The first (else last) token of a comment that names no version, when it is a real tag of the action
    (`# stable`, `# nightly-2024`); a branch of that name is said in the note. None otherwise."""
    text = version_text(record["comment"]) or ""
    names = [text[start:end] for start, end in comment_tokens(record["comment"])]
    names = [name for name in names if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._/+-]*", name)
             and not name.endswith((".", "/")) and ".." not in name]
    for name in names:
        if resolve_tag(github, repo, name)["found"]:
            return name
    branches = {branch for branch, _ in list_branches(github, repo)} if names else set()
    for name in names:
        if name in branches:
            record["note"] = f"{name} is a branch of {repo}, not a tag: a branch moves with every push"
            break
    return None


def set_problem(record, problem, note, ok=False):
    record["problem"], record["note"], record["ok"] = problem, note, ok


def run_live(github, records, strict):
    todo = [record for record in records
            if record["problem"] not in ("unpinned", "short-sha", "expression", "malformed", "unparsed",
                                         "unpinned-image", "comment-in-ref")
            and record["kind"] == "action" and SHA_RE.fullmatch(record["ref"] or "")
            and not record["action"].startswith(("./", "docker://"))]
    # The newest release of each repository is asked at the same time as the tags (not after them).
    newest = sorted({(repo_of(record["action"]), match.group("prefix")) for record in todo
                     for match in [version_in_comment(record["comment"])] if match})

    def prefetch(key):
        try:
            newest_release(github, *key)
        except LookupFailed:
            pass  # remembered; verify_live reports it
    if todo:
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            waiting = [pool.submit(verify_live, github, record, strict) for record in todo]
            waiting += [pool.submit(prefetch, key) for key in newest]
            for future in waiting:
                future.result()


# ----------------------------------------------------------------------------- fixing

def best_tag_at(github, repo, sha, like=None):
    """The most precise tag pointing at sha (X.Y.Z, highest) with the prefix and major of `like`."""
    wanted = VERSION_TOKEN_RE.fullmatch(like) if like else None
    prefix = wanted.group("prefix") if wanted else ""
    wanted_version = parse_version(like) if wanted else None
    best = None
    for name, commit in list_tags(github, repo):
        match = VERSION_TOKEN_RE.fullmatch(name)
        version = parse_version(name)
        if commit != sha or not match or match.group("short") or version is None:
            continue
        if match.group("prefix") != prefix:
            continue
        if wanted_version is not None and release_tuple(version)[0] != release_tuple(wanted_version)[0]:
            continue
        rank = (bool(match.group("full")), len(release_tuple(version)), version)  # X.Y.Z before X.Y, then newest
        if best is None or rank > best[0]:
            best = (rank, name)
    return best[1] if best else None


def newest_in_major(github, repo, tag):
    """(tag, commit) of the newest stable release with the same major (and prefix) as tag, or None."""
    match = VERSION_TOKEN_RE.fullmatch(tag)
    current = parse_version(tag)
    if match is None or current is None:
        return None
    prefix = match.group("prefix")
    major = release_tuple(current)[0]
    lead = "v" if tag[len(prefix):len(prefix) + 1] in "vV" else ""
    status, document, _ = github.get(f"/repos/{repo}/git/matching-refs/tags/{quote(prefix + lead + str(major))}")
    best = None
    for ref in document if status == 200 and isinstance(document, list) else []:
        name = expect(ref, "ref")[len("refs/tags/"):]
        found = VERSION_TOKEN_RE.fullmatch(name)
        version = parse_version(name)
        if (found and found.group("full") and found.group("prefix") == prefix and version is not None
                and not version.is_prerelease and release_tuple(version)[0] == major
                and (best is None or version > best[0])):
            best = (version, name)
    if best is None or not best[0] > current:
        return None
    resolved = resolve_tag(github, repo, best[1])
    return (best[1], resolved["commit"]) if resolved["found"] else None


def plan_fix(github, use, record, update):
    """(new ref or None, new comment tag or None, note) for one record."""
    problem = record["problem"]
    if record["ignored"] or record["kind"] == "image":
        return None, None, ""  # an accepted exception stays as it is; images are planned by plan_image
    if problem == "unverified":
        raise LookupFailed(record["note"])
    repo, ref = repo_of(record["action"]), record["ref"]
    kind = parse_uses(use.value or "")[0] if use.value else "malformed"
    if kind != "remote" or problem in ("expression", "malformed", "unparsed", "short-sha", "unpinned-image"):
        return None, None, f"{problem}: cannot be fixed automatically" if problem else ""
    if problem == "comment-in-ref":
        sha, _, comment = ref.partition("#")
        match = VERSION_TOKEN_RE.fullmatch(comment.strip())
        if SHA_RE.fullmatch(sha) and match:
            return sha, match.group("tag"), "moved the tag out of the ref into a comment"
        return None, None, "cannot be fixed automatically"
    if problem == "unpinned" and ref and not ANY_CASE_SHA_RE.fullmatch(ref):
        resolved = resolve_tag(github, repo, ref)
        if not resolved["found"]:
            return None, None, f"{ref} is not a tag of {repo}: pin it by hand"
        sha, tag = resolved["commit"], ref
        if not VERSION_TOKEN_RE.fullmatch(ref) or not VERSION_TOKEN_RE.fullmatch(ref).group("full"):
            tag = best_tag_at(github, repo, sha, like=ref) or ref
        if update:
            newer = newest_in_major(github, repo, tag)
            if newer:
                tag, sha = newer
        return sha, tag, f"pinned {ref} to its commit"
    if not SHA_RE.fullmatch(ref or ""):
        return None, None, "cannot be fixed automatically" if problem else ""
    if problem in ("drift", "impostor", "unknown-tag", "unknown-repo", "unverified"):
        return None, None, f"{problem}: decide by hand whether the pin or the comment is right"
    match = version_in_comment(record["comment"])
    tag = match.group("tag") if match else None
    new_ref = None
    if problem in ("no-version-comment", "bad-version-comment", "imprecise-version-comment") or (
            tag is None and problem not in (None, "outdated")):  # a word that is a real tag at the pin stays
        found = best_tag_at(github, repo, ref, like=tag)
        if found is None:
            return None, None, f"no release tag points at {ref[:12]}: add the comment by hand"
        tag = found
    elif problem == "tag-object-sha":
        resolved = resolve_tag(github, repo, tag)
        new_ref = resolved["commit"] if resolved["found"] else None
    if update and tag:
        newer = newest_in_major(github, repo, tag)
        if newer:
            tag, new_ref = newer
    if new_ref is None and tag == (match.group("tag") if match else None):
        return None, None, ""
    return new_ref, tag, "updated" if new_ref else "added the version comment"


def image_location(image):
    """(scheme, registry host, repository, tag) of an image name, resolved the way docker resolves it: a first
    part with a dot or a port (or localhost) is a registry, anything else is on Docker Hub (library/ for
    official images). A registry on localhost or 127.x is spoken to over http, as docker allows by default."""
    first, _, rest = image.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        host, name = first, rest
    else:
        host, name = "docker.io", image
    if host in ("docker.io", "index.docker.io", "registry-1.docker.io"):
        host, name = "registry-1.docker.io", name if "/" in name else f"library/{name}"
    last = name.rsplit("/", 1)[-1]
    name, tag = (name.rsplit(":", 1) if ":" in last else (name, "latest"))
    hostname = host.rsplit(":", 1)[0]
    scheme = "http" if hostname == "localhost" or hostname.startswith("127.") else "https"
    return scheme, host, name, tag


def registry_digest(image, timeout):
    """The sha256 digest a registry serves for image:tag (registry API v2: GET the manifest, after the
    anonymous bearer token its 401 challenge names); LookupFailed when it cannot be asked or answers oddly."""
    import hashlib
    from urllib.parse import urlencode
    scheme, host, name, tag = image_location(image)
    url = f"{scheme}://{host}/v2/{name}/manifests/{quote(tag, safe='')}"
    try:
        status, headers, body, _ = http_get(url, accept=MANIFEST_TYPES, timeout=timeout, limit=4 << 20)
        if status == 401:
            challenge = dict(re.findall(r'(\w+)="([^"]*)"', headers.get("WWW-Authenticate") or ""))
            if not challenge.get("realm", "").startswith(("https://", "http://")):
                raise LookupFailed(f"{host} asked for credentials without a token realm")
            query = {key: challenge[key] for key in ("service", "scope") if key in challenge}
            query.setdefault("scope", f"repository:{name}:pull")
            _, token_headers, token_body, _ = http_get(f"{challenge['realm']}?{urlencode(query)}",
                                                       accept="application/json", timeout=timeout, limit=1 << 20)
            try:
                answer = json.loads(token_body.decode("utf-8"))
                token = answer.get("token") or answer.get("access_token")
            except (UnicodeDecodeError, ValueError, AttributeError):
                token = None
            if not isinstance(token, str) or not token:
                raise LookupFailed(f"{host}: no anonymous pull token for {name}")
            status, headers, body, _ = http_get(url, accept=MANIFEST_TYPES, timeout=timeout, limit=4 << 20,
                                                headers={"Authorization": f"Bearer {token}"})
    except Unreachable as error:
        raise LookupFailed(f"registry unreachable: {error}") from None
    if status == 404:
        raise LookupFailed(f"{host} has no {name}:{tag} (HTTP 404)")
    if status != 200:
        raise LookupFailed(f"{host} answered HTTP {status} for {name}:{tag}")
    kind = (headers.get("Content-Type") or "").split(";")[0].strip()
    if kind not in MANIFEST_TYPES.split(", "):
        raise LookupFailed(f"{host} answered {kind or 'no content type'} instead of a manifest for {name}:{tag}")
    digest = "sha256:" + hashlib.sha256(body).hexdigest()
    said = headers.get("Docker-Content-Digest")
    if said and said != digest:
        raise LookupFailed(f"{host}: the manifest of {name}:{tag} does not match its Docker-Content-Digest")
    return digest


def plan_image(github, record, timeout):
    """(digest or None, note) for a job container or service image."""
    if record["ignored"] or record["problem"] != "unpinned-container-image":
        return None, ""
    image = record["action"]
    if record["ref"] or "${{" in (image or "") or not image:
        return None, f"{record['note']}: pin it by hand"
    if getattr(github, "offline", False):
        raise LookupFailed("--offline: the registry was not asked")
    return registry_digest(image, timeout), f"pinned {image} to its digest"


def image_edits(text, use, digest):
    """Insert @digest right after the image name written in the value."""
    span = text[use.start:use.end]
    name = (use.value or "").strip()
    where = span.rfind(name) if name else -1
    if where < 0 or "@" in name:
        return None
    end = use.start + where + len(name)
    return [(end, end, f"@{digest}")]


def edits_for(text, use, new_ref, old_ref, tag):
    """[(start, end, replacement)] that change only the ref and the comment of one use."""
    edits = []
    if new_ref and new_ref != old_ref:
        span = text[use.start:use.end]
        where = span.rfind("@" + old_ref)
        if where < 0:
            return None
        edits.append((use.start + where + 1, use.start + where + 1 + len(old_ref), new_ref))
    if tag and use.owns_comment:
        named = version_in_comment(use.comment)
        if named is not None:  # keep `tag=`, `pin@`, `ratchet:...@` and words around the tag
            body = use.comment_start + 1 + text[use.comment_start + 1:use.line_end].index(use.comment)
            edits.append((body + named.start("tag"), body + named.end("tag"), tag))
        elif use.comment_start is not None and use.comment:  # a remark of the user's: kept byte for byte
            edits.append((use.comment_start, use.comment_start, f"# {tag} "))
        elif use.comment_start is not None:  # a bare '#'
            edits.append((use.comment_start, use.line_end, f"# {tag}"))
        else:
            end = len(text[:use.line_end].rstrip(" \t"))
            edits.append((end, end, f" # {tag}"))
    return edits


def apply_edits(text, edits):
    for start, end, replacement in sorted(set(edits), reverse=True):  # an anchor used twice: one edit
        text = text[:start] + replacement + text[end:]
    return text


def diff_name(side, path):
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else f"{side}/{relative.replace(os.sep, '/')}"


def write_file(path, content):
    import shutil
    import tempfile
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix=".pins-", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        shutil.copymode(path, temporary)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def run_fix(github, documents, records, update, write, timeout=10.0):
    """Plan and apply the fixes; returns (changes, diff text). A change that needs GitHub or a registry
    which could not be asked has "needs": "github" or "registry"."""
    by_use = [(path, bom, text, use, record) for path, bom, text, uses in documents
              for use, record in zip(uses, [r for r in records if r["file"] == path])]

    def plan(item):
        path, _, text, use, record = item
        if record["kind"] == "image":
            try:
                digest, note = plan_image(github, record, timeout)
            except LookupFailed as error:
                return None, None, f"not fixed: {error}", "registry"
            return digest, None, note, None
        try:
            return (*plan_fix(github, use, record, update), None)
        except LookupFailed as error:
            return None, None, f"not fixed: {error}", "github"
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        plans = list(pool.map(plan, by_use))
    changes, edits_by_file, diff = [], {}, []
    for (path, _, text, use, record), (new_ref, tag, note, needs) in zip(by_use, plans):
        if not note and new_ref is None and tag is None:
            continue
        if record["kind"] == "image":
            edits = image_edits(text, use, new_ref) if new_ref else []
        else:
            edits = edits_for(text, use, new_ref, record["ref"], tag) if (new_ref or tag) else []
        if edits is None:
            new_ref, tag, note, edits = None, None, "the value is not written literally in the file", []
        edits_by_file.setdefault(path, []).extend(edits)
        if record["kind"] == "image":
            new = (f"{record['action']}@{new_ref}" if edits else None)
        else:
            new = new_ref or (record["ref"] if edits else None)
        changes.append({"file": path, "line": record["line"], "kind": record["kind"], "action": record["action"],
                        "old_ref": record["ref"], "new_ref": new, "old_comment": record["comment"],
                        "new_comment": tag if edits else None, "fixed": bool(edits), "note": note,
                        "problem": record["problem"], "detail": record["note"], "needs": needs})
    for path, bom, text, _ in documents:
        if not edits_by_file.get(path):
            continue
        fixed = apply_edits(text, edits_by_file[path])
        diff.extend(difflib.unified_diff(text.splitlines(keepends=True), fixed.splitlines(keepends=True),
                                         fromfile=diff_name("a", path), tofile=diff_name("b", path)))
        if write:
            write_file(path, (bom + fixed).encode("utf-8"))
    return changes, "".join(line if line.endswith(("\n", "\r")) else line + "\n" for line in diff)


# ----------------------------------------------------------------------------- rendering

SEVERITY = [EXIT_OK, EXIT_NETWORK, EXIT_INPUT, EXIT_PROBLEM]  # the run's exit is the worst of its files


def worst(*statuses):
    return max(statuses, key=SEVERITY.index)


def counts(record):
    """Does this record fail the run? (an accepted exception never does)"""
    return not record["ok"] and not record["ignored"]


def exit_status(records):
    status = EXIT_OK
    for record in records:
        if counts(record):
            status = worst(status, EXIT_NETWORK if record["problem"] == "unverified" else
                           EXIT_INPUT if record["problem"] == "bad-input" else EXIT_PROBLEM)
    return status


def describe(record):
    if record["kind"] == "file":
        return f"{record['problem']}: {record['note']}"
    ref = f"@{record['ref']}" if record["ref"] else ""
    name = record["action"] or ("image" if record["kind"] == "image" else "uses")
    ignored = f" (ignored: {record['reason']})" if record["ignored"] else ""
    return f"{name}{ref}: {record['problem']}: {record['note']}{ignored}"


def escape_data(text):
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text):
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(records):
    lines = []
    for record in records:
        if not record["problem"]:
            continue
        level = "error" if counts(record) else "warning"
        title = f"{record['problem']}: {PROBLEMS[record['problem']][1]}"
        lines.append(f"::{level} file={escape_property(record['file'])},line={record['line']},"
                     f"title={escape_property(title)}::{escape_data(describe(record))}\n")
    return "".join(lines)


def sarif_uri(path):
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute)
    if relative.startswith(".."):
        from pathlib import Path
        return Path(absolute).as_uri()
    return quote(relative.replace(os.sep, "/"))


def render_sarif(records, mode):
    used = sorted({record["problem"] for record in records if record["problem"]})
    rules = [{"id": problem, "name": problem.title().replace("-", ""),
              "shortDescription": {"text": PROBLEMS[problem][1]},
              "fullDescription": {"text": f"{PROBLEMS[problem][1]}. Fix: {PROBLEMS[problem][2]}."},
              "help": {"text": PROBLEMS[problem][2]},
              "defaultConfiguration": {"level": "warning" if problem in INFORMATIONAL else "error"},
              "properties": {"tags": ["security", "supply-chain"]}} for problem in used]
    results = []
    for record in records:
        if not record["problem"]:
            continue
        results.append({"ruleId": record["problem"], "ruleIndex": used.index(record["problem"]),
                        "level": "error" if counts(record) else "warning",
                        **({"suppressions": [{"kind": "inSource", "justification": record["reason"]}]}
                           if record["ignored"] else {}),
                        "message": {"text": describe(record)},
                        "locations": [{"physicalLocation": {
                            "artifactLocation": {"uri": sarif_uri(record["file"])},
                            "region": {"startLine": max(record["line"], 1)}}}]})
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0",
            "runs": [{"tool": {"driver": {"name": SCRIPT, "informationUri":
                                          "https://github.com/pypi-ops/pypi-ops/blob/main/references/action-pins.md",
                                          "rules": rules}},
                      "results": results, "properties": {"mode": mode}}]}


def report(records, mode, reader):
    lines = [f"{record['file']}:{record['line']}: {describe(record)}\n" for record in records if record["problem"]]
    problems = sum(1 for record in records if counts(record))
    notes = sum(1 for record in records if record["ok"] and record["problem"] and not record["ignored"])
    ignored = sum(1 for record in records if record["ignored"])
    unread = sum(1 for record in records if record["kind"] == "file")
    uses = len(records) - unread
    if problems:
        summary = f"{problems} problem(s) in {uses} uses ({mode}, {reader} reader)"
    else:
        summary = f"all {uses} action pins ok ({mode}, {reader} reader)"
    if unread:
        summary += f"; {unread} file(s) could not be read (exit 3 unless a problem was found)"
    if notes:
        summary += f"; {notes} note(s)"
    if ignored:
        summary += f"; {ignored} accepted as exceptions"
    return "".join(lines) + summary + "\n"


# ----------------------------------------------------------------------------- main

def main(argv):
    parser = ArgParser(prog="check-action-pins.py", add_help=False)
    parser.add_argument("-h", "--help", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--format", choices=FORMATS)
    parser.add_argument("-q", "--quiet", action="store_true")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--offline", action="store_true")
    mode.add_argument("--live", action="store_true")
    parser.add_argument("--strict", action="store_true")
    parser.add_argument("--fix", action="store_true")
    parser.add_argument("--update", action="store_true")
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--github-api-url")
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--exceptions")
    parser.add_argument("paths", nargs="*")
    args = parser.parse_args(argv)
    if args.help:
        sys.stdout.write(__doc__)
        return EXIT_OK
    output = args.format or ("json" if args.json else "text")
    if args.json and output != "json":
        raise Fail(EXIT_USAGE, "usage", "--json and --format are alternatives (see --help)")
    if (args.write or args.update) and not args.fix:
        raise Fail(EXIT_USAGE, "usage", "--write and --update go with --fix (see --help)")
    if args.timeout <= 0:
        raise Fail(EXIT_USAGE, "usage", "--timeout must be positive")
    require_libraries()
    use_pyyaml = yaml is not None
    reader = "PyYAML" if use_pyyaml else "standard-library"
    exceptions_path = args.exceptions or (DEFAULT_EXCEPTIONS if os.path.isfile(DEFAULT_EXCEPTIONS) else None)
    accepted = read_exceptions(exceptions_path, use_pyyaml) if exceptions_path else []
    documents, records = [], []
    targets = discover(args.paths)
    for path, missing in targets:
        try:
            if missing:
                raise Fail(EXIT_INPUT, "input", missing)
            bom, text = read_text(path)
            uses = read_uses(text, path, use_pyyaml)
        except Fail as failure:
            if len(targets) == 1 or failure.exit != EXIT_INPUT:
                raise  # one named input: the error envelope, as every script gives it
            record = new_record(path, 0, "file", None, None, None)
            note = failure.message[len(path) + 2:] if failure.message.startswith(f"{path}: ") else failure.message
            record.update(ok=False, problem="bad-input", note=note)
            records.append(record)
            continue
        documents.append((path, bom, text, uses))
        records.extend(check_use(path, use) for use in uses)
    for record in records:
        if args.strict and record["problem"] == "unpinned-container-image":
            record["ok"] = False
    live = (args.live or args.fix) and not args.offline
    github = None
    if live:
        base, url_secret = split_credentials(args.github_api_url or os.environ.get("GITHUB_API_URL") or DEFAULT_API)
        if not base.startswith(("http://", "https://")):
            raise Fail(EXIT_USAGE, "usage", f"--github-api-url must be an http(s) URL, not {base!r}")
        token = os.environ.get("GITHUB_TOKEN") or os.environ.get("GH_TOKEN") or url_secret
        github = GitHub(base, token, args.timeout)
        run_live(github, records, args.strict)
    apply_exceptions(records, accepted)
    mode_name = "live" if live else "offline"
    if args.fix:
        return fix_main(args, github or Offline(), documents, records, output, reader)
    if output == "json":
        print_json(envelope(records, ok=exit_status(records) == EXIT_OK, count=len(records), mode=mode_name,
                            reader=reader, exceptions=exceptions_path))
    elif output == "sarif":
        print_json(render_sarif(records, mode_name))
    elif output == "github":
        sys.stdout.write(render_github(records))
    else:
        for record in records:
            note = f"{record['note']}; ignored: {record['reason']}" if record["ignored"] else record["note"]
            fields = [record["file"], str(record["line"]), record["action"] or "", record["ref"] or "",
                      record["comment"] or "", record["problem"] or "ok", note]
            sys.stdout.write("\t".join(field.replace("\t", " ").replace("\n", " ") for field in fields) + "\n")
    if not args.quiet:
        sys.stderr.write(report(records, mode_name, reader))
    return exit_status(records)


def invoked_as():
    """How this script was called, for commands to copy (`python3 scripts/check-action-pins.py`)."""
    typed = sys.argv[0] if sys.argv[0].endswith(".py") else f"scripts/{SCRIPT}.py"
    return f"python3 {typed}"


def fix_main(args, github, documents, records, output, reader):
    changes, diff = run_fix(github, documents, records, args.update, args.write, args.timeout)
    unfixed = [change for change in changes if not change["fixed"]]
    waiting = [change for change in unfixed if change["needs"]]
    left = [record for record in records if counts(record)
            and not any(change["fixed"] and change["file"] == record["file"] and change["line"] == record["line"]
                        for change in changes)]
    status = exit_status(left)
    if diff and not args.write:
        status = worst(status, EXIT_PROBLEM)
    if waiting:
        status = worst(status, EXIT_NETWORK)
    command = None
    if any(change["needs"] == "github" for change in waiting):
        files = sorted({change["file"] for change in waiting if change["needs"] == "github"})
        command = f"{invoked_as()} --fix --write {' '.join(files)}"
    if output == "json":
        print_json(envelope(changes, ok=status == EXIT_OK, count=len(changes), mode="fix", written=args.write,
                            diff=diff, reader=reader, command=command))
    else:
        sys.stdout.write(diff)
    if not args.quiet:
        fixed = sum(1 for change in changes if change["fixed"])
        lines = []
        for change in unfixed:
            ref = f"@{change['old_ref']}" if change["old_ref"] else ""
            detail = change["detail"] if change["detail"] and change["detail"] not in change["note"] else ""
            lines.append(f"{change['file']}:{change['line']}: {change['action'] or 'uses'}{ref}: {change['note']}"
                         f"{f' ({detail})' if detail else ''}\n")
        for change in changes:
            if change["fixed"] and change["detail"] and change["problem"]:
                lines.append(f"{change['file']}:{change['line']}: {change['action']}: {change['note']} "
                             f"(was {change['problem']}: {change['detail']})\n")
        if args.write:
            summary = f"{fixed} pin(s) fixed"
        elif diff:
            summary = f"{fixed} pin(s) to fix: add --write to edit the files as the diff shows"
        else:
            summary = "nothing to write"
        people = len(unfixed) - len(waiting)
        if people:
            summary += f"; {people} left for a person (each line above says what to do)"
        if any(change["needs"] == "github" for change in waiting):
            count = sum(1 for change in waiting if change["needs"] == "github")
            summary += (f"; {count} pin(s) need GitHub, which was not asked or did not answer: when it answers, "
                        f"run {command}")
        for change in waiting:
            if change["needs"] == "registry":
                summary += (f"; {change['action']} needs its registry: run "
                            f"{IMAGE_COMMANDS.format(image=change['action'])} and write {change['action']}"
                            "@sha256:<digest>, or run --fix --write when the registry answers")
        sys.stderr.write("".join(lines) + summary + "\n")
    return status


if __name__ == "__main__":
    sys.exit(run(main))
