#!/usr/bin/python3
"""Writes the ONNX backend node test cases (model.onnx + test_data_set_*/{input,output}_*.pb)
into OUT/node/, using the onnx package's own generator (Debian's python3-onnx 1.12)."""
import os
import shutil
import sys
import warnings

import numpy as np

# onnx 1.12's case scripts still use aliases that numpy 1.24 removed.
for alias, builtin in (("float", float), ("int", int), ("bool", bool), ("object", object)):
    setattr(np, alias, builtin)

from onnx.backend.test.case import node  # noqa: E402
from onnx.backend.test.cmd_tools import generate_data  # noqa: E402


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: generate_node_tests.py OUT_DIR", file=sys.stderr)
        return 2
    out = sys.argv[1]
    tmp = os.path.join(out, ".node_tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    warnings.simplefilter("ignore")

    class Args:
        output = tmp
        op_type = None

    generate_data(Args())
    # Swap in the complete node/ tree only once it is fully written (other case sets
    # share OUT_DIR, so only node/ is replaced).
    node_dir = os.path.join(out, "node")
    shutil.rmtree(node_dir, ignore_errors=True)
    os.rename(os.path.join(tmp, "node"), node_dir)
    shutil.rmtree(tmp)
    count = len(os.listdir(node_dir))
    print(f"wrote {count} node test cases to {node_dir}")
    return 0 if count > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
