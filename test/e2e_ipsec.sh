#!/bin/sh
# IPsec for MAG-LMA signaling end to end (issue 6): both daemons with
# ipsec = required, one real charon per namespace running our plugin.
#  - the SA comes up from the plugin's reading of lma.conf/mag.conf alone;
#  - the PBU and PBA flow only inside it: the wire shows ESP (in UDP 4500
#    with kernel-libipsec) and no plaintext MH;
#  - the MN's traffic still works end to end;
#  - a plaintext PBU from another host is dropped, logged and counted and
#    changes no binding;
#  - after a charon restart the SA is re-established and registrations
#    continue;
#  - an LMA that only RADIUS names (PMIP6-Home-LMA-IPv6-Address): MAG1's
#    plugin builds its config on demand, MAG1 holds the MN's PBU until
#    that SA is up, and the MN is served by that LMA, inside ESP.
set -u
here=$(cd "$(dirname "$0")" && pwd)
P6_SRC=$(cd "$here/.." && pwd)
P6_BIN=${P6_BIN:-.}
P6_BIN=$(cd "$P6_BIN" && pwd)
. "$here/lib/topo.sh"
. "$here/lib/pmip6.sh"
topo_need_root
command -v freeradius >/dev/null || { echo "SKIP: no freeradius"; exit 77; }
if [ ! -f "$P6_BIN/ipsec/libstrongswan-pmip6.so" ]; then
	echo "SKIP: plugin not built (configure --with-strongswan-src=DIR; ipsec/fetch-strongswan.sh fetches it)"
	exit 77
