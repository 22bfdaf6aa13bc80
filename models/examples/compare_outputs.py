"""Prints weft's and PyTorch's outputs side by side and fails unless they agree:
python3 compare_outputs.py WEFT.npy TORCH.npy [RTOL ATOL] (defaults 1e-3, 1e-4)."""
import sys

import numpy as np


def main():
    got, want = np.load(sys.argv[1]), np.load(sys.argv[2])
    rtol = float(sys.argv[3]) if len(sys.argv) > 3 else 1e-3
    atol = float(sys.argv[4]) if len(sys.argv) > 4 else 1e-4
    np.set_printoptions(precision=5, suppress=True, linewidth=120)
    print("weft   :", got.ravel())
    print("PyTorch:", want.ravel())
    if got.shape != want.shape:
        sys.exit(f"shapes differ: weft {got.shape}, PyTorch {want.shape}")
    diff = float(np.max(np.abs(got.astype(np.float64) - want))) if got.size else 0.0
    ok = np.allclose(got, want, rtol=rtol, atol=atol)
    print(f"max |weft - PyTorch| = {diff:.3g} ({'agree' if ok else 'DISAGREE'} within rtol {rtol}, atol {atol})")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
