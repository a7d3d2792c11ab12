"""The agent facade: auxiliary points unlock proofs; false claims are refused."""

from lemmata.engines.geometry import GeometrySession

LANGLEY = ("a b = segment a b; o = s_angle b a o 70o, s_angle a b o 120o; "
           "c = s_angle o a c 10o, s_angle o b c 160o; d = on_line d o b, on_line d c a; "
           "e = on_line e o a, on_line e c b ? aconst d e a e 1pi/9")


def test_auxiliary_points_unlock_the_proof() -> None:
    session = GeometrySession(seed=0)
    built = session.build(LANGLEY, "langley")
    assert built.ok and not built.goal_proved
    first = session.add("f = on_pline f d a b, on_line f b c")
    assert first.ok and not first.goal_proved
    second = session.add("g = on_line g f a, on_line g d b")
    assert second.ok and second.goal_proved and second.new_facts
    assert session.proof_text().strip()


def test_propose_refuses_a_false_claim_with_a_reason() -> None:
    session = GeometrySession()
    session.build("a b c = triangle a b c; m = midpoint m b c ? cong m b m c")
    status = session.propose("cong a b a c")
    assert not status.ok and "false in the diagram" in status.message


def test_propose_keeps_a_provable_claim() -> None:
    session = GeometrySession()
    session.build("a b c = triangle a b c; o = circle o a b c; m = midpoint m b c")
    status = session.propose("perp o m b c")
    assert status.ok and status.message.startswith("proved")
    assert session.propose("perp o m b c").ok


def test_bad_clause_is_reported_not_raised() -> None:
    session = GeometrySession()
    session.build("a b c = triangle a b c; m = midpoint m b c ? cong m b m c")
    status = session.add("d = on_spiral d a b")
    assert not status.ok and "on_spiral" in status.message


def test_figure_marks_auxiliary_points(tmp_path) -> None:
    session = GeometrySession()
    session.build("a b c = triangle a b c; o = circle o a b c ? cong o a o b")
    session.add("d = midpoint d a b")
    out = session.figure(tmp_path / "fig.svg")
    text = out.read_text()
    assert out.exists() and "<svg" in text


def test_orthocenter_needs_the_foot_as_auxiliary_point() -> None:
    session = GeometrySession()
    assert not session.build("a b c = triangle; h = on_tline h b a c, on_tline h c a b ? perp a h b c").goal_proved
    status = session.add("e = on_line e a c, on_line e b h")
    assert status.goal_proved
    proof = session.proof_text().splitlines()
    assert proof[-1].split("[")[0].strip().endswith(". ah ⟂ bc")
    assert any("simtri" in line for line in proof)


def test_session_calls_before_build_fail_clearly() -> None:
    import pytest

    from lemmata.engines.geometry.errors import SessionStateError

    with pytest.raises(SessionStateError, match="call build"):
        GeometrySession().add("d = midpoint d a b")
