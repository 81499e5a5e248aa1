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

# Debian packages: Chromium (pages in tests, PDF documents), poppler-utils (pdftotext and
# pdftoppm: the documents' tests read PDFs back, and signed PDF scans are rasterised) and
# postgresql-client (psql, for the jobs' benchmark).
chromium=${CHROMIUM_PATH:-/usr/bin/chromium}
missing=()
[[ -x $chromium ]] || missing+=(chromium)
command -v pdftoppm >/dev/null || missing+=(poppler-utils)
# psql: npm run bench:jobs runs the jobs' statements bare through it, beside our code.
command -v psql >/dev/null || missing+=(postgresql-client)
if ((${#missing[@]})); then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "setup: installing ${missing[*]} from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "setup: missing Debian packages: ${missing[*]}. The site runs without them, but the" >&2
    echo "       browser tests and PDF documents need them: install them as root" >&2
    echo "       (apt-get install ${missing[*]}), or set CHROMIUM_PATH to a Chromium binary." >&2
  fi
fi
echo "setup: done"
