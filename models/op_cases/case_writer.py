"""Writes operator test cases computed with NumPy, for tests/ir/op_cases_test.cpp.

Each family script (elementwise.py, nn.py, ...) defines `generate(w: CaseWriter)`.
A case is one folder: in_K.npy, out_K.npy and an entry in <family>/manifest.json
naming the op, its attributes and the tolerances. Expected outputs always come from
NumPy code here (or torch where numpy has no equivalent), never typed by hand.
"""
import json
import os

import numpy as np

# Attribute values are typed by their Python value: int, float, bool, str, lists of
# those, or a numpy dtype (np.float32) for dtype attributes.
_DTYPE_NAMES = {
    np.dtype(np.float16): "f16", np.dtype(np.float32): "f32", np.dtype(np.float64): "f64",
    np.dtype(np.int8): "i8", np.dtype(np.int16): "i16", np.dtype(np.int32): "i32", np.dtype(np.int64): "i64",
    np.dtype(np.uint8): "u8", np.dtype(np.uint16): "u16", np.dtype(np.uint32): "u32", np.dtype(np.uint64): "u64",
    np.dtype(np.bool_): "bool",
}


def tol(dt):
    """Default (rtol, atol) for a result dtype: exact for integers and bool."""
    dt = np.dtype(dt)
    if dt == np.float16:
        return 1e-3, 1e-3
    if dt == np.float32:
        return 1e-5, 1e-6
    if dt == np.float64:
        return 1e-10, 1e-12
    return 0, 0


def name_of(dt):
    """Short dtype name for case names: f32, i64, u8, bool."""
    return np.dtype(dt).name.replace("float", "f").replace("uint", "u").replace("int", "i")


def dtype_name(dt):
    return _DTYPE_NAMES[np.dtype(dt)]


def _encode_attr(value):
    if isinstance(value, bool):
        return {"bool": value}
    if isinstance(value, (int, np.integer)):
        return {"int": int(value)}
    if isinstance(value, (float, np.floating)):
        return {"float": float(value)}
    if isinstance(value, str):
        return {"string": value}
    if isinstance(value, type) or isinstance(value, np.dtype):
        return {"dtype": dtype_name(value)}
    if isinstance(value, (list, tuple)):
        if all(isinstance(v, (bool,)) for v in value) and value:
            raise ValueError("bool lists are not an attribute kind")
        if all(isinstance(v, (int, np.integer)) for v in value):
            return {"ints": [int(v) for v in value]}
        if all(isinstance(v, (int, float, np.integer, np.floating)) for v in value):
            return {"floats": [float(v) for v in value]}
        if all(isinstance(v, str) for v in value):
            return {"strings": list(value)}
    raise ValueError(f"cannot encode attribute value {value!r}")


class CaseWriter:
    def __init__(self, out_dir, family):
        self.dir = os.path.join(out_dir, family)
        os.makedirs(self.dir, exist_ok=True)
        self.cases = []
        self.names = set()

    def add(self, name, op, inputs, outputs, attrs=None, rtol=1e-5, atol=1e-6):
        """inputs/outputs: lists of numpy arrays (outputs: one per op result, in order)."""
        assert name not in self.names, f"duplicate case {name}"
        self.names.add(name)
        case_dir = os.path.join(self.dir, name)
        os.makedirs(case_dir, exist_ok=True)
        in_files, out_files = [], []
        for k, a in enumerate(inputs):
            a = np.asarray(a)
            f = f"{name}/in_{k}.npy"
            np.save(os.path.join(self.dir, f), np.asarray(a, order="C"))
            in_files.append(f)
        for k, a in enumerate(outputs):
            a = np.asarray(a)
            f = f"{name}/out_{k}.npy"
            np.save(os.path.join(self.dir, f), np.asarray(a, order="C"))
            out_files.append(f)
        self.cases.append({
            "name": name, "op": op,
            "attrs": {k: _encode_attr(v) for k, v in (attrs or {}).items()},
            "inputs": in_files, "outputs": out_files, "rtol": rtol, "atol": atol,
        })

    def close(self):
        with open(os.path.join(self.dir, "manifest.json"), "w") as f:
            json.dump({"numpy": np.__version__, "cases": self.cases}, f, indent=1)
