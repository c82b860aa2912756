"""xcheck.py: decode pmip6's Mobility Header encodings with tshark and scapy.

mh_gen (test/xcheck/mh_gen.c) encodes messages with our codec into a pcap
and writes the values it put into each struct mh_msg to a JSON file.  This
script has two independent decoders read the pcap:

  * tshark -T pdml (Wireshark's packet-mip6.c, Debian 4.0.17),
  * scapy's MIPv6 classes (scapy.layers.inet6, Debian 2.5.0),

and compares what each read with what we meant to encode, field by field.
It also checks, in plain Python with no decoder involved, the MH checksum
(RFC 6275 6.1.1 pseudo-header sum, which Wireshark does not validate),
the IPv4/UDP checksums of the RFC 5844 frame, and the option alignment
and padding rules (RFC 6275 6.2, protocol.md A.2) at the offsets each
decoder reports.

Fields a decoder gets wrong because of a bug recorded in shared/protocol.md
section I are skipped, with the reason printed; nothing else is skipped.
Enumerations are compared as numbers: the label bugs (I.1-I.3, I.14, I.15)
do not touch the numeric values.

Must run with Debian's /usr/bin/python3 (scapy is installed for it only).
Exit 0: all checked fields agree; 1: a mismatch; 77: tshark or scapy
missing (automake SKIP); 99: the test itself broke.
"""

import argparse
import json
import os
import re
import socket
import struct
import sys
import xml.etree.ElementTree as ET

from xcheck_decode import (ABSENT, MH_TYPE_BA, MH_TYPE_BE, MH_TYPE_BR,
                           MH_TYPE_BU, MH_TYPE_HB, NA, OPT_PAD1, OPT_PADN,
                           ScapyMods, ScapyView, Skip, TsharkView, norm_ip,
                           tshark_frames)

EXIT_OK, EXIT_FAIL, EXIT_SKIP, EXIT_ERROR = 0, 1, 77, 99

# Option type -> (short name, alignment x, y); x == 0: none required.
# RFC 6275 6.2, RFC 5213 8, RFC 5847, RFC 5845, RFC 5844, RFC 5094.
OPTS = {
    2: ("refresh", 2, 0),
    3: ("altcoa", 8, 6),
    8: ("mnid", 0, 0),
    19: ("vsm", 4, 2),
    22: ("hnp", 8, 4),
    23: ("hi", 0, 0),
    24: ("att", 0, 0),
    25: ("mnlli", None, None),  # RFC 5213 8.6: left to the implementation
    26: ("lla", 8, 6),
    27: ("ts", 8, 2),
    28: ("restart", 4, 2),
    33: ("gre", 4, 0),
    36: ("v4hoa_req", 4, 0),
    37: ("v4hoa_rep", 4, 0),
    38: ("v4dr", 4, 0),
}
REPEATABLE = (19, 22)  # VSM and HNP may appear more than once

BU_FLAGS = (("A", 0x8000), ("H", 0x4000), ("L", 0x2000), ("K", 0x1000),
            ("M", 0x0800), ("R", 0x0400), ("P", 0x0200), ("F", 0x0100),
            ("T", 0x0080), ("B", 0x0040))
BA_FLAGS = (("K", 0x80), ("R", 0x40), ("P", 0x20), ("T", 0x10), ("B", 0x08))
HB_FLAGS = (("U", 0x0002), ("R", 0x0001))
BR_FLAGS = (("P", 0x8000), ("V", 0x4000), ("G", 0x2000))

