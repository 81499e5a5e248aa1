#!/usr/bin/env bash
# Idempotent set-up for a fresh machine, quick when nothing changed:
#  - npm dependencies exactly as the lock file says (PostgreSQL and the Chinese font come with them);
#  - Debian's Chromium (browser tests, PDFs), installed through apt when missing and we are root.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=node_modules/.setup-stamp
want="node $(node --version) lock $(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ ! -f $stamp || "$(cat "$stamp")" != "$want" ]]; then
  echo "setup: installing npm dependencies from package-lock.json"
  npm ci --no-audit --no-fund
  echo "$want" >"$stamp"
fi

chromium=${CHROMIUM_PATH:-/usr/bin/chromium}
if [[ ! -x $chromium ]]; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "setup: installing Chromium from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
  else
    echo "setup: Chromium is missing at $chromium. The site runs without it, but the browser tests" >&2
    echo "       and PDF documents need it: install Debian's 'chromium' package as root" >&2
    echo "       (apt-get install chromium), or set CHROMIUM_PATH to a Chromium binary." >&2
  fi
fi
echo "setup: done"
