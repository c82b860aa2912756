#!/bin/sh
# pmip6-mag end to end: an unmodified MN attaches over a veth; FreeRADIUS
# answers the MAG's Access-Request with RFC 6572 attributes; PBU and PBA
# are exchanged with the real pmip6-lma; the MN autoconfigures its HNP
# address by SLAAC and reaches a CN both ways.  A MAC RADIUS rejects gets
# no RA and no binding.  With RADIUS stopped the MAG logs the timeout and
# serves the MN once the server is back.
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
ms() { date +%s%3N; }

set -e
p6_topology 0
set +e
p6_radius_users "$D/users" 3
p6_start_radius || { echo "FAIL: radius"; exit 1; }
p6_start_lma || { cat "$D/lma.log"; echo "FAIL: lma"; exit 1; }
p6_start_mag 1 || { cat "$D/mag1.log"; echo "FAIL: mag1"; exit 1; }

# The MAG's binding events, as an operator watching would see them.
"$P6_BIN/ctl/pmip6ctl" -s "$D/mag1.sock" monitor >"$D/mag1.monitor" 2>&1 &
monpid=$!
topo_wait_for "$D/mag1.monitor" monitoring 40 || bad "pmip6ctl monitor did not start on MAG1"

# 1. Attach: from the MN's link coming up to its address and traffic.
t0=$(ms)
p6_add_mn 1
if p6_wait_addr 1 300; then
	t1=$(ms)
	a=$(p6_mn_addr 1)
	ok "MN1 autoconfigured $a by SLAAC in $((t1 - t0)) ms after link-up"
else
	bad "MN1 got no address from its home network prefix"
	a=
fi
check "FreeRADIUS logged the Access-Request" \
    grep -q "Received Access-Request" "$RADIUS_LOG"
check "FreeRADIUS accepted MN1" grep -q "Sent Access-Accept" "$RADIUS_LOG"
check "MAG1 logged the attachment" grep -q "attached on acc0" "$D/mag1.log"
sed -n 's/.*\(MN .* attached on acc0.*\)/   mag1: \1/p' "$D/mag1.log"
check "LMA has the binding" sh -c "$P6_BIN/ctl/pmip6ctl -s $D/lma.sock show binding mn1@pmip6.example | grep -q 'mag 2001:db8:ff::2'"
check "MN1's default router is the shared link-local" sh -c \
    "ip -n $TOPO_TAG-mn1 -6 route show default | grep -q 'fe80::200:5eff:fe00:5213'"
check "ping MN1 -> CN" topo_exec mn1 ping -6 -c 3 -i 0.2 -W 2 2001:db8:cc::2
check "ping CN -> MN1" topo_exec cn ping -6 -c 3 -i 0.2 -W 2 "$a"
check "MAG shows the binding (--json)" sh -c \
    "$P6_BIN/ctl/pmip6ctl -s $D/mag1.sock show bindings --json | grep -q '\"state\":\"bound\"'"

# 2. A MAC RADIUS rejects: no RA, no binding.
p6_add_mn 99
sleep 3
check "rejected MN got no address" sh -c "[ -z \"\$(ip -n $TOPO_TAG-mn99 -6 addr show dev eth0 scope global)\" ]"
check "rejected MN has no default router" sh -c "[ -z \"\$(ip -n $TOPO_TAG-mn99 -6 route show default)\" ]"
check "MAG1 logged why" grep -q "02:00:00:00:00:63.*rejected" "$D/mag1.log"
check "LMA has no binding for it" sh -c "[ \$($P6_BIN/ctl/pmip6ctl -s $D/lma.sock show bindings | grep -c '^binding') -eq 1 ]"

# 3. RADIUS down: retries, a clear log line, no crash; then served.
radius_stop "$P6_RADIUS_PID"
p6_add_mn 2
sleep 4
check "MAG1 logged the RADIUS timeout" grep -q "02:00:00:00:00:02.*no RADIUS answer" "$D/mag1.log"
check "MAG1 still running" kill -0 "$P6_MAG1_PID"
p6_start_radius || bad "radius restart"
if p6_wait_addr 2 600; then
	ok "MN2 served once RADIUS was back ($(p6_mn_addr 2))"
else
	bad "MN2 not served after RADIUS came back"
fi

# 4. RFC 5176: FreeRADIUS's radclient disconnects MN1 from the aaa host.
r=$(echo 'Calling-Station-Id = "02-00-00-00-00-01"' |
    topo_exec aaa radclient -x '[2001:db8:ff::2]:3799' disconnect "$P6_SECRET" 2>&1)
check "Disconnect-Request answered with Disconnect-ACK" sh -c "echo '$r' | grep -q 'Disconnect-ACK'"
sleep 0.3
check "MAG1 detached MN1" sh -c "! $P6_BIN/ctl/pmip6ctl -s $D/mag1.sock show bindings | grep -q mn1@"
check "MAG1 logged why" grep -q "02:00:00:00:00:01.*RADIUS Disconnect-Request" "$D/mag1.log"
check "LMA is deleting MN1's binding" sh -c "$P6_BIN/ctl/pmip6ctl -s $D/lma.sock show binding mn1@pmip6.example | grep -q deleting"
check "MAG1's monitor saw MN1 attach" grep -q "^event attached mn1@pmip6.example mac 02:00:00:00:00:01 on acc0 hnp " "$D/mag1.monitor"
check "MAG1's monitor saw MN1 detach" grep -q "^event detached mn1@pmip6.example" "$D/mag1.monitor"
kill "$monpid" 2>/dev/null

if [ $fails -ne 0 ]; then
	for f in lma mag1; do echo "--- $f log"; tail -40 "$D/$f.log"; done
	echo "FAIL: $fails checks failed"
	exit 1
fi
echo "PASS: attach through RADIUS, LMA and SLAAC"
