"""The ``hf`` backend: a local transformers causal LM, batched, with an optional LoRA adapter.

torch and transformers are imported in the constructor, so importing this module stays cheap and
a missing install surfaces as :class:`~cmat.errors.MissingDependencyError` naming the extra.

Decoding rules (see ``docs/design/llm-backends.md``):

* prompts are rendered with the tokenizer's chat template (``add_generation_prompt``);
* a batch is sorted by prompt length and generated in left-padded chunks of ``batch_size`` with
  the KV cache; position ids come from the attention mask, so batched greedy output equals
  one-at-a-time greedy output;
* each sequence stops on EOS, on its first stop string (the text is cut there) or at its own
  token budget; finished sequences stop early inside the batch;
* ``generate_each`` takes one config per conversation, so requests of different roles (the
  Assistant, the Checker, the reflector: other budgets and stop strings) share one forward batch;
  only the sampling settings (temperature, top-p, seed) must agree within a chunk;
* a prompt that leaves no room in the context window yields ``finish_reason="context_limit"``
  without generating; otherwise ``max_new_tokens`` shrinks to what fits.

``HFLLM.engine()`` gives the same model without lockstep chunks: a continuous decode batch that
requests join and leave between tokens (``cmat.llm.hf_engine``).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from cmat.errors import ConfigError, require
from cmat.llm._prefix import PrefixStore
from cmat.llm._stopping import StopRule, finish
from cmat.types import Completion, Conversation, GenerationConfig

if TYPE_CHECKING:
    from cmat.llm.hf_engine import HFEngine

log = logging.getLogger(__name__)

_DTYPES = ("float32", "float16", "bfloat16", "auto")


@dataclass
class _Job:
    """One conversation of a batch on its way through generation."""

    index: int
    ids: list[int]
    budget: int  # tokens this sequence may generate (context-limited)
    # The settings of this sequence (its stop strings; sampling settings are shared per chunk).
    cfg: GenerationConfig = field(default_factory=GenerationConfig)


def _sampling_key(cfg: GenerationConfig) -> tuple[float, float, int | None]:
    """What must be equal for two sequences to be decoded in one ``model.generate`` call."""
    if cfg.temperature <= 0:
        return (0.0, 1.0, None)
    return (cfg.temperature, cfg.top_p, cfg.seed)


class HFLLM:
    """A transformers chat model implementing :class:`cmat.llm.base.LLM`.

    ``model=None`` uses the embedded SmolLM2-135M-Instruct (converted once into the cmat cache);
    otherwise a local folder or a Hugging Face id for ``from_pretrained``. ``adapter`` is a PEFT
    LoRA folder, merged into the weights after loading. ``max_context`` caps the context window
    (default: the model's ``max_position_embeddings``). ``batch_size`` bounds one forward batch.
    ``prefix_block`` is the block size of prefix KV caching (``cmat.llm._prefix``); 0 turns it off.
    """

    def __init__(
        self,
        model: str | None = None,
        adapter: str | None = None,
        device: str | None = None,
        dtype: str | None = None,
        max_context: int | None = None,
        batch_size: int = 32,
        prefix_block: int = 32,
    ) -> None:
        if batch_size < 1:
            raise ConfigError(f"batch_size must be at least 1, got {batch_size}")
        if dtype is not None and dtype not in _DTYPES:
            raise ConfigError(f"dtype must be one of {', '.join(_DTYPES)}; got '{dtype}'")
        self._torch = cast(Any, require("torch", "hf", "the hf backend"))
        self._tf = cast(Any, require("transformers", "hf", "the hf backend"))
        _configure_threads(self._torch)
        if model is None:
            from cmat.llm.embedded import EMBEDDED_MODEL_ID, embedded_model_path

            source, label = str(embedded_model_path()), EMBEDDED_MODEL_ID
        else:
            source, label = model, model
        self.name = f"hf/{label}" + (f"+{Path(adapter).name}" if adapter else "")
        self.adapter = adapter
        self.batch_size = batch_size
        self.device = device or ("cuda" if self._torch.cuda.is_available() else "cpu")
        self.tokenizer = self._load_tokenizer(source)
        self.model = self._load_model(source, dtype)
        if adapter:
            self.model = _merge_adapter(self.model, adapter)
        self.model.eval()
        self.max_context = max_context or _model_context(self.model.config)
        self._eos_ids = _eos_ids(self.model.generation_config, self.tokenizer)
        self._lock = threading.Lock()
        self._prefixes = PrefixStore(self.model, self._torch, self.device, block=prefix_block) if prefix_block else None

    def _load_tokenizer(self, source: str) -> Any:
        try:
            tokenizer = self._tf.AutoTokenizer.from_pretrained(source)
        except OSError as exc:
            raise ConfigError(f"cannot load a tokenizer from '{source}': {exc}") from exc
        if not getattr(tokenizer, "chat_template", None):
            raise ConfigError(f"the tokenizer of '{source}' has no chat template; use a chat model")
        tokenizer.padding_side = "left"
        if tokenizer.pad_token_id is None and tokenizer.eos_token is not None:
            tokenizer.pad_token = tokenizer.eos_token  # pads are masked out; any id will do
        return tokenizer

    def _load_model(self, source: str, dtype: str | None) -> Any:
        torch = self._torch
        if dtype is None:
            on_gpu = self.device.startswith("cuda")
            chosen: Any = torch.float32
            if on_gpu:
                chosen = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        else:
            chosen = dtype if dtype == "auto" else getattr(torch, dtype)
        try:
            model = self._tf.AutoModelForCausalLM.from_pretrained(source, dtype=chosen)
        except OSError as exc:
            raise ConfigError(f"cannot load model '{source}': {exc}") from exc
        return model.to(self.device)

    # -- the LLM contract -------------------------------------------------------------------

    def generate(
        self, batch: Sequence[Conversation], config: GenerationConfig | None = None
    ) -> list[Completion]:
        """One completion per conversation, in order (see the module docstring for the rules)."""
        cfg = config or GenerationConfig()
        with self._lock:  # one model, one generation at a time; fast tokenizers dislike sharing too
            return self._generate_locked(batch, [cfg] * len(batch))

    def generate_each(
        self, batch: Sequence[Conversation], configs: Sequence[GenerationConfig]
    ) -> list[Completion]:
        """Like ``generate`` with one config per conversation: all sequences whose sampling
        settings agree (e.g. every greedy request) share forward batches whatever their budgets
        and stop strings, so Checker and reflection calls join the Assistant's batch."""
        if len(configs) != len(batch):
            raise ConfigError(f"generate_each needs one config per conversation ({len(configs)} != {len(batch)})")
        with self._lock:
            return self._generate_locked(batch, list(configs))

    def engine(self, batch_size: int | None = None) -> HFEngine:
        """A continuous-batching engine on this model (:class:`cmat.llm.hf_engine.HFEngine`):
        requests join and leave the decode batch between steps. ``batch_size`` bounds its rows
        (default: this backend's ``batch_size``)."""
        from cmat.llm.hf_engine import HFEngine

        return HFEngine(self, batch_size=batch_size)

    @property
    def pad_id(self) -> int:
        """The id written into padding positions (masked out, so any id will do)."""
        pad = self.tokenizer.pad_token_id
        return int(pad) if pad is not None else 0

    def count_tokens(self, conversation: Conversation) -> int:
        """Prompt tokens of ``conversation`` with the chat template and generation prompt."""
        with self._lock:
            return len(self._encode(conversation))

    # -- internals --------------------------------------------------------------------------

    def _generate_locked(self, batch: Sequence[Conversation], cfgs: list[GenerationConfig]) -> list[Completion]:
        results: list[Completion | None] = [None] * len(batch)
        groups: dict[tuple[float, float, int | None], list[_Job]] = {}
        for index, (conversation, cfg) in enumerate(zip(batch, cfgs, strict=True)):
            job = self._admit(index, conversation, cfg)
            if isinstance(job, Completion):
                results[index] = job
            else:
                groups.setdefault(_sampling_key(cfg), []).append(job)
        for jobs in groups.values():
            for job, completion in self._generate_group(jobs):
                results[job.index] = completion
        return [r for r in results if r is not None]

    def _generate_group(self, jobs: list[_Job]) -> list[tuple[_Job, Completion]]:
        """Generate jobs that share their sampling settings, seeded once for the whole group."""
        torch = self._torch
        cfg = jobs[0].cfg
        seeded = cfg.temperature > 0 and cfg.seed is not None
        out: list[tuple[_Job, Completion]] = []
        # Fork the RNG so a seeded call does not reset the caller's random stream.
        devices = [torch.device(self.device).index or 0] if self.device.startswith("cuda") else []
        with torch.inference_mode(), torch.random.fork_rng(devices=devices, enabled=seeded):
            if seeded:
                torch.manual_seed(cfg.seed)
            for chunk in self._chunks(jobs):
                out.extend(zip(chunk, self._generate_chunk(chunk, cfg), strict=True))
        return out

    def _admit(self, index: int, conversation: Conversation, cfg: GenerationConfig) -> _Job | Completion:
        """The job of one request, or its completion when nothing may be generated: a prompt
        with no room left in the window (``context_limit``) or ``max_new_tokens < 1``."""
        ids = self._encode(conversation)
        room = self.max_context - len(ids)
        if room < 1:
            return Completion("", "context_limit", prompt_tokens=len(ids))
        if cfg.max_new_tokens < 1:
            return Completion("", "length", prompt_tokens=len(ids))
        return _Job(index, ids, min(cfg.max_new_tokens, room), cfg)

    def _encode(self, conversation: Conversation) -> list[int]:
        # Render then tokenize without special tokens: the template already holds BOS etc.
        text = self.tokenizer.apply_chat_template(
            [m.to_dict() for m in conversation], add_generation_prompt=True, tokenize=False
        )
        return list(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def _chunks(self, jobs: list[_Job]) -> list[list[_Job]]:
        """Group jobs by prompt length (less padding) into chunks whose padded prompt plus
        largest budget fits the context, so no sequence sees a position beyond the window."""
        chunks: list[list[_Job]] = []
        current: list[_Job] = []
        for job in sorted(jobs, key=lambda j: len(j.ids)):
            budget = max([j.budget for j in current] + [job.budget])
            if current and (len(current) >= self.batch_size or len(job.ids) + budget > self.max_context):
                chunks.append(current)
                current = []
            current.append(job)
        if current:
            chunks.append(current)
        return chunks

    def _generate_chunk(self, chunk: list[_Job], cfg: GenerationConfig) -> list[Completion]:
        torch = self._torch
        shared, cache = self._prefixes.lookup([j.ids for j in chunk]) if self._prefixes else (0, None)
        width = max(len(j.ids) for j in chunk)
        pad = self.pad_id
        ids, masks = left_padded([j.ids for j in chunk], shared, pad)
        input_ids = torch.tensor(ids, device=self.device)
        mask = torch.tensor(masks, device=self.device)
        stopper = _make_stopper(self._tf.StoppingCriteria, torch)(
            self.tokenizer, width, [j.budget for j in chunk], [j.cfg.stop for j in chunk], self._eos_ids,
            [j.cfg.repeat_stop for j in chunk],
        )
        sampling = cfg.temperature > 0
        # Set explicitly, so a model's own generation defaults (top-k, repetition penalty, beams)
        # do not change decoding: cmat's settings mean what they mean for the openai backend.
        gen_config = self._tf.GenerationConfig(
            max_new_tokens=max(j.budget for j in chunk),
            do_sample=sampling,
            temperature=cfg.temperature if sampling else None,
            top_p=cfg.top_p if sampling else None,
            top_k=0 if sampling else None,
            repetition_penalty=1.0,
            num_beams=1,
            pad_token_id=pad,
            eos_token_id=sorted(self._eos_ids),
            use_cache=True,
        )
        output = self.model.generate(
            input_ids=input_ids,
            attention_mask=mask,
            generation_config=gen_config,
            stopping_criteria=self._tf.StoppingCriteriaList([stopper]),
            **({self._prefixes.cache_kwarg: cache} if cache is not None and self._prefixes else {}),
        )
        return [
            self._finish(job, output[row, width:].tolist(), stopper.finished_at[row], job.cfg.stop)
            for row, job in enumerate(chunk)
        ]

    def _finish(
        self, job: _Job, tokens: list[int], finished_at: int | None, stop: tuple[str, ...]
    ) -> Completion:
        """Trim one generated row to what the sequence really produced and decide why it ended."""
        end = finished_at if finished_at is not None else min(len(tokens), job.budget)
        return finish(self.tokenizer, self._eos_ids, tokens[:end], len(job.ids), stop)


def left_padded(prompts: Sequence[list[int]], shared: int, pad: int) -> tuple[list[list[int]], list[list[int]]]:
    """Rows and attention masks of ``prompts`` padded to one width; the padding goes after the
    first ``shared`` tokens (a cached common prefix): ``[prefix | pads | rest of the prompt]``."""
    width = max(len(p) for p in prompts)
    rows = [(p[:shared], [pad] * (width - len(p)), p[shared:]) for p in prompts]
    return [a + b + c for a, b, c in rows], [[1] * len(a) + [0] * len(b) + [1] * len(c) for a, b, c in rows]


def _make_stopper(base: Any, torch: Any) -> Any:
    """Build the per-sequence stopping criterion class on top of transformers' base class."""

    class _Stopper(base):
        """Marks each sequence done at EOS, its first stop string or its own token budget
        (stop strings and budgets are per sequence; see ``cmat.llm._stopping.StopRule``)."""

        def __init__(
            self, tokenizer: Any, prompt_width: int, budgets: list[int], stops: list[tuple[str, ...]], eos: set[int],
            repeats: list[int] | None = None,
        ) -> None:
            self.tokenizer, self.prompt_width = tokenizer, prompt_width
            repeats = repeats or [0] * len(budgets)
            self.rules = [StopRule(b, s, eos, r) for b, s, r in zip(budgets, stops, repeats, strict=True)]
            self.finished_at: list[int | None] = [None] * len(budgets)

        def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
            step = input_ids.shape[1] - self.prompt_width
            generated = input_ids[:, self.prompt_width :].tolist()
            for row, rule in enumerate(self.rules):
                if self.finished_at[row] is None and rule.ended(self.tokenizer, generated[row]):
                    self.finished_at[row] = step
            done = [f is not None for f in self.finished_at]
            return torch.tensor(done, dtype=torch.bool, device=input_ids.device)

    return _Stopper


def _merge_adapter(model: Any, adapter: str) -> Any:
    """Load a PEFT adapter onto ``model`` and merge it (plain model, no per-step LoRA cost)."""
    peft: Any = require("peft", "train", "LoRA adapters")
    if not Path(adapter).exists():
        raise ConfigError(f"adapter folder '{adapter}' does not exist")
    try:
        wrapped = peft.PeftModel.from_pretrained(model, adapter)
    except (OSError, ValueError, KeyError) as exc:
        raise ConfigError(f"cannot load the adapter '{adapter}': {exc}") from exc
    return wrapped.merge_and_unload()


def _model_context(config: Any) -> int:
    for key in ("max_position_embeddings", "n_positions", "max_seq_len", "seq_length"):
        value = getattr(config, key, None)
        if isinstance(value, int) and value > 0:
            return value
    raise ConfigError("the model config names no context length; pass max_context")


def _eos_ids(generation_config: Any, tokenizer: Any) -> set[int]:
    ids: set[int] = set()
    for value in (getattr(generation_config, "eos_token_id", None), tokenizer.eos_token_id):
        if isinstance(value, int):
            ids.add(value)
        elif isinstance(value, (list, tuple)):
            ids.update(int(v) for v in value)
    return ids


def _configure_threads(torch: Any) -> None:
    """Use ``CMAT_NUM_THREADS`` if set, else no more intra-op threads than CPUs we may run on
    (torch counts the host's cores, which oversubscribes inside containers)."""
    env = os.environ.get("CMAT_NUM_THREADS")
    if env:
        torch.set_num_threads(max(1, int(env)))
        return
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        available = os.cpu_count() or 1
    if torch.get_num_threads() > available:
        torch.set_num_threads(available)