# Known decoder bugs, keyed by the label printed in the table.
KNOWN = {
    "I.6": "scapy 2.5.0 has no BU flags F, T, B (they land in 'reserved')",
    "I.7": "scapy 2.5.0 has no BA flags T, B (they land in 'res2')",
    "I.13/mh": "scapy 2.5.0 has no class for MH types 13 and 16 "
               "(MIP6MH_Generic decodes the generic header only; their "
               "options are still split by scapy's BA option walker)",
    "I.11": "scapy 2.5.0's MIP6MH_Generic takes 8*HL-6 octets, so the last "
            "8 octets of an MH of unknown type spill into a Raw layer",
    "I.13/opt": "scapy 2.5.0 has no class for mobility options > 16 "
                "(MIP6OptUnknown: type, length and raw data only)",
    "WS-MNID0": "Wireshark 4.0.17 calls an MN-ID option of length 1 (an empty "
                "identifier, which RFC 5213 5.3.1 requires in a PBA with "
                "status 160) malformed (\"should be >= 2\"); found by "
                "this test, not yet in protocol.md I",
    "WS-VSM": "Wireshark 4.0.17 shows Vendor-Specific data 2 octets short "
              "(packet-mip6.c subtracts the 2-octet TLV header twice); found "
              "by this test, not yet in protocol.md I",
}



# ---------------------------------------------------------------- expectations

def tlv_len(o):
    """The Option Length octet our encoding must carry (protocol.md C)."""
    t = o["type"]
    fixed = {2: 2, 3: 16, 22: 18, 23: 2, 24: 2, 26: 16, 27: 8, 28: 4,
             36: 6, 37: 6, 38: 6}
    if t in fixed:
        return fixed[t]
    if t == 8:
        return 1 + len(o["id"]) // 2
    if t == 19:
        return 5 + len(o["data"]) // 2
    if t == 25:
        return 2 + len(o["lli"]) // 2
    if t == 33:
        return 6 if o["has_key"] else 2
    raise ValueError("unknown option type %d" % t)


def opt_fields(o):
    """Field name -> expected value for one option, from the struct."""
    t = o["type"]
    f = {"len": tlv_len(o)}
    if t == 2:
        f["interval"] = o["interval"]
    elif t == 3:
        f["addr"] = norm_ip(o["addr"])
    elif t == 8:
        f["subtype"] = o["subtype"]
        f["id"] = o["id"]
    elif t == 19:
        f["vendor"] = o["vendor"]
        f["subtype"] = o["subtype"]
        f["data"] = o["data"]
    elif t == 22:
        f["reserved"] = 0
        f["plen"] = o["plen"]
        f["prefix"] = norm_ip(o["prefix"])
    elif t == 23:
        f["reserved"] = 0
        f["hi"] = o["hi"]
    elif t == 24:
        f["reserved"] = 0
        f["att"] = o["att"]
    elif t == 25:
        f["reserved"] = 0
        f["lli"] = o["lli"]
    elif t == 26:
        f["addr"] = norm_ip(o["addr"])
    elif t == 27:
        f["sec"] = o["sec"]
        f["frac"] = o["frac"]
    elif t == 28:
        f["counter"] = o["counter"]
    elif t == 33:
        f["reserved"] = 0
        if o["has_key"]:
            f["key"] = o["key"]
    elif t == 36:
        f["plen"] = o["plen"]
        f["reserved"] = 0
        f["addr"] = norm_ip(o["addr"])
    elif t == 37:
        f["status"] = o["status"]
        f["plen"] = o["plen"]
        f["addr"] = norm_ip(o["addr"])
    elif t == 38:
        f["reserved"] = 0
        f["addr"] = norm_ip(o["addr"])
    f["raw"] = opt_data(o)
    return f


