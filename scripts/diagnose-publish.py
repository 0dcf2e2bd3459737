#!/usr/bin/env python3
# /// script
# requires-python = ">=3.9"
# dependencies = []
# ///
"""diagnose-publish.py - name the failure in a release workflow log, show the evidence, give the fix.

Usage:
  diagnose-publish.py [--json] [-q] [--repo OWNER/REPO] [--workdir PATH] (RUN_ID | RUN_URL | - | LOGFILE)
  diagnose-publish.py --list-classes

Reads the log of a failed publish run and reports which known failure class
explains it, with the log lines that prove it and what to do next.

  RUN_ID     a workflow run id (or its https://github.com/OWNER/REPO/actions/runs/ID
             address): the log is fetched with `gh run view RUN_ID --log-failed`
  -          read the log from stdin (a raw step log, `gh run view --log-failed`
             output, or text copied from the web UI)
  LOGFILE    read the log from a file

The log is streamed (any size, bounded memory). Timestamps, colour codes, gh's
job/step columns and runner markers are removed and twine's wrapped lines are
joined before matching. Text that is only echoed (a `run:` script under
`##[group]Run`, `+ cmd` lines of `set -x`) is never a finding. When one failure
causes another, the cause is reported first (the primary class).
A failure said only in a client's own words counts as much as a runner's
marker: a traceback and its exception, twine's `HTTPError: 4xx`, `Upload
failed (NNN)`, `returned non-zero exit status N`, uv/hatch/pdm/poetry/maturin
error lines. The log's upload client (twine, the publish action, uv, poetry,
flit, hatch, pdm, maturin, setuptools, anaconda-client, devpi-client) and
index (pypi, testpypi, artifactory, nexus, azure-artifacts, codeartifact,
gitlab, google-artifact-registry, devpi, anaconda, pypiserver, other) are
recognised; where an index differs from PyPI the fix says what it wants.
Tokens (pypi-..., ghp_/ghs_/github_pat_..., JWTs, Authorization values) are
shown as [REDACTED].

Options:
  --json           print one JSON envelope on stdout
  -q, --quiet      no human report on stderr
  --repo O/R       repository for `gh run view` (default: gh's current repo)
  --workdir PATH   the checkout to compare the run's trusted-publishing claims
                   with (default: the current directory when it is a git
                   repository; nothing is compared otherwise): its GitHub remote
                   and the workflows that publish, with their environment
  --list-classes   print every class id with its summary and exit

Output:
  text: one record per finding on stdout, primary first, in causal order:
        CLASS<TAB>LINE<TAB>SUMMARY   (LINE: first line of evidence in the log)
        the client and index (first line), the cause, evidence lines, fix and
        playbook section go to stderr.
  --json: data = {"class", "summary", "fix", "evidence", "presented_claims",
        "checkout", "findings": [{"class", "summary", "fix", "docs", "evidence":
        [{"line", "text"}]}]}; meta = {"schema", "found", "lines", "client",
        "index", "reader"}. reader: the publish action's ref/sha/release and its
        bundled twine, or the twine version, when the log names them (or null).
        checkout: {"workdir", "repository", "remote", "publishing_workflows":
        [{"file", "environments"}], "differences": [{"claim", "run",
        "checkout"}], "summary", "note"}, or null without claims or a git repo.
        presented_claims holds the trusted-publishing claims the run showed
        (sub, repository, repository_owner, workflow_ref, job_workflow_ref,
        ref, environment) plus "pending_publisher_form", or null.

Exit codes:
  0   the log shows no failure
  1   internal error (set PYPI_OPS_DEBUG=1 for a traceback)
  2   usage error
  3   the log file is missing, unreadable or empty
  5   `gh` is not installed (pipe a saved log with `-` instead)
  7   `gh` could not fetch the log (auth, unknown run, run still in progress)
  10  at least one known failure class found
  11  a failure is in the log but no known class explains it (UNKNOWN_FAILURE)

Examples:
  python3 scripts/diagnose-publish.py 12345678901
  gh run view 12345678901 --log-failed | python3 scripts/diagnose-publish.py -
  python3 scripts/diagnose-publish.py --json saved-run.log | jq -r .data.class
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys

SCRIPT = "diagnose-publish"
SCHEMA = "pypi-ops.diagnose-publish/v1"
MISSING_LIBRARIES = []  # the standard library is enough


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

EXIT_UNKNOWN = 11  # diagnose-publish only: a failure that no known class explains (references/cli-contract.md)
PLAYBOOK = "references/recovery-playbook.md"

# class id -> (what happened, what to do). Ids are fixed by the project's facts; the playbook has one
# section per id (see references/recovery-playbook.md).
CLASSES = {
    "OIDC_CONFIG": (
        "the job could not get an OIDC token (id-token: write missing, or the request variables unset)",
        "grant `permissions: id-token: write` on the publish job itself (and to the calling job of a "
        "reusable workflow); run the exchange in the job that publishes"),
    "TP_FORK_PULL_REQUEST": (
        "the publish ran for a pull request from a fork, which never gets an OIDC token",
        "publish only on tag push, release or workflow_dispatch, and guard the job with an `if:`"),
    "TP_UNINTENDED_FALLBACK": (
        "the password input was empty, so the action fell back to trusted publishing",
        "fix the secret name or the environment that holds it, or drop `password:` and set up "
        "trusted publishing on purpose"),
    "TP_INDEX_UNREACHABLE_OR_DISABLED": (
        "the index could not do the token exchange (outage, 5xx, or trusted publishing disabled there)",
        "retry later and check the index status page; for an index without trusted publishing use a token"),
    "PENDING_PUBLISHER": (
        "PyPI accepted the OIDC token but no (pending) publisher matches the claims of this run",
        "first check that the claims (owner, repository, workflow filename, environment) are the workflow you "
        "mean to publish from; then register a (pending) publisher with exactly those values on the index "
        "actually used, or change the workflow/environment to match the publisher already registered"),
    "TP_CLAIM_CHECK_FAILED": (
        "a publisher was found but one of its claim checks failed (ref, sha, job_workflow_ref, ...)",
        "call workflows from the same repository at the same ref, or move the publish job into the "
        "top-level workflow"),
    "TP_REUSABLE_WORKFLOW": (
        "the publish step ran inside a reusable workflow (workflow_ref differs from job_workflow_ref)",
        "move the publish job into the top-level workflow (or register the reusable workflow's filename "
        "when it lives in the same repository); set `attestations: false` if attestations then fail"),
    "TP_PULL_REQUEST_TARGET": (
        "PyPI refuses tokens from a pull_request_target run",
        "publish from tag, release or workflow_dispatch events only"),
    "TP_PENDING_PUBLISHER_PROJECT_EXISTS": (
        "the pending publisher cannot create the project: the name exists now or is refused",
        "pick another name, or, if you own the project, add a normal publisher to it"),
    "TP_PENDING_NAME_MISMATCH": (
        "the token came from a pending publisher but the files name another project",
        "make the distribution name and the pending publisher's project name the same"),
    "TP_UNKNOWN_ISSUER": (
        "PyPI does not know the token's issuer (GitHub Enterprise Server or a customised issuer)",
        "publish from github.com without issuer customisation, or use an API token"),
    "TP_INVALID_TOKEN": (
        "PyPI rejected the OIDC token as malformed, expired or for the wrong audience",
        "fetch the token with the audience from /_/oidc/audience right before the exchange; "
        "use the maintained publish action or client"),
    "TP_TOKEN_REUSED": (
        "the same OIDC token was exchanged twice",
        "request a fresh OIDC token for every exchange (one per index)"),
    "AUTH_FORBIDDEN": (
        "403: the credentials are invalid, or this identity may not upload to this project",
        "create a new token on the right index (PyPI and TestPyPI are separate) scoped to the project, "
        "update the secret, or move to trusted publishing; check who owns the project name"),
    "AUTH_PASSWORD_LOGIN_REMOVED": (
        "username/password uploads are no longer accepted",
        "use `__token__` with an API token, or trusted publishing"),
    "AUTH_ACCOUNT_PREREQUISITE": (
        "the token's account has no verified primary email or no two-factor authentication",
        "verify the email and enable 2FA on that account, or move to trusted publishing"),
    "CLIENT_NO_CREDENTIALS": (
        "the upload client found no credentials at all",
        "pass a token (UV_PUBLISH_TOKEN / TWINE_PASSWORD), or `--trusted-publishing always` to see "
        "why trusted publishing failed"),
    "VERSION_EXISTS": (
        "a file with this name is already on the index with different bytes",
        "bump the version; use `skip-existing: true` (action, twine) or `--check-url` (uv) so re-runs "
        "skip identical files, and upload from a single job"),
    "FILENAME_PREVIOUSLY_USED": (
        "the filename belonged to a deleted file; PyPI never accepts it again",
        "publish a new version (for example a .post1 release)"),
    "RELEASE_CLOSED_FOR_NEW_FILES": (
        "files can no longer be added to a release older than 14 days",
        "publish the new files under a new version (for example a post-release)"),
    "DUPLICATE_SDIST": (
        "a release may have only one sdist",
        "upload a single .tar.gz sdist per release, from one job"),
    "METADATA_INVALID": (
        "a metadata field is invalid (classifier, version, URL, email, License with License-Expression, ...)",
        "fix the field in pyproject.toml (for setuptools-scm dev builds drop the local version), "
        "then run `twine check --strict dist/*`"),
    "DESCRIPTION_RENDER_FAILED": (
        "the long description (README) does not render",
        "declare the README's content type (`readme = \"README.md\"`) or fix the reStructuredText; "
        "check with `twine check --strict dist/*`"),
    "METADATA_FIELD_TOO_NEW_FOR_VERSION": (
        "the build wrote a field (e.g. License-File) under a Metadata-Version that predates it",
        "upgrade the build backend so it writes Metadata-Version 2.4 (or upgrade twine), rebuild"),
    "CLIENT_TOO_OLD_FOR_METADATA": (
        "the uploader (twine/pkginfo, or the index itself) is too old to read this Metadata-Version",
        "the files are fine (PyPI accepts Metadata-Version 1.0-2.5 except 2.0): upgrade the reader - "
        "pypa/gh-action-pypi-publish v1.14.2 (dc37677b2e1c63e2034f94d8a5b11f265b73ba33, bundles twine 7.0.0, "
        "reads 2.5) or `twine>=7.0.0`; for 2.4 twine 6.1+ (action v1.12.3+) is enough"),
    "TWINE_INVALID_DISTRIBUTION": (
        "twine refused a file in the upload directory as not a distribution",
        "upload only *.whl and *.tar.gz files; keep checksums and other files out of the packages dir"),
    "FILENAME_NOT_NORMALIZED": (
        "the filename is not in the normalized PEP 427/625 form or disagrees with the metadata",
        "rebuild with a current build backend and never rename built files"),
    "WHEEL_PLATFORM_TAG_UNSUPPORTED": (
        "the wheel's platform tag is not accepted (for example linux_x86_64)",
        "build with cibuildwheel or repair with auditwheel/delocate to get manylinux/musllinux/macOS tags"),
    "DIST_FILE_INVALID": (
        "the archive itself is invalid (corrupt, missing RECORD/METADATA/License-File, ...)",
        "rebuild with a standard backend and check the files with `twine check` before uploading"),
    "SIZE_LIMIT_EXCEEDED": (
        "the file or the project is larger than the index allows",
        "shrink the files (strip debug symbols, move data out), delete old releases, or request a "
        "limit increase"),
    "PROJECT_NAME_UNAVAILABLE": (
        "the index refuses the project name (too similar, prohibited, or a stdlib module)",
        "choose another name, or file a PEP 541 request"),
    "RATE_LIMIT_NEW_PROJECTS": (
        "too many new projects were created recently from this account or address",
        "wait 24 hours, stagger first releases, or ask PyPI support"),
    "INDEX_READ_ONLY_OR_UPLOADS_DISABLED": (
        "the index is read-only, or uploads or registrations are disabled",
        "wait for the incident to end (status page), or settle the organisation account"),
    "ATTESTATION_GENERATION_FAILED": (
        "the action could not create attestations before the upload",
        "publish to TestPyPI and PyPI from separate jobs, or delete dist/*.attestation between runs, "
        "or set `attestations: false` on one of them"),
    "ATTESTATION_REJECTED": (
        "the index rejected the attestations sent with the upload",
        "set `attestations: false`, or publish from the top-level workflow with trusted publishing"),
    "INDEX_SERVER_ERROR": (
        "the index answered 5xx to the upload",
        "retry later (check the status page); re-run with skip-existing since some files may have landed"),
    "OPAQUE_400": (
        "the index answered a bare 400 Bad Request without a reason",
        "re-run with `verbose: true` (action) or `--verbose` (twine) to see the body; try "
        "`attestations: false`"),
    "WRONG_UPLOAD_URL": (
        "the upload URL is wrong (405, missing trailing slash, retired host, simple index URL)",
        "use the index's upload URL with the trailing slash (https://upload.pypi.org/legacy/ for PyPI)"),
    "RUNNER_NOT_LINUX": (
        "the publish action runs only on Linux runners",
        "run the publish job on ubuntu-*; build other platforms in matrix jobs and pass artifacts"),
    "ACTION_IMAGE_UNAVAILABLE": (
        "the publish action's container image could not be obtained",
        "pin the action to a release tag (or its SHA) and call it directly from a workflow job, "
        "not from another composite action"),
    "ACTION_REF_UNRESOLVABLE": (
        "the ref in `uses:` does not exist",
        "use `pypa/gh-action-pypi-publish@release/v1` or an exact tag or full commit SHA"),
    "ARTIFACT_NOT_FOUND": (
        "download-artifact found no artifact with that name",
        "use the same explicit `name:` in upload and download (or `pattern:` with `merge-multiple: "
        "true`) and check that the build job uploaded something"),
    "DISTS_MISSING_OR_MISPLACED": (
        "no distributions where the upload step looks (empty dist/, or nested one folder down)",
        "put wheels and sdists directly in the packages dir (default dist/): check download-artifact's "
        "`path`, `merge-multiple` and version"),
    "INVALID_WORKFLOW_FILE": (
        "GitHub rejected the workflow file itself",
        "fix the reported line; a called workflow gets `id-token: write` only if the caller grants it"),
    "ENV_PROTECTION": (
        "the deployment environment's protection rules blocked (or rejected) the job",
        "allow this tag/branch in the environment's deployment rules, or get a reviewer's approval; "
        "keep the environment name equal to the publisher's"),
    "UV_SKIP_EXISTING_UNSUPPORTED": (
        "uv publish refuses --skip-existing",
        "use `uv publish --check-url <index simple URL>` instead"),
    "UV_CHECK_URL_HASH_MISMATCH": (
        "a file with the same name but different bytes is already on the index (uv --check-url)",
        "bump the version"),
    "UV_MIXED_CREDENTIALS": (
        "uv got conflicting credentials (credentials with trusted publishing, or set twice)",
        "pass either trusted publishing or credentials, each in one place"),
    "LOCKFILE_STALE": (
        "the lockfile is out of date with pyproject.toml and the locked install refused it",
        "run `uv lock` (or `poetry lock` / `pdm lock`) and commit the lockfile"),
    "AUDIT_VULNERABILITY": (
        "the dependency audit found known vulnerabilities and failed the job",
        "upgrade the affected packages to a fixed version (or document an ignore) and re-lock"),
    "BUILD_FAILED": (
        "building the sdist or wheel failed",
        "reproduce with `python -m build` (or `uv build`) locally and fix the first error it shows"),
    "UNKNOWN_FAILURE": (
        "the log shows a failure that no known class explains",
        "read the evidence lines; re-run the step with verbose output if they say too little"),
}

# Which class explains which: when both are found, the explainer is the root cause and comes first.
EXPLAINS = {
    "TP_FORK_PULL_REQUEST": {"OIDC_CONFIG", "ATTESTATION_GENERATION_FAILED"},
    "TP_UNINTENDED_FALLBACK": {"OIDC_CONFIG", "PENDING_PUBLISHER", "TP_CLAIM_CHECK_FAILED", "CLIENT_NO_CREDENTIALS",
                               "ATTESTATION_GENERATION_FAILED"},
    "INVALID_WORKFLOW_FILE": {"OIDC_CONFIG"},
    "OIDC_CONFIG": {"ATTESTATION_GENERATION_FAILED", "CLIENT_NO_CREDENTIALS"},
    # the action's reusable-workflow warning before a failure it explains is the root cause (facts, 12.1)
    "TP_REUSABLE_WORKFLOW": {"PENDING_PUBLISHER", "TP_CLAIM_CHECK_FAILED", "ATTESTATION_REJECTED", "OPAQUE_400"},
    "TP_INDEX_UNREACHABLE_OR_DISABLED": {"INDEX_SERVER_ERROR"},
    "TP_PENDING_PUBLISHER_PROJECT_EXISTS": {"PROJECT_NAME_UNAVAILABLE"},
    "BUILD_FAILED": {"ARTIFACT_NOT_FOUND", "DISTS_MISSING_OR_MISPLACED"},
    "ARTIFACT_NOT_FOUND": {"DISTS_MISSING_OR_MISPLACED", "TWINE_INVALID_DISTRIBUTION"},
    "DISTS_MISSING_OR_MISPLACED": {"TWINE_INVALID_DISTRIBUTION", "ATTESTATION_GENERATION_FAILED"},
    "CLIENT_TOO_OLD_FOR_METADATA": {"TWINE_INVALID_DISTRIBUTION", "METADATA_INVALID"},
    "DESCRIPTION_RENDER_FAILED": {"METADATA_INVALID"},
    "UV_CHECK_URL_HASH_MISMATCH": {"VERSION_EXISTS"},
}
# A reason-less 400 is only a symptom when the reason was found elsewhere in the log.
for _specific in ("VERSION_EXISTS", "FILENAME_PREVIOUSLY_USED", "RELEASE_CLOSED_FOR_NEW_FILES", "DUPLICATE_SDIST",
                  "METADATA_INVALID", "DESCRIPTION_RENDER_FAILED", "METADATA_FIELD_TOO_NEW_FOR_VERSION",
                  "FILENAME_NOT_NORMALIZED", "WHEEL_PLATFORM_TAG_UNSUPPORTED", "DIST_FILE_INVALID",
                  "SIZE_LIMIT_EXCEEDED", "PROJECT_NAME_UNAVAILABLE", "ATTESTATION_REJECTED",
                  "TP_PENDING_NAME_MISMATCH", "INDEX_READ_ONLY_OR_UPLOADS_DISABLED"):
    EXPLAINS.setdefault(_specific, set()).add("OPAQUE_400")

# How a matched line counts: "error" is a failure by itself; "hint" matters only when the log also shows a
# failure (warnings, notices, steps that can still succeed); "level" is an error on an error-level line
# (##[error], Error:, ::error) and a hint otherwise.
ERROR, HINT, LEVEL = "error", "hint", "level"
# "status": a failure named only by its HTTP status (a bare 401/403/404/409): a hint that becomes the diagnosis
# when the log shows a failure; when the log also shows a class with words, that class wins and the status goes.
STATUS = "status"
_NOT_A_DIST = r"'[^'./\\]+/?'"  # a name without an extension: a folder, e.g. download-artifact's "artifact"
# the Metadata-Versions PyPI accepts today (warehouse forklift/metadata.py SUPPORTED_METADATA_VERSIONS; 2.0 refused)
_PYPI_METADATA = r"(?:1\.[012]|2\.[1-5])"

# (class, kind, anchor, regex or None). The anchor is a literal that must be in the line (a cheap test);
# the regex, compiled on first use, refines it. Texts from the project's catalogue
# (/work/shared/facts/failure-messages.md) unless a comment names another source.
PATTERNS = [
    # -- trusted publishing, runner side (pypa/gh-action-pypi-publish oidc-exchange.py; di/id; uv; twine)
    ("TP_FORK_PULL_REQUEST", ERROR, "called from a", r"this action was called from a\b"),
    ("TP_FORK_PULL_REQUEST", ERROR, "doesn't give these workflows OIDC permissions", None),
    ("OIDC_CONFIG", ERROR, "token retrieval failed", r"(?:OIDC|OpenID Connect) token retrieval failed"),
    ("OIDC_CONFIG", ERROR, "missing or insufficient OIDC token permissions", None),
    ("OIDC_CONFIG", ERROR, "permission missing?", r"id-token: write` permission missing\?"),
    ("OIDC_CONFIG", ERROR, "insufficient permissions: missing ACTIONS_ID_TOKEN_REQUEST_", None),
    ("OIDC_CONFIG", ERROR, "Unable to retrieve an OIDC token from the CI platform", None),
    ("OIDC_CONFIG", ERROR, "Unable to get ACTIONS_ID_TOKEN_REQUEST_", None),
    ("OIDC_CONFIG", ERROR, "Attempted to discover OIDC in broken environment", None),
    ("OIDC_CONFIG", ERROR, "Failed to obtain OIDC token", None),
    ("TP_INDEX_UNREACHABLE_OR_DISABLED", ERROR, "audience retrieval failed", None),
    ("TP_INDEX_UNREACHABLE_OR_DISABLED", ERROR, "Token request failed: the index produced an unexpected", None),
    ("TP_INDEX_UNREACHABLE_OR_DISABLED", ERROR, "Token response error: the index gave us an invalid response", None),
    ("TP_INDEX_UNREACHABLE_OR_DISABLED", ERROR, "rusted publishing functionality not enabled", None),
    ("TP_INDEX_UNREACHABLE_OR_DISABLED", ERROR, "Failed to fetch: ", r"Failed to fetch: `?\S*/_/oidc/"),
    # -- trusted publishing, index side (warehouse oidc/views.py, oidc/models)
    ("TP_PULL_REQUEST_TARGET", ERROR, "invoked via 'pull_request_target' is not supported", None),
    ("TP_CLAIM_CHECK_FAILED", ERROR, "no corresponding publisher (",
     r"no corresponding publisher \((?:Check failed for (?:required|optional) claim|Missing claim '|"
     r"The job_workflow_ref claim (?:does not match|is empty)|The ref and sha claims are empty)"),
    ("PENDING_PUBLISHER", ERROR, "valid token, but no corresponding publisher",
     r"valid token, but no corresponding publisher(?! \((?:Check failed for|Missing claim '|"
     r"The job_workflow_ref claim|The ref and sha claims|Publishing from a workflow invoked))"),
    ("TP_PENDING_PUBLISHER_PROJECT_EXISTS", ERROR, "valid token, but project already exists", None),
    ("TP_PENDING_PUBLISHER_PROJECT_EXISTS", ERROR, "invalid-payload", r"invalid-payload`?\"?[:,]\s*\"?"
                                                                      r"(?:description\"?:\s*\"?)?The name '"),
    ("TP_PENDING_NAME_MISMATCH", ERROR, "Non-user identities cannot create new projects", None),
    ("TP_UNKNOWN_ISSUER", ERROR, "unknown trusted publishing issuer", None),
    ("TP_INVALID_TOKEN", ERROR, "malformed or invalid token", None),
    ("TP_INVALID_TOKEN", ERROR, "malformed JWT", None),
    ("TP_INVALID_TOKEN", ERROR, "and the OIDC has an unexpected format", None),
    ("TP_INVALID_TOKEN", ERROR, "invalid-payload",
     r"`invalid-payload`: (?!The name '|unknown trusted publishing issuer|malformed JWT)"),
    ("TP_TOKEN_REUSED", ERROR, "invalid-reuse-token", None),
    ("TP_TOKEN_REUSED", ERROR, "invalid token: already used", None),
    ("TP_REUSABLE_WORKFLOW", HINT, "suggest that the calling workflow is a reusable workflow", None),
    ("TP_REUSABLE_WORKFLOW", HINT, "reusable-workflows-on-github", None),
    # -- credentials (warehouse forklift, accounts; the action's twine-upload.sh)
    ("AUTH_FORBIDDEN", ERROR, "Invalid or non-existent authentication information", None),
    ("AUTH_FORBIDDEN", ERROR, "isn't allowed to upload to project", None),
    ("AUTH_FORBIDDEN", ERROR, "Invalid API Token:", None),
    ("AUTH_FORBIDDEN", HINT, "your token value does not start with", None),
    # bare 401/403 of any client and index (twine, requests-based flit/poetry/pdm, hatch's httpx, uv, maturin,
    # setuptools' `upload`): pypa/twine#692, pypa/hatch#1013, PyO3/maturin#1323, pypa/twine#681
    ("AUTH_FORBIDDEN", STATUS, "401", r"(?:HTTPError:|status code|Upload failed \(|Client error ')\s*401\b"
                                     r"|\b401 Client Error|\b401 (?:Forbidden|Unauthorized)\b"),
    ("AUTH_FORBIDDEN", STATUS, "403", r"(?:HTTPError:|status code|Upload failed \(|Client error ')\s*403\b"
                                     r"|\b403 Client Error|\b403 (?:Forbidden|Unauthorized)\b"),
    ("AUTH_FORBIDDEN", ERROR, "Username and/or password are", None),
    ("AUTH_FORBIDDEN", ERROR, "You are not allowed to upload to '", None),  # PyPI before 2018 (pypa/twine#264)
    ("AUTH_FORBIDDEN", ERROR, "Uploading forbidden", None),
    ("AUTH_PASSWORD_LOGIN_REMOVED", ERROR, "Username/Password authentication is no longer supported", None),
    ("AUTH_PASSWORD_LOGIN_REMOVED", ERROR, "Password-based uploads disabled", None),
    ("AUTH_PASSWORD_LOGIN_REMOVED", ERROR, "requires all users to enable Two-Factor Authentication", None),
    ("AUTH_ACCOUNT_PREREQUISITE", ERROR, "does not have a verified primary email address", None),
    ("AUTH_ACCOUNT_PREREQUISITE", ERROR, "does not have two-factor authentication enabled", None),
    ("CLIENT_NO_CREDENTIALS", ERROR, "Missing credentials for", None),
    ("CLIENT_NO_CREDENTIALS", ERROR, "No OIDC token discovered", None),
    ("CLIENT_NO_CREDENTIALS", ERROR, "Credential not found for API token", None),
    ("CLIENT_NO_CREDENTIALS", ERROR, "could not determine credentials for configured repository", None),
    ("CLIENT_NO_CREDENTIALS", HINT, "Neither credentials nor keyring are configured", None),
    # -- upload state (warehouse forklift/legacy.py)
    # "File already exists" may end a line: twine --verbose wraps the response's <title> right after it
    ("VERSION_EXISTS", ERROR, "File already exists", r"File already exists(?: \(|\.|\s*$)"),
    # PyPI before 2018 (pypa/twine#63, #199) and 2018 (pypa/twine#332)
    ("VERSION_EXISTS", ERROR, "already exists for ", r"A file named \S+ already exists for "),
    ("VERSION_EXISTS", ERROR, "The filename or contents already exist", None),
    # other indexes' words for "this version exists": Azure Artifacts (Azure/azure-sdk-for-python#9286,
    # astral-sh/uv#8817), Artifactory without Delete/Overwrite permission (pypa/twine#332, #1251), Nexus
    # (pypa/twine#693, #1044, sonatype/nexus-public#696), Google Artifact Registry (python-poetry/poetry#1100),
    # pypiserver/CodeArtifact 409 (pypa/twine#195, DeytaHQ/khora#495), anaconda.org (anaconda/anaconda-client#48,
    # #133)
    ("VERSION_EXISTS", ERROR, "already contains file '", None),
    ("VERSION_EXISTS", ERROR, "Not enough permissions to delete/overwrite", None),
    ("VERSION_EXISTS", ERROR, "Repository does not allow updating assets", None),
    ("VERSION_EXISTS", ERROR, " cannot be updated", r"\.(?:whl|tar\.gz|zip|egg) cannot be updated"),
    ("VERSION_EXISTS", ERROR, "Requested entity already exists", None),
    ("VERSION_EXISTS", ERROR, "File name has already been taken", None),  # GitLab (pypa/twine#697)
    ("VERSION_EXISTS", STATUS, "409", r"(?:HTTPError:|status code|Upload failed \(|Error:?|\berror ')\s*409\b"
                                     r"|\b409 (?:Client Error: )?Conflict(?! ?: an artifact)|\(409\): Conflict"),
    ("VERSION_EXISTS", ERROR, "[Conflict] file ", None),
    ("VERSION_EXISTS", ERROR, "Distribution already exists. Please use the", None),
    ("FILENAME_PREVIOUSLY_USED", ERROR, "filename was previously used by a file that has since been deleted", None),
    ("FILENAME_PREVIOUSLY_USED", ERROR, "This filename has already been used", None),
    ("RELEASE_CLOSED_FOR_NEW_FILES", ERROR, "Uploading new files to releases older than", None),
    ("DUPLICATE_SDIST", ERROR, "Only one sdist may be uploaded per release", None),
    # -- metadata (warehouse forklift/metadata.py, packaging.metadata, twine check)
    ("DESCRIPTION_RENDER_FAILED", ERROR, "The description failed to render", None),
    ("DESCRIPTION_RENDER_FAILED", ERROR, "has syntax errors in markup", None),
    ("DESCRIPTION_RENDER_FAILED", ERROR, "No content rendered from RST source", None),
    ("METADATA_INVALID", ERROR, "is not a valid classifier", None),
    ("METADATA_INVALID", ERROR, "has been deprecated", r"The classifier '[^']*' has been deprecated"),
    ("METADATA_INVALID", ERROR, "The use of local versions in", None),
    ("METADATA_INVALID", ERROR, "is invalid for 'version'", None),
    # a Metadata-Version PyPI accepts, refused by the uploader itself (twine's own check): the reader is too old.
    # PyPI's server answer for a version it refuses ("'2.2' is an invalid value for Metadata-Version") stays above.
    ("METADATA_INVALID", ERROR, "is not a valid metadata version",
     r"^(?!.*(?:InvalidDistribution|Invalid distribution metadata)).*is not a valid metadata version"
     r"|'(?!" + _PYPI_METADATA + r"')[^']*' is not a valid metadata version"),
    ("METADATA_INVALID", ERROR, "field must be", r"field must be \d+ characters or less"),
    ("METADATA_INVALID", ERROR, "is not a valid email address", None),
    ("METADATA_INVALID", ERROR, "is not a valid url", None),
    ("METADATA_INVALID", ERROR, "is not a valid dynamic field", None),
    ("METADATA_INVALID", ERROR, "License is deprecated when License-Expression is present", None),
    ("METADATA_INVALID", ERROR, "Can't have direct dependency", None),
    ("METADATA_INVALID", ERROR, "is an invalid value for", None),
    ("METADATA_INVALID", ERROR, "Invalid value for ", r"Invalid value for [\w-]+\. Error:"),
    ("METADATA_INVALID", ERROR, ": FAILED", r"^Checking \S+: FAILED"),
    ("METADATA_INVALID", ERROR, "' has invalid data", r"'[\w-]+' has invalid data"),
    # Azure Artifacts' own metadata check (pypa/twine#1097)
    ("METADATA_INVALID", ERROR, "Bad Request - The email '", r"Bad Request - The email '[^']*' is invalid"),
    ("METADATA_FIELD_TOO_NEW_FOR_VERSION", ERROR, "introduced in metadata version", None),
    ("CLIENT_TOO_OLD_FOR_METADATA", ERROR, "is not a valid metadata version",
     r"(?:InvalidDistribution|Invalid distribution metadata):? .*'" + _PYPI_METADATA + r"' is not a valid metadata "
     r"version"),
    ("CLIENT_TOO_OLD_FOR_METADATA", ERROR, "Metadata is missing required fields", None),
    ("CLIENT_TOO_OLD_FOR_METADATA", ERROR, "Invalid distribution metadata. Try upgrading twine", None),  # twine#1215
    # pkginfo (read by twine before 6.1) warns before twine gives up (pkginfo distribution.py UnknownMetadataVersion)
    ("CLIENT_TOO_OLD_FOR_METADATA", HINT, "Unknown metadata version: ", None),
    # an index that cannot read the Metadata-Version (Artifactory's own parser; python-poetry/poetry#1100)
    ("CLIENT_TOO_OLD_FOR_METADATA", ERROR, "PypiMetadata.MetadataVersion", None),
    ("CLIENT_TOO_OLD_FOR_METADATA", ERROR, "is using a supported Metadata-Version", None),
    # -- distribution files (twine package.py / upload.py; warehouse forklift)
    ("DISTS_MISSING_OR_MISPLACED", ERROR, "Unknown distribution format: '",
     "Unknown distribution format: " + _NOT_A_DIST),
    ("TWINE_INVALID_DISTRIBUTION", ERROR, "Unknown distribution format: '",
     r"Unknown distribution format: '[^']*\.[^'./\\]+'"),
    ("TWINE_INVALID_DISTRIBUTION", ERROR, "InvalidDistribution: Invalid distribution file: '", None),
    ("TWINE_INVALID_DISTRIBUTION", ERROR, "Invalid distribution metadata:",
     r"Invalid distribution metadata: (?!'[^']*' is not a\b|\S+ introduced in metadata version)"),
    ("TWINE_INVALID_DISTRIBUTION", ERROR, "invalid JSON in attestation", None),
    ("TWINE_INVALID_DISTRIBUTION", ERROR, "has no associated attestations", None),
    ("TWINE_INVALID_DISTRIBUTION", ERROR, "Cannot upload signed files by themselves", None),
    ("FILENAME_NOT_NORMALIZED", ERROR, "is invalid, should be '", r"Filename '[^']*' is invalid, should be '"),
    ("FILENAME_NOT_NORMALIZED", ERROR, "Start filename for '", None),
    ("FILENAME_NOT_NORMALIZED", ERROR, "should contain the normalized project name", None),
    ("FILENAME_NOT_NORMALIZED", ERROR, "Version in filename should be '", None),
    ("FILENAME_NOT_NORMALIZED", ERROR, "Invalid source distribution filename", None),
    ("FILENAME_NOT_NORMALIZED", ERROR, "Invalid file extension:", None),
    ("FILENAME_NOT_NORMALIZED", ERROR, "Cannot upload a file with '/' or", None),
    ("FILENAME_NOT_NORMALIZED", ERROR, "Filename is too long", None),
    ("FILENAME_NOT_NORMALIZED", ERROR, "Invalid wheel filename", None),
    ("FILENAME_NOT_NORMALIZED", HINT, "has a non-normalized filename (expected", None),
    ("WHEEL_PLATFORM_TAG_UNSUPPORTED", ERROR, "has an unsupported platform tag '", None),
    ("DIST_FILE_INVALID", ERROR, "Invalid distribution file.", r"Invalid distribution file\.(?:\s|$)"),
    ("DIST_FILE_INVALID", ERROR, "does not contain the required ",
     r"does not contain the required (?:RECORD|METADATA) file"),
    ("DIST_FILE_INVALID", ERROR, "has invalid entry points defined", None),
    ("DIST_FILE_INVALID", ERROR, "does not exist in distribution file", None),
    ("DIST_FILE_INVALID", ERROR, "The digest supplied does not match a digest calculated", None),
    ("DIST_FILE_INVALID", ERROR, "Upload payload does not have a file", None),
    ("SIZE_LIMIT_EXCEEDED", ERROR, "File too large. Limit for project", None),
    ("SIZE_LIMIT_EXCEEDED", ERROR, "Project size too large. Limit for project", None),
    # a proxy or an index of one's own refusing the request body (nginx in front of Nexus:
    # sonatype-nexus-community/nexus-blobstore-google-cloud#82; GitLab: sameersbn/docker-gitlab#1726)
    ("SIZE_LIMIT_EXCEEDED", ERROR, "413 ", r"\b413 (?:Request Entity Too Large|Payload Too Large|Content Too Large)"),
    # -- project creation (warehouse packaging/services.py)
    ("PROJECT_NAME_UNAVAILABLE", ERROR, "is too similar to an existing project", None),
    ("PROJECT_NAME_UNAVAILABLE", ERROR, "conflicts with an existing project", None),
    ("PROJECT_NAME_UNAVAILABLE", ERROR, "The name '", r"The name '[^']*' (?:isn't allowed|is invalid\.)"),
    ("RATE_LIMIT_NEW_PROJECTS", ERROR, "Too many new projects created", None),
    ("RATE_LIMIT_NEW_PROJECTS", ERROR, "429 Too Many Requests", r"(?:HTTPError|status code):? 429 Too Many Requests"),
    ("INDEX_READ_ONLY_OR_UPLOADS_DISABLED", ERROR, "Read-only mode: Uploads are temporarily disabled", None),
    ("INDEX_READ_ONLY_OR_UPLOADS_DISABLED", ERROR, "New uploads are temporarily disabled", None),
    ("INDEX_READ_ONLY_OR_UPLOADS_DISABLED", ERROR, "New project registration temporarily disabled", None),
    ("INDEX_READ_ONLY_OR_UPLOADS_DISABLED", ERROR, "Organization account owning this project is inactive", None),
    # -- attestations (the action's attestations.py; warehouse attestations/services.py)
    ("ATTESTATION_GENERATION_FAILED", ERROR, "Attestation generation failure", None),
    ("ATTESTATION_GENERATION_FAILED", ERROR, "already has a publish attestation", None),
    ("ATTESTATION_REJECTED", ERROR, "Invalid attestations supplied during upload", None),
    ("ATTESTATION_REJECTED", ERROR, "Could not verify the uploaded artifact using the included attestation", None),
    ("ATTESTATION_REJECTED", ERROR, "Attestations are only supported when using Trusted Publishing", None),
    ("ATTESTATION_REJECTED", ERROR, "Attestation with unsupported predicate type", None),
    ("ATTESTATION_REJECTED", ERROR, "Malformed attestations:", None),
    ("ATTESTATION_REJECTED", ERROR, "policies succeeded", r"Verification failed: \d+ of \d+ policies succeeded"),
    # -- transport (twine envelope "HTTPError: {code} {phrase} from {url}"; uv "status code {code}")
    ("INDEX_SERVER_ERROR", ERROR, "HTTPError: 5", r"HTTPError: 5\d\d\b"),
    ("INDEX_SERVER_ERROR", ERROR, "status code 5", r"status code 5\d\d\b"),
    ("INDEX_SERVER_ERROR", HINT, "Transient failure while handling response", None),
    # twine retries after a 5xx (pypa/twine#199, Azure/azure-sdk-for-python#9286): the first try may have stored it
    ("INDEX_SERVER_ERROR", HINT, "Package upload appears to have failed", r"Received \"5\d\d: "),
    ("INDEX_SERVER_ERROR", ERROR, "[ServerError] (", r"\[ServerError\] \('[^']*', 5\d\d\)"),  # anaconda-client#264
    ("OPAQUE_400", ERROR, "HTTPError: 400 Bad Request from ",
     r"HTTPError: 400 Bad Request from \S+(?:\s+Bad Request)?\s*$"),
    ("OPAQUE_400", ERROR, "400 Bad Request. Server says: 400 Bad Request", None),
    # the same bare 400 in other clients' words (pypa/flit#696, pypa/hatch#1786, python-poetry/poetry#1100)
    ("OPAQUE_400", ERROR, "400 Client Error: Bad Request for url", None),
    ("OPAQUE_400", ERROR, "Client error '400 Bad Request' for url", None),
    ("OPAQUE_400", ERROR, "HTTP Error 400: Bad Request", r"HTTP Error 400: Bad Request\s*$"),
    ("WRONG_UPLOAD_URL", ERROR, "InvalidPyPIUploadURL", None),
    ("WRONG_UPLOAD_URL", ERROR, "RedirectDetected", None),
    ("WRONG_UPLOAD_URL", ERROR, "repository URL is missing a trailing slash", None),
    ("WRONG_UPLOAD_URL", ERROR, "UploadToDeprecatedPyPIDetected", None),
    ("WRONG_UPLOAD_URL", ERROR, "An upload attempt was detected to /legacy but", None),
    ("WRONG_UPLOAD_URL", ERROR, "POST requests are not supported by the endpoint", None),
    ("WRONG_UPLOAD_URL", ERROR, "Redirected URL is not in the same realm", None),
    ("WRONG_UPLOAD_URL", ERROR, "Too many redirects, only", None),
    ("WRONG_UPLOAD_URL", ERROR, "pre-registration is no longer required or supported", None),
    ("WRONG_UPLOAD_URL", ERROR, "Uploading documentation is no longer supported", None),
    ("WRONG_UPLOAD_URL", ERROR, "405 ", r"(?:HTTPError:|status code) 405 Method Not Allowed"
                                       r"|405 Client Error: Method Not Allowed"),
    # the retired upload host, unreachable (pypa/twine#371: upload.pypi.io)
    ("WRONG_UPLOAD_URL", ERROR, "host='upload.pypi.io'", None),
    ("WRONG_UPLOAD_URL", ERROR, "host='testpypi.python.org'", None),
    # real logs: pypa/gh-action-pypi-publish#130 (pypi.org/legacy/ is not the upload host: 404), pypa/twine#270
    # (the retired pypi.python.org upload API: 410 Gone)
    ("WRONG_UPLOAD_URL", ERROR, "HTTPError: 404 Not Found from ", None),
    ("WRONG_UPLOAD_URL", ERROR, "HTTPError: 404 Client Error: Not Found for url: ", None),
    ("WRONG_UPLOAD_URL", ERROR, "410 ", r"HTTPError: 410 (?:Gone|Client Error: Gone)\b"),
    ("WRONG_UPLOAD_URL", ERROR, "This API is no longer supported", None),  # pypa/flit#85, sdispater/poet#7
    ("WRONG_UPLOAD_URL", ERROR, "no pypisubmit endpoint available for", None),  # devpi mirror index (devpi#523)
    ("WRONG_UPLOAD_URL", STATUS, "404 ", r"Client error '404 Not Found' for url|status code 404 Not Found"
                                       r"|\b404 Client Error: Not Found for url"),
    # -- GitHub Actions plumbing (runner, actions/toolkit, download-artifact)
    ("RUNNER_NOT_LINUX", ERROR, "only able to run under GNU/Linux environments", None),
    ("RUNNER_NOT_LINUX", ERROR, "Container action is only supported on Linux", None),
    ("ACTION_IMAGE_UNAVAILABLE", HINT, "Unable to find image '", r"Unable to find image '\S+' locally"),
    ("ACTION_IMAGE_UNAVAILABLE", ERROR, "manifest unknown", None),
    ("ACTION_IMAGE_UNAVAILABLE", ERROR, "create-docker-action.py': [Errno 2] No such file", None),
    ("ACTION_REF_UNRESOLVABLE", ERROR, "Unable to resolve action `", None),
    ("ACTION_REF_UNRESOLVABLE", ERROR, "Missing download info for ", None),  # ome/omero-cli-transfer#100
    ("ARTIFACT_NOT_FOUND", ERROR, "Unable to download artifact(s):", None),
    ("ARTIFACT_NOT_FOUND", ERROR, "Artifact not found for name:", None),
    ("ARTIFACT_NOT_FOUND", HINT, "No files were found with the provided path:", None),
    ("DISTS_MISSING_OR_MISPLACED", HINT, "there are no Python distribution packages to publish", None),
    ("DISTS_MISSING_OR_MISPLACED", ERROR, "FileNotFoundError: [Errno 2] No such file or directory: '",
     r"No such file or directory: '[^']*/dist/?'"),
    ("DISTS_MISSING_OR_MISPLACED", ERROR, "No files found to publish", None),
    # maturin given a folder among the files (tursodatabase/turso#1035)
    ("DISTS_MISSING_OR_MISPLACED", ERROR, ": Is a directory (os error 21)", r"failed to read from file `[^`]*`: Is a"),
    ("DISTS_MISSING_OR_MISPLACED", ERROR, "Path patterns didn't match any wheels or source distributions", None),
    ("DISTS_MISSING_OR_MISPLACED", ERROR, "File is neither a wheel nor a source distribution", None),
    ("DISTS_MISSING_OR_MISPLACED", ERROR, "No files to check", None),
    ("DISTS_MISSING_OR_MISPLACED", ERROR, "Cannot find file (or expand pattern)", None),
    ("ATTESTATION_GENERATION_FAILED", ERROR, "look like distributions but are not actually files", None),
    ("INVALID_WORKFLOW_FILE", ERROR, "Invalid workflow file", None),
    ("INVALID_WORKFLOW_FILE", ERROR, "The workflow is not valid.", None),
    ("INVALID_WORKFLOW_FILE", ERROR, "but is only allowed 'id-token: none'", None),
    ("ENV_PROTECTION", ERROR, "due to environment protection rules", None),
    ("ENV_PROTECTION", ERROR, "The deployment was rejected or didn't satisfy other protection rules", None),
    # -- uv (crates/uv-publish)
    ("UV_SKIP_EXISTING_UNSUPPORTED", ERROR, "does not support `--skip-existing`", None),
    ("UV_CHECK_URL_HASH_MISMATCH", ERROR, "Local file and index file do not match for", None),
    ("UV_CHECK_URL_HASH_MISMATCH", ERROR, "Hash is missing in index for", None),
    ("UV_CHECK_URL_HASH_MISMATCH", ERROR, "Failed to query check URL", None),
    ("UV_MIXED_CREDENTIALS", ERROR, "are not allowed when using trusted publishing", None),
    ("UV_MIXED_CREDENTIALS", ERROR, "Attempted to publish with a password, but no username", None),
    ("UV_MIXED_CREDENTIALS", ERROR, "can't be set both in the publish URL and in the CLI", None),
    # -- before the publish. uv: crates/uv tests ("The lockfile at `uv.lock` needs to be updated, but `--locked`
    # was provided."); poetry: src/poetry/console/commands (lock --check / install); pdm: cli/commands/lock.py
    ("LOCKFILE_STALE", ERROR, "needs to be updated, but `--locked` was provided", None),
    ("LOCKFILE_STALE", ERROR, "changed significantly since poetry.lock was last generated", None),
    ("LOCKFILE_STALE", LEVEL, "poetry.lock is not consistent with pyproject.toml", None),
    ("LOCKFILE_STALE", ERROR, "Lockfile is out of date", None),
    ("LOCKFILE_STALE", HINT, "Lockfile hash doesn't match pyproject.toml", None),
    # pip-audit (pypa/pip-audit _cli.py): "Found {n} known vulnerabilities in {m} packages", exit 1; newer
    # releases add the ignored count ("Found 1 known vulnerability, ignored 8 in 1 package": a real log,
    # brewmarsh/meraki-homeassistant#596). With --fix the line goes on "and fixed ...", and the exit is 0 when
    # everything was fixed: a hint then, not a failure by itself.
    ("AUDIT_VULNERABILITY", ERROR, " known vulnerabilit",
     r"Found \d+ known vulnerabilit(?:y|ies)(?:, (?:ignored \d+|\d+ ignored))? in \d+ packages?(?! and fixed)"),
    ("AUDIT_VULNERABILITY", HINT, " known vulnerabilit",
     r"Found \d+ known vulnerabilit(?:y|ies)(?:, (?:ignored \d+|\d+ ignored))? in \d+ packages? and fixed"),
    # pypa/build "ERROR Backend subprocess exited when trying to invoke build_wheel"; uv "The build backend
    # returned an error"; hatchling wheel.py; setuptools-scm _version_missing; maturin main.rs "💥 maturin failed"
    ("BUILD_FAILED", ERROR, "Backend subprocess exited when trying to invoke", None),
    ("BUILD_FAILED", ERROR, "The build backend returned an error", None),
    ("BUILD_FAILED", ERROR, "Failed to build `", r"(?:^|\s)(?:error: )?Failed to build `"),
    ("BUILD_FAILED", ERROR, "Unable to determine which files to ship inside the wheel", None),
    ("BUILD_FAILED", ERROR, "setuptools-scm was unable to detect version for", None),
    ("BUILD_FAILED", ERROR, "maturin failed", None),  # unless its cause is an upload: see Diagnosis.logical
]


# --- reading the log ---------------------------------------------------------------------------------
CHUNK_BYTES = 1 << 16
WINDOW = 200          # lines examined before and after a chunk that holds a trigger
MAX_LINE_CHARS = 8192  # a longer (joined) line is cut: bounded memory whatever the input
MAX_EVIDENCE = 3
MAX_ECHO_LINES = 2000  # lines of an open `Run` group held back until it proves to be the runner's echo
# Cheap byte tests on whole chunks: only chunks holding one of these (and WINDOW lines around them, and the
# log's last WINDOW lines) are read line by line. Every failure the runner records carries one of them.
TRIGGERS = (b"Error", b"error:", b"ERROR", b"##[error]", b"::error", b"##[warning]", b"Warning:", b"WARNING",
            b"ailed", b"ailure", b"exit code", b"Caused by", b"FAILED", b"`: `", b"protection rules", b"nvalid",
            b"workflow is not valid", b"Unable to", b"known vulnerabilit", b"GNU/Linux", b"Lockfile",
            b"Container action", b"Traceback", b"lready ", b"Response from", b"pypisubmit")
STRUCTURE = (b"##[group]Run ", b"##[endgroup]", b"\nRun ", b"password:", b"pypi-publish", b"twine version")

GH_PREFIX = re.compile(r"[^\t]*\t[^\t]*\t(?=\d{4}-\d\d-\d\dT)")  # gh run view --log: job<TAB>step<TAB>
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ?")
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[()][A-Za-z0-9]|\x1b"
                  r"|\[\??\d{1,3}(?:;\d{1,3})*m|\[\?25[lh]")  # ESC sequences, and their remnants in UI copies
CURSOR_REMNANT = re.compile(r"^25[lh](?=$|[A-Z\s])")  # "25l", "25hWARNING": cursor codes without ESC and "[?"
MARKER = re.compile(r"^(?:##\[(error|warning|notice|debug|section|command|group|endgroup)\]"
                    r"|::(error|warning|notice|debug)(?: [^:]*)?::|(Error|Warning|Notice): )")
RICH_HEAD = re.compile(r"(?:^|: )(?:ERROR|WARNING|INFO|DEBUG|CRITICAL) +\S")  # twine's rich level column
CONTINUATION = re.compile(r" {9}\S")  # rich wraps at ~80 columns and indents the rest by 9 spaces
FAILURE = re.compile(r"Process completed with exit code [1-9]|^(?:error:|ERROR:?) |(?:^|: )ERROR {2,}\S"
                     r"|maturin failed|^HTTPError: [45]\d\d ")  # twine before rich printed HTTPError bare
CLAIM_NAMES = ("sub", "repository", "repository_owner", "repository_owner_id", "workflow_ref", "job_workflow_ref",
               "ref", "environment")
ACTION_CLAIM = re.compile(r"^\s*[*-]\s*`(" + "|".join(CLAIM_NAMES) + r")`: `([^`]*)`")  # the action's claims dump
UV_CLAIM = re.compile(r"\b(" + "|".join(CLAIM_NAMES) + r"): (?:Some\()?\"([^\"]*)\"")   # uv's Debug dump
UV_CLAIMS_START = "Token claims, which must match"

# A failure said in the client's own words, with no runner marker (a terminal paste, another CI): twine's bare
# exception line, requests' HTTPError, uv/hatch/pdm/poetry/setuptools/maturin error lines, exit statements.
CLIENT_FAILURE = re.compile(
    r"^(?:requests\.exceptions\.)?HTTPError: [45]\d\d\b|\bUpload failed\b|returned non-zero exit status [1-9]"
    r"|failed with exit code [1-9]|\bexited with (?:exit )?code [1-9]|^ERROR: Job failed: |maturin failed"
    r"|^Error uploading to repository: |^\[\w*Error\]:? "
    r"|^\s*- Uploading \S+ FAILED\b|^\s*\[\w*Error\]\s*$|Process completed with exit code [1-9]|^\s*Caused by: ")
TRACEBACK = "Traceback (most recent call last)"
PROMPT = re.compile(r"(?:\([^)\s]*\) )*[\w@.:~/-]*\$ \S")  # "$ cmd", "(venv) user@host:~/demo$ cmd" in a paste
EXCEPTION_LINE = re.compile(r"^(?:[A-Za-z_][\w.]*\.)?[A-Z]\w*(?:Error|Exception|Detected|Distribution|Exit|Found)"
                            r"(?:: |\s*$)")
# exceptions of the upload clients and their HTTP stack: a failure even printed bare, with no traceback before it
KNOWN_EXCEPTION = re.compile(
    r"^(?:[\w.]*\.)?(?:ConnectionError|MaxRetryError|NewConnectionError|SSLError|ProxyError|ReadTimeout|ConnectTimeout"
    r"|TimeoutError|HTTPError|InvalidDistribution|PackageNotFound|InvalidConfiguration|UnsupportedConfiguration"
    r"|RedirectDetected|UploadToDeprecatedPyPIDetected|InvalidPyPIUploadURL|TrustedPublishingFailure"
    r"|ChunkedEncodingError|RemoteDisconnected|ProtocolError|BadStatusLine|ConnectionResetError|UploadError"
    r"|PublishError): \S")
CHAINED = "During handling of the above exception, another exception occurred"
# the upload step has begun: what fails now is an upload error, not a build error (issue 13)
UPLOAD_START = re.compile(r"Uploading distributions to |^Publishing \d+ files? |^Publishing \S+ \(.*\) to "
                          r"|🚀 Uploading \d+ packages?|Using repository at |^Uploading \S+\.(?:whl|tar\.gz|zip)\b"
                          r"|^\s*- Uploading \S+|^Submitting \S+ to |Uploading file \S+ \.\.\.")

# -- which uploader and which index the log shows (meta.client, meta.index) -------------------------------------
# (client id, literal tests on a cleaned line). Order: the more specific first; the publish action runs twine.
CLIENTS = (
    ("gh-action-pypi-publish", ("gh-action-pypi-publish",)),
    ("maturin", ("maturin upload", "maturin publish", "maturin failed", "🚀 Uploading ", "Failed to upload the wheel")),
    ("uv", ("uv publish", "error: Failed to publish `", "Publishing 1 file ")),
    ("poetry", ("poetry publish", "poetry/publishing", "[UploadError]")),
    ("flit", ("flit publish", "I-flit.upload", "flit/upload.py", "W-flit.upload")),
    ("hatch", ("hatch publish", "Error uploading to repository: ")),
    ("pdm", ("pdm publish", "[PublishError]", "pdm/cli/commands/publish")),
    ("setuptools", ("setup.py upload", "setup.py sdist upload", "Upload failed (", "Submitting dist")),
    ("devpi-client", ("devpi upload",)),
    ("anaconda-client", ("anaconda upload", "anaconda -t", "anaconda-server api site", "binstar")),
    ("twine", ("Uploading distributions to ", "twine upload", "twine check", "twine version ", "InvalidDistribution",
               "twine/commands/", "Retry with the --verbose option", "NOTE: Try --verbose to see response content",
               "Package upload appears to have failed", "INFO     Response from ")),
)
UV_PUBLISHING = re.compile(r"^Publishing \d+ files? https?://")
TWINE_ENVELOPE = re.compile(r"^(?:ERROR +)?HTTPError: \d{3} .* from https?://")  # twine's own wording
URL = re.compile(r"https?://[^\s'\"<>`)\]]+")
# (index id, test on a URL's host and path in lower case). Upload URLs of the indexes the classes know; any other
# URL a client names as its upload URL is "other".
INDEXES = (
    ("testpypi", lambda host, path: host in ("test.pypi.org", "testpypi.python.org")),
    ("pypi", lambda host, path: host in ("upload.pypi.org", "pypi.org", "pypi.python.org", "upload.pypi.io")),
    ("artifactory", lambda host, path: path.startswith("/artifactory/") or host.endswith("jfrog.io")
     or ".artifactory." in host),
    ("azure-artifacts", lambda host, path: host == "pkgs.dev.azure.com" or host.endswith(".pkgs.visualstudio.com")
     or "/_packaging/" in path),
    ("codeartifact", lambda host, path: ".codeartifact." in host and host.endswith("amazonaws.com")),
    ("gitlab", lambda host, path: "/packages/pypi" in path or "gitlab" in host),
    ("google-artifact-registry", lambda host, path: host.endswith("-python.pkg.dev")),
    ("anaconda", lambda host, path: host.endswith("anaconda.org")),
    ("devpi", lambda host, path: "/+simple" in path or host.endswith(":3141") or "devpi" in host),
    ("nexus", lambda host, path: path.startswith("/repository/") or "nexus" in host),
)


def index_of(url):
    """An upload or index URL -> the index id, or None when the URL is none of the known indexes."""
    rest = url.lower().split("://", 1)[-1]
    host, _, path = rest.partition("/")
    host = host.rsplit("@", 1)[-1]
    for name, test in INDEXES:
        if test(host, "/" + path):
            return name
    return None
INDEX_CONTEXT = re.compile(r"(?:Uploading distributions to|Publishing \d+ files?|Using repository at|"
                           r"HTTPError: \d{3} [\w' -]*? from|for url:|"
                           r"publish `[^`]*` to|Response from|Response code for|Error uploading to repository:|"
                           r"--repository-url|--publish-url|[Rr]epository(?: URL)?:|Submitting \S+ to)\s+(https?://\S+)")
# words only one index uses (Azure/azure-sdk-for-python#9286; pypa/twine#1251; pypa/twine#693, #1044; poetry#1100)
INDEX_WORDS = (("azure-artifacts", "already contains file '"), ("azure-artifacts", "VssSessionToken"),
               ("artifactory", "Not enough permissions to delete/overwrite"), ("artifactory", "org.jfrog"),
               ("nexus", "Repository does not allow updating assets"), ("nexus", "nexus-"),
               ("pypiserver", "start server with `--overwrite`"), ("anaconda", "api.anaconda.org"),
               ("anaconda", "binstar"), ("gitlab", "File name has already been taken"),
               ("devpi", "pypisubmit"), ("azure-artifacts", "DevOps Activity ID"),
               ("anaconda", "anaconda-server api site"))

# -- which program reads the metadata in the upload step (CLIENT_TOO_OLD_FOR_METADATA's fix names it) ----------
# pypa/gh-action-pypi-publish release -> (commit, bundled twine, highest Metadata-Version it reads). Dated facts,
# checked 2026-12-06: commits from Dependabot bumps in pypa/twine's release.yml (pypa/twine#1307, #1345, #1361;
# v1.13.0 from public pins); bundled twine from launchdarkly/python-server-sdk#511 (v1.14.1: twine 6.1.0),
# livekit/agents#6836 and the v1.14.2 release notes quoted in portainer/portainer-mcp#104 (v1.14.2: twine 7.0.0),
# getzep/graphiti#1821 (v1.13.0 refuses 2.5), pypa/gh-action-pypi-publish#308 (v1.12.3: twine 6, reads 2.4).
ACTION = "pypa/gh-action-pypi-publish"
ACTION_RELEASES = {
    "v1.14.2": ("dc37677b2e1c63e2034f94d8a5b11f265b73ba33", "twine 7.0.0", "2.5"),
    "v1.14.1": ("ba38be9e461d3875417946c167d0b5f3d385a247", "twine 6.1.0", "2.4"),
    "v1.14.0": ("cef221092ed1bacb1cc03d23a2d87d1d172e277b", "twine 6.x", "2.4"),
    "v1.13.0": ("ed0c53931b1dc9bd32cbe73a98c7f6766f8a527e", "twine 6.x", "2.4"),
    "v1.12.3": (None, "twine 6.x", "2.4"),
}
ACTION_TARGET = "v1.14.2"
MOVING_REFS = ("release/v1", "release-v1", "master", "main", "unstable/v1")
ACTION_SEEN = (re.compile(r"Download action repository '" + ACTION + r"@([^']+)' \(SHA:([0-9a-f]{40})\)"),
               re.compile(r"^Run " + ACTION + r"@(\S+)"),
               re.compile(r"ghcr\.io/pypa/gh-action-pypi-publish:([\w.-]+)"),
               re.compile(r"uses: " + ACTION + r"@(\S+)"))
TWINE_VERSION = re.compile(r"\btwine version (\d+(?:\.\d+)+)")

# Where an index differs from PyPI, the fix says what that index wants (class, index) -> fix. Sources in the
# fixtures' headers (tests/fixtures/diagnose/real/) and the facts table above.
INDEX_FIXES = {
    ("VERSION_EXISTS", "artifactory"):
        "Artifactory replaces an existing file only for a user with the Delete/Overwrite permission on that "
        "repository (a repository permission, not a version bump); otherwise it answers 403 \"Not enough "
        "permissions to delete/overwrite\": bump the version, or have the Artifactory admin grant it",
    ("VERSION_EXISTS", "nexus"):
        "the Nexus hosted repository's deployment policy is \"Disable redeploy\" (Sonatype support article "
        "360013609554): bump the version, or have the Nexus admin set it to allow redeploy; twine's "
        "--skip-existing does not recognise every Nexus wording (pypa/twine#1044)",
    ("VERSION_EXISTS", "azure-artifacts"):
        "Azure Artifacts feeds are immutable: a version once uploaded (even if deleted) cannot be uploaded again; "
        "bump the version",
    ("VERSION_EXISTS", "codeartifact"):
        "CodeArtifact refuses re-uploading a file of an existing version (409 Conflict) and twine refuses "
        "--skip-existing for it: bump the version, or upload only the missing files",
    ("VERSION_EXISTS", "pypiserver"):
        "pypiserver replaces files only when it was started with --overwrite: bump the version or restart it so",
    ("VERSION_EXISTS", "other"):
        "the index refuses to replace an existing file (409 Conflict on pypiserver and CodeArtifact): bump the "
        "version; pypiserver replaces files only when started with --overwrite",
    ("VERSION_EXISTS", "anaconda"):
        "anaconda.org keeps the existing file: bump the version, or pass `--skip-existing` (keep it) or "
        "`--force` (replace it) to `anaconda upload`",
    ("VERSION_EXISTS", "gitlab"):
        "GitLab's package registry refuses the same file twice: bump the version, or delete the package version "
        "in the project's Package Registry first",
    ("VERSION_EXISTS", "google-artifact-registry"):
        "Artifact Registry refuses a file that exists (\"Requested entity already exists\"): bump the version",
    ("AUTH_FORBIDDEN", "artifactory"):
        "Artifactory answers 403 both for bad credentials and for re-uploading an existing file without the "
        "Delete/Overwrite permission: check the file is new, then the user's deploy permission and token",
    ("AUTH_FORBIDDEN", "gitlab"):
        "GitLab wants username `gitlab-ci-token` with $CI_JOB_TOKEN, or a deploy/personal access token with "
        "write access to the package registry of that project id",
    ("AUTH_FORBIDDEN", "codeartifact"):
        "CodeArtifact tokens expire (12 h by default): get a fresh one in the same job (`aws codeartifact "
        "get-authorization-token` / `aws codeartifact login --tool twine`) with a role that may publish",
    ("AUTH_FORBIDDEN", "azure-artifacts"):
        "Azure Artifacts wants a feed token: use the TwineAuthenticate task or artifacts-keyring, or a PAT with "
        "Packaging read & write",
    ("WRONG_UPLOAD_URL", "gitlab"):
        "GitLab's upload URL is https://<host>/api/v4/projects/<id>/packages/pypi; GitLab also answers 404 when "
        "the token may not write that project's registry",
    ("WRONG_UPLOAD_URL", "azure-artifacts"):
        "Azure Artifacts uploads go to .../_packaging/<feed>/pypi/upload/, not the /simple/ index URL",
    ("WRONG_UPLOAD_URL", "artifactory"):
        "Artifactory takes PyPI uploads at https://<host>/artifactory/api/pypi/<repository>; a client that "
        "POSTs elsewhere gets 405 (pdm-project/pdm#2335)",
    ("SIZE_LIMIT_EXCEEDED", "other"):
        "a 413 from your own index usually comes from the proxy in front of it (nginx client_max_body_size): "
        "raise the proxy's or the index's upload limit",
    ("METADATA_INVALID", "azure-artifacts"):
        "Azure Artifacts checks some fields more strictly than PyPI (an email with a display name, pypa/twine#1097): "
        "fix the field in the metadata, or upload that package to PyPI only",
    ("WRONG_UPLOAD_URL", "devpi"):
        "devpi uploads go to a user index URL (https://host/user/index/), not its +simple/ page and not a "
        "mirror index such as root/pypi, which takes no uploads",
    ("CLIENT_TOO_OLD_FOR_METADATA", "artifactory"):
        "here the index (Artifactory) cannot read this Metadata-Version: upgrade Artifactory, or build with a "
        "backend release that writes an older Metadata-Version",
}

SECRETS = (
    (re.compile(r"pypi-AgE[A-Za-z0-9_\-]+"), "[REDACTED]"),
    (re.compile(r"\bgh[pousr]_[A-Za-z0-9]{16,}"), "[REDACTED]"),
    (re.compile(r"\bgithub_pat_[A-Za-z0-9_]{16,}"), "[REDACTED]"),
    (re.compile(r"\beyJ[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]*"), "[REDACTED]"),
    (re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?)(?:(?:bearer|basic|token)\s+)?[^\s\"',;]+"),
     r"\1[REDACTED]"),
    # credentials in a URL (https://user:password@host, a git remote with a token): keep the user name
    (re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://[^\s/:@]*:)[^\s/@]+@"), r"\1[REDACTED]@"),
)


def redact(text):
    for pattern, replacement in SECRETS:
        text = pattern.sub(replacement, text)
    return text


def clean(raw):
    """One physical line -> (text, level): gh columns, timestamp, colour and runner markers removed."""
    text = raw.decode("utf-8", "replace").rstrip("\r\n")
    if "\r" in text:  # progress bars redraw with CR: the terminal shows what came last
        text = text.rstrip("\r").rsplit("\r", 1)[-1]
    if "\t" in text:
        match = GH_PREFIX.match(text)
        if match:
            text = text[match.end():]
    match = TIMESTAMP.match(text)
    if match:
        text = text[match.end():]
    if "\x1b" in text or "[" in text:
        text = ANSI.sub("", text)
    if text[:2] == "25":
        text = CURSOR_REMNANT.sub("", text)
    level = None
    match = MARKER.match(text)
    if match:
        level = (match.group(1) or match.group(2) or match.group(3).lower())
        text = text[match.end():]
    return text[:MAX_LINE_CHARS], level


def docs_anchor(class_id):
    """The anchor GitHub gives the heading `## CLASS_ID`: lower case, underscores kept."""
    return f"{PLAYBOOK}#{class_id.lower()}"


class Diagnosis:
    """Streams a log and collects findings, failure lines and claims (all bounded)."""

    def __init__(self):
        self.lines = 0
        self.findings = {}     # class -> {"first", "kind", "evidence": [(line, text)]}
        self.failures = []     # first failure lines: (line, text)
        self.context = []      # the last few examined lines before the first failure line
        self.claims = {}
        self.claim_lines = {}
        self.uv_claims_until = 0
        self.echo = False      # inside `##[group]Run ...` (the step's script and inputs echoed)
        self.echo_lines = []   # the open block's lines, kept until `##[endgroup]` proves it was an echo
        self.ui_echo = False   # the same in a UI copy: "Run ..." then indented lines
        self.publish_step = False
        self.pending = None    # a twine line whose wrapped continuation may follow: [line, text, level, last]
        self.examined_upto = 0
        self.after = 0
        self.previous = None   # the last clean chunk: (first line number, lines, echo state at its start)
        self.compiled = {}
        self.client = None     # the uploader the log shows (CLIENTS), and the index (INDEXES) with its weight
        self.index, self.index_weight = None, 0
        self.action = {}       # the publish action's ref/sha as the log names them; twine's version
        self.twine_version = None
        self.baipp = False     # the check ran inside hynek/build-and-inspect-python-package
        self.uploading = False  # an upload step has begun
        self.traceback = False  # inside a Python traceback: the next unindented line is its exception
        self.held = None       # "maturin failed": a build or an upload failure, said by the next "Caused by"

    # -- streaming
    def feed(self, stream):
        carry = b""
        while True:
            data = stream.read(CHUNK_BYTES)
            if not data:
                break
            buffer = carry + data if carry else data
            cut = buffer.rfind(b"\n")
            if cut == -1:
                carry = buffer[:1 << 20]  # a line without end: keep a bounded head
                continue
            body, carry = buffer[:cut], buffer[cut + 1:]
            self.chunk(body.split(b"\n"), body)
        if carry:
            self.chunk([carry], carry)
        self.flush_previous()
        if self.echo:
            self.not_an_echo()  # the log ended inside an open `Run` group: a cut log or a step's own group
        self.flush_pending()
        self.release_held(None)
        if self.traceback and not self.failures:  # the log ends inside a traceback: it was cut, not a success
            self.failures.append(self.traceback)

    def chunk(self, lines, body):
        if self.ui_echo or any(token in body for token in TRIGGERS):
            self.flush_previous()
            for raw in lines:
                self.lines += 1
                self.step(self.lines, raw)
            self.after = WINDOW
            return
        start = self.lines
        head = min(self.after, len(lines))
        for raw in lines[:head]:
            self.lines += 1
            self.step(self.lines, raw)
        self.after -= head
        rest = lines[head:]
        self.previous = (self.lines + 1, rest, (self.echo, self.ui_echo, self.publish_step))
        if any(token in body for token in STRUCTURE):
            for offset, raw in enumerate(rest):
                if b"pypi-publish" in raw or b"twine version" in raw:
                    self.read_reader(clean(raw)[0])  # which action or twine ran, said long before any failure
                if b"##[" in raw or raw[:4] == b"Run " or b"password:" in raw or self.ui_echo:
                    self.structure(start + head + offset + 1, raw)
        self.lines = start + len(lines)

    def flush_previous(self):
        """Examine the tail of the last clean chunk: what leads up to a failure is evidence too."""
        if not self.previous:
            return
        first, lines, state = self.previous
        self.previous = None
        saved = (self.echo, self.ui_echo, self.publish_step)
        self.echo, self.ui_echo, self.publish_step = state
        tail = max(0, len(lines) - WINDOW)
        for offset, raw in enumerate(lines):
            number = first + offset
            if offset < tail:
                if b"##[" in raw or raw[:4] == b"Run " or self.ui_echo:
                    self.structure(number, raw, record=False)
            elif number > self.examined_upto:
                self.step(number, raw)
        self.echo, self.ui_echo, self.publish_step = saved

    def structure(self, number, raw, record=True):
        """Track echoed blocks; return True when this line is echo (never a finding)."""
        if b"##[group]Run " in raw:
            self.not_an_echo()  # an unclosed block before this one was a step's own group, not the runner's echo
            self.echo, self.publish_step = True, b"gh-action-pypi-publish" in raw
            return True
        if b"##[endgroup]" in raw:
            self.echo, self.echo_lines = False, []
            return True
        if self.echo and b"##[error]" in raw:
            # The runner closes its echo before the step runs, so an error inside an open `Run` group means the
            # group was the step's own (`::group::Run ...` printed by a script): its lines are real output.
            self.not_an_echo()
            return False
        if self.echo and record and self.echo_lines is not None:
            self.echo_lines.append((number, raw))
            if len(self.echo_lines) > MAX_ECHO_LINES:
                self.echo_lines = None  # a long echo: stop keeping it (an error line still ends it)
        if raw[:4] == b"Run ":
            self.ui_echo, self.publish_step = True, b"gh-action-pypi-publish" in raw
            return True
        if self.ui_echo:
            stripped = raw.rstrip(b"\r\n")
            if stripped[:1] in (b" ", b"\t", b"") or stripped.startswith((b"with:", b"env:", b"shell:")):
                pass
            else:
                self.ui_echo = False
        if (self.echo or self.ui_echo) and self.publish_step and record and raw.rstrip().endswith(b"password:"):
            # the action's `password:` input rendered empty: the secret did not resolve (facts: twine-upload.sh
            # falls back to trusted publishing when user is __token__ and the password is empty)
            self.add("TP_UNINTENDED_FALLBACK", HINT, number, clean(raw)[0].strip() + "   (empty password input)")
        return self.echo or self.ui_echo

    def not_an_echo(self):
        """The open `Run` group was not the runner's echo: examine the lines it held back."""
        held, self.echo, self.echo_lines = self.echo_lines or [], False, []
        for number, raw in held:
            self.step(number, raw)

    # -- one line
    def step(self, number, raw):
        self.examined_upto = max(self.examined_upto, number)
        if b"gh-action-pypi-publish" in raw or b"twine version" in raw:
            self.read_reader(clean(raw)[0])  # the runner's own lines about the action count even inside its echo
        if self.structure(number, raw):
            self.flush_pending()
            return
        text, level = clean(raw)
        pending = self.pending
        if pending and number == pending[3] + 1 and CONTINUATION.match(text) and len(pending[1]) < MAX_LINE_CHARS:
            pending[1] = f"{pending[1]} {text.strip()}"
            pending[3] = number
            return
        self.flush_pending()
        if text.startswith(("+ ", "++ ")) or PROMPT.match(text):  # `set -x` echo, or a command typed at a prompt
            self.read_context(text.strip())  # never a finding, but it says which client and index were used
            return
        if "%0A" in text and level:  # a workflow command's message with encoded newlines
            for part in text.replace("%0D", "").split("%0A"):
                self.logical(number, part.replace("%25", "%"), level)
            return
        if RICH_HEAD.search(text):
            self.pending = [number, text.rstrip(), level, number]
            return
        self.logical(number, text, level)

    def flush_pending(self):
        if self.pending:
            number, text, level, _ = self.pending
            self.pending = None
            self.logical(number, text, level)

    def logical(self, number, text, level):
        text = text.rstrip()
        if not text.strip():
            return
        if self.held and number != self.held[0]:
            self.release_held(text)
        self.read_context(text)
        exception = self.exception(number, text)
        if level == "error" or exception or FAILURE.search(text) or CLIENT_FAILURE.search(text):
            if not self.failures:
                self.context = [entry for entry in self.context if entry[0] < number]
            if len(self.failures) < 5:
                self.failures.append((number, text))
        elif not self.failures:
            self.context = (self.context + [(number, text)])[-3:]
        self.read_claims(number, text)
        for class_id, kind, anchor, source in PATTERNS:
            if anchor in text:
                if source is not None:
                    pattern = self.compiled.get(source)
                    if pattern is None:
                        pattern = self.compiled[source] = re.compile(source)
                    if not pattern.search(text):
                        continue
                if kind == LEVEL:
                    kind = ERROR if level == "error" else HINT
                if class_id == "BUILD_FAILED" and anchor == "maturin failed":
                    if not self.uploading:
                        self.held = (number, text)  # the next line says whether the build or the upload failed
                    continue
                self.add(class_id, kind, number, text)

    def release_held(self, following):
        """maturin's "💥 maturin failed" is a build failure unless its cause is an upload (issue 13)."""
        held, self.held = self.held, None
        if held and not (following and "upload" in following.lower()):
            self.add("BUILD_FAILED", ERROR, held[0], held[1])
        elif held:
            self.uploading = True

    def exception(self, number, text):
        """A Python exception line: after a traceback, or bare (twine before 3 printed `Name: message` alone)."""
        if text.startswith(TRACEBACK):
            self.traceback = (number, text)
            return False
        if text.startswith(CHAINED) or KNOWN_EXCEPTION.match(text):
            self.traceback = False
            return True
        if self.traceback:
            if text[:1] in (" ", "\t"):
                return False
            self.traceback = False
            return bool(EXCEPTION_LINE.match(text))
        return self.uploading and text[:1].isupper() and bool(EXCEPTION_LINE.match(text))

    def read_reader(self, text):
        for pattern in ACTION_SEEN:
            match = pattern.search(text)
            if match:
                self.action.setdefault("ref", match.group(1))
                if match.lastindex and match.lastindex > 1:
                    self.action["sha"] = match.group(2)
                self.client = "gh-action-pypi-publish"
        match = TWINE_VERSION.search(text)
        if match:
            self.twine_version = match.group(1)

    def read_context(self, text):
        """Which client and index this line shows, and whether an upload has begun."""
        if not self.uploading and UPLOAD_START.search(text):
            self.uploading = True
        if self.client in (None, "twine"):
            for client, markers in CLIENTS:
                if any(marker in text for marker in markers) and (self.client is None or client != "twine"):
                    self.client = client
                    break
            else:
                if self.client is None and UV_PUBLISHING.match(text):
                    self.client = "uv"
                elif self.client is None and TWINE_ENVELOPE.match(text):
                    self.client = "twine"
        if "twine version" in text:
            self.read_reader(text)
        if "/tmp/baipp/" in text:  # noqa: S108 - a path in the log, not a file this script uses
            self.baipp = True
        if "://" in text:
            for match in INDEX_CONTEXT.finditer(text):
                self.seen_index(index_of(match.group(1)) or "other", 3)
            for url in URL.findall(text):
                name = index_of(url)
                if name:
                    self.seen_index(name, 2)
        if self.index_weight < 4:
            for name, words in INDEX_WORDS:
                if words in text:
                    self.seen_index(name, 4)
                    break

    def seen_index(self, name, weight):
        if name == "other":
            weight = 1
        if weight > self.index_weight:
            self.index, self.index_weight = name, weight

    def read_claims(self, number, text):
        if "`: `" in text:
            match = ACTION_CLAIM.match(text)
            if match:
                self.claim(number, text, match.group(1), match.group(2))
        if UV_CLAIMS_START in text:
            self.uv_claims_until = number + 40
        elif number <= self.uv_claims_until:
            for name, value in UV_CLAIM.findall(text):
                self.claim(number, text, name, value)

    def claim(self, number, text, name, value):
        self.claims[name] = None if value in ("MISSING", "") else value
        self.claim_lines[name] = (number, text.strip())

    def add(self, class_id, kind, number, text):
        # a bare status is no failure by itself (uv logs "401 Unauthorized" for an index lookup it then skips:
        # astral-sh/uv#16073); the failure line next to it (HTTPError, Upload failed, error:) makes it one
        finding = self.findings.setdefault(class_id, {"first": number, "kind": HINT if kind == STATUS else kind,
                                                      "evidence": [], "status_only": kind == STATUS})
        if kind != STATUS:
            finding["status_only"] = False
        if kind == ERROR:
            finding["kind"] = ERROR
        if len(finding["evidence"]) < MAX_EVIDENCE and all(line != number for line, _ in finding["evidence"]):
            finding["evidence"].append((number, text.strip()))


