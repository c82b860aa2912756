#!/bin/sh
# pmip6-lma against scripted MAGs in network namespaces, with the real
# kernel data path (seg6 here): registration, re-registration, handoff
# with revocation, de-registration, lifetime expiry, every refused case,
# the control socket, restart counter, clean shutdown.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/topo.sh"
topo_need_root
trap topo_cleanup EXIT INT TERM

LMA=${LMA_BIN:-./lma/pmip6-lma}
CLI=${PBU_CLIENT:-./test/pbu_client}
CTL=${PMIP6CTL:-./ctl/pmip6ctl}
D=$TOPO_DIR
fails=0
ok() { echo "ok   - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }
check() {	# check DESC CMD...: CMD must succeed
	d=$1
	shift
	if "$@"; then ok "$d"; else bad "$d"; fi
}
ctl() { "$CTL" -s "$D/lma.sock" "$@"; }
routes() { topo_exec lma ip -6 route show table all proto 213; }

set -e
topo_ns sw
topo_bridge sw br0
for n in lma mag1 mag2; do
	topo_ns $n
	topo_link $n eth0 sw "$n"
	topo_port sw br0 "$n"
done
topo_addr lma eth0 2001:db8:ff::1/64
topo_addr mag1 eth0 2001:db8:ff::2/64
topo_addr mag2 eth0 2001:db8:ff::3/64
topo_addr mag2 eth0 2001:db8:ff::9/64	# not an authorized MAG
set +e

cat >"$D/lma.conf" <<CONF
address = "2001:db8:ff::1";
hnp_pools = [ "2001:db8:100::/48" ];
proposed_hnp_ranges = [ "2001:db8:200::/48" ];
authorized_mags = [ "2001:db8:ff::2/128", "2001:db8:ff::3/128" ];
MinDelayBeforeBCEDelete = 1000;
HEARTBEAT_INTERVAL = 0;
dataplane = "seg6";
control_socket = "$D/lma.sock";
restart_counter_file = "$D/restart";
log_level = "debug";
CONF

# Configuration checking: a good file passes, a bad one names file:line.
check "-n accepts the test configuration" \
    "$LMA" -n -c "$D/lma.conf" >/dev/null 2>&1
printf 'address = "2001:db8:ff::1";\nauthorized_mags = [ "2001:db8:ff::2/128" ];\nhnp_pools = [ "2001:db8:100::/48" ];\nMinDelayBeforeBCEDelete = -5;\n' >"$D/bad.conf"
out=$("$LMA" -n -c "$D/bad.conf" 2>&1)
rc=$?
check "-n refuses a bad value with file:line ($out)" \
    sh -c "[ $rc -ne 0 ] && echo '$out' | grep -q 'bad.conf:4'"

topo_bg lma "$D/lma.log" "$LMA" -d -c "$D/lma.conf" -p "$D/lma.pid"
lpid=$TOPO_LAST_PID
if ! topo_wait_for "$D/lma.log" "started on"; then
	cat "$D/lma.log"
	echo "FAIL: pmip6-lma did not start"
	exit 1
fi
ok "pmip6-lma started"

reg() {	# reg MAG ARGS...: one PBU from MAG's namespace
	m=$1
	shift
	case $m in mag1) a=2001:db8:ff::2 ;; mag2) a=2001:db8:ff::3 ;;
	evil) m=mag2; a=2001:db8:ff::9 ;; esac
	topo_exec "$m" "$CLI" "$a" 2001:db8:ff::1 reg "$@"
}

# 1. Registration: status 0, a pool prefix, and the route in the kernel.
r=$(reg mag1 mn1@pmip6.example :: 1)
echo "   $r"
check "registration accepted" sh -c "echo '$r' | grep -q '^status 0 '"
hnp=$(echo "$r" | sed -n 's/.* hnp \([^/]*\)\/64.*/\1/p')
check "a /64 from the pool ($hnp)" sh -c "echo '$hnp' | grep -q '^2001:db8:100:'"
check "kernel route to MAG1" sh -c "routes_out=\$(ip netns exec $TOPO_TAG-lma ip -6 route show table all proto 213); echo \"\$routes_out\" | grep '$hnp' | grep -q 'segs 1 \[ 2001:db8:ff::2 \]'"
check "decapsulation rule for the LMA address" sh -c \
    "ip netns exec $TOPO_TAG-lma ip -6 rule | grep -q 'ipproto.*41\|ipproto ipv6'"