def opt_data(o):
    """The option's data octets, encoded here independently of the C codec
    (layouts from protocol.md C), as hex."""
    t = o["type"]
    ip6 = lambda a: socket.inet_pton(socket.AF_INET6, a)  # noqa: E731
    ip4 = lambda a: socket.inet_pton(socket.AF_INET, a)  # noqa: E731
    if t == 2:
        b = struct.pack("!H", o["interval"])
    elif t in (3, 26):
        b = ip6(o["addr"])
    elif t == 8:
        b = bytes([o["subtype"]]) + bytes.fromhex(o["id"])
    elif t == 19:
        b = struct.pack("!IB", o["vendor"], o["subtype"]) + \
            bytes.fromhex(o["data"])
    elif t == 22:
        b = bytes([0, o["plen"]]) + ip6(o["prefix"])
    elif t == 23:
        b = bytes([0, o["hi"]])
    elif t == 24:
        b = bytes([0, o["att"]])
    elif t == 25:
        b = b"\0\0" + bytes.fromhex(o["lli"])
    elif t == 27:
        b = struct.pack("!Q", o["sec"] << 16 | o["frac"])
    elif t == 28:
        b = struct.pack("!I", o["counter"])
    elif t == 33:
        b = b"\0\0" + (struct.pack("!I", o["key"]) if o["has_key"] else b"")
    elif t == 36:
        b = struct.pack("!H", o["plen"] << 10) + ip4(o["addr"])
    elif t == 37:
        b = bytes([o["status"], o["plen"] << 2]) + ip4(o["addr"])
    elif t == 38:
        b = b"\0\0" + ip4(o["addr"])
    else:
        raise ValueError("unknown option type %d" % t)
    return b.hex()


def opt_keys(options):
    """[(key prefix, type, option)] with an index on repeatable types."""
    seen = {}
    out = []
    for o in options:
        t = o["type"]
        n = seen.get(t, 0)
        seen[t] = n + 1
        name = OPTS[t][0]
        out.append(("%s[%d]" % (name, n) if t in REPEATABLE else name, t, o))
    return out


