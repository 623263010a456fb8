#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The server benchmark's data, made quickly without the library:

    gen.py packages DIR N         N packages (manifest only, tar.gz, manifest.json first):
                                  N/5 hardware types, 5 versions each
    gen.py sites URL N OUT.lua    register N sites, write their ids and tokens, and N random
                                  descriptions over the same types, as a Lua table for wrk
"""
import concurrent.futures
import io
import json
import random
import sys
import tarfile
import urllib.request

VERSIONS = 5


def packages(d, n):
    types = max(1, n // VERSIONS)
    for i in range(n):
        t, v = i % types, i // types
        name = "t%05d-%d" % (t, v)
        m = json.dumps({"format": 1, "name": name, "version": "%d.0" % (v + 1), "hw": ["T%05d" % t],
                        "files": []}).encode()
        with tarfile.open("%s/%s.tar.gz" % (d, name), "w:gz", compresslevel=1) as tar:
            info = tarfile.TarInfo("manifest.json")
            info.size = len(m)
            tar.addfile(info, io.BytesIO(m))


def lua_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def sites(url, n, out, types):
    rng = random.Random(1)

    def register(i):
        req = urllib.request.Request(url + "/v1/sites", data=json.dumps({"id": "b%05d" % i}).encode(),
                                     method="POST")
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read())["token"]

    with concurrent.futures.ThreadPoolExecutor(max_workers=32) as ex:
        tokens = list(ex.map(register, range(n)))
    descs = []
    for i in range(n):
        hw = {}
        for d in range(rng.randrange(3, 9)):
            t = "T%05d" % rng.randrange(types)
            v = "%d.0" % rng.randrange(1, VERSIONS + 1)
            hw.setdefault(t, {}).setdefault(v, []).append("D%d" % d)
        descs.append(json.dumps({"hw": {t: [{"version": v, "devices": ids} for v, ids in sorted(vs.items())]
                                        for t, vs in hw.items()}}, separators=(",", ":")))
    with open(out, "w") as f:
        f.write("return {\n  sites = {\n")
        for i, t in enumerate(tokens):
            f.write('    {"b%05d", "%s"},\n' % (i, t))
        f.write("  },\n  descriptions = {\n")
        for d in descs:
            f.write("    %s,\n" % lua_string(d))
        f.write("  },\n}\n")


if __name__ == "__main__":
    if sys.argv[1] == "packages":
        packages(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1] == "sites":
        sites(sys.argv[2], int(sys.argv[3]), sys.argv[4], max(1, int(sys.argv[5]) // VERSIONS))
    else:
        sys.exit(__doc__)
