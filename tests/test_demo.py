"""`make demo` must keep working: it runs every script on the bundled example package."""

import subprocess
import sys

from conftest import ROOT


def test_demo_runs_every_script_and_answers_as_expected():
    done = subprocess.run([sys.executable, str(ROOT / "examples" / "demo.py")], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    for marker in ("READY to tag 0.3.0", "VERIFIED", "action pins ok", "primary: PENDING_PUBLISHER"):
        assert marker in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    assert subprocess.run(["git", "status", "--porcelain", "--", "examples"], capture_output=True, text=True,
                          cwd=ROOT).stdout == ""
