"""A step that never looks at the clock still ends at the CPU budget: the task reports an
unproved problem instead of being killed by the kernel, whatever the load on the machine."""

import pytest

from lemmata.engines.geometry import auxiliary, clock
from lemmata.engines.geometry.batch import solve_many

TRIANGLE = "a b c = triangle a b c; o = circle o a b c ? cong o a o b"


def _spin(*args, **kwargs):
    """Burns CPU without ever consulting the engine's clock."""
    total = 0
    while True:
        total += 1


def test_the_alarm_ends_a_step_that_ignores_the_clock() -> None:
    before = clock.now()
    with pytest.raises(clock.BudgetSpent):
        with clock.cpu_alarm(0.2):
            _spin()
    # Not before its budget (the kernel's timer ticks may make it a few ms short).
    assert clock.now() - before >= 0.15


def test_the_alarm_is_disarmed_after_its_block() -> None:
    with clock.cpu_alarm(0.2):
        pass
    target = clock.now() + 0.4
    while clock.now() < target:  # would raise here if the alarm were still armed
        pass


def test_a_search_stuck_in_one_step_ends_unproved_at_its_budget(monkeypatch) -> None:
    # Workers are forked, so they inherit the stuck search.
    monkeypatch.setattr(auxiliary, "search", _spin)
    [record] = solve_many({"stuck": TRIANGLE}, timeout=0.3, aux="heuristic", kill_grace=5.0)
    assert not record.proved
    assert record.status.startswith("unproved"), record.status
    assert record.seconds >= 0.25
