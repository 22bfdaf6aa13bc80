"""Writes the real-model corpus: python3 make_corpus.py OUT_DIR [--subset representative|all] [name...].

Each model of corpus_models.py (torchvision builders and torch.nn blocks, random weights,
nothing downloaded) is saved in the forms a user gets from plain PyTorch calls, with no weft
extras: TorchScript scripted (torch.jit.script(m).save), traced (torch.jit.trace), and ONNX
(torch.onnx.export at opset 13 and 17, dynamic axes but no input_names, so inputs keep the
exporter's own names such as `input.1` or `onnx::Conv_0`). Its inputs at two sizes go to
OUT_DIR/<model>/size<k>/in<i>.npy and the eager module's outputs, the oracle for every form,
to out<i>.npy (tuples flattened; an int as a rank-0 array). A scripted or traced module that
does not reproduce the eager outputs, and any export that throws, is recorded as not exported
with the exception's text; an ONNX graph that holds the example's sizes as constants is checked at that
size alone. OUT_DIR/manifest.json lists every model/form (see write_manifest).

A finished corpus is not written again while it is up to date (see up_to_date): ctest runs this
before every corpus test, and the export takes minutes. Remove OUT_DIR to regenerate it anyway.
"""
import argparse
import hashlib
import io
import json
import os
import sys
import time
import traceback
import warnings
import zlib

import numpy as np
import onnx
import torch
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus_models  # noqa: E402

RTOL, ATOL = 1e-3, 1e-4


def to_torch(values):
    return [torch.from_numpy(v.copy()) if isinstance(v, np.ndarray) else v for v in values]


def flatten(out):
    """forward's result as numpy arrays, tuples and lists flattened in order."""
    if isinstance(out, (tuple, list)):
        return [a for o in out for a in flatten(o)]
    if isinstance(out, torch.Tensor):
        return [out.detach().numpy().copy()]
    if isinstance(out, bool):
        return [np.array(out)]
    if isinstance(out, int):
        return [np.array(out, dtype=np.int64)]
    if isinstance(out, float):
        return [np.array(out, dtype=np.float64)]
    raise TypeError("cannot flatten a forward result of type " + type(out).__name__)


def run(module, values):
    with torch.no_grad():
        return flatten(module(*to_torch(values)))


def reproduces(module, inputs, expected, what):
    """Raises unless `module` gives the eager outputs on every size (tracing can bake in a size)."""
    for k, (vals, want) in enumerate(zip(inputs, expected)):
        got = run(module, vals)
        if len(got) != len(want):
            raise RuntimeError(f"{what} gives {len(got)} outputs at size {k}, eager {len(want)}")
        for i, (g, w) in enumerate(zip(got, want)):
            if g.shape != w.shape or not np.allclose(g, w, rtol=RTOL, atol=ATOL, equal_nan=True):
                raise RuntimeError(f"{what} does not reproduce the eager output {i} at size {k} "
                                   f"(shape {list(g.shape)} vs {list(w.shape)})")


def onnx_export(module, spec, inputs, expected, opset, path):
    """torch.onnx.export without input names: a first export learns the names the exporter
    chose, the second marks the dynamic axes on them (and on every output dim that varies)."""
    args = tuple(to_torch(inputs[0]))
    probe = io.BytesIO()
    torch.onnx.export(module, args, probe, opset_version=opset)
    graph = onnx.load_from_string(probe.getvalue()).graph
    initializers = {t.name for t in graph.initializer}
    in_names = [i.name for i in graph.input if i.name not in initializers]
    if len(in_names) != len(spec.args):
        raise RuntimeError(f"the ONNX graph has {len(in_names)} inputs ({in_names}), forward takes {len(spec.args)}")
    dynamic = {in_names[a]: axes for a, axes in spec.dynamic.items()}
    for o, out in enumerate(graph.output):
        axes = {d: f"out{o}_{d}" for d in range(expected[0][o].ndim) if expected[0][o].shape[d] != expected[1][o].shape[d]}
        if axes:
            dynamic[out.name] = axes
    torch.onnx.export(module, args, path, opset_version=opset, dynamic_axes=dynamic)
    onnx.checker.check_model(path)
    # The exporter traces with the example input, and a size read as a Python int becomes a
    # constant even on a dynamic axis. Exported again at the second size, such a graph differs.
    again = io.BytesIO()
    torch.onnx.export(module, tuple(to_torch(inputs[1])), again, opset_version=opset, dynamic_axes=dynamic)
    baked = graph_body(onnx.load(path).graph) != graph_body(onnx.load_from_string(again.getvalue()).graph)
    return in_names, baked


def graph_body(graph):
    """Nodes and initializers, without the value types that carry the example's sizes."""
    nodes = [(n.op_type, list(n.input), list(n.output), [a.SerializeToString() for a in n.attribute]) for n in graph.node]
    return nodes, [t.SerializeToString() for t in graph.initializer]


def short_error(e):
    text = f"{type(e).__name__}: {e}".strip()
    return " ".join(text.split())[:600]


