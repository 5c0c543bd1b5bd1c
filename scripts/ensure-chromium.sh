#!/usr/bin/env bash
# Install Debian's chromium + chromium-driver for the real-browser test when missing (no browser download by
# Playwright). Where apt is impossible the browser test skips with a loud message instead.
set -u
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing chromium + chromium-driver with apt-get (for the browser test)..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
    || echo "WARNING: apt-get could not install chromium; the browser test will be skipped"
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  (sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
    || echo "WARNING: apt-get could not install chromium; the browser test will be skipped"
else
  echo "WARNING: chromium is missing and apt-get is not usable here; the browser test will be skipped"
fi
exit 0
