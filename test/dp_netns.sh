#!/bin/sh
# The data plane on a real kernel: MN -- MAG -- LMA -- CN in network
# namespaces, with the tunnel, routes and rules of both ends set up by
# libdp alone (through test/dp_tool).  For each backend the kernel has:
#   - a ping from the MN to the CN crosses the MAG-LMA link as protocol
#     41 (IPv6-in-IPv6), seen by tcpdump on the LMA;
#   - the MAG's uplinks are one rule per access interface and one
#     "default from HNP" route per MN in its table, each into its own
#     LMA's tunnel; other sources on the access link, and the MAG's own
#     addresses, are routed as without them;
#   - dp_close() leaves nothing tagged behind and the local rule back at
#     pref 0;
#   - after a SIGKILL the leftovers are there, and the next start clears
#     them and can set everything up again;
#   - in one batch, a duplicate route and a route into an unreachable
#     tunnel fail alone while the requests around them succeed.
# ip6tnl runs only where the kernel has ip6_tunnel; seg6 always.
set -u

if [ "$(id -u)" -ne 0 ] || ! ip netns list >/dev/null 2>&1; then
	echo "SKIP: needs root and ip netns"
	exit 77
fi

tool=${DP_TOOL:-./test/dp_tool}
if [ ! -x "$tool" ]; then
	echo "FAIL: $tool not built"
	exit 99
fi
tag=dpt$$
mn=$tag-mn
mag=$tag-mag
lma=$tag-lma
cn=$tag-cn
xns=$tag-x
out=$(mktemp -d)
pids=

