#!/bin/sh
# ipsec_transport.sh: the production setting, transport mode with kernel
# XFRM (kernel-netlink, a protocol-135 selector), as far as this kernel
# allows: it has no IPv6 ESP, so no SA can be installed, but everything
# before that is real and checked:
#  - charon (vici: swanctl --list-conns) holds the plugin's configs with
#    a TRANSPORT child and MH-only (protocol 135) selectors;
#  - IKE_SA comes up, the CHILD_SA is negotiated in transport mode
#    (USE_TRANSPORT_MODE notify) with /128 MH selectors on both ends,
#    and fails only when the kernel refuses the SA; the LMA daemon is
#    told "fail install";
#  - the plugin's inbound drop policy for MH to the LMA is in the XFRM
#    policy database, below charon's SA policies; a plaintext PBU from
#    another host never reaches pmip6-lma (no PBA, no binding, not even
#    counted as unprotected: the kernel dropped it, XfrmInPolBlock says
#    so), where before charon ran the same PBU reached it;
#  - a clean charon stop removes the policy;
#  - an LMA that must send to a MAG it knows only by its authorized_mags
#    range, with no SA, has its charon initiate one (config built on
#    demand), and the MAG's policy drops the plaintext PBA meanwhile.
# IPSEC_KEEP=1 keeps a copy of the logs.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/topo.sh"
topo_need_root
plugin=${PMIP6_PLUGIN:-./ipsec/libstrongswan-pmip6.so}
if [ ! -f "$plugin" ]; then
	rm -rf "$TOPO_DIR"
	echo "SKIP: plugin not built (configure --with-strongswan-src=DIR)"
	exit 77
fi
for f in /usr/lib/ipsec/charon /usr/sbin/swanctl \
    /usr/lib/ipsec/plugins/libstrongswan-vici.so; do
	[ -e "$f" ] || { rm -rf "$TOPO_DIR"; echo "SKIP: no $f"; exit 77; }
