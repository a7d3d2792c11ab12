"""The client against a real vLLM server, when one is up: `scripts/vllm_cpu_smoke.sh` starts one
and sets LEMMATA_VLLM_BASE_URL / LEMMATA_VLLM_MODEL. Skipped otherwise."""

from __future__ import annotations

import asyncio
import os

import httpx
import pytest

from lemmata.agent.config import load_config
from lemmata.engines.llm import LLMClient
from lemmata.engines.llm.errors import PromptTooLongError, RequestRejectedError
from lemmata.engines.llm.wire import FINISHED

BASE_URL = os.environ.get("LEMMATA_VLLM_BASE_URL")
MODEL = os.environ.get("LEMMATA_VLLM_MODEL")


def _server_is_up() -> bool:
    if not (BASE_URL and MODEL):
        return False
    try:
        return httpx.get(f"{BASE_URL}/models", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


pytestmark = [
    pytest.mark.vllm,
    pytest.mark.skipif(not _server_is_up(), reason="no vLLM server: run scripts/vllm_cpu_smoke.sh, or set "
                                                   "LEMMATA_VLLM_BASE_URL and LEMMATA_VLLM_MODEL to a running one"),
]


def _call(coroutine_of):
    config = load_config(overrides={"base_url": BASE_URL, "model": MODEL}, environ={})
    config.client.max_retries = 0
    recorded = []
    client = LLMClient(config, on_call=recorded.append)

    async def go():
        try:
            return await coroutine_of(client)
        finally:
            await client.aclose()

    return asyncio.run(go()), recorded


def test_the_model_list_gives_the_context_length():
    models, _ = _call(lambda client: client.served_models("reasoner"))
    [model] = [m for m in models if m.id == MODEL]
    assert isinstance(model.max_model_len, int) and model.max_model_len > 0


def test_a_default_max_tokens_beyond_the_context_is_fitted_and_the_call_finishes():
    result, recorded = _call(lambda client: client.chat("reasoner", [{"role": "user", "content": "Hi"}],
                                                        max_tokens=65536, temperature=0))
    assert result.choices[0].finish_reason in FINISHED
    assert result.prompt_tokens > 0 and result.completion_tokens > 0
    assert recorded[0].tags["max_tokens_fitted"]["asked"] == 65536


def test_a_sampling_parameter_vllm_refuses_is_a_typed_one_line_error():
    with pytest.raises(RequestRejectedError) as caught:
        _call(lambda client: client.chat("reasoner", [{"role": "user", "content": "Hi"}], max_tokens=8, top_p=7.0))
    assert caught.value.status == 400 and "\n" not in str(caught.value)


def test_a_prompt_beyond_the_context_is_refused_before_sending():
    with pytest.raises(PromptTooLongError):
        _call(lambda client: client.chat("reasoner", [{"role": "user", "content": "word " * 200_000}], max_tokens=8))