# 2. Re-registration.
r=$(reg mag1 mn1@pmip6.example "$hnp" 5)
check "re-registration accepted" sh -c "echo '$r' | grep -q '^status 0 '"

# 3. Handoff to MAG2: route moves, MAG1 receives a BRI and acknowledges.
topo_bg mag1 "$D/bri.log" "$CLI" 2001:db8:ff::2 2001:db8:ff::1 bri 3000
topo_wait_for "$D/bri.log" ready
r=$(reg mag2 mn1@pmip6.example "$hnp" 3)
check "handoff accepted" sh -c "echo '$r' | grep -q '^status 0 '"
check "route now via MAG2" sh -c "ip netns exec $TOPO_TAG-lma ip -6 route show table all proto 213 | grep '$hnp' | grep -q 'segs 1 \[ 2001:db8:ff::3 \]'"
topo_wait_for "$D/bri.log" "^bri" 60
check "MAG1 received the revocation (trigger 2)" grep -q "^bri trigger 2 .*mnid mn1@pmip6.example hnp $hnp/64" "$D/bri.log"
sleep 0.2
check "LMA counted the BRA" sh -c "$CTL -s $D/lma.sock show stats --json | grep -q '\"bri_acked\":1'"

# 4. Every refused case gets its status and changes nothing.
before=$(routes | sort)
nb=$(ctl show bindings | grep -c '^binding')
refuse() {	# refuse STATUS DESC MAG ARGS...
	want=$1
	desc=$2
	shift 2
	r=$(reg "$@")
	check "$desc: status $want" sh -c "echo '$r' | grep -q '^status $want '"
}
refuse 160 "missing MN-ID" mag1 mn9@x :: 1 no-mnid
refuse 158 "missing HNP" mag1 mn9@x :: 1 no-hnp
refuse 161 "missing HI" mag1 mn9@x :: 1 no-hi
refuse 162 "missing ATT" mag1 mn9@x :: 1 no-att
refuse 154 "unauthorized MAG" evil mn9@x :: 1
refuse 154 "unauthorized Proxy-CoA" mag1 mn9@x :: 1 altcoa=2001:db8:ff::9
refuse 156 "timestamp 5 s off" mag1 mn9@x :: 1 ts-skew=5000
refuse 155 "prefix outside every range" mag1 mn9@x 2001:db8:300:: 1
refuse 155 "another MN's prefix" mag1 mn9@x "$hnp" 1
refuse 159 "prefix set mismatch" mag2 mn1@pmip6.example "$hnp,2001:db8:200:1::" 5
check "refusals changed no route" sh -c "[ \"\$(ip netns exec $TOPO_TAG-lma ip -6 route show table all proto 213 | sort)\" = '$before' ]"
check "refusals changed no binding" sh -c "[ \$($CTL -s $D/lma.sock show bindings | grep -c '^binding') -eq $nb ]"
check "unauthorized PBUs counted and logged" sh -c "grep -q 'unauthorized MAG 2001:db8:ff::9' $D/lma.log"

# 5. A proposed prefix from an allowed range (what RADIUS gave a MAG).
r=$(reg mag1 mn2@pmip6.example 2001:db8:200:7:: 1)
check "proposed prefix accepted" sh -c "echo '$r' | grep -q '^status 0 .*hnp 2001:db8:200:7::/64'"

