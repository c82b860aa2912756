#!/bin/sh
# Install every build and test dependency of pmip6 from Debian's archive.
# Idempotent: packages already present are skipped, so a warm machine pays
# only for dpkg-query.
set -eu

PKGS="build-essential autoconf automake libtool pkg-config
libnl-3-dev libnl-route-3-dev libconfig-dev libradcli-dev check
clang libclang-rt-14-dev
tshark python3-scapy
freeradius freeradius-utils
iproute2 iputils-ping tcpdump procps psmisc kmod
strongswan-charon strongswan-libcharon libcharon-extra-plugins strongswan-swanctl
bzip2 dpkg-dev openssl
debhelper dh-autoreconf groff-base"

missing=
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed'; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	echo "install-deps: all packages present"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: need root to install:$missing" >&2
	exit 1
fi

echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# wireshark-common asks whether non-root users may capture; answer no.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
# Debian starts freeradius and strongswan on install; the tests run their
# own instances inside namespaces, so the system ones must not hold ports.
for svc in freeradius strongswan-starter strongswan; do
	if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$svc" 2>/dev/null; then
		systemctl stop "$svc" || true
		systemctl disable "$svc" 2>/dev/null || true
	fi
done
pkill -x freeradius 2>/dev/null || true
pkill -x charon 2>/dev/null || true
exit 0
