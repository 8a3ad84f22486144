"""Token-level continuous batching on an :class:`~cmat.llm.hf.HFLLM`'s model.

Lockstep batching (``HFLLM.generate``) holds every row of a chunk until its longest reply ends;
here requests join and leave the decode batch between decode steps instead:

* ``submit(conversation, cfg)`` encodes the request (a prompt with no room left and
  ``max_new_tokens < 1`` complete at once, as in ``generate``) and queues it; it returns a
  ticket.
* ``step()`` admits queued requests while fewer than ``batch_size`` rows are active: they are
  prefilled together (left padding; with the backend's prefix store, padding goes after the
  cached prefix, as in ``generate``), each picks its first token, and their KV rows are joined to
  the shared cache. Then one decode step feeds every active row its last token. Rows that end
  (``cmat.llm._stopping``: EOS, stop string, budget, repeat loop) leave the batch at once; the
  step returns their ``(ticket, Completion)`` pairs.

Decoding equals HF's left-padded ``generate``: a 2-D mask over the cache columns, position ids
from that mask per row, so greedy replies equal ``HFLLM.generate`` of the same conversation
(tested). Sampling is per row (temperature, top-p, each seeded request with its own
``torch.Generator``), so a seeded request gives the same tokens whatever else is in the batch.
"""

from __future__ import annotations

import inspect
import itertools
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cmat.errors import ConfigError
from cmat.llm import _kvcache
from cmat.llm._prefix import cache_kwarg, common_prefix
from cmat.llm._stopping import StopRule, finish
from cmat.types import Completion, Conversation, GenerationConfig

if TYPE_CHECKING:
    from cmat.llm.hf import HFLLM, _Job


@dataclass
class _Row:
    """One request: queued, then a row of the decode batch."""

    ticket: int
    job: _Job
    rule: StopRule
    generator: Any  # torch.Generator of a seeded sampled request, else None
    tokens: list[int] = field(default_factory=list)


