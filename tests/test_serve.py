"""``cmat serve``: routes, request validation, micro-batching, errors, shutdown and the CLI."""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from cmat.serve import BadRequest, parse_chat_request, serve
from cmat.types import Completion, Conversation, FinishReason, GenerationConfig, Message


class Fake:
    """A scripted LLM recording every generate call; ``delay`` lets requests pile up."""

    name = "fake"

    def __init__(self, delay: float = 0.0, fail: bool = False) -> None:
        self.delay, self.fail = delay, fail
        self.calls: list[tuple[list[str], GenerationConfig]] = []
        self.max_context = 100

    def generate(
        self, batch: Sequence[Conversation], config: GenerationConfig | None = None
    ) -> list[Completion]:
        assert config is not None
        self.calls.append(([c[-1].content for c in batch], config))
        time.sleep(self.delay)
        if self.fail:
            raise RuntimeError("the model fell over")
        out = []
        for conversation in batch:
            text = conversation[-1].content
            if text == "too long":
                out.append(Completion("", "context_limit", prompt_tokens=150))
            else:
                reason: FinishReason = "length" if len(text) > config.max_new_tokens else "stop"
                out.append(Completion(text[: config.max_new_tokens], reason, len(conversation), 3))
        return out


def post(url: str, body: Any) -> tuple[int, dict[str, Any]]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def chat(text: str, **extra: Any) -> dict[str, Any]:
    return {"model": "fake", "messages": [{"role": "user", "content": text}], **extra}


def test_models_health_and_a_standard_chat_response() -> None:
    with serve(Fake(), port=0) as server:
        with urllib.request.urlopen(server.base_url + "/models") as response:
            models = json.loads(response.read())
        assert models["object"] == "list" and models["data"][0]["id"] == "fake"
        with urllib.request.urlopen(server.url + "/health") as response:
            assert json.loads(response.read()) == {"status": "ok"}
        status, body = post(server.base_url + "/chat/completions", chat("hello", max_tokens=3))
    assert status == 200
    assert body["id"].startswith("chatcmpl-") and body["object"] == "chat.completion"
    assert isinstance(body["created"], int) and body["model"] == "fake"
    assert body["choices"][0]["message"] == {"role": "assistant", "content": "hel"}
    assert body["choices"][0]["finish_reason"] == "length"
    assert body["usage"] == {"prompt_tokens": 1, "completion_tokens": 3, "total_tokens": 4}


def test_concurrent_requests_are_micro_batched_by_settings() -> None:
    fake = Fake(delay=0.3)
    with serve(fake, port=0, max_batch=4) as server:
        url = server.base_url + "/chat/completions"
        temperature = [0.0 if i % 2 else 0.7 for i in range(10)]
        bodies = [chat(f"q{i}", temperature=temperature[i], seed=1) for i in range(10)]
        with ThreadPoolExecutor(10) as pool:
            results = list(pool.map(lambda b: post(url, b), bodies))
    assert [body["choices"][0]["message"]["content"] for _, body in results] == [f"q{i}" for i in range(10)]
    sizes = [len(texts) for texts, _ in fake.calls]
    assert sum(sizes) == 10 and max(sizes) <= 4
    assert len(fake.calls) < 10 and max(sizes) >= 2  # grouped, not one call per request
    for texts, config in fake.calls:  # settings are never mixed within one call
        assert {temperature[int(t[1:])] for t in texts} == {config.temperature}


def test_bad_requests_get_clear_400s() -> None:
    with serve(Fake(), port=0) as server:
        url = server.base_url + "/chat/completions"
        status, body = post(url, chat("hi", stream=True))
        assert status == 400 and "streaming is not supported" in body["error"]["message"]
        assert body["error"]["param"] == "stream"
        status, body = post(url, b"{not json")
        assert status == 400 and "not valid JSON" in body["error"]["message"]
        assert post(url, {"model": "x"})[0] == 400
        assert post(url, {"messages": [{"role": "wizard", "content": "x"}]})[0] == 400
        assert post(url, chat("hi", temperature="hot"))[0] == 400
        assert post(url, chat("hi", n=2))[0] == 400
        status, body = post(url, chat("too long"))
        assert status == 400 and body["error"]["code"] == "context_length_exceeded"
        assert "maximum context length is 100" in body["error"]["message"]
        status, body = post(server.base_url + "/completions", chat("hi"))
        assert status == 404