# 6. De-registration: PBA at once, route gone, binding after the delay.
r=$(reg mag2 mn1@pmip6.example "$hnp" 4 0)
check "de-registration accepted" sh -c "echo '$r' | grep -q '^status 0 '"
check "route withdrawn at de-registration" sh -c "! ip netns exec $TOPO_TAG-lma ip -6 route show table all proto 213 | grep -q '$hnp'"
check "binding kept during MinDelayBeforeBCEDelete" sh -c "$CTL -s $D/lma.sock show binding mn1@pmip6.example | grep -q 'state deleting'"
sleep 1.3
check "binding deleted after MinDelayBeforeBCEDelete" sh -c "! $CTL -s $D/lma.sock show binding mn1@pmip6.example >/dev/null"

# 7. Lifetime expiry (lifetime 1 = 4 s).
r=$(reg mag1 mn3@pmip6.example :: 1 1)
check "short registration accepted" sh -c "echo '$r' | grep -q '^status 0 lifetime 4'"
sleep 4.3
check "binding expired" sh -c "! $CTL -s $D/lma.sock show binding mn3@pmip6.example >/dev/null"

# 8. Heartbeat answered with the restart counter; control socket.
r=$(topo_exec mag1 "$CLI" 2001:db8:ff::2 2001:db8:ff::1 hb)
check "heartbeat answered with restart counter 1 ($r)" sh -c "echo '$r' | grep -q 'restart 1$'"
check "show stats" sh -c "$CTL -s $D/lma.sock show stats | grep -q 'pba 154'"
check "show bindings --json" sh -c "$CTL -s $D/lma.sock show bindings --json | grep -q '\"mnid\":\"mn2@pmip6.example\"'"
check "unknown command refused" sh -c "! $CTL -s $D/lma.sock frobnicate >/dev/null"

# 9. Monitor stream, then administrative revocation by MN-ID.
"$CTL" -s "$D/lma.sock" monitor >"$D/monitor.log" 2>&1 &
mpid=$!
TOPO_PIDS="$TOPO_PIDS $mpid"
topo_wait_for "$D/monitor.log" monitoring
topo_bg mag1 "$D/bri2.log" "$CLI" 2001:db8:ff::2 2001:db8:ff::1 bri 3000
topo_wait_for "$D/bri2.log" ready
check "revoke by MN-ID" sh -c "$CTL -s $D/lma.sock revoke mn2@pmip6.example | grep -q 'revoked 1'"
topo_wait_for "$D/bri2.log" "^bri" 60
check "MAG1 received an administrative BRI (trigger 1)" grep -q "^bri trigger 1 " "$D/bri2.log"
topo_wait_for "$D/monitor.log" "event deleted mn2" 40
check "monitor saw the deletion" grep -q "event deleted mn2@pmip6.example" "$D/monitor.log"
kill "$mpid" 2>/dev/null

# 10. Clean shutdown removes everything; a restart bumps the counter.
reg mag1 mn4@pmip6.example :: 1 >/dev/null
kill -TERM "$lpid"
i=0
while kill -0 "$lpid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
check "pmip6-lma exited on SIGTERM" sh -c "! kill -0 $lpid 2>/dev/null"
check "no tagged route left" sh -c "[ -z \"\$(ip netns exec $TOPO_TAG-lma ip -6 route show table all proto 213)\" ]"
check "no tagged rule left" sh -c "! ip netns exec $TOPO_TAG-lma ip -6 rule | grep -q 'proto 213'"
check "local rule back at preference 0" sh -c "ip netns exec $TOPO_TAG-lma ip -6 rule | grep -q '^0:.*lookup local'"

topo_bg lma "$D/lma2.log" "$LMA" -d -c "$D/lma.conf" -p "$D/lma.pid"
topo_wait_for "$D/lma2.log" "started on"
r=$(topo_exec mag1 "$CLI" 2001:db8:ff::2 2001:db8:ff::1 hb)
check "restart counter incremented ($r)" sh -c "echo '$r' | grep -q 'restart 2$'"

if [ $fails -ne 0 ]; then
	echo "--- pmip6-lma log"
	cat "$D/lma.log"
	echo "FAIL: $fails checks failed"
	exit 1
fi
echo "PASS: pmip6-lma integration"
