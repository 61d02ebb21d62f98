#!/usr/bin/env bash
# The browser tests drive Debian's Chromium through playwright-core (no browser download). `npm test`
# installs it when it is missing and we may (root or passwordless sudo with apt-get); otherwise it says how.
set -euo pipefail
CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] && exit 0
if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then as_root=(); elif sudo -n true 2>/dev/null; then as_root=(sudo -n); else as_root=(false); fi
  if [ "${as_root[0]:-}" != false ]; then
    echo "Installing Debian's chromium for the browser tests…" >&2
    "${as_root[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq chromium >/dev/null
    [ -x "$CHROMIUM" ] && exit 0
  fi
fi
echo "The browser tests need Chromium at $CHROMIUM: install it (Debian: apt-get install chromium) or set CHROMIUM_PATH." >&2
exit 1
