#!/usr/bin/env bash
# Install Debian's headless Chromium (and an emoji font for the page's buttons) for the browser test
# when missing. Never a downloaded browser build. When it cannot be installed, say so plainly; with
# ASSISTANT_REQUIRE_BROWSER=1 (set by .ci/run) that is an error, so CI never skips the browser test
# without anyone noticing.
set -uo pipefail
chromium="${CHROMIUM_BIN:-/usr/bin/chromium}"
missing=()
[ -x "$chromium" ] || missing+=(chromium chromium-driver)
dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || missing+=(fonts-noto-color-emoji)
[ ${#missing[@]} -eq 0 ] && exit 0

cannot() {
  if [ "${ASSISTANT_REQUIRE_BROWSER:-0}" = "1" ]; then
    echo "ensure-chromium: ERROR: cannot install ${missing[*]}: $1. The browser test (tests/test_web_browser.py) cannot run; failing because ASSISTANT_REQUIRE_BROWSER=1." >&2
    exit 3
  fi
  echo "ensure-chromium: WARNING: cannot install ${missing[*]}: $1. The browser test will be SKIPPED (set ASSISTANT_REQUIRE_BROWSER=1 to make this an error)." >&2
  exit 0
}

[ "$(id -u)" = "0" ] || cannot "not running as root"
command -v apt-get >/dev/null || cannot "apt-get is not available"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || cannot "apt-get update failed (no package mirror reachable?)"
apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 || cannot "apt-get install failed"
[ -x "$chromium" ] || cannot "installed, but $chromium is still missing"
