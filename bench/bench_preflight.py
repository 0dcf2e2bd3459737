"""Wall time of publish-preflight runs, interpreter start included: a full offline run on the demo package
(target < 300 ms median) and a run against the local index stand-in with 200 ms added latency per request
(target < 600 ms median: the two index requests go out concurrently)."""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "publish-preflight.py"
DEMO = ROOT / "examples" / "demo-package"
sys.path.insert(0, str(ROOT / "tests"))


def median_ms(args, env=None, runs=7):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, len(times)


offline, runs = median_ms(["--offline", "-q", str(DEMO)])
print(f"   preflight --offline on the demo package: median {offline:.0f} ms (target < 300 ms) over {runs} runs")

from stubs import StubServer  # noqa: E402 - tests/ is on the path only for the benchmark

with StubServer() as stub:
    stub.index.add_release("pypi-ops-demo-package", "0.2.0")
    stub.latency = 0.2
    env = {k: v for k, v in os.environ.items() if k != "PYPI_OPS_INDEX_URL"}
    env["PYPI_OPS_INDEX_URL"] = stub.url
    online, runs = median_ms(["-q", str(DEMO)], env=env, runs=5)
    requests = len(stub.requests) / runs
print(f"   preflight against the local index (+200 ms per request): median {online:.0f} ms (target < 600 ms) "
      f"over {runs} runs, {requests:.0f} requests per run")
