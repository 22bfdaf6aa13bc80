#!/bin/sh
# conv_ab.sh - A/B of the conv kernels between a git revision (base) and the working tree (head),
# both in one process, alternating shape by shape (conv_ab_main.cpp), at -O3 -march=native.
#
# Usage: bench/conv_ab.sh [-r REV] [-o DIR] [--prio] THREADS [NET|all] [--aa]
#   -r REV   the base revision (default HEAD); its codegen/runtime/include is taken with git archive
#   -o DIR   where to build (default /tmp/weft_conv_ab)
#   --prio   run in a scheduler autogroup of its own at nice -10. Linux shares the CPU between
#            sessions (autogroups) before processes: while another session builds on a 2-core
#            machine, a benchmark's two threads get about one core between them and 2-thread
#            figures say nothing about the kernels. Use briefly: it takes the cores from the others.
set -e
rev=HEAD out=/tmp/weft_conv_ab prio=
while [ $# -gt 0 ]; do
  case "$1" in
    -r) rev=$2; shift 2 ;;
    -o) out=$2; shift 2 ;;
    --prio) prio=1; shift ;;
    *) break ;;
  esac
done
repo=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out/base"
rm -rf "$out/base/codegen"
git -C "$repo" archive "$rev" codegen/runtime/include | tar -x -C "$out/base"
flags="-std=c++20 -O3 -march=native -pthread -I$repo"
c++ $flags -I"$out/base/codegen/runtime/include" -DWEFT_AB_SIDE=base -Dweft_rt=weft_rt_base -c "$repo/bench/conv_ab_side.cpp" -o "$out/base.o" &
c++ $flags -I"$repo/codegen/runtime/include" -DWEFT_AB_SIDE=head -Dweft_rt=weft_rt_head -c "$repo/bench/conv_ab_side.cpp" -o "$out/head.o"
wait
c++ $flags "$repo/bench/conv_ab_main.cpp" "$out/base.o" "$out/head.o" -o "$out/conv_ab"
if [ -n "$prio" ]; then
  exec setsid sh -c 'echo -10 > /proc/self/autogroup; exec nice -n -10 "$@"' sh "$out/conv_ab" "$@"
fi
exec "$out/conv_ab" "$@"