# --- judging ---------------------------------------------------------------------------------------
def implied_publisher(claims):
    """The pending-publisher form these claims would match (PyPI reads the workflow from job_workflow_ref)."""
    repository = claims.get("repository") or ""
    owner, _, name = repository.partition("/")
    job_ref = claims.get("job_workflow_ref") or ""
    workflow_ref = claims.get("workflow_ref")
    path = job_ref.split("@", 1)[0]
    return {
        "owner": claims.get("repository_owner") or owner or None,
        "repository": name or None,
        "workflow": path.rsplit("/", 1)[-1] or None,
        "environment": claims.get("environment"),
        "reusable_workflow": bool(workflow_ref and job_ref and workflow_ref != job_ref),
        "caller_workflow": (workflow_ref.split("@", 1)[0].rsplit("/", 1)[-1] if workflow_ref else None),
    }


def action_release(ref, sha):
    """The publish action's ref or commit -> its release tag in ACTION_RELEASES, or None."""
    if ref in ACTION_RELEASES:
        return ref
    for tag, (commit, _, _) in ACTION_RELEASES.items():
        if commit and commit in (ref, sha):
            return tag
    return None


def reader_fix(diagnosis):
    """CLIENT_TOO_OLD_FOR_METADATA: name the reader the log shows and the release to move to."""
    target_sha, target_twine, target_max = ACTION_RELEASES[ACTION_TARGET]
    move = (f"pin `{ACTION}@{target_sha}  # {ACTION_TARGET}` ({target_twine}, reads Metadata-Version up to "
            f"{target_max})")
    ref, sha = diagnosis.action.get("ref"), diagnosis.action.get("sha")
    if ref or sha:
        shown = f"{ACTION}@{ref}" + (f" (SHA {sha})" if sha and sha != ref else "")
        release = action_release(ref, sha)
        if release == ACTION_TARGET:
            return (f"the log shows {shown}, which already reads Metadata-Version {target_max}: the refusal comes "
                    "from another reader in this job (a twine of its own, or a checking action): upgrade that one "
                    "to twine>=7.0.0; the files themselves are fine")
        if release:
            _, twine, highest = ACTION_RELEASES[release]
            what = f"{release} bundles {twine}, which reads Metadata-Version up to {highest}"
        elif ref in MOVING_REFS:
            what = f"`{ref}` is a moving ref: it ran whatever release was newest then"
        else:
            what = "a release whose bundled twine this table does not know"
        return f"the log shows {shown}; {what}: {move}; the files themselves are fine"
    if diagnosis.baipp:
        return ("the check ran inside hynek/build-and-inspect-python-package (its /tmp/baipp/ path), whose own "
                "twine refused it: move that action to its newest release (v2 refuses 2.5; "
                "edutap-eu/edutap.wallet_google#104 moved to v3.0.1); the files themselves are fine")
    if diagnosis.twine_version:
        return (f"the log shows twine {diagnosis.twine_version}, which cannot read it: install `twine>=7.0.0` (reads "
                f"Metadata-Version 2.5) where this check or upload runs, or {move}; the files themselves are fine")
    return None


