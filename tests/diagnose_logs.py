"""Wrap a per-class snippet (tests/fixtures/diagnose/) into the three forms a log really comes in.

Snippet language: directive lines start with "# " (`# formats: raw gh ui`, `# password: empty`,
`# run: <script line>` for the echoed step script, `# end: success`); `::error::msg`, `::warning::msg` and
`::notice::msg` are workflow commands (msg may hold %0A newlines); lines whose level column is ERROR,
WARNING or INFO are twine's rich output (coloured here); every other line is printed as is.
"""

from __future__ import annotations

import re
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "diagnose"
FORMATS = ("raw", "gh", "ui")
JOB, STEP = "pypi-publish", "Publish distribution 📦 to PyPI"
ACTION = "pypa/gh-action-pypi-publish@76f52bc884231f62b9a034ebfe128415bbaabdfc"
COMMAND = re.compile(r"^::(error|warning|notice)(?: [^:]*)?::(.*)$")
RICH = re.compile(r"(^|: )(ERROR|WARNING|INFO)( +)")
COLOUR = {"ERROR": "31", "WARNING": "33", "INFO": "34"}


def parse(text):
    directives, body = {}, []
    for line in text.splitlines():
        if line.startswith("# ") and ":" in line:
            key, _, value = line[2:].partition(":")
            directives.setdefault(key.strip(), []).append(value.strip())
        else:
            body.append(line)
    return directives, body


def formats_of(text):
    directives, _ = parse(text)
    return directives.get("formats", [" ".join(FORMATS)])[0].split()


def _colour(line, esc):
    return RICH.sub(lambda m: f"{m.group(1)}{esc}[{COLOUR[m.group(2)]}m{m.group(2)}{m.group(3)[:-1]}{esc}[0m ", line)


def render(text, fmt):
    """The snippet as a raw step log, `gh run view --log-failed` output, or a copy from the web UI (str)."""
    directives, body = parse(text)
    esc = "\x1b" if fmt != "ui" else ""
    scripts = directives.get("run")
    echo = [f"Run {scripts[0]}" if scripts else f"Run {ACTION}"]
    if scripts:
        echo += [f"  {line}" for line in scripts] + ["  shell: /usr/bin/bash -e {0}"]
    else:
        echo += ["  with:", "    user: __token__"]
        if directives.get("password") == ["empty"]:
            echo.append("    password: ")
        echo += ["    packages-dir: dist/", "    skip-existing: false", "    verbose: false"]
    out = []
    if fmt == "ui":
        out += echo
    else:
        out.append(f"##[group]{echo[0]}")
        out += [line[2:] for line in echo[1:]]
        out.append("##[endgroup]")
    for line in body:
        command = COMMAND.match(line)
        if command:
            level, message = command.groups()
            marker = f"##[{level}]" if fmt != "ui" else f"{level.capitalize()}: "
            if fmt == "gh":
                out.append(marker + message)
            else:
                first, *rest = message.split("%0A")
                out.append(marker + first)
                out += rest
        elif RICH.search(line):
            prefix = "25h" if fmt == "ui" and line.startswith("WARNING") else ""
            out.append(prefix + _colour(line, esc).ljust(80))
        elif line.startswith("         "):
            out.append(line.ljust(80))  # rich pads wrapped lines with spaces
        else:
            out.append(line)
    if directives.get("end") != ["success"]:
        out.append("##[error]Process completed with exit code 1." if fmt != "ui"
                   else "Error: Process completed with exit code 1.")
    if fmt == "ui":
        return "\n".join(out) + "\n"
    stamped = [f"2026-02-03T05:09:{25 + i // 1000:02d}.{5549391 + i:07d}Z {line}" for i, line in enumerate(out)]
    if fmt == "gh":
        stamped = [f"{JOB}\t{STEP}\t{line}" for line in stamped]
    else:
        setup = ["2026-02-03T05:09:20.1000000Z Current runner version: '2.323.0'",
                 "2026-02-03T05:09:20.1000001Z ##[group]Operating System",
                 "2026-02-03T05:09:20.1000002Z Ubuntu",
                 "2026-02-03T05:09:20.1000003Z ##[endgroup]"]
        stamped = setup + stamped + ["2026-02-03T05:09:59.0000000Z Post job cleanup."]
    return "\n".join(stamped) + "\n"


def snippets(kind):
    return sorted((FIXTURES / kind).glob("*.txt"))
