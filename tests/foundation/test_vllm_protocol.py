"""What real vLLM sends, against the client: refusals, aborted and broken streams, malformed
chunks, the model list and its context length (issue 16, items 1, 2, 4-7)."""

from __future__ import annotations

import asyncio

import pytest

from lemmata.engines.llm import ModelCallError, TruncatedCompletionError
from lemmata.engines.llm.errors import PromptTooLongError, RequestRejectedError
from tests.foundation.test_model_boundary import MESSAGES, call, make_client
from lemmata.engines.llm.scripted_server import Reply, ScriptedServer, vllm_error

TOO_LONG = ("'max_tokens' or 'max_completion_tokens' is too large: 65536. This model's maximum context "
            "length is 40960 tokens and your request has 20 input tokens (65556 > 40960).")


@pytest.mark.parametrize("stream", [True, False])
def test_a_400_is_a_typed_recorded_error_with_the_servers_message(scripted, stream):
    scripted.script["reasoner"] = Reply(status=400, error_body=vllm_error(TOO_LONG))
    client, recorded = make_client(scripted, stream=stream)
    with pytest.raises(RequestRejectedError, match=r"refused: HTTP 400: .*maximum context length is 40960") as caught:
        call(client)
    assert caught.value.status == 400
    assert scripted.counts["reasoner"] == 1  # not retried
    assert len(recorded) == 1 and "HTTP 400" in recorded[0].error and "40960" in recorded[0].error


def test_vllms_older_flat_error_body_is_read_too(scripted):
    scripted.script["reasoner"] = Reply(status=400, error_body={
        "object": "error", "message": "temperature must be non-negative", "type": "BadRequestError", "code": 400})
    client, _ = make_client(scripted)
    with pytest.raises(RequestRejectedError, match="temperature must be non-negative"):
        call(client)


def test_control_characters_in_a_refusal_are_not_passed_to_the_terminal(scripted):
    scripted.script["reasoner"] = Reply(status=422, error_body=vllm_error("bad\x1b[2J\x07 value\nnext line"))
    client, _ = make_client(scripted)
    with pytest.raises(RequestRejectedError) as caught:
        call(client)
    assert "\x1b" not in str(caught.value) and "\n" not in str(caught.value) and "bad" in str(caught.value)


def test_a_base_url_without_v1_is_a_one_line_404_with_the_way_out(scripted):
    client, recorded = make_client(scripted)
    client.config.defaults.base_url = scripted.base_url.removesuffix("/v1")
    with pytest.raises(RequestRejectedError, match=r"HTTP 404.*is /v1 missing from the base URL\?"):
        call(client)
    assert recorded[0].error.count("\n") == 0


@pytest.mark.parametrize("reason", ["abort", "error", "something_new"])
def test_an_aborted_or_unknown_finish_is_incomplete_and_retried(scripted, reason):
    scripted.script["reasoner"] = [Reply("half an answ", finish_reason=reason), Reply("whole answer")]
    client, recorded = make_client(scripted)
    result = call(client)
    assert result.text == "whole answer" and result.retries == 1
    assert [r.error for r in recorded] == [None]


def test_a_stream_aborted_every_time_fails_naming_the_reason(scripted):
    scripted.script["reasoner"] = Reply("half", finish_reason="abort")
    client, recorded = make_client(scripted, max_retries=1)
    with pytest.raises(ModelCallError, match="finish_reason 'abort'"):
        call(client)
    assert recorded[0].error and scripted.counts["reasoner"] == 2


@pytest.mark.parametrize("stream", [True, False])
def test_repetition_is_a_truncated_answer(scripted, stream):
    scripted.script["reasoner"] = Reply("loop loop loop", finish_reason="repetition")
    client, _ = make_client(scripted, stream=stream)
    result = call(client)
    assert result.truncated and result.retries == 0
    with pytest.raises(TruncatedCompletionError, match="repetition"):
        _ = result.text


@pytest.mark.parametrize("fault", [{"close_early": True}, {"cut_off": True}, {"error_event": True}])
def test_a_stream_that_ends_without_done_or_with_an_error_event_is_retried(scripted, fault):
    scripted.script["reasoner"] = [Reply("the first answer is cut", **fault), Reply("complete answer")]
    client, _ = make_client(scripted)
    result = call(client)
    assert result.text == "complete answer" and result.retries == 1


