"""Row surgery on a transformers ``DynamicCache``, for the continuous engine (``hf_engine``).

Each layer holds keys and values of shape ``[rows, kv_heads, T, head_dim]``; a 2-D attention
mask ``[rows, T]`` says which columns are real tokens of each row. Rows join by left-padding
both caches to one width and concatenating along the batch dimension, and leave by
index-selecting it; columns masked for every row are then dropped from the left so ``T`` stays
bounded by the longest-lived row. Only plain full-attention layers (``DynamicLayer``) are
supported: sliding-window, quantized or linear-attention caches keep other state per row.
"""

from __future__ import annotations

from typing import Any

from cmat.errors import ConfigError


def check_supported(model: Any) -> None:
    """Raise :class:`ConfigError` unless ``model``'s cache is made of plain dynamic layers."""
    from transformers import DynamicCache
    from transformers.cache_utils import DynamicLayer

    layers = getattr(DynamicCache(config=model.config), "layers", None)
    if layers is None:
        raise ConfigError("continuous batching needs a transformers version whose DynamicCache has .layers")
    kinds = sorted({type(layer).__name__ for layer in layers if type(layer) is not DynamicLayer})
    if kinds:
        raise ConfigError(f"continuous batching supports full-attention layers only; this model's cache has "
                          f"{', '.join(kinds)}: use --batching lockstep")


def width(mask: Any) -> int:
    return int(mask.shape[1])


def _pad_left(torch: Any, tensor: Any, columns: int, dim: int) -> Any:
    """``tensor`` with ``columns`` zero columns prepended along ``dim`` (-2 for keys, 1 for masks)."""
    if columns <= 0:
        return tensor
    shape = list(tensor.shape)
    shape[dim] = columns
    return torch.cat([tensor.new_zeros(shape), tensor], dim=dim)


def merge(torch: Any, cache: Any, mask: Any, other: Any, other_mask: Any) -> Any:
    """Append the rows of ``other`` (with ``other_mask``) to ``cache`` in place; returns the
    joint mask. The narrower of the two is padded on the left (masked columns)."""
    total = max(width(mask), width(other_mask))
    for layer, extra in zip(cache.layers, other.layers, strict=True):
        layer.keys = torch.cat([_pad_left(torch, layer.keys, total - layer.keys.shape[-2], -2),
                                _pad_left(torch, extra.keys, total - extra.keys.shape[-2], -2)], dim=0)
        layer.values = torch.cat([_pad_left(torch, layer.values, total - layer.values.shape[-2], -2),
                                  _pad_left(torch, extra.values, total - extra.values.shape[-2], -2)], dim=0)
    return torch.cat([_pad_left(torch, mask, total - width(mask), 1),
                      _pad_left(torch, other_mask, total - width(other_mask), 1)], dim=0)


def select(torch: Any, cache: Any, mask: Any, keep: list[int]) -> Any:
    """Keep only rows ``keep`` of ``cache`` (in place) and drop the leading columns that are
    then masked for every row; returns the new mask."""
    index = torch.tensor(keep, device=mask.device, dtype=torch.long)
    mask = mask.index_select(0, index)
    used = mask.any(dim=0).nonzero()
    first = int(used[0]) if used.numel() else width(mask)
    for layer in cache.layers:
        layer.keys = layer.keys.index_select(0, index)[..., first:, :]
        layer.values = layer.values.index_select(0, index)[..., first:, :]
    return mask[:, first:]
