"""A release listed with more files than verify-release reads provenance for: unknown (exit 7), and not one
Integrity API request per listed file (a hostile index must not turn one run into thousands of requests)."""

from __future__ import annotations

from conftest import run_script

NAME, VERSION = "demo-package", "1.0.0"


def test_more_files_than_the_bound_is_unknown_without_a_request_per_file(stub):
    filenames = [f"demo_package-1.0.0-py3-none-manylinux_2_{n}_x86_64.whl" for n in range(1001)]
    stub.index.add_release(NAME, VERSION, filenames=filenames)
    result = run_script("verify-release", "--json", "--index-url", stub.url, NAME, VERSION)
    assert result.returncode == 7, result.stdout + result.stderr
    checks = {check["check"]: check for check in result.json["data"]}
    assert checks["provenance"]["status"] == "unknown"
    assert "more than the 1000 read" in result.stdout
    assert not [path for path in stub.paths() if path.startswith("/integrity/")]
    assert "Traceback" not in result.stderr
