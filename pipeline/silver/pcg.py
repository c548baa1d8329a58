"""`np.random.default_rng(words).random(k)` for many seeds at once, to the bit.

A backtest draws tie-break noise from one stream per (model, ball, target draw): at 10^5 targets
that is 10^5 generators per model and ball, and making each one (SeedSequence, PCG64,
Generator) cost more than all the scoring. This module runs the same algorithms as numpy's C
code, vectorised over the seeds: SeedSequence's hash mixing in uint32 lanes, PCG64's 128-bit
LCG as (high, low) uint64 pairs stepped for all seeds together, and the XSL-RR output turned
into doubles as `Generator.random` does. tests/silver/test_pcg.py compares it with numpy on
many seeds, so a numpy release that changed either algorithm would fail there, not silently
change tickets.
"""

from __future__ import annotations

import numpy as np

_M32, _M64 = 0xFFFFFFFF, (1 << 64) - 1
# SeedSequence's constants (numpy/random/bit_generator.pyx).
_INIT_A, _MULT_A, _INIT_B, _MULT_B = 0x43B0D7E5, 0x931E8875, 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R, _POOL = 0xCA01F9DD, 0x4973F715, 4
# PCG64's multiplier (pcg64.h: PCG_DEFAULT_MULTIPLIER_128).
_PCG_MULT = (2549297995355413924 << 64) + 4865540595714422341


def _u32(x) -> np.ndarray:
    return np.asarray(x, dtype=np.uint64) & np.uint64(_M32)


def _hash_constants(n: int, init: int, mult: int) -> list[int]:
    """The hash constant after each of n steps: the same for every seed, so computed once."""
    out, h = [], init
    for _ in range(n):
        h = (h * mult) & _M32
        out.append(h)
    return out


def _hashmix(value: np.ndarray, const: int) -> np.ndarray:
    # value ^ (previous constant) happens before the multiply; callers pass both halves.
    value = _u32(value * np.uint64(const))
    return value ^ (value >> np.uint64(16))


def _mix(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    r = _u32(np.uint64(_MIX_L) * x - np.uint64(_MIX_R) * y)  # uint64 wraps; low 32 bits hold
    return r ^ (r >> np.uint64(16))


def _pool(words: np.ndarray) -> np.ndarray:
    """SeedSequence.mix_entropy over [seeds, n_words] uint32 words (one word per entropy int)."""
    n_words = words.shape[1]
    steps = _POOL + _POOL * (_POOL - 1) + max(0, n_words - _POOL) * _POOL
    consts = [_INIT_A, *_hash_constants(steps, _INIT_A, _MULT_A)]
    it = iter(range(steps))

    def hashmix(value):
        i = next(it)
        return _hashmix(value ^ np.uint64(consts[i]), consts[i + 1])

    zero = np.zeros(words.shape[0], dtype=np.uint64)
    mixer = [hashmix(words[:, i] if i < n_words else zero) for i in range(_POOL)]
    for src in range(_POOL):
        for dst in range(_POOL):
            if src != dst:
                mixer[dst] = _mix(mixer[dst], hashmix(mixer[src]))
    for src in range(_POOL, n_words):
        for dst in range(_POOL):
            mixer[dst] = _mix(mixer[dst], hashmix(words[:, src]))
    return np.stack(mixer, axis=1)


def _seed_words(pool: np.ndarray) -> np.ndarray:
    """SeedSequence.generate_state(4, uint64) for each pool: [seeds, 4] uint64."""
    consts = [_INIT_B, *_hash_constants(8, _INIT_B, _MULT_B)]
    out32 = []
    for i in range(8):
        value = pool[:, i % _POOL] ^ np.uint64(consts[i])
        out32.append(_hashmix(value, consts[i + 1]))
    lo, hi = out32[0::2], out32[1::2]  # little-endian pairs of uint32 make each uint64
    return np.stack([lo[k] | (hi[k] << np.uint64(32)) for k in range(4)], axis=1)


def _mulhi(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """High 64 bits of the 128-bit product of uint64 arrays (32-bit limbs, no overflow)."""
    m = np.uint64(_M32)
    a0, a1, b0, b1 = a & m, a >> np.uint64(32), b & m, b >> np.uint64(32)
    p01, p10 = a0 * b1, a1 * b0
    mid = ((a0 * b0) >> np.uint64(32)) + (p01 & m) + (p10 & m)
    return a1 * b1 + (p01 >> np.uint64(32)) + (p10 >> np.uint64(32)) + (mid >> np.uint64(32))


def _add128(ah, al, bh, bl):
    lo = al + bl
    return ah + bh + (lo < al).astype(np.uint64), lo


def uniforms(words: np.ndarray, k: int) -> np.ndarray:
    """[seeds, k] doubles: row i = np.random.default_rng(list(words[i])).random(k).

    `words` is [seeds, n] non-negative integers below 2**32 (each a one-word entropy int).
    """
    words = np.asarray(words, dtype=np.uint64)
    seeds = _seed_words(_pool(words))
    # pcg64_set_seed: state (seeds[0] high, seeds[1] low), stream (seeds[2], seeds[3]);
    # srandom: inc = stream << 1 | 1, state = inc + seed state, then one step (j = 0 below).
    inc_hi = (seeds[:, 2] << np.uint64(1)) | (seeds[:, 3] >> np.uint64(63))
    inc_lo = (seeds[:, 3] << np.uint64(1)) | np.uint64(1)
    s_hi, s_lo = _add128(inc_hi, inc_lo, seeds[:, 0], seeds[:, 1])
    m_hi, m_lo = np.uint64(_PCG_MULT >> 64), np.uint64(_PCG_MULT & _M64)
    raw = np.empty((len(words), k), dtype=np.uint64)
    for j in range(k + 1):  # step: s = s * a + inc (mod 2**128); output j-1 after step j
        hi = _mulhi(s_lo, m_lo) + s_lo * m_hi + s_hi * m_lo
        s_hi, s_lo = _add128(hi, s_lo * m_lo, inc_hi, inc_lo)
        if j:  # XSL-RR: rotate (high ^ low) right by the top 6 bits of high
            x, rot = s_hi ^ s_lo, s_hi >> np.uint64(58)
            raw[:, j - 1] = (x >> rot) | (x << ((np.uint64(64) - rot) & np.uint64(63)))
    return (raw >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)
