"""One role over several endpoints: spreading, taking a failing one out, trying it again later."""

from __future__ import annotations

import asyncio
import json
import os
import textwrap
import time

import pytest

from lemmata.agent.config import load_config
from lemmata.agent.doctor import check_endpoints
from lemmata.engines.llm import LLMClient, ModelNotServedError
from lemmata.engines.llm.endpoints import EndpointPool, Outcome
from tests.conftest import SENTINEL_KEY, run_cli
from lemmata.engines.llm.scripted_server import MODEL_NAME, Reply, ScriptedServer

MESSAGES = [{"role": "user", "content": "What is 6 times 7?"}]
COOLDOWN = 0.2


@pytest.fixture
def two_servers():
    with ScriptedServer({"reasoner": Reply("ok")}) as first, ScriptedServer({"reasoner": Reply("ok")}) as second:
        yield first, second


class ManualClock:
    """A clock the test moves by hand, so cool-downs do not depend on how busy the machine is."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def make_client(*servers, cooldown=COOLDOWN, cooldown_max=0.4, clock=time.monotonic, **client_settings):
    urls = [server.base_url for server in servers]
    config = load_config(overrides={"base_url": urls, "model": MODEL_NAME, "api_key": SENTINEL_KEY}, environ={})
    config.client.backoff_initial = 0.01
    config.client.endpoint_cooldown_s = cooldown
    config.client.endpoint_cooldown_max_s = cooldown_max
    for name, value in client_settings.items():
        setattr(config.client, name, value)
    recorded = []
    return LLMClient(config, on_call=recorded.append, clock=clock), recorded


async def calls(client, count, role="reasoner", concurrency=4):
    """`count` calls, `concurrency` in flight (more would overflow the test server's listen
    backlog of 5, and a dropped connect costs a 1 s TCP retransmit)."""
    slots = asyncio.Semaphore(concurrency)

    async def one():
        async with slots:
            return await client.chat(role, MESSAGES)

    return await asyncio.gather(*(one() for _ in range(count)))


def test_two_healthy_endpoints_share_the_calls(two_servers):
    first, second = two_servers
    client, recorded = make_client(first, second)

    async def go():
        await calls(client, 10)  # four in flight: least in flight first
        for _ in range(10):  # one after another: taken in turn
            await client.chat("reasoner", MESSAGES)
        await client.aclose()

    asyncio.run(go())
    assert first.completed["reasoner"] + second.completed["reasoner"] == 20
    assert first.completed["reasoner"] >= 8 and second.completed["reasoner"] >= 8
    assert {result.endpoint for result in recorded} == {first.base_url, second.base_url}
    assert all(not state.is_out and state.in_flight == 0 for state in client.endpoint_health())


def test_a_failing_endpoint_is_taken_out_tried_again_after_its_cooldown_and_back_when_fixed(two_servers):
    failing, healthy = two_servers
    clock = ManualClock()
    client, recorded = make_client(failing, healthy, cooldown=1.0, cooldown_max=1.0, clock=clock)

    async def go():
        await calls(client, 2, concurrency=2)  # both connected and checked: calls now take ms
        failing.script["reasoner"] = Reply(status=500)
        results = await calls(client, 20)
        assert all(result.text == "ok" and result.endpoint == healthy.base_url for result in results)
        # Only the first wave (sent before any answer came back) reached the failing server.
        assert failing.counts["reasoner"] <= 1 + 4
        assert failing.completed["reasoner"] == 1 and healthy.completed["reasoner"] == 21
        out_before = failing.counts["reasoner"]
        for _ in range(5):
            await client.chat("reasoner", MESSAGES)
        assert failing.counts["reasoner"] == out_before  # out: not tried during its cool-down
        states = {state.url: state for state in client.endpoint_health()}
        assert states[failing.base_url].is_out and states[failing.base_url].failures >= 1
        assert 0 < states[failing.base_url].back_in_s <= 1.0
        assert not states[healthy.base_url].is_out
        assert client.endpoints_out() == 1

        clock.advance(1.05)
        assert client.endpoints_out() == 0  # cool-down over: it is tried again
        for _ in range(4):
            assert (await client.chat("reasoner", MESSAGES)).text == "ok"
        assert failing.counts["reasoner"] == out_before + 1  # one probe, failed, out again
        assert client.endpoints_out() == 1

        failing.script["reasoner"] = Reply("ok")
        clock.advance(1.05)
        await calls(client, 20)
        assert failing.completed["reasoner"] - 1 >= 5  # fixed: it gets traffic again
        states = {state.url: state for state in client.endpoint_health()}
        assert not states[failing.base_url].is_out and states[failing.base_url].failures == 0
        await client.aclose()

    asyncio.run(go())
    assert all(result.error is None for result in recorded)


def test_a_short_cooldown_brings_the_failing_endpoint_back_and_doubles_on_repeat(two_servers):
    failing, healthy = two_servers
    clock = ManualClock()
    client, _ = make_client(failing, healthy, cooldown=COOLDOWN, cooldown_max=0.4, clock=clock)

    async def go():
        await calls(client, 2, concurrency=2)  # both connected and checked: calls now take ms
        failing.script["reasoner"] = Reply(status=503)
        while failing.counts["reasoner"] < 2:
            await client.chat("reasoner", MESSAGES)
        await client.chat("reasoner", MESSAGES)
        assert failing.counts["reasoner"] == 2  # out for COOLDOWN
        clock.advance(COOLDOWN + 0.05)
        for _ in range(2):
            await client.chat("reasoner", MESSAGES)
        assert failing.counts["reasoner"] == 3  # back, tried once, out again
        state = next(s for s in client.endpoint_health() if s.url == failing.base_url)
        assert state.failures == 2 and state.back_in_s > COOLDOWN  # doubled
        await client.aclose()

    asyncio.run(go())


def test_all_endpoints_failing_waits_for_the_first_back_and_gives_up_after_the_retries(two_servers):
    first, second = two_servers
    first.script["reasoner"] = second.script["reasoner"] = Reply(status=500)
    client, recorded = make_client(first, second, max_retries=3)

    async def go():
        try:
            await client.chat("reasoner", MESSAGES)
        finally:
            await client.aclose()

    with pytest.raises(Exception, match=r"failed after 4 attempts: HTTP 500"):
        asyncio.run(go())
    assert first.counts["reasoner"] + second.counts["reasoner"] == 4
    assert first.counts["reasoner"] >= 1 and second.counts["reasoner"] >= 1
    assert first.base_url in recorded[0].error and second.base_url in recorded[0].error


def test_a_single_endpoint_keeps_retrying_on_the_backoff(two_servers, monkeypatch):
    server, _ = two_servers
    server.script["reasoner"] = [Reply(status=500), Reply(status=503), Reply("ok")]
    client, _ = make_client(server, cooldown=30, cooldown_max=300, clock=ManualClock())
    waits = []
    real_sleep = asyncio.sleep

    async def recorded_sleep(seconds, *args, **kwargs):
        waits.append(seconds)
        await real_sleep(0)

    monkeypatch.setattr(asyncio, "sleep", recorded_sleep)

    async def go():
        result = await client.chat("reasoner", MESSAGES)
        await client.aclose()
        return result

    result = asyncio.run(go())
    assert result.text == "ok" and result.retries == 2
    # The only endpoint is out for 30 s, but a retry waits the backoff (0.01 s, doubling), not that.
    assert waits and max(waits) < 1, waits


def test_an_endpoint_not_serving_the_model_is_named(two_servers):
    first, _ = two_servers
    with ScriptedServer({"reasoner": Reply("ok")}, models=["other"]) as wrong:
        client, _ = make_client(first, wrong)

        async def go():
            try:
                await calls(client, 4)
            finally:
                await client.aclose()

        with pytest.raises(ModelNotServedError, match=f"not served at {wrong.base_url}"):
            asyncio.run(go())


def test_the_pool_spreads_and_cools_down_on_its_own_clock():
    now = [0.0]
    pool = EndpointPool(10, 40, clock=lambda: now[0])

    async def go():
        a = await pool.acquire(["a", "b"], max_wait=0)
        b = await pool.acquire(["a", "b"], max_wait=0)
        assert {a, b} == {"a", "b"}
        assert pool.release("a", Outcome.FAILED) == 10
        pool.release("b", Outcome.ANSWERED)
        assert await pool.acquire(["a", "b"], max_wait=0) == "b"
        pool.release("b", Outcome.NEUTRAL)
        now[0] = 10
        assert pool.out_count() == 0
        assert await pool.acquire(["a"], max_wait=0) == "a"
        assert pool.release("a", Outcome.FAILED, hold_off_s=5) == 20  # doubled, Retry-After undercut
        for _ in range(3):
            assert await pool.acquire(["a"], max_wait=0) == "a"
            pool.release("a", Outcome.FAILED)
        assert pool.health()[0].back_in_s == 40  # capped
        assert await pool.acquire(["a"], max_wait=0) == "a"
        pool.release("a", Outcome.ANSWERED)
        assert pool.out_count() == 0 and pool.health()[0].failures == 0

    asyncio.run(go())


# --- configuration ---------------------------------------------------------------------------

def clean_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEMMATA_", "OPENAI_"))}
    return {**env, **values}


def test_a_toml_list_of_base_urls(tmp_path):
    (tmp_path / "lemmata.toml").write_text(textwrap.dedent("""
        [defaults]
        base_url = ["http://a:1/v1", "http://b:2/v1"]
        model = "m"
        [roles.verifier]
        base_url = "http://c:3/v1"
    """))
    config = load_config(tmp_path / "lemmata.toml", environ={})
    assert config.for_role("reasoner").endpoints == ["http://a:1/v1", "http://b:2/v1"]
    assert config.for_role("verifier").endpoints == ["http://c:3/v1"]
    assert config.for_role("verifier").base_url == "http://c:3/v1"


def test_an_empty_list_of_base_urls_is_an_error_naming_the_key(tmp_path):
    (tmp_path / "lemmata.toml").write_text("[defaults]\nbase_url = []\n")
    with pytest.raises(Exception, match="defaults.base_url"):
        load_config(tmp_path / "lemmata.toml", environ={})


def test_comma_separated_env_urls():
    config = load_config(environ={"LEMMATA_BASE_URL": "http://a:1/v1, http://b:2/v1,"})
    assert config.defaults.base_url == ["http://a:1/v1", "http://b:2/v1"]
    assert load_config(environ={"LEMMATA_BASE_URL": "http://a:1/v1"}).defaults.base_url == "http://a:1/v1"


def test_repeated_base_url_flags_in_config_show(tmp_path):
    env = clean_env(LEMMATA_BASE_URL="http://env:1/v1")
    done = run_cli(["config", "show", "--base-url", "http://a:1/v1", "--base-url", "http://b:2/v1"], env, tmp_path)
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert shown["defaults"]["base_url"] == ["http://a:1/v1", "http://b:2/v1"]
    assert shown["effective_roles"]["reasoner"]["base_url"] == ["http://a:1/v1", "http://b:2/v1"]


def test_doctor_checks_every_endpoint_of_a_role(two_servers):
    first, second = two_servers
    first.script["reasoner"] = Reply("OK", reasoning="fine")
    second.script["reasoner"] = Reply(status=500)
    config = load_config(overrides={"base_url": [first.base_url, second.base_url], "model": MODEL_NAME}, environ={})
    rows = asyncio.run(check_endpoints(config))
    by_url = {row.endpoint: row for row in rows}
    assert set(by_url) == {first.base_url, second.base_url}
    assert by_url[first.base_url].chat_works and by_url[first.base_url].reasoning_field
    assert by_url[second.base_url].reachable and not by_url[second.base_url].chat_works
    assert "HTTP 500" in by_url[second.base_url].detail
