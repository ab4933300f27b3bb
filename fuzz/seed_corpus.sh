#!/usr/bin/env bash
# Seeds the fuzz corpora from the specification's test vectors.
#
# Every hex string found in spec/vectors/*.json (any key, any nesting) is
# written as one corpus file into the corpus of every target; the fuzzer
# keeps the inputs that reach new code. For the deframer, whose first input
# byte picks chunk sizes, the seed is prefixed with one such byte. Without
# spec/vectors, or without python3 to read them, this does nothing and says
# so; the targets then start from an empty corpus.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
vectors="$here/../spec/vectors"
targets=(frame_decode message_decode deframer_chunks reassembler value_decode codec_roundtrip descriptor_decode)

shopt -s nullglob
files=("$vectors"/*.json)
if [ ${#files[@]} -eq 0 ]; then
    echo "seed_corpus: no spec/vectors/*.json yet; corpora left as they are"
    exit 0
fi
if ! command -v python3 >/dev/null; then
    echo "seed_corpus: python3 not found; corpora left as they are"
    exit 0
fi

python3 - "$here/corpus" "${targets[*]}" "${files[@]}" <<'PY'
import hashlib, json, os, re, sys

out, targets, files = sys.argv[1], sys.argv[2].split(), sys.argv[3:]
hexre = re.compile(r"^(?:[0-9a-fA-F]{2})+$")

def blobs(node):
    if isinstance(node, dict):
        for v in node.values():
            yield from blobs(v)
    elif isinstance(node, list):
        for v in node:
            yield from blobs(v)
    elif isinstance(node, str):
        s = node.replace(" ", "")
        if hexre.match(s):
            yield bytes.fromhex(s)

seeds = set()
for f in files:
    with open(f) as fh:
        try:
            seeds.update(blobs(json.load(fh)))
        except json.JSONDecodeError as e:
            print(f"seed_corpus: skipping {f}: {e}", file=sys.stderr)

for t in targets:
    d = os.path.join(out, t)
    os.makedirs(d, exist_ok=True)
    for s in seeds:
        data = (b"\x05" + s) if t == "deframer_chunks" else s
        name = hashlib.sha1(data).hexdigest()
        with open(os.path.join(d, name), "wb") as fh:
            fh.write(data)
print(f"seed_corpus: {len(seeds)} seeds from {len(files)} vector files into {len(targets)} corpora")
PY
