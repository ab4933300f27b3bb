#!/usr/bin/env bash
# Seeds the fuzz corpora.
#
# Parser targets: every hex string found in spec/vectors/*.json (any key,
# any nesting) is written as one corpus file into the corpus of each; the
# fuzzer keeps the inputs that reach new code. For the deframer, whose first
# input byte picks chunk sizes, the seed is prefixed with one such byte.
#
# Stateful targets read operation records (see each target's docs):
# - dispatcher: the reference lamp's exchanges of
#   spec/vectors/interaction.json replayed step by step (their clock, their
#   privileges, 64-byte reply buffers), and every request and interaction
#   message of that file as a single request;
# - secured_open, pairing_responder, pairing_initiator, resumption: operation sequences
#   that run the genuine exchange (seal and deliver, a full pairing, a wrong
#   code, a busy appliance, a timeout), from which the fuzzer mutates.
#
# Without python3 this does nothing and says so; without spec/vectors the
# parser corpora and the dispatcher's transcript seeds are skipped.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
vectors="$here/../spec/vectors"
targets=(frame_decode message_decode deframer_chunks reassembler value_decode codec_roundtrip descriptor_decode)

if ! command -v python3 >/dev/null; then
    echo "seed_corpus: python3 not found; corpora left as they are"
    exit 0
fi

python3 - "$here/corpus" "$vectors/interaction.json" <<'PY'
import hashlib, json, os, struct, sys

out, interaction = sys.argv[1], sys.argv[2]

def write(target, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as fh:
        fh.write(data)

def chunk(b):
    b = b[:255]
    return bytes([len(b)]) + b

counts = {}
def seed(target, data):
    write(target, data)
    counts[target] = counts.get(target, 0) + 1

# dispatcher: [seed] then [op, arg, len, bytes] records.
PRIV = {"Unauthenticated": 0, "User": 1, "Admin": 2}
BUF64 = 3 << 4  # reply buffer 16 * (1 + 3) = 64 bytes
if os.path.exists(interaction):
    with open(interaction) as fh:
        doc = json.load(fh)
    transcript = bytearray([doc["devices"]["data_version_seed"]])
    for v in doc["vectors"]:
        if v["kind"] == "message":
            seed("dispatcher", bytes([7, 0, BUF64 | (1 << 2)]) + chunk(bytes.fromhex(v["hex"])))
            continue
        step = v["decoded"]
        request = bytes.fromhex(v["hex"])
        arg = BUF64 | (PRIV[step["privilege"]] << 2)
        seed("dispatcher", bytes([7, 0, arg]) + chunk(request))
        if step["device"] != "lamp":
            continue  # the target runs the reference lamp
        at = struct.pack("<Q", step["at_ms"])
        transcript += bytes([2, 0]) + chunk(at)
        transcript += bytes([0, arg]) + chunk(request)
    # then the subscription's reports come due, and session 1 goes away
    for _ in range(3):
        transcript += bytes([1, 250, 0])
    transcript += bytes([3, 0, 0])
    seed("dispatcher", bytes(transcript))

# secured_open: 0 seal, 1 deliver, 2 mutate, 3 arbitrary, 4 key update,
# 5 close, 6 clock.
seal = lambda side, payload: bytes([0, side]) + chunk(payload)
deliver = lambda n, msg=False: bytes([1, 2 * n + (1 if msg else 0)])
flip = lambda n, how, at: bytes([2, n, how]) + struct.pack("<H", at)
seed("secured_open", seal(0, b"\x1b\x01\x00") + deliver(0) + seal(1, b"\x1c\x01\x00") + deliver(1)
     + bytes([1, 0]) + flip(0, 0, 90) + flip(1, 1, 12)
     + bytes([4, 0]) + seal(0, b"phase one") + deliver(2) + deliver(0)
     + bytes([4, 1]) + seal(1, b"x" * 200) + deliver(3)
     + bytes([5, 0]) + deliver(4, True) + seal(1, b"after close") + bytes([6, 61]))
seed("secured_open", seal(0, b"") + seal(0, b"a") + seal(0, b"b") + deliver(2) + deliver(1)
     + deliver(0) + bytes([6, 30]) + bytes([6, 31]) + deliver(0))
# a message with trailing bytes, opened as a message (they are ignored)
seed("secured_open", seal(0, bytes.fromhex("1430") + b"trailing") + deliver(0, True))
seed("secured_open", bytes([3, 1]) + chunk(bytes.fromhex("01000101020000000000") + b"\x00" * 16))

# pairing_responder: [seed] then 0 phone start, 1 phone -> appliance,
# 2 appliance -> phone, 3 arbitrary, 4 replay/mutate, 5 clock, 6 window.
seed("pairing_responder", bytes([1, 0, 0, 1, 0, 2, 0, 1, 0]))          # paired
seed("pairing_responder", bytes([2, 0, 1, 1, 0, 2, 0, 1, 0]))          # wrong code
seed("pairing_responder", bytes([3, 0, 0, 1, 0, 0, 2, 1, 0, 4, 2]))    # busy, then replay
seed("pairing_responder", bytes([4, 0, 0, 1, 0, 5, 31, 2, 0, 1, 0, 4, 2, 0]))  # timeout
seed("pairing_responder", bytes([5, 0, 0, 1, 0, 2, 0, 4, 1, 0, 0, 3, 1, 0]))   # mutated finish
seed("pairing_responder", bytes([6, 0, 0, 1, 0, 2, 0, 1, 0, 6, 15, 0, 2, 1, 0, 2, 0, 1, 0]))

# pairing_initiator: [seed, code] then 0 phone -> appliance, 1 reply ->
# phone, 2 arbitrary, 3 mutated reply, 4 clock, 5 new attempt.
seed("pairing_initiator", bytes([1, 0, 0, 0, 1, 0]))                   # paired
seed("pairing_initiator", bytes([2, 1, 0, 0, 1, 0]))                   # wrong code
seed("pairing_initiator", bytes([3, 0, 0, 0, 3, 0, 0, 40, 0, 1, 0]))   # mutated, then genuine
seed("pairing_initiator", bytes([4, 0, 0, 0, 4, 31, 1, 0, 5, 2, 0, 0, 1, 1]))  # timeout, retry
# resumption: [seed] then 0 start, 1 request -> appliance, 2 replay,
# 4 mutated request, 5 reply -> phone, 6 clock.
seed("resumption", bytes([1, 0, 7, 1, 0, 5, 0]))                       # resumed
seed("resumption", bytes([2, 0, 7, 1, 0, 2, 0, 5, 0]))                 # replay refused
seed("resumption", bytes([3, 0, 7, 0, 8, 1, 0, 2, 0, 5, 2]))           # stale attempt
seed("resumption", bytes([4, 0, 7, 4, 0, 0, 9, 0, 1, 0, 5, 1, 0, 60, 0, 5, 0]))  # forgeries first
seed("resumption", bytes([5, 0, 7, 6, 31, 1, 0, 5, 0]))                # timed out
print("seed_corpus: " + ", ".join(f"{n} {t}" for t, n in sorted(counts.items())) + " seeds")
PY

shopt -s nullglob
files=("$vectors"/*.json)
if [ ${#files[@]} -eq 0 ]; then
    echo "seed_corpus: no spec/vectors/*.json yet; parser corpora left as they are"
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
