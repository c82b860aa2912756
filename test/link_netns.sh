#!/bin/sh
# The MAG access link (mag/link.h) on a real kernel, through
# test/link_tool.  Three namespaces stand for a MAG, an access point
# (a bridge) and an unmodified host with default sysctls:
#
#   mag: acc0 --- p-mag [ap: br0] p-mn --- eth0 :mn
#                               p-mn2 --- eth0 :mn2
#
# The tool runs as a permissive core (-a): it tracks every MAC it is
# told about and answers RS with an RA for a test prefix.  Checked:
#  (1a) the MN's first frame when its link comes up is reported (mn_seen)
#  (2)  its RS is answered; it forms an address in the prefix by SLAAC
#       and its default route is via fe80::200:5eff:fe00:5213
#  (3)  it resolves and pings that router address (the kernel's NA)
#  (2b) a second MN on the same link gets its own prefix only, and the
#       first one never sees it: each RA is Ethernet unicast
#  (4)  a withdrawal RA deprecates the address and drops the route
#  (1b) an MN that sends no RS nor NS, only data frames to the router's
#       MAC (layer-2 roaming into this MAG), is reported by the first one
#  (6)  an idle MN answering probes is kept; one cut off at the access
#       point (the MAG keeps its carrier) is reported gone
#  (5)  carrier loss and return on acc0 are reported; an admin down/up
#       of acc0 (which flushes addresses) gets the set-up back
#  (7)  on exit the tool restores acc0 (MAC, address, sysctls)
# Latencies are printed: frame to callback from the kernel's receive
# timestamp; the others from the shell command that caused them.
set -u

if [ "$(id -u)" -ne 0 ] || ! ip netns list >/dev/null 2>&1; then
	echo "SKIP: needs root and ip netns"
	exit 77
fi

tool=${LINK_TOOL:-./test/link_tool}
if [ ! -x "$tool" ]; then
	echo "FAIL: $tool not built"
	exit 99
fi

tag=lnk$$
mag=$tag-mag
ap=$tag-ap
mn=$tag-mn
mn2=$tag-mn2
out=$(mktemp -d /tmp/link_netns.XXXXXX)
log=$out/tool.out
rll=fe80::200:5eff:fe00:5213
rmac=00:00:5e:00:52:13
mnmac=02:00:00:00:aa:01
mn2mac=02:00:00:00:aa:02
pfx=2001:db8:5213:1
pfx2=2001:db8:5213:2
gone_ms=2500
toolpid=

# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() {
	exec 3>&- 2>/dev/null
	if [ -n "$toolpid" ]; then
		kill "$toolpid" 2>/dev/null
		i=0
		while kill -0 "$toolpid" 2>/dev/null && [ "$i" -lt 40 ]; do
			sleep 0.05
			i=$((i + 1))
		done
		kill -9 "$toolpid" 2>/dev/null
	fi
	for n in "$mn" "$mn2" "$ap" "$mag"; do
		ip netns pids "$n" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$n" 2>/dev/null
	done
	rm -rf "$out"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() {
	echo "FAIL: $*"
	echo "--- link_tool output"
	cat "$log"
	exit 1
}

now_ms() {
	date +%s%3N
}

# Lines of the tool's output so far: the mark for wait_line.
mark() {
	wc -l <"$log"
}

# wait_line MARK PATTERN [TENTHS]: the first line after MARK matching
# PATTERN, printed; fails after TENTHS tenths of a second (50).
wait_line() {
	i=0
	while :; do
		l=$(tail -n +"$(($1 + 1))" "$log" | grep -m1 -e "$2")
		if [ -n "$l" ]; then
			echo "$l"
			return 0
		fi
		i=$((i + 1))
		[ $i -gt "${3:-50}" ] && return 1
		sleep 0.1
	done
}