def specific_fix(class_id, diagnosis):
    """The fix for what this log shows, when it is more precise than the class's general one."""
    if class_id == "CLIENT_TOO_OLD_FOR_METADATA" and diagnosis.index != "artifactory":
        return reader_fix(diagnosis)
    fix = None
    index_fix = INDEX_FIXES.get((class_id, diagnosis.index))
    if index_fix:
        fix = f"on {diagnosis.index}: {index_fix}"
    retried = diagnosis.findings.get("INDEX_SERVER_ERROR")
    if class_id == "VERSION_EXISTS" and retried and retried["first"] < diagnosis.findings[class_id]["first"]:
        # the two causes: the one to act on is the earlier 5xx, whose attempt may have stored the file already
        fix = ((fix + "; ") if fix else "") + (
            "the index answered 5xx first and the client retried: that first attempt may have stored the file, so "
            "compare the file on the index with yours (same hash: re-run with skip-existing; different: bump the "
            "version)")
    return fix


def causal_order(found):
    """Classes found -> list in causal order: causes first, then what they explain; ties by first line."""
    def depth(class_id, seen=()):
        causes = [cause for cause, effects in EXPLAINS.items()
                  if class_id in effects and cause in found and cause not in seen]
        return 1 + max((depth(cause, seen + (class_id,)) for cause in causes), default=-1)
    def weak(class_id):  # a hint that explains nothing found ranks after the failures it did not cause
        explains = EXPLAINS.get(class_id, set()) & set(found)
        return found[class_id]["kind"] != ERROR and not explains
    return sorted(found, key=lambda class_id: (depth(class_id), weak(class_id), found[class_id]["first"]))


