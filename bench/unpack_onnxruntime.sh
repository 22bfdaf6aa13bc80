#!/bin/sh
# unpack_onnxruntime.sh PEERS_DIR OUT: ONNX Runtime's C library (libonnxruntime.so.1.30.0.xz of the peers
# folder, see its README.md) unpacked to OUT for run_vs_onnxruntime, unless OUT already holds it.
# Checked against the SHA-256 the peers README states; never linked into anything, only dlopen'ed.
set -eu
peers=$1
out=$2
archive=$peers/libonnxruntime.so.1.30.0.xz
sha=ffb75a925ba05e47b235bb66e3e3911714a80b328a9c9425539feb204aa32a23
if [ ! -f "$archive" ]; then
  echo "ONNX Runtime for the peer benchmark not found: no $archive." >&2
  echo "Point WEFT_PEERS_DIR at the folder holding libonnxruntime.so.1.30.0.xz (the shared peers folder," >&2
  echo "by default ../shared/peers beside the repository): cmake -DWEFT_PEERS_DIR=/path/to/peers, or set it" >&2
  echo "in the environment before the first configure." >&2
  exit 1
fi
if [ -f "$out" ] && [ "$(sha256sum "$out" | cut -d' ' -f1)" = "$sha" ]; then
  exit 0
fi
mkdir -p "$(dirname "$out")"
xz -dc "$archive" > "$out.partial"
if [ "$(sha256sum "$out.partial" | cut -d' ' -f1)" != "$sha" ]; then
  rm -f "$out.partial"
  echo "$archive does not unpack to ONNX Runtime 1.30.0 (SHA-256 differs from the peers README's)" >&2
  exit 1
fi
mv "$out.partial" "$out"
echo "unpacked ONNX Runtime 1.30.0 to $out"
