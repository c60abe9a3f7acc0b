"""The command line: each command parses its options, loads the Config, calls one function."""

from __future__ import annotations

import click

from monitor import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="news-monitor")
def cli() -> None:
    """Watch Vietnamese news for topics, extract events, alert once per development."""


def main() -> None:
    cli()
