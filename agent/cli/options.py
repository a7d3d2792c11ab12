"""Option bundles shared by verbs, and the edge where library errors become CLI errors."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from lemmata.agent.config import Config, load_config, one_or_many, updated
from lemmata.agent.errors import LemmataError
from lemmata.engines.llm import ModelCallError
from lemmata.engines.llm.redaction import redact
from lemmata.memory.terminal_text import inert
from lemmata.memory.store_errors import DatabaseError, StoreError, as_store_error
from lemmata.prompts import PromptError

USER_ERRORS = (LemmataError, ModelCallError, PromptError, StoreError)


def model_options(command: Callable) -> Callable:
    """--config, --base-url, --model and --db, turned into one `config` argument."""

    @click.option("--config", "config_path", type=click.Path(path_type=Path), help="A lemmata.toml (default: ./lemmata.toml if present).")
    @click.option("--base-url", "base_urls", multiple=True,
                  help="OpenAI-compatible API root for every role, e.g. http://127.0.0.1:8000/v1; repeat to spread calls over several.")
    @click.option("--model", help="Served model name for every role.")
    @click.option("--db", type=click.Path(path_type=Path), help="The run store (default: runs/lemmata.db).")
    @functools.wraps(command)
    def wrapper(config_path: Path | None, base_urls: tuple[str, ...], model: str | None, db: Path | None, **kwargs: Any):
        config = guarded(load_config)(config_path, {"base_url": one_or_many(base_urls), "model": model})
        if db is not None:
            config = updated(config, "store", path=db)
        return guarded(command)(config=config, **kwargs)

    return wrapper


@contextlib.contextmanager
def served_model(config: Config, model: str | None, console: Console) -> Iterator[Config]:
    """With `--serve 'MODEL [VLLM FLAGS]'`: start vLLM for the block; yields `config` with every
    role's defaults pointed at it (without, `config` as it is)."""
    if model is None:
        yield config
        return
    import shlex

    from lemmata.engines.llm.vllm_server import VLLMServer

    name, *flags = shlex.split(model) or [""]
    console.print(f"starting vllm for {name} …")
    with VLLMServer(name, extra_args=flags) as server:
        yield updated(config, "defaults", base_url=server.base_url, model=server.served_name)


def serve_option(command: Callable) -> Callable:
    return click.option("--serve", "serve_model",
                        help="Start vLLM for MODEL for this run and stop it afterwards; flags after the model "
                             "name go to vLLM, e.g. --serve 'Qwen/Qwen3-8B --max-model-len 32768'.")(command)


def guarded(function: Callable) -> Callable:
    """Run `function`, turning Lemmata's own errors into a one-line CLI error."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except USER_ERRORS as error:
            raise click.ClickException(inert(redact(str(error)))) from None
        except DatabaseError as error:  # a store damaged after it was opened, or a full disk
            raise click.ClickException(str(as_store_error(error))) from None

    return wrapper


__all__ = ["Config", "guarded", "model_options"]
