#!/usr/bin/env bash
# Creates the oracle virtual environment with the real frameworks the oracle tests compare
# against, and links .oracle-venv/ at the repo root to it. The venv lives in the user's cache,
# one per Python version and package list (as pre-commit keeps its environments), so a fresh
# clone on the same machine finds it made. An .oracle-venv/ folder of an earlier setup, or
# $ORACLE_VENV, is used as it is. Idempotent: a venv that already imports everything is left
# alone; a lock keeps two clones' setups from installing into one venv at once.
#
# The machine's pip configuration supplies the package sources. `--retries 0` makes an
# unreachable default index fail at once instead of retrying for minutes, so pip falls
# through to the sources that do answer.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
python="${PYTHON:-python3}"
packages=('torch==2.13.0+cpu' 'torchvision==0.28.0' keras tensorflow-cpu numpy)
link="$repo_root/.oracle-venv"
if [ -n "${ORACLE_VENV:-}" ]; then
  venv="$ORACLE_VENV"
elif [ -d "$link" ] && [ ! -L "$link" ]; then
  venv="$link"
else
  cache="${SHAPELINT_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/shapelint-test}"
  key="$({ "$python" --version; printf '%s\n' "${packages[@]}"; } | sha256sum | cut -c1-12)"
  venv="$cache/oracle-venv-$key"
  mkdir -p "$cache"
  ln -sfn "$venv" "$link"
  exec 9>"$venv.lock"
  flock 9
fi

# torchvision's compiled ops need not match the CPU torch build: the oracle only builds models
# (pure Python), so registering its fake ops is skipped before the import.
import_torchvision='import torch.library; torch.library.register_fake = lambda *a, **k: (lambda f: f); import torchvision; assert torchvision.__version__.startswith("0.28.0")'

# TensorFlow's CPU kernels without oneDNN have no dilated transposed convolution
# (Conv2DBackpropInput: "Current CPU implementations do not yet support dilation rates larger
# than 1"), and TensorFlow turns oneDNN on by default only on some CPUs (TensorFlow RFC 400,
# "Enabling oneDNN operations for x86 CPUs"; measured: off on an AVX2 machine without AVX-512).
# oneDNN's own kernels are capped at AVX: its brgemm 1x1 convolution (AVX2 and up) sizes its
# blocks by the CPU's cache sizes, and on a virtual machine that reports none it divides by zero
# (measured: SIGFPE in brg_blocking_t::est_eff_1x1 for a 512 -> 2048 1x1 convolution, TensorFlow's
# oneDNN 3.7.3, on a VM without cache topology; TensorFlow issue 57749 is the same crash on
# AVX-512). Capped, every machine runs the same kernels: the oracle computes alike everywhere.
# A .pth line runs at every start of the venv's python, so every oracle run has both settings.
onednn_pth() {
  echo "$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/shapelint-oracle-env.pth"
}
onednn_on() {
  printf '%s\n' "import os; os.environ['TF_ENABLE_ONEDNN_OPTS'] = '1'; os.environ.setdefault('ONEDNN_MAX_CPU_ISA', 'AVX')" > "$(onednn_pth)"
}

# The venv's package list, which the oracle answer cache (test/oracle/oracle-cache.ts) counts in
# its keys: answers kept from other framework versions are never read.
record_versions() {
  {
    "$venv/bin/python" --version
    cat "$(onednn_pth)"
    "$venv/bin/python" -m pip freeze --disable-pip-version-check
  } > "$venv/shapelint-versions.txt.tmp"
  mv "$venv/shapelint-versions.txt.tmp" "$venv/shapelint-versions.txt"
}

ready() {
  # One interpreter for every check: each start imports the frameworks (about 6 s).
  [ -x "$venv/bin/python" ] &&
    "$venv/bin/python" -c "import os; assert os.environ.get('TF_ENABLE_ONEDNN_OPTS') == '1' and 'ONEDNN_MAX_CPU_ISA' in os.environ
import torch, keras, tensorflow, numpy; assert torch.__version__.startswith('2.13.0')
$import_torchvision" 2>/dev/null
}

[ -x "$venv/bin/python" ] && onednn_on
if ready; then
  # Recorded again each time: the .pth line just written counts in it (a venv made before the
  # line changed must not keep answers computed without it).
  record_versions
  echo "oracle venv ready: $venv"
  exit 0
fi

start=$(date +%s)
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install --retries 0 --timeout 5 --disable-pip-version-check \
  "${packages[@]}"
onednn_on
record_versions

if ! ready; then
  echo "oracle venv at $venv does not import torch/torchvision/keras/tensorflow after install" >&2
  exit 1
fi
echo "oracle venv ready: $venv ($(( $(date +%s) - start )) s)"
