#!/bin/sh
# Scale (issue 5, scenario 7): 50 unmodified MNs, 25 behind each MAG, all
# attached through RADIUS and the LMA and reachable from the CN at once.
# Each MN is a network namespace (a macvlan cannot run its own SLAAC).
# Also scenario 8: the ip6tnl backend where the kernel has ip6_tunnel.
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
N=${P6_SCALE_MNS:-50}
fails=0
ok() { echo "ok   - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }
check() { d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
ms() { date +%s%3N; }

# Scenario 8: which backends this kernel can run.
if ip link add p6probe$$ type ip6tnl local ::1 remote ::2 2>/dev/null; then
	ip link del p6probe$$
	echo "   note: kernel has ip6_tunnel; the daemons use seg6 here as configured"
else
	echo "SKIP: ip6tnl backend: kernel lacks ip6_tunnel (CONFIG_IPV6_TUNNEL); seg6 runs"
fi

set -e
p6_topology 0
p6_split_aps
set +e
p6_radius_users "$D/users" "$N"
p6_start_radius || { echo "FAIL: radius"; exit 1; }
p6_start_lma || { echo "FAIL: lma"; exit 1; }
p6_start_mag 1 || { echo "FAIL: mag1"; exit 1; }
p6_start_mag 2 || { echo "FAIL: mag2"; exit 1; }
t0=$(ms)
i=1
while [ $i -le "$N" ]; do
	if [ $i -le $((N / 2)) ]; then p6_add_mn $i br1; else p6_add_mn $i br2; fi
	i=$((i + 1))
done
t1=$(ms)
echo "   $N MN namespaces up in $((t1 - t0)) ms"
missing=0
i=1
while [ $i -le "$N" ]; do
	p6_wait_addr $i 400 || missing=$((missing + 1))
	i=$((i + 1))
done
t2=$(ms)
echo "   all MNs configured by $((t2 - t0)) ms after the first link came up"
check "every MN autoconfigured its home address ($missing missing)" [ $missing -eq 0 ]
nb=$(p6_ctl lma show bindings | grep -c '^binding')
check "LMA holds $N bindings ($nb)" [ "$nb" -eq "$N" ]
n1=$(p6_ctl lma show bindings | grep -c 'mag 2001:db8:ff::2 ')
n2=$(p6_ctl lma show bindings | grep -c 'mag 2001:db8:ff::3 ')
check "spread over both MAGs ($n1 + $n2)" [ "$n1" -eq $((N / 2)) ] && [ "$n2" -eq $((N - N / 2)) ]
# All reachable at once: the CN pings every MN in parallel.
i=1
pids=
while [ $i -le "$N" ]; do
	a=$(p6_mn_addr $i)
	topo_exec cn ping -6 -c 3 -i 0.2 -W 2 "$a" >"$D/p.$i" 2>&1 &
	pids="$pids $!"
	i=$((i + 1))
done
for p in $pids; do wait "$p"; done
okn=0
i=1
while [ $i -le "$N" ]; do
	grep -q " 0% packet loss" "$D/p.$i" && okn=$((okn + 1))
	i=$((i + 1))
done
check "CN reached all $N MNs at once ($okn)" [ $okn -eq "$N" ]
lr=$(ip -n "$TOPO_TAG-lma" -6 route show table all proto 213 | grep -c 2001:db8:1)
check "LMA kernel routes match the bindings ($lr)" [ "$lr" -eq "$N" ]
# Each MAG: an uplink route per MN it serves behind a single rule.
u1=$(ip -n "$TOPO_TAG-mag1" -6 route show table all proto 213 | grep -c '^default from 2001:db8:1')
u2=$(ip -n "$TOPO_TAG-mag2" -6 route show table all proto 213 | grep -c '^default from 2001:db8:1')
check "MAG uplink routes match their MNs ($u1 + $u2)" [ "$u1.$u2" = "$n1.$n2" ]
check "one uplink rule per MAG" [ "$(p6_uplink_rules mag1).$(p6_uplink_rules mag2)" = 1.1 ]

if [ $fails -ne 0 ]; then
	for f in lma mag1 mag2; do echo "--- $f log"; tail -20 "$D/$f.log"; done
	echo "FAIL: $fails checks failed"
	exit 1
fi
echo "PASS: $N MNs across two MAGs"
