"""The model boundary against a real HTTP server: retries, timeouts, truncation, faults."""

from __future__ import annotations

import asyncio

import pytest

from lemmata.agent.config import load_config
from lemmata.engines.llm import LLMClient, ModelCallError, ModelNotServedError, TruncatedCompletionError
from lemmata.engines.llm.errors import RequestRejectedError
from tests.conftest import SENTINEL_KEY
from lemmata.engines.llm.scripted_server import MODEL_NAME, Reply

MESSAGES = [{"role": "user", "content": "What is 6 times 7?"}]


def make_client(server, *, stream: bool = True, model: str = MODEL_NAME, **client_settings):
    config = load_config(overrides={"base_url": server.base_url, "model": model, "api_key": SENTINEL_KEY}, environ={})
    config.client.stream = stream
    config.client.backoff_initial = 0.01
    for name, value in client_settings.items():
        setattr(config.client, name, value)
    recorded = []
    return LLMClient(config, on_call=recorded.append), recorded


def call(client, role="reasoner", **kwargs):
    async def go():
        try:
            return await client.chat(role, MESSAGES, **kwargs)
        finally:
            await client.aclose()
    return asyncio.run(go())


@pytest.mark.parametrize("stream", [True, False])
def test_answer_reasoning_and_usage_are_returned(scripted, stream):
    scripted.script["reasoner"] = Reply("It is \\boxed{42}.", reasoning="6*7=42")
    client, recorded = make_client(scripted, stream=stream)
    result = call(client)
    assert result.text == "It is \\boxed{42}."
    assert result.choices[0].reasoning == "6*7=42"
    assert result.prompt_tokens > 0 and result.completion_tokens == 3
    assert recorded == [result] and result.retries == 0


def test_streaming_callback_sees_every_delta(scripted):
    scripted.script["reasoner"] = Reply("one two three", reasoning="hmm")
    client, _ = make_client(scripted)
    seen = []
    call(client, on_token=lambda i, text, thought: seen.append((text, thought)))
    assert "".join(t for t, _ in seen) == "one two three"
    assert "".join(r for _, r in seen) == "hmm"


@pytest.mark.parametrize("stream", [True, False])
def test_n_choices_come_back_separately(scripted, stream):
    scripted.script["verifier"] = Reply(choices=["\\box{STEP-1}", "\\box{STEP2}", "\\box{STEP-1}"])
    client, _ = make_client(scripted, stream=stream)
    result = call(client, "verifier", n=3)
    assert [c.text for c in result.choices] == ["\\box{STEP-1}", "\\box{STEP2}", "\\box{STEP-1}"]


def test_429_is_retried_after_the_servers_retry_after(scripted):
    scripted.script["reasoner"] = [Reply(status=429, retry_after=0.2), Reply("done")]
    client, _ = make_client(scripted)
    result = call(client)
    assert result.text == "done" and result.retries == 1
    assert scripted.counts["reasoner"] == 2 and scripted.completed["reasoner"] == 1


def test_500_then_success_is_retried(scripted):
    scripted.script["reasoner"] = [Reply(status=500), Reply(status=503), Reply("ok")]
    client, _ = make_client(scripted)
    assert call(client).retries == 2


def test_persistent_500_raises_a_clear_error_and_is_recorded(scripted):
    scripted.script["reasoner"] = Reply(status=500)
    client, recorded = make_client(scripted, max_retries=2)
    with pytest.raises(ModelCallError, match=r"reasoner call to http://127\.0\.0\.1:\d+/v1 failed after 3 attempts: HTTP 500"):
        call(client)
    assert scripted.counts["reasoner"] == 3
    assert recorded[0].error and recorded[0].retries == 2


def test_client_errors_are_not_retried(scripted):
    scripted.script["reasoner"] = Reply(status=400)
    client, recorded = make_client(scripted)
    with pytest.raises(RequestRejectedError, match="HTTP 400"):
        call(client)
    assert scripted.counts["reasoner"] == 1 and "HTTP 400" in recorded[0].error


def test_a_stream_that_goes_quiet_hits_the_idle_timeout_and_is_retried(scripted):
    scripted.script["reasoner"] = [Reply("slow", delay=60), Reply("fast")]
    client, _ = make_client(scripted, idle_timeout=2)
    result = call(client)
    assert result.text == "fast" and result.retries == 1


def test_a_response_slower_than_the_total_timeout_is_retried(scripted):
    scripted.script["reasoner"] = [Reply("slow", delay=60), Reply("fast")]
    client, _ = make_client(scripted, stream=False, total_timeout=2)
    assert call(client).text == "fast"


def test_truncated_output_is_reported_not_used(scripted):
    scripted.script["reasoner"] = Reply("The answer is \\boxed{4", finish_reason="length")
    client, _ = make_client(scripted)
    result = call(client)
    assert result.truncated
    with pytest.raises(TruncatedCompletionError, match="max_tokens"):
        _ = result.text


@pytest.mark.parametrize("stream", [True, False])
def test_malformed_json_is_retried(scripted, stream):
    scripted.script["reasoner"] = [Reply(malformed=True), Reply("fine")]
    client, _ = make_client(scripted, stream=stream)
    assert call(client).text == "fine"


@pytest.mark.parametrize("stream", [True, False])
def test_empty_choices_are_retried(scripted, stream):
    scripted.script["reasoner"] = [Reply(empty_choices=True), Reply("fine")]
    client, _ = make_client(scripted, stream=stream)
    result = call(client)
    assert result.text == "fine" and result.retries == 1


@pytest.mark.parametrize("stream", [True, False])
def test_null_content_keeps_the_text_in_reasoning(scripted, stream):
    scripted.script["reasoner"] = Reply("never closed its thinking", content_null=True)
    client, _ = make_client(scripted, stream=stream)
    result = call(client)
    assert result.choices[0].text == ""
    assert "never closed its thinking" in result.choices[0].reasoning


def test_a_model_the_server_does_not_list_is_named_with_the_ones_it_does(scripted):
    client, _ = make_client(scripted, model="qwen-typo")
    with pytest.raises(ModelNotServedError, match="'qwen-typo' is not served .* it lists: scripted"):
        call(client)


def test_the_api_key_is_sent_but_never_recorded(scripted):
    scripted.script["reasoner"] = Reply("ok")
    client, recorded = make_client(scripted)
    call(client)
    assert SENTINEL_KEY not in repr(recorded[0]) and SENTINEL_KEY not in recorded[0].endpoint
