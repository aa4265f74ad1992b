"""Test-suite configuration shared by every test folder."""

# pytester drops the modules a test imported when it ends; PyYAML imported again after that breaks its
# C loader ("could not determine a constructor for the tag None"), so it is imported once, here.
import yaml  # noqa: F401

# `pytester` drives the plugin tests (tests/pytest); pytest only accepts `pytest_plugins` here.
pytest_plugins = ["pytester"]