@pytest.mark.parametrize("chunk", [
    {"choices": [1, 2]},
    {"choices": [{"index": 0, "delta": {"content": 5}}]},
    {"choices": [{"index": "0", "delta": {"content": "x"}}]},
    {"choices": [{"index": 10**9, "delta": {"content": "x"}}]},
    {"choices": "abc"},
    {"usage": {"prompt_tokens": "many"}},
    [1, 2],
    "text",
])
def test_a_malformed_chunk_is_a_retried_failure(scripted, chunk):
    scripted.script["reasoner"] = [Reply("a b c d", bad_chunk=chunk), Reply("fine")]
    client, _ = make_client(scripted)
    result = call(client)
    assert result.text == "fine" and result.retries == 1


def test_a_malformed_stream_every_time_is_a_clear_error(scripted):
    scripted.script["reasoner"] = Reply("a b", bad_chunk={"choices": [1, 2]})
    client, recorded = make_client(scripted, max_retries=1)
    with pytest.raises(ModelCallError, match="malformed stream chunk"):
        call(client)
    assert recorded[0].error


@pytest.mark.parametrize("body", [
    {"choices": [{"index": 0, "message": {"content": 7}, "finish_reason": "stop"}]},
    {"choices": [{"index": 0, "message": {"content": "x"}, "finish_reason": None}]},
    {"choices": None},
])
def test_a_malformed_whole_response_is_retried(scripted, body):
    scripted.script["reasoner"] = [Reply(raw_body=body), Reply("ok")]
    client, _ = make_client(scripted, stream=False)
    result = call(client)
    assert result.text == "ok" and result.retries == 1


def test_the_model_list_is_asked_once_per_endpoint_for_concurrent_calls(scripted):
    scripted.script["reasoner"] = Reply("ok")
    client, _ = make_client(scripted)

    async def go():
        try:
            return await asyncio.gather(*[client.chat("reasoner", MESSAGES) for _ in range(16)])
        finally:
            await client.aclose()

    results = asyncio.run(go())
    assert all(r.text == "ok" for r in results)
    assert scripted.model_lists == 1


def test_a_hanging_model_list_is_under_the_idle_timeout_and_retried():
    with ScriptedServer({"reasoner": Reply("ok")}, models_delay=60) as hanging:
        client, recorded = make_client(hanging, idle_timeout=2, total_timeout=3600, max_retries=1)
        with pytest.raises(ModelCallError, match="failed after 2 attempts: request timed out"):
            call(client)
        assert hanging.model_lists == 2 and hanging.counts["reasoner"] == 0
        assert recorded[0].error


def test_max_tokens_is_lowered_to_fit_the_servers_context_and_recorded():
    with ScriptedServer({"reasoner": Reply("ok")}, max_model_len=4096) as server:
        client, recorded = make_client(server)
        client.config.defaults.max_tokens = 65536
        assert call(client).text == "ok"
        sent = server.requests_for("reasoner")[0]["max_tokens"]
        assert 3000 < sent < 4096
        assert recorded[0].tags["max_tokens_fitted"]["asked"] == 65536
        assert recorded[0].tags["max_tokens_fitted"]["sent"] == sent


def test_a_max_tokens_that_fits_is_sent_unchanged():
    with ScriptedServer({"reasoner": Reply("ok")}, max_model_len=4096) as server:
        client, recorded = make_client(server)
        client.config.defaults.max_tokens = 512
        call(client)
        assert server.requests_for("reasoner")[0]["max_tokens"] == 512
        assert "max_tokens_fitted" not in recorded[0].tags


def test_a_prompt_longer_than_the_context_is_a_recorded_error_before_any_request():
    with ScriptedServer({"reasoner": Reply("ok")}, max_model_len=1024) as server:
        client, recorded = make_client(server)

        async def go():
            try:
                return await client.chat("reasoner", [{"role": "user", "content": "word " * 3000}])
            finally:
                await client.aclose()

        with pytest.raises(PromptTooLongError, match="library_budget_tokens"):
            asyncio.run(go())
        assert server.counts["reasoner"] == 0 and recorded[0].error


def test_the_models_context_length_is_read_from_the_model_list():
    with ScriptedServer(max_model_len=40960) as server:
        client, _ = make_client(server)

        async def go():
            try:
                return await client.served_models("reasoner")
            finally:
                await client.aclose()

        [model] = asyncio.run(go())
        assert (model.id, model.max_model_len) == ("scripted", 40960)