def judge(diagnosis):
    """Turn what the scan saw into (exit status, findings, claims)."""
    findings = dict(diagnosis.findings)
    claims = dict(diagnosis.claims) if diagnosis.claims else None
    if claims and claims.get("workflow_ref") and claims.get("job_workflow_ref") \
            and claims["workflow_ref"] != claims["job_workflow_ref"] and "TP_REUSABLE_WORKFLOW" not in findings:
        lines = [diagnosis.claim_lines[name] for name in ("workflow_ref", "job_workflow_ref")]
        findings["TP_REUSABLE_WORKFLOW"] = {"first": min(line for line, _ in lines), "kind": HINT,
                                            "evidence": sorted(lines)}
    if any(not finding.get("status_only") for finding in findings.values()):
        findings = {class_id: finding for class_id, finding in findings.items() if not finding.get("status_only")}
    failed = bool(diagnosis.failures) or any(f["kind"] == ERROR for f in findings.values())
    if not failed:
        return EXIT_OK, [], claims, findings
    if not findings:
        evidence = list(diagnosis.failures)
        if evidence and "Process completed with exit code" in evidence[0][1]:
            evidence = diagnosis.context + evidence
        findings = {"UNKNOWN_FAILURE": {"first": evidence[0][0], "kind": ERROR, "evidence": evidence[:6]}}
        status = EXIT_UNKNOWN
    else:
        status = EXIT_PROBLEM
    ordered = []
    for class_id in causal_order(findings):
        summary, fix = CLASSES[class_id]
        fix = specific_fix(class_id, diagnosis) or fix
        ordered.append({"class": class_id, "summary": summary, "fix": fix, "docs": docs_anchor(class_id),
                        "evidence": [{"line": line, "text": redact(text)} for line, text in
                                     findings[class_id]["evidence"]]})
    return status, ordered, claims, {}


