#!/bin/sh
# pmip6 demo: a complete PMIPv6 domain in network namespaces.
#
#   sudo ./demo.sh
#
# Installs what is missing (Debian packages), builds pmip6, then starts
# FreeRADIUS, pmip6-lma, two pmip6-mag and an unmodified mobile node, and
# narrates what happens: attach, traffic, two handovers, detach.  Ctrl-C
# or the end tears everything down.
set -eu
top=$(cd "$(dirname "$0")" && pwd)
cd "$top"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
note() { printf '   %s\n' "$*"; }

if [ "$(id -u)" -ne 0 ]; then
	echo "demo.sh: run as root (sudo ./demo.sh): it builds network namespaces" >&2
	exit 1
fi

say "Installing dependencies and building pmip6"
./test/install-deps.sh
./ipsec/fetch-strongswan.sh "$top/build/strongswan" >/dev/null
[ -f configure ] || autoreconf -fi >/dev/null 2>&1
mkdir -p build/demo
(cd build/demo && { grep -q with-strongswan-src config.status 2>/dev/null ||
    "$top/configure" -q --with-strongswan-src="$top/build/strongswan/src"; } &&
    make -s -j"$(nproc)" >/dev/null)
note "built in build/demo, with the strongSwan charon plugin"

P6_SRC=$top
P6_BIN=$top/build/demo
P6_IPSEC=1
TOPO_TAG=p6demo
. "$top/test/lib/topo.sh"
. "$top/test/lib/pmip6.sh"
cleanup() {
	say "Tearing down"
	radius_stop_all 2>/dev/null || true
	topo_cleanup
	note "namespaces, links and daemons removed"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ip netns list | grep -q "^p6demo-" && { ip netns list | awk '/^p6demo-/ { print $1 }' | xargs -r -n1 ip netns del; }
D=$TOPO_DIR
ms() { date +%s%3N; }

say "Building the topology"
set +e
p6_topology 0 || exit 1
note "lma (2001:db8:ff::1) with a correspondent node cn (2001:db8:cc::2) behind it"
note "mag1 (2001:db8:ff::2) and mag2 (2001:db8:ff::3) on the core network"
note "aaa (2001:db8:ff::10) runs FreeRADIUS with RFC 6572 profiles"
note "an access-point bridge connects the mobile node to mag1 (mag2's port is idle)"

p6_radius_users "$D/users" 1
p6_start_radius || exit 1
note "FreeRADIUS is up: 02-00-00-00-00-01 is mn1@pmip6.example, anchored at the LMA"
p6_start_lma || exit 1
note "pmip6-lma is up (seg6 IPv6-in-IPv6 data plane, prefix pool $P6_POOL)"
p6_start_mag 1 || exit 1
p6_start_mag 2 || exit 1
note "pmip6-mag is up on mag1 and mag2, both with the shared router address fe80::200:5eff:fe00:5213"
note "each node runs strongSwan's charon with our plugin: ipsec = required, so PBUs wait for the SA"
n=0
until p6_ctl mag2 show peers 2>/dev/null | grep -q "ipsec up" && p6_ctl mag1 show peers 2>/dev/null | grep -q "ipsec up"; do
	n=$((n + 1)); [ $n -gt 200 ] && break; sleep 0.05
done
note "IKEv2 SAs up between each MAG and the LMA (configs from /etc/pmip6-style files only)"

say "The mobile node attaches"
t0=$(ms)
p6_add_mn 1
if ! p6_wait_addr 1 300; then
	note "the MN did not get an address; logs in $D"
	exit 1
fi
addr=$(p6_mn_addr 1)
note "mn1 (MAC 02:00:00:00:00:01, unmodified Linux) plugged in"
grep -h "attached on acc0" "$D/mag1.log" | sed 's/.*\] info: /mag1: /' | while read -r l; do note "$l"; done
note "mn1 configured $addr by SLAAC, $(( $(ms) - t0 )) ms after its link came up"
note "its default router: $(ip -n p6demo-mn1 -6 route show default | awk '{ print $3 }')"
note "the LMA's binding: $(p6_ctl lma show binding mn1@pmip6.example)"
note "the LMA's peers: $(p6_ctl lma show peers | tr '\n' ';')"

say "Traffic: mn1 pings the correspondent node"
topo_exec mn1 ping -6 -c 3 -i 0.2 2001:db8:cc::2 | sed -n 's/^/   /; /bytes from\|packet loss/p'

move() {
	to=$1
	log=$D/demo.ping.$to
	ip netns exec p6demo-mn1 ping -6 -D -i 0.01 -W 1 2001:db8:cc::2 >"$log" 2>&1 &
	pp=$!
	sleep 0.5
	if [ "$2" = roam ]; then
		p6_ap_switch "$to"
	else
		p6_mn_link 1 down
		p6_ap_switch "$to"
		sleep 0.2
		p6_mn_link 1 up
	fi
	n=0
	until p6_ctl lma show binding mn1@pmip6.example | grep -q "mag 2001:db8:ff::$((to + 1)) .*active"; do
		n=$((n + 1)); [ $n -gt 300 ] && break; sleep 0.02
	done
	sleep 1
	kill -INT $pp; wait $pp
	set -- $(p6_gaps "$log")
	note "during the move: $2 of $(($1 + $2)) pings lost, longest interruption $3 ms (pings every 10 ms)"
	note "mn1 still has $(p6_mn_addr 1); the LMA now says: $(p6_ctl lma show binding mn1@pmip6.example | sed 's/ lli.*//')"
}

say "Handover 1: Wi-Fi roaming from mag1 to mag2 (the MN's link stays up, it sends no RS)"
move 2 roam
note "mag1: $(grep -h 'revoked mn1' "$D/mag1.log" | tail -1 | sed 's/.*info: //')"

say "Handover 2: the MN's link goes down and comes up on mag1"
move 1 relink
note "mag2: $(grep -h 'revoked mn1' "$D/mag2.log" | tail -1 | sed 's/.*info: //')"

say "Traffic after the handovers"
topo_exec cn ping -6 -c 3 -i 0.2 "$addr" | sed -n 's/^/   /; /bytes from\|packet loss/p'

say "Detach: the operator detaches mn1 at mag1"
p6_ctl mag1 detach mn1@pmip6.example | sed 's/^/   /'
sleep 0.3
note "the LMA: $(p6_ctl lma show binding mn1@pmip6.example 2>&1 | sed 's/ att.*state/ state/; s/ lifetime.*//')"
note "(it deletes the binding after MinDelayBeforeBCEDelete)"

say "Done"
note "logs were in $D (removed with the topology)"
