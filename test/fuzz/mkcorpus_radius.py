#!/usr/bin/env python3
"""Write the seed corpus of fuzz_radius into test/fuzz/radius-corpus/.

Each seed is one mode octet (see fuzz_radius.c) and a RADIUS packet whose
authenticators are left zero: the target signs what it is given.  The
files are checked in; run this again only to change the seeds:

    python3 test/fuzz/mkcorpus_radius.py [OUTDIR]
"""

import os
import struct
import sys

REPLY, DM, KEEP_LEN, UNSIGNED = 0, 1, 2, 4


def attr(t, v):
    return bytes([t, 2 + len(v)]) + v


def packet(code, ident, attrs):
    body = b"".join(attrs)
    return struct.pack("!BBH", code, ident, 20 + len(body)) + bytes(16) + body


LMA = bytes.fromhex("20010db800ff00000000000000000001")
HNP = bytes([0, 64]) + bytes.fromhex("20010db8010000010000000000000000")
MA = attr(80, bytes(16))

PROFILE = [
    attr(1, b"02-00-5e-00-53-01"),
    attr(145, b"mn1@example.org"),
    attr(147, LMA),
    attr(151, HNP),
    attr(151, bytes([0, 56]) + bytes.fromhex("20010db8020000")),
    attr(153, bytes.fromhex("0200005efe005301")),
    attr(27, struct.pack("!I", 3600)),
    attr(85, struct.pack("!I", 300)),
    attr(124, struct.pack("!Q", 1)),
    attr(146, b"internet"),
    attr(25, b"class-1"),
    attr(89, b"cui-1"),
    attr(18, b"welcome"),
]

SEEDS = {
    "accept-full": (REPLY, packet(2, 7, [MA] + PROFILE)),
    "accept-nomsgauth": (REPLY, packet(2, 8, PROFILE)),
    "accept-username-only": (REPLY, packet(2, 9, [attr(1, b"mn2")])),
    "accept-bad-prefix": (REPLY, packet(2, 10, [
        attr(145, b"mn3"), attr(151, bytes([0, 200]) + bytes(16)),
        attr(147, LMA[:8])])),
    "accept-fv-no-pmip": (REPLY, packet(2, 11, [
        attr(145, b"mn4"), attr(124, struct.pack("!Q", 0))])),
    "reject": (REPLY, packet(3, 12, [MA, attr(18, b"no \x01 way")])),
    "challenge": (REPLY, packet(11, 13, [attr(24, b"state")])),
    "accept-truncated-attr": (REPLY, packet(2, 14, [bytes([145, 9, 0x41])])),
    "accept-len-past": (REPLY | KEEP_LEN,
                        packet(2, 15, PROFILE)[:40]),
    "accept-unsigned": (REPLY | UNSIGNED, packet(2, 16, PROFILE)),
    "disconnect": (DM, packet(40, 1, [
        attr(1, b"mn1@example.org"), attr(31, b"02-00-5e-00-53-01"),
        attr(44, b"5213-0001"), attr(32, b"mag1"),
        attr(55, struct.pack("!I", 0)), attr(33, b"ps1"),
        attr(33, b"ps2"), MA])),
    "disconnect-session-only": (DM, packet(40, 2, [attr(44, b"x")])),
    "disconnect-nothing": (DM, packet(40, 3, [attr(32, b"mag1")])),
    "disconnect-ipv6-nas": (DM, packet(40, 4, [
        attr(95, LMA), attr(1, b"mn1")])),
    "coa": (DM, packet(43, 5, [attr(1, b"mn1"), attr(27, b"\0\0\0\x3c")])),
    "disconnect-unsigned": (DM | UNSIGNED, packet(40, 6, [attr(1, b"a")])),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "radius-corpus")
    os.makedirs(out, exist_ok=True)
    for name, (mode, pkt) in sorted(SEEDS.items()):
        with open(os.path.join(out, name + ".bin"), "wb") as f:
            f.write(bytes([mode]) + pkt)


if __name__ == "__main__":
    main()
