"""Effective configuration: lemmata.toml < environment < CLI flags, resolved per role."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from pydantic import Field, ValidationError

from lemmata.agent.errors import ConfigError
from lemmata.agent.loop.settings import PROFILES, GeometryAgentSettings, LoopSettings, Profile
from lemmata.agent.evaluation.proof_grades import GradingSettings
from lemmata.agent.loop.roles import Role
from lemmata.engines.llm.settings import ClientSettings, RoleSettings, Strict

CONFIG_FILENAME = "lemmata.toml"


class StoreSettings(Strict):
    path: Path = Path("runs/lemmata.db")
    """The SQLite run store."""


DEFAULT_ROLE = RoleSettings(temperature=0.6, top_p=0.95, max_tokens=65536)


class Config(Strict):
    defaults: RoleSettings = Field(default_factory=lambda: DEFAULT_ROLE.model_copy())
    roles: dict[Role, RoleSettings] = Field(default_factory=dict)
    client: ClientSettings = Field(default_factory=ClientSettings)
    store: StoreSettings = Field(default_factory=StoreSettings)
    profile: Profile = Profile.DEFAULT
    """A named set of loop budgets; [loop] keys override it."""
    loop: LoopSettings = Field(default_factory=LoopSettings)
    geometry: GeometryAgentSettings = Field(default_factory=GeometryAgentSettings)
    grading: GradingSettings = Field(default_factory=GradingSettings)
    """The proof grader: ensemble size, scale, proof length limit."""

    def for_role(self, role: Role | str) -> RoleSettings:
        """The settings a role actually uses: its own where set, the defaults elsewhere."""
        own = self.roles.get(Role(role), RoleSettings())
        merged = self.defaults.model_dump()
        merged.update(own.model_dump(exclude_none=True))
        return RoleSettings(**merged)

    def masked(self) -> dict[str, Any]:
        """The configuration as plain data with every key replaced by a mask."""
        data = self.model_dump(mode="json")
        for section in [data["defaults"], *data["roles"].values()]:
            if section.get("api_key"):
                section["api_key"] = "********"
            if isinstance(section.get("base_url"), str):
                section["base_url"] = masked_url(section["base_url"])
            elif isinstance(section.get("base_url"), list):
                section["base_url"] = [masked_url(url) for url in section["base_url"]]
        return data


def updated(config: Config, section: str, **changes: Any) -> Config:
    """A copy of `config` with these fields of one section (`loop`, `grading`, ...) changed.

    Callers pass the copy on; the configuration they were given stays as it was, so a caller
    that set a budget for one run does not see it leak into the next.
    """
    return config.model_copy(update={section: getattr(config, section).model_copy(update=changes)})


def load_config(
    path: Path | str | None = None,
    overrides: dict[str, Any] | None = None,
    environ: dict[str, str] | None = None,
) -> Config:
    """Read lemmata.toml (explicit path, or the working directory's), then env, then overrides.

    `overrides` are CLI flags for the defaults section (`base_url`, `model`, ...); None values
    are ignored.
    """
    environ = os.environ if environ is None else environ
    data: dict[str, Any] = {}
    source = "built-in defaults"
    if path is not None or Path(CONFIG_FILENAME).exists():
        file = Path(path or CONFIG_FILENAME)
        data = _read_toml(file)
        source = str(file)
    defaults = data.setdefault("defaults", {})
    if not isinstance(defaults, dict):
        raise ConfigError(f"{source}: key 'defaults' must be a table, got {type(defaults).__name__}")
    for key, value in _from_environment(environ).items():
        defaults[key] = value
    for key, value in (overrides or {}).items():
        if value is not None and key != "profile":
            defaults[key] = value
    for key, value in DEFAULT_ROLE.model_dump(exclude_none=True).items():
        defaults.setdefault(key, value)
    profile = (overrides or {}).get("profile") or data.get("profile", Profile.DEFAULT)
    if not isinstance(profile, str) or profile not in PROFILES:
        raise ConfigError(f"{source}: key 'profile': unknown profile '{profile}'; choose from {', '.join(PROFILES)}")
    data["profile"] = profile
    loop = data.get("loop", {})
    if not isinstance(loop, dict):
        raise ConfigError(f"{source}: key 'loop' must be a table, got {type(loop).__name__}")
    data["loop"] = {**PROFILES[profile], **loop}
    try:
        return Config.model_validate(data)
    except ValidationError as error:
        raise ConfigError(_describe(error, source)) from None


def masked_url(url: str) -> str:
    """The URL with any `user:password@` replaced by a mask (the run store records configs)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc="********@" + parts.netloc.rsplit("@", 1)[1]))


def _read_toml(file: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file {file} does not exist") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{file}: not valid TOML ({error})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{file}: not UTF-8 text; save the config file as UTF-8") from None
    except IsADirectoryError:
        raise ConfigError(f"{file} is a directory, not a config file") from None
    except OSError as error:
        raise ConfigError(f"config file {file} cannot be read ({error.strerror})") from None


def _from_environment(environ: dict[str, str] | os._Environ[str]) -> dict[str, str | list[str]]:
    values = {
        "base_url": one_or_many(environ.get("LEMMATA_BASE_URL", "").split(",")),
        "model": environ.get("LEMMATA_MODEL"),
        "api_key": environ.get("LEMMATA_API_KEY") or environ.get("OPENAI_API_KEY"),
    }
    return {key: value for key, value in values.items() if value}


def one_or_many(urls: list[str] | tuple[str, ...]) -> str | list[str] | None:
    """Base URLs as given by env or flags: None for none, a str for one, a list for several."""
    kept = [url.strip() for url in urls if url.strip()]
    if not kept:
        return None
    return kept[0] if len(kept) == 1 else kept


def _describe(error: ValidationError, source: str) -> str:
    lines = [f"{source}: invalid configuration"]
    for problem in error.errors():
        key = ".".join(str(part) for part in problem["loc"])
        expected = problem["msg"]
        if problem["type"] == "extra_forbidden":
            expected = "unknown key (see the configuration reference in README.md)"
        lines.append(f"  key '{key}': {expected}")
    return "\n".join(lines)