def reader_seen(diagnosis):
    """What the log says about the program that read the metadata in the upload step (or None)."""
    if not diagnosis.action and not diagnosis.twine_version:
        return None
    ref, sha = diagnosis.action.get("ref"), diagnosis.action.get("sha")
    release = action_release(ref, sha)
    return {"action_ref": ref, "action_sha": sha, "action_release": release,
            "bundled_twine": ACTION_RELEASES[release][1] if release else None, "twine": diagnosis.twine_version}


# --- the checkout: which repository and publishing workflows the claims are compared with (issue 11) -----------
PUBLISH_COMMANDS = ("twine upload", "uv publish", "poetry publish", "flit publish", "hatch publish", "pdm publish",
                    "maturin upload", "maturin publish")
REMOTE = re.compile(r"^(?:[\w+.-]+://)?(?:[^@/]+@)?github\.com[:/]+([\w.-]+)/([\w.-]+?)(?:\.git)?/?$", re.I)


def git(workdir, *args):
    """Run a read-only git command in workdir; its output, or None when git or the command fails."""
    import subprocess
    try:
        done = subprocess.run(["git", "-C", workdir, *args], capture_output=True, text=True, timeout=20,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def steps_of(job):
    """Every step of a job, inside `parallel:` groups too (a list of steps, or a mapping with `steps:`)."""
    pending = list(job.get("steps") or []) if isinstance(job.get("steps"), list) else []
    while pending:
        step = pending.pop(0)
        if not isinstance(step, dict):
            continue
        group = step.get("parallel")
        if isinstance(group, dict):
            group = group.get("steps")
        if isinstance(group, list):
            pending[:0] = group
            continue
        yield step


def publishes(step):
    uses = step.get("uses")
    if isinstance(uses, str) and uses.split("@", 1)[0].rstrip("/") == ACTION:
        return True
    command = step.get("run")
    return isinstance(command, str) and any(word in command for word in PUBLISH_COMMANDS)


def environment_name(job):
    environment = job.get("environment")
    if isinstance(environment, dict):
        environment = environment.get("name")
    return environment if isinstance(environment, str) and environment else None


def read_checkout(workdir):
    """The repository's GitHub remote and its publishing workflows (file -> environments), or None when workdir
    is not a git repository. Read-only; YAML through PyYAML when it is installed."""
    top = git(workdir, "rev-parse", "--show-toplevel")
    if top is None:
        return None
    remote = git(top, "remote", "get-url", "origin")
    if remote is None:
        names = (git(top, "remote") or "").split()
        remote = git(top, "remote", "get-url", names[0]) if names else None
    match = REMOTE.match(remote or "")
    checkout = {"workdir": top, "repository": f"{match.group(1)}/{match.group(2)}" if match else None,
                "remote": redact(remote) if remote else None, "publishing_workflows": None, "note": None}
    try:
        import yaml
    except ImportError:
        checkout["note"] = "workflows not read: PyYAML is not installed (`python3 -m pip install pyyaml`)"
        return checkout
    folder = os.path.join(top, ".github", "workflows")
    found = {}
    for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
        if not name.endswith((".yml", ".yaml")):
            continue
        try:
            with open(os.path.join(folder, name), encoding="utf-8") as handle:
                document = yaml.safe_load(handle)
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        jobs = document.get("jobs") if isinstance(document, dict) else None
        for job in (jobs.values() if isinstance(jobs, dict) else []):
            if isinstance(job, dict) and any(publishes(step) for step in steps_of(job)):
                found.setdefault(name, []).append(environment_name(job))
    checkout["publishing_workflows"] = [{"file": name, "environments": sorted(set(envs), key=lambda e: e or "")}
                                        for name, envs in found.items()]
    return checkout


def compare_checkout(claims, checkout):
    """Claims presented by the run vs the checkout -> (differences, one-line summary)."""
    form = claims.get("pending_publisher_form") or {}
    run_repo, run_workflow, run_env = claims.get("repository"), form.get("workflow"), claims.get("environment")
    differences = []
    if checkout["repository"] and run_repo and checkout["repository"].lower() != run_repo.lower():
        differences.append({"claim": "repository", "run": run_repo, "checkout": checkout["repository"]})
    workflows = {entry["file"]: entry["environments"] for entry in checkout["publishing_workflows"] or []}
    if checkout["publishing_workflows"] is not None and run_workflow:
        if run_workflow not in workflows:
            differences.append({"claim": "workflow", "run": run_workflow,
                                "checkout": ", ".join(sorted(workflows)) or "(no publishing workflow)"})
            environments = sorted({env for envs in workflows.values() for env in envs}, key=lambda e: e or "")
        else:
            environments = workflows[run_workflow]
        if workflows and run_env not in environments:
            shown = ", ".join(env or "(none)" for env in environments)
            differences.append({"claim": "environment", "run": run_env or "(none)", "checkout": shown})
    ref = claims.get("ref")
    if ref and ref.startswith(("refs/tags/", "refs/heads/")) and git(checkout["workdir"], "rev-parse", "--verify",
                                                                     "--quiet", ref + "^{commit}") is None:
        differences.append({"claim": "ref", "run": ref, "checkout": "(not in this checkout: fetch it, or the run came "
                                                                     "from another repository)"})
    if not differences:
        summary = (f"the run's claims match this checkout ({checkout['repository'] or 'this repository'}, workflow "
                   f"{run_workflow}, environment {run_env or '(none)'}): the publisher on the index is what differs - "
                   "register exactly these values there")
        if checkout["note"]:
            summary += f" ({checkout['note']})"
        return differences, summary
    said = "; ".join(f"{item['claim']} {item['run']} (run) vs {item['checkout']} (checkout)" for item in differences)
    run_values = ", ".join(f"{item['claim']} {item['run']}" for item in differences if item["claim"] != "ref")
    summary = (f"the run differs from this checkout: {said} - either set the publisher on the index to the run's "
               f"values ({run_values or 'as shown in the claims'}), or change the workflow/environment back so the "
               "next run presents what the publisher has")
    return differences, summary


# --- input -----------------------------------------------------------------------------------------
RUN_URL = re.compile(r"^https://github\.com/([\w.-]+/[\w.-]+)/actions/runs/(\d+)(?:/.*)?$")
REPO = re.compile(r"^[\w.-]+/[\w.-]+$")


def diagnose_file(path):
    diagnosis = Diagnosis()
    try:
        if path == "-":
            diagnosis.feed(sys.stdin.buffer)
        else:
            with open(path, "rb") as stream:
                diagnosis.feed(stream)
    except IsADirectoryError:
        raise Fail(EXIT_INPUT, "input", f"cannot read {path}: it is a directory") from None
    except OSError as error:
        raise Fail(EXIT_INPUT, "input", f"cannot read {path}: {error.strerror or error}") from None
    return diagnosis


def diagnose_run(run_id, repo):
    """Stream `gh run view RUN_ID --log-failed` into a Diagnosis; gh's own failure is exit 7."""
    import shutil
    import subprocess
    import tempfile
    gh = shutil.which("gh")
    if not gh:
        raise Fail(EXIT_DEPENDENCY, "missing-dependency",
                   "`gh` (GitHub CLI) is not installed; install it from https://cli.github.com, or save the "
                   f"run's log and pipe it: `gh run view {run_id} --log-failed | diagnose-publish.py -` "
                   "or `diagnose-publish.py - < run.log`")
    command = [gh, "run", "view", run_id, "--log-failed"] + (["--repo", repo] if repo else [])
    diagnosis = Diagnosis()
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, stdin=subprocess.DEVNULL)
        except OSError as error:
            raise Fail(EXIT_DEPENDENCY, "missing-dependency", f"cannot run gh: {error.strerror or error}") from None
        with process.stdout:
            diagnosis.feed(process.stdout)
        status = process.wait()
        errors.seek(0)
        reason = " ".join(errors.read(4096).decode("utf-8", "replace").split())
    if status != 0:
        raise Fail(EXIT_NETWORK, "network", redact(f"`gh run view {run_id} --log-failed` failed (exit {status}): "
                                                   f"{reason or 'no reason given'}"))
    if diagnosis.lines == 0:
        raise Fail(EXIT_NETWORK, "network", f"`gh run view {run_id} --log-failed` printed no log (the run may "
                                            "still be in progress, or have no failed step)")
    return diagnosis


