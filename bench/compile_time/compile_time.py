"""compile_time.py - times `weft compile` on the bundled example, squeezenet, resnet18, a 600-operator model (and RAFT small), beside the figures before issue 16.

Usage: compile_time.py WEFT_BINARY WORK_DIR

The ONNX models are exported here from torchvision (random weights, opset 17, one static input
shape), so the figures need no download; densenet121 (623 operators) is the size of the real
models issue 16 names. Everything runs in a fresh cache directory: first one compile that builds
the precompiled runtime header for the default flags (once per compiler, flags and runtime; its
time is printed on its own), then each model with --no-cache (the C++ compiler really runs, with
that header), then twice more with the cache on to show a cache hit. Wall time depends on what
else the machine runs; CPU time (user + sys of weft and its compiler children) is the steadier
figure, and both are printed.
"""
import os
import re
import resource
import subprocess
import sys
import tempfile
import time

# Measured once on branch `integrate` (01b8847) before the change, on the 2-core development
# machine (g++ 12.2, load average 6-10 from other builds): wall seconds, CPU seconds.
BASELINE = {
    "date": "2026-12-07 06:40 UTC, 2-core x86-64 (AVX-512) VM, g++ 12.2",
    "example": (27.06, 5.59),
    "resnet18": (34.74, 8.39),
    "densenet121": (85.90, 22.99),
}

EXAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "models", "examples", "recurrent.weft")


def export(name, path):
    import onnx
    import torch
    import torchvision

    if not os.path.exists(path):
        model = getattr(torchvision.models, name)(weights=None).eval()
        torch.onnx.export(model, torch.randn(1, 3, 224, 224), path, opset_version=17, input_names=["x"], output_names=["y"])
    return len(onnx.load(path).graph.node)


def timed_compile(weft, model, out, extra, env=None):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    r = subprocess.run([weft, "compile", model, "-o", out] + extra, capture_output=True, text=True, env=env)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        sys.exit(f"weft compile {model} failed:\n{r.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, r.stderr


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    weft, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    shape = ["--input-shape", "x=1,3,224,224"]
    models = [("example", os.path.abspath(EXAMPLE), [], "-")]
    for name in ("squeezenet1_1", "resnet18", "densenet121"):
        path = os.path.join(work, name + ".onnx")
        models.append((name, path, shape, str(export(name, path))))
    # A real model of the size with a long unrolled body (RAFT small, 574 operators),
    # when models/corpus/make_corpus.py has exported it: WEFT_BENCH_RAFT=.../raft_small/opset17.onnx.
    raft = os.environ.get("WEFT_BENCH_RAFT")
    if raft and os.path.exists(raft):
        import onnx

        models.append(("raft_small", raft, [], str(len(onnx.load(raft).graph.node))))

    print(f"weft compile times (before: {BASELINE['date']}; now: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
          f"load average {os.getloadavg()[0]:.1f})")
    print(f"{'model':<12} {'ops':>5}  {'before wall':>11} {'before CPU':>10}  {'now wall':>9} {'now CPU':>8}  {'cache hit':>9}")
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, WEFT_CACHE="1", WEFT_CACHE_DIR=cache)
        # The one-time precompiled header (what a user's first compile with these flags pays).
        wall, cpu, log = timed_compile(weft, models[0][1], os.path.join(work, "libwarmup.so"), ["--no-cache", "-v"], env)
        pch = re.search(r"precompiled runtime header \(built[^:]*: ([0-9.]+) ms", log)
        print(f"{'(once)':<12} {'':>5}  precompiled runtime header built in {float(pch.group(1)) / 1000 if pch else 0:.1f}s "
              f"(compile with it {wall:.1f}s wall, {cpu:.1f}s CPU)")
        for name, path, extra, ops in models:
            out = os.path.join(work, f"lib{name}.so")
            wall, cpu, log = timed_compile(weft, path, out, extra + ["--no-cache", "-v"], env)
            # The cache hit: one compile to fill a fresh cache, one to hit it.
            timed_compile(weft, path, out, extra, env)
            hit_wall, _, hit_log = timed_compile(weft, path, out, extra, env)
            if "cache hit" not in hit_log:
                sys.exit(f"no cache hit on the second cached compile of {name}:\n{hit_log}")
            before = f"{BASELINE[name][0]:>10.1f}s {BASELINE[name][1]:>9.1f}s" if name in BASELINE else f"{'-':>11} {'-':>10}"
            print(f"{name:<12} {ops:>5}  {before}  {wall:>8.1f}s {cpu:>7.1f}s  {hit_wall:>8.2f}s")
            runtime = re.search(r"runtime: (\S+ \S+)", log)
            steps = re.findall(r"^  (import|passes|code generation|C\+\+ compile[^:(]*|link)[^\n]*: ([0-9.]+) ms$", log, re.M)
            print(f"{'':<12} {'':>5}  runtime {runtime.group(1) if runtime else '?'}; "
                  + ", ".join(f"{w.strip()} {float(ms) / 1000:.1f}s" for w, ms in steps))


if __name__ == "__main__":
    main()
