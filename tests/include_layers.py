#!/usr/bin/env python3
"""The house rules of the source tree (README.md, "Where things are"):

- includes between folders form no cycle, and each points down: to a
  folder in an earlier row of the README's folder table (lowest layer
  first);
- no folder holds more than 30 source files directly;
- every folder of C++ sources has its row in the README's folder table.

Usage: include_layers.py SOURCE_DIR. Exit 0 when all hold, 1 (naming each
breach, with the includes that make a cycle) when one does not, 2 on bad
usage."""
import os
import re
import sys

MAX_SOURCES = 30
SKIPPED = {'build', 'build-fuzz', 'runs', '.git', '.ci', 'docs', 'scenarios'}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def source_folders(root):
    """{folder: [files]} of every folder holding .h or .cc files."""
    folders = {}
    for path, dirs, files in os.walk(root):
        rel = os.path.relpath(path, root)
        dirs[:] = sorted(d for d in dirs if not (rel == '.' and (d in SKIPPED or d.startswith('build'))))
        sources = sorted(f for f in files if f.endswith(('.h', '.cc')))
        if sources and rel != '.':
            folders[rel] = sources
    return folders


def include_edges(root, folders):
    """{(from, to): [example "file: include"]} for includes across folders."""
    edges = {}
    for folder, files in folders.items():
        for name in files:
            with open(os.path.join(root, folder, name), encoding='utf-8') as f:
                text = f.read()
            for target in INCLUDE.findall(text):
                to = os.path.dirname(target)
                if to == folder or to not in folders:
                    continue  # Same folder, or generated (tearline/v1/...) or system.
                edges.setdefault((folder, to), []).append(f'{folder}/{name}: "{target}"')
    return edges


def cycles(folders, edges):
    """Strongly connected components of more than one folder (Tarjan)."""
    graph = {f: sorted(to for (fr, to) in edges if fr == f) for f in folders}
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def readme_rows(root):
    """Folders named as `folder/` at the start of a row of README.md's tables,
    in their order."""
    with open(os.path.join(root, 'README.md'), encoding='utf-8') as f:
        return re.findall(r'^\|\s*`([\w/.-]+)/`', f.read(), re.M)


def main():
    if len(sys.argv) != 2 or not os.path.isdir(sys.argv[1]):
        print(__doc__, file=sys.stderr)
        return 2
    root = sys.argv[1]
    folders = source_folders(root)
    edges = include_edges(root, folders)
    breaches = []
    for component in cycles(folders, edges):
        lines = [f'include cycle between {", ".join(component)}:']
        for (fr, to), examples in sorted(edges.items()):
            if fr in component and to in component:
                lines.append(f'  {fr} -> {to}, e.g. {examples[0]}')
        breaches.append('\n'.join(lines))
    for folder, files in sorted(folders.items()):
        if len(files) > MAX_SOURCES:
            breaches.append(f'{folder}/ holds {len(files)} source files directly, over {MAX_SOURCES}')
    rows = readme_rows(root)
    for folder in sorted(folders):
        if folder not in rows:
            breaches.append(f'{folder}/ has no row in README.md\'s folder table')
    for (fr, to), examples in sorted(edges.items()):
        if fr in rows and to in rows and rows.index(to) > rows.index(fr):
            breaches.append(f'{fr}/ includes {to}/, a layer after it in the README\'s table, '
                            f'e.g. {examples[0]}')
    for breach in breaches:
        print(breach)
    print(f'{len(folders)} folders, {len(edges)} include arrows between them, {len(breaches)} breaches')
    return 1 if breaches else 0


if __name__ == '__main__':
    sys.exit(main())
