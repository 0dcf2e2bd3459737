"""The fallback version order (used when packaging is missing) agrees with packaging on release tags."""

from __future__ import annotations

import importlib.util

from hypothesis import given
from hypothesis import strategies as st
from packaging.version import Version

from conftest import SCRIPTS

spec = importlib.util.spec_from_file_location("check_action_pins", SCRIPTS / "check-action-pins.py")
pins = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pins)

tags = st.builds(
    lambda release, pre, v: ("v" if v else "") + ".".join(map(str, release)) + pre,
    st.lists(st.integers(0, 30), min_size=1, max_size=4),
    st.sampled_from(["", "-rc.1", "-rc.2", "rc1", "-beta.3", "b2", "a1", "-alpha.1", ".dev4"]),
    st.booleans())


@given(tags, tags)
def test_fallback_order_matches_packaging(left, right):
    a, b = pins.FallbackVersion.parse(left.lstrip("v")), pins.FallbackVersion.parse(right.lstrip("v"))
    assert a is not None and b is not None
    expected_a, expected_b = Version(left), Version(right)
    assert (a < b) == (expected_a < expected_b)
    assert (a == b) == (expected_a == expected_b)
    assert a.is_prerelease == expected_a.is_prerelease


def test_version_comment_grammar():
    accepted = ["v6.0.2", "6.0.2", "tag=v8.1.0", "v6.0.2-rc.1", "tools/v1.4.0", "v1.0.0+build.5", "v4", "v4.1"]
    refused = ["1234", "4", "latest", "v", "issue", "tools/", "vX.Y.Z"]
    assert all(pins.VERSION_TOKEN_RE.fullmatch(token) for token in accepted)
    assert not any(pins.VERSION_TOKEN_RE.fullmatch(token) for token in refused)
    assert pins.version_in_comment("see issue 1234") is None
    assert pins.version_in_comment("pinned: tag=tools/v1.4.0").group("tag") == "tools/v1.4.0"


def test_tag_shaped_tokens_and_exceptions_in_comments():
    accepted = ["1.11", "0.4", "v6-beta", "2024.01.3", "3-rc1", "v1.2.3.4"]
    assert all(pins.VERSION_TOKEN_RE.fullmatch(token) for token in accepted)
    assert not any(pins.VERSION_TOKEN_RE.fullmatch(token).group("short") for token in accepted)
    assert pins.version_in_comment("stable # pypi-ops: ignore[bad-version-comment] pinned v1.0 by hand") is None
    assert pins.version_in_comment("v4.2.2 # zizmor: ignore[unpinned-uses]").group("tag") == "v4.2.2"
    (ids, reason, tool), = pins.exceptions_on_line("v4 # pypi-ops: ignore[unpinned, drift] - no tags upstream")
    assert ids == {"unpinned", "drift"} and reason == "no tags upstream" and tool == "pypi-ops"
    (ids, reason, tool), = pins.exceptions_on_line("zizmor: ignore[unpinned-uses]")
    assert "unpinned" in ids and tool == "zizmor"


def test_image_names_resolve_to_registries_as_docker_resolves_them():
    assert pins.image_location("node:18") == ("https", "registry-1.docker.io", "library/node", "18")
    assert pins.image_location("muccg/devpi") == ("https", "registry-1.docker.io", "muccg/devpi", "latest")
    assert pins.image_location("ghcr.io/actions/test-ubuntu-git:main.2024") == (
        "https", "ghcr.io", "actions/test-ubuntu-git", "main.2024")
    assert pins.image_location("localhost:5000/team/app:1") == ("http", "localhost:5000", "team/app", "1")
    assert pins.image_location("docker.io/redis") == ("https", "registry-1.docker.io", "library/redis", "latest")