cleanup() {
	for p in $pids; do
		kill -9 "$p" 2>/dev/null
	done
	for n in "$mn" "$mag" "$lma" "$cn" "$xns"; do
		ip netns del "$n" 2>/dev/null
	done
	rm -rf "$out"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
	echo "FAIL: $*"
	for f in "$out"/*.out; do
		[ -f "$f" ] && { echo "--- $f"; cat "$f"; }
	done
	exit 1
}

# Waits for a line matching $2 in file $1 (5 s).
wait_for() {
	i=0
	until grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 100 ] && return 1
		sleep 0.05
	done
	return 0
}

# Starts dp_tool in namespace $1 with backend $2 and script $3, leaving
# it holding its state; output in $out/$1.out, pid in $lastpid.
start_tool() {
	# Emptied here, not by the background job, which may start late.
	: >"$out/$1.out"
	ip netns exec "$1" "$tool" -b "$2" -c "$3; hold" \
	    >>"$out/$1.out" 2>&1 &
	lastpid=$!
	pids="$pids $lastpid"
	wait_for "$out/$1.out" '^ready$' ||
	    fail "dp_tool in $1 did not get ready"
	if grep -q ': -[0-9]\|refused' "$out/$1.out"; then
		fail "a request failed in $1"
	fi
}

stop_tool() {
	kill -"$2" "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# Nothing of ours in namespace $1: no tagged route, rule or device, and
# the local rule at pref 0.
assert_clean() {
	r=$(ip -n "$1" -6 route show table all proto 213)
	[ -z "$r" ] || fail "routes left in $1: $r"
	r=$(ip -n "$1" -6 rule show | grep 'proto 213')
	[ -z "$r" ] || fail "rules left in $1: $r"
	r=$(ip -n "$1" -o link show | grep 'pmip6-')
	[ -z "$r" ] || fail "devices left in $1: $r"
	ip -n "$1" -6 rule show pref 0 | grep -q 'lookup local' ||
	    fail "local rule not at pref 0 in $1"
}

# Leftovers of a killed run in namespace $1.
assert_dirty() {
	r=$(ip -n "$1" -6 route show table all proto 213)
	[ -n "$r" ] || fail "nothing left in $1 after SIGKILL"
}

set -e
for n in "$mn" "$mag" "$lma" "$cn"; do
	ip netns add "$n"
	ip -n "$n" link set lo up
	ip netns exec "$n" sysctl -qw net.ipv6.conf.all.forwarding=1 \
	    net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
done
ip link add m0 netns "$mn" type veth peer name a0 netns "$mag"
ip link add g0 netns "$mag" type veth peer name l0 netns "$lma"
ip link add c0 netns "$lma" type veth peer name n0 netns "$cn"
for p in "$mn m0" "$mag a0" "$mag g0" "$lma l0" "$lma c0" "$cn n0"; do
	# shellcheck disable=SC2086 # namespace and device, split on purpose
	set -- $p
	ip -n "$1" link set "$2" up
done
# The MN's address is from its home network prefix 2001:db8:aa::/64.
ip -n "$mn" -6 addr add 2001:db8:aa::10/64 dev m0 nodad
ip -n "$mn" -6 route add default via fe80::1 dev m0
ip -n "$mag" -6 addr add fe80::1/64 dev a0 nodad
ip -n "$mag" -6 addr add 2001:db8:1::1/64 dev g0 nodad
ip -n "$lma" -6 addr add 2001:db8:1::2/64 dev l0 nodad
ip -n "$lma" -6 addr add 2001:db8:2::1/64 dev c0 nodad
ip -n "$cn" -6 addr add 2001:db8:2::2/64 dev n0 nodad
ip -n "$cn" -6 route add default via 2001:db8:2::1
set +e

lma_script='decap add 2001:db8:1::2;
	tunnel add 2001:db8:1::1 local 2001:db8:1::2;
	route add 2001:db8:aa::/64 via 2001:db8:1::1; commit'
# A second LMA (2001:db8:1::3, only routed to) serves a second MN.
mag_script='decap add 2001:db8:1::1;
	tunnel add 2001:db8:1::2 local 2001:db8:1::1;
	uplink add 2001:db8:aa::/64 iif a0 via 2001:db8:1::2;
	access add 2001:db8:aa::/64 dev a0;
	tunnel add 2001:db8:1::3 local 2001:db8:1::1;
	uplink add 2001:db8:ab::/64 iif a0 via 2001:db8:1::3;
	access add 2001:db8:ab::/64 dev a0; commit'

# The route the MAG picks for a packet from $2 to $3 arriving on a0.
route_get() {
	ip -n "$mag" -6 route get "$3" from "$2" iif a0 2>&1
}

# The MAG's uplink state for backend $1: one rule for a0, one route per
# MN into its own LMA's tunnel, and everything else as before.
check_uplinks() {
	n=$(ip -n "$mag" -6 rule show | grep 'proto 213' | grep -c 'iif')
	r=$(ip -n "$mag" -6 rule show | grep 'iif a0')
	[ "$n" -eq 1 ] && echo "$r" | grep -q 'iif a0 lookup 2130 proto 213' ||
	    fail "$1: want one rule 'iif a0 lookup 2130', have: $r"
	n=$(ip -n "$mag" -6 route show table 2130 | grep -c '^default from')
	[ "$n" -eq 2 ] || fail "$1: $n uplink routes in table 2130, want 2"
	ua=$(route_get "$1" 2001:db8:aa::10 2001:db8:2::2)
	ub=$(route_get "$1" 2001:db8:ab::10 2001:db8:2::2)
	echo "$ua" | grep -q 'table 2130' && echo "$ub" | grep -q 'table 2130' ||
	    fail "$1: MN traffic not in the uplink table: $ua / $ub"
	if [ "$1" = seg6 ]; then
		echo "$ua" | grep -q 'segs 1 \[ 2001:db8:1::2 \]' &&
		    echo "$ub" | grep -q 'segs 1 \[ 2001:db8:1::3 \]' ||
		    fail "$1: uplinks not to their own LMA: $ua / $ub"
	else
		dua=$(echo "$ua" | sed -n 's/.* dev \(pmip6-[^ ]*\).*/\1/p')
		dub=$(echo "$ub" | sed -n 's/.* dev \(pmip6-[^ ]*\).*/\1/p')
		[ -n "$dua" ] && [ -n "$dub" ] && [ "$dua" != "$dub" ] ||
		    fail "$1: uplinks not to their own LMA: $ua / $ub"
	fi
	# Another source falls through to main (the MAG-LMA link).
	r=$(route_get "$1" 2001:db8:bb::10 2001:db8:1::2)
	echo "$r" | grep -q 'dev g0' && ! echo "$r" | grep -q 'table 2130' ||
	    fail "$1: other sources on a0 diverted: $r"
	# The MAG's own addresses stay local, from an MN too.
	for dst in 2001:db8:1::1 fe80::1; do
		r=$(route_get "$1" 2001:db8:aa::10 $dst)
		echo "$r" | grep -q '^local .*table local' ||
		    fail "$1: $dst not local for an MN: $r"
	done
	ip netns exec "$mn" ping -c 1 -W 2 2001:db8:1::1 >/dev/null 2>&1 ||
	    fail "$1: the MN cannot ping the MAG's address"
	echo "ok: $1: one rule, a route per MN to its LMA, the rest untouched"
}

# A ping from the MN to the CN, and protocol 41 both ways on the wire.
check_traffic() {
	: >"$out/tcpdump.txt"
	ip netns exec "$lma" tcpdump -l -n -i l0 'ip6 proto 41' \
	    >>"$out/tcpdump.txt" 2>&1 &
	tpid=$!
	pids="$pids $tpid"
	wait_for "$out/tcpdump.txt" 'listening on' ||
	    fail "tcpdump did not start"
	ip netns exec "$mn" ping -c 3 -i 0.2 -W 2 2001:db8:2::2 \
	    >"$out/ping.out" 2>&1 || fail "$1: ping MN -> CN failed"
	sleep 0.3
	stop_tool "$tpid" TERM
	grep -q '2001:db8:1::1 > 2001:db8:1::2: .*2001:db8:aa::10 > 2001:db8:2::2' \
	    "$out/tcpdump.txt" ||
	    fail "$1: no encapsulated uplink on the MAG-LMA link"
	grep -q '2001:db8:1::2 > 2001:db8:1::1: .*2001:db8:2::2 > 2001:db8:aa::10' \
	    "$out/tcpdump.txt" ||
	    fail "$1: no encapsulated downlink on the MAG-LMA link"
	echo "ok: $1: ping MN -> CN through the tunnel, protocol 41 seen"
}

