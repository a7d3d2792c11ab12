"""Install the top-level rooms (agent, engines, memory, prompts) under one import name, `lemmata`.

The folders stay at the top of the repository; `package_dir` maps `lemmata.agent` to `agent/`
and so on, so nothing generic lands at the top of site-packages. Everything else is in
pyproject.toml.
"""

from setuptools import find_packages, setup

ROOMS = ("agent", "engines", "memory", "prompts")

setup(
    packages=["lemmata", *(f"lemmata.{name}" for name in find_packages(include=[*ROOMS, *(f"{r}.*" for r in ROOMS)]))],
    package_dir={"lemmata": "lemmata", **{f"lemmata.{room}": room for room in ROOMS}},
)
