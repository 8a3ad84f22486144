"""``cmat serve``: an OpenAI-compatible HTTP server over any :class:`~cmat.llm.base.LLM`.

Endpoints: ``GET /v1/models``, ``POST /v1/chat/completions`` (non-streaming), ``GET /health``.
Standard library only (``http.server.ThreadingHTTPServer``): one handler thread per request,
and one worker thread that *micro-batches*: it takes the first queued request, waits a few
milliseconds for more, groups those with equal generation settings and answers each group with
one ``LLM.generate`` call. Requests that arrive while a batch is generating queue up and form
the next batch, so throughput grows with load without adding latency when idle.

A prompt too long for the model gets HTTP 400 with code ``context_length_exceeded`` (what
OpenAI and vLLM do); :class:`~cmat.llm.openai_compat.OpenAICompatLLM` turns that back into
``finish_reason="context_limit"``. Request defaults follow :class:`~cmat.types.GenerationConfig`
(greedy, 384 new tokens) rather than OpenAI's temperature 1.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import queue
import socket
import threading
import time
import uuid
from concurrent.futures import Future
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from cmat.errors import BackendError, ConfigError
from cmat.llm.base import LLM
from cmat.types import Completion, Conversation, GenerationConfig, Message

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 32 * 1024 * 1024
_ROLES = ("system", "user", "assistant")


@dataclasses.dataclass
class _Pending:
    conversation: Conversation
    config: GenerationConfig
    future: Future[Completion]


class MicroBatcher:
    """Queue + one worker thread that groups concurrent requests into ``generate`` calls.

    ``max_wait`` is how long the worker waits for more requests after the first one;
    ``generate_calls`` and ``batch_sizes`` record what it did (metrics and tests).
    """

    def __init__(self, llm: LLM, max_batch: int = 32, max_wait: float = 0.005) -> None:
        self.llm = llm
        self.max_batch = max(1, max_batch)
        self.max_wait = max_wait
        self.generate_calls = 0
        self.batch_sizes: list[int] = []
        self._queue: queue.Queue[_Pending | None] = queue.Queue()
        self._closed = False
        self._lock = threading.Lock()
        self._worker = threading.Thread(target=self._loop, name="cmat-batcher", daemon=True)
        self._worker.start()

    def submit(self, conversation: Conversation, config: GenerationConfig) -> Future[Completion]:
        """Queue one conversation; the future holds its completion (or the generate error)."""
        future: Future[Completion] = Future()
        with self._lock:
            if self._closed:
                future.set_exception(BackendError("the server is shutting down"))
            else:
                self._queue.put(_Pending(conversation, config, future))
        return future

    def close(self, timeout: float | None = None) -> None:
        """Finish the requests already queued, then stop the worker."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._queue.put(None)
        self._worker.join(timeout)

    def _loop(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            stopping = self._collect(batch)
            self._run(batch)
            if stopping:
                return

    def _collect(self, batch: list[_Pending]) -> bool:
        """Add requests that arrive within ``max_wait`` (or are already queued); True on close."""
        deadline = time.monotonic() + self.max_wait
        while len(batch) < self.max_batch:
            remaining = deadline - time.monotonic()
            try:
                item = self._queue.get(timeout=remaining) if remaining > 0 else self._queue.get_nowait()
            except queue.Empty:
                return False
            if item is None:
                return True
            batch.append(item)
        return False

    def _run(self, batch: list[_Pending]) -> None:
        groups: dict[tuple[Any, ...], list[_Pending]] = {}
        for item in batch:
            groups.setdefault(dataclasses.astuple(item.config), []).append(item)
        for group in groups.values():
            self.generate_calls += 1
            self.batch_sizes.append(len(group))
            try:
                results = self.llm.generate([p.conversation for p in group], group[0].config)
                if len(results) != len(group):
                    raise BackendError(
                        f"{self.llm.name} returned {len(results)} completions for {len(group)}"
                    )
            except Exception as exc:  # answer every waiting request, keep serving
                log.exception("generate failed for a batch of %d", len(group))
                for item in group:
                    item.future.set_exception(exc)
                continue
            for item, completion in zip(group, results, strict=True):
                item.future.set_result(completion)


class BadRequest(ValueError):
    """A request the server rejects with HTTP 400; ``param`` names the offending field."""

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param


def parse_chat_request(body: Any) -> tuple[Conversation, GenerationConfig]:
    """Validate an OpenAI chat-completions body and turn it into cmat's types."""
    if not isinstance(body, dict):
        raise BadRequest("the request body must be a JSON object")
    if body.get("stream"):
        raise BadRequest("streaming is not supported by cmat serve; send stream: false", "stream")
    if body.get("n", 1) != 1:
        raise BadRequest("only n = 1 is supported", "n")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise BadRequest("'messages' must be a non-empty list", "messages")
    conversation = [_message(m, i) for i, m in enumerate(messages)]
    defaults = GenerationConfig()
    stop = body.get("stop") or ()
    stop = (stop,) if isinstance(stop, str) else stop
    try:
        max_tokens = _first_set(body, "max_completion_tokens", "max_tokens", default=defaults.max_new_tokens)
        temperature = body.get("temperature")
        top_p = body.get("top_p")
        seed = body.get("seed")
        config = GenerationConfig(
            max_new_tokens=int(max_tokens),
            temperature=float(defaults.temperature if temperature is None else temperature),
            top_p=float(defaults.top_p if top_p is None else top_p),
            seed=None if seed is None else int(seed),
            stop=tuple(str(s) for s in stop),
        )
    except (TypeError, ValueError) as exc:
        raise BadRequest(f"bad generation parameter: {exc}") from exc
    if config.max_new_tokens < 1 or config.temperature < 0 or not 0 < config.top_p <= 1:
        raise BadRequest("need max_tokens >= 1, temperature >= 0 and 0 < top_p <= 1")
    return conversation, config


def _first_set(body: dict[str, Any], *keys: str, default: Any) -> Any:
    return next((body[k] for k in keys if body.get(k) is not None), default)


def _message(data: Any, index: int) -> Message:
    if not isinstance(data, dict) or data.get("role") not in _ROLES:
        raise BadRequest(f"messages[{index}] needs a role among {', '.join(_ROLES)}", f"messages[{index}]")
    content = data.get("content")
    if isinstance(content, list):  # content parts: keep the text ones
        content = "".join(
            p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text"
        )
    if not isinstance(content, str):
        raise BadRequest(f"messages[{index}].content must be a string", f"messages[{index}].content")
    return Message(role=data["role"], content=content)


def completion_body(model: str, completion: Completion) -> dict[str, Any]:
    """The OpenAI ``chat.completion`` object for one completion."""
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": completion.text},
                "finish_reason": "length" if completion.finish_reason == "length" else "stop",
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": completion.prompt_tokens,
            "completion_tokens": completion.completion_tokens,
            "total_tokens": completion.prompt_tokens + completion.completion_tokens,
        },
    }


