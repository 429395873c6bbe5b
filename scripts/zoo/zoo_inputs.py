"""Deterministic image-like inputs for the model zoo, bit-identical to qsh's Java ZooInputs (commands tests).

Every value is computed in float64 with the same operations in the same order as the Java side, then rounded
once to float32, so both sides feed the models the same bytes (ort-reference.json records a checksum that the
Java suite checks). An image is a smooth random field (a (G+1)x(G+1) grid of uniform values per channel,
bilinearly interpolated); a "text" image (the OCR models: their detector sees nothing in a plain field) lightens
it to a page background and darkens the outlines of glyph-sized rectangles laid out in lines of words; then uniform pixel noise,
a clamp to [0, 1], and per-channel normalization x = (v - mean[c]) / std[c].
"""
import math

import numpy as np

GRID = 4          # cells per side of the coarse random field
NOISE = 0.1       # peak-to-peak amplitude of the per-pixel noise
MASK64 = (1 << 64) - 1

TEXT_FAMILIES = ("paddle",)  # families whose images are text-like pages

# per-family normalization (mean, std) per channel
NORMALIZATION = {
    "imagenet": ((0.485, 0.456, 0.406), (0.229, 0.224, 0.225)),  # torchvision
    "paddle": ((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)),                # PaddleOCR det/rec/cls
}


def _splitmix64(z):
    """SplitMix64 finalizer on uint64 arrays (wrapping arithmetic, as Java longs)."""
    z = (z + np.uint64(0x9E3779B97F4A7C15))
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def uniform(stream, n):
    """n uniform doubles in [0, 1): the top 53 bits of splitmix64(stream * 2^32 + i), i = 0..n-1."""
    with np.errstate(over="ignore"):
        idx = np.uint64((stream << 32) & MASK64) + np.arange(n, dtype=np.uint64)
        return (_splitmix64(idx) >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)


PAGE_HEIGHT = 64  # from this height on, an image is a page of text lines (the detectors); below, one text line
PAGE_PITCH = 20   # pixels per line of a page
STROKE = 2        # stroke width of a page's glyphs


def text_mask(seed, h, w):
    """Glyphs in lines of words, drawn from stream 2^20 + seed one uniform at a time (as ZooInputs): a page of
    stroke glyphs for the detectors (h >= PAGE_HEIGHT), one line of glyph outlines for the recognizers and the
    direction classifier. PaddleOCR's detectors find no text in outline boxes (their output stays below 1e-9), and
    the recognizers read outlines as characters."""
    mask = np.zeros((h, w), dtype=bool)
    stream = (1 << 20) + seed
    counter = [0]

    def u():
        counter[0] += 1
        return uniform_at(stream, counter[0] - 1)

    if h >= PAGE_HEIGHT:
        return page_mask(mask, u, h, w)
    lines = max(1, h // 40)
    pitch = h / lines
    size = pitch * 0.5  # glyph height
    for j in range(lines):
        top = j * pitch + pitch * 0.25
        x = w * 0.1 * u()
        glyphs = 0
        while True:
            gw = size * (0.3 + 0.5 * u())
            if x + gw > w * 0.95:
                break
            y0 = int(math.floor(top + size * 0.2 * u()))
            y1 = min(h, int(math.floor(top + size)))
            x0 = int(math.floor(x))
            x1 = min(w, int(math.floor(x + gw)))
            if y1 > y0 and x1 > x0:  # the glyph's outline, one pixel wide (filled blocks do not read as text)
                mask[y0, x0:x1] = True
                mask[y1 - 1, x0:x1] = True
                mask[y0:y1, x0] = True
                mask[y0:y1, x1 - 1] = True
            glyphs += 1
            x = x + gw + size * (0.1 + 0.2 * u()) + (size if glyphs % 5 == 0 else 0.0)
    return mask


def page_mask(mask, u, h, w):
    """Lines of words whose glyphs are up to three vertical and three horizontal strokes, STROKE pixels wide."""
    lines = h // PAGE_PITCH
    pitch = h / lines
    size = pitch * 0.6  # glyph height
    for j in range(lines):
        top = j * pitch + pitch * 0.2
        x = w * 0.1 * u()
        glyphs = 0
        while True:
            gw = size * (0.5 + 0.4 * u())
            if x + gw > w * 0.95:
                break
            y0 = int(math.floor(top))
            y1 = min(h, int(math.floor(top + size)))
            x0 = int(math.floor(x))
            x1 = min(w, int(math.floor(x + gw)))
            for _ in range(3):
                a, b, c = u(), u(), u()
                if a < 0.7:  # a vertical stroke
                    xx = x0 + int(math.floor(b * (x1 - x0 - STROKE)))
                    mask[y0:y1, xx:xx + STROKE] = True
                if c < 0.6:  # a horizontal stroke
                    yy = y0 + int(math.floor(b * (y1 - y0 - STROKE)))
                    mask[yy:yy + STROKE, x0:x1] = True
            glyphs += 1
            x = x + gw + size * (0.1 + 0.2 * u()) + (size if glyphs % 5 == 0 else 0.0)
    return mask


def uniform_at(stream, i):
    """The uniform(stream, ...) value number i alone."""
    with np.errstate(over="ignore"):
        z = np.array([((stream << 32) + i) & MASK64], dtype=np.uint64)
        return (_splitmix64(z) >> np.uint64(11)).astype(np.float64)[0] * (1.0 / 9007199254740992.0)


def image(seed, c, h, w, family):
    """One input [1, c, h, w] float32 for image number `seed` of the given normalization family."""
    mean, std = NORMALIZATION[family]
    mask = text_mask(seed, h, w) if family in TEXT_FAMILIES else None
    coarse = uniform(2 * seed, c * (GRID + 1) * (GRID + 1)).reshape(c, GRID + 1, GRID + 1)
    noise = uniform(2 * seed + 1, c * h * w).reshape(c, h, w)
    ty = np.arange(h, dtype=np.float64) * GRID / max(h - 1, 1)
    tx = np.arange(w, dtype=np.float64) * GRID / max(w - 1, 1)
    y0 = np.minimum(np.floor(ty).astype(np.int64), GRID - 1)
    x0 = np.minimum(np.floor(tx).astype(np.int64), GRID - 1)
    fy = (ty - y0)[:, None]
    fx = (tx - x0)[None, :]
    out = np.empty((1, c, h, w), dtype=np.float32)
    for ch in range(c):
        g = coarse[ch]
        a = g[y0][:, x0]
        b = g[y0][:, x0 + 1]
        cc = g[y0 + 1][:, x0]
        d = g[y0 + 1][:, x0 + 1]
        v = (a * (1 - fx) + b * fx) * (1 - fy) + (cc * (1 - fx) + d * fx) * fy
        if mask is not None:
            v = 0.6 + 0.4 * v
            v = np.where(mask, v * 0.2, v)
        v = v + (noise[ch] - 0.5) * NOISE
        v = np.minimum(np.maximum(v, 0.0), 1.0)
        out[0, ch] = ((v - mean[ch % len(mean)]) / std[ch % len(std)]).astype(np.float32)
    return out


def checksum(x):
    """Sum of the float32 values in float64, the fingerprint both sides compare."""
    return float(np.asarray(x, dtype=np.float64).sum())
