"""check-action-pins: 30 distinct pins --live against the GitHub stand-in with 100 ms per request,
and --offline over 200 generated workflow files. Wall time includes interpreter start."""

import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from stubs import StubServer  # noqa: E402

SCRIPT = ROOT / "scripts" / "check-action-pins.py"
PINS = 30


def timed(args, env=None, runs=5):
    times, status = [], None
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True,
                              env=dict(os.environ, **(env or {})))
        times.append(time.perf_counter() - start)
        status = done.returncode
    return statistics.median(times), status


def live_bench(folder):
    lines = ["on: push", "jobs:", "  build:", "    runs-on: ubuntu-latest", "    steps:"]
    with StubServer() as stub:
        for number in range(PINS):
            repo = stub.github.repo(f"octo-org/action-{number}")
            first, second = repo.chain("one", "two")
            repo.tag("v1.0.0", first)
            repo.tag("v1.1.0", second, annotated=number % 2 == 0)  # half need peeling
            repo.release("v1.0.0")
            repo.release("v1.1.0")
            lines.append(f"      - uses: octo-org/action-{number}@{second} # v1.1.0")
        path = folder / "live.yml"
        path.write_text("\n".join(lines) + "\n")
        stub.latency = 0.1
        median, status = timed(["--live", "-q", str(path)], env={"GITHUB_API_URL": stub.url})
        requests = len(stub.requests) // 5
    print(f"   --live, {PINS} distinct pins, 100 ms per request: median {median * 1000:.0f} ms "
          f"(target < 1000 ms), {requests} requests per run, exit {status}")


def offline_bench(folder):
    workflows = folder / "repo" / ".github" / "workflows"
    workflows.mkdir(parents=True)
    for number in range(200):
        steps = []
        for step in range(6):
            sha = hashlib.sha1(f"{number}:{step}".encode()).hexdigest()
            steps.append(f"      - name: step {step}\n        uses: octo-org/action-{step}@{sha} # v1.{step}.0\n"
                         f"        with:\n          value: \"{number}\"\n      - run: |\n          echo {step}\n")
        shas = {step: hashlib.sha1(f"{number}:{step}".encode()).hexdigest() for step in (6, 7)}
        group = "".join(f"          - uses: octo-org/action-{step}@{sha} # v1.{step}.0\n            background: true\n"
                        for step, sha in shas.items())
        steps.append(f"      - parallel:\n{group}")  # a step group (2026): its steps are read like any other
        digest = hashlib.sha256(str(number).encode()).hexdigest()
        (workflows / f"wf{number}.yml").write_text(
            f"name: wf {number}\non: push\npermissions: {{}}\njobs:\n  build:\n    runs-on: ubuntu-latest\n"
            f"    services:\n      cache:\n        image: redis:8@sha256:{digest}\n"
            f"    steps:\n{''.join(steps)}")
    median, status = timed(["--offline", "-q", str(folder / "repo")])
    print(f"   --offline, 200 workflow files (1600 pins, 200 in step groups, 200 service images): "
          f"median {median * 1000:.0f} ms (target < 1000 ms), exit {status}")
    env = {"PYTHONNOUSERSITE": "1"}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-S", str(SCRIPT), "--offline", "-q", str(folder / "repo")],
                          capture_output=True, env=dict(os.environ, **env))
    print(f"   --offline, same files, standard-library reader: {(time.perf_counter() - start) * 1000:.0f} ms, "
          f"exit {done.returncode}")


with tempfile.TemporaryDirectory() as temporary:
    live_bench(Path(temporary))
    offline_bench(Path(temporary))
