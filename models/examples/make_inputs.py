"""Writes the bundled example's inputs (x: f32[2, 4], steps: i64 scalar)."""
import os
import sys

import numpy as np

out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
x = np.arange(8, dtype=np.float32).reshape(2, 4) / 8.0 - 0.25
np.save(os.path.join(out, "x.npy"), x)
np.save(os.path.join(out, "steps.npy"), np.array(5, dtype=np.int64))
