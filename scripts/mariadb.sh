#!/usr/bin/env bash
# cmat's private MariaDB server (the reference SQL backend for DBBench), owned by the project:
#   scripts/mariadb.sh start|stop|status [--dir DIR]
# Data, socket and log live under $CMAT_MARIADB_DIR (default ~/.cache/cmat/mariadb); no TCP port.
# Needs MariaDB from Debian (apt-get install mariadb-server); it is never enabled as a service.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
[ -x "$PY" ] || PY=python3
exec "$PY" -c "import sys; from cmat.envs.dbbench.backends.mariadb_server import main; sys.exit(main())" "$@"
