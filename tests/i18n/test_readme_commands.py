"""The README's pybabel commands run as written with the Babel installed (a missing option stops pybabel at once)."""

from __future__ import annotations

import re
import shlex

import pytest
from babel.messages.frontend import CommandLineInterface

from tests.i18n.catalogs import ROOT

COMMAND = re.compile(r"^ {4}\.venv/bin/pybabel (.+?)$((?:\n {8}.+$)*)", re.MULTILINE)


def readme_commands() -> list[list[str]]:
    """Every `pybabel …` the README shows, its continuation lines joined, as argv."""
    text = (ROOT / "README.md").read_text()
    return [shlex.split((first + rest).replace("\\\n", " ")) for first, rest in COMMAND.findall(text)]


def test_the_readme_shows_the_catalog_commands():
    assert {argv[0] for argv in readme_commands()} == {"extract", "update", "init"}


@pytest.mark.parametrize("argv", readme_commands(), ids=lambda argv: argv[0])
def test_each_readme_command_parses_with_the_installed_babel(argv, monkeypatch):
    monkeypatch.chdir(ROOT)
    try:  # parses the options and checks the inputs, without writing anything
        CommandLineInterface()._configure_command(argv[0], argv[1:])
    except SystemExit as stopped:
        pytest.fail(f"pybabel {argv[0]} refuses the README's options ({stopped})")