fi
[ -x /usr/lib/ipsec/charon ] || { echo "SKIP: no charon"; exit 77; }
P6_IPSEC=1
trap 'radius_stop_all 2>/dev/null; topo_cleanup' EXIT INT TERM
D=$TOPO_DIR
fails=0
ok() { echo "ok   - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }
check() { d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
ms() { date +%s%3N; }
sa_up() { p6_ctl "$1" show peers 2>/dev/null | grep -q "peer $2 .*ipsec up"; }
wait_sa() {
	n=0
	until sa_up "$1" "$2"; do
		n=$((n + 1)); [ $n -gt 200 ] && return 1; sleep 0.05
	done
}

set -e
p6_topology 0
set +e
p6_radius_users "$D/users" 2
p6_radius_home "$D/users" 3 2001:db8:ff::5
p6_start_radius || { echo "FAIL: radius"; exit 1; }
p6_start_lma || { cat "$D/lma.log"; echo "FAIL: lma"; exit 1; }
p6_start_mag 1 || { cat "$D/mag1.log"; echo "FAIL: mag1"; exit 1; }
t0=$(ms)
p6_start_mag 2 || { cat "$D/mag2.log"; echo "FAIL: mag2"; exit 1; }
ip netns exec "$TOPO_TAG-core" tcpdump -n -i lma -w "$D/wire.pcap" \
    'ip6 and not icmp6' >/dev/null 2>&1 &
tdpid=$!
TOPO_PIDS="$TOPO_PIDS $tdpid"
sleep 0.5

p6_add_mn 1
if p6_wait_addr 1 300; then
	ok "MN1 attached with IPsec required ($(p6_mn_addr 1))"
else
	bad "MN1 did not attach"
fi
if wait_sa mag1 2001:db8:ff::1; then
	ok "MAG1 reports the SA with the LMA up (charon start to here $(($(ms) - t0)) ms)"
else
	bad "MAG1 reports no SA"
fi
check "LMA reports the SA with MAG1 up" sa_up lma 2001:db8:ff::2
check "ping MN1 -> CN through the tunnel inside IPsec" \
    topo_exec mn1 ping -6 -c 3 -i 0.2 -W 2 2001:db8:cc::2
grep -h "ike_sa\|IKE_SA.*established\|CHILD_SA.*established" "$D/mag1.charon.log" 2>/dev/null | head -2 | sed 's/^/   /'

# A plaintext PBU from another host of the core network (authorized by
# prefix, but without an SA).
nb=$(p6_ctl lma show bindings | grep -c '^binding')
r=$(topo_exec aaa "$P6_BIN/test/pbu_client" 2001:db8:ff::10 2001:db8:ff::1 reg intruder@x :: 1)
check "plaintext PBU got no PBA ($r)" [ "$r" = no-pba ]
check "LMA counted it as unprotected" sh -c "$P6_BIN/ctl/pmip6ctl -s $D/lma.sock show stats --json | grep -q '\"unprotected\":[1-9]'"
check "LMA logged the drop" grep -q "did not arrive through its IPsec SA" "$D/lma.log"
check "no binding changed" sh -c "[ \$($P6_BIN/ctl/pmip6ctl -s $D/lma.sock show bindings | grep -c '^binding') -eq $nb ]"

# And towards the MAG: a plaintext heartbeat request, which a MAG always
# answers (RFC 5847), is dropped and logged when not through an SA.
r=$(topo_exec aaa "$P6_BIN/test/pbu_client" 2001:db8:ff::10 2001:db8:ff::2 hb)
check "MAG1 did not answer a plaintext heartbeat request ($r)" [ "$r" = no-hb ]
check "MAG1 logged the drop" grep -q "dropped an MH from 2001:db8:ff::10 that did not arrive through its IPsec SA" "$D/mag1.log"
check "MAG1 counted it as unprotected" sh -c "$P6_BIN/ctl/pmip6ctl -s $D/mag1.sock show stats --json | grep -q '\"unprotected\":[1-9]'"
# Taken in, its answer would have had MAG1 ask for an SA with the sender.
sleep 0.2
check "  and asked for no SA with the sender" sh -c "! $P6_BIN/ctl/pmip6ctl -s $D/mag1.sock show peers | grep -q 'peer 2001:db8:ff::10 '"

sleep 0.3
kill "$tdpid" 2>/dev/null
wait "$tdpid" 2>/dev/null
mh=$(tshark -r "$D/wire.pcap" -Y 'mip6 and ipv6.src == 2001:db8:ff::2' 2>/dev/null | wc -l)
esp=$(tshark -r "$D/wire.pcap" -Y 'udp.port == 4500 or esp' 2>/dev/null | wc -l)
echo "   wire between MAG1 and LMA: $esp ESP packets, $mh plaintext MH from MAG1"
check "PBU/PBA only inside the SA (ESP seen, no plaintext MH from MAG1)" [ "$esp" -gt 0 ] && [ "$mh" -eq 0 ]

# A handover with IPsec on: roaming to MAG2, whose SA came up at start.
wait_sa mag2 2001:db8:ff::1 || bad "MAG2 has no SA"
addr=$(p6_mn_addr 1)
ip netns exec "$TOPO_TAG-mn1" ping -6 -D -i 0.01 -W 1 2001:db8:cc::2 >"$D/ho.ping" 2>&1 &
pp=$!
sleep 0.5
p6_ap_switch 2
n=0
until p6_ctl lma show binding mn1@pmip6.example | grep -q "mag 2001:db8:ff::3 .*active"; do
	n=$((n + 1)); [ $n -gt 200 ] && break; sleep 0.02
done
sleep 1
kill -INT $pp; wait $pp
set -- $(p6_gaps "$D/ho.ping")
echo "   handover with IPsec: $2 lost, longest gap $3 ms"
check "handover to MAG2 inside IPsec" sh -c "$P6_BIN/ctl/pmip6ctl -s $D/lma.sock show binding mn1@pmip6.example | grep -q 'mag 2001:db8:ff::3'"
check "MN1 kept $addr" sh -c "ip -n $TOPO_TAG-mn1 -6 addr show dev eth0 | grep -q '$addr'"
check "MAG1 received the revocation through its SA" grep -q "revoked mn1@pmip6.example" "$D/mag1.log"
p6_ap_switch 1
n=0
until p6_ctl lma show binding mn1@pmip6.example | grep -q "mag 2001:db8:ff::2 .*active"; do
	n=$((n + 1)); [ $n -gt 200 ] && break; sleep 0.02
done

# charon restart on the MAG: the SA comes back and registrations go on.
# The new one refuses to start while the old one's pid file is there:
# wait for its exit, not a guessed time.
eval "kill \$P6_CHARON_mag1; wait \$P6_CHARON_mag1"
p6_start_charon mag1
if wait_sa mag1 2001:db8:ff::1; then ok "SA re-established after a charon restart"; else bad "SA not re-established"; fi
p6_add_mn 2
if p6_wait_addr 2 300; then ok "MN2 registered after the restart"; else bad "MN2 not registered after the restart"; fi
check "ping MN2 -> CN" topo_exec mn2 ping -6 -c 2 -i 0.2 -W 2 2001:db8:cc::2
check "MN1's traffic came back through the new SA" \
    topo_exec mn1 ping -6 -c 2 -i 0.2 -W 2 2001:db8:cc::2
# An LMA MAG1 learns from RADIUS only: MN3's profile names LMA2.
LMA2=2001:db8:ff::5
p6_start_lma2 || bad "LMA2 did not start"
ip netns exec "$TOPO_TAG-core" tcpdump -n -i lma2 -w "$D/wire2.pcap" \
    'ip6 and not icmp6' >/dev/null 2>&1 &
td2=$!
TOPO_PIDS="$TOPO_PIDS $td2"
topo_wait_for "$D/lma2.log" "charon attached" 200 || bad "LMA2's charon did not attach"
check "MAG1 has no SA with LMA2 before an MN needs it" sh -c "! $P6_BIN/ctl/pmip6ctl -s $D/mag1.sock show peers | grep -q 'peer $LMA2 .*ipsec up'"
t0=$(ms)
p6_add_mn 3
if p6_wait_addr 3 300; then
	ok "MN3 attached through LMA2 ($(p6_mn_addr 3), $(($(ms) - t0)) ms from its link up, IKE included)"
else
	bad "MN3 did not attach through LMA2"
fi
case $(p6_mn_addr 3) in
2001:db8:1c*) ok "  its prefix is from LMA2's pool" ;;
*) bad "  its prefix is not from LMA2's pool" ;;
esac
check "  MAG1's plugin built a config for LMA2 on demand" \
    grep -q "pmip6: .*mag1.conf: new peer $LMA2 with the group's settings" "$D/mag1.charon.log"
