#!/usr/bin/env bash
# Headless Chromium and its WebDriver for the browser tests (tests/browser/), from Debian packages.
# Idempotent: does nothing when /usr/bin/chromium is already there.
set -euo pipefail

if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
    exit 0
fi
SUDO=
if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "[provision-browser] need root or sudo to install chromium" >&2; exit 1; }
    SUDO=sudo
fi
echo "[provision-browser] installing chromium and chromium-driver"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver
