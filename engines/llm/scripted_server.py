"""A real OpenAI-compatible HTTP server on 127.0.0.1 that plays the model from a script.

    with ScriptedServer({"reasoner": [Reply("... \\boxed{42}")], "verifier": Reply("\\box{STEP-1}")}) as server:
        ... point LEMMATA_BASE_URL at server.base_url, model "scripted" ...
        assert server.counts["reasoner"] == 1

A role's script is one `Reply` (given every time), a list (consumed in order; a request past
its end gets HTTP 400 naming the role), or a callable `(request_body) -> Reply`. The role is
read from the `X-Lemmata-Role` header, else from the first word after "You are the" in the
system message. Faults are Reply fields: `status`/`retry_after`/`error_body`, `delay` (seconds
before answering), `finish_reason` ("length", and vLLM's "abort", "repetition", "error"),
`malformed`, `empty_choices`, `content_null`, `error_event` (vLLM's mid-stream error event),
`close_early` (the body ends without a finish reason or [DONE]), `cut_off` (the connection
drops mid-body), `bad_chunk` (a chunk of the wrong shape) and `raw_body` (a whole response). Like vLLM, the server answers only
under /v1, lists `max_model_len` under /v1/models when given one, and refuses with HTTP 400 a
request whose prompt (its words) plus max_tokens exceeds it.
Run standalone with `python -m lemmata.engines.llm.scripted_server SCRIPT.json [--port P]`.
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

MODEL_NAME = "scripted"


@dataclass
class Reply:
    content: str = ""
    reasoning: str = ""
    finish_reason: str = "stop"
    status: int = 200
    retry_after: float | None = None
    delay: float = 0.0
    malformed: bool = False
    empty_choices: bool = False
    content_null: bool = False
    """Send `content: null` with all text in `reasoning` (an unclosed thinking block)."""
    choices: list[str] = field(default_factory=list)
    """Distinct texts for n > 1; otherwise `content` is repeated n times."""
    error_body: dict | None = None
    """The JSON body sent with a non-200 `status` (default: a generic error object)."""
    error_event: bool = False
    """Mid-stream, after the first half of the text: vLLM's `data: {"error": {...}}` event, then [DONE]."""
    close_early: bool = False
    """End the body cleanly after half the text: no finish reason, no usage, no [DONE]."""
    cut_off: bool = False
    """Drop the connection after half the text, mid-body."""
    bad_chunk: Any = None
    """Sent as one `data:` event after half the text, e.g. {"choices": [1, 2]}."""
    raw_body: Any = None
    """Sent as the whole JSON body of a non-streamed 200 answer, e.g. a response of the wrong shape."""


def vllm_error(message: str, status: int = 400, kind: str = "BadRequestError") -> dict:
    """An error body as vLLM's OpenAI server sends it."""
    return {"error": {"message": message, "type": kind, "param": None, "code": status}}


Script = Reply | list[Reply] | Callable[[dict], Reply]


class _Listener(ThreadingHTTPServer):
    request_queue_size = 512  # the stdlib's 5 refuses connections under benchmark concurrency

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that drops a kept-alive connection is normal, not worth a traceback


