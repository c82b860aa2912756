#!/bin/sh
# ipsec_netns.sh: MAG and LMA charon, each in its own network namespace
# with the pmip6 plugin, bring up IKEv2 and an ESP SA from the pmip6
# configuration files alone (no swanctl.conf), tell test/ipsec_listen
# (libipsecctl) "up", and protect the MH on the wire; after each charon
# is restarted the SA comes back and MH gets through again.  Then the
# same with X.509 certificates (if openssl is there), and a SIGHUP that
# re-reads the files without touching the SA.
#
# On this kernel (no IPv6 ESP) the SA is kernel-libipsec's: tunnel mode,
# any protocol between the two addresses, ESP in UDP 4500 on the wire.
# Measured: IKE setup time (initiate sent to CHILD_SA up, by libipsecctl)
# and the MH round trip without and with IPsec (test/mh_peer).
#
# Environment: PMIP6_PLUGIN, IPSEC_LISTEN, MH_PEER, CHARON (paths),
# IPSEC_MH_ROUNDS (MH exchanges per measurement, default 5),
# IPSEC_KEEP=1 keeps the temporary directory (logs, capture).
set -u

skip() {
	echo "SKIP: $*"
	exit 77
}

[ "$(id -u)" -eq 0 ] || skip "needs root"
plugin=${PMIP6_PLUGIN:-./ipsec/libstrongswan-pmip6.so}
[ -f "$plugin" ] || skip "plugin not built (configure" \
    "--with-strongswan-src=DIR; ipsec/fetch-strongswan.sh fetches it)"
listen=${IPSEC_LISTEN:-./test/ipsec_listen}
mhpeer=${MH_PEER:-./test/mh_peer}
charon=${CHARON:-/usr/lib/ipsec/charon}
rounds=${IPSEC_MH_ROUNDS:-5}

fail() {
	echo "FAIL: $*"
	dump_logs
	exit 1
}

for f in "$listen" "$mhpeer" "$charon"; do
	[ -x "$f" ] || { echo "FAIL: $f not found"; exit 1; }
done
for t in ip unshare mount tcpdump; do
	command -v "$t" >/dev/null 2>&1 || { echo "FAIL: $t not found"; exit 1; }
done
ip netns list >/dev/null 2>&1 || { echo "FAIL: ip netns unusable"; exit 1; }

plugin=$(cd "$(dirname "$plugin")" && pwd)/$(basename "$plugin")
tag=p6ipsec$$
MAG=2001:db8:ff::2
LMA=2001:db8:ff::1
STRANGER=2001:db8:ff::99
D=$(mktemp -d /tmp/pmip6-ipsec.XXXXXX)
mag_charon='' lma_charon='' mag_listen='' lma_listen='' dump='' serve=''

dump_logs() {
	for n in mag lma; do
		for f in listen.log charon.out charon.log; do
			[ -s "$D/$n/$f" ] || continue
			echo "--- $n/$f (last lines)"
			tail -n 25 "$D/$n/$f"
		done
	done
}

