"""`make lint` is part of the suite: ruff over the code, vermin holding scripts/ to Python 3.9."""

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

BIN = Path(sys.executable).parent


def tool(name):
    path = BIN / name
    if not path.exists():
        pytest.skip(f"{name} is not installed next to this interpreter (requirements-dev.txt has it)")
    return str(path)


def test_ruff_is_clean():
    done = subprocess.run([tool("ruff"), "check", "--no-cache", "scripts/", "tests/", "bench/", "examples/"],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_scripts_run_on_python_3_9():
    done = subprocess.run([tool("vermin"), "--no-tips", "--violations", "-t=3.9-", "--eval-annotations",
                           "--backport", "argparse", "--backport", "dataclasses", "scripts/"],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