def test_a_failing_model_gives_500_and_the_server_keeps_serving() -> None:
    fake = Fake(fail=True)
    with serve(fake, port=0) as server:
        url = server.base_url + "/chat/completions"
        status, body = post(url, chat("hi"))
        assert status == 500 and "the model fell over" in body["error"]["message"]
        fake.fail = False
        assert post(url, chat("hi"))[0] == 200


def test_shutdown_lets_in_flight_requests_finish() -> None:
    server = serve(Fake(delay=0.5), port=0)
    url = server.base_url + "/chat/completions"
    results: list[tuple[int, dict[str, Any]]] = []
    worker = threading.Thread(target=lambda: results.append(post(url, chat("late"))))
    worker.start()
    time.sleep(0.2)  # the request is now generating
    server.shutdown()
    worker.join()
    assert results[0][0] == 200 and results[0][1]["choices"][0]["message"]["content"] == "late"
    with pytest.raises(OSError):
        urllib.request.urlopen(server.base_url + "/models", timeout=2)


def test_parse_chat_request_defaults_and_content_parts() -> None:
    parts = [{"type": "text", "text": "a"}, {"type": "image_url"}, {"type": "text", "text": "b"}]
    conversation, config = parse_chat_request(
        {"messages": [{"role": "system", "content": "s"}, {"role": "user", "content": parts}], "stop": "END"}
    )
    assert conversation == [Message("system", "s"), Message("user", "ab")]
    assert config == GenerationConfig(stop=("END",))  # greedy and 384 tokens by default
    _, config = parse_chat_request(chat("x", max_completion_tokens=5, max_tokens=9, temperature=0, seed=4))
    assert (config.max_new_tokens, config.temperature, config.seed) == (5, 0.0, 4)
    with pytest.raises(BadRequest, match="top_p"):
        parse_chat_request(chat("x", top_p=0))
    with pytest.raises(BadRequest, match="max_tokens"):
        parse_chat_request(chat("x", max_tokens=0))


def test_cli_register_defaults() -> None:
    from cmat.cli import serve_cmd

    parser = argparse.ArgumentParser()
    serve_cmd.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["serve"])
    assert (args.model, args.adapter, args.host, args.port, args.max_batch) == (
        "hf",
        None,
        "127.0.0.1",
        8000,
        32,
    )
    assert args.func is serve_cmd.run
    args = parser.parse_args(
        ["serve", "--model", "mock:x.yaml", "--adapter", "a", "--port", "0", "--max-batch", "4"]
    )
    assert (args.model, args.adapter, args.port, args.max_batch) == ("mock:x.yaml", "a", 0, 4)


CLI_SCRIPT = textwrap.dedent(
    """
    import argparse, sys, types
    from cmat.types import Completion

    class Fake:
        name = "fake-cli"
        def generate(self, batch, config=None):
            return [Completion("pong", "stop", 1, 1) for _ in batch]

    seen = {}
    def make_llm(spec, *, adapter=None, **options):
        seen.update(spec=spec, adapter=adapter)
        return Fake()

    sys.modules["cmat.registry"] = types.SimpleNamespace(make_llm=make_llm)
    from cmat.cli import serve_cmd
    parser = argparse.ArgumentParser()
    serve_cmd.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["serve", "--model", "mock:m.yaml", "--adapter", "lora", "--port", "0"])
    code = args.func(args)
    print("seen", seen["spec"], seen["adapter"], flush=True)
    sys.exit(code)
    """
)


def test_cli_serves_until_sigterm_then_stops_cleanly() -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", CLI_SCRIPT],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ,
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        line = process.stdout.readline()
        assert "fake-cli at http://127.0.0.1:" in line, line + (
            process.stderr.read() if process.poll() else ""
        )
        base_url = line.split(" at ")[1].split()[0]
        status, body = post(base_url + "/chat/completions", chat("ping"))
        assert status == 200 and body["choices"][0]["message"]["content"] == "pong"
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "cmat serve: stopped" in out and "seen mock:m.yaml lora" in out
