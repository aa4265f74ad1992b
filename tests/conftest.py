"""Test-suite configuration shared by every test folder."""

# `pytester` drives the plugin tests (tests/plugin); pytest only accepts `pytest_plugins` here.
pytest_plugins = ["pytester"]
