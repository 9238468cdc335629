#!/usr/bin/env bash
# Installs efsdoctor from a checkout of its repository and writes an `efsdoctor` command into a directory for PATH.
#   ci/install.sh <bin-dir>
# No package registry for efsdoctor itself: its npm dependencies come from package-lock.json, then it builds what the
# package ships (the esbuild bundle in dist/ and oclif.manifest.json; a few seconds) unless that is already there and
# newer than src/, and the command runs bin/run.js. An existing node_modules (a cached or self-hosted runner) is reused.
set -euo pipefail

home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin_dir="${1:?usage: ci/install.sh <bin-dir>}"

if [ ! -d "$home/node_modules" ]; then
  (cd "$home" && npm ci --no-audit --no-fund --loglevel=error)
fi

if [ ! -f "$home/dist/main.js" ] || [ ! -f "$home/oclif.manifest.json" ] ||
  [ -n "$(find "$home/src" -newer "$home/dist/main.js" -print -quit)" ]; then
  (cd "$home" && rm -rf dist && npm run --silent bundle)
fi

mkdir -p "$bin_dir"
{
  printf '#!/usr/bin/env bash\n'
  printf 'exec node %q "$@"\n' "$home/bin/run.js"
} > "$bin_dir/efsdoctor"
chmod +x "$bin_dir/efsdoctor"
echo "efsdoctor installed from $home as $bin_dir/efsdoctor"