# --- rendering -------------------------------------------------------------------------------------
def render_text(status, findings, claims, notes, lines, quiet, seen, checkout=None):
    for finding in findings:
        first = finding["evidence"][0]["line"] if finding["evidence"] else 0
        sys.stdout.write(f"{finding['class']}\t{first}\t{finding['summary']}\n")
    if quiet:
        return
    out = sys.stderr.write
    out(f"client: {seen['client'] or 'not recognised'}; index: {seen['index'] or 'not recognised'}\n")
    if status == EXIT_OK:
        out(f"no failure found in {lines} lines\n")
        for class_id in notes:
            out(f"note: {class_id} seen, but nothing failed: {CLASSES[class_id][0]}\n")
        return
    for index, finding in enumerate(findings):
        title = "primary" if index == 0 else "also"
        out(f"{title}: {finding['class']} - {finding['summary']}\n")
        for item in finding["evidence"]:
            out(f"  line {item['line']}: {item['text']}\n")
        out(f"  fix: {finding['fix']}\n  see: {finding['docs']}\n")
    if claims:
        out("claims presented by the run:\n")
        for name in CLAIM_NAMES:
            if name in claims:
                out(f"  {name}: {claims[name] if claims[name] is not None else 'MISSING'}\n")
        form = claims["pending_publisher_form"]
        environment = form["environment"] or "(leave empty: the job ran without one)"
        out(f"publisher form these claims match: owner={form['owner']} repository={form['repository']} "
            f"workflow={form['workflow']} environment={environment}\n")
        if form["reusable_workflow"]:
            out(f"  reusable workflow: PyPI sees {form['workflow']}, called from {form['caller_workflow']}\n")
    if checkout:
        out(f"checkout ({checkout['workdir']}): {checkout['summary']}\n")


