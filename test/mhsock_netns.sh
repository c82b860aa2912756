#!/bin/sh
# The raw MH socket works between two network namespaces on a kernel
# without MIPv6: a PBU crosses a veth pair, a corrupt checksum is dropped
# on receive, and the PBA comes back from the address it was sent to.
set -u

if [ "$(id -u)" -ne 0 ] || ! ip netns list >/dev/null 2>&1; then
	echo "SKIP: needs root and ip netns"
	exit 77
fi

peer=${MH_PEER:-./test/mh_peer}
tag=pmip6t$$
a=$tag-a
b=$tag-b
out=$(mktemp -d)

cleanup() {
	[ -n "${spid:-}" ] && kill "$spid" 2>/dev/null
	ip netns del "$a" 2>/dev/null
	ip netns del "$b" 2>/dev/null
	rm -rf "$out"
}
trap cleanup EXIT INT TERM

set -e
ip netns add "$a"
ip netns add "$b"
ip link add "$tag-x" netns "$a" type veth peer name "$tag-y" netns "$b"
ip -n "$a" link set lo up
ip -n "$b" link set lo up
ip -n "$a" link set "$tag-x" up
ip -n "$b" link set "$tag-y" up
ip -n "$a" -6 addr add 2001:db8:ff::2/64 dev "$tag-x" nodad
ip -n "$b" -6 addr add 2001:db8:ff::1/64 dev "$tag-y" nodad
set +e

# The veth pair needs a moment before it carries traffic; wait for it
# rather than let the first raw send race the link coming up.
i=0
until ip netns exec "$a" ping -6 -c 1 -W 1 2001:db8:ff::1 >/dev/null 2>&1; do
	i=$((i + 1))
	if [ $i -gt 50 ]; then
		echo "FAIL: the namespaces never reached each other"; exit 1
	fi
	sleep 0.1
done

ip netns exec "$b" "$peer" serve 2001:db8:ff::1 >"$out/serve" 2>&1 &
spid=$!
i=0
until grep -q ready "$out/serve" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 100 ]; then
		echo "FAIL: server did not start"; cat "$out/serve"; exit 1
	fi
	sleep 0.05
done

ip netns exec "$a" "$peer" ping 2001:db8:ff::2 2001:db8:ff::1
prc=$?
wait "$spid"
src=$?
spid=
cat "$out/serve"
if [ $prc -ne 0 ] || [ $src -ne 0 ]; then
	echo "FAIL: ping=$prc serve=$src"
	exit 1
fi
echo "PASS: MH socket between namespaces"