stop() {
	[ -n "$1" ] || return 0
	kill "$1" 2>/dev/null
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

cleanup() {
	for p in $serve $dump $mag_charon $lma_charon $mag_listen $lma_listen; do
		stop "$p"
	done
	ip netns del "$tag-mag" 2>/dev/null
	ip netns del "$tag-lma" 2>/dev/null
	if [ "${IPSEC_KEEP:-0}" = 1 ]; then
		echo "kept $D"
	else
		rm -rf "$D"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# wait_for FILE PATTERN COUNT SECONDS: COUNT lines matching PATTERN.
wait_for() {
	i=0
	while [ "$(grep -c -- "$2" "$1" 2>/dev/null)" -lt "$3" ]; do
		i=$((i + 1))
		[ $i -gt $(($4 * 20)) ] && return 1
		sleep 0.05
	done
	return 0
}

# setup_ms N FILE: the setup time of the Nth "up" in a listener log.
setup_ms() {
	grep ' up ' "$2" | sed -n "$1{s/.*setup_ms=//p;}"
}

# --- topology and configuration
ip netns add "$tag-mag" || fail "ip netns add"
ip netns add "$tag-lma" || fail "ip netns add"
ip link add mag0 netns "$tag-mag" type veth peer name lma0 \
    netns "$tag-lma" || fail "veth"
for n in mag lma; do
	ip -n "$tag-$n" link set lo up
	ip -n "$tag-$n" link set "${n}0" up
	mkdir -p "$D/$n/run" "$D/$n/etc"
done
ip -n "$tag-mag" -6 addr add $MAG/64 dev mag0 nodad
ip -n "$tag-lma" -6 addr add $LMA/64 dev lma0 nodad

umask 077
echo "pmip6-ipsec-test-$$-shared-secret" >"$D/ipsec.psk"

# The daemons' own files: addresses once, the ipsec group beside them.
cat >"$D/lma/etc/lma.conf" <<EOF
address = "$LMA";
hnp_pools = [ "2001:db8:100::/40" ];
authorized_mags = [ "$MAG/128" ];
ipsec = {
	mode = "required";
	child_mode = "tunnel";
	psk_file = "$D/ipsec.psk";
	socket = "$D/lma/ipsec.sock";
	retry_interval = 1000;
};
EOF
cat >"$D/mag/etc/mag.conf" <<EOF
address = "$MAG";
lma = "$LMA";
access = ( { interface = "acc0"; } );
ipsec = {
	mode = "required";
	child_mode = "tunnel";
	psk_file = "$D/ipsec.psk";
	socket = "$D/mag/ipsec.sock";
	retry_interval = 1000;
};
EOF

for n in mag lma; do
	cat >"$D/$n/strongswan.conf" <<EOF
charon {
	load = random nonce aes sha1 sha2 hmac kdf gmp pem pkcs1 pkcs8 x509 pubkey kernel-libipsec kernel-netlink socket-default pmip6
	filelog {
		charon {
			path = $D/$n/charon.log
			time_format = %T
			flush_line = yes
			default = 1
		}
	}
	plugins {
		pmip6 {
			config = $D/$n/etc/*.conf
		}
		kernel-libipsec {
			allow_peer_ts = yes
		}
		kernel-netlink {
			fwmark = !0x42
		}
		socket-default {
			fwmark = 0x42
		}
	}
}
EOF
done

# start_charon NODE: charon in the node's namespace with a private /run
# (its pid file path is compiled in); 5.9.8 has no plugin path setting,
# so the plugin comes in through LD_PRELOAD and charon.load names it.
start_charon() {
	# shellcheck disable=SC2016 # expanded by the inner shell
	ip netns exec "$tag-$1" unshare --mount --propagation private sh -c \
	    'mount --bind "$1/run" /run && exec env STRONGSWAN_CONF="$1/strongswan.conf" LD_PRELOAD="$2" "$3"' \
	    sh "$D/$1" "$plugin" "$charon" >>"$D/$1/charon.out" 2>&1 &
	eval "${1}_charon=\$!"
}

# mh_rtt: one PBU/PBA exchange MAG -> LMA; prints the round trip (ms)
# and the LMA's arrival interface into $D/serve.log.
mh_rtt() {
	# Emptied here, not by the redirection, which runs asynchronously
	# and could let the last exchange's "ready" through.
	: >"$D/serve.log"
	ip netns exec "$tag-lma" "$mhpeer" serve $LMA >>"$D/serve.log" 2>&1 &
	serve=$!
	wait_for "$D/serve.log" ready 1 5 || return 1
	out=$(ip netns exec "$tag-mag" "$mhpeer" ping $MAG $LMA 2>&1)
	rc=$?
	wait "$serve"
	src=$?
	serve=
	if [ $rc -ne 0 ] || [ $src -ne 0 ]; then
		echo "$out" >&2
		return 1
	fi
	echo "$out" | sed -n 's/.*round trip \([0-9.]*\) ms.*/\1/p'
}

# mh_series N LABEL: N exchanges; prints "min median max" (ms).
mh_series() {
	: >"$D/rtt"
	i=0
	while [ $i -lt "$1" ]; do
		r=$(mh_rtt) || return 1
		echo "$r" >>"$D/rtt"
		i=$((i + 1))
	done
	sort -n "$D/rtt" | awk '{ v[NR] = $1 } END {
		printf "%s %s %s\n", v[1], v[int((NR + 1) / 2)], v[NR] }'
}

# --- MH without IPsec, for comparison
plain=$(mh_series "$rounds") || fail "MH exchange without IPsec"
echo "MH round trip without IPsec (min median max, ms): $plain"

# --- IKE from the plugin's configs alone
# The LMA's listener also asks for a peer no file names: charon must
# answer "fail ... noconfig" rather than invent a config.
"$listen" -i $STRANGER "$D/lma/ipsec.sock" >"$D/lma/listen.log" 2>&1 &
lma_listen=$!
"$listen" -i $LMA "$D/mag/ipsec.sock" >"$D/mag/listen.log" 2>&1 &
mag_listen=$!
wait_for "$D/lma/listen.log" listening 1 5 || fail "LMA listener"
wait_for "$D/mag/listen.log" listening 1 5 || fail "MAG listener"
start_charon lma
start_charon mag
wait_for "$D/mag/listen.log" " up $LMA $MAG " 1 20 ||
    fail "no up from the MAG's charon"
wait_for "$D/lma/listen.log" " up $MAG $LMA " 1 10 ||
    fail "no up from the LMA's charon"
grep -q "pmip6: initiating 'pmip6:$LMA'" "$D/mag/charon.log" ||
    fail "the MAG's charon did not initiate from the plugin's config"
grep -q " up .* tunnel " "$D/mag/listen.log" || fail "not tunnel mode"
wait_for "$D/lma/listen.log" " fail $STRANGER noconfig" 1 5 ||
    fail "no noconfig failure for a peer without config"
ike1=$(setup_ms 1 "$D/mag/listen.log")
echo "IKE setup (initiate to CHILD_SA up): $ike1 ms"

# --- MH over the SA: ESP in UDP on the wire, no MH in clear
ip netns exec "$tag-lma" tcpdump -i lma0 -nn -U --immediate-mode -Z root \
    -w "$D/wire.pcap" >"$D/tcpdump.log" 2>&1 &
dump=$!
wait_for "$D/tcpdump.log" "listening on" 1 5 || fail "tcpdump"
sec=$(mh_series "$rounds") || fail "MH exchange over IPsec"
ifindex=$(sed -n 's/.*ifindex \([0-9]*\).*/\1/p' "$D/serve.log")
sleep 0.3
kill -INT "$dump"
wait "$dump"
dump=
arrival=$(ip -n "$tag-lma" -o link | awk -F': ' -v i="$ifindex" \
    '$1 == i { sub(/@.*/, "", $2); print $2 }')
esp=$(tcpdump -nn -r "$D/wire.pcap" 2>/dev/null | grep -c 'UDP-encap: ESP')
mh=$(tcpdump -nn -r "$D/wire.pcap" 'ip6 proto 135' 2>/dev/null | wc -l)
echo "MH round trip over IPsec (min median max, ms): $sec"
echo "capture on lma0: $esp ESP-in-UDP packets, $mh plaintext MH;" \
    "MH arrived at the LMA on $arrival"
# each exchange: a PBU with a bad checksum, a good one, the PBA
[ "$esp" -ge $((3 * rounds)) ] ||
    fail "expected ESP in UDP on the wire, saw $esp"
[ "$mh" -eq 0 ] || fail "plaintext MH on the wire"
if command -v tshark >/dev/null 2>&1; then
	tesp=$(tshark -r "$D/wire.pcap" -Y esp 2>/dev/null | wc -l)
	tmh=$(tshark -r "$D/wire.pcap" -Y mipv6 2>/dev/null | wc -l)
	echo "tshark: $tesp ESP, $tmh MIPv6"
	if [ "$tesp" -ne "$esp" ] || [ "$tmh" -ne 0 ]; then
		fail "tshark disagrees with tcpdump"
	fi
fi
case $arrival in
ipsec*) ;;
*) fail "MH should arrive on kernel-libipsec's TUN device, came on $arrival" ;;
esac

# --- the MAG's charon crashes and comes back: the listener asks again
kill -9 "$mag_charon"
wait "$mag_charon" 2>/dev/null
mag_charon=
wait_for "$D/mag/listen.log" " detach" 1 5 || fail "no detach after kill"
t0=$(date +%s%N)
start_charon mag
wait_for "$D/mag/listen.log" " up $LMA $MAG " 2 30 ||
    fail "no SA after the MAG's charon restarted"
t1=$(date +%s%N)
echo "MAG charon restart to SA up: $(( (t1 - t0) / 1000000 )) ms" \
    "(IKE setup $(setup_ms 2 "$D/mag/listen.log") ms)"
r=$(mh_rtt) || fail "MH after the MAG's charon restarted"
echo "MH round trip after the restart: $r ms"

# --- the LMA's charon stops (deleting its SAs) and comes back
ups=$(grep -c " up $LMA $MAG " "$D/mag/listen.log")
stop "$lma_charon"
lma_charon=
wait_for "$D/mag/listen.log" " down $LMA" 1 10 ||
    fail "the MAG did not see its SA go when the LMA's charon stopped"
t0=$(date +%s%N)
start_charon lma
wait_for "$D/mag/listen.log" " up $LMA $MAG " $((ups + 1)) 30 ||
    fail "no SA after the LMA's charon restarted"
t1=$(date +%s%N)
echo "LMA charon restart to SA up: $(( (t1 - t0) / 1000000 )) ms"
r=$(mh_rtt) || fail "MH after the LMA's charon restarted"
echo "MH round trip after the restart: $r ms"

# --- the same with X.509 certificates instead of the pre-shared key
if command -v openssl >/dev/null 2>&1; then
	pki=$D/pki
	mkdir -p "$pki"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$pki/ca.key" \
	    -out "$pki/ca.pem" -days 2 -subj "/CN=pmip6 test CA" \
	    -addext "basicConstraints=critical,CA:TRUE" \
	    -addext "keyUsage=critical,keyCertSign,cRLSign" \
	    >"$pki/log" 2>&1 || fail "openssl CA"
	for n in mag lma; do
		if [ $n = mag ]; then a=$MAG; else a=$LMA; fi
		# The address is the IKE identity: the certificate must carry it.
		echo "subjectAltName=IP:$a" >"$pki/$n.ext"
		openssl req -newkey rsa:2048 -nodes -keyout "$pki/$n.key" \
		    -out "$pki/$n.csr" -subj "/CN=$n" >>"$pki/log" 2>&1 ||
		    fail "openssl $n request"
		openssl x509 -req -in "$pki/$n.csr" -CA "$pki/ca.pem" \
		    -CAkey "$pki/ca.key" -CAcreateserial -days 2 \
		    -extfile "$pki/$n.ext" -out "$pki/$n.pem" \
		    >>"$pki/log" 2>&1 || fail "openssl $n certificate"
		sed -i "s|psk_file = .*|auth = \"pubkey\"; cert = \"$pki/$n.pem\"; key = \"$pki/$n.key\"; ca = \"$pki/ca.pem\";|" \
		    "$D/$n/etc/$n.conf"
	done
	ups=$(grep -c " up $LMA $MAG " "$D/mag/listen.log")
	stop "$mag_charon"
	stop "$lma_charon"
	mag_charon='' lma_charon=''
	start_charon lma
	start_charon mag
	wait_for "$D/mag/listen.log" " up $LMA $MAG " $((ups + 1)) 30 ||
	    fail "no SA with certificates"
	grep -q "authentication of '$LMA' with RSA.* successful" \
	    "$D/mag/charon.log" || fail "the LMA was not authenticated by RSA"
	echo "IKE setup with X.509 (RSA 2048): $(setup_ms $((ups + 1)) \
	    "$D/mag/listen.log") ms"
	r=$(mh_rtt) || fail "MH with certificates"
	echo "MH round trip with certificates: $r ms"
fi

# --- SIGHUP re-reads the files; SAs that are up stay up
downs=$(grep -c " down " "$D/mag/listen.log")
sed -i "s|authorized_mags = .*|authorized_mags = [ \"$MAG/128\", \"$STRANGER/128\" ];|" \
    "$D/lma/etc/lma.conf"
kill -HUP "$lma_charon"
wait_for "$D/lma/charon.log" "lma.conf: lma $LMA, ipsec required, 2 peer" 1 10 ||
    fail "SIGHUP did not reload the LMA's configuration"
r=$(mh_rtt) || fail "MH after the reload"
[ "$(grep -c " down " "$D/mag/listen.log")" -eq "$downs" ] ||
    fail "the reload took the SA down"
echo "reload: 2 peers, SA kept, MH round trip $r ms"

echo "PASS: IPsec for MAG-LMA signaling through the pmip6 charon plugin"
