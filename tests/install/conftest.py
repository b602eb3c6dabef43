"""The offline bundles and the executable, built once per run for the install tests that need them."""

from tests.install.offline_kit import built, executable, here, offline, unpack  # noqa: F401  (fixtures)


def pytest_collection_modifyitems(items):
    """Under xdist, every install test runs on one worker, so the bundles are built once, not per worker."""
    import pytest

    for item in items:
        if "tests/install/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.xdist_group("offline-bundles"))
