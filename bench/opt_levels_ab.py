#!/usr/bin/python3
"""opt_levels_ab.py - what the optimizer buys at run time: each peer model compiled at -O0 and at -O3,
then timed with `weft bench`, the two libraries alternating round by round so that load changes fall
on both. Prints per model the median and the minimum of all runs of each level and -O0/-O3 (above 1:
-O3 is faster), then their geomeans.

Usage: bench/opt_levels_ab.py WEFT PEER_DIR [--out DIR] [--models a,b] [--rounds N] [--iters N] [--threads N] [--prio]
  PEER_DIR holds the models of bench/make_peer_models.py and their peer_manifest.txt (NAME INPUT=SHAPE...).
  --prio runs the timed runs (not the compiles) in a scheduler autogroup of their own at nice -10, as
  bench/conv_ab.sh --prio does: Linux shares the CPU between sessions first, so while other sessions
  build, a run otherwise gets a fraction of a core. Use briefly: it takes the cores from the others.
On a loaded machine the medians move with the load; the minimum (the run least disturbed) is the
steadier figure of what each library can do, and both are printed.
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys


def manifest(peer_dir):
    models = {}
    for line in open(os.path.join(peer_dir, "peer_manifest.txt")):
        parts = line.split()
        if parts:
            models[parts[0]] = parts[1:]
    return models


def compile_model(weft, peer_dir, name, shapes, level, out):
    lib = os.path.join(out, f"lib{name}_O{level}.so")
    cmd = [weft, "compile", os.path.join(peer_dir, name + ".onnx"), f"-O{level}", "-q", "-o", lib]
    for s in shapes:
        cmd += ["--input-shape", s]
    subprocess.run(cmd, check=True)
    return lib


def bench_runs(weft, lib, iters, threads, out, prio):
    j = os.path.join(out, "bench.json")
    cmd = [weft, "bench", lib, "--iters", str(iters), "--threads", str(threads), "-q", "--json", j]
    if prio:
        cmd = ["setsid", "sh", "-c", 'echo -10 > /proc/self/autogroup; exec nice -n -10 "$@"', "sh"] + cmd
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return json.load(open(j))["runs_ms"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("weft")
    ap.add_argument("peer_dir")
    ap.add_argument("--out", default="/tmp/weft_opt_levels_ab")
    ap.add_argument("--models", default="")
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--iters", type=int, default=20)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--prio", action="store_true")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    models = manifest(a.peer_dir)
    print("load average before:", " ".join(open("/proc/loadavg").read().split()[:3]))
    names = [m for m in a.models.split(",") if m] or list(models)
    for m in names:
        if m not in models:
            sys.exit(f"opt_levels_ab: no model '{m}' in {a.peer_dir}/peer_manifest.txt")
    print(f"{'model':22s} {'-O0 median':>11s} {'-O3 median':>11s} {'O0/O3':>6s} {'-O0 min':>9s} {'-O3 min':>9s} {'O0/O3':>6s}  (ms, {a.threads} thread(s), {a.rounds}x{a.iters} runs each)")
    ratios_med, ratios_min = [], []
    for m in names:
        libs = [compile_model(a.weft, a.peer_dir, m, models[m], level, a.out) for level in (0, 3)]
        runs = [[], []]
        for r in range(a.rounds):
            for side in ((0, 1) if r % 2 == 0 else (1, 0)):
                runs[side] += bench_runs(a.weft, libs[side], a.iters, a.threads, a.out, a.prio)
        med = [statistics.median(x) for x in runs]
        mn = [min(x) for x in runs]
        ratios_med.append(med[0] / med[1])
        ratios_min.append(mn[0] / mn[1])
        print(f"{m:22s} {med[0]:11.3f} {med[1]:11.3f} {ratios_med[-1]:5.2f}x {mn[0]:9.3f} {mn[1]:9.3f} {ratios_min[-1]:5.2f}x", flush=True)
    geo = lambda xs: math.exp(sum(math.log(x) for x in xs) / len(xs))
    print(f"{'geomean':22s} {'':11s} {'':11s} {geo(ratios_med):5.2f}x {'':9s} {'':9s} {geo(ratios_min):5.2f}x")
    print("load average after:", " ".join(open("/proc/loadavg").read().split()[:3]))


if __name__ == "__main__":
    main()
