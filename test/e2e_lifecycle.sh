#!/bin/sh
# The life of an attachment (issue 5, scenarios 4 to 6):
#  4. Detach: the MN leaves; after MinDelayBeforeBCEDelete the LMA's
#     binding and kernel state are gone and FreeRADIUS logged
#     Accounting-Stop.
#  5. Refresh: with 8 s lifetimes the binding survives several
#     re-registrations with no interruption.
#  6. LMA crash: kill -9 and start again; nothing stale is left, the MAGs
#     notice the new restart counter (heartbeat) and re-register, traffic
#     resumes.
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
lma_routes() { ip -n "$TOPO_TAG-lma" -6 route show table all proto 213 | grep -c "2001:db8:1"; }

P6_LIFETIME=8 P6_HB=1 P6_PROBE=1000 P6_GONE=2000
export P6_LIFETIME P6_HB P6_PROBE P6_GONE
set -e
p6_topology 0
set +e
p6_radius_users "$D/users" 2
p6_start_radius || { echo "FAIL: radius"; exit 1; }
p6_start_lma || { echo "FAIL: lma"; exit 1; }
p6_start_mag 1 || { cat "$D/mag1.log"; echo "FAIL: mag1"; exit 1; }
p6_add_mn 1
p6_add_mn 2
p6_wait_addr 1 300 && p6_wait_addr 2 300 || { echo "FAIL: attach"; tail "$D/mag1.log"; exit 1; }
ok "MN1 and MN2 attached ($(p6_mn_addr 1), $(p6_mn_addr 2))"

# 5. Refresh: 8 s lifetimes, a ping every 50 ms for 20 s.
before=$(p6_ctl lma show stats --json | sed -n 's/.*"updated":\([0-9]*\).*/\1/p')
topo_exec mn1 ping -6 -D -i 0.05 -w 20 2001:db8:cc::2 >"$D/refresh.ping" 2>&1
after=$(p6_ctl lma show stats --json | sed -n 's/.*"updated":\([0-9]*\).*/\1/p')
set -- $(p6_gaps "$D/refresh.ping")
echo "   refresh: $((after - before)) re-registrations in 20 s; $1 replies, $2 lost, longest gap $3 ms"
check "at least 4 re-registrations (MN1 and MN2, 8 s lifetimes)" [ $((after - before)) -ge 4 ]
check "no packet lost across re-registrations" [ "$2" -eq 0 ]

# 6. LMA crash and restart.
kill -9 "$P6_LMA_PID"
sleep 0.3
check "the crashed LMA left its routes behind" [ "$(lma_routes)" -ge 1 ]
# Freeze MAG1 so that its re-registration cannot race the check that the
# new LMA started clean.
kill -STOP "$P6_MAG1_PID"
# Emptied here: the old log's "started on" must not end the wait before
# the new LMA has flushed (topo_bg's job may truncate it late).
: >"$D/lma.log"
p6_start_lma || bad "LMA restart"
check "restarted LMA flushed the stale routes" [ "$(lma_routes)" -eq 0 ]
t0=$(ms)
kill -CONT "$P6_MAG1_PID"
i=0
until topo_exec mn1 ping -6 -c 1 -W 0.2 2001:db8:cc::2 >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -gt 100 ] && break
done
t1=$(ms)
check "traffic resumed after the LMA restart ($((t1 - t0)) ms)" topo_exec mn1 ping -6 -c 2 -i 0.2 -W 1 2001:db8:cc::2
echo "   LMA restart to traffic through the new LMA: $((t1 - t0)) ms"
check "MAG1 noticed the LMA restart" grep -q "LMA 2001:db8:ff::1 restarted" "$D/mag1.log"
check "MN1 kept its address" sh -c "ip -n $TOPO_TAG-mn1 -6 addr show dev eth0 | grep -q '$(p6_mn_addr 1)'"
sleep 0.5
check "LMA routes are exactly the live bindings" sh -c "[ \$(ip netns exec $TOPO_TAG-lma ip -6 route show table all proto 213 | grep -c 2001:db8:1) -eq \$($P6_BIN/ctl/pmip6ctl -s $D/lma.sock show bindings | grep -c '^binding') ]"

# 4. Detach: MN2 leaves (its port goes down); NUD notices.
p6_mn_link 2 down
t0=$(ms)
i=0
until ! p6_ctl mag1 show bindings | grep -q mn2@; do
	i=$((i + 1)); [ $i -gt 200 ] && break; sleep 0.05
done
echo "   MAG1 detached MN2 $(($(ms) - t0)) ms after it left (gone_after 2000 ms)"
check "MAG1 let MN2 go" sh -c "! $P6_BIN/ctl/pmip6ctl -s $D/mag1.sock show bindings | grep -q mn2@"
check "LMA keeps MN2's binding during MinDelayBeforeBCEDelete" sh -c "$P6_BIN/ctl/pmip6ctl -s $D/lma.sock show binding mn2@pmip6.example | grep -q deleting"
sleep 1.2
check "LMA binding gone after MinDelayBeforeBCEDelete" sh -c "! $P6_BIN/ctl/pmip6ctl -s $D/lma.sock show binding mn2@pmip6.example >/dev/null"
check "LMA kernel state for MN2 gone" sh -c "[ \$(ip netns exec $TOPO_TAG-lma ip -6 route show table all proto 213 | grep -c 2001:db8:1) -eq 1 ]"
# What stays is MN1's: one downlink and one uplink route, one rule for acc0.
check "MAG1 kernel state for MN2 gone" sh -c "[ \$({ ip -n $TOPO_TAG-mag1 -6 route show table all proto 213; ip -n $TOPO_TAG-mag1 -6 rule; } | grep -c 2001:db8:1) -eq 2 ] && [ \$(ip -n $TOPO_TAG-mag1 -6 route show table all proto 213 | grep -c '^default from 2001:db8:1') -eq 1 ]"
check "MAG1 keeps one uplink rule for MN1" [ "$(p6_uplink_rules mag1)" -eq 1 ]
sleep 0.5
det=$(find "$D/radius" -name 'detail*' -type f | head -1)
check "FreeRADIUS logged Accounting-Stop for MN2" sh -c "grep -A12 'Acct-Status-Type = Stop' '$det' | grep -qi '02-00-00-00-00-02'"

if [ $fails -ne 0 ]; then
	for f in lma mag1; do echo "--- $f log"; tail -30 "$D/$f.log"; done
	echo "FAIL: $fails checks failed"
	exit 1
fi
echo "PASS: detach, refresh, LMA crash"
