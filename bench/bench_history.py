"""Wall time of verify-release.py --history on 20 attested releases, against the local stand-in with 50 ms per
request (target: under 1 s; one request at a time would need over 1 s)."""

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from stubs import StubServer, attestation_provenance  # noqa: E402

SCRIPT = ROOT / "scripts" / "verify-release.py"
LATENCY = 0.05
RELEASES = 20

with StubServer() as stub:
    for minor in range(RELEASES):
        stub.index.add_release("demo-package", f"1.{minor}.0", upload_time=f"2025-01-{minor + 1:02d}T12:00:00Z",
                               provenance=lambda filename: attestation_provenance("octo-org/demo-package",
                                                                                  "publish.yml", "pypi"))
    stub.latency = LATENCY
    command = [sys.executable, str(SCRIPT), "-q", "--index-url", stub.url, "--history", "demo-package"]
    times, codes = [], set()
    for _ in range(5):
        before = len(stub.requests)
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        codes.add(done.returncode)
        requests = len(stub.requests) - before

serial = requests * LATENCY
print(f"   --history of {RELEASES} releases, {requests} requests at {LATENCY * 1000:.0f} ms each: "
      f"median {statistics.median(times) * 1000:.0f} ms, best {min(times) * 1000:.0f} ms "
      f"(target < 1000 ms; one request at a time would need >= {serial * 1000:.0f} ms); exit codes {sorted(codes)}")
