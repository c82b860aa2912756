"""xcheck_decode.py: the two decoders of the MH cross-check (xcheck.py).

TsharkView reads one frame of `tshark -T pdml` output (Wireshark 4.0.17's
packet-mip6.c), ScapyView one frame as scapy 2.5.0's scapy.layers.inet6
dissects it.  Both answer the checker's canonical keys ("bu.seq",
"hnp[0].prefix", ...) with the value the decoder shows, NA when it has no
such field, ABSENT when it should have one and does not, or Skip(bug)
when a known decoder bug (xcheck.KNOWN) keeps it from reading the field.
"""

import ipaddress
import os
import re
import subprocess
import xml.etree.ElementTree as ET

MH_TYPE_BU, MH_TYPE_BA, MH_TYPE_BE, MH_TYPE_HB, MH_TYPE_BR = 5, 6, 7, 13, 16
OPT_PAD1, OPT_PADN = 0, 1


class Skip(object):
    """A field the decoder cannot read because of a known bug."""

    def __init__(self, key):
        self.key = key


NA = object()       # the decoder has no such field; neither checked nor skipped
ABSENT = object()   # the decoder should have shown the field and did not


def norm_ip(s):
    return ipaddress.ip_address(s).compressed


# ----------------------------------------------------------------- tshark

def tshark_frames(tshark, pcap):
    env = dict(os.environ)
    env.setdefault("HOME", os.environ.get("TMPDIR", "/tmp"))
    env["LC_ALL"] = "C"
    env["TZ"] = "UTC"
    cmd = [tshark, "-n", "-r", pcap, "-T", "pdml"]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=env, check=False)
    err = [ln for ln in p.stderr.decode(errors="replace").splitlines()
           if ln.strip() and "Running as user" not in ln]
    if p.returncode != 0:
        raise RuntimeError("tshark failed (%d): %s" % (p.returncode,
                                                       "; ".join(err)))
    for ln in err:
        print("tshark: %s" % ln)
    return ET.fromstring(p.stdout).findall("packet")


def _walk(el, out, skip_opts):
    for f in el.findall("field"):
        n = f.get("name", "")
        if skip_opts and n.startswith("mip6.options."):
            continue
        if n and n not in out:
            out[n] = f
        _walk(f, out, skip_opts)


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
          "Oct", "Nov", "Dec")


def days_from_civil(y, m, d):
    """Days since 1970-01-01 of a proleptic Gregorian date (any year)."""
    y -= m <= 2
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def parse_ws_time(s):
    """'Jan  1, 2024 00:00:00.500000000 UTC' -> (seconds, nanoseconds)."""
    m = re.match(r"(\w{3})\s+(\d+), (\d+) (\d+):(\d+):(\d+)\.(\d{9}) UTC$",
                 s.strip())
    if not m:
        return None
    mon = MONTHS.index(m.group(1)) + 1
    days = days_from_civil(int(m.group(3)), mon, int(m.group(2)))
    sec = days * 86400 + int(m.group(4)) * 3600 + int(m.group(5)) * 60 + \
        int(m.group(6))
    return sec, int(m.group(7))


