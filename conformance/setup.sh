#!/usr/bin/env bash
# Installs the conformance peers locally (nothing here is committed):
#   - IBM Informix JDBC (+ org.mongodb:bson) from Maven Central, built with the small Java driver program
#     into conformance/jdbc/target/ (classes + lib/*.jar);
#   - the pure-Python informix-driver from PyPI into the venv conformance/.venv.
# Idempotent and non-interactive; a fast no-op when both are already installed for the pinned versions.
# Usage: bash conformance/setup.sh [--force]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
force="${1:-}"

# Pinned peer versions (override through the environment).
jdbc_version="${INFORMIX_JDBC_VERSION:-15.0.1.0}"
python_driver="${INFORMIX_PYTHON_DRIVER:-informix-driver==2026.9.3}"

jdbc_dir="$here/jdbc"

# Test files may run this concurrently (vitest workers): one installer at a time, the others then find it done.
mkdir -p "$jdbc_dir/target"
exec 9>"$jdbc_dir/target/.setup.lock"
flock 9
jdbc_stamp="$jdbc_dir/target/.installed"
java_source="$jdbc_dir/src/main/java/effectinformix/conformance/Conformance.java"
jdbc_want="$jdbc_version $(sha1sum "$jdbc_dir/pom.xml" "$java_source" | cut -c1-40 | tr '\n' ' ')"

if [[ "$force" != "--force" && -f "$jdbc_stamp" && "$(cat "$jdbc_stamp")" == "$jdbc_want" ]]; then
  echo "conformance/setup: JDBC peer up to date (driver $jdbc_version)"
else
  echo "conformance/setup: building JDBC peer (driver $jdbc_version)"
  command -v mvn >/dev/null || { echo "conformance/setup: mvn not found" >&2; exit 1; }
  rm -rf "$jdbc_dir/target/lib"
  mvn -q -B -ntp -Dstyle.color=never -f "$jdbc_dir/pom.xml" -Dinformix.jdbc.version="$jdbc_version" package
  ls "$jdbc_dir/target/lib"/jdbc-*.jar "$jdbc_dir/target/lib"/bson-*.jar >/dev/null
  echo "$jdbc_want" >"$jdbc_stamp"
fi

venv="$here/.venv"
python_stamp="$venv/.installed"
if [[ "$force" != "--force" && -f "$python_stamp" && "$(cat "$python_stamp")" == "$python_driver" ]]; then
  echo "conformance/setup: Python peer up to date ($python_driver)"
else
  echo "conformance/setup: installing Python peer ($python_driver)"
  python="${PYTHON:-python3}"
  [[ -x "$venv/bin/python" ]] || "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-input "$python_driver"
  "$venv/bin/python" -c "import informix_db; print('conformance/setup: informix_db', informix_db.__version__)"
  echo "$python_driver" >"$python_stamp"
fi
