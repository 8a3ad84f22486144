"""The ``openai`` backend: any server speaking OpenAI's ``/chat/completions`` (vLLM, llama.cpp
server, Ollama, OpenAI itself, ``cmat serve``).

Standard library only (``urllib.request`` + a thread pool): the request is one JSON POST, and a
client SDK would be a heavy dependency for that. A batch is sent as concurrent requests (the
server batches them). Transient failures (connection errors, timeouts, 429, 5xx) are retried
with exponential backoff and jitter, honouring ``Retry-After``; other 4xx fail at once, except a
400 about the context length, which becomes ``finish_reason="context_limit"``.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import random
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from email.utils import parsedate_to_datetime
from typing import Any

from cmat.errors import BackendError, ConfigError
from cmat.types import Completion, Conversation, FinishReason, GenerationConfig

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.openai.com/v1"
_CONTEXT_ERROR = re.compile(
    r"context[_ ]length|maximum context|context window|context size|too many tokens", re.IGNORECASE
)
_MAX_RETRY_AFTER = 300.0


class _Transient(Exception):
    """A failure worth retrying; ``delay`` is the server's ``Retry-After`` when it sent one."""

    def __init__(self, message: str, delay: float | None = None) -> None:
        super().__init__(message)
        self.delay = delay


class OpenAICompatLLM:
    """Chat completions over HTTP, implementing :class:`cmat.llm.base.LLM`.

    ``base_url`` defaults to ``$CMAT_OPENAI_BASE_URL``, then ``$OPENAI_BASE_URL``, then OpenAI;
    ``api_key`` to ``$CMAT_OPENAI_API_KEY`` then ``$OPENAI_API_KEY`` (none is sent when empty,
    as local servers need none). ``max_retries`` counts retries after the first attempt;
    ``concurrency`` bounds the requests in flight for one batch.
    """

    def __init__(
        self,
        model: str,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float = 60.0,
        max_retries: int = 5,
        concurrency: int = 8,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
    ) -> None:
        if not model:
            raise ConfigError("the openai backend needs a model name, e.g. openai:gpt-4o-mini")
        if concurrency < 1 or max_retries < 0 or timeout <= 0:
            raise ConfigError("concurrency must be >= 1, max_retries >= 0 and timeout > 0")
        self.model = model
        self.name = f"openai/{model}"
        env_url = os.environ.get("CMAT_OPENAI_BASE_URL") or os.environ.get("OPENAI_BASE_URL")
        self.base_url = (base_url or env_url or DEFAULT_BASE_URL).rstrip("/")
        env_key = os.environ.get("CMAT_OPENAI_API_KEY") or os.environ.get("OPENAI_API_KEY")
        self._api_key = api_key or env_key or ""
        self.timeout = timeout
        self.max_retries = max_retries
        self.concurrency = concurrency
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.sleep: Callable[[float], None] = time.sleep  # replaceable in tests

    def __repr__(self) -> str:  # never show the key
        return f"OpenAICompatLLM(model={self.model!r}, base_url={self.base_url!r})"

    def generate(
        self, batch: Sequence[Conversation], config: GenerationConfig | None = None
    ) -> list[Completion]:
        """One completion per conversation, in order; raises :class:`BackendError` when a
        request still fails after the retries."""
        cfg = config or GenerationConfig()
        if len(batch) <= 1:
            return [self._complete(conversation, cfg) for conversation in batch]
        workers = min(self.concurrency, len(batch))
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="cmat-openai")
        try:
            futures = [pool.submit(self._complete, conversation, cfg) for conversation in batch]
            return [future.result() for future in futures]
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def payload(self, conversation: Conversation, cfg: GenerationConfig) -> dict[str, Any]:
        """The JSON body sent for one conversation."""
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [m.to_dict() for m in conversation],
            "max_tokens": cfg.max_new_tokens,
            "temperature": cfg.temperature,
            "top_p": cfg.top_p,
        }
        if cfg.seed is not None:
            body["seed"] = cfg.seed
        if cfg.stop:
            body["stop"] = list(cfg.stop)
        return body

    def _complete(self, conversation: Conversation, cfg: GenerationConfig) -> Completion:
        status, data = self._post("/chat/completions", self.payload(conversation, cfg))
        if status == 400:
            return Completion("", "context_limit", error=_excerpt(data, self._api_key))
        return _parse_completion(data, cfg.stop, self._url("/chat/completions"))

    def _url(self, path: str) -> str:
        return self.base_url + path

    def _post(self, path: str, body: dict[str, Any]) -> tuple[int, bytes]:
        """POST with retries. Returns (200, body), or (400, body) for a context-length error."""
        url = self._url(path)
        data = json.dumps(body).encode("utf-8")
        last, hint = "", None
        for attempt in range(self.max_retries + 1):
            if attempt:
                self.sleep(self._delay(attempt, hint))
            try:
                return self._attempt(url, data)
            except _Transient as exc:
                last, hint = str(exc), exc.delay
                log.warning("%s (attempt %d of %d)", last, attempt + 1, self.max_retries + 1)
        raise BackendError(f"POST {url} failed after {self.max_retries + 1} attempts: {last}")

    def _attempt(self, url: str, data: bytes) -> tuple[int, bytes]:
        headers = {"Content-Type": "application/json", "Accept": "application/json", "User-Agent": "cmat"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        request = urllib.request.Request(url, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            body = exc.read() or b""
            excerpt = _excerpt(body, self._api_key)
            if exc.code == 429 or exc.code >= 500:
                raise _Transient(f"HTTP {exc.code} from {url}: {excerpt}", _retry_after(exc.headers)) from exc
            if exc.code == 400 and _CONTEXT_ERROR.search(body.decode("utf-8", "replace")):
                return 400, body
            raise BackendError(f"POST {url} failed: HTTP {exc.code}: {excerpt}") from exc
        except (OSError, http.client.HTTPException) as exc:  # URLError, timeouts, resets
            reason = getattr(exc, "reason", exc)
            raise _Transient(f"cannot reach {url}: {reason}") from exc

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(max(retry_after, 0.0), _MAX_RETRY_AFTER)
        ceiling = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
        return ceiling * (0.5 + random.random() / 2)  # jitter spreads retries of a batch


def _parse_completion(data: bytes, stop: Sequence[str], url: str) -> Completion:
    try:
        body = json.loads(data)
        choice = body["choices"][0]
        text = (choice.get("message") or {}).get("content") or ""
        usage = body.get("usage") or {}
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        raise BackendError(f"{url} returned an unexpected body: {data[:300]!r}") from exc
    reason: FinishReason = "length" if choice.get("finish_reason") == "length" else "stop"
    hits = [i for i in (text.find(s) for s in stop if s) if i >= 0]
    if hits:  # some servers return the stop string or ignore ``stop``; cut like the hf backend
        text, reason = text[: min(hits)], "stop"
    return Completion(
        text=text,
        finish_reason=reason,
        prompt_tokens=int(usage.get("prompt_tokens") or 0),
        completion_tokens=int(usage.get("completion_tokens") or 0),
    )


def _retry_after(headers: Any) -> float | None:
    value = headers.get("Retry-After") if headers is not None else None
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value).timestamp() - time.time()
    except (TypeError, ValueError):
        return None


def _excerpt(body: bytes, secret: str, limit: int = 300) -> str:
    """A short, single-line piece of a response body with the API key masked."""
    text = body.decode("utf-8", "replace").replace("\n", " ").strip()
    if secret:
        text = text.replace(secret, "***")
    return text[:limit] + ("..." if len(text) > limit else "")
