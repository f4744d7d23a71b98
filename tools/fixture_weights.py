"""The sample weights every weighted fixture uses (and the Rust tests rebuild): `0.5 + (i % 4) / 2`
for row i ("fractional"), with every 7th row weighted 0 ("with_zeros"), or None."""
import numpy as np


def weights(n, kind):
    if kind is None:
        return None
    w = 0.5 + (np.arange(n) % 4) / 2
    if kind == "with_zeros":
        w[::7] = 0.0
    return w
