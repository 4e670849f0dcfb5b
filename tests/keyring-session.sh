#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs a command (tests/test-keyring, the team e2e test) with a keyring
# of its own: called inside `dbus-run-session`, it starts GNOME Keyring's
# daemon on that private bus with a new login keyring in a temporary
# home, unlocked, so that libsecret stores and finds passwords there and
# the user's own keyring is never touched. Needs gnome-keyring.
set -eu

if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  echo "keyring-session.sh: run it inside dbus-run-session" >&2
  exit 2
fi
if ! command -v gnome-keyring-daemon >/dev/null 2>&1; then
  echo "keyring-session.sh: gnome-keyring-daemon is missing: install the package gnome-keyring" >&2
  exit 2
fi

home=$(mktemp -d "${TMPDIR:-/tmp}/bwkeyring-XXXXXX")
trap 'rm -rf "$home"' EXIT
mkdir -p "$home/data" "$home/config" "$home/run"
chmod 700 "$home/run"
export HOME="$home" XDG_DATA_HOME="$home/data" XDG_CONFIG_HOME="$home/config" XDG_RUNTIME_DIR="$home/run"

# --unlock reads the login keyring's password on standard input and
# creates that keyring when there is none. Not under the tests'
# G_DEBUG=fatal-warnings: the daemon warns when a stored password is
# replaced, and would abort.
printf '%s' "boxwood-test-keyring" | env -u G_DEBUG -u MALLOC_PERTURB_ -u MALLOC_CHECK_ gnome-keyring-daemon --unlock --components=secrets >/dev/null

"$@"
