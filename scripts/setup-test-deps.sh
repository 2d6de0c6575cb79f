#!/bin/sh
# Installs the Debian packages the test suites drive (real editors, oracles). Idempotent:
# apt-get skips packages that are already installed.
set -eu
PACKAGES="neovim emacs-nox elpa-eglot pre-commit git python3-venv procps chromium"
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $PACKAGES