class TsharkView(object):
    """One frame as tshark's PDML shows it, answering canonical keys."""

    name = "tshark"

    def __init__(self, packet, e):
        self.e = e
        protos = {p.get("name"): p for p in packet.iter("proto")}
        self.ip = protos.get("ipv6") if e["link"] == "ip6" else \
            protos.get("ip")
        self.udp = protos.get("udp")
        self.mip = protos.get("mipv6")
        self.fixed = {}
        self.opts = []
        self.expert = sorted({f.get("show") for f in packet.iter("field")
                              if f.get("name") == "_ws.expert.message"})
        if self.mip is None:
            return
        base = int(self.mip.get("pos"))
        _walk(self.mip, self.fixed, True)
        for f in self.mip.iter("field"):
            n = f.get("name", "")
            if not n.startswith("mip6.options."):
                continue
            sub = {}
            _walk(f, sub, False)
            raw = f.get("value", "")
            self.opts.append((int(raw[:2], 16), int(f.get("pos")) - base,
                              int(f.get("size")), sub, raw))

    @staticmethod
    def _int(f):
        s = f.get("show")
        return int(s, 0) if s.lower().startswith("0x") else int(s)

    def field(self, name, conv=None, where=None):
        f = (where if where is not None else self.fixed).get(name)
        if f is None:
            return ABSENT
        if conv is None:
            return self._int(f)
        return conv(f)

    def header(self, key):
        ipf = {}
        if self.ip is not None:
            _walk(self.ip, ipf, False)
        udpf = {}
        if self.udp is not None:
            _walk(self.udp, udpf, False)
        show = lambda f: f.get("show")  # noqa: E731
        ip6 = lambda f: norm_ip(f.get("show"))  # noqa: E731
        tab = {
            "ip6.src": ("ipv6.src", ip6, ipf), "ip6.dst": ("ipv6.dst", ip6, ipf),
            "ip6.nxt": ("ipv6.nxt", None, ipf),
            "ip6.plen": ("ipv6.plen", None, ipf),
            "ip4.src": ("ip.src", show, ipf), "ip4.dst": ("ip.dst", show, ipf),
            "udp.srcport": ("udp.srcport", None, udpf),
            "udp.dstport": ("udp.dstport", None, udpf),
            "udp.length": ("udp.length", None, udpf),
            "mh.proto": ("mip6.proto", None, None),
            "mh.hlen": ("mip6.hlen", None, None),
            "mh.type": ("mip6.mhtype", None, None),
            "mh.reserved": ("mip6.reserved", None, None),
            "mh.csum": ("mip6.csum", None, None),
            "bu.seq": ("mip6.bu.seqnr", None, None),
            "bu.lifetime": ("mip6.bu.lifetime", None, None),
            "bu.flag.A": ("mip6.bu.a_flag", None, None),
            "bu.flag.H": ("mip6.bu.h_flag", None, None),
            "bu.flag.L": ("mip6.bu.l_flag", None, None),
            "bu.flag.K": ("mip6.bu.k_flag", None, None),
            "bu.flag.M": ("mip6.bu.m_flag", None, None),
            "bu.flag.R": ("mip6.nemo.bu.r_flag", None, None),
            "bu.flag.P": ("mip6.bu.p_flag", None, None),
            "bu.flag.F": ("mip6.bu.f_flag", None, None),
            "bu.flag.T": ("mip6.bu.t_flag", None, None),
            "bu.flag.B": ("mip6.bu.b_flag", None, None),
            "ba.status": ("mip6.ba.status", None, None),
            "ba.seq": ("mip6.ba.seqnr", None, None),
            "ba.lifetime": ("mip6.ba.lifetime", None, None),
            "ba.flag.K": ("mip6.ba.k_flag", None, None),
            "ba.flag.R": ("mip6.nemo.ba.r_flag", None, None),
            "ba.flag.P": ("mip6.ba.p_flag", None, None),
            "ba.flag.T": ("mip6.ba.t_flag", None, None),
            "ba.flag.B": ("mip6.ba.b_flag", None, None),
            "be.status": ("mip6.be.status", None, None),
            "be.home": ("mip6.be.haddr", ip6, None),
            "hb.flag.U": ("mip6.hb.u_flag", None, None),
            "hb.flag.R": ("mip6.hb.r_flag", None, None),
            "hb.seq": ("mip6.hb.seqnr", None, None),
            "br.type": ("mip6.bri_br.type", None, None),
            "bri.trigger": ("mip6.bri_r.trigger", None, None),
            "bra.status": ("mip6.bri_status", None, None),
            "br.seq": ("mip6.bri_seqnr", None, None),
            "br.reserved": ("mip6.bri_res", None, None),
        }
        if key.startswith("br.flag."):
            # BRI and BRA use distinct field names for the same bits.
            bri = self.e.get("br_type") == 1
            n = {"P": ("bri_ip", "bri_ap"), "V": ("bri_iv", "bri_av"),
                 "G": ("bri_ig", "bri_ag")}[key[-1]][0 if bri else 1]
            return self.field("mip6." + n)
        if key == "mh.length":
            return ABSENT if self.mip is None else int(self.mip.get("size"))
        if key == "decode.clean":
            # no expert info: no malformed packet, no stray octets
            empty_id = any(o["type"] == 8 and o["id"] == ""
                           for o in self.e["options"])
            rest = [m for m in self.expert if not (
                empty_id and m.startswith("Mobile Node Identifier (with "
                                          "option length = 1 byte"))]
            if rest:
                return "; ".join(rest)
            return Skip("WS-MNID0") if self.expert else "ok"
        if key not in tab:
            return NA
        name, conv, where = tab[key]
        return self.field(name, conv, where)

    def layout(self):
        return [(t, pos, size,
                 raw[4:] if t == OPT_PADN else (raw[2:] if t == OPT_PAD1
                                                  else None))
                for t, pos, size, _, raw in self.opts]

    def option(self, t, sub, raw, fname, want):
        """Decoded value of field fname of an option (type t)."""
        g = lambda n, c=None: self.field(n, c, sub)  # noqa: E731
        ip = lambda f: norm_ip(f.get("show").split()[0])  # noqa: E731
        hexv = lambda f: f.get("value", "")  # noqa: E731
        if fname == "len":
            return g("mip6.mobility_opt.len")
        if fname == "raw":
            # the option's data octets as tshark delimits them
            return raw[4:]
        if fname == "reserved" and t == 22:
            return NA   # HNP reserved octet is not shown
        tab = {
            (2, "interval"): ("mip6.bra.interval", None),
            (3, "addr"): ("mip6.acoa.acoa", ip),
            (8, "subtype"): ("mip6.mnid.subtype", None),
            (8, "id"): ("mip6.mnid.identifier", hexv),
            (19, "vendor"): ("mip6.vsm.vendorId", None),
            (19, "subtype"): ("mip6.vsm.subtype", None),
            (19, "data"): ("mip6.vsm.data", hexv),
            (22, "plen"): ("mip6.nemo.mnp.pfl", None),
            (22, "prefix"): ("mip6.nemo.mnp.mnp", ip),
            (23, "reserved"): ("mip6.hi.reserved", None),
            (23, "hi"): ("mip6.hi", None),
            (24, "reserved"): ("mip6.att.reserved", None),
            (24, "att"): ("mip6.att", None),
            (25, "reserved"): ("mip6.mnlli.reserved", None),
            (25, "lli"): ("mip6.mnlli.lli", hexv),
            (26, "addr"): ("mip6.lila_lla", ip),
            (28, "counter"): ("mip6.rc", None),
            (33, "reserved"): ("mip6.ipv4dra.reserved", None),
            (33, "key"): ("mip6.gre_key", None),
            (36, "plen"): ("mip6.ipv4ha.preflen", None),
            (36, "reserved"): ("mip6.ipv4ha.reserved", None),
            (36, "addr"): ("mip6.ipv4ha.ha", ip),
            (37, "status"): ("mip6.ipv4aa.sts", None),
            (37, "plen"): ("mip6.ipv4ha.preflen", None),
            (37, "addr"): ("mip6.ipv4ha.ha", ip),
            (38, "reserved"): ("mip6.ipv4dra.reserved", None),
            (38, "addr"): ("mip6.ipv4dra.dra", ip),
        }
        if t == 27 and fname in ("sec", "frac"):
            f = sub.get("mip6.timestamp_tmp")
            if f is None:
                return ABSENT
            st = parse_ws_time(f.get("show"))
            if st is None:
                return "unparsed %r" % f.get("show")
            # Wireshark prints the 1/65536 s fraction as nanoseconds,
            # truncated; map it back to 1/65536 units.
            if fname == "sec":
                return st[0]
            return int(round(st[1] * 65536 / 1e9))
        if t == 8 and fname == "id" and want == "":
            # an empty identifier: tshark adds no Identifier field
            f = sub.get("mip6.mnid.identifier")
            return "" if f is None else hexv(f)
        if t == 19 and fname == "data":
            f = sub.get("mip6.vsm.data")
            got = "" if f is None else hexv(f)
            n = len(want) // 2
            if got != want and got == want[:2 * max(n - 2, 0)]:
                return Skip("WS-VSM")
            return got
        if (t, fname) not in tab:
            return NA
        name, conv = tab[(t, fname)]
        return g(name, conv)

    def options(self):
        return [(t, pos, sub, raw) for t, pos, _, sub, raw in self.opts
                if t not in (OPT_PAD1, OPT_PADN)]