# field LINE NAME: the value of NAME=value in LINE.
field() {
	echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# cmd TEXT: sends a command, waits for its answer.
cmd() {
	m=$(mark)
	echo "$1" >&3
	wait_line "$m" '^ok\|^error\|^info\|^stats' >/dev/null ||
	    fail "no answer to '$1'"
	r=$(tail -n +"$((m + 1))" "$log" |
	    grep -m1 '^ok\|^error\|^info\|^stats')
	case $r in
	error*) fail "'$1': $r" ;;
	esac
	echo "$r"
}

# poll TENTHS COMMAND...: until COMMAND succeeds.
poll() {
	n=$1
	shift
	i=0
	until "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -gt "$n" ] && return 1
		sleep 0.1
	done
	return 0
}

acc0_addrs() {
	ip -n "$mag" -6 addr show dev acc0 | awk '$1 == "inet6" { print $2 }'
}

ms() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", b - a }'
}

us2ms() {
	awk -v u="$1" 'BEGIN { printf "%.3f", u / 1000 }'
}

# --- topology ---------------------------------------------------------
for n in "$mag" "$ap" "$mn" "$mn2"; do
	ip netns add "$n" || fail "netns $n"
	ip -n "$n" link set lo up
done
# The access point is a layer-2 device: no IPv6 host of its own.
ip netns exec "$ap" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
    net.ipv6.conf.default.disable_ipv6=1
ip -n "$ap" link add br0 type bridge mcast_snooping 0 || fail "bridge"
ip -n "$ap" link set br0 up
ip link add acc0 netns "$mag" type veth peer name p-mag netns "$ap" ||
    fail "veth"
ip link add eth0 netns "$mn" address "$mnmac" type veth peer name p-mn \
    netns "$ap" || fail "veth"
ip link add eth0 netns "$mn2" address "$mn2mac" type veth peer name p-mn2 \
    netns "$ap" || fail "veth"
for p in p-mag p-mn p-mn2; do
	ip -n "$ap" link set "$p" master br0
	ip -n "$ap" link set "$p" up
done
ip -n "$mag" link set acc0 up
origmac=$(ip netns exec "$mag" cat /sys/class/net/acc0/address)

mkfifo "$out/ctl"
ip netns exec "$mag" "$tool" -i acc0 -a -p "$pfx::/64" -v 3600 -l 1800 \
    -P 1000 -I 300 -G "$gone_ms" <"$out/ctl" >"$log" 2>&1 &
toolpid=$!
exec 3>"$out/ctl"
wait_line 0 '^ready' >/dev/null || fail "link_tool did not start"

# The set-up: shared MAC, shared link-local address and no other.
ip netns exec "$mag" cat /sys/class/net/acc0/address | grep -qx "$rmac" ||
    fail "acc0 MAC not set"
a=$(acc0_addrs)
[ "$a" = "$rll/64" ] || fail "acc0 addresses: $a"
[ "$(ip netns exec "$mag" sysctl -n net.ipv6.conf.acc0.accept_ra)" = 0 ] ||
    fail "accept_ra not 0"
echo "PASS (0) acc0 has $rmac and only $rll"

# --- (1a) first frame, (2) RS -> RA -> SLAAC ----------------------------
m=$(mark)
t0=$(now_ms)
ip -n "$mn" link set eth0 up
l=$(wait_line "$m" "^seen $mnmac") || fail "(1a) MN not seen"
echo "PASS (1a) MN seen from its first frame ($(field "$l" first)):" \
    "$(us2ms "$(field "$l" lat_us)") ms frame->callback," \
    "$(ms "$t0" "$(field "$l" at)") ms after its link came up"

l=$(wait_line "$m" "^rs $mnmac.*ra-sent" 100) || fail "(2) no RS answered"
echo "PASS (2) RS answered: $(us2ms "$(field "$l" lat_us)") ms RS->RA sent," \
    "RS came $(ms "$t0" "$(field "$l" at)") ms after link up"
tra=$(field "$l" at)

# shellcheck disable=SC2317  # run by poll
slaac_ok() {
	ip -n "$mn" -6 addr show dev eth0 scope global | grep "inet6 $pfx:" |
	    grep -vq tentative
}
poll 100 slaac_ok || fail "(2) no SLAAC address in $pfx::/64"
t1=$(now_ms)
addr=$(ip -n "$mn" -6 addr show dev eth0 scope global |
    awk '$1 == "inet6" { sub("/.*", "", $2); print $2; exit }')
