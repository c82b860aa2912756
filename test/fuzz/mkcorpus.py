#!/usr/bin/env python3
"""Write the seed corpus of fuzz_mh into test/fuzz/corpus/.

The seeds are the Mobility Headers of the shared vectors (shared/vectors/,
protocol.md H) plus hand-made messages: every option the codec knows alone
and all of them in every message type, and a set of malformed ones
(bad lengths, overruns, repeated singletons, bad types).  The files are
checked in; run this again only to change the seeds:

    python3 test/fuzz/mkcorpus.py [OUTDIR]
"""

import os
import sys

# The shared vectors (MH only), copied from the pcaps.
VECTORS = {
    "vec-pbu": (
        "3b09050039cf0001820003840810016d6e31406578616d706c652e6f72670104"
        "000000001612004020010db80001000000000000000000001702000118020004"
        "01001b08000065920080000001020000"
    ),
    "vec-pba": (
        "3b090600baaf0020000103840810016d6e31406578616d706c652e6f72670104"
        "000000001612004020010db80001000000000000000000001702000118020004"
        "01001b08000065920080000001020000"
    ),
    "vec-bri": (
        "3b061000e58c0101000780001612004020010db8000100000000000000000000"
        "0810016d6e31406578616d706c652e6f7267010400000000"
    ),
    "vec-bra-status128": "3b011000d36a02800007800001020000",
    "vec-bri-global-trigger128": "3b011000b46901800008a00001020000",
    "vec-pba-status145": (
        "3b0906002d339120000100000810016d6e31406578616d706c652e6f72670104"
        "000000001612004020010db80001000000000000000000001702000118020004"
        "01001b08000065920080000001020000"
    ),
    "vec-hb-request": "3b010d0058e200000000001001020000",
    "vec-hb-response": "3b020d003bd100010000001001001c040000000301020000",
    "vec-pbu-udp": (
        "3b09050000000001820003840810016d6e31406578616d706c652e6f72670104"
        "000000001612004020010db80001000000000000000000001702000118020004"
        "01001b08000065920080000001020000"
    ),
    "vec-upn": (
        "3b03130027b60009000180000810016d6e31406578616d706c652e6f72670100"
    ),
}

FIXED = {
    "bu": "0001 8200 0384",
    "ba": "00 20 0001 0384",
    "be": "02 00 20010db8000100000000000000000001",
    "hb": "0000 00000010",
    "bri": "01 01 0007 8000",
    "bra": "02 00 0007 8000",
}
TYPE = {"bu": 5, "ba": 6, "be": 7, "hb": 13, "bri": 16, "bra": 16}

# One instance of every option the codec knows, in wire form.
OPTIONS = {
    "refresh": "02 02 0010",
    "altcoa": "03 10 20010db800ff00000000000000000002",
    "mnid": "08 10 01 6d6e31406578616d706c652e6f7267",
    "vsm": "13 08 000028af 01 802110",
    "hnp": "16 12 00 40 20010db8000100000000000000000000",
    "hi": "17 02 00 01",
    "att": "18 02 00 04",
    "mnlli": "19 08 0000 02000000000a",
    "lla": "1a 10 fe800000000000000200 5efffe005213",
    "ts": "1b 08 0000659200800000",
    "restart": "1c 04 00000003",
    "gre": "21 02 0000",
    "grekey": "21 06 0000 01020304",
    "v4req": "24 06 6000 c000020a",
    "v4rep": "25 06 0060 c000020a",
    "v4dr": "26 06 0000 c0000201",
    "unknown": "14 03 696d73",
}


def unhex(s):
    return bytes.fromhex("".join(s.split()))


def compose(shape, opts):
    """A message of the given shape with the options, padded to 8."""
    body = bytes([59, 0, TYPE[shape], 0, 0, 0]) + unhex(FIXED[shape]) + unhex(opts)
    k = (8 - len(body) % 8) % 8
    if k == 1:
        body += b"\0"
    elif k > 1:
        body += bytes([1, k - 2]) + bytes(k - 2)
    return bytes([body[0], len(body) // 8 - 1]) + body[2:]


def seeds():
    out = {}
    for name, hx in VECTORS.items():
        out[name] = unhex(hx)
    for shape in FIXED:
        out[shape + "-bare"] = compose(shape, "")
    for oname, ohx in OPTIONS.items():
        out["bu-" + oname] = compose("bu", ohx)
    allopts = "".join(OPTIONS[k] for k in OPTIONS if k != "gre")
    for shape in FIXED:
        out[shape + "-all"] = compose(shape, allopts)
    out["pba-empty-mnid"] = compose("ba", "08 01 01 " + OPTIONS["hnp"])
    out["bu-16-hnp"] = compose("bu", OPTIONS["hnp"] * 16)
    out["bu-4-vsm"] = compose("bu", OPTIONS["vsm"] * 4)
    out["bu-pads"] = compose("bu", "00 00 01 00 01 03 ffffff 17 02 00 05")
    out["bu-mnid-254"] = compose("bu", "08 ff 01 " + "61" * 254)
    big = bytearray(compose("bu", ""))
    big += bytes(2048 - len(big))
    big[1] = 255
    out["bu-max-2048"] = bytes(big)

    bad = {
        "bad-empty": "",
        "bad-short": "3b 00 05 00 0000 00",
        "bad-shorter-than-hl": "3b 01 05 00 0000 0001",
        "bad-longer-than-hl": "3b 01 05 00 0000 0001 8200 0384 01020000 00",
        "bad-proto": "06 01 05 00 0000 0001 8200 0384 01020000",
        "bad-hdrlen-bu": "3b 00 05 00 0000 0001",
        "bad-hdrlen-be": "3b 01 07 00 0000 0200 20010db8 00010000",
        "bad-type-brr": "3b 00 00 00 0000 0000",
        "bad-type-255": "3b 00 ff 00 0000 0000",
        "bad-brtype-0": "3b 01 10 00 0000 00 01 0007 8000 01020000",
        "bad-brtype-3": "3b 01 10 00 0000 03 00 0007 8000 01020000",
    }
    for name, hx in bad.items():
        out[name] = unhex(hx)
    badopts = {
        "bad-hnp-len17": "16 11 00 40 20010db80001000000000000000000",
        "bad-hnp-plen129": "16 12 00 81 20010db8000100000000000000000000",
        "bad-ts-len7": "1b 07 00006592008000",
        "bad-gre-len4": "21 04 0000 0001",
        "bad-mnid-empty": "08 01 01",
        "bad-mnid-len0": "08 00",
        "bad-vsm-len4": "13 04 000028af",
        "bad-mnlli-len1": "19 01 00",
        "bad-v4req-plen33": "24 06 8400 c000020a",
        "bad-overrun-hdr": "01 01 00 17",
        "bad-overrun-data": "16 12 00 40",
        "bad-dup-mnid": "08 02 01 61 08 02 01 62",
        "bad-dup-hi": "17 02 00 01 17 02 00 01",
        "bad-dup-ts": "1b 08 0000659200800000 1b 08 0000659200800000",
        "bad-17-hnp": OPTIONS["hnp"] * 17,
        "bad-5-vsm": OPTIONS["vsm"] * 5,
    }
    for name, ohx in badopts.items():
        out[name] = compose("bu", ohx)
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "corpus")
    os.makedirs(outdir, exist_ok=True)
    for name, data in sorted(seeds().items()):
        with open(os.path.join(outdir, name + ".bin"), "wb") as f:
            f.write(data)
    print("%d seeds in %s" % (len(seeds()), outdir))


if __name__ == "__main__":
    main()
