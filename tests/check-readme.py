# SPDX-License-Identifier: BSD-2-Clause
"""Every fenced block of the READMEs is checked against the code, so the docs cannot drift.

Each block is preceded by an HTML comment saying how (a block without one fails):

  <!-- check: help -->        every dupg-sim/dupg-server command in it exists, with every
                              --option it shows (their --help says so), and every path
                              into the repository it names exists
  <!-- check: run [skip=RE] -->  as help, then each command is run in a scratch directory
                              (the build's programs first on PATH) and must succeed;
                              lines matching RE are only checked as help
  <!-- check: output [mask=RE] -->  a `$ COMMAND` line then what it prints (stdout and
                              stderr): each shown line must come out, in order (a block may
                              skip lines); in lines matching RE the numbers may differ; a
                              share (N%) in the paragraph right after the block must be printed
  <!-- check: python -->      run by the build's Python bindings; each `print(...)  # X`
                              must print X
  <!-- check: keys DIR -->    every "key": of the JSON shown is a string the code under
                              DIR (of the sources) knows
  <!-- check: same FILE -->   the block stands, word for word, in FILE (whose own check runs it)
  <!-- check: by FILE -->     FILE (a test or script run by the test command) runs this
                              block from the README itself: it must exist and read it

Usage: check-readme.py SRCDIR BUILDDIR README...
"""
import os
import re
import shlex
import subprocess
import sys
import tempfile

SRC, BUILD = (os.path.abspath(a) for a in sys.argv[1:3])
PROGRAMS = {"dupg-sim": os.path.join(BUILD, "sim", "dupg-sim"),
            "dupg-server": os.path.join(BUILD, "server", "dupg-server")}
REPO_DIRS = ("sim/", "scripts/", "tests/", "bench/", "server/", "include/", "man/",
             "libdupg/", "bindings/", "debian/", "pkgconfig/")
fails = 0
helps = {}


def bad(where, what):
    global fails
    fails += 1
    print("FAIL - %s: %s" % (where, what))


def blocks(path):
    """(line, annotation or None, language, body, the paragraph after) of each fenced block."""
    lines = open(path, encoding="utf-8").read().split("\n")
    out, i, note = [], 0, None
    while i < len(lines):
        m = re.match(r"\s*<!-- check: (.*?) -->\s*$", lines[i])
        if m:
            note = m.group(1)
        elif lines[i].startswith("```"):
            lang, start, body = lines[i][3:].strip(), i + 1, []
            i += 1
            while i < len(lines) and not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
            j = i + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            k = j
            while k < len(lines) and lines[k].strip() and not lines[k].startswith(("```", "<!--")):
                k += 1
            out.append((start, note, lang, body, " ".join(lines[j:k])))
            note = None
        elif lines[i].strip():
            note = None
        i += 1
    return out


def help_text(prog, sub):
    key = (prog, sub)
    if key not in helps:
        argv = [PROGRAMS[prog]] + ([sub] if sub else []) + ["--help"]
        r = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        helps[key] = r.stdout + r.stderr if r.returncode == 0 else None
    return helps[key]


def commands(body):
    """The shell commands of a block: continuations joined, comments and output lines dropped."""
    out, cur = [], ""
    for line in body:
        if cur == "" and (line.lstrip().startswith("#") or not line.strip()):
            continue
        cur += line.rstrip("\\").rstrip() + " " if line.endswith("\\") else line
        if not line.endswith("\\"):
            out.append(cur)
            cur = ""
    return out


def strip_comment(cmd):
    # a `#` after a blank starts the shell comment (none of our commands quote one)
    return re.split(r"\s#", " " + cmd, maxsplit=1)[0].strip()


