"""The HTTP stand-in itself answers like the services it replaces (shapes, redirects, faults)."""

import http.client
import json
import time
import urllib.error
import urllib.request

import pytest

from stubs import SIMPLE_JSON, attestation_provenance


def get(url, accept="*/*"):
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers, response.read(), response.geturl()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read(), error.geturl()


def test_simple_json_html_and_redirect(stub):
    stub.index.add_release("Demo.Package", "1.0.0", yanked="broken")
    stub.index.add_release("Demo.Package", "1.1.0", provenance=attestation_provenance("o/r", "publish.yml"))
    status, headers, body, final = get(f"{stub.url}/simple/Demo.Package/", SIMPLE_JSON)
    assert status == 200 and final.endswith("/simple/demo-package/")
    assert headers["Content-Type"] == SIMPLE_JSON
    document = json.loads(body)
    assert document["versions"] == ["1.0.0", "1.1.0"]
    assert document["files"][0]["yanked"] == "broken"
    assert document["files"][0]["provenance"] is None and document["files"][2]["provenance"].endswith("/provenance")
    status, headers, body, _ = get(f"{stub.url}/simple/demo-package/", "text/html")
    assert headers["Content-Type"] == "text/html" and b'data-yanked="broken"' in body
    assert get(f"{stub.url}/simple/nothing-here/")[0] == 404


def test_json_api_and_integrity(stub):
    stub.index.add_release("demo", "2.0", provenance=attestation_provenance("o/r", "publish.yml", "pypi"))
    status, _, body, _ = get(f"{stub.url}/pypi/demo/json")
    assert status == 200 and set(json.loads(body)) >= {"info", "releases", "urls"}
    status, _, body, _ = get(f"{stub.url}/integrity/demo/2.0/demo-2.0.tar.gz/provenance")
    bundle = json.loads(body)["attestation_bundles"][0]
    assert bundle["publisher"] == {"kind": "GitHub", "repository": "o/r", "workflow": "publish.yml",
                                   "environment": "pypi", "claims": None}
    stub.index.serve_version_json = False
    assert get(f"{stub.url}/pypi/demo/2.0/json")[0] == 404


def test_github_refs_and_annotated_tags(stub):
    repo = stub.github.repo("actions/checkout")
    first, second = repo.chain("one", "two")
    repo.tag("v1.0.0", first)
    object_sha = repo.tag("v2.0.0", second, annotated=True)
    status, _, body, _ = get(f"{stub.url}/repos/actions/checkout/git/ref/tags/v2.0.0")
    assert json.loads(body)["object"] == {"sha": object_sha, "type": "tag",
                                          "url": f"{stub.url}/repos/actions/checkout/git/tags/{object_sha}"}
    status, _, body, _ = get(f"{stub.url}/repos/actions/checkout/git/tags/{object_sha}")
    assert json.loads(body)["object"]["sha"] == second
    assert get(f"{stub.url}/repos/actions/checkout/git/ref/tags/v9")[0] == 404
    status, _, body, _ = get(f"{stub.url}/repos/actions/checkout/compare/{first}...{second}")
    assert json.loads(body)["status"] == "ahead"


@pytest.mark.parametrize("kind", ["html", "malformed", "rate-limit", "status"])
def test_faults_answer(stub, kind):
    stub.fault(kind, r"^/simple/", status=429 if kind == "rate-limit" else 500)
    status, headers, body, _ = get(f"{stub.url}/simple/x/", SIMPLE_JSON)
    if kind == "html":
        assert status == 200 and headers["Content-Type"].startswith("text/html")
    elif kind == "malformed":
        with pytest.raises(ValueError):
            json.loads(body)
    elif kind == "rate-limit":
        assert status == 429 and headers["X-RateLimit-Remaining"] == "0" and headers["Retry-After"]
    else:
        assert status == 500


@pytest.mark.parametrize("kind", ["truncated", "close"])
def test_faults_break_the_connection(stub, kind):
    stub.fault(kind)
    with pytest.raises((http.client.IncompleteRead, http.client.RemoteDisconnected, urllib.error.URLError,
                        ConnectionError)):
        get(f"{stub.url}/simple/x/")


def test_latency_and_request_log(stub):
    stub.fault("latency", seconds=0.2, times=1)
    start = time.monotonic()
    get(f"{stub.url}/simple/x/")
    assert time.monotonic() - start >= 0.2
    get(f"{stub.url}/simple/x/")
    assert stub.paths() == ["/simple/x/", "/simple/x/"]


def test_http_get_keeps_credentials_on_the_same_host(stub):
    """The common block's http_get must not carry Authorization across a redirect to another host."""
    import importlib.util

    from conftest import SCRIPTS
    spec = importlib.util.spec_from_file_location("preflight_for_http_get", SCRIPTS / "publish-preflight.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with type(stub)() as other:  # a second server: another host:port
        other.index.add_release("demo", "1.0")
        stub.fault("status", r"^/elsewhere/$", status=302, headers={"Location": f"{other.url}/simple/demo/"})
        stub.fault("status", r"^/here/$", status=302, headers={"Location": f"{stub.url}/simple/demo/"})
        stub.index.add_release("demo", "1.0")
        status, _, _, final = module.http_get(f"{stub.url}/elsewhere/", headers={"Authorization": "Bearer s3cret"})
        assert status == 200 and final.startswith(other.url)
        assert "Authorization" not in other.requests[-1][2]
        module.http_get(f"{stub.url}/here/", headers={"Authorization": "Bearer s3cret"})
        assert stub.requests[-1][2].get("Authorization") == "Bearer s3cret"
