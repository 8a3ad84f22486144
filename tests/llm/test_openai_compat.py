"""The ``openai`` backend: against a real ``cmat serve`` and against a scripted flaky server."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from cmat.errors import BackendError, ConfigError
from cmat.llm.base import LLM
from cmat.llm.openai_compat import DEFAULT_BASE_URL, OpenAICompatLLM
from cmat.serve import serve
from cmat.types import Completion, GenerationConfig, Message

KEY = "sk-test-secret-123"
HELLO = [Message("user", "hello")]
OK_BODY = {
    "choices": [{"message": {"role": "assistant", "content": "hi there"}, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 5, "completion_tokens": 2},
}


class Scripted(ThreadingHTTPServer):
    """A tiny local server answering POSTs from a script of (status, headers, body, delay)."""

    def __init__(self, script: list[tuple[int, dict[str, str], Any, float]]) -> None:
        super().__init__(("127.0.0.1", 0), _ScriptedHandler)
        self.script = script
        self.requests: list[tuple[dict[str, str], dict[str, Any]]] = []
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class _ScriptedHandler(BaseHTTPRequestHandler):
    server: Scripted

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with self.server.lock:
            self.server.requests.append((dict(self.headers), body))
            step = self.server.script.pop(0) if len(self.server.script) > 1 else self.server.script[0]
        status, headers, payload, delay = step
        time.sleep(delay)
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the client gave up (timeout test)
            pass

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def scripted() -> Iterator[Any]:
    servers: list[Scripted] = []

    def start(*script: tuple[int, dict[str, str], Any, float]) -> Scripted:
        server = Scripted(list(script))
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def client(url: str, **kwargs: Any) -> tuple[OpenAICompatLLM, list[float]]:
    """A client whose backoff sleeps are recorded instead of slept."""
    llm = OpenAICompatLLM("test-model", base_url=url, api_key=KEY, **{"max_retries": 3, **kwargs})
    sleeps: list[float] = []
    llm.sleep = sleeps.append
    return llm, sleeps


def test_request_payload_headers_and_parsing(scripted: Any) -> None:
    server = scripted((200, {}, OK_BODY, 0))
    llm, _ = client(server.url)
    assert isinstance(llm, LLM) and llm.name == "openai/test-model"
    config = GenerationConfig(max_new_tokens=7, temperature=0.5, top_p=0.9, seed=3, stop=("\n",))
    [completion] = llm.generate([HELLO], config)
    assert completion == Completion("hi there", "stop", prompt_tokens=5, completion_tokens=2)
    headers, body = server.requests[0]
    assert headers["Authorization"] == f"Bearer {KEY}"
    assert body == {
        "model": "test-model",
        "messages": [{"role": "user", "content": "hello"}],
        "max_tokens": 7,
        "temperature": 0.5,
        "top_p": 0.9,
        "seed": 3,
        "stop": ["\n"],
    }
    assert KEY not in repr(llm)


def test_stop_strings_are_cut_and_length_is_reported(scripted: Any) -> None:
    long = {"choices": [{"message": {"content": "abc STOP def"}, "finish_reason": "length"}]}
    server = scripted((200, {}, long, 0))
    llm, _ = client(server.url)
    assert llm.generate([HELLO])[0].finish_reason == "length"
    cut = llm.generate([HELLO], GenerationConfig(stop=("STOP",)))[0]
    assert (cut.text, cut.finish_reason) == ("abc ", "stop")


def test_retries_503_then_succeeds_honouring_retry_after(scripted: Any) -> None:
    server = scripted(
        (503, {"Retry-After": "2"}, {"error": "busy"}, 0), (503, {}, b"busy", 0), (200, {}, OK_BODY, 0)
    )
    llm, sleeps = client(server.url, backoff=0.1)
    assert llm.generate([HELLO])[0].text == "hi there"
    assert len(server.requests) == 3
    assert sleeps[0] == 2.0  # the server's Retry-After
    assert 0.1 <= sleeps[1] <= 0.2  # no Retry-After: backoff 2b with jitter, in [b, 2b]


def test_backoff_grows_on_429_and_gives_up(scripted: Any) -> None:
    server = scripted((429, {}, {"error": {"message": "rate limited"}}, 0))
    llm, sleeps = client(server.url, backoff=1.0, max_retries=4, max_backoff=3.0)
    with pytest.raises(BackendError) as info:
        llm.generate([HELLO])
    assert len(server.requests) == 5
    assert [0.5 <= sleeps[0] <= 1, 1 <= sleeps[1] <= 2, 1.5 <= sleeps[2] <= 3, 1.5 <= sleeps[3] <= 3] == [
        True
    ] * 4
    assert (
        "429" in str(info.value) and "after 5 attempts" in str(info.value) and server.url in str(info.value)
    )


def test_no_retry_on_401_and_the_key_is_never_shown(scripted: Any) -> None:
    server = scripted((401, {}, {"error": {"message": f"Incorrect API key provided: {KEY}"}}, 0))
    llm, sleeps = client(server.url)
    with pytest.raises(BackendError) as info:
        llm.generate([HELLO])
    assert len(server.requests) == 1 and sleeps == []
    message = str(info.value)
    assert "401" in message and "/chat/completions" in message and "Incorrect API key" in message
    assert KEY not in message


def test_context_length_400_becomes_context_limit(scripted: Any) -> None:
    error = {"error": {"message": "This model's maximum context length is 2048 tokens", "code": None}}
    server = scripted((400, {}, error, 0))
    llm, sleeps = client(server.url)
    [completion] = llm.generate([HELLO])
    assert completion.finish_reason == "context_limit" and completion.text == ""
    assert len(server.requests) == 1 and sleeps == []


def test_other_400_fails_without_retry(scripted: Any) -> None:
    server = scripted((400, {}, {"error": {"message": "unknown parameter 'foo'"}}, 0))
    llm, _ = client(server.url)
    with pytest.raises(BackendError, match="unknown parameter"):
        llm.generate([HELLO])
    assert len(server.requests) == 1


def test_timeouts_and_bad_bodies(scripted: Any) -> None:
    slow = scripted((200, {}, OK_BODY, 1.0))
    llm, sleeps = client(slow.url, timeout=0.2, max_retries=1)
    with pytest.raises(BackendError, match="timed out"):
        llm.generate([HELLO])
    assert len(slow.requests) == 2 and len(sleeps) == 1
    garbage = scripted((200, {}, b"<html>not json</html>", 0))
    llm, _ = client(garbage.url)
    with pytest.raises(BackendError, match="unexpected body"):
        llm.generate([HELLO])


def test_connection_refused_is_retried_then_reported() -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    llm, sleeps = client(f"http://127.0.0.1:{port}/v1", max_retries=2)
    with pytest.raises(BackendError, match="cannot reach"):
        llm.generate([HELLO])
    assert len(sleeps) == 2


def test_base_url_and_key_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CMAT_OPENAI_BASE_URL", "OPENAI_BASE_URL", "CMAT_OPENAI_API_KEY", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    assert OpenAICompatLLM("m").base_url == DEFAULT_BASE_URL
    assert OpenAICompatLLM("m")._api_key == ""
    monkeypatch.setenv("OPENAI_BASE_URL", "http://b/v1/")
    monkeypatch.setenv("OPENAI_API_KEY", "k2")
    assert (OpenAICompatLLM("m").base_url, OpenAICompatLLM("m")._api_key) == ("http://b/v1", "k2")
    monkeypatch.setenv("CMAT_OPENAI_BASE_URL", "http://a/v1")
    monkeypatch.setenv("CMAT_OPENAI_API_KEY", "k1")
    assert (OpenAICompatLLM("m").base_url, OpenAICompatLLM("m")._api_key) == ("http://a/v1", "k1")
    assert OpenAICompatLLM("m", base_url="http://c", api_key="k0").base_url == "http://c"
    with pytest.raises(ConfigError):
        OpenAICompatLLM("")


# -- against a real ``cmat serve`` ---------------------------------------------------------


class Echo:
    """A scripted LLM that answers with the last user message, slowly enough to batch."""

    name = "echo"

    def __init__(self) -> None:
        self.batch_sizes: list[int] = []

    def generate(self, batch: Any, config: GenerationConfig | None = None) -> list[Completion]:
        self.batch_sizes.append(len(batch))
        time.sleep(0.2)
        return [Completion(f"echo: {c[-1].content}", "stop", len(c), 2) for c in batch]


def test_round_trip_over_the_tiny_hf_model(tiny_llm: Any, tiny_model_dir: Path) -> None:
    from cmat.llm.hf import HFLLM

    conversations = [[Message("user", "What is the capital of France?")], [Message("user", "1+2")], HELLO]
    config = GenerationConfig(max_new_tokens=12)
    with serve(tiny_llm, port=0, max_batch=8) as server:
        remote = OpenAICompatLLM("tiny", base_url=server.base_url, api_key="", max_retries=0)
        assert remote.generate(conversations, config) == tiny_llm.generate(conversations, config)
    small = HFLLM(model=str(tiny_model_dir), max_context=30)
    too_long = [Message("user", "The quick brown fox jumps over the lazy dog. " * 5)]
    with serve(small, port=0) as server:
        remote = OpenAICompatLLM("tiny", base_url=server.base_url, api_key="", max_retries=0)
        results = remote.generate([too_long, HELLO], config)
    assert [r.finish_reason for r in results] == ["context_limit", "length"]


def test_a_concurrent_batch_is_served_in_few_generate_calls() -> None:
    echo = Echo()
    with serve(echo, port=0, max_batch=16) as server:
        remote = OpenAICompatLLM("echo", base_url=server.base_url, api_key="", concurrency=8)
        batch = [[Message("user", f"q{i}")] for i in range(8)]
        results = remote.generate(batch)
    assert [r.text for r in results] == [f"echo: q{i}" for i in range(8)]
    assert sum(echo.batch_sizes) == 8
    assert len(echo.batch_sizes) <= 3 and max(echo.batch_sizes) >= 4  # requests were grouped