def check_help(where, cmd):
    cmd = strip_comment(cmd)
    cmd = cmd.replace("_build/sim/dupg-sim", "dupg-sim").replace("_build/server/dupg-server",
                                                                   "dupg-server")
    try:
        words = shlex.split(cmd.replace("$(", " ").replace(")", " "))
    except ValueError as e:
        bad(where, "cannot split %r: %s" % (cmd, e))
        return
    segs, seg = [], []
    for w in words:
        if w in ("&&", "||", "|", ";", "&", ">", ">>", "<"):
            segs.append(seg)
            seg = []
        else:
            seg.append(w)
    segs.append(seg)
    for seg in segs:
        seg = [w.strip("[]") for w in seg if w.strip("[].") != ""]
        for w in seg:
            path = w.split("=", 1)[-1] if w.startswith("--") else w
            if path.startswith(REPO_DIRS) and "*" not in path and not os.path.exists(os.path.join(SRC, path)):
                bad(where, "%s names %s, which is not in the repository" % (cmd, path))
        if not seg or os.path.basename(seg[0]) not in PROGRAMS:
            continue
        prog = os.path.basename(seg[0])
        sub = seg[1] if len(seg) > 1 and re.match(r"^[a-z]+$", seg[1]) else None
        top = help_text(prog, None)
        if top is None:
            bad(where, "%s --help fails" % prog)
            continue
        if sub is not None and not re.search(r"\b%s\b" % sub, top):
            sub = None  # an argument, not a command (dupg-server has few)
        # dupg-server's commands are in its one --help
        text = (help_text(prog, sub) if sub else None) or top
        for w in seg[1:]:
            m = re.match(r"^(--[a-z][a-z0-9-]*)", w)
            if m and m.group(1) != "--help" and not re.search(re.escape(m.group(1)) + r"(?![a-z0-9-])", text):
                bad(where, "%s%s has no option %s (its --help does not show it)"
                    % (prog, " " + sub if sub else "", m.group(1)))


def env_with_programs(tmp):
    bindir = os.path.join(tmp, ".bin")
    os.makedirs(bindir, exist_ok=True)
    for name, path in PROGRAMS.items():
        with open(os.path.join(bindir, name), "w") as f:
            f.write('#!/bin/sh\nexec "%s" "$@"\n' % path)
        os.chmod(os.path.join(bindir, name), 0o755)
    env = dict(os.environ)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    return env


def scratch():
    tmp = tempfile.mkdtemp(prefix="readme.")
    for d in ("sim", "scripts", "tests", "bench"):
        os.symlink(os.path.join(SRC, d), os.path.join(tmp, d))
    return tmp


def check_run(where, body, opts):
    skip = re.compile(opts["skip"]) if "skip" in opts else None
    tmp = scratch()
    env = env_with_programs(tmp)
    for cmd in commands(body):
        check_help(where, cmd)
        if skip and skip.search(cmd):
            continue
        line = cmd.replace("_build/sim/dupg-sim", "dupg-sim")
        r = subprocess.run(["bash", "-o", "pipefail", "-c", line], cwd=tmp, env=env,
                           capture_output=True, text=True, timeout=600)
        if r.returncode != 0:
            bad(where, "`%s` exits %d: %s" % (cmd, r.returncode, (r.stderr or r.stdout).strip()[-300:]))
    subprocess.run(["rm", "-rf", tmp])


def normal(line, masked):
    line = re.sub(r"\s+", " ", line.strip())
    return re.sub(r"[0-9][0-9.,]*", "N", line) if masked else line


def check_output(where, body, opts, after=""):
    if not body or not body[0].startswith("$ "):
        bad(where, "an output block starts with `$ COMMAND`")
        return
    mask = re.compile(opts["mask"]) if "mask" in opts else None
    cmd = body[0][2:]
    check_help(where, cmd)
    tmp = scratch()
    env = env_with_programs(tmp)
    line = cmd.replace("_build/sim/dupg-sim", "dupg-sim")
    r = subprocess.run(["bash", "-c", "{ " + line + "\n} 2>&1"], cwd=tmp, env=env, capture_output=True,
                       text=True, timeout=600)
    subprocess.run(["rm", "-rf", tmp])
    if r.returncode != 0:
        bad(where, "`%s` exits %d: %s" % (cmd, r.returncode, r.stdout.strip()[-300:]))
        return
    got = r.stdout.split("\n")
    at = 0
    for want in body[1:]:
        if not want.strip():
            continue
        m = bool(mask and mask.search(want))
        w = normal(want, m)
        while at < len(got) and normal(got[at], m) != w:
            at += 1
        if at == len(got):
            bad(where, "`%s` no longer prints (in this order): %s" % (cmd, want.strip()))
            return
        at += 1
    # the prose right after the block quotes its shares: they must be what the run gives
    for share in re.findall(r"\b\d+(?:\.\d+)?%", after):
        if share not in r.stdout:
            bad(where, "the text after the block says %s, which `%s` does not print" % (share, cmd))