class ScriptedServer:
    def __init__(
        self,
        script: dict[str, Script] | None = None,
        *,
        token_latency: float = 0.0,
        max_concurrent: int | None = None,
        models: list[str] | None = None,
        port: int = 0,
        max_model_len: int | None = None,
        models_delay: float = 0.0,
    ):
        self.script: dict[str, Script] = dict(script or {})
        self.token_latency = token_latency
        self.models = models or [MODEL_NAME]
        self.max_model_len = max_model_len
        """The context length listed and enforced (prompt words + max_tokens), as vLLM does."""
        self.models_delay = models_delay
        """Seconds /v1/models takes to answer (a hanging model list)."""
        self.model_lists = 0
        """GET /v1/models requests received."""
        self.counts: Counter[str] = Counter()
        """Requests received per role, faults included."""
        self.completed: Counter[str] = Counter()
        """Successful (HTTP 200, non-malformed) completions per role: what was paid for."""
        self.requests: list[dict] = []
        self.busy_seconds = 0.0
        self.intervals: list[tuple[float, float]] = []
        """(start, end) monotonic times of every request served."""
        self._positions: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(max_concurrent) if max_concurrent else None
        self._httpd = _Listener(("127.0.0.1", port), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> "ScriptedServer":
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> "ScriptedServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def restart_script(self, script: dict[str, Script]) -> None:
        """Replace the script and start every role's sequence from its first reply again."""
        with self._lock:
            self.script = dict(script)
            self._positions.clear()

    def union_busy_seconds(self) -> float:
        """Time during which at least one request was being served: the server's own time."""
        total, end = 0.0, float("-inf")
        for start, stop in sorted(self.intervals):
            if stop <= end:
                continue
            total += stop - max(start, end)
            end = stop
        return total

    def requests_for(self, role: str) -> list[dict]:
        return [body for body in self.requests if body.get("_role") == role]

    def next_reply(self, role: str, body: dict) -> Reply | None:
        with self._lock:
            self.counts[role] += 1
            self.requests.append({**body, "_role": role})
            entry = self.script.get(role)
            if entry is None:
                return None
            if isinstance(entry, Reply):
                return entry
            if isinstance(entry, list):
                position = self._positions[role]
                self._positions[role] += 1
                return entry[position] if position < len(entry) else None
        return entry(body)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                if self.path.rstrip("/") == "/v1/models":
                    with server._lock:
                        server.model_lists += 1
                    if server.models_delay:
                        time.sleep(server.models_delay)
                    data = [{"id": m, "object": "model", "owned_by": "scripted",
                             **({"max_model_len": server.max_model_len} if server.max_model_len else {})}
                            for m in server.models]
                    self._json(200, {"object": "list", "data": data})
                else:
                    self._json(404, {"detail": "Not Found"})  # FastAPI's answer for an unknown route

            def parse_request(self) -> bool:
                self.accepted = time.monotonic()  # per request: a kept-alive connection serves many
                return super().parse_request()

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._json(404, {"detail": "Not Found"})
                    return
                role = self.headers.get("X-Lemmata-Role") or role_from_messages(body.get("messages", []))
                # The server's own time starts when it accepts the connection (reading and
                # parsing the request is its work too); with a concurrency cap, only once a slot
                # is free, since waiting in the queue is not work.
                started = self.accepted
                if server._slots:
                    server._slots.acquire()
                    started = time.monotonic()
                try:
                    self._answer(role, body)
                finally:
                    with server._lock:
                        server.busy_seconds += time.monotonic() - started
                        server.intervals.append((started, time.monotonic()))
                    if server._slots:
                        server._slots.release()

            def _answer(self, role: str, body: dict) -> None:
                if body.get("model") not in server.models:
                    self._json(404, vllm_error(f"The model `{body.get('model')}` does not exist.", 404, "NotFoundError"))
                    return
                too_long = _over_context(body, server.max_model_len)
                if too_long:
                    self._json(400, vllm_error(too_long))
                    return
                reply = server.next_reply(role, body)
                if reply is None:
                    self._json(400, {"error": {"message": f"script for role '{role}' is exhausted or missing"}})
                    return
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.status != 200:
                    headers = {"Retry-After": str(reply.retry_after)} if reply.retry_after is not None else {}
                    error = reply.error_body or {"error": {"message": f"scripted HTTP {reply.status}"}}
                    self._json(reply.status, error, headers)
                    return
                if reply.raw_body is not None and not body.get("stream"):
                    self._json(200, reply.raw_body)
                    return
                if reply.malformed:
                    self._raw(200, b'{"id": "x", "choices": [ {"index": 0, "mess', "application/json")
                    return
                n = int(body.get("n") or 1)
                texts = reply.choices or [reply.content] * n
                if body.get("stream"):
                    self._stream(role, reply, texts, body)
                else:
                    # Counted before the bytes go out, so a client holding its reply always sees it counted.
                    self._paid(role)
                    if not self._json(200, completion(reply, texts, body)):
                        self._paid(role, -1)

            def _stream(self, role: str, reply: Reply, texts: list[str], body: dict) -> None:
                # Chunked encoding keeps the connection alive between calls, as vLLM's does.
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                try:
                    for chunk in stream_chunks(reply, texts, body):
                        if chunk is _CUT:
                            if reply.cut_off:
                                self.close_connection = True
                                self.wfile.write(b"5\r\ndata")  # half a chunk, then the socket closes
                                self.wfile.flush()
                                return
                            if reply.error_event:
                                self._chunk(b"data: [DONE]\n\n")  # vLLM ends the stream after its error event
                                break
                            if reply.close_early:
                                break
                            continue
                        if server.token_latency and isinstance(chunk, dict) and chunk.get("choices"):
                            time.sleep(server.token_latency)
                        self._chunk(f"data: {json.dumps(chunk)}\n\n".encode())
                    else:
                        self._chunk(b"data: [DONE]\n\n")
                    # Counted before the final chunk, so a client holding its reply always sees it counted.
                    paying = not (reply.error_event or reply.close_early or reply.bad_chunk is not None)
                    if paying:
                        self._paid(role)
                    try:
                        self.wfile.write(b"0\r\n\r\n")
                        self.wfile.flush()
                    except (BrokenPipeError, ConnectionResetError):
                        if paying:
                            self._paid(role, -1)
                        raise
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client gave up (idle timeout, kill): not paid

            def _chunk(self, data: bytes) -> None:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                self.wfile.flush()

            def _paid(self, role: str, count: int = 1) -> None:
                with server._lock:
                    server.completed[role] += count

            def _json(self, status: int, payload: dict, headers: dict | None = None) -> bool:
                return self._raw(status, json.dumps(payload).encode(), "application/json", headers)

            def _raw(self, status: int, data: bytes, kind: str, headers: dict | None = None) -> bool:
                """Send one whole response; False when the client had gone."""
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    return False
                return True

        return Handler


def role_from_messages(messages: list[dict]) -> str:
    for message in messages:
        if message.get("role") == "system":
            found = re.search(r"You are the (\w+)", str(message.get("content", "")))
            if found:
                return found.group(1).lower()
    return "default"


def _usage(body: dict, texts: list[str]) -> dict:
    prompt = sum(len(str(m.get("content", "")).split()) for m in body.get("messages", []))
    completion_tokens = sum(len(t.split()) for t in texts)
    return {"prompt_tokens": prompt, "completion_tokens": completion_tokens, "total_tokens": prompt + completion_tokens}


def completion(reply: Reply, texts: list[str], body: dict) -> dict:
    if reply.empty_choices:
        choices = []
    else:
        choices = [
            {
                "index": i,
                "message": {
                    "role": "assistant",
                    "content": None if reply.content_null else text,
                    "reasoning": (reply.reasoning + text) if reply.content_null else (reply.reasoning or None),
                },
                "finish_reason": reply.finish_reason,
            }
            for i, text in enumerate(texts)
        ]
    return {"id": "scripted", "object": "chat.completion", "created": int(time.time()),
            "model": body.get("model"), "choices": choices, "usage": _usage(body, texts)}


_CUT = object()
"""Where a stream fault (error event, early close, cut-off, bad chunk) happens: after half the text."""


def stream_chunks(reply: Reply, texts: list[str], body: dict):
    base = {"id": "scripted", "object": "chat.completion.chunk", "created": int(time.time()), "model": body.get("model")}
    if not reply.empty_choices:
        for i, text in enumerate(texts):
            thinking = reply.reasoning + (text if reply.content_null else "")
            for word in _pieces(thinking):
                yield {**base, "choices": [{"index": i, "delta": {"reasoning": word}, "finish_reason": None}]}
            words = [] if reply.content_null else _pieces(text)
            for position, word in enumerate(words):
                if i == 0 and position == len(words) // 2:
                    yield from _fault(reply)
                yield {**base, "choices": [{"index": i, "delta": {"content": word}, "finish_reason": None}]}
            if i == 0 and not words:
                yield from _fault(reply)
            yield {**base, "choices": [{"index": i, "delta": {}, "finish_reason": reply.finish_reason}]}
    yield {**base, "choices": [], "usage": _usage(body, texts)}


def _fault(reply: Reply):
    if reply.error_event:
        yield vllm_error("scripted mid-stream failure", 500, "InternalServerError")
    if reply.bad_chunk is not None:
        yield reply.bad_chunk
    yield _CUT


def _over_context(body: dict, max_model_len: int | None) -> str | None:
    """vLLM's refusal when prompt + max_tokens exceeds the context, else None."""
    if not max_model_len:
        return None
    prompt = _usage(body, [])["prompt_tokens"]
    wanted = prompt + int(body.get("max_tokens") or 0)
    if prompt >= max_model_len:
        return (f"This model's maximum context length is {max_model_len} tokens. However, your request has "
                f"{prompt} input tokens. Please reduce the length of the input messages.")
    if wanted > max_model_len:
        return (f"'max_tokens' or 'max_completion_tokens' is too large: {body.get('max_tokens')}. This model's "
                f"maximum context length is {max_model_len} tokens and your request has {prompt} input tokens "
                f"({wanted} > {max_model_len}).")
    return None


def _pieces(text: str) -> list[str]:
    """Split into word-sized deltas that concatenate back to the text exactly."""
    return re.findall(r"\s*\S+\s*", text) if text.strip() else ([text] if text else [])


def load_script(path: Path) -> dict[str, Script]:
    """A JSON script: {role: reply-object | [reply-object, ...]}."""
    raw = json.loads(path.read_text())
    return {
        role: [Reply(**r) for r in entry] if isinstance(entry, list) else Reply(**entry)
        for role, entry in raw.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("script", type=Path)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--token-latency", type=float, default=0.0)
    parser.add_argument("--model", action="append", help="A served model name (repeatable).")
    parser.add_argument("--max-concurrent", type=int, help="Requests served at once; the rest queue.")
    parser.add_argument("--stats", type=Path, help="On SIGTERM, write request counts and busy time here as JSON.")
    args = parser.parse_args()
    server = ScriptedServer(load_script(args.script), port=args.port, token_latency=args.token_latency,
                            models=args.model, max_concurrent=args.max_concurrent)

    serve_until_terminated(server, args.stats)


def serve_until_terminated(server: ScriptedServer, stats: Path | None) -> None:
    """Serve in the foreground; on SIGTERM write request counts and busy time to `stats`."""

    def finish(*_: object) -> None:
        if stats:
            stats.write_text(json.dumps({
                "counts": dict(server.counts), "completed": dict(server.completed),
                "busy_seconds": server.busy_seconds, "union_busy_seconds": server.union_busy_seconds(),
                "span_seconds": (max(e for _, e in server.intervals) - min(s for s, _ in server.intervals))
                if server.intervals else 0.0,
            }))
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, finish)
    print(server.base_url, flush=True)
    server._httpd.serve_forever()


if __name__ == "__main__":
    main()

__all__ = ["MODEL_NAME", "Reply", "ScriptedServer", "asdict", "load_script", "vllm_error"]
