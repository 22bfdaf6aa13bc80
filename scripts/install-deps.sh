#!/usr/bin/env bash
# Installs the Debian packages weft builds and tests with, when any is missing.
set -euo pipefail

PACKAGES=(
  cmake g++ binutils make ccache git
  libonnx-dev libprotobuf-dev protobuf-compiler
  libtorch-dev
  libcli11-dev nlohmann-json3-dev libgtest-dev libdlpack-dev
  python3 python3-numpy python3-onnx python3-torch python3-torchvision python3-pip
  graphviz
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