def check_python(where, body):
    code = "\n".join(body)
    want = [m.group(1).strip() for m in (re.search(r"^\s*print\(.*\)\s+# (.*)$", l) for l in body) if m]
    pkg = os.path.join(BUILD, "bindings", "python", "pkg")
    if not os.path.isdir(os.path.join(pkg, "dupg")):
        print("skip - %s: the Python bindings are not built here (--disable-python)" % where)
        return
    tmp = tempfile.mkdtemp(prefix="readme.")
    env = dict(os.environ)
    env["PYTHONPATH"] = pkg
    py = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
    r = subprocess.run([py, "-c", code], cwd=tmp, env=env, capture_output=True, text=True, timeout=120)
    subprocess.run(["rm", "-rf", tmp])
    if r.returncode != 0:
        bad(where, "the Python example fails: %s" % r.stderr.strip()[-300:])
        return
    got = [l.strip() for l in r.stdout.strip().split("\n")]
    if got != want:
        bad(where, "the Python example prints %r, the README shows %r" % (got, want))


def check_keys(where, body, d):
    known = set()
    for root, _, files in os.walk(os.path.join(SRC, d)):
        for f in files:
            if f.endswith((".c", ".h", ".py")):
                known.update(re.findall(r'"([a-z_][a-z0-9_]*)"', open(os.path.join(root, f),
                                                                        encoding="utf-8").read()))
    for k in sorted(set(re.findall(r'"([a-z_][a-z0-9_]*)"\s*:', "\n".join(body)))):
        if k not in known:
            bad(where, 'the JSON shows a key "%s" that no file under %s has' % (k, d))


def check_by(where, f, readme):
    p = os.path.join(SRC, f)
    if not os.path.exists(p):
        bad(where, "%s is named as its test but does not exist" % f)
    elif os.path.basename(readme) not in open(p, encoding="utf-8").read():
        bad(where, "%s is named as its test but never reads %s" % (f, os.path.basename(readme)))


def main():
    for readme in sys.argv[3:]:
        rel = os.path.relpath(readme, SRC)
        n, before = 0, fails
        # a reader of the tarball has nothing outside it, and no issue tracker
        for no, line in enumerate(open(readme, encoding="utf-8"), 1):
            for m in re.finditer(r"\]\(([^)#]+)\)", line):
                target = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(readme)), m.group(1)))
                if "://" not in m.group(1) and not target.startswith(SRC + os.sep):
                    bad("%s:%d" % (rel, no), "a link out of the repository: %s" % m.group(1))
            if re.search(r"\.\./shared|\bissues? #?\d+", line):
                bad("%s:%d" % (rel, no), "a reference outside the repository: %s" % line.strip())
        for start, note, lang, body, after in blocks(readme):
            where = "%s:%d" % (rel, start)
            n += 1
            if note is None:
                bad(where, "a block without a <!-- check: ... --> line before it")
                continue
            kind, _, rest = note.partition(" ")
            opts = dict(re.findall(r"(\w+)=(\S+)", rest))
            if kind == "help":
                for cmd in commands(body):
                    check_help(where, cmd)
            elif kind == "run":
                check_run(where, body, opts)
            elif kind == "output":
                check_output(where, body, opts, after)
            elif kind == "python":
                check_python(where, body)
            elif kind == "keys":
                check_keys(where, body, rest.strip())
            elif kind == "same":
                other = os.path.join(SRC, rest.strip())
                if not os.path.exists(other) or "\n".join(body) not in open(other, encoding="utf-8").read():
                    bad(where, "the block is not, word for word, in %s" % rest.strip())
            elif kind == "by":
                check_by(where, rest.strip(), readme)
            else:
                bad(where, "unknown check %r" % kind)
        print("%s - %s: %d blocks" % ("ok" if fails == before else "FAIL", rel, n))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
