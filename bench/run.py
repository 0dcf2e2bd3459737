"""make bench: run every bench/bench_*.py and print its figures (no pass/fail thresholds here)."""

import runpy
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

benches = sorted(HERE.glob("bench_*.py"))
if not benches:
    print("no benchmarks yet")
for bench in benches:
    print(f"== {bench.stem}")
    start = time.perf_counter()
    runpy.run_path(str(bench), run_name="__main__")
    print(f"   ({time.perf_counter() - start:.1f} s in all)")
