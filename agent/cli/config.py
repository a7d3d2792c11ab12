"""`lemmata config show`: the effective configuration, secrets masked."""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.syntax import Syntax

from lemmata.agent.cli.options import model_options
from lemmata.agent.config import Config, masked_url
from lemmata.agent.loop.roles import Role


@click.group("config")
def command() -> None:
    """Inspect the configuration."""


@command.command("show")
@model_options
def show(config: Config) -> None:
    """Print the effective configuration (file < environment < flags), keys masked."""
    data = config.masked()
    data["effective_roles"] = {
        role.value: {k: v for k, v in config.for_role(role).model_dump(mode="json").items() if v is not None}
        for role in Role
    }
    for settings in data["effective_roles"].values():
        if settings.get("api_key"):
            settings["api_key"] = "********"
        if isinstance(settings.get("base_url"), str):
            settings["base_url"] = masked_url(settings["base_url"])
        elif isinstance(settings.get("base_url"), list):
            settings["base_url"] = [masked_url(url) for url in settings["base_url"]]
    Console().print(Syntax(json.dumps(data, indent=2, default=str), "json", background_color="default"))