backends=
if ip netns exec "$cn" "$tool" -b ip6tnl -c '' >"$out/probe.txt" 2>&1; then
	backends=ip6tnl
else
	echo "SKIP: kernel lacks ip6_tunnel (CONFIG_IPV6_TUNNEL)"
	sed 's/^/  /' "$out/probe.txt"
fi
backends="$backends seg6"

for b in $backends; do
	start_tool "$lma" "$b" "$lma_script"
	lpid=$lastpid
	start_tool "$mag" "$b" "$mag_script"
	mpid=$lastpid
	grep -q "^backend: $b\$" "$out/$lma.out" || fail "$b: wrong backend"
	if [ "$b" = seg6 ]; then
		ip -n "$lma" -6 rule show | grep -q 'ipproto ipv6 lookup 213' ||
		    fail "$b: no decap rule on the LMA"
	fi
	check_traffic "$b"
	check_uplinks "$b"

	stop_tool "$lpid" TERM
	stop_tool "$mpid" TERM
	assert_clean "$lma"
	assert_clean "$mag"
	echo "ok: $b: dp_close removed everything, local rule at pref 0"

	# A crash leaves state behind; the next start removes it.
	start_tool "$lma" "$b" "$lma_script"
	stop_tool "$lastpid" KILL
	start_tool "$mag" "$b" "$mag_script"
	stop_tool "$lastpid" KILL
	assert_dirty "$lma"
	assert_dirty "$mag"
	start_tool "$lma" "$b" ""
	assert_clean "$lma"
	stop_tool "$lastpid" TERM
	echo "ok: $b: a restart flushed what SIGKILL left"

	# Set up again over the leftovers of the MAG: no -EEXIST.
	start_tool "$lma" "$b" "$lma_script"
	lpid=$lastpid
	start_tool "$mag" "$b" "$mag_script"
	mpid=$lastpid
	check_traffic "$b after restart"
	stop_tool "$lpid" TERM
	stop_tool "$mpid" TERM
	assert_clean "$lma"
	assert_clean "$mag"
done

# Errors map to their own request within a batch.
set -e
ip netns add "$xns"
ip -n "$xns" link set lo up
ip -n "$xns" link add x0 type veth peer name x1
ip -n "$xns" link set x0 up
ip -n "$xns" link set x1 up
ip -n "$xns" -6 addr add 2001:db8:9::1/64 dev x0 nodad
set +e
ip netns exec "$xns" "$tool" -b seg6 -c 'tunnel add 2001:db8:9::2;
	route add 2001:db8:a1::/64 via 2001:db8:9::2;
	route add 2001:db8:a1::/64 via 2001:db8:9::2;
	tunnel add 2001:db8:77::1;
	route add 2001:db8:a2::/64 via 2001:db8:77::1;
	route add 2001:db8:a3::/64 via 2001:db8:9::2;
	access add 2001:db8:a4::/64 dev x1;
	route del 2001:db8:a5::/64;
	commit; hold' >"$out/$xns.out" 2>&1 &
xpid=$!
pids="$pids $xpid"
wait_for "$out/$xns.out" '^ready$' || fail "dp_tool in $xns did not get ready"
for want in \
    '1 tunnel add 2001:db8:9::2: ok' \
    '2 route add 2001:db8:a1::/64 via 2001:db8:9::2: ok' \
    '3 route add 2001:db8:a1::/64 via 2001:db8:9::2: -17 File exists' \
    '4 tunnel add 2001:db8:77::1: -101 Network is unreachable' \
    '5 route add 2001:db8:a2::/64 via 2001:db8:77::1: -101 Network is unreachable' \
    '6 route add 2001:db8:a3::/64 via 2001:db8:9::2: ok' \
    '7 access add 2001:db8:a4::/64 dev x1: ok' \
    '8 route del 2001:db8:a5::/64: -3 No such process' \
    'commit: 8 requests, 4 failed'; do
	grep -qxF "$want" "$out/$xns.out" || fail "expected '$want'"
done
routes=$(ip -n "$xns" -6 route show table all proto 213 | cut -d' ' -f1 |
    sort | tr '\n' ' ')
[ "$routes" = "2001:db8:a1::/64 2001:db8:a3::/64 2001:db8:a4::/64 " ] ||
    fail "kernel has '$routes' after the mixed batch"
stop_tool "$xpid" TERM
assert_clean "$xns"
echo "ok: a duplicate and an unreachable route fail alone in their batch"

echo "PASS: data plane in network namespaces (backends:$backends)"
