"""make demo: one release of the bundled example package, checked end to end with no network.

1. Copy examples/demo-package to a temporary folder, give it a git history and the tag v0.3.0,
   and drop in assets/publish.yml (the repository itself is never touched).
2. publish-preflight --offline: the local checks.
3. Start a local PyPI stand-in on 127.0.0.1 that already holds 0.1.0 and 0.2.0, and run
   publish-preflight against it: the version is free, so the repository is READY to tag.
4. Build sdist and wheel into a temporary dist/, "publish" them to the stand-in together with an
   attestation naming the demo repository, publish.yml and the pypi environment, and run
   verify-release with --dist: live, complete, signed by the expected workflow.
5. check-action-pins --offline on the workflow, and diagnose-publish on a failed run's log.

Each script's human report (its stderr) is shown as it is; stdout records are left out.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from stubs import StubServer, attestation_provenance  # noqa: E402  (the same stand-in the tests use)

SCRIPTS = ROOT / "scripts"
REPOSITORY = "octo-org/pypi-ops-demo-package"
GIT_ENV = dict(os.environ, GIT_AUTHOR_NAME="demo", GIT_AUTHOR_EMAIL="demo@example.invalid",
               GIT_COMMITTER_NAME="demo", GIT_COMMITTER_EMAIL="demo@example.invalid",
               GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")


def heading(text):
    print(f"\n== {text}", flush=True)


def script(name, *args, cwd, env=None):
    """Run one script the way a user would; show its human report; return its exit status."""
    done = subprocess.run([sys.executable, str(SCRIPTS / f"{name}.py"), *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, env=dict(os.environ, **(env or {})))
    sys.stdout.write(done.stderr)
    print(f"   -> exit {done.returncode}", flush=True)
    return done.returncode


def make_repository(work):
    repo = work / "demo-package"
    shutil.copytree(ROOT / "examples" / "demo-package", repo)
    (repo / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(ROOT / "assets" / "publish.yml", repo / ".github" / "workflows" / "publish.yml")
    for command in (["init", "-q", "-b", "main"], ["remote", "add", "origin", f"https://github.com/{REPOSITORY}.git"],
                    ["add", "-A"], ["commit", "-q", "-m", "Release 0.3.0"], ["tag", "-a", "v0.3.0", "-m", "v0.3.0"]):
        subprocess.run(["git", *command], cwd=repo, env=GIT_ENV, check=True)
    return repo


def build(repo, dist):
    """sdist and wheel of the demo, built offline with the venv's hatchling, outside the repository."""
    source = dist.parent / "build-source"
    shutil.copytree(repo, source, ignore=shutil.ignore_patterns(".git"))
    subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(source)],
                   check=True, capture_output=True)
    return sorted(dist.iterdir())


def main():
    statuses = {}
    with tempfile.TemporaryDirectory(prefix="pypi-ops-demo.") as temp:
        work = Path(temp)
        repo = make_repository(work)

        heading("publish-preflight --offline  (a copy of examples/demo-package, tagged v0.3.0)")
        statuses["preflight offline"] = script("publish-preflight", "--offline", ".", cwd=repo)

        with StubServer() as index:
            index.index.add_release("pypi-ops-demo-package", "0.1.0")
            index.index.add_release("pypi-ops-demo-package", "0.2.0")
            local = {"PYPI_OPS_INDEX_URL": index.url}

            heading(f"publish-preflight against a local index ({index.url}) that has 0.1.0 and 0.2.0")
            statuses["preflight"] = script("publish-preflight", ".", cwd=repo, env=local)

            dist = work / "dist"
            files = build(repo, dist)
            provenance = attestation_provenance(REPOSITORY, "publish.yml", "pypi")
            index.index.add_release("pypi-ops-demo-package", "0.3.0", filenames=[f.name for f in files],
                                    content={f.name: f.read_bytes() for f in files}, provenance=provenance)
            heading("verify-release --dist dist/  (after CI published 0.3.0 to the local index)")
            statuses["verify"] = script("verify-release", "--offline-provenance", "--dist", dist, ".",
                                        cwd=repo, env=local)

        heading("check-action-pins --offline .github/workflows/publish.yml")
        statuses["pins"] = script("check-action-pins", "--offline", ".github/workflows/publish.yml", cwd=repo)

        heading("diagnose-publish examples/failed-publish.log  (a run whose publisher was never registered)")
        statuses["diagnose"] = script("diagnose-publish", ROOT / "examples" / "failed-publish.log", cwd=repo)

    expected = {"preflight offline": 0, "preflight": 0, "verify": 0, "pins": 0, "diagnose": 10}
    wrong = {name: status for name, status in statuses.items() if status != expected[name]}
    print()
    if wrong:
        print(f"demo: unexpected exit statuses {wrong} (expected {expected})")
        return 1
    print("demo: every script answered as expected (diagnose exits 10 because it found the failure's class)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