ip -n "$mn" -6 route show default | grep -q "via $rll dev eth0" ||
    fail "(2) default route: $(ip -n "$mn" -6 route show default)"
echo "PASS (2) SLAAC address $addr usable $(ms "$tra" "$t1") ms after" \
    "the RA ($(ms "$t0" "$t1") ms after link up, incl. its DAD);" \
    "default route via $rll"

# --- (3) the router's link-local address resolves and answers ---------
ip netns exec "$mn" ping -c 1 -W 2 "$rll%eth0" >/dev/null ||
    fail "(3) ping $rll from the MN"
ip -n "$mn" -6 neigh show "$rll" dev eth0 | grep -q "lladdr $rmac router" ||
    fail "(3) neighbour: $(ip -n "$mn" -6 neigh show "$rll" dev eth0)"
[ "$(field "$(cmd stats)" na)" = 0 ] ||
    fail "(3) the kernel left NS for $rll to us"
echo "PASS (3) MN resolves $rll to $rmac (router) and pings it; the" \
    "kernel answered its NS"

# --- (2b) a second MN on the same link --------------------------------------
cmd "prefix $mn2mac $pfx2::/64" >/dev/null
m=$(mark)
ip -n "$mn2" link set eth0 up
wait_line "$m" "^rs $mn2mac.*ra-sent" 100 >/dev/null ||
    fail "(2b) second MN's RS not answered"
# shellcheck disable=SC2317  # run by poll
slaac2_ok() {
	ip -n "$mn2" -6 addr show dev eth0 scope global | grep "inet6 $pfx2:" |
	    grep -vq tentative
}
poll 100 slaac2_ok || fail "(2b) second MN has no address in $pfx2::/64"
sleep 1
ip -n "$mn2" -6 addr show dev eth0 | grep -q "inet6 $pfx:" &&
    fail "(2b) second MN took the first MN's prefix"
ip -n "$mn" -6 addr show dev eth0 | grep -q "inet6 $pfx2:" &&
    fail "(2b) first MN took the second MN's prefix"
echo "PASS (2b) two MNs on one link: each formed an address in its own" \
    "prefix only"

# --- (4) withdrawal ------------------------------------------------------
t0=$(now_ms)
cmd "withdraw $mnmac" >/dev/null
# shellcheck disable=SC2317  # run by poll
deprecated() {
	ip -n "$mn" -6 addr show dev eth0 | grep -A1 "inet6 $addr/" |
	    grep -q "preferred_lft 0sec"
}
poll 50 deprecated || fail "(4) address not deprecated: $(ip -n "$mn" -6 \
    addr show dev eth0)"
poll 50 sh -c "! ip -n $mn -6 route show default | grep -q ." ||
    fail "(4) default route still there"
echo "PASS (4) withdrawal: $addr deprecated (preferred_lft 0) and default" \
    "route gone within $(ms "$t0" "$(now_ms)") ms"
cmd "ra $mnmac" >/dev/null
poll 50 sh -c "ip -n $mn -6 route show default | grep -q $rll" ||
    fail "(4) re-advertisement not taken"

# --- (1b) no RS, no NS: layer-2 roaming ------------------------------------
# The MN knows its router already (from the MAG it came from), and keeps
# sending data frames to the shared MAC while the access point's port
# toward this MAG is still blocked.
ip -n "$mn" -6 neigh replace "$rll" lladdr "$rmac" dev eth0 nud permanent
ip netns exec "$ap" bridge link set dev p-mag state 0 || fail "block port"
cmd "untrack $mnmac" >/dev/null
ip netns exec "$mn" ping -q -i 0.05 -w 10 "$rll%eth0" >/dev/null 2>&1 &
pingpid=$!
sleep 0.5
m=$(mark)
sleep 0.3
tail -n +"$((m + 1))" "$log" | grep -q "^seen $mnmac" &&
    fail "(1b) seen while blocked"
