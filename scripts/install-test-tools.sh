#!/usr/bin/env bash
# What the test suite needs beyond Python, installed when missing: Debian's Chromium (browser
# tests), HarfBuzz's subsetter for WeasyPrint, libical (a C reader of our calendars), Node with
# npm, and Mozilla's ical.js from the npm registry (Thunderbird's reader). Debian packages need
# root; without it, say what to install.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

packages=()
command -v chromium >/dev/null 2>&1 || [ -n "${CHROMIUM_PATH:-}" ] || packages+=(chromium)
ldconfig -p 2>/dev/null | grep -q 'libical\.so\.3' || packages+=(libical3)
# WeasyPrint (certificates, reports) warns without HarfBuzz's subsetter, and the suite treats
# warnings as errors.
ldconfig -p 2>/dev/null | grep -q 'libharfbuzz-subset\.so\.0' || packages+=(libharfbuzz-subset0)
# Debian's nginx, run by tests/deploy in front of gunicorn with deploy/nginx/incontri.conf.
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || packages+=(nginx)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)
if [ ${#packages[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installo i pacchetti Debian per i test: ${packages[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  else
    echo "Per i test nel browser e dei calendari servono: ${packages[*]} (apt-get install, come root)." >&2
  fi
fi

# ical.js at the version of tests/js/package-lock.json; reinstalled when the lock file changes.
js="$root/tests/js"
if command -v npm >/dev/null 2>&1 && { [ ! -f "$js/node_modules/.package-lock.json" ] || [ "$js/package-lock.json" -nt "$js/node_modules/.package-lock.json" ]; }; then
  npm ci --prefix "$js" --no-audit --no-fund --silent
fi
