#!/usr/bin/env bash
# Installs efsdoctor from a checkout of its repository and writes an `efsdoctor` command into a directory for PATH.
#   ci/install.sh <bin-dir>
# It runs from source with tsx: no build step and no package registry for efsdoctor itself; its npm dependencies
# come from package-lock.json. An existing node_modules (a cached or self-hosted runner) is reused.
set -euo pipefail

home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin_dir="${1:?usage: ci/install.sh <bin-dir>}"

if [ ! -d "$home/node_modules" ]; then
  (cd "$home" && npm ci --no-audit --no-fund --loglevel=error)
fi

mkdir -p "$bin_dir"
{
  printf '#!/usr/bin/env bash\n'
  printf 'exec node --import %q %q "$@"\n' "$home/node_modules/tsx/dist/loader.mjs" "$home/bin/dev.js"
} > "$bin_dir/efsdoctor"
chmod +x "$bin_dir/efsdoctor"
echo "efsdoctor installed from $home as $bin_dir/efsdoctor"
