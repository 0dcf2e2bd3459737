"""Wall time of a full offline preflight run on the demo package, interpreter start included."""

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "publish-preflight.py"
DEMO = ROOT / "examples" / "demo-package"

times = []
for _ in range(7):
    start = time.perf_counter()
    subprocess.run([sys.executable, str(SCRIPT), "--offline", "-q", str(DEMO)], capture_output=True)
    times.append(time.perf_counter() - start)
print(f"   preflight --offline on the demo package: median {statistics.median(times) * 1000:.0f} ms "
      f"(target < 300 ms) over {len(times)} runs")
