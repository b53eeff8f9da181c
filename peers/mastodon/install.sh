#!/usr/bin/env bash
# Install the Mastodon peer: mastodon-mock (PyPI, pinned with its dependencies
# in requirements.txt) into a virtualenv outside the repository, by default
# $HOME/.cache/letsgrow-venv-mastodon (override with LETSGROW_MASTODON_VENV).
# Request validation against the Mastodon spec uses the Prism of peers/x
# (peers/x/install.sh). Needs python3 (3.10+) with venv and pip.
# Idempotent: does nothing when the venv matches requirements.txt.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${LETSGROW_MASTODON_VENV:-$HOME/.cache/letsgrow-venv-mastodon}"
stamp="$venv/.requirements-hash"
want="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$venv/bin/mastodon_mock" ]]; then
  echo "[mastodon-peer install] up to date ($venv)" >&2
  exit 0
fi
start=$(date +%s)
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
"$venv/bin/mastodon_mock" serve --help >/dev/null
echo "$want" >"$stamp"
echo "[mastodon-peer install] mastodon-mock in $venv in $(($(date +%s) - start)) s" >&2
