#!/usr/bin/env python3
# /// script
# requires-python = ">=3.9"
# dependencies = ["packaging>=22", "pyyaml>=5.4", "tomli>=1.1; python_version < '3.11'"]
# ///
"""publish-preflight.py - is this repository ready to tag a release for PyPI?

Usage:
  publish-preflight.py [--json] [-q] [--build] [--offline] [--index-url URL]
                       [--testpypi] [--timeout S] [PATH]

Reads PATH/pyproject.toml (PATH defaults to .) and runs read-only checks:
the name, the version a build will produce, the package's __version__, the
lock files, whether the version is already on the index, the git tag and the
publishing workflow. Nothing in PATH is modified.

Options:
  --json           print one JSON envelope on stdout
  -q, --quiet      no human report on stderr
  --offline        do not contact the index (the check is reported as skip)
  --index-url URL  root of a PyPI-compatible index (env PYPI_OPS_INDEX_URL);
                   default https://pypi.org
  --testpypi       use https://test.pypi.org
  --timeout S      bound on the whole index lookup in seconds (default 10)
  --build          also build sdist and wheel into a temporary directory

Exit codes:
  0   ready to tag
  1   internal error (set PYPI_OPS_DEBUG=1 for a traceback)
  2   usage error
  3   no pyproject.toml, or it is not valid TOML / not UTF-8
  5   a required library is missing
  7   nothing failed, but the index could not be consulted reliably
  10  not ready: at least one check failed

Examples:
  python3 scripts/publish-preflight.py .
  python3 scripts/publish-preflight.py --offline examples/demo-package
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
    from packaging.utils import canonicalize_name
    from packaging.version import InvalidVersion, Version
except ImportError:
    MISSING_LIBRARIES.append("packaging")
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
        raise Fail(EXIT_DEPENDENCY, "missing-dependency",
                   f"missing Python library: {names}; run `uv run scripts/{SCRIPT}.py ...` "
                   f"or `python3 -m pip install {names}`")


class Unreachable(Exception):
    """The server could not be asked, or its answer was cut off."""


def http_get(url, accept="*/*", timeout=10.0, headers=None, limit=64 << 20):
    """GET url following redirects; return (status, headers, body bytes, final url).

    HTTP error statuses are returned, not raised; transport failures raise Unreachable."""
    import http.client
    import socket
    import urllib.error
    import urllib.request
    request = urllib.request.Request(url, headers=dict({"Accept": accept, "User-Agent": f"pypi-ops/{SCRIPT}"},
                                                      **(headers or {})))
    try:
        try:
            response = urllib.request.urlopen(request, timeout=timeout)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            body = response.read(limit + 1)
            if len(body) > limit:
                raise Unreachable(f"answer from {url} is larger than {limit} bytes")
            return response.status, response.headers, body, response.geturl()
    except urllib.error.URLError as error:
        raise Unreachable(f"{url}: {error.reason}") from None
    except (socket.timeout, TimeoutError):
        raise Unreachable(f"{url}: timed out after {timeout:g} s") from None
    except (http.client.HTTPException, ConnectionError, OSError, ValueError) as error:
        raise Unreachable(f"{url}: {type(error).__name__}: {error}") from None


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
    if as_json:
        print_json({"error": {"code": code, "message": message}, "meta": {"schema": SCHEMA, "exit": exit_status}})
    sys.stderr.write(f"{SCRIPT}: {message}\n")
    return exit_status
# --- pypi-ops common: end ---


def read_pyproject(root):
    """Parse root/pyproject.toml into a dict; Fail(3) when absent, undecodable or invalid."""
    path = os.path.join(root, "pyproject.toml")
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as error:
        raise Fail(EXIT_INPUT, "input", f"cannot read {path}: {error.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Fail(EXIT_INPUT, "input", f"{path}: not UTF-8 (byte {error.start})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise Fail(EXIT_INPUT, "input", f"{path}: invalid TOML: {error}") from None


def check_name(project):
    name = project.get("project", {}).get("name")
    if not isinstance(name, str) or not name:
        return {"check": "name", "status": "fail", "detail": "[project].name is missing",
                "fix": "add name = \"...\" under [project] in pyproject.toml"}
    return {"check": "name", "status": "pass", "detail": f"{name} (normalized: {canonicalize_name(name)})"}


def check_version(project):
    version = project.get("project", {}).get("version")
    if version is None:
        return {"check": "pyproject-version", "status": "fail", "detail": "no static [project].version",
                "fix": "set [project].version"}
    try:
        parsed = Version(str(version))
    except InvalidVersion:
        return {"check": "pyproject-version", "status": "fail", "detail": f"{version!r} is not PEP 440",
                "fix": "use a PEP 440 version such as 1.2.3"}
    if parsed.local:
        return {"check": "pyproject-version", "status": "fail", "detail": f"{version} has a local segment",
                "fix": f"drop '+{parsed.local}': PyPI refuses local versions"}
    return {"check": "pyproject-version", "status": "pass", "detail": str(version)}


def main(argv):
    parser = ArgParser(prog="publish-preflight.py", add_help=False)
    parser.add_argument("-h", "--help", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("-q", "--quiet", action="store_true")
    parser.add_argument("--offline", action="store_true")
    parser.add_argument("path", nargs="?", default=".")
    args = parser.parse_args(argv)
    if args.help:
        sys.stdout.write(__doc__)
        return EXIT_OK
    require_libraries()
    project = read_pyproject(args.path)
    results = [check_name(project), check_version(project)]
    for result in results:
        result["ok"] = result["status"] != "fail"
        result.setdefault("fix", None)
    ready = all(result["ok"] for result in results)
    if args.json:
        print_json(envelope(results, ready=ready))
    else:
        for result in results:
            sys.stdout.write(f"{result['check']}\t{result['status']}\t{result['detail']}\n")
        if not args.quiet:
            sys.stderr.write("READY\n" if ready else "NOT READY\n")
    return EXIT_OK if ready else EXIT_PROBLEM


if __name__ == "__main__":
    sys.exit(run(main))
