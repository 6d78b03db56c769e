#!/usr/bin/env bash
# Runs a command with a real, headless OS keychain: a private D-Bus session with gnome-keyring's
# Secret Service, unlocked, in a fresh HOME (a reused HOME's keyring may be locked by another password).
set -euo pipefail
if [ -n "${SKAERMRUM_KEYRING_READY:-}" ]; then exec "$@"; fi
export HOME="$(mktemp -d /tmp/skaermrum-home.XXXXXX)"
export SKAERMRUM_KEYRING_READY=1
exec dbus-run-session -- bash -c '
  echo -n "skaermrum-test" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec "$@"' _ "$@"
