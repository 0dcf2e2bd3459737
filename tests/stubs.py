"""Real HTTP stand-ins for PyPI and the GitHub REST API, served on 127.0.0.1.

One `StubServer` answers both families of paths, so a test points a script at it with
`--index-url` / `PYPI_OPS_INDEX_URL` and `--github-api-url` / `GITHUB_API_URL`.
Faults are injected per path pattern (`server.fault(...)`): added latency, any status
with any headers (404, 429/403 rate limits, 500), HTML with status 200, malformed or
truncated JSON, a connection closed before the answer, and the hostile ones of
tests/test_faults.py (a server that never answers, answers dripped a byte at a time, huge
answers, a gzip bomb, deep nesting, redirect loops and redirects to another server). Every
request is recorded in `server.requests` so a test can prove that an offline run opened no
connection.

Shapes follow the real services: PEP 691 JSON and PEP 503 HTML for /simple/, the JSON API
(`info`, `releases`, `urls`) for /pypi/, the Integrity API for PEP 740 provenance, and
GitHub's git refs, annotated tag objects, tags, branches, commits, compare and releases.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from packaging.utils import canonicalize_name, parse_sdist_filename, parse_wheel_filename
from packaging.version import Version

SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
SIMPLE_HTML = "application/vnd.pypi.simple.v1+html"


# ----------------------------------------------------------------------------- faults

@dataclass
class Fault:
    """A misbehaviour for request paths that match `pattern` (re.search).

    kind: "latency" (sleep `seconds`, then answer normally), "status" (answer `status` with
    `headers` and `body`), "rate-limit" (GitHub style 403/429 with X-RateLimit-* headers),
    "html" (HTML page with status 200), "malformed" (status 200, JSON content type, broken
    body), "truncated" (Content-Length larger than the body, then close), "close" (close the
    connection without any answer). `times` limits how often it fires (None: always).

    The hostile kinds (tests/test_faults.py): "silent" (accept, then never answer: hold the
    connection `seconds`, default 60, or until the server stops), "drip" (the modelled answer's
    headers at once, then its body one byte every `seconds`, default 1), "drip-headers" (the
    whole answer, status line and headers included, one byte every `seconds`), "bare" (`status`
    with `body` verbatim, even empty, as text/plain unless `headers` say otherwise: a proxy's
    blank 404), "big" (the modelled listing grown to `size` bytes, after `seconds`: see grow()),
    "gzip-bomb" (status 200, Content-Encoding: gzip nobody asked for, `size` zero bytes
    compressed), "deep" (a PEP 691-looking document nested `size` arrays deep),
    "redirect" (302 to `location`, where "{path}" stands for the request's path; an empty location
    redirects to the same path: a loop)."""

    pattern: str
    kind: str
    status: int = 500
    seconds: float = 0.0
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    times: int | None = None
    fired: int = 0
    size: int = 0
    location: str = ""

    def matches(self, path):
        return (self.times is None or self.fired < self.times) and re.search(self.pattern, path) is not None


# ----------------------------------------------------------------------------- the index model

@dataclass
class IndexFile:
    filename: str
    version: str
    content: bytes
    yanked: bool | str = False
    upload_time: str = "2024-01-02T03:04:05.000000Z"
    requires_python: str | None = None
    provenance: dict | None = None  # the Integrity API answer for this file, or None (404)
    visible_after: int = 0  # hidden from the listings until the project's /simple/ page was asked this often

    @property
    def sha256(self):
        return hashlib.sha256(self.content).hexdigest()


@dataclass
class IndexProject:
    name: str
    files: list = field(default_factory=list)
    status: str | None = None  # PEP 792 project status, e.g. "archived"
    status_reason: str | None = None
    simple_hits: int = 0  # how often /simple/<name>/ was asked (drives IndexFile.visible_after)

    def listed(self):
        """The files the listings show now (a release appears after its `visible_after` polls)."""
        return [item for item in self.files if not item.visible_after or self.simple_hits > item.visible_after]


class PackageIndex:
    """What the stand-in index knows; tests fill it with `add_release`."""

    def __init__(self):
        self.projects = {}  # normalized name -> IndexProject
        self.api_version = "1.4"
        self.provenance_in_simple = True  # advertise `provenance` URLs in PEP 691 JSON
        self.serve_json_api = True  # /pypi/<name>/json
        self.serve_version_json = True  # /pypi/<name>/<version>/json (some proxies: always 404)
        self.serve_integrity = True

    def project(self, name, create=True):
        key = canonicalize_name(name)
        if key not in self.projects and create:
            self.projects[key] = IndexProject(name=name)
        return self.projects.get(key)

    def add_release(self, name, version, filenames=None, yanked=False, provenance=None, content=None,
                    upload_time=None, visible_after=0):
        """Add a release; default files: one sdist and one py3-none-any wheel in normalized form.

        `visible_after=N` models propagation delay: the files stay out of the simple and JSON
        listings until /simple/<name>/ has been requested N times (they show on request N + 1)."""
        project = self.project(name)
        if filenames is None:
            stem = re.sub(r"[-_.]+", "_", canonicalize_name(name))
            filenames = [f"{stem}-{version}.tar.gz", f"{stem}-{version}-py3-none-any.whl"]
        added = []
        for filename in filenames:
            data = content[filename] if isinstance(content, dict) and filename in content else (
                content if isinstance(content, bytes) else f"{filename} bytes".encode())
            item = IndexFile(filename=filename, version=str(version), content=data, yanked=yanked,
                             provenance=provenance(filename) if callable(provenance) else provenance,
                             visible_after=visible_after)
            if upload_time:
                item.upload_time = upload_time
            project.files.append(item)
            added.append(item)
        return added

    def versions(self, project):
        seen = []
        for item in project.listed():
            if item.version not in seen:
                seen.append(item.version)
        return seen


def _at_least(index, api_version):
    return Version(index.api_version) >= Version(api_version)


def file_version(filename):
    """The version a distribution filename carries (packaging parses it, as a client would)."""
    if filename.endswith(".whl"):
        return str(parse_wheel_filename(filename)[1])
    return str(parse_sdist_filename(filename)[1])


# ----------------------------------------------------------------------------- the GitHub model

@dataclass
class Commit:
    sha: str
    parents: list = field(default_factory=list)
    message: str = "commit"
    date: str = "2024-01-02T03:04:05Z"


class GitHubRepo:
    def __init__(self, full_name):
        self.full_name = full_name
        self.commits = {}  # sha -> Commit
        self.tags = {}  # name -> {"sha": object sha, "annotated": bool, "commit": commit sha}
        self.tag_objects = {}  # tag object sha -> {"tag": name, "commit": sha}
        self.branches = {}  # name -> commit sha
        self.releases = []  # dicts with tag_name, prerelease, draft, published_at
        self.default_branch = "main"

    def commit(self, label, parents=()):
        """Add a commit whose sha derives from `label`; returns the sha."""
        sha = hashlib.sha1(f"{self.full_name}:{label}".encode()).hexdigest()
        self.commits[sha] = Commit(sha=sha, parents=list(parents), message=label)
        return sha

    def chain(self, *labels, branch="main"):
        """Commits in a line on `branch`; returns their shas, oldest first."""
        shas, parent = [], self.branches.get(branch)
        for label in labels:
            parent = self.commit(label, [parent] if parent else [])
            shas.append(parent)
        self.branches[branch] = parent
        return shas

    def tag(self, name, commit_sha, annotated=False):
        if annotated:
            object_sha = hashlib.sha1(f"tag:{self.full_name}:{name}:{commit_sha}".encode()).hexdigest()
            self.tag_objects[object_sha] = {"tag": name, "commit": commit_sha}
            self.tags[name] = {"sha": object_sha, "annotated": True, "commit": commit_sha}
            return object_sha
        self.tags[name] = {"sha": commit_sha, "annotated": False, "commit": commit_sha}
        return commit_sha

    def release(self, tag_name, prerelease=False, draft=False, published_at="2024-01-02T03:04:05Z"):
        self.releases.insert(0, {"tag_name": tag_name, "name": tag_name, "prerelease": prerelease,
                                 "draft": draft, "published_at": published_at})

    def ancestors(self, sha):
        seen, todo = set(), [sha]
        while todo:
            current = todo.pop()
            if current in seen or current not in self.commits:
                continue
            seen.add(current)
            todo.extend(self.commits[current].parents)
        return seen


class ContainerRegistry:
    """An OCI distribution (registry API v2) stand-in: manifests by repository and tag, behind the anonymous
    bearer-token challenge that Docker Hub and GHCR answer with (401 + WWW-Authenticate, then /token)."""

    MEDIA_TYPE = "application/vnd.oci.image.index.v1+json"

    def __init__(self):
        self.manifests = {}  # (repository, tag) -> manifest bytes
        self.token = "stub-registry-token-0123456789"
        self.require_token = True

    def image(self, repository, tag, platforms=("linux/amd64", "linux/arm64")):
        """Add an image index for repository:tag; returns its digest (sha256 of the manifest bytes)."""
        manifests = []
        for platform in platforms:
            system, architecture = platform.split("/")
            layer = hashlib.sha256(f"{repository}:{tag}:{platform}".encode()).hexdigest()
            manifests.append({"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 1234,
                              "digest": f"sha256:{layer}",
                              "platform": {"architecture": architecture, "os": system}})
        body = json.dumps({"schemaVersion": 2, "mediaType": self.MEDIA_TYPE, "manifests": manifests},
                          indent=3).encode()
        self.manifests[(repository, tag)] = body
        return "sha256:" + hashlib.sha256(body).hexdigest()


class GitHubAPI:
    def __init__(self):
        self.repos = {}  # "owner/name" (lower case) -> GitHubRepo
        self.per_page_default = 30

    def repo(self, full_name, create=True):
        key = full_name.lower()
        if key not in self.repos and create:
            self.repos[key] = GitHubRepo(full_name)
        return self.repos.get(key)


# ----------------------------------------------------------------------------- the server

class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # concurrent clients (32 threads) must not stall in the listen backlog


class StubServer:
    """A threaded HTTP server on 127.0.0.1 with an index and a GitHub API behind it."""

    def __init__(self):
        self.index = PackageIndex()
        self.github = GitHubAPI()
        self.registry = ContainerRegistry()
        self.faults = []
        self.requests = []  # (method, path with query, headers dict)
        self.intervals = []  # (path, start, end) in time.monotonic(): proves requests overlapped
        self.latency = 0.0  # added to every request
        self.served = {}  # exact path -> (status, content type, body bytes): answers recorded from real services
        self.lock = threading.Lock()
        self.stopping = threading.Event()  # ends the faults that hold a connection (silent, drip)
        self.httpd = _Server(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.stub = self
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self):
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def fault(self, kind, pattern=".*", **settings):
        """Inject a fault for paths matching `pattern`; returns it (its `fired` counts hits)."""
        item = Fault(pattern=pattern, kind=kind, **settings)
        with self.lock:
            self.faults.append(item)
        return item

    def serve(self, path, body, content_type="application/json", status=200):
        """Answer GET `path` (exact, query ignored) with `body` verbatim, ahead of the modelled routes:
        for real answers (PEP 691 pages, Integrity API documents, HTML-only indexes) kept as fixtures."""
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        with self.lock:
            self.served[path] = (status, content_type, body.encode() if isinstance(body, str) else body)

    def clear_faults(self):
        with self.lock:
            self.faults.clear()

    def paths(self):
        return [path for _, path, _ in self.requests]

    def _take_faults(self, path):
        with self.lock:
            hits = [item for item in self.faults if item.matches(path)]
            for item in hits:
                item.fired += 1
        return hits


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "pypi-ops-stub/1"

    def log_message(self, *args):  # keep test output clean
        pass

    # -- plumbing

    def send(self, status, body=b"", content_type="application/json", headers=None):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        if getattr(self, "capture", None) is not None:  # modelled(): keep the answer instead of sending it
            self.capture.append((status, content_type, dict(headers or {}), body))
            return None
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def not_found(self, message="Not Found"):
        self.send(404, {"message": message}, headers={})

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        start = time.monotonic()
        try:
            self.answer()
        finally:
            with self.server.stub.lock:
                self.server.stub.intervals.append((self.path, start, time.monotonic()))

    def answer(self):
        stub = self.server.stub
        with stub.lock:
            stub.requests.append((self.command, self.path, dict(self.headers.items())))
        path = urlsplit(self.path).path
        if stub.latency:
            time.sleep(stub.latency)
        for item in stub._take_faults(path):
            if item.kind == "latency":
                time.sleep(item.seconds)
                continue
            return self.misbehave(item)
        try:
            if path in stub.served:
                status, content_type, body = stub.served[path]
                return self.send(status, body, content_type=content_type)
            self.route()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def misbehave(self, item):
        if item.kind == "status":
            return self.send(item.status, item.body or json.dumps({"message": f"injected {item.status}"}).encode(),
                             headers=item.headers)
        if item.kind == "rate-limit":
            reset = str(int(time.time()) + 3600)
            headers = {"X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "0", "X-RateLimit-Used": "60",
                       "X-RateLimit-Reset": reset, "X-RateLimit-Resource": "core"}
            if item.status == 429:
                headers["Retry-After"] = "60"
            headers.update(item.headers)
            body = {"message": "API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated "
                               "requests get a higher rate limit. Check out the documentation for more details.)",
                    "documentation_url": "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"}
            return self.send(item.status if item.status in (403, 429) else 403, body, headers=headers)
        if item.kind == "html":
            page = "<!DOCTYPE html><html><head><title>Sign in</title></head><body>Captive portal</body></html>"
            return self.send(200, page, content_type="text/html; charset=utf-8")
        if item.kind == "malformed":
            return self.send(200, b'{"meta": {"api-version": "1.1"}, "files": [', content_type=SIMPLE_JSON)
        if item.kind == "truncated":
            body = b'{"meta": {"api-version": "1.1"}, "name": "x", "files": []}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body) + 500))
            self.end_headers()
            self.wfile.write(body[:20])
            self.wfile.flush()
            self.close_connection = True
            return None
        if item.kind == "close":
            self.close_connection = True
            try:
                self.connection.shutdown(2)
            except OSError:
                pass
            return None
        if item.kind in HOSTILE_KINDS:
            try:
                return getattr(self, "fault_" + item.kind.replace("-", "_"))(item)
            except (BrokenPipeError, ConnectionResetError):
                return None
        raise ValueError(f"unknown fault kind {item.kind!r}")

    # -- hostile faults (tests/test_faults.py)

    def modelled(self):
        """(status, content type, headers, body) the modelled routes would answer for this request."""
        self.capture = []
        try:
            path = unquote(urlsplit(self.path).path)
            stub = self.server.stub
            if path in stub.served:
                status, content_type, body = stub.served[path]
                return status, content_type, {}, body
            self.route()
            return self.capture[0] if self.capture else (404, "application/json", {}, b"{}")
        finally:
            self.capture = None

    def raw_answer(self, status, content_type, headers, body):
        lines = [f"HTTP/1.1 {status} {'OK' if status == 200 else 'Other'}", f"Content-Type: {content_type}",
                 f"Content-Length: {len(body)}", "Connection: close"]
        lines += [f"{key}: {value}" for key, value in headers.items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def wait(self, seconds):
        """Sleep `seconds` unless the server stops first; True when it stops."""
        return self.server.stub.stopping.wait(seconds)

    def drip_bytes(self, data, seconds):
        for index in range(len(data)):
            self.wfile.write(data[index:index + 1])
            self.wfile.flush()
            if self.wait(seconds):
                break
        self.close_connection = True

    def fault_silent(self, item):
        self.wait(item.seconds or 60.0)
        self.close_connection = True

    def fault_drip(self, item):
        status, content_type, headers, body = self.modelled()
        self.wfile.write(self.raw_answer(status, content_type, headers, body))
        self.drip_bytes(body, item.seconds or 1.0)

    def fault_drip_headers(self, item):
        status, content_type, headers, body = self.modelled()
        self.drip_bytes(self.raw_answer(status, content_type, headers, body) + body, item.seconds or 1.0)

    def fault_bare(self, item):
        headers = dict(item.headers)
        content_type = headers.pop("Content-Type", "text/plain")
        self.send(item.status, item.body, content_type=content_type, headers=headers)

    def fault_big(self, item):
        status, content_type, headers, body = self.modelled()
        if item.seconds and self.wait(item.seconds):
            return None
        body = grow(body, item.size or 30 << 20)
        self.send(status, body, content_type=content_type, headers=headers)

    def fault_gzip_bomb(self, item):
        path = urlsplit(self.path).path
        content_type = SIMPLE_JSON if path.startswith("/simple/") else "application/json"
        self.send(200, gzip_bomb(item.size or 64 << 20), content_type=content_type,
                  headers={"Content-Encoding": "gzip"})

    def fault_deep(self, item):
        depth = item.size or 100_000
        path = urlsplit(self.path).path
        content_type = SIMPLE_JSON if path.startswith("/simple/") else "application/json"
        body = (b'{"meta": {"api-version": "1.1"}, "name": "x", "releases": {}, "files": ' + b"[" * depth
                + b"]" * depth + b"}")
        self.send(200, body, content_type=content_type)

    def fault_redirect(self, item):
        location = item.location.replace("{path}", self.path) if item.location else self.path
        self.send(302, b"", content_type="text/plain", headers={"Location": location})

    def route(self):
        path = unquote(urlsplit(self.path).path)
        query = parse_qs(urlsplit(self.path).query)
        for pattern, handler in _ROUTES:
            match = re.fullmatch(pattern, path)
            if match:
                return handler(self, *match.groups(), query=query)
        return self.not_found()

    # -- the index

    def simple(self, name, query):
        stub = self.server.stub
        normalized = canonicalize_name(name)
        if name != normalized:
            return self.send(301, b"", content_type="text/plain", headers={"Location": f"/simple/{normalized}/"})
        project = stub.index.project(name, create=False)
        if project is None:
            return self.send(404, "404 Not Found", content_type="text/plain")
        with stub.lock:
            project.simple_hits += 1
        accept = self.headers.get("Accept", "")
        if SIMPLE_JSON in accept:
            return self.send(200, self.simple_json(project), content_type=SIMPLE_JSON,
                             headers={"Vary": "Accept"})
        return self.send(200, self.simple_html(project), content_type="text/html", headers={"Vary": "Accept"})

    def file_url(self, project, item):
        return f"{self.server.stub.url}/files/{canonicalize_name(project.name)}/{item.filename}"

    def provenance_url(self, project, item):
        return (f"{self.server.stub.url}/integrity/{canonicalize_name(project.name)}/{item.version}/"
                f"{item.filename}/provenance")

    def simple_json(self, project):
        index = self.server.stub.index
        meta = {"api-version": index.api_version, "_last-serial": len(project.files)}
        document = {"meta": meta, "name": canonicalize_name(project.name), "files": []}
        if _at_least(index, "1.1"):
            document["versions"] = index.versions(project)
        if project.status and _at_least(index, "1.4"):
            document["project-status"] = {"status": project.status}
            if project.status_reason:
                document["project-status"]["reason"] = project.status_reason
        for item in project.listed():
            entry = {"filename": item.filename, "url": self.file_url(project, item),
                     "hashes": {"sha256": item.sha256}, "requires-python": item.requires_python,
                     "yanked": item.yanked, "core-metadata": False, "data-dist-info-metadata": False}
            if _at_least(index, "1.1"):
                entry["size"] = len(item.content)
                entry["upload-time"] = item.upload_time
            if index.provenance_in_simple and _at_least(index, "1.3"):
                entry["provenance"] = self.provenance_url(project, item) if item.provenance else None
            document["files"].append(entry)
        return document

    def simple_html(self, project):
        index = self.server.stub.index
        name = canonicalize_name(project.name)
        lines = ["<!DOCTYPE html>", "<html>", "  <head>",
                 f'    <meta name="pypi:repository-version" content="{index.api_version}">']
        if project.status and _at_least(index, "1.4"):
            lines.append(f'    <meta name="pypi:project-status" content="{project.status}">')
        lines += [f"    <title>Links for {name}</title>", "  </head>", "  <body>", f"    <h1>Links for {name}</h1>"]
        for item in project.listed():
            attributes = f'href="{self.file_url(project, item)}#sha256={item.sha256}"'
            if item.requires_python:
                attributes += f' data-requires-python="{html.escape(item.requires_python)}"'
            if item.yanked is not False:
                attributes += f' data-yanked="{html.escape(item.yanked if isinstance(item.yanked, str) else "")}"'
            lines.append(f"    <a {attributes}>{item.filename}</a><br />")
        lines += ["  </body>", "</html>", ""]
        return "\n".join(lines)

    def json_file(self, project, item):
        return {"filename": item.filename, "url": self.file_url(project, item),
                "digests": {"sha256": item.sha256}, "size": len(item.content),
                "packagetype": "bdist_wheel" if item.filename.endswith(".whl") else "sdist",
                "python_version": "py3" if item.filename.endswith(".whl") else "source",
                "requires_python": item.requires_python, "upload_time_iso_8601": item.upload_time,
                "yanked": item.yanked is not False,
                "yanked_reason": item.yanked if isinstance(item.yanked, str) else None}

    def pypi_json(self, name, query, version=None):
        stub = self.server.stub
        normalized = canonicalize_name(name)
        if name != normalized:
            suffix = f"{version}/json" if version else "json"
            return self.send(301, b"", content_type="text/plain",
                             headers={"Location": f"/pypi/{normalized}/{suffix}"})
        project = stub.index.project(name, create=False)
        if project is None or not stub.index.serve_json_api or (version and not stub.index.serve_version_json):
            return self.send(404, {"message": "Not Found"})
        versions = stub.index.versions(project)
        if version is not None and version not in versions:
            return self.send(404, {"message": "Not Found"})
        latest = max(versions, key=Version) if versions else None
        shown = version or latest
        releases = {v: [self.json_file(project, f) for f in project.listed() if f.version == v] for v in versions}
        document = {"info": {"name": project.name, "version": shown, "summary": "stub project",
                             "yanked": False, "project_urls": None},
                    "last_serial": len(project.files), "urls": releases.get(shown, []),
                    "vulnerabilities": []}
        if version is None:
            document["releases"] = releases
        return self.send(200, document)

    def pypi_version_json(self, name, version, query):
        return self.pypi_json(name, query, version=version)

    def integrity(self, name, version, filename, query):
        stub = self.server.stub
        project = stub.index.project(name, create=False)
        if project is None or not stub.index.serve_integrity:
            return self.send(404, {"message": "Not Found"})
        for item in project.files:
            if item.filename == filename and item.version == version:
                if item.provenance is None:
                    return self.send(404, {"message": "No provenance available for " + filename})
                return self.send(200, bind_statements(item.provenance, item.filename, item.sha256),
                                 content_type="application/vnd.pypi.integrity.v1+json")
        return self.send(404, {"message": "Not Found"})

    def files(self, name, filename, query):
        project = self.server.stub.index.project(name, create=False)
        for item in project.files if project else []:
            if item.filename == filename:
                return self.send(200, item.content, content_type="application/octet-stream")
        return self.send(404, "Not Found", content_type="text/plain")

    # -- GitHub

    def gh_repo(self, owner, name):
        return self.server.stub.github.repo(f"{owner}/{name}", create=False)

    def gh_send(self, document, status=200, headers=None):
        headers = dict({"X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "59",
                        "X-GitHub-Media-Type": "github.v3"}, **(headers or {}))
        return self.send(status, document, content_type="application/json; charset=utf-8", headers=headers)

    def gh_missing(self):
        return self.gh_send({"message": "Not Found",
                             "documentation_url": "https://docs.github.com/rest", "status": "404"}, status=404)

    def gh_ref_document(self, repo, owner, name, ref_name):
        tag = repo.tags[ref_name]
        kind = "tag" if tag["annotated"] else "commit"
        base = f"{self.server.stub.url}/repos/{owner}/{name}"
        url = f"{base}/git/tags/{tag['sha']}" if tag["annotated"] else f"{base}/git/commits/{tag['sha']}"
        return {"ref": f"refs/tags/{ref_name}", "node_id": "REF_stub", "url": f"{base}/git/refs/tags/{ref_name}",
                "object": {"sha": tag["sha"], "type": kind, "url": url}}

    def gh_git_ref(self, owner, name, kind, ref_name, query):
        repo = self.gh_repo(owner, name)
        if repo is None:
            return self.gh_missing()
        if kind == "tags" and ref_name in repo.tags:
            return self.gh_send(self.gh_ref_document(repo, owner, name, ref_name))
        if kind == "heads" and ref_name in repo.branches:
            sha = repo.branches[ref_name]
            return self.gh_send({"ref": f"refs/heads/{ref_name}", "object": {"sha": sha, "type": "commit"}})
        return self.gh_missing()

    def gh_git_refs(self, owner, name, kind, prefix, query):
        """`git/refs/tags/<prefix>` and `git/matching-refs/tags/<prefix>` list refs starting with prefix."""
        repo = self.gh_repo(owner, name)
        if repo is None:
            return self.gh_missing()
        if kind != "tags":
            return self.gh_send([{"ref": f"refs/heads/{b}", "object": {"sha": s, "type": "commit"}}
                                 for b, s in repo.branches.items() if b.startswith(prefix)])
        found = [self.gh_ref_document(repo, owner, name, t) for t in repo.tags if t.startswith(prefix)]
        if "/matching-refs/" not in self.path and not found:
            return self.gh_missing()
        if "/matching-refs/" not in self.path and len(found) == 1 and found[0]["ref"] == f"refs/tags/{prefix}":
            return self.gh_send(found[0])
        return self.gh_send(found)

    def gh_tag_object(self, owner, name, sha, query):
        repo = self.gh_repo(owner, name)
        if repo is None or sha not in repo.tag_objects:
            return self.gh_missing()
        item = repo.tag_objects[sha]
        return self.gh_send({"sha": sha, "tag": item["tag"], "message": f"Release {item['tag']}\n",
                             "tagger": {"name": "stub", "email": "stub@example.invalid",
                                        "date": "2024-01-02T03:04:05Z"},
                             "object": {"sha": item["commit"], "type": "commit"},
                             "verification": {"verified": False, "reason": "unsigned"}})

    def paginate(self, items, query):
        per_page = min(int(query.get("per_page", [self.server.stub.github.per_page_default])[0]), 100)
        page = int(query.get("page", ["1"])[0])
        chunk = items[(page - 1) * per_page: page * per_page]
        headers = {}
        if page * per_page < len(items):
            base = self.path.split("?")[0]
            headers["Link"] = (f'<{self.server.stub.url}{base}?per_page={per_page}&page={page + 1}>; rel="next", '
                               f'<{self.server.stub.url}{base}?per_page={per_page}&page='
                               f'{(len(items) + per_page - 1) // per_page}>; rel="last"')
        return self.gh_send(chunk, headers=headers)

    def gh_tags(self, owner, name, query):
        repo = self.gh_repo(owner, name)
        if repo is None:
            return self.gh_missing()
        items = [{"name": t, "commit": {"sha": v["commit"], "url": f"{self.server.stub.url}/repos/{owner}/{name}/"
                                                                  f"commits/{v['commit']}"},
                  "zipball_url": "", "tarball_url": "", "node_id": "TAG_stub"}
                 for t, v in reversed(list(repo.tags.items()))]
        return self.paginate(items, query)

    def gh_branches(self, owner, name, query):
        repo = self.gh_repo(owner, name)
        if repo is None:
            return self.gh_missing()
        items = [{"name": b, "commit": {"sha": s}, "protected": False} for b, s in repo.branches.items()]
        return self.paginate(items, query)

    def gh_commit(self, owner, name, ref, query):
        repo = self.gh_repo(owner, name)
        if repo is None:
            return self.gh_missing()
        sha = repo.branches.get(ref) or (repo.tags[ref]["commit"] if ref in repo.tags else ref)
        if sha not in repo.commits:
            return self.gh_send({"message": f"No commit found for SHA: {ref}",
                                 "documentation_url": "https://docs.github.com/rest/commits/commits#get-a-commit",
                                 "status": "422"}, status=422)
        commit = repo.commits[sha]
        return self.gh_send({"sha": sha, "commit": {"message": commit.message,
                                                     "author": {"date": commit.date}},
                             "parents": [{"sha": p} for p in commit.parents]})

    def gh_compare(self, owner, name, base, head, query):
        repo = self.gh_repo(owner, name)
        if repo is None:
            return self.gh_missing()

        def resolve(ref):
            return repo.branches.get(ref) or (repo.tags[ref]["commit"] if ref in repo.tags else ref)

        base_sha, head_sha = resolve(base), resolve(head)
        if base_sha not in repo.commits or head_sha not in repo.commits:
            return self.gh_missing()
        if base_sha == head_sha:
            status = "identical"
        elif head_sha in repo.ancestors(base_sha):
            status = "behind"
        elif base_sha in repo.ancestors(head_sha):
            status = "ahead"
        else:
            status = "diverged"
        return self.gh_send({"status": status, "ahead_by": 0, "behind_by": 0,
                             "base_commit": {"sha": base_sha}, "merge_base_commit": {"sha": base_sha}})

    def gh_releases(self, owner, name, query):
        repo = self.gh_repo(owner, name)
        if repo is None:
            return self.gh_missing()
        return self.paginate(repo.releases, query)

    def gh_latest_release(self, owner, name, query):
        repo = self.gh_repo(owner, name)
        if repo is None:
            return self.gh_missing()
        for release in repo.releases:
            if not release["prerelease"] and not release["draft"]:
                return self.gh_send(release)
        return self.gh_missing()

    def gh_repository(self, owner, name, query):
        repo = self.gh_repo(owner, name)
        if repo is None:
            return self.gh_missing()
        return self.gh_send({"full_name": repo.full_name, "default_branch": repo.default_branch,
                             "archived": False})


    # -- a container registry

    def registry_manifest(self, repository, reference, query):
        registry = self.server.stub.registry
        if registry.require_token and self.headers.get("Authorization") != f"Bearer {registry.token}":
            challenge = (f'Bearer realm="{self.server.stub.url}/registry/token",service="stub-registry",'
                         f'scope="repository:{repository}:pull"')
            return self.send(401, {"errors": [{"code": "UNAUTHORIZED", "message": "authentication required"}]},
                             headers={"WWW-Authenticate": challenge})
        body = registry.manifests.get((repository, reference))
        if body is None:
            return self.send(404, {"errors": [{"code": "MANIFEST_UNKNOWN", "message": "manifest unknown"}]})
        digest = "sha256:" + hashlib.sha256(body).hexdigest()
        return self.send(200, body, content_type=registry.MEDIA_TYPE, headers={"Docker-Content-Digest": digest})

    def registry_token(self, query):
        token = self.server.stub.registry.token
        return self.send(200, {"token": token, "access_token": token, "expires_in": 300})


HOSTILE_KINDS = ("silent", "drip", "drip-headers", "bare", "big", "gzip-bomb", "deep", "redirect")
_GROWN = {}
_BOMBS = {}


def grow(body, size):
    """A modelled JSON answer grown to about `size` bytes, still valid and listing everything it listed: a PEP
    691 page or JSON API document gains files of other versions (0.0.0.N), a GitHub list (tags, branches) gains
    entries named pad-N; any other answer is left as it is. (The added part is built once per size and project
    and spliced in: a fault test must not spend its time here.)"""
    document = json.loads(body)
    mark = '"__pypi_ops_filler__"'
    name = str(document.get("name") or document.get("info", {}).get("name") or "x") if isinstance(
        document, dict) else "x"
    stem = re.sub(r"[-_.]+", "_", canonicalize_name(name))
    count = size // 300
    text = None
    if isinstance(document, dict) and isinstance(document.get("files"), list):
        document["files"].append(mark[1:-1])
        if isinstance(document.get("versions"), list):
            document["versions"].append(mark[1:-1] + "v")
        text = json.dumps(document).replace(mark, _filler("files", stem, count), 1).replace(
            mark[:-1] + 'v"', _filler("versions", stem, count), 1)
    elif isinstance(document, dict) and isinstance(document.get("releases"), dict):
        document["releases"][mark[1:-1]] = None
        text = json.dumps(document).replace(mark + ": null", _filler("releases", stem, count), 1)
    elif isinstance(document, list):  # a GitHub list (tags, branches): more entries of the same shape
        document.append(mark[1:-1])
        text = json.dumps(document).replace(mark, _filler("github", stem, count * 3), 1)
    return body if text is None else text.encode()


def _filler(kind, stem, count):
    """The comma-separated JSON items grow() splices in (cached)."""
    key = (kind, stem, count)
    if key not in _GROWN:
        entry = {"filename": "", "url": "https://files.invalid/x", "hashes": {"sha256": "0" * 64},
                 "requires-python": None, "yanked": False, "core-metadata": False, "size": 1,
                 "upload-time": "2020-01-01T00:00:00.000000Z"}
        if kind == "files":
            items = (json.dumps(dict(entry, filename=f"{stem}-0.0.0.{n}.tar.gz")) for n in range(count))
        elif kind == "versions":
            items = (f'"0.0.0.{n}"' for n in range(count))
        elif kind == "releases":
            items = (f'"0.0.0.{n}": [{json.dumps(dict(entry, filename=f"{stem}-0.0.0.{n}.tar.gz"))}]'
                     for n in range(count))
        else:
            items = (json.dumps({"name": f"pad-{n}", "commit": {"sha": "0" * 40, "url": entry["url"]}})
                     for n in range(count))
        _GROWN[key] = ", ".join(items)
    return _GROWN[key]


def gzip_bomb(size):
    """`size` zero bytes, gzip-compressed (about a thousandth of the size)."""
    if size not in _BOMBS:
        _BOMBS[size] = gzip.compress(bytes(size), compresslevel=9)
    return _BOMBS[size]


_SEGMENT = r"([^/]+)"
_ROUTES = [
    (r"/simple/([^/]+)/?", _Handler.simple),
    (r"/pypi/([^/]+)/json/?", _Handler.pypi_json),
    (r"/pypi/([^/]+)/([^/]+)/json/?", _Handler.pypi_version_json),
    (r"/integrity/([^/]+)/([^/]+)/([^/]+)/provenance/?", _Handler.integrity),
    (r"/files/([^/]+)/([^/]+)", _Handler.files),
    (rf"/repos/{_SEGMENT}/{_SEGMENT}/git/ref/(tags|heads)/(.+)", _Handler.gh_git_ref),
    (rf"/repos/{_SEGMENT}/{_SEGMENT}/git/(?:refs|matching-refs)/(tags|heads)/(.*)", _Handler.gh_git_refs),
    (rf"/repos/{_SEGMENT}/{_SEGMENT}/git/tags/([0-9a-f]{{40}})", _Handler.gh_tag_object),
    (rf"/repos/{_SEGMENT}/{_SEGMENT}/tags", _Handler.gh_tags),
    (rf"/repos/{_SEGMENT}/{_SEGMENT}/branches", _Handler.gh_branches),
    (rf"/repos/{_SEGMENT}/{_SEGMENT}/commits/(.+)", _Handler.gh_commit),
    (rf"/repos/{_SEGMENT}/{_SEGMENT}/compare/(.+)\.\.\.(.+)", _Handler.gh_compare),
    (rf"/repos/{_SEGMENT}/{_SEGMENT}/releases/latest", _Handler.gh_latest_release),
    (rf"/repos/{_SEGMENT}/{_SEGMENT}/releases", _Handler.gh_releases),
    (rf"/repos/{_SEGMENT}/{_SEGMENT}", _Handler.gh_repository),
    (r"/v2/(.+)/manifests/([^/]+)", _Handler.registry_manifest),
    (r"/registry/token", _Handler.registry_token),
]


PLACEHOLDER_STATEMENT = "eyJzdHViIjp0cnVlfQ=="  # {"stub":true}: replaced by a real statement when served
PUBLISH_PREDICATE = "https://docs.pypi.org/attestations/publish/v1"


def publish_statement(filename, sha256, predicate_type=PUBLISH_PREDICATE):
    """The base64 in-toto statement a PyPI publish attestation signs (shape of docs.pypi.org/api/integrity)."""
    import base64
    statement = {"_type": "https://in-toto.io/Statement/v1",
                 "subject": [{"name": filename, "digest": {"sha256": sha256}}],
                 "predicateType": predicate_type, "predicate": None}
    return base64.b64encode(json.dumps(statement, separators=(",", ":")).encode()).decode()


def bind_statements(provenance, filename, sha256):
    """The provenance as served: placeholder statements become real ones naming this file and its sha256
    (tests that want a statement for another file set `envelope.statement` themselves)."""
    document = json.loads(json.dumps(provenance))
    for bundle in document.get("attestation_bundles", []) if isinstance(document, dict) else []:
        for attestation in bundle.get("attestations", []) if isinstance(bundle, dict) else []:
            envelope = attestation.get("envelope") if isinstance(attestation, dict) else None
            if isinstance(envelope, dict) and envelope.get("statement") == PLACEHOLDER_STATEMENT:
                envelope["statement"] = publish_statement(filename, sha256)
    return document


def attestation_provenance(repository, workflow, environment=None, kind="GitHub"):
    """An Integrity API answer in the real shape: one bundle with its publisher and attestations."""
    return {"version": 1, "attestation_bundles": [{
        "publisher": {"kind": kind, "repository": repository, "workflow": workflow,
                      "environment": environment, "claims": None},
        "attestations": [{"version": 1, "verification_material": {"certificate": "MIIstub", "transparency_entries": []},
                          "envelope": {"statement": PLACEHOLDER_STATEMENT, "signature": "c3R1Yg=="}}]}]}