done
plugin=$(cd "$(dirname "$plugin")" && pwd)/$(basename "$plugin")
LMA_BIN=${LMA_BIN:-./lma/pmip6-lma}
CLI=${PBU_CLIENT:-./test/pbu_client}
LISTEN=${IPSEC_LISTEN:-./test/ipsec_listen}
CTL=${PMIP6CTL:-./ctl/pmip6ctl}
# IPSEC_KEEP=1 keeps the logs (a copy of the directory) for a look.
keep() {
	[ "${IPSEC_KEEP:-0}" = 1 ] && cp -r "$TOPO_DIR" "$TOPO_DIR.kept" &&
	    echo "kept $TOPO_DIR.kept"
	topo_cleanup
}
trap keep EXIT
trap 'exit 1' INT TERM
D=$TOPO_DIR
LMA=2001:db8:ff::1
MAG=2001:db8:ff::2
STRANGER=2001:db8:ff::99
# strongSwan names protocol 135 as the system's protocols database does.
mh=$(getent protocols 135 | awk '{ print $1 }')
mh=${mh:-135}
fails=0
ok() { echo "ok   - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }
check() { d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
ctl() { "$CTL" -s "$D/lma.sock" "$@"; }
in_log() { grep -q -- "$2" "$D/$1.charon.log"; }
# inpolblock NS: the namespace's count of packets an XFRM policy blocked
inpolblock() {
	topo_exec "$1" cat /proc/net/xfrm_stat | awk '$1 == "XfrmInPolBlock" { print $2 }'
}
unprotected() {
	ctl show stats --json | sed -n 's/.*"unprotected":\([0-9]*\).*/\1/p'
}
bindings() { ctl show bindings | grep -c '^binding'; }

set -e
topo_ns sw
topo_bridge sw br0
for n in lma mag x; do
	topo_ns $n
	topo_link $n eth0 sw "$n"
	topo_port sw br0 "$n"
done
topo_addr lma eth0 $LMA/64
topo_addr mag eth0 $MAG/64
topo_addr x eth0 $STRANGER/64
set +e
umask 077
echo "pmip6-transport-$$" >"$D/ipsec.psk"
umask 022

group() {
	cat <<CONF
ipsec = {
	mode = "required";
	child_mode = "transport";
	psk_file = "$D/ipsec.psk";
	socket = "$D/$1.ipsec.sock";
	retry_interval = 1000;
};
CONF
}
cat >"$D/lma.conf" <<CONF
address = "$LMA";
hnp_pools = [ "2001:db8:100::/48" ];
authorized_mags = [ "2001:db8:ff::/64" ];
HEARTBEAT_INTERVAL = 0;
dataplane = "seg6";
control_socket = "$D/lma.sock";
restart_counter_file = "$D/restart";
CONF
group lma >>"$D/lma.conf"
cat >"$D/mag.conf" <<CONF
address = "$MAG";
lma = "$LMA";
access = ( { interface = "acc0"; } );
CONF
group mag >>"$D/mag.conf"

# start_charon NODE: kernel-netlink (kernel ESP and XFRM policies), no
# kernel-libipsec; vici for swanctl; cfg at level 2 logs the selectors.
start_charon() {
	mkdir -p "$D/$1.run"
	cat >"$D/$1.strongswan.conf" <<CONF
charon {
	load = random nonce aes sha1 sha2 hmac kdf gmp pem pkcs1 pkcs8 x509 pubkey kernel-netlink socket-default vici pmip6
	filelog {
		charon {
			path = $D/$1.charon.log
			flush_line = yes
			default = 1
			cfg = 2
		}
	}
	plugins {
		pmip6 {
			config = $D/$1.conf
		}
		vici {
			socket = unix://$D/$1.vici
		}
	}
}
CONF
	# shellcheck disable=SC2016 # expanded by the inner shell
	topo_bg "$1" "$D/$1.charon.out" unshare --mount --propagation private \
	    sh -c 'mount --bind "$1" /run && exec env STRONGSWAN_CONF="$2" LD_PRELOAD="$3" /usr/lib/ipsec/charon' \
	    sh "$D/$1.run" "$D/$1.strongswan.conf" "$plugin"
	eval "charon_$1=\$TOPO_LAST_PID"
}

# stop_charon NODE: SIGTERM and wait (charon unloads the plugin, which
# removes its policies).
stop_charon() {
	eval "p=\$charon_$1"
	kill "$p" 2>/dev/null
	i=0
	while kill -0 "$p" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	! kill -0 "$p" 2>/dev/null
}

mh_policies() {
	topo_exec "$1" ip -6 xfrm policy list dir in proto 135 2>/dev/null
}

# --- pmip6-lma first, without charon: a plaintext PBU reaches it (and is
# refused by the daemon: no SA)
topo_bg lma "$D/lma.log" "$LMA_BIN" -d -c "$D/lma.conf" -p "$D/lma.pid"
lpid=$TOPO_LAST_PID
topo_wait_for "$D/lma.log" "started on" 200 || { cat "$D/lma.log"; echo "FAIL: pmip6-lma"; exit 1; }
r=$(topo_exec x "$CLI" $STRANGER $LMA reg intruder@x :: 1)
check "without charon, a plaintext PBU reaches pmip6-lma (refused: $r, unprotected $(unprotected))" \
    [ "$(unprotected)" = 1 ]
[ -z "$(mh_policies lma)" ] || bad "an MH policy before charon started"

# --- charon on both ends, transport mode from the plugin
"$LISTEN" -i $LMA "$D/mag.ipsec.sock" >"$D/mag.listen.log" 2>&1 &
mlisten=$!
TOPO_PIDS="$TOPO_PIDS $mlisten"
topo_wait_for "$D/mag.listen.log" listening 100 || bad "MAG listener"
start_charon lma
start_charon mag
topo_wait_for "$D/lma.log" "charon attached" 200 || bad "the LMA's charon did not attach"

swan() { swanctl --list-conns --uri "unix://$D/$1.vici" 2>/dev/null; }
topo_wait_for "$D/lma.charon.log" "pmip6: .*lma.conf: lma" 100
swan mag >"$D/mag.conns"
swan lma >"$D/lma.conns"
sed 's/^/   mag: /' "$D/mag.conns"
check "MAG's charon serves pmip6:$LMA" grep -q "^pmip6:$LMA: IKEv2" "$D/mag.conns"
check "  with a TRANSPORT child" grep -q "^  pmip6:$LMA: TRANSPORT" "$D/mag.conns"
check "  selectors MH only, both ends" sh -c \
    "[ \$(grep -c '^    \(local\|remote\): *dynamic\[$mh\]\$' '$D/mag.conns') -eq 2 ]"
check "  and nothing but MH in any selector" sh -c \
    "! grep '^    \(local\|remote\):' '$D/mag.conns' | grep -qv '$mh'"
check "LMA's charon serves the authorized_mags range, TRANSPORT, MH only" sh -c \
    "grep -q '^pmip6:2001:db8:ff::/64: IKEv2' '$D/lma.conns' &&
     grep -q '^  pmip6:2001:db8:ff::/64: TRANSPORT' '$D/lma.conns' &&
     [ \$(grep -c 'dynamic\[$mh\]\$' '$D/lma.conns') -eq 2 ]"

# IKE up, CHILD_SA negotiated, the kernel refuses the SA.
topo_wait_for "$D/mag.charon.log" "IKE_SA pmip6:$LMA\[[0-9]*\] established" 200
check "IKE_SA established from the plugin's configs" \
    in_log mag "IKE_SA pmip6:$LMA\[[0-9]*\] established between $MAG"
check "MAG asked for transport mode with MH selectors" \
    in_log mag "generating IKE_AUTH request 1 \[.* N(USE_TRANSP) .*TSi TSr"
check "MAG proposed $MAG/128[$mh] for itself" in_log mag " $MAG/128\[$mh\]\$"
topo_wait_for "$D/lma.charon.log" "unable to add SAD entry" 200
check "LMA received the transport-mode request" \
    in_log lma "parsed IKE_AUTH request 1 \[.* N(USE_TRANSP) .*TSi TSr"
check "LMA selected $LMA/128[$mh] for itself" \
    in_log lma "=> match: $LMA/128\[$mh\]"
check "LMA selected $MAG/128[$mh] for the MAG" \
    in_log lma "=> match: $MAG/128\[$mh\]"
check "the CHILD_SA failed only at the kernel (no IPv6 ESP here)" \
    in_log lma "unable to add SAD entry"
check "LMA's charon chose the peer config of the range" \
    in_log lma "selected peer config 'pmip6:2001:db8:ff::/64'"
topo_wait_for "$D/lma.log" "SA with $MAG failed: install" 200
check "pmip6-lma was told: SA with the MAG failed, install" \
    grep -q "SA with $MAG failed: install" "$D/lma.log"
check "MAG's listener was told the CHILD_SA failed" \
    grep -q " fail $LMA " "$D/mag.listen.log"
grep -h "unable to add SAD\|failed to establish CHILD_SA\|received NO_PROPOSAL" \
    "$D/lma.charon.log" "$D/mag.charon.log" | head -3 | sed 's/^/   /'

# --- the drop policy: in the XFRM database, and it works
mh_policies lma | sed 's/^/   lma xfrm: /'
check "LMA: an inbound block policy for MH to $LMA from ::/0" sh -c \
    "ip -n $TOPO_TAG-lma -6 xfrm policy list dir in | grep -A3 'src ::/0 dst $LMA/128 proto $mh' | grep -q 'action block'"
check "  at a priority below charon's per-SA class (> 400000)" sh -c \
    "[ \$(ip -n $TOPO_TAG-lma -6 xfrm policy list dir in | grep -A1 'src ::/0 dst $LMA/128 proto $mh' | sed -n 's/.*priority \([0-9]*\).*/\1/p') -gt 400000 ]"
check "MAG: the same for MH to $MAG" sh -c \
    "ip -n $TOPO_TAG-mag -6 xfrm policy list dir in | grep -A3 'src ::/0 dst $MAG/128 proto $mh' | grep -q 'action block'"
b0=$(inpolblock lma)
u0=$(unprotected)
n0=$(bindings)
r=$(topo_exec x "$CLI" $STRANGER $LMA reg intruder@x :: 1)
check "plaintext PBU from another namespace: no PBA ($r)" [ "$r" = no-pba ]
check "  it never reached pmip6-lma (unprotected still $u0)" [ "$(unprotected)" = "$u0" ]
check "  the kernel's policy blocked it (XfrmInPolBlock $b0 -> $(inpolblock lma))" \
    [ "$(inpolblock lma)" -gt "$b0" ]
check "  no binding" [ "$(bindings)" = "$n0" ]
r=$(topo_exec mag "$CLI" $MAG $LMA reg mn1@x :: 1)
check "nor from the MAG itself without its SA ($r)" [ "$r" = no-pba ]
check "  (unprotected still $u0)" [ "$(unprotected)" = "$u0" ]

# --- a clean stop removes the policies
stop_charon lma || bad "the LMA's charon did not stop"
stop_charon mag || bad "the MAG's charon did not stop"
check "LMA: no MH policy left after charon stopped" [ -z "$(mh_policies lma)" ]
check "MAG: no MH policy left after charon stopped" [ -z "$(mh_policies mag)" ]
check "  and the plugin said so" in_log lma "pmip6: removed inbound MH drop policy"

# --- the LMA speaks first to a MAG it knows only by its authorized_mags
# range.  With the LMA's group optional a plaintext PBU from the MAG is
# taken, and the LMA, with no SA for its PBA, asks its charon for one;
# the MAG wants none itself (its listener asks for nothing).  The
# plaintext PBA then meets the MAG's drop policy.
kill "$lpid"
kill "$mlisten"
wait "$lpid" "$mlisten" 2>/dev/null
sed -i 's/mode = "required"/mode = "optional"/' "$D/lma.conf"
: >"$D/lma.charon.log"
: >"$D/mag.charon.log"
topo_bg lma "$D/lma.log" "$LMA_BIN" -d -c "$D/lma.conf" -p "$D/lma.pid"
topo_wait_for "$D/lma.log" "started on" 200 || bad "pmip6-lma did not restart"
"$LISTEN" "$D/mag.ipsec.sock" >"$D/mag.listen2.log" 2>&1 &
TOPO_PIDS="$TOPO_PIDS $!"
topo_wait_for "$D/mag.listen2.log" listening 100 || bad "MAG listener"
start_charon lma
start_charon mag
topo_wait_for "$D/lma.log" "charon attached" 200 || bad "the LMA's charon did not attach"
topo_wait_for "$D/mag.listen2.log" attach 200 || bad "the MAG's charon did not attach"
check "LMA (optional): no MH drop policy" [ -z "$(mh_policies lma)" ]
b0=$(inpolblock mag)
r=$(topo_exec mag "$CLI" $MAG $LMA reg mn1@x :: 1)
check "a plaintext PBU from the MAG makes a binding (optional)" [ "$(bindings)" -ge 1 ]
check "  the plaintext PBA was dropped by the MAG's policy ($r)" [ "$r" = no-pba ]
check "  (MAG XfrmInPolBlock $b0 -> $(inpolblock mag))" [ "$(inpolblock mag)" -gt "$b0" ]
topo_wait_for "$D/lma.charon.log" "IKE_SA pmip6:$MAG\[[0-9]*\] established" 200
check "  the LMA's plugin built a config for the MAG inside its range" \
    in_log lma "pmip6: .*lma.conf: new peer $MAG with the group's settings"
check "  the LMA's charon initiated to the MAG" \
    in_log lma "pmip6: initiating 'pmip6:$MAG'"
check "  IKE_SA from the LMA up, transport mode asked for" sh -c \
    "grep -q 'IKE_SA pmip6:$MAG\[[0-9]*\] established between $LMA' '$D/lma.charon.log' &&
     grep -q 'generating IKE_AUTH request 1 \[.* N(USE_TRANSP) .*TSi TSr' '$D/lma.charon.log'"
check "  the MAG's charon answered with its config for the LMA" \
    in_log mag "selected peer config 'pmip6:$LMA'"

if [ $fails -ne 0 ]; then
	for f in lma.log lma.charon.log mag.charon.log mag.listen.log; do
		echo "--- $f"; tail -25 "$D/$f" 2>/dev/null
	done
	echo "FAIL: $fails checks failed"
	exit 1
fi
echo "PASS: transport mode up to the kernel's refusal; inbound MH guarded"
