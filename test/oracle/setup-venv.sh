#!/usr/bin/env bash
# Creates the oracle virtual environment (.oracle-venv/ at the repo root) with the real
# frameworks the oracle tests compare against. Idempotent: a venv that already imports
# everything is left alone.
#
# The machine's pip configuration supplies the package sources. `--retries 0` makes an
# unreachable default index fail at once instead of retrying for minutes, so pip falls
# through to the sources that do answer.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="${ORACLE_VENV:-$repo_root/.oracle-venv}"
python="${PYTHON:-python3}"

# torchvision's compiled ops need not match the CPU torch build: the oracle only builds models
# (pure Python), so registering its fake ops is skipped before the import.
import_torchvision='import torch.library; torch.library.register_fake = lambda *a, **k: (lambda f: f); import torchvision; assert torchvision.__version__.startswith("0.28.0")'

# TensorFlow's CPU kernels without oneDNN have no dilated transposed convolution
# (Conv2DBackpropInput: "Current CPU implementations do not yet support dilation rates larger
# than 1"), and TensorFlow turns oneDNN on by default only on some CPUs (TensorFlow RFC 400,
# "Enabling oneDNN operations for x86 CPUs"; measured: off on an AVX2 machine without AVX-512).
# A .pth line runs at every start of the venv's python, so every oracle run has it on, on any
# machine, and computes alike.
onednn_on() {
  local purelib
  purelib="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
  printf '%s\n' "import os; os.environ['TF_ENABLE_ONEDNN_OPTS'] = '1'" > "$purelib/shapelint-oracle-env.pth"
}

ready() {
  [ -x "$venv/bin/python" ] &&
    "$venv/bin/python" -c 'import os; assert os.environ.get("TF_ENABLE_ONEDNN_OPTS") == "1"' 2>/dev/null &&
    "$venv/bin/python" -c 'import torch, keras, tensorflow, numpy; assert torch.__version__.startswith("2.13.0")' 2>/dev/null &&
    "$venv/bin/python" -c "$import_torchvision" 2>/dev/null
}

[ -x "$venv/bin/python" ] && onednn_on
if ready; then
  echo "oracle venv ready: $venv"
  exit 0
fi

start=$(date +%s)
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install --retries 0 --timeout 5 --disable-pip-version-check \
  'torch==2.13.0+cpu' 'torchvision==0.28.0' keras tensorflow-cpu numpy
onednn_on

if ! ready; then
  echo "oracle venv at $venv does not import torch/torchvision/keras/tensorflow after install" >&2
  exit 1
fi
echo "oracle venv ready: $venv ($(( $(date +%s) - start )) s)"
