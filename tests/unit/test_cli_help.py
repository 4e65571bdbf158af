"""Every option of every subcommand has a help text that shows its default (issue 13 part 5)."""
import argparse

import pytest

from shotnoise.validation.cli import build_parser


def _parsers(p, path=()):
    yield path, p
    for a in p._actions:
        if isinstance(a, argparse._SubParsersAction):
            for name, sub in a.choices.items():
                yield from _parsers(sub, path + (name,))


PARSERS = list(_parsers(build_parser()))


@pytest.mark.parametrize("path,parser", PARSERS, ids=[" ".join(p) or "shotnoise" for p, _ in PARSERS])
def test_every_option_is_documented_with_its_default(path, parser):
    text = parser.format_help()
    for a in parser._actions:
        if not a.option_strings or a.help == argparse.SUPPRESS or isinstance(a, (argparse._HelpAction,
                                                                                 argparse._VersionAction)):
            continue
        assert a.help and a.help.strip(), "%s %s has no help text" % (" ".join(path), a.option_strings[0])
        if a.default is not None and a.default is not False:  # 0 (e.g. --seed, --transient) is shown too  # shown: appended by the formatter, or named in the help text
            assert "default" in parser._get_formatter()._get_help_string(a).lower(), (path, a.option_strings)
    assert parser.prog in text