def main(argv):
    parser = ArgParser(prog="diagnose-publish.py", add_help=False)
    parser.add_argument("-h", "--help", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("-q", "--quiet", action="store_true")
    parser.add_argument("--repo")
    parser.add_argument("--list-classes", action="store_true")
    parser.add_argument("--workdir")
    parser.add_argument("source", nargs="?")
    args = parser.parse_args(argv)
    if args.help:
        sys.stdout.write(__doc__)
        return EXIT_OK
    require_libraries()
    if args.list_classes:
        if args.json:
            print_json(envelope([{"class": c, "summary": s, "fix": f, "docs": docs_anchor(c)}
                                 for c, (s, f) in CLASSES.items()], count=len(CLASSES)))
        else:
            for class_id, (summary, _) in CLASSES.items():
                sys.stdout.write(f"{class_id}\t{summary}\n")
        return EXIT_OK
    if args.source is None:
        raise Fail(EXIT_USAGE, "usage", "give a RUN_ID, a log file, or - for stdin (see --help)")
    if args.repo is not None and not REPO.match(args.repo):
        raise Fail(EXIT_USAGE, "usage", f"--repo wants OWNER/REPO, not {args.repo!r} (see --help)")
    source, repo = args.source, args.repo
    url = RUN_URL.match(source)
    if url:
        repo, source = repo or url.group(1), url.group(2)
    if source != "-" and source.isdigit() and not os.path.exists(source):
        diagnosis = diagnose_run(source, repo)
    else:
        diagnosis = diagnose_file(source)
        if diagnosis.lines == 0:  # nothing to judge: never report an empty log as "no failure"
            raise Fail(EXIT_INPUT, "input", f"{'stdin' if source == '-' else source}: the log is empty")
    status, findings, claims, notes = judge(diagnosis)
    if claims is not None:
        claims = {name: (redact(value) if isinstance(value, str) else value) for name, value in claims.items()}
        claims["pending_publisher_form"] = implied_publisher(claims)
    if args.workdir is not None and not os.path.isdir(args.workdir):
        raise Fail(EXIT_USAGE, "usage", f"--workdir {args.workdir}: no such directory (see --help)")
    checkout = None
    if claims is not None:
        checkout = read_checkout(args.workdir or os.getcwd())  # None when it is not a git repository: no comparison
        if checkout is not None:
            checkout["differences"], checkout["summary"] = compare_checkout(claims, checkout)
    primary = findings[0] if findings else None
    seen = {"client": diagnosis.client, "index": diagnosis.index, "reader": reader_seen(diagnosis)}
    if args.json:
        data = {"class": primary["class"] if primary else None,
                "summary": primary["summary"] if primary else "no failure found in the log",
                "fix": primary["fix"] if primary else None,
                "evidence": primary["evidence"] if primary else [],
                "presented_claims": claims, "checkout": checkout, "findings": findings}
        print_json(envelope(data, found=len(findings), lines=diagnosis.lines, **seen))
    else:
        render_text(status, findings, claims, notes, diagnosis.lines, args.quiet, seen, checkout)
    return status


if __name__ == "__main__":
    sys.exit(run(main))
