#!/usr/bin/env bash
# Re-vendors the front-end assets from the npm registry so `make run` never needs Node.
# Usage: scripts/vendor-assets.sh [bootstrap-italia-version] [axe-core-version] [chart.js-version]
set -euo pipefail
BI_VERSION=${1:-2.18.3}
AXE_VERSION=${2:-4.14.1}
CHART_VERSION=${3:-4.6.1}
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent "bootstrap-italia@${BI_VERSION}" "axe-core@${AXE_VERSION}" "chart.js@${CHART_VERSION}" >/dev/null

dest="$root/app/static/vendor/bootstrap-italia"
rm -rf "$dest" && mkdir -p "$dest/css" "$dest/js" "$dest/svg"
mkdir bi && tar -xzf "bootstrap-italia-${BI_VERSION}.tgz" -C bi
cp bi/package/dist/css/bootstrap-italia.min.css "$dest/css/"
cp bi/package/dist/js/bootstrap-italia.bundle.min.js "$dest/js/"
cp bi/package/dist/svg/sprites.svg "$dest/svg/"
# Only the woff2 faces (every current browser reads them) and the font licences.
(cd bi/package/dist && find fonts -name '*.woff2' -o -name 'LICENSE*' -o -name 'OFL*') | while read -r f; do
  mkdir -p "$dest/$(dirname "$f")" && cp "bi/package/dist/$f" "$dest/$f"
done
cp bi/package/LICENSE "$dest/LICENSE"
echo "bootstrap-italia ${BI_VERSION}" > "$dest/VERSION"

# Chart.js (MIT) draws the registrations chart in the organizer area; no build step, no CDN.
mkdir chart && tar -xzf "chart.js-${CHART_VERSION}.tgz" -C chart
cdest="$root/app/static/vendor/chart.js"
rm -rf "$cdest" && mkdir -p "$cdest"
cp chart/package/dist/chart.umd.min.js "$cdest/"
cp chart/package/LICENSE.md "$cdest/LICENSE.md"
echo "chart.js ${CHART_VERSION}" > "$cdest/VERSION"

# axe-core is only for the accessibility checks in the browser tests.
mkdir axe && tar -xzf "axe-core-${AXE_VERSION}.tgz" -C axe
mkdir -p "$root/tests/vendor"
cp axe/package/axe.min.js "$root/tests/vendor/axe.min.js"
echo "axe-core ${AXE_VERSION} (MPL-2.0)" > "$root/tests/vendor/VERSION"
echo "vendored bootstrap-italia ${BI_VERSION}, chart.js ${CHART_VERSION} and axe-core ${AXE_VERSION}"
