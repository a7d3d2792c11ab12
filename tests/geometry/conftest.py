from pathlib import Path

import pytest

from lemmata.engines.geometry.language import read_problems

DATA = Path(__file__).parent / "data"
from lemmata.engines.geometry.problem_sets import DATA as SETS_DIR


@pytest.fixture(scope="session")
def one_rule_each() -> dict[str, str]:
    return read_problems(DATA / "one_rule_each.txt")


@pytest.fixture(scope="session")
def regression_examples() -> dict[str, str]:
    return read_problems(DATA / "regression_examples.txt")