def error_body(message: str, kind: str, param: str | None = None, code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


class _HTTPServer(ThreadingHTTPServer):
    """Handler threads are joined on close, so shutdown lets in-flight requests finish."""

    daemon_threads = False
    block_on_close = True

    def __init__(self, address: tuple[str, int], llm: LLM, batcher: MicroBatcher) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, _Handler)
        self.llm = llm
        self.batcher = batcher


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    timeout = 30  # seconds a client may idle mid-request; bounds how long shutdown waits
    server_version = "cmat-serve"

    def do_GET(self) -> None:
        path = urlsplit(self.path).path.rstrip("/")
        if path in ("/v1/models", "/models"):
            card = {"id": self.server.llm.name, "object": "model", "created": 0, "owned_by": "cmat"}
            self._send(200, {"object": "list", "data": [card]})
        elif path == "/health":
            self._send(200, {"status": "ok"})
        else:
            self._send(404, error_body(f"no route GET {path}", "not_found_error"))

    def do_POST(self) -> None:
        path = urlsplit(self.path).path.rstrip("/")
        if path not in ("/v1/chat/completions", "/chat/completions"):
            self._send(404, error_body(f"no route POST {path}", "not_found_error"))
            return
        try:
            conversation, config = parse_chat_request(self._read_json())
        except BadRequest as exc:
            self._send(400, error_body(str(exc), "invalid_request_error", exc.param))
            return
        try:
            completion = self.server.batcher.submit(conversation, config).result()
        except Exception as exc:
            self._send(500, error_body(f"generation failed: {exc}", "server_error"))
            return
        self._reply(completion)

    def _reply(self, completion: Completion) -> None:
        if completion.finish_reason == "context_limit":
            limit = getattr(self.server.llm, "max_context", None)
            message = (
                f"This model's maximum context length is {limit} tokens; the prompt has "
                f"{completion.prompt_tokens} tokens. Shorten the messages."
            )
            self._send(
                400, error_body(message, "invalid_request_error", "messages", "context_length_exceeded")
            )
        elif completion.finish_reason == "error":
            self._send(500, error_body(f"generation failed: {completion.error}", "server_error"))
        else:
            self._send(200, completion_body(self.server.llm.name, completion))

    def _read_json(self) -> Any:
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            raise BadRequest("a Content-Length header is required") from None
        if length < 0 or length > MAX_BODY_BYTES:
            raise BadRequest(f"the body must be 0..{MAX_BODY_BYTES} bytes")
        try:
            return json.loads(self.rfile.read(length))
        except ValueError as exc:
            raise BadRequest(f"the body is not valid JSON: {exc}") from exc

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s - %s", self.address_string(), format % args)


class Server:
    """A running server: ``url`` (root), ``base_url`` (``url + "/v1"``), ``shutdown()``."""

    def __init__(self, httpd: _HTTPServer, batcher: MicroBatcher) -> None:
        self.httpd = httpd
        self.batcher = batcher
        host, port = httpd.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else str(host)
        shown = f"[{host}]" if ":" in host else host
        self.url = f"http://{shown}:{port}"
        self.base_url = self.url + "/v1"
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, name="cmat-serve", daemon=True
        )
        self._thread.start()

    def shutdown(self) -> None:
        """Stop accepting, let in-flight requests finish, then stop the batch worker."""
        self.httpd.shutdown()
        self.httpd.server_close()  # joins handler threads, which wait on the still-running batcher
        self.batcher.close()
        self._thread.join()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()


def serve(
    llm: LLM, host: str = "127.0.0.1", port: int = 8000, max_batch: int = 32, max_wait: float = 0.005
) -> Server:
    """Start serving ``llm`` in background threads and return the running :class:`Server`
    (``port=0`` picks a free port; read it from ``server.url``)."""
    batcher = MicroBatcher(llm, max_batch=max_batch, max_wait=max_wait)
    try:
        httpd = _HTTPServer((host, port), llm, batcher)
    except OSError as exc:
        batcher.close()
        raise ConfigError(f"cannot listen on {host}:{port}: {exc}") from exc
    return Server(httpd, batcher)


__all__ = ["BadRequest", "MicroBatcher", "Server", "completion_body", "parse_chat_request", "serve"]