class HFEngine:
    """A continuous decode batch over ``llm``'s model and tokenizer (see the module docstring).

    Driven by one thread; each ``submit``/``step`` holds the backend's lock, so ``generate``
    calls from elsewhere interleave with steps rather than corrupt them.
    """

    def __init__(self, llm: HFLLM, batch_size: int | None = None) -> None:
        size = batch_size or llm.batch_size
        if size < 1:
            raise ConfigError(f"batch_size must be at least 1, got {size}")
        _kvcache.check_supported(llm.model)
        self.llm, self.batch_size, self._torch = llm, size, llm._torch
        self._kwarg = cache_kwarg(llm.model)
        self._logits_arg = "logits_to_keep" in inspect.signature(llm.model.forward).parameters
        self._tickets = itertools.count()
        self._queue: deque[_Row] = deque()
        self._rows: list[_Row] = []  # active rows, in the cache's batch order
        self._done: list[tuple[int, Completion]] = []
        self._cache: Any = None
        self._mask: Any = None  # [rows, T] long: which cache columns are real tokens
        self.decode_steps = self.prefills = 0

    # -- introspection -------------------------------------------------------------------

    @property
    def active(self) -> int:
        """Rows in the decode batch."""
        return len(self._rows)

    @property
    def pending(self) -> int:
        """Requests submitted whose completion ``step`` has not yet returned."""
        return len(self._queue) + len(self._rows) + len(self._done)

    @property
    def busy(self) -> bool:
        return self.pending > 0

    # -- the API -------------------------------------------------------------------------

    def submit(self, conversation: Conversation, config: GenerationConfig | None = None) -> int:
        """Queue one request; its completion comes out of a later ``step`` under the ticket."""
        cfg = config or GenerationConfig()
        ticket = next(self._tickets)
        with self.llm._lock:
            job = self.llm._admit(ticket, conversation, cfg)
        if isinstance(job, Completion):
            self._done.append((ticket, job))
            return ticket
        generator = None
        if cfg.temperature > 0 and cfg.seed is not None:
            generator = self._torch.Generator(device=self.llm.device)
            generator.manual_seed(cfg.seed)
        self._queue.append(_Row(ticket, job, StopRule(job.budget, cfg.stop, self.llm._eos_ids, cfg.repeat_stop),
                                generator))
        return ticket

    def step(self) -> list[tuple[int, Completion]]:
        """Admit queued requests, run one decode step; the completions that finished."""
        with self.llm._lock, self._torch.inference_mode():
            free = self.batch_size - len(self._rows)
            newcomers = [self._queue.popleft() for _ in range(min(free, len(self._queue)))]
            for group in self._groups(newcomers):
                self._prefill(group)
            if self._rows:
                self._decode()
        out, self._done = self._done, []
        return out

    def run(self, batch: Sequence[Conversation], configs: Sequence[GenerationConfig]) -> list[Completion]:
        """Every conversation to completion, in order (a ``generate_each`` through the engine)."""
        tickets = [self.submit(c, g) for c, g in zip(batch, configs, strict=True)]
        results: dict[int, Completion] = {}
        while len(results) < len(tickets):
            results.update(self.step())
        return [results[t] for t in tickets]

    # -- internals -----------------------------------------------------------------------

    def _groups(self, rows: list[_Row]) -> list[list[_Row]]:
        """Newcomers prefilled together: all of them, or with a prefix store the runs (in token
        order) that share a cacheable prefix, so each run reuses its own cached prefix."""
        store = self.llm._prefixes
        if store is None or len(rows) < 2:
            return [rows] if rows else []
        groups: list[list[_Row]] = []
        for row in sorted(rows, key=lambda r: r.job.ids):
            if groups and common_prefix([groups[-1][0].job.ids, row.job.ids]) >= store.min_tokens:
                groups[-1].append(row)
            else:
                groups.append([row])
        return groups

    def _forward(self, ids: Any, mask: Any, positions: Any, cache: Any) -> tuple[Any, Any]:
        kwargs: dict[str, Any] = {self._kwarg: cache} if cache is not None else {}
        if self._logits_arg:
            kwargs["logits_to_keep"] = 1
        out = self.llm.model(input_ids=ids, attention_mask=mask, position_ids=positions, use_cache=True, **kwargs)
        return out.logits[:, -1].float(), out[self._kwarg] if self._kwarg in out else out["past_key_values"]

    def _prefill(self, group: list[_Row]) -> None:
        from cmat.llm.hf import left_padded

        torch, device = self._torch, self.llm.device
        prompts = [r.job.ids for r in group]
        store = self.llm._prefixes
        shared, cache = store.lookup(prompts) if store is not None else (0, None)
        rows, masks = left_padded(prompts, shared, self.llm.pad_id)
        mask = torch.tensor(masks, device=device)
        positions = (mask.cumsum(-1) - 1).masked_fill(mask == 0, 0)  # as HF generate derives them
        ids = torch.tensor(rows, device=device)[:, shared:]
        logits, cache = self._forward(ids, mask, positions[:, shared:], cache)
        self.prefills += 1
        keep = self._extend(group, self._choose(logits, group))
        if not keep:
            return
        if len(keep) < len(group):
            mask = _kvcache.select(torch, cache, mask, keep)
        joined = [group[i] for i in keep]
        if self._cache is None:
            self._cache, self._mask, self._rows = cache, mask, joined
        else:
            self._mask = _kvcache.merge(torch, self._cache, self._mask, cache, mask)
            self._rows.extend(joined)

    def _decode(self) -> None:
        torch, device = self._torch, self.llm.device
        ids = torch.tensor([[r.tokens[-1]] for r in self._rows], device=device)
        self._mask = torch.cat([self._mask, self._mask.new_ones((len(self._rows), 1))], dim=1)
        positions = self._mask.sum(dim=1, keepdim=True) - 1
        logits, _ = self._forward(ids, self._mask, positions, self._cache)
        self.decode_steps += 1
        keep = self._extend(self._rows, self._choose(logits, self._rows))
        if not keep:
            self._cache = self._mask = None
            self._rows = []
        elif len(keep) < len(self._rows):
            self._mask = _kvcache.select(torch, self._cache, self._mask, keep)
            self._rows = [self._rows[i] for i in keep]

    def _extend(self, rows: list[_Row], tokens: list[int]) -> list[int]:
        """Append each row's new token; finished rows complete. Returns the indices still going."""
        keep = []
        for i, (row, token) in enumerate(zip(rows, tokens, strict=True)):
            row.tokens.append(token)
            if row.rule.ended(self.llm.tokenizer, row.tokens):
                completion = finish(self.llm.tokenizer, self.llm._eos_ids, row.tokens, len(row.job.ids),
                                    row.job.cfg.stop)
                self._done.append((row.ticket, completion))
            else:
                keep.append(i)
        return keep

    def _choose(self, logits: Any, rows: list[_Row]) -> list[int]:
        """The next token of each row: argmax, or a sample with the row's own settings (one
        host sync for the whole batch)."""
        torch = self._torch
        picks = logits.argmax(dim=-1)
        sampled = [i for i, row in enumerate(rows) if row.job.cfg.temperature > 0]
        if sampled:
            configs = [rows[i].job.cfg for i in sampled]
            index = torch.tensor(sampled, device=logits.device)
            probs = _warp(torch, logits.index_select(0, index), [c.temperature for c in configs],
                          [c.top_p for c in configs])
            drawn = [torch.multinomial(probs[j], 1, generator=rows[i].generator) for j, i in enumerate(sampled)]
            picks = picks.index_copy(0, index, torch.cat(drawn))
        result: list[int] = picks.tolist()
        return result


def _warp(torch: Any, scores: Any, temperatures: list[float], top_ps: list[float]) -> Any:
    """Sampling probabilities of ``scores`` ([rows, vocab] float logits), row by row as HF's
    temperature and top-p warpers make them (top-p only where it is below 1)."""
    scores = scores / torch.tensor(temperatures, device=scores.device, dtype=scores.dtype)[:, None]
    top_p = torch.tensor(top_ps, device=scores.device, dtype=scores.dtype)[:, None]
    ordered, order = torch.sort(scores, descending=False, dim=-1)
    drop = (ordered.softmax(dim=-1).cumsum(dim=-1) <= (1 - top_p)) & (top_p < 1.0)
    drop[:, -1] = False  # keep at least the most likely token
    return scores.masked_fill(drop.scatter(1, order, drop), float("-inf")).softmax(dim=-1)