t0=$(now_ms)
ip netns exec "$ap" bridge link set dev p-mag state 3 || fail "unblock port"
l=$(wait_line "$m" "^seen $mnmac") || fail "(1b) roaming MN not seen"
kill "$pingpid" 2>/dev/null
wait "$pingpid" 2>/dev/null
ip -n "$mn" -6 neigh del "$rll" dev eth0
kind=$(field "$l" first)
[ "$kind" = echo-req ] || fail "(1b) revealed by $kind, not by a data frame"
echo "PASS (1b) roaming MN (no RS/NS) seen from a data frame ($kind):" \
    "$(us2ms "$(field "$l" lat_us)") ms frame->callback," \
    "$(ms "$t0" "$(field "$l" at)") ms after the port opened"

# --- (6) neighbour unreachability ----------------------------------------
# Idle but present: probed (after 1 s of silence) and kept.
m=$(mark)
sleep $((gone_ms * 3 / 1000 + 1))
tail -n +"$((m + 1))" "$log" | grep -q "^gone $mnmac" &&
    fail "(6) idle MN declared gone"
probes=$(field "$(cmd stats)" probes)
[ "$probes" -gt 0 ] || fail "(6) no probes sent to an idle MN"
echo "PASS (6) idle MNs kept for $((gone_ms * 3 / 1000 + 1)) s: they" \
    "answered the $probes probes sent so far"
# Cut off at the access point: the MAG's own carrier stays up.
m=$(mark)
t0=$(now_ms)
ip -n "$ap" link set p-mn down
l=$(wait_line "$m" "^gone $mnmac" 100) || fail "(6) MN never declared gone"
tail -n +"$((m + 1))" "$log" | grep -q "^link down" &&
    fail "(6) the MAG saw carrier loss"
grep -q "^gone $mn2mac" "$log" && fail "(6) the MN still attached declared gone"
echo "PASS (6) MN cut off at the AP declared gone $(ms "$t0" "$(field "$l" \
    at)") ms after the cut (gone_after $gone_ms ms of silence)"

# --- (5) carrier of the access interface ---------------------------------
m=$(mark)
t0=$(now_ms)
ip -n "$ap" link set p-mag down
l=$(wait_line "$m" "^link down") || fail "(5) link down not reported"
echo "PASS (5) carrier loss reported $(ms "$t0" "$(field "$l" at)") ms" \
    "after the far end went down"
m=$(mark)
t0=$(now_ms)
ip -n "$ap" link set p-mag up
l=$(wait_line "$m" "^link up") || fail "(5) link up not reported"
echo "PASS (5) carrier return reported $(ms "$t0" "$(field "$l" at)") ms" \
    "after"
# Admin down flushes the addresses; the link puts its own back.
ip -n "$mag" link set acc0 down
ip -n "$mag" link set acc0 up
# shellcheck disable=SC2317  # run by poll
ll_back() {
	[ "$(acc0_addrs)" = "$rll/64" ]
}
poll 30 ll_back || fail "(5) after down/up acc0 has: $(ip -n "$mag" -6 \
    addr show dev acc0)"
echo "PASS (5) after admin down/up acc0 again has only $rll"

# --- (7) close restores ---------------------------------------------------
echo quit >&3
wait_line 0 '^closed' >/dev/null || fail "(7) tool did not close"
wait "$toolpid"
rc=$?
toolpid=
[ "$rc" = 0 ] || fail "(7) link_tool exited with status $rc"
[ "$(ip netns exec "$mag" cat /sys/class/net/acc0/address)" = "$origmac" ] ||
    fail "(7) MAC not restored"
ip -n "$mag" -6 addr show dev acc0 | grep -q "$rll" &&
    fail "(7) $rll left on acc0"
[ "$(ip netns exec "$mag" sysctl -n net.ipv6.conf.acc0.accept_ra)" = 1 ] ||
    fail "(7) accept_ra not restored"
echo "PASS (7) close restored acc0 (MAC $origmac, no $rll, sysctls)"
exit 0