check "  MAG1's charon initiated to it from that config" \
    grep -q "pmip6: initiating 'pmip6:$LMA2'" "$D/mag1.charon.log"
check "  MAG1 held the PBU until the SA was up" \
    grep -q "holding an MH for $LMA2 until its IPsec SA is up" "$D/mag1.log"
check "  MAG1 reports the SA with LMA2 up" sa_up mag1 $LMA2
check "  LMA2 reports the SA with MAG1 up" sa_up lma2 2001:db8:ff::2
check "  LMA2 holds MN3's binding from MAG1" sh -c \
    "$P6_BIN/ctl/pmip6ctl -s $D/lma2.sock show binding mn3@pmip6.example | grep -q 'mag 2001:db8:ff::2'"
check "  LMA1 holds no binding for MN3" sh -c \
    "! $P6_BIN/ctl/pmip6ctl -s $D/lma.sock show binding mn3@pmip6.example 2>/dev/null | grep -q 'mag '"
if topo_exec mn3 ping -6 -c 3 -i 0.2 -W 2 2001:db8:cd::2 >"$D/mn3.ping" 2>&1; then
	ok "  ping MN3 -> CN2 (behind LMA2) through the tunnel inside IPsec"
else
	bad "  ping MN3 -> CN2 (behind LMA2) through the tunnel inside IPsec"
	cat "$D/mn3.ping"
	for n in mag1 lma2; do
		echo "== $n"
		ip -n "$TOPO_TAG-$n" -6 rule
		ip -n "$TOPO_TAG-$n" -6 route show table all |
		    grep -v "^local\|^multicast\|fe80\|^anycast\|^ff00"
	done
	topo_exec lma2 ip -6 neigh
	topo_exec cn2 ip -6 route
	topo_exec mn3 ip -6 route
	tail -5 "$D/lma2.charon.log"
fi
sleep 0.3
kill "$td2" 2>/dev/null
wait "$td2" 2>/dev/null
mh2=$(tshark -r "$D/wire2.pcap" -Y 'mip6' 2>/dev/null | wc -l)
esp2=$(tshark -r "$D/wire2.pcap" -Y 'udp.port == 4500 or esp' 2>/dev/null | wc -l)
echo "   wire between MAG1 and LMA2: $esp2 ESP packets, $mh2 plaintext MH"
check "  PBU/PBA with LMA2 only inside the SA" sh -c "[ $esp2 -gt 0 ] && [ $mh2 -eq 0 ]"

if [ -n "${P6_DEBUG:-}" ]; then
	topo_exec mn1 ping -6 -c 2 -i 0.2 -W 2 2001:db8:cc::2 | tail -2
	for n in mag1 lma; do echo "== $n"; ip -n $TOPO_TAG-$n -6 rule; ip -n $TOPO_TAG-$n -6 route show table all | grep -v "^local\|^multicast\|fe80\|^anycast"; ip -n $TOPO_TAG-$n link; done
fi
grep -h "attached on acc0" "$D/mag1.log" | sed -n 's/.*(\(mn[0-9]*\)@.*, \([0-9]*\) ms after.*/   \1: first frame to binding and RA with IPsec: \2 ms/p'

if [ $fails -ne 0 ]; then
	for f in lma mag1 lma.charon mag1.charon lma2 lma2.charon; do echo "--- $f"; tail -20 "$D/$f.log" 2>/dev/null; done
	echo "FAIL: $fails checks failed"
	exit 1
fi
echo "PASS: signaling inside IPsec"
