"""diagnose-publish on generated logs: a 100 MB raw log, the same with a failure pasted from a terminal (no runner
marker: the client's own words must carry it), and a typical 5,000-line log.

Wall time includes interpreter start; peak RSS is the child's own (os.wait4). Targets: 100 MB under 3 s
and 100 MB RSS; 5,000 lines under 0.15 s. The logs are generated in a temporary directory at bench time."""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "diagnose-publish.py"

NOISE = [
    "Collecting requests>=2.31 (from -r requirements.txt (line 3))",
    "  Downloading requests-2.32.3-py3-none-any.whl.metadata (4.6 kB)",
    "gcc -pthread -fno-strict-overflow -Wsign-compare -DNDEBUG -g -O3 -Wall -fPIC -Werror=format-security "
    "-I/usr/include/python3.12 -c src/_speedups.c -o build/temp.linux-x86_64-cpython-312/src/_speedups.o",
    "src/_speedups.c:120:5: warning: unused variable 'tmp' [-Wunused-variable]",
    "tests/test_core.py::test_parse[case-17] PASSED                                   [ 42%]",
    "copying src/demo_package/__init__.py -> build/lib.linux-x86_64-cpython-312/demo_package",
    "Successfully installed certifi-2024.8.30 charset-normalizer-3.4.0 idna-3.10 requests-2.32.3",
    "   Compiling serde_json v1.0.128",
]
FAILURE = [
    "##[group]Run pypa/gh-action-pypi-publish@76f52bc884231f62b9a034ebfe128415bbaabdfc",
    "with:",
    "  packages-dir: dist/",
    "##[endgroup]",
    "Checking dist/demo_package-1.0.0-py3-none-any.whl: PASSED",
    "Uploading distributions to https://upload.pypi.org/legacy/",
    "\x1b[33mWARNING \x1b[0m Error during upload. Retry with the --verbose option for more details.",
    "\x1b[31mERROR   \x1b[0m HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/",
    "         File already exists ('demo_package-1.0.0-py3-none-any.whl', with blake2_256 hash",
    "         '5a7bbaef507494a1537153ff244041fb127f06217b6aa6e316b1c7b0f27c45c0'). See",
    "         https://pypi.org/help/#file-name-reuse for more information.",
    "##[error]Process completed with exit code 1.",
]
# a twine run pasted from a terminal, no GitHub marker (tests/fixtures/diagnose/real/auth-403-old-bare-terminal.log)
PASTED = [
    "HTTPError: 403 Forbidden from https://upload.pypi.org/legacy/",
    "Invalid or non-existent authentication information. See https://pypi.org/help/#invalid-auth for more information.",
]


def write_log(path, noise_lines=None, size=None, failure=FAILURE):
    counter = 0
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        written = 0
        while (size is not None and written < size) or (noise_lines is not None and counter < noise_lines):
            if counter % 2000 == 0:
                line = "##[group]Run pip install -r requirements.txt" if counter % 4000 == 0 else "##[endgroup]"
            else:
                line = NOISE[counter % len(NOISE)]
            stamp = f"2026-02-03T05:{counter // 600000 % 60:02d}:{counter // 10000 % 60:02d}"
            text = f"{stamp}.{counter % 10000000:07d}Z {line}\n"
            handle.write(text)
            written += len(text)
            counter += 1
        for line in failure:
            handle.write(f"2026-02-03T06:00:00.0000000Z {line}\n" if failure is FAILURE else f"{line}\n")


def measure(log):
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, str(SCRIPT), "-q", str(log)], stdout=subprocess.PIPE)
    output = process.stdout.read()
    process.stdout.close()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    rss_mb = usage.ru_maxrss / 1024 if sys.platform != "darwin" else usage.ru_maxrss / (1 << 20)
    code = os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else status
    return elapsed, rss_mb, code, output


with tempfile.TemporaryDirectory() as tmp:
    big, small = Path(tmp) / "big.log", Path(tmp) / "small.log"
    write_log(big, size=100 * 1000 * 1000)
    write_log(small, noise_lines=5000 - len(FAILURE))
    runs = [measure(small) for _ in range(7)]
    wall = statistics.median(run[0] for run in runs)
    first = runs[0][3].decode().split("\t", 1)[0]
    print(f"   5,000-line log: median {wall * 1000:.0f} ms (target < 150 ms), peak RSS {runs[0][1]:.0f} MB, "
          f"exit {runs[0][2]}, class {first}")
    elapsed, rss, status, output = measure(big)
    print(f"   100 MB log ({big.stat().st_size / 1e6:.0f} MB): {elapsed:.2f} s (target < 3 s), "
          f"peak RSS {rss:.0f} MB (target < 100 MB), exit {status}, class {output.decode().split(chr(9), 1)[0]}")
    pasted = Path(tmp) / "pasted.log"
    big.unlink()  # one 100 MB file at a time
    write_log(pasted, size=100 * 1000 * 1000, failure=PASTED)
    elapsed, rss, status, output = measure(pasted)
    print(f"   100 MB log ending in a terminal paste: {elapsed:.2f} s (target < 3 s), peak RSS {rss:.0f} MB, "
          f"exit {status} (must be 10), class {output.decode().split(chr(9), 1)[0]}")