def export_model(spec, out_dir):
    """Every form of one model: a list of manifest entries."""
    torch.manual_seed(0)
    rng = np.random.default_rng(zlib.crc32(spec.name.encode()))
    model_dir = os.path.join(out_dir, spec.name)
    os.makedirs(model_dir, exist_ok=True)
    base = {"model": spec.name, "args": [{"name": n, "type": t} for n, t in spec.args], "rtol": RTOL, "atol": ATOL,
            "representative": spec.representative, "note": spec.note}
    try:
        module = spec.build().eval()
        inputs = [make(rng) for make in spec.sizes]
        expected = [run(module, vals) for vals in inputs]
    except Exception as e:  # the builder or eager run itself: every form is out
        return [dict(base, form=f, status="export_failed", error="eager model: " + short_error(e)) for f in spec.forms]
    sizes = []
    for k, (vals, outs) in enumerate(zip(inputs, expected)):
        d = os.path.join(model_dir, f"size{k}")
        os.makedirs(d, exist_ok=True)
        ins = []
        for i, v in enumerate(vals):
            np.save(os.path.join(d, f"in{i}.npy"), v if isinstance(v, np.ndarray) else np.array(v, dtype=np.int64))
            ins.append(os.path.join(d, f"in{i}.npy"))
        outs_files = []
        for i, v in enumerate(outs):
            np.save(os.path.join(d, f"out{i}.npy"), v)
            outs_files.append(os.path.join(d, f"out{i}.npy"))
        sizes.append({"inputs": ins, "outputs": outs_files})

    entries = []
    scripted = None
    for form in spec.forms:
        entry = dict(base, form=form, sizes=sizes)
        t0 = time.time()
        try:
            if form == "scripted":
                scripted = torch.jit.script(module)
                path = os.path.join(model_dir, "scripted.pt")
                scripted.save(path)
                reproduces(torch.jit.load(path), inputs, expected, "the scripted module")
            elif form == "traced":
                traced = torch.jit.trace(module, tuple(to_torch(inputs[0])), check_trace=False)
                path = os.path.join(model_dir, "traced.pt")
                traced.save(path)
                reproduces(torch.jit.load(path), inputs, expected, "the traced module")
            else:
                opset = int(form[len("onnx"):])
                src = module
                if spec.onnx_from_script:
                    src = scripted if scripted is not None else torch.jit.script(module)
                path = os.path.join(model_dir, f"opset{opset}.onnx")
                entry["onnx_inputs"], baked = onnx_export(src, spec, inputs, expected, opset, path)
                if baked:  # valid only at the size it was exported for: checked there alone
                    entry["sizes"] = sizes[:1]
                    entry["one_size"] = ("torch.onnx.export baked the example input's sizes into the graph "
                                         "(it differs when exported at the second size)")
            entry.update(status="ok", file=path, format="onnx" if form.startswith("onnx") else "torchscript")
        except Exception as e:
            entry.update(status="export_failed", error=short_error(e))
            if os.environ.get("WEFT_CORPUS_DEBUG"):
                traceback.print_exc()
        entry["export_seconds"] = round(time.time() - t0, 2)
        why = entry.get("error", "one size: sizes baked in" if "one_size" in entry else "")
        print(f"{spec.name}/{form}: {entry['status']}" + (f" ({why[:160]})" if why else ""), flush=True)
        entries.append(entry)
    return entries


def source_key(subset, names):
    """What a corpus is made from: this folder's generator and model files, the library
    versions and the models selected. Every export is seeded, so equal keys give equal data."""
    here = os.path.dirname(os.path.abspath(__file__))
    h = hashlib.sha256()
    for f in sorted(os.listdir(here)):
        if f.endswith(".py"):
            with open(os.path.join(here, f), "rb") as src:
                h.update(f.encode() + b"\0" + src.read())
    h.update(json.dumps([sys.version, np.__version__, torch.__version__, torchvision.__version__, onnx.__version__,
                         subset, names]).encode())
    return h.hexdigest()


def up_to_date(out_dir, key):
    """OUT_DIR holds a finished run (only the last write_manifest records the key) from the
    same sources, and every file its manifest names is still there."""
    try:
        with open(os.path.join(out_dir, "manifest.json")) as f:
            manifest = json.load(f)
    except (OSError, ValueError):
        return False
    if manifest.get("source_key") != key:
        return False
    cases = manifest["cases"]
    files = [e["file"] for e in cases if "file" in e]
    files += [p for e in cases for s in e.get("sizes", []) for p in s["inputs"] + s["outputs"]]
    return all(os.path.isfile(p) for p in files)


def write_manifest(out_dir, entries, subset, key=None):
    """manifest.json: {"versions": {...}, "subset", "cases": [{model, form, status ("ok" or
    "export_failed"), error, file, format ("torchscript"|"onnx"), args [{name, type: weft type or
    null for an int}], onnx_inputs (the exporter's input names), sizes [{inputs: [npy], outputs:
    [npy]}], one_size (why an ONNX graph is checked at the first size only), rtol, atol,
    representative, note}], source_key (see source_key; only once every model is written)}."""
    manifest = {"generator": "models/corpus/make_corpus.py", "subset": subset,
                "versions": {"torch": torch.__version__, "torchvision": torchvision.__version__, "onnx": onnx.__version__},
                "cases": entries}
    if key is not None:
        manifest["source_key"] = key
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out_dir")
    p.add_argument("--subset", choices=["representative", "all"], default="all")
    p.add_argument("names", nargs="*", help="only these models")
    a = p.parse_intermixed_args()  # so that `OUT --subset all name...` works too
    warnings.filterwarnings("ignore")
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    subset = a.subset if not a.names else "named"
    key = source_key(subset, a.names)
    if up_to_date(a.out_dir, key):
        print(f"corpus: {a.out_dir}/manifest.json is up to date (same generator, models and library versions)")
        return
    os.makedirs(a.out_dir, exist_ok=True)
    entries = []
    specs = corpus_models.find(a.names, a.subset)
    for spec in specs:
        entries.extend(export_model(spec, a.out_dir))
        # After each model, so a long run can be looked at (or tried) while it goes on.
        write_manifest(a.out_dir, entries, subset, key if spec is specs[-1] else None)
    ok = sum(e["status"] == "ok" for e in entries)
    print(f"corpus: {ok} model/form pairs exported, {len(entries) - ok} exports failed; {a.out_dir}/manifest.json")


if __name__ == "__main__":
    main()
