"""Wall time of verify-release.py on a 40-file release, against the local stand-in with 50 ms per request."""

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
PLATFORMS = ["manylinux_2_17_x86_64.manylinux2014_x86_64", "manylinux_2_17_aarch64.manylinux2014_aarch64",
             "musllinux_1_2_x86_64", "musllinux_1_2_aarch64", "macosx_11_0_arm64", "macosx_10_9_x86_64",
             "win_amd64", "win_arm64"]
FILES = ["demo_package-1.0.0.tar.gz"] + [f"demo_package-1.0.0-cp3{minor}-cp3{minor}-{platform}.whl"
                                         for minor in range(9, 14) for platform in PLATFORMS][:39]

with StubServer() as stub:
    stub.index.add_release("demo-package", "1.0.0", filenames=FILES,
                           provenance=lambda filename: attestation_provenance("octo-org/demo-package",
                                                                              "publish.yml", "pypi"))
    stub.latency = LATENCY
    command = [sys.executable, str(SCRIPT), "-q", "--index-url", stub.url, "--offline-provenance",
               "--repository", "octo-org/demo-package", "--workflow", "publish.yml", "--environment", "pypi",
               "demo-package", "1.0.0"]
    times, codes = [], set()
    for _ in range(5):
        before = len(stub.requests)
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        codes.add(done.returncode)
        requests = len(stub.requests) - before

serial = requests * LATENCY
print(f"   verify of {len(FILES)} files, {requests} requests at {LATENCY * 1000:.0f} ms each: "
      f"median {statistics.median(times) * 1000:.0f} ms, best {min(times) * 1000:.0f} ms "
      f"(target < 1000 ms; one request at a time would need >= {serial * 1000:.0f} ms); exit codes {sorted(codes)}")