def expected_fields(e, csum):
    """Ordered [(key, value)] a decoder must reproduce for frame e."""
    x = []
    if e["link"] == "ip6":
        x += [("ip6.src", norm_ip(e["src"])), ("ip6.dst", norm_ip(e["dst"])),
              ("ip6.nxt", 135), ("ip6.plen", e["mh_len"])]
    else:
        x += [("ip4.src", e["src"]), ("ip4.dst", e["dst"]),
              ("udp.srcport", 5436), ("udp.dstport", 5436),
              ("udp.length", 8 + e["mh_len"])]
    x += [("mh.proto", 59), ("mh.hlen", e["mh_len"] // 8 - 1),
          ("mh.type", e["type"]), ("mh.reserved", 0), ("mh.csum", csum),
          ("mh.length", e["mh_len"])]
    t = e["type"]
    if t == MH_TYPE_BU:
        x.append(("bu.seq", e["seq"]))
        x += [("bu.flag." + n, int(bool(e["flags"] & m))) for n, m in BU_FLAGS]
        x.append(("bu.flags.low9", e["flags"] & 0x1ff))
        x.append(("bu.lifetime", e["lifetime"]))
    elif t == MH_TYPE_BA:
        x.append(("ba.status", e["status"]))
        x += [("ba.flag." + n, int(bool(e["flags"] & m))) for n, m in BA_FLAGS]
        x.append(("ba.flags.low5", e["flags"] & 0x1f))
        x += [("ba.seq", e["seq"]), ("ba.lifetime", e["lifetime"])]
    elif t == MH_TYPE_BE:
        x += [("be.status", e["status"]), ("be.reserved", 0),
              ("be.home", norm_ip(e["home"]))]
    elif t == MH_TYPE_HB:
        x += [("hb.flag." + n, int(bool(e["flags"] & m))) for n, m in HB_FLAGS]
        x.append(("hb.seq", e["hb_seq"]))
    elif t == MH_TYPE_BR:
        x.append(("br.type", e["br_type"]))
        if e["br_type"] == 1:
            x.append(("bri.trigger", e["trigger"]))
        else:
            x.append(("bra.status", e["status"]))
        x.append(("br.seq", e["seq"]))
        x += [("br.flag." + n, int(bool(e["flags"] & m))) for n, m in BR_FLAGS]
        x.append(("br.reserved", e["flags"] & 0x1fff))
    if t in (MH_TYPE_HB, MH_TYPE_BR):
        x.append(("generic.length", e["mh_len"] - 6))
    for key, _, o in opt_keys(e["options"]):
        x += [("%s.%s" % (key, f), v) for f, v in opt_fields(o).items()]
        x.append(("%s.align" % key, "ok"))
    x += [("decode.clean", "ok"),
          ("options.unexpected", "none"), ("padding.zero", "ok"),
          ("padding.minimal", "ok"), ("options.cover", "ok")]
    return x


# ------------------------------------------------------ decoder-free checks

def inet_sum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def mh_checksum(src, dst, mh):
    """RFC 6275 6.1.1: pseudo-header (RFC 8200 8.1) + MH, field zeroed."""
    ph = socket.inet_pton(socket.AF_INET6, src) + \
        socket.inet_pton(socket.AF_INET6, dst) + \
        struct.pack("!I3xB", len(mh), 135)
    return (~inet_sum(ph + mh[:4] + b"\0\0" + mh[6:])) & 0xffff


def read_pcap(path):
    """Frames of a classic pcap file, parsed here without any library."""
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    if magic == 0xa1b2c3d4:
        end = "<"
    elif magic == 0xd4c3b2a1:
        end = ">"
    else:
        raise ValueError("%s: not a pcap file" % path)
    linktype = struct.unpack(end + "I", data[20:24])[0]
    if linktype != 1:
        raise ValueError("%s: link type %d, want Ethernet" % (path, linktype))
    frames, off = [], 24
    while off < len(data):
        _, _, caplen, _ = struct.unpack(end + "IIII", data[off:off + 16])
        frames.append(data[off + 16:off + 16 + caplen])
        off += 16 + caplen
    return frames


def frame_mh(frame, e):
    """(MH bytes, offset of the MH in the frame) for expectation e."""
    if e["link"] == "ip6":
        return frame[54:], 54
    ihl = (frame[14] & 0x0f) * 4
    return frame[14 + ihl + 8:], 14 + ihl + 8


def independent_checks(frame, e):
    """[(key, want, got)] computed in Python from the frame bytes alone."""
    mh, _ = frame_mh(frame, e)
    out = [("mh.length", e["mh_len"], len(mh)),
           ("mh.hlen*8+8", len(mh), (mh[1] + 1) * 8 if len(mh) > 1 else -1)]
    if e["link"] == "ip6":
        ip = frame[14:54]
        out.append(("eth.type", 0x86dd, struct.unpack("!H", frame[12:14])[0]))
        out.append(("ip6.plen", len(mh), struct.unpack("!H", ip[4:6])[0]))
        out.append(("ip6.nxt", 135, ip[6]))
        out.append(("mh.csum.valid", 0xffff,
                    inet_sum(socket.inet_pton(socket.AF_INET6, e["src"]) +
                             socket.inet_pton(socket.AF_INET6, e["dst"]) +
                             struct.pack("!I3xB", len(mh), 135) + mh)))
        out.append(("mh.csum.value", mh_checksum(e["src"], e["dst"], mh),
                    struct.unpack("!H", mh[4:6])[0]))
    else:
        ihl = (frame[14] & 0x0f) * 4
        ip, udp = frame[14:14 + ihl], frame[14 + ihl:]
        out.append(("eth.type", 0x0800, struct.unpack("!H", frame[12:14])[0]))
        out.append(("ip4.csum.valid", 0xffff, inet_sum(ip)))
        ph = ip[12:20] + struct.pack("!xBH", 17, len(udp))
        out.append(("udp.csum.valid", 0xffff, inet_sum(ph + udp)))
        out.append(("mh.csum.value (RFC 5844: zero)", 0,
                    struct.unpack("!H", mh[4:6])[0]))
    for key, t, o in opt_keys(e["options"]):
        if t != 27:
            continue
        # mh_ts_make(): the 48.16 value must be the intended time, to the
        # nearest or the next lower 1/65536 s (RFC 5213 8.8).
        want = o["want_sec"] * 65536 + o["want_nsec"] * 65536 / 1e9
        got = o["sec"] * 65536 + o["frac"]
        out.append(("%s.intent (mh_ts_make)" % key, "ok",
                    "ok" if -1 < want - got < 1 else
                    "%d.%05d s for %d.%09d s" % (o["sec"], o["frac"],
                                                 o["want_sec"],
                                                 o["want_nsec"])))
    return out


# ---------------------------------------------------------- option layout

def layout_checks(opts, start, end):
    """Alignment, padding and coverage of a decoded option list.

    opts: [(type, offset from MH start, total size, pad data hex or None)].
    Returns {key: value} for 'padding.*' and 'options.cover'.
    """
    res = {"padding.zero": "ok", "padding.minimal": "ok",
           "options.cover": "ok"}
    off, run, runopts = start, 0, []
    for t, pos, size, pad in opts:
        if pos != off and res["options.cover"] == "ok":
            res["options.cover"] = "gap/overlap at %d (expected %d)" % (pos,
                                                                       off)
        off = pos + size
        if t in (OPT_PAD1, OPT_PADN):
            run += size
            runopts.append(t)
            if pad and int(pad, 16) != 0 and res["padding.zero"] == "ok":
                res["padding.zero"] = "non-zero PadN at %d" % pos
            continue
        x, y = OPTS[t][1:] if t in OPTS else (0, 0)
        before = pos - run
        if x is None:
            need = run if run < 8 else 7    # any alignment is allowed
        else:
            need = (y - before) % x if x else 0
        if (run != need or not _pad_form(run, runopts)) and \
                res["padding.minimal"] == "ok":
            res["padding.minimal"] = "%d octets (%s) before type %d at %d, " \
                "minimal %d" % (run, runopts, t, pos, need)
        run, runopts = 0, []
    if off != end and res["options.cover"] == "ok":
        res["options.cover"] = "options end at %d, MH at %d" % (off, end)
    need = (-(off - run)) % 8
    if (run != need or not _pad_form(run, runopts)) and \
            res["padding.minimal"] == "ok":
        res["padding.minimal"] = "trailing %d octets (%s), minimal %d" % (
            run, runopts, need)
    return res


def _pad_form(run, runopts):
    """One Pad1 for one octet, one PadN for more, nothing for none."""
    if run == 0:
        return not runopts
    return runopts == ([OPT_PAD1] if run == 1 else [OPT_PADN])


# ----------------------------------------------------------------- compare

def decoded_options(view):
    """{key: (type, offset, decoder object, raw)} for the non-pad options
    the decoder found, keyed like opt_keys(); plus the unknown ones."""
    out = {}
    seen = {}
    unknown = []
    for t, pos, obj, raw in view.options():
        n = seen.get(t, 0)
        seen[t] = n + 1
        if t not in OPTS:
            unknown.append("type %d at %d" % (t, pos))
            continue
        name = OPTS[t][0]
        key = "%s[%d]" % (name, n) if t in REPEATABLE else name
        out[key] = (t, pos, obj, raw)
    return out, unknown


def alignment(t, pos):
    """'ok' when an option of type t may start at MH offset pos."""
    x, y = OPTS[t][1:]
    if not x or pos % x == y:
        return "ok"
    return "offset %d, want %dn+%d" % (pos, x, y)


def check_frame(view, e, want):
    """[(key, want, status, got)]: status ok|MISMATCH|SKIP|n/a."""
    res = []
    opts, unknown = decoded_options(view)
    start = {MH_TYPE_BE: 24}.get(e["type"], 12)
    lay = layout_checks(view.layout(), start, e["mh_len"])
    wanted_keys = {k for k, _, _ in opt_keys(e["options"])}
    extra = sorted(set(opts) - wanted_keys) + unknown
    for key, w in want:
        head = key.split(".")[0]
        got = NA
        if head in wanted_keys:
            fname = key[len(head) + 1:]
            if head not in opts:
                got = ABSENT
            elif fname == "align":
                got = alignment(opts[head][0], opts[head][1])
            else:
                t, pos, obj, raw = opts[head]
                got = view.option(t, obj, raw, fname, w)
        elif key == "options.unexpected":
            got = ", ".join(extra) if extra else "none"
        elif key in ("padding.zero", "padding.minimal", "options.cover"):
            got = lay[key]
        else:
            got = view.header(key)
        if got is NA:
            res.append((key, w, "n/a", None))
        elif isinstance(got, Skip):
            res.append((key, w, "SKIP " + got.key, None))
        elif got is ABSENT:
            res.append((key, w, "MISMATCH", "(absent)"))
        elif got == w:
            res.append((key, w, "ok", got))
        else:
            res.append((key, w, "MISMATCH", got))
    return res


def scapy_extra(view, e):
    """scapy's own checksum routine over our MH (a second opinion)."""
    if e["link"] != "ip6":
        return []
    mh = view.mh_bytes
    c = view.sc.in6_chksum(135, view.ip, mh[:4] + b"\0\0" + mh[6:])
    return [("mh.csum (scapy in6_chksum)", struct.unpack("!H", mh[4:6])[0],
             c)]


class BrokenView(object):
    """Stands in for a decoder that raised on a frame: every field fails."""

    def __init__(self, ex):
        self.msg = "decoder raised %s: %s" % (type(ex).__name__, ex)

    def header(self, key):
        return self.msg

    def option(self, *args):
        return self.msg

    def layout(self):
        return []

    def options(self):
        return []


def fmt(v):
    if isinstance(v, str):
        if v == "":
            return '""'
        return v if len(v) <= 34 else v[:31] + "..."
    return str(v)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pcap", required=True)
    ap.add_argument("--expect", required=True)
    ap.add_argument("--tshark", default="tshark")
    ap.add_argument("-q", "--quiet", action="store_true",
                    help="print only mismatches and the summary")
    a = ap.parse_args()

    try:
        sc = ScapyMods()
    except ImportError as ex:
        print("xcheck: SKIP: scapy not importable by %s (%s); install "
              "Debian's python3-scapy" % (sys.executable, ex))
        return EXIT_SKIP
    tshark = a.tshark
    if os.sep not in tshark:
        from shutil import which
        tshark = which(tshark)
    if not tshark or not os.access(tshark, os.X_OK):
        print("xcheck: SKIP: tshark not found (%s); install Debian's tshark"
              % a.tshark)
        return EXIT_SKIP

    with open(a.expect) as f:
        exp = json.load(f)["frames"]
    frames = read_pcap(a.pcap)
    if len(frames) != len(exp):
        print("xcheck: %d frames in %s but %d expectations" % (
            len(frames), a.pcap, len(exp)))
        return EXIT_ERROR
    packets = tshark_frames(tshark, a.pcap)
    spkts = sc.rdpcap(a.pcap)
    if len(packets) != len(exp) or len(spkts) != len(exp):
        print("xcheck: tshark read %d frames, scapy %d, expected %d" % (
            len(packets), len(spkts), len(exp)))
        return EXIT_ERROR

    tot = {"python": [0, 0, 0], "tshark": [0, 0, 0], "scapy": [0, 0, 0]}
    skipped = {"tshark": {}, "scapy": {}}
    seen_types, seen_opts = set(), set()
    for i, e in enumerate(exp):
        frame = frames[i]
        mh, _ = frame_mh(frame, e)
        csum = mh_checksum(e["src"], e["dst"], mh) if e["link"] == "ip6" \
            else 0
        want = expected_fields(e, csum)
        try:
            tv = TsharkView(packets[i], e)
        except Exception as ex:  # a decoder choking on us is a finding
            tv = BrokenView(ex)
        try:
            sv = ScapyView(spkts[i], e, sc)
        except Exception as ex:
            sv = BrokenView(ex)
        if isinstance(tv, TsharkView):
            seen_types.add(e["type"])
            seen_opts.update(t for t, _, _, _ in tv.layout())
        rt = check_frame(tv, e, want)
        rs = check_frame(sv, e, want)
        ind = independent_checks(frame, e)
        if isinstance(sv, ScapyView):
            ind += scapy_extra(sv, e)

        plines, lines = [], []
        for k, w, g in ind:
            ok = w == g
            tot["python"][0] += 1
            tot["python"][2] += not ok
            if not ok or not a.quiet:
                plines.append("  %-30s %-34s %s" % (
                    k, fmt(w), "ok" if ok else "MISMATCH got %s" % fmt(g)))
        cnt = {}
        for (k, w, st, g), (_, _, st2, g2) in zip(rt, rs):
            row = []
            for dec, s, gv in (("tshark", st, g), ("scapy", st2, g2)):
                c = cnt.setdefault(dec, [0, 0, 0])
                if s == "ok":
                    c[0] += 1
                    row.append("ok")
                elif s.startswith("SKIP"):
                    c[1] += 1
                    r = s.split()[1]
                    skipped[dec].setdefault(r, set()).add(
                        re.sub(r"\[\d+\]", "", k))
                    row.append("skip(%s)" % r)
                elif s == "n/a":
                    row.append("-")
                else:
                    c[0] += 1
                    c[2] += 1
                    row.append("MISMATCH got %s" % fmt(gv))
            bad = any(r.startswith("MISMATCH") for r in row)
            if bad or not a.quiet:
                lines.append("  %-30s %-34s %-14s %s" % (k, fmt(w), row[0],
                                                       row[1]))
        for dec in ("tshark", "scapy"):
            for j in range(3):
                tot[dec][j] += cnt[dec][j]
        print("frame %d %s (%s, MH type %d, %d octets): tshark %d checked, "
              "%d skipped, %d mismatches; scapy %d checked, %d skipped, "
              "%d mismatches" % (
                  i + 1, e["name"], e["link"], e["type"], e["mh_len"],
                  cnt["tshark"][0], cnt["tshark"][1], cnt["tshark"][2],
                  cnt["scapy"][0], cnt["scapy"][1], cnt["scapy"][2]))
        if plines:
            print("  %-30s %-34s %s" % ("independent check",
                                        "expected", "result"))
            print("\n".join(plines))
        if lines:
            print("  %-30s %-34s %-14s %s" % ("field", "encoded", "tshark",
                                              "scapy"))
            print("\n".join(lines))

    # The test set itself: every message type and every option, pads
    # included, must have been on the wire (as tshark saw it).
    want_types = {MH_TYPE_BU, MH_TYPE_BA, MH_TYPE_BE, MH_TYPE_HB, MH_TYPE_BR}
    want_opts = set(OPTS) | {OPT_PAD1, OPT_PADN}
    miss = sorted(want_types - seen_types), sorted(want_opts - seen_opts)
    tot["python"][0] += 1
    print()
    if miss[0] or miss[1]:
        tot["python"][2] += 1
        print("coverage: MISMATCH: never encoded: MH types %s, options %s"
              % miss)
    else:
        print("coverage: MH types %s and option types %s all encoded" % (
            sorted(seen_types), sorted(seen_opts & want_opts)))
    print()
    print("Skipped fields (known decoder bugs):")
    for dec in ("tshark", "scapy"):
        for r in sorted(skipped[dec]):
            print("  %s [%s] %s:\n      %s" % (
                dec, r, KNOWN[r], " ".join(sorted(skipped[dec][r]))))
    print("Compared as numbers, so not affected: the value-string labels "
          "Wireshark gets wrong\n  (BA status 143-148 I.1, BRA status I.2, "
          "IPv4 HoA Reply status I.3, HI 6 / ATT 13 I.15)\n  and the names "
          "scapy lacks (BA status >= 151 I.1, MN-ID subtypes I.14).")
    mism = tot["tshark"][2] + tot["scapy"][2] + tot["python"][2]
    print("xcheck: %d frames; python %d checks, %d failed; tshark %d fields "
          "checked, %d skipped (known bugs), %d mismatches; scapy %d checked, "
          "%d skipped (known bugs), %d mismatches" % (
              len(exp), tot["python"][0], tot["python"][2],
              tot["tshark"][0], tot["tshark"][1], tot["tshark"][2],
              tot["scapy"][0], tot["scapy"][1], tot["scapy"][2]))
    return EXIT_FAIL if mism else EXIT_OK


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, ValueError, RuntimeError, ET.ParseError) as ex:
        print("xcheck: error: %s" % ex)
        sys.exit(EXIT_ERROR)
