# make_fold_weft.py - writes fold.weft, the fold-batch-norm golden cases: random inputs (seeded), the folded
# constants computed in double with numpy as the Note in opt/FoldBatchNorm.cpp says, rounded to f32.
# Run: /usr/bin/python3 tests/opt/fold_batch_norm/make_fold_weft.py (numpy 1.24).
import numpy as np
rng = np.random.default_rng(13)
def r(shape, lo=-1, hi=1): return rng.uniform(lo, hi, shape).astype(np.float32)
def txt(a): return "[" + ", ".join(str(np.float32(v)) for v in np.asarray(a).reshape(-1)) + "]"
def const(a): return f"const f32[{', '.join(str(d) for d in a.shape)}] {txt(a)}"
def bnparams(c):
    return r(c, 0.5, 1.5), r(c), r(c), r(c, 0.2, 2.0)
def fold(scale, bias, mean, var, eps):
    a = scale.astype(np.float64) / np.sqrt(var.astype(np.float64) + eps)
    s = bias.astype(np.float64) - mean.astype(np.float64) * a
    return a, s
out = []
P = out.append
P("// fold-batch-norm: an inference batch_norm folded into the constant weights of the conv, matmul or gemm before it.")
P("// Written by make_fold_weft.py: the folded constants computed in double with numpy, rounded to f32;")
P("// folding reorders the arithmetic, so each folded case states the tolerance of its interpreter runs.")
P("// passes: fold-batch-norm")
P("")
# 1. conv with bias, let-bound weight, symbolic batch
w = r((3, 2, 1, 1)); b = r(3); sc, bi, mu, va = bnparams(3); eps = 0.001
a, s = fold(sc, bi, mu, va, eps)
w2 = (w.astype(np.float64) * a[:, None, None, None]).astype(np.float32); b2 = (b * a + s).astype(np.float32)
P("// ---- case: conv_with_bias_on_a_symbolic_batch")
P("// rtol: 1e-5")
P("def @main(%x: f32[n, 2, 3, 3]) -> f32[n, 3, 3, 3] {")
P(f"  let %w = {const(w)};")
P(f"  let %c = conv(%x, %w, {const(b)});")
P(f"  batch_norm(%c, {const(sc)}, {const(bi)}, {const(mu)}, {const(va)}, epsilon=0.001)")
P("}")
P("// ---- expect")
P("def @main(%x: f32[n, 3, 3, 3]) -> f32[n, 3, 3, 3] {".replace("f32[n, 3, 3, 3]) ->", "f32[n, 2, 3, 3]) ->"))
P(f"  conv(%x, {const(w2)}, {const(b2)})")
P("}")
P("")
# 2. conv without bias, 3x3 with padding, inside a closure called in an if branch
w = r((2, 1, 3, 3)); sc, bi, mu, va = bnparams(2)
a, s = fold(sc, bi, mu, va, 1e-5)
w2 = (w.astype(np.float64) * a[:, None, None, None]).astype(np.float32); b2 = s.astype(np.float32)
P("// ---- case: conv_without_bias_in_a_closure_in_a_branch")
P("// rtol: 1e-5")
P("def @main(%x: f32[1, 1, 4, 4], %c: bool[]) -> f32[1, 2, 4, 4] {")
P(f"  let %f = fn (%v: f32[1, 1, 4, 4]) -> f32[1, 2, 4, 4] {{")
P(f"    let %y = conv(%v, {const(w)}, pads=[1, 1, 1, 1]);")
P(f"    batch_norm(%y, {const(sc)}, {const(bi)}, {const(mu)}, {const(va)})")
P("  };")
P("  if (%c) { %f(%x) } else { %f(neg(%x)) }")
P("}")
P("// ---- expect")
P("def @main(%x: f32[1, 1, 4, 4], %c: bool[]) -> f32[1, 2, 4, 4] {")
P(f"  let %f = fn (%v: f32[1, 1, 4, 4]) -> f32[1, 2, 4, 4] {{ conv(%v, {const(w2)}, {const(b2)}, pads=[1, 1, 1, 1]) }};")
P("  if (%c) { %f(%x) } else { %f(neg(%x)) }")
P("}")
P("")
# 3. matmul -> gemm, inside a loop body
w = r((3, 3)); sc, bi, mu, va = bnparams(3)
a, s = fold(sc, bi, mu, va, 1e-5)
w2 = (w.astype(np.float64) * a[None, :]).astype(np.float32); c2 = s.astype(np.float32)
P("// ---- case: matmul_becomes_gemm_in_a_loop_body")
P("// rtol: 1e-5")
P("def @loop(%i: i64[], %h: f32[n, 3]) -> f32[n, 3] {")
P("  if (less(%i, 2i64)) {")
P(f"    let %m = matmul(%h, {const(w)});")
P(f"    @loop(add(%i, 1i64), batch_norm(%m, {const(sc)}, {const(bi)}, {const(mu)}, {const(va)}))")
P("  } else { %h }")
P("}")
P("def @main(%x: f32[n, 3]) -> f32[n, 3] { @loop(0i64, %x) }")
P("// ---- expect")
P("def @loop(%i: i64[], %h: f32[n, 3]) -> f32[n, 3] {")
P("  if (less(%i, 2i64)) {")
P(f"    @loop(add(%i, 1i64), gemm(%h, {const(w2)}, {const(c2)}))")
P("  } else { %h }")
P("}")
P("def @main(%x: f32[n, 3]) -> f32[n, 3] { @loop(0i64, %x) }")
P("")
# 4. gemm trans_b with alpha, beta and a bias
w = r((2, 3)); c = r(2); sc, bi, mu, va = bnparams(2)
a, s = fold(sc, bi, mu, va, 1e-5)
w2 = (w.astype(np.float64) * a[:, None]).astype(np.float32); c2 = (0.5 * c.astype(np.float64) * a + s).astype(np.float32)
P("// ---- case: gemm_with_trans_b_alpha_and_beta")
P("// rtol: 1e-5")
P("def @main(%x: f32[4, 3]) -> f32[4, 2] {")
P(f"  let %g = gemm(%x, {const(w)}, {const(c)}, alpha=2, beta=0.5, trans_b=true);")
P(f"  batch_norm(%g, {const(sc)}, {const(bi)}, {const(mu)}, {const(va)})")
P("}")
P("// ---- expect")
P("def @main(%x: f32[4, 3]) -> f32[4, 2] {")
P(f"  gemm(%x, {const(w2)}, {const(c2)}, alpha=2, beta=1, trans_b=true)")
P("}")
P("")
# 5. cases that must stay
w = r((2, 1, 1, 1)); sc, bi, mu, va = bnparams(2)
bn = f"{const(sc)}, {const(bi)}, {const(mu)}, {const(va)}"
P("// ---- case: what_must_stay")
P("// A weight that is an input; a conv result read by something else too; a mean that is an")
P("// input; a matmul whose result has 3 dims (batch_norm's channel is dim 1, not the column).")
body = [
 "def @main(%x: f32[1, 1, 2, 2], %w: f32[2, 1, 1, 1], %mean: f32[2], %m: f32[2, 2, 3]) -> (f32[1, 2, 2, 2], f32[1, 2, 2, 2], f32[1, 2, 2, 2], f32[1, 2, 2, 2], f32[2, 2, 2]) {",
 f"  let %a = batch_norm(conv(%x, %w), {bn});",
 f"  let %c = conv(%x, {const(w)});",
 f"  let %b = batch_norm(%c, {bn});",
 f"  let %d = batch_norm(conv(%x, {const(w)}), {const(sc)}, {const(bi)}, %mean, {const(va)});",
 f"  let %e = batch_norm(matmul(%m, {const(r((3, 2)))}), {bn});",
 "  (%a, %b, %c, %d, %e)",
 "}",
]
out += body
P("// ---- expect")
out += body
open(__import__("os").path.join(__import__("os").path.dirname(__file__), "fold.weft"), "w").write("\n".join(out) + "\n")
