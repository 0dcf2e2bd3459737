"""diagnose-publish.py on real failure logs pasted in public issues (tests/fixtures/diagnose/real/).

Each log keeps the real message texts; names, hashes and run links are neutral. expected.tsv records the class,
the secondary classes, the exit status, a phrase the primary evidence must show, and the issue it came from.
The prefilter test runs the script's own reading code (loaded with importlib: the script is a file, not a
module) on each log buried in clean noise, so every real message class is proved to reach the matcher.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import re

import pytest

from conftest import ROOT, run_script

REAL = ROOT / "tests" / "fixtures" / "diagnose" / "real"
SCRIPT = ROOT / "scripts" / "diagnose-publish.py"
with open(REAL / "expected.tsv", encoding="utf-8", newline="") as _handle:
    CASES = list(csv.DictReader(_handle, delimiter="\t"))
SECRET_LIKE = re.compile(r"pypi-AgE|\bgh[pousr]_[A-Za-z0-9]{16,}|github_pat_|\beyJ[A-Za-z0-9_-]{8,}\.")
REMNANTS = re.compile(r"\x1b|\[\d{1,3}m|^\d{4}-\d\d-\d\dT|^25[lh]")
# a clean line like the bench's noise: no trigger word, no runner marker
NOISE = b"2026-02-03T05:00:00.0000000Z copying src/demo_package/__init__.py -> build/lib/demo_package\n"


def load_script():
    spec = importlib.util.spec_from_file_location("diagnose_publish", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_log_is_indexed_and_covers_many_classes():
    assert sorted(case["file"] for case in CASES) == sorted(path.name for path in REAL.glob("*.log"))
    classes = {case["primary"] for case in CASES if case["primary"]}
    assert len(classes) >= 24
    assert all(case["source"].startswith("https://github.com/") for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[case["file"] for case in CASES])
def test_real_log(case):
    path = REAL / case["file"]
    result = run_script("diagnose-publish.py", "--json", str(path))
    assert "Traceback" not in result.stderr, result.stderr
    data = result.json["data"]
    assert result.returncode == int(case["exit"]), data["findings"]
    found = [finding["class"] for finding in data["findings"]]
    if not case["primary"]:
        assert found == []
        return
    assert found[0] == case["primary"], found
    assert found[1:] == [name for name in case["also"].split(",") if name], found
    first = data["evidence"][0]
    assert case["evidence"] in " ".join(item["text"] for item in data["evidence"]), data["evidence"]
    # the line number points at the physical line where the evidence starts (a wrapped message: its head)
    raw = path.read_bytes().split(b"\n")[first["line"] - 1].decode("utf-8", "replace")
    raw = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", raw)
    head = re.sub(r"\s+", " ", first["text"])[:15].strip()
    assert head in re.sub(r"\s+", " ", raw), (first, raw)
    for finding in data["findings"]:
        for item in finding["evidence"]:
            assert not REMNANTS.search(item["text"]), item
    assert not SECRET_LIKE.search(result.stdout + result.stderr)


@pytest.mark.parametrize("case", [case for case in CASES if case["primary"]], ids=lambda case: case["file"])
def test_the_prefilter_never_hides_a_real_message(case):
    """Bury the log between ~300 KB (several 64 KB chunks) of clean noise: only the prefilter's triggers (and
    the 200-line window around them) can bring it to the matcher."""
    script = load_script()
    body = (REAL / case["file"]).read_bytes()
    padding = NOISE * (300_000 // len(NOISE))
    diagnosis = script.Diagnosis()
    diagnosis.feed(io.BytesIO(padding + body + padding))
    status, findings, _, _ = script.judge(diagnosis)
    assert status == int(case["exit"])
    assert findings[0]["class"] == case["primary"]
    offset = padding.count(b"\n")
    alone = script.Diagnosis()
    alone.feed(io.BytesIO(body))
    _, plain, _, _ = script.judge(alone)
    assert [item["line"] - offset for item in findings[0]["evidence"]] == [item["line"] for item in
                                                                          plain[0]["evidence"]]


def test_every_anchor_of_the_class_table_is_a_literal_the_prefilter_or_its_window_reaches():
    """Each class's anchor, written on its own in a clean chunk with a failure line nearby, is found."""
    script = load_script()
    padding = NOISE * (300_000 // len(NOISE))
    for class_id, _, anchor, source in script.PATTERNS:
        if source is not None:
            continue  # refined anchors are exercised through the class and real fixtures
        line = f"2026-02-03T05:00:01.0000000Z {anchor}(test)\n".encode()
        log = padding + line + b"##[error]Process completed with exit code 1.\n" + padding
        diagnosis = script.Diagnosis()
        diagnosis.feed(io.BytesIO(log))
        assert class_id in diagnosis.findings, (class_id, anchor)