# ------------------------------------------------------------------ scapy

class ScapyView(object):
    """One frame as scapy 2.5.0 dissects it, answering canonical keys."""

    name = "scapy"

    def __init__(self, pkt, e, sc):
        self.e = e
        self.sc = sc
        self.ip = self.udp = None
        if e["link"] == "ip6":
            self.ip = pkt.getlayer(sc.IPv6)
            self.mh = self.ip.payload
            self.mh_bytes = bytes(self.mh)
        else:
            self.ip = pkt.getlayer(sc.IP)
            self.udp = pkt.getlayer(sc.UDP)
            # scapy binds no MH class to UDP 5436 (RFC 5844): dissect the
            # payload with the class scapy itself picks for the MH Type.
            raw = bytes(self.udp.payload)
            cls = sc.mhtype2cls.get(raw[2], sc.MIP6MH_Generic)
            self.mh = cls(raw)
            self.mh_bytes = raw
        self.generic = isinstance(self.mh, sc.MIP6MH_Generic)
        self.opts = []
        omh = self.mh
        if self.generic and self.mh_bytes[2] in (MH_TYPE_HB, MH_TYPE_BR):
            # Heartbeat and Binding Revocation have, like the BA, 6 octets
            # of fixed data before the options at offset 12: let scapy's
            # own option walker (that of MIP6MH_BA) split their options.
            omh = sc.MIP6MH_BA(self.mh_bytes)
        if not hasattr(omh, "options"):
            return
        pos = {MH_TYPE_BE: 24}.get(self.mh_bytes[2], 12)
        for o in omh.options:
            b = bytes(o)
            self.opts.append((b[0], pos, len(b), o, b))
            pos += len(b)

    def header(self, key):
        mh, t = self.mh, self.e["type"]
        if key == "ip6.src":
            return norm_ip(self.ip.src)
        if key == "ip6.dst":
            return norm_ip(self.ip.dst)
        if key == "ip6.nxt":
            return self.ip.nh
        if key == "ip6.plen":
            return self.ip.plen
        if key in ("ip4.src", "ip4.dst"):
            return getattr(self.ip, key[4:])
        if key.startswith("udp."):
            return getattr(self.udp, {"udp.srcport": "sport",
                                      "udp.dstport": "dport",
                                      "udp.length": "len"}[key])
        hdr = {"mh.proto": "nh", "mh.hlen": "len", "mh.type": "mhtype",
               "mh.reserved": "res", "mh.csum": "cksum"}
        if key in hdr:
            return getattr(mh, hdr[key])
        if key == "mh.length":
            return NA
        if key == "decode.clean":
            # nothing left over after the MH layer
            rest = bytes(self.mh.payload)
            if not rest:
                return "ok"
            return Skip("I.11") if self.generic and len(rest) == 8 else \
                "%d octets left over" % len(rest)
        if key == "generic.length":
            if not self.generic:
                return NA
            return len(mh.msg) + len(bytes(mh.payload))
        if self.generic and key.split(".")[0] in ("hb", "br", "bri", "bra"):
            return Skip("I.13/mh")
        if t == MH_TYPE_BU:
            if key == "bu.seq":
                return mh.seq
            if key == "bu.lifetime":
                return mh.mhtime
            if key == "bu.flags.low9":
                return mh.reserved
            if key.startswith("bu.flag."):
                f = key[-1]
                if f in "FTB":
                    return Skip("I.6")
                return int(bool(getattr(mh.flags, f)))
        if t == MH_TYPE_BA:
            if key == "ba.status":
                return mh.status
            if key == "ba.seq":
                return mh.seq
            if key == "ba.lifetime":
                return mh.mhtime
            if key == "ba.flags.low5":
                return mh.res2
            if key.startswith("ba.flag."):
                f = key[-1]
                if f in "TB":
                    return Skip("I.7")
                return int(bool(getattr(mh.flags, f)))
        if t == MH_TYPE_BE:
            if key == "be.status":
                return mh.status
            if key == "be.reserved":
                return mh.reserved
            if key == "be.home":
                return norm_ip(mh.ha)
        return NA

    def layout(self):
        out = []
        for t, pos, size, _, b in self.opts:
            pad = b[2:].hex() if t == OPT_PADN else (
                b[1:].hex() if t == OPT_PAD1 else None)
            out.append((t, pos, size, pad))
        return out

    def options(self):
        return [(t, pos, o, b) for t, pos, _, o, b in self.opts
                if t not in (OPT_PAD1, OPT_PADN)]

    def option(self, t, o, b, fname, want):
        sc = self.sc
        if fname == "len":
            return o.olen
        if fname == "raw":
            # for classless options scapy keeps the data octets as they are
            return b[2:].hex()
        if isinstance(o, sc.MIP6OptUnknown):
            if t == 22 and fname in ("reserved", "plen", "prefix"):
                # RFC 5213 8.3 gave the HNP option the layout of the NEMO
                # Mobile Network Prefix option (type 6), which scapy has.
                m = sc.MIP6OptMobNetPrefix(b"\x06" + b[1:])
                return {"reserved": m.reserved, "plen": m.plen,
                        "prefix": norm_ip(m.prefix)}[fname]
            return Skip("I.13/opt")
        if t == 2 and fname == "interval":
            return o.rinter
        if t == 3 and fname == "addr":
            return norm_ip(o.acoa)
        if t == 8 and fname == "subtype":
            return o.subtype
        if t == 8 and fname == "id":
            return bytes(o.id).hex()
        return NA


class ScapyMods(object):
    """The few scapy names used, imported once."""

    def __init__(self):
        from scapy.utils import rdpcap
        from scapy.layers import inet6
        from scapy.layers.inet import IP, UDP
        self.rdpcap = rdpcap
        self.IPv6 = inet6.IPv6
        self.IP, self.UDP = IP, UDP
        self.MIP6MH_Generic = inet6.MIP6MH_Generic
        self.MIP6MH_BA = inet6.MIP6MH_BA
        self.MIP6OptUnknown = inet6.MIP6OptUnknown
        self.MIP6OptMobNetPrefix = inet6.MIP6OptMobNetPrefix
        self.in6_chksum = inet6.in6_chksum
        self.mhtype2cls = dict(inet6._mip6_mhtype2cls)
