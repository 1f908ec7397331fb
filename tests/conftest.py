from __future__ import annotations

import os
import shutil

import pytest
from hypothesis import settings

from textversions.io import seed_corpus

# CI draws the same examples every run (a red build is a change, not a draw); a developer's runs draw new ones,
# which is how rare failures are found (test_passages: a noisy copy losing its first words, about one draw in 1,500).
settings.register_profile("ci", max_examples=300, deadline=None, derandomize=True)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

WEB = "003_2ce852fb66e9e90e"
PAGE = "002_5c287f6b8ba9909e"
REUSER = "001_86ef6dde4bcc3cb5"
POLICE = "000_6202c550a995ff38"
TRADITIONAL = "004_04d66e9cb45bb6bc"


def require_java() -> None:
    """The Spark engine's tests need a Java runtime: skipped without one, except on CI (.ci/run installs it)."""
    if shutil.which("java") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have Java (installed by .ci/run)")
        pytest.skip("no Java on this machine: the Spark engine needs one")


@pytest.fixture(scope="session")
def seeds() -> dict[str, str]:
    return dict(seed_corpus())
