#!/bin/sh
# Handover with address continuity (issue 5, scenarios 2 and 3).
#  2a. Wi-Fi roaming: the MN's link stays up while the layer-2 path moves
#      from MAG1 to MAG2; it sends no RS, MAG2 notices its data frames.
#  2b. The MN's link goes down and comes up on MAG2.
#  3.  Ten moves back and forth; then every namespace holds exactly the
#      routes and rules the live binding needs.
# A ping runs every 10 ms throughout; loss and the longest gap are
# reported for each move.
set -u
here=$(cd "$(dirname "$0")" && pwd)
P6_SRC=$(cd "$here/.." && pwd)
P6_BIN=${P6_BIN:-.}
. "$here/lib/topo.sh"
. "$here/lib/pmip6.sh"
topo_need_root
command -v freeradius >/dev/null || { echo "SKIP: no freeradius"; exit 77; }
trap 'radius_stop_all 2>/dev/null; topo_cleanup' EXIT INT TERM
D=$TOPO_DIR
fails=0
ok() { echo "ok   - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }
check() { d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }

set -e
p6_topology 0
set +e
p6_radius_users "$D/users" 1
p6_start_radius || { echo "FAIL: radius"; exit 1; }
p6_start_lma || { echo "FAIL: lma"; exit 1; }
p6_start_mag 1 || { cat "$D/mag1.log"; echo "FAIL: mag1"; exit 1; }
p6_start_mag 2 || { echo "FAIL: mag2"; exit 1; }
p6_add_mn 1
p6_wait_addr 1 300 || { echo "FAIL: MN1 did not attach"; cat "$D/mag1.log"; exit 1; }
addr=$(p6_mn_addr 1)
hnp=$(echo "$addr" | sed 's/::.*/::/; s/\(:[0-9a-f]*\)\{4\}$//')
hnp=$(p6_ctl lma show binding mn1@pmip6.example | sed -n 's/.* hnp \([^ ]*\)\/64 .*/\1/p')
gw0=$(ip -n "$TOPO_TAG-mn1" -6 route show default)
ok "MN1 attached at MAG1 with $addr (prefix $hnp)"

# move TO KIND: hand MN1 over to MAG TO while pinging the CN at 10 ms.
move() {
	to=$1
	kind=$2
	from=$((3 - to))
	log=$D/ping.$$.$to.$kind
	# Not through a shell function: a backgrounded subshell would run
	# the EXIT/INT trap when signalled.
	ip netns exec "$TOPO_TAG-mn1" ping -6 -D -i 0.01 -W 1 2001:db8:cc::2 \
	    >"$log" 2>&1 &
	pp=$!
	sleep 0.5
	if [ "$kind" = b ]; then
		p6_mn_link 1 down
		p6_ap_switch "$to"
		sleep 0.2
		p6_mn_link 1 up
	else
		p6_ap_switch "$to"
	fi
	# Until the LMA points at the new MAG and the old one let go.
	i=0
	until p6_ctl lma show binding mn1@pmip6.example 2>/dev/null |
	    grep -q "mag 2001:db8:ff::$((to + 1)) .*state active"; do
		i=$((i + 1))
		[ $i -gt 300 ] && break
		sleep 0.02
	done
	sleep 1.5
	kill -INT $pp
	wait $pp
	set -- $(p6_gaps "$log")
	echo "   move to MAG$to ($kind): $1 replies, $2 lost, longest gap $3 ms"
	echo "$3 $2" >>"$D/gaps.$kind"
	check "MN1 kept its address" sh -c "[ \"\$(ip -n $TOPO_TAG-mn1 -6 addr show dev eth0 scope global | grep -c '$addr')\" -ge 1 ]"
	check "MN1's default router never changed" sh -c "[ \"\$(ip -n $TOPO_TAG-mn1 -6 route show default | sed 's/ expires.*//; s/ proto ra.*//')\" = \"\$(echo '$gw0' | sed 's/ expires.*//; s/ proto ra.*//')\" ]"
	check "LMA binding points at MAG$to" sh -c "$P6_BIN/ctl/pmip6ctl -s $D/lma.sock show binding mn1@pmip6.example | grep -q 'mag 2001:db8:ff::$((to + 1))'"
	check "MAG$to serves MN1" sh -c "$P6_BIN/ctl/pmip6ctl -s $D/mag$to.sock show bindings | grep -q 'state bound'"
	check "MAG$from holds no binding for MN1" sh -c "! $P6_BIN/ctl/pmip6ctl -s $D/mag$from.sock show bindings | grep -q mn1"
	check "MAG$from holds no route or rule for the prefix" sh -c "! ip -n $TOPO_TAG-mag$from -6 route show table all | grep -q '$hnp' && ! ip -n $TOPO_TAG-mag$from -6 rule | grep -q '$hnp'"
	check "MAG$from has no uplink rule left" [ "$(p6_uplink_rules mag$from)" -eq 0 ]
	check "traffic flows through MAG$to" topo_exec mn1 ping -6 -c 2 -i 0.1 -W 1 2001:db8:cc::2 >/dev/null
}

# 2a, 2b
move 2 a
check "MAG1 received the revocation" grep -q "LMA 2001:db8:ff::1 revoked mn1@pmip6.example" "$D/mag1.log"
move 1 b
check "MAG2 received the revocation" grep -q "LMA 2001:db8:ff::1 revoked mn1@pmip6.example" "$D/mag2.log"

# 3. Ping-pong: ten moves, alternating kinds.
k=0
while [ $k -lt 10 ]; do
	if [ $((k % 2)) -eq 0 ]; then to=2; else to=1; fi
	if [ $((k % 4)) -lt 2 ]; then kind=a; else kind=b; fi
	move $to $kind >"$D/move.$k" 2>&1
	grep -v '^ok' "$D/move.$k"
	k=$((k + 1))
done
# MN1 ends on MAG1 (an even number of moves from MAG1).
lstate=$(ip -n "$TOPO_TAG-lma" -6 route show table all proto 213 | grep -c "$hnp")
check "LMA holds exactly one route for the prefix ($lstate)" [ "$lstate" -eq 1 ]
check "MAG2 holds no state for the prefix" sh -c "! p6_has_state mag2 '$hnp'" 2>/dev/null || \
    check "MAG2 holds no state for the prefix" sh -c "! { ip -n $TOPO_TAG-mag2 -6 route show table all; ip -n $TOPO_TAG-mag2 -6 rule; } | grep -q '$hnp'"
m1=$(p6_mag_routes mag1 "$hnp")
check "MAG1 holds one downlink and one uplink route ($m1)" [ "$m1" = "1 1" ]
m1=$({ ip -n "$TOPO_TAG-mag1" -6 route show table all; ip -n "$TOPO_TAG-mag1" -6 rule; } | grep -c "$hnp")
check "MAG1 holds nothing else naming the prefix ($m1)" [ "$m1" -eq 2 ]
check "MAG1 holds one uplink rule, MAG2 none" [ "$(p6_uplink_rules mag1).$(p6_uplink_rules mag2)" = 1.0 ]
check "LMA has exactly one binding" sh -c "[ \$($P6_BIN/ctl/pmip6ctl -s $D/lma.sock show bindings | grep -c '^binding') -eq 1 ]"
for g in a b; do
	[ -f "$D/gaps.$g" ] || continue
	med=$(sort -n "$D/gaps.$g" | awk '{ v[NR] = $1; l += $2 } END { printf "%s ms median gap over %d moves, %d packets lost in all", v[int((NR + 1) / 2)], NR, l }')
	echo "   handover ($g): $med"
done
grep -h "attached on acc0" "$D/mag1.log" "$D/mag2.log" |
    sed -n 's/.*, \([0-9]*\) ms after its first frame/\1/p' | sort -n |
    awk '{ v[NR] = $1 } END { if (NR) printf "   first frame at the new MAG to binding, RA and routes: median %s ms (%d attachments)\n", v[int((NR + 1) / 2)], NR }'

if [ $fails -ne 0 ]; then
	for f in lma mag1 mag2; do echo "--- $f log"; tail -30 "$D/$f.log"; done
	echo "FAIL: $fails checks failed"
	exit 1
fi
echo "PASS: handover with address continuity"
