#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Check that C sources keep to their layers, and draw the layers.

usage: layers.py [-q] [--dot | --layers-dot] LAYER_FILE

LAYER_FILE lists layers lowest first, one a line, each with the files in it
as globs relative to the layer file's directory:

    # comments and blank lines are skipped
    base: util.[ch] names.[ch]
    model: model/*.[ch]
    ignore: generated/*.c          # a reserved name: files no layer owns

A line that starts with white space continues the layer above. The check
reads the `#include "..."` lines of the listed files and fails when

  - a file includes a header of a higher layer (naming file, line, header);
  - the include graph has a cycle, counting foo.c and foo.h (same directory)
    as one unit (naming the units around the cycle);
  - a .c or .h file under the layer file's directory is in no layer, in two,
    or a unit's .c and .h sit in different layers.

An include resolves against the including file's directory, then the layer
file's directory; what resolves to no listed file (the library's public
headers, config.h, system headers) is not the layers' business.

--dot prints the layers as Graphviz DOT on stdout (one cluster per layer,
lowest at the bottom, an edge per unit that includes another); --layers-dot
prints the layers alone (a node each, with its number of units, and an edge
where some unit of one includes a unit of another). Problems still go to
stderr and still set the exit status. Standard library only.
"""

import glob
import os
import re
import sys

SOURCE_EXT = (".c", ".h")
INCLUDE_RE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')
IGNORE = "ignore"


class LayerError(Exception):
    pass


def read_layer_file(path):
    """[(name, [glob, ...]), ...] in file order, lowest layer first."""
    layers = []
    with open(path, encoding="utf-8") as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.split("#", 1)[0].rstrip()
            if not line.strip():
                continue
            if line[0].isspace():
                if not layers:
                    raise LayerError("%s:%d: a continuation line before any layer" % (path, lineno))
                layers[-1][1].extend(line.split())
                continue
            name, sep, rest = line.partition(":")
            name = name.strip()
            if not sep or not name or " " in name:
                raise LayerError("%s:%d: expected 'NAME: GLOB...'" % (path, lineno))
            if any(n == name for n, _ in layers):
                raise LayerError("%s:%d: layer %s is listed twice" % (path, lineno, name))
            layers.append((name, rest.split()))
    if not any(n != IGNORE for n, _ in layers):
        raise LayerError("%s: no layer" % path)
    return layers


def unit_of(rel):
    """foo.c and foo.h of one directory are one unit: 'dir/foo'."""
    base, ext = os.path.splitext(rel)
    return base if ext in SOURCE_EXT else rel


def resolve(include, including, root, files):
    """The listed file an include names (relative to root), or None."""
    for base in (os.path.dirname(including), ""):
        rel = os.path.normpath(os.path.join(base, include))
        if rel in files:
            return rel
        if os.path.exists(os.path.join(root, rel)):
            # a file that exists but is in no layer was reported already
            return None
    return None


def find_cycle(graph, members):
    """One cycle through the strongly connected members, as a node list."""
    start = min(members)
    prev = {start: None}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for nxt in sorted(graph.get(node, ())):
            if nxt == start:
                path = [node]
                while prev[path[-1]] is not None:
                    path.append(prev[path[-1]])
                path.reverse()
                return path + [start]
            if nxt in members and nxt not in prev:
                prev[nxt] = node
                queue.append(nxt)
    return sorted(members)


def strongly_connected(graph):
    """Tarjan's components with more than one node, iteratively."""
    index, low, on_stack, stack, out = {}, {}, set(), [], []
    counter = [0]
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, it = work[-1]
            advanced = False
            for nxt in it:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter[0]
                    counter[0] += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph.get(nxt, ())))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = set()
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    comp.add(top)
                    if top == node:
                        break
                if len(comp) > 1:
                    out.append(comp)
    return out


def check(layer_file):
    """(layers, unit_layer, edges, problems) for one layer file."""
    root = os.path.dirname(os.path.abspath(layer_file))
    shown = os.path.dirname(layer_file)
    layers = read_layer_file(layer_file)
    problems = []
    file_layer = {}
    for name, globs in layers:
        for pattern in globs:
            hits = [os.path.relpath(p, root)
                    for p in glob.glob(os.path.join(root, pattern), recursive=True)
                    if os.path.isfile(p)]
            if not hits:
                problems.append("%s: %s: %s matches no file" % (layer_file, name, pattern))
            for rel in sorted(hits):
                if rel in file_layer and file_layer[rel] != name:
                    problems.append("%s: %s is in layer %s and in layer %s"
                                    % (layer_file, rel, file_layer[rel], name))
                file_layer.setdefault(rel, name)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for fn in sorted(filenames):
            rel = os.path.relpath(os.path.join(dirpath, fn), root)
            if fn.endswith(SOURCE_EXT) and rel not in file_layer:
                problems.append("%s: %s is in no layer" % (layer_file, os.path.join(shown, rel)))
    rank = {name: i for i, (name, _) in enumerate(n for n in layers if n[0] != IGNORE)}
    files = {rel: layer for rel, layer in file_layer.items() if layer != IGNORE}

    unit_layer = {}
    for rel, layer in sorted(files.items()):
        unit = unit_of(rel)
        if unit in unit_layer and unit_layer[unit] != layer:
            problems.append("%s: unit %s has files in layer %s and in layer %s"
                            % (layer_file, unit, unit_layer[unit], layer))
        unit_layer.setdefault(unit, layer)

    edges = {unit: set() for unit in unit_layer}
    for rel, layer in sorted(files.items()):
        with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
            for lineno, line in enumerate(f, 1):
                m = INCLUDE_RE.match(line)
                if not m:
                    continue
                target = resolve(m.group(1), rel, root, files)
                if target is None:
                    continue
                if rank[files[target]] > rank[layer]:
                    problems.append("%s:%d: includes \"%s\" of layer %s from layer %s (upward)"
                                    % (os.path.join(shown, rel), lineno, m.group(1),
                                       files[target], layer))
                if unit_of(target) != unit_of(rel):
                    edges[unit_of(rel)].add(unit_of(target))
    for comp in strongly_connected(edges):
        problems.append("%s: cycle: %s" % (layer_file, " -> ".join(find_cycle(edges, comp))))
    ordered = [name for name, _ in layers if name != IGNORE]
    return ordered, unit_layer, edges, problems


def quoted(text):
    """A DOT string."""
    return '"%s"' % text.replace("\\", "\\\\").replace('"', '\\"')


def dot(name, ordered, unit_layer, edges):
    out = ["digraph %s {" % quoted(name),
           "\tlabel=%s;" % quoted(name + ": layers, lowest at the bottom; an edge is an include"),
           "\tlabelloc=t;", "\trankdir=TB;", "\tnewrank=true;",
           "\tnode [shape=box, style=\"rounded,filled\", fillcolor=white, fontname=\"Helvetica\"];"]
    for i, layer in enumerate(reversed(ordered)):
        out.append("\tsubgraph cluster_%d {" % (len(ordered) - 1 - i))
        out.append("\t\tlabel=%s; style=filled; fillcolor=\"#f0f0f0\";" % quoted(layer))
        for unit in sorted(u for u, l in unit_layer.items() if l == layer):
            out.append("\t\t%s;" % quoted(unit))
        out.append("\t}")
    for unit in sorted(edges):
        for target in sorted(edges[unit]):
            out.append("\t%s -> %s;" % (quoted(unit), quoted(target)))
    out.append("}")
    return "\n".join(out) + "\n"


def layers_dot(name, ordered, unit_layer, edges):
    """The layers alone: a node each, an edge where some unit of one includes one of another."""
    between = sorted({(unit_layer[u], unit_layer[t]) for u in edges for t in edges[u]
                      if unit_layer[u] != unit_layer[t]})
    out = ["digraph %s {" % quoted(name),
           "\tlabel=%s;" % quoted(name + ": layers, lowest at the bottom; an edge is an include"),
           "\tlabelloc=t;", "\trankdir=TB;",
           "\tnode [shape=box, style=\"rounded,filled\", fillcolor=\"#f0f0f0\", fontname=\"Helvetica\"];"]
    for layer in reversed(ordered):
        units = sum(1 for l in unit_layer.values() if l == layer)
        out.append("\t%s [label=%s];" % (quoted(layer), quoted("%s (%d)" % (layer, units))))
    for a, b in between:
        out.append("\t%s -> %s;" % (quoted(a), quoted(b)))
    out.append("}")
    return "\n".join(out) + "\n"


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("-")]
    opts = [a for a in argv[1:] if a.startswith("-")]
    if len(args) != 1 or any(o not in ("-q", "--dot", "--layers-dot", "-h", "--help") for o in opts):
        sys.stderr.write("usage: layers.py [-q] [--dot | --layers-dot] LAYER_FILE\n")
        return 2
    if "-h" in opts or "--help" in opts:
        sys.stdout.write(__doc__)
        return 0
    layer_file = args[0]
    try:
        ordered, unit_layer, edges, problems = check(layer_file)
    except (OSError, LayerError) as e:
        sys.stderr.write("layers.py: %s\n" % e)
        return 2
    # named after the folder the layer file describes, wherever it is run from
    name = os.path.basename(os.path.dirname(os.path.abspath(layer_file)))
    if "--dot" in opts:
        sys.stdout.write(dot(name, ordered, unit_layer, edges))
    elif "--layers-dot" in opts:
        sys.stdout.write(layers_dot(name, ordered, unit_layer, edges))
    elif "-q" not in opts:
        for layer in ordered:
            units = sorted(u for u, l in unit_layer.items() if l == layer)
            sys.stdout.write("%-10s %s\n" % (layer + ":", " ".join(units)))
    for p in problems:
        sys.stderr.write(p + "\n")
    nedges = sum(len(t) for t in edges.values())
    if problems:
        sys.stderr.write("%s: %d problem%s\n" % (layer_file, len(problems),
                                                 "" if len(problems) == 1 else "s"))
        return 1
    if "--dot" not in opts and "--layers-dot" not in opts and "-q" not in opts:
        sys.stdout.write("%s: %d layers, %d units, %d includes between units: none goes up, no cycle\n"
                         % (layer_file, len(ordered), len(unit_layer), nedges))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
