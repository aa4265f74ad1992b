"""Test-suite configuration shared by every test folder."""

# pytester drops the modules a test imported when it ends; PyYAML imported again after that breaks its
# C loader ("could not determine a constructor for the tag None"), so it is imported once, here.
import yaml  # noqa: F401
from hypothesis import HealthCheck, settings

# With `CI` set, Hypothesis loads its `ci` profile, which derandomizes every property test: each CI run
# would try the same cases. The suite draws fresh cases everywhere; a failure prints the blob that
# reproduces it (`@reproduce_failure`). No deadline and no too-slow check: CI machines are slower.
settings.register_profile(
    "mockserver-suite", deadline=None, derandomize=False, print_blob=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("mockserver-suite")

# `pytester` drives the plugin tests (tests/pytest); pytest only accepts `pytest_plugins` here.
pytest_plugins = ["pytester"]
