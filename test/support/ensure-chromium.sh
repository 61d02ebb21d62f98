#!/usr/bin/env bash
# The browser tests drive Debian's Chromium through playwright-core (no browser download), and the
# report tests read its PDFs with poppler's pdftotext and pdftoppm. `npm test` installs what is missing
# when we may (root or passwordless sudo with apt-get); otherwise it says how.
set -euo pipefail
CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
packages=()
[ -x "$CHROMIUM" ] || packages+=(chromium)
command -v pdftotext >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 || packages+=(poppler-utils)
[ ${#packages[@]} -eq 0 ] && exit 0
if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then as_root=(); elif sudo -n true 2>/dev/null; then as_root=(sudo -n); else as_root=(false); fi
  if [ "${as_root[0]:-}" != false ]; then
    echo "Installing ${packages[*]} from Debian for the browser and report tests…" >&2
    "${as_root[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq "${packages[@]}" >/dev/null
    [ -x "$CHROMIUM" ] && command -v pdftotext >/dev/null 2>&1 && exit 0
  fi
fi
echo "The browser and report tests need Chromium at $CHROMIUM and poppler-utils: install them (Debian: apt-get install chromium poppler-utils) or set CHROMIUM_PATH." >&2
exit 1
