"""Build a tiny random-weight Qwen3-style model offline, for the real-vLLM smoke test.

    python scripts/tiny_qwen3.py REPO_DIR OUT_DIR

The tokenizer is a byte-level BPE trained on the repository's own text (the `tokenizers`
library), with Qwen's chat and thinking tokens; the model is a 2-layer Qwen3 with random
weights (transformers). Its output is garbage; the serving protocol around it is real.
Runs in the smoke test's own virtualenv (vLLM, transformers, tokenizers), not in Lemmata's.
"""

from __future__ import annotations

import sys
from pathlib import Path

SPECIAL = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<think>", "</think>"]
VOCAB_SIZE = 4096
CONTEXT = 4096
CHAT_TEMPLATE = (
    "{%- for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{%- endif %}"
)


def repository_text(repo: Path) -> list[str]:
    """Every text file the repository tracks under its source folders: code, prompts, docs."""
    texts = []
    for folder in ("agent", "engines", "memory", "prompts", "docs", "tests"):
        for path in sorted((repo / folder).rglob("*")):
            if path.suffix in {".py", ".txt", ".md", ".toml", ".jsonl"} and path.stat().st_size < 2_000_000:
                texts.append(path.read_text(encoding="utf-8", errors="replace"))
    return texts


def build_tokenizer(repo: Path):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    core = Tokenizer(models.BPE())
    core.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    core.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=VOCAB_SIZE, special_tokens=SPECIAL,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    core.train_from_iterator(repository_text(repo), trainer=trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=core, eos_token="<|im_end|>", pad_token="<|endoftext|>", unk_token=None,
        chat_template=CHAT_TEMPLATE, model_max_length=CONTEXT,
    )


def build_model(vocab_size: int, eos_id: int, pad_id: int):
    import torch
    from transformers import GenerationConfig, Qwen3Config, Qwen3ForCausalLM

    torch.manual_seed(0)
    config = Qwen3Config(
        vocab_size=vocab_size, hidden_size=128, intermediate_size=256, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, head_dim=32, max_position_embeddings=CONTEXT,  # CPU attention: head size >= 32
        tie_word_embeddings=True, eos_token_id=eos_id, pad_token_id=pad_id, torch_dtype="float32",
    )
    model = Qwen3ForCausalLM(config)
    model.generation_config = GenerationConfig(eos_token_id=eos_id, pad_token_id=pad_id)
    return model


def main() -> None:
    repo, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    tokenizer = build_tokenizer(repo)
    tokenizer.save_pretrained(out)
    model = build_model(len(tokenizer), tokenizer.convert_tokens_to_ids("<|im_end|>"),
                        tokenizer.convert_tokens_to_ids("<|endoftext|>"))
    model.save_pretrained(out, safe_serialization=True)
    print(f"tiny Qwen3 ({sum(p.numel() for p in model.parameters())} parameters, vocab {len(tokenizer)}) in {out}")


if __name__ == "__main__":
    main()
