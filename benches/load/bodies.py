"""Request bodies for benches/load.sh, one JSON document per line (oha -Z rotates through them).

Real comments: the annotated news thread (tests/data/corpus_comments.jsonl) and Jigsaw 2018
Wikipedia talk-page comments (data/train/en_jigsaw2018_train_subsets.csv), sampled with a fixed
seed so every run sends the same bodies.

    python3 benches/load/bodies.py OUT_DIR
writes mixed.jsonl (every length), c300.jsonl (250-350 characters, the default answer),
c300_full.jsonl and c300_summary.jsonl (the same comments asking for `"detail": "full"` and
`"summary"`), long.jsonl (2-5 KB) and batch100.jsonl (100 comments
per request, drawn from the mixed set).
"""

import csv
import json
import os
import random
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def comments():
    out = []
    with open(os.path.join(REPO, "tests/data/corpus_comments.jsonl"), encoding="utf-8") as f:
        out += [json.loads(line)["text"] for line in f if line.strip()]
    csv.field_size_limit(1 << 20)
    with open(os.path.join(REPO, "data/train/en_jigsaw2018_train_subsets.csv"), encoding="utf-8") as f:
        out += [row["text"] for row in csv.DictReader(f)]
    return out


def write(path, docs):
    with open(path, "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")


def main(out_dir):
    rng = random.Random(7)
    texts = [t for t in comments() if t.strip() and len(t) <= 5000]
    rng.shuffle(texts)
    mixed = texts[:2000]
    c300 = [t for t in texts if 250 <= len(t) <= 350][:1000]
    long = [t for t in texts if 2000 <= len(t) <= 5000][:200]
    write(os.path.join(out_dir, "mixed.jsonl"), [{"text": t} for t in mixed])
    write(os.path.join(out_dir, "c300.jsonl"), [{"text": t} for t in c300])
    write(os.path.join(out_dir, "c300_full.jsonl"), [{"text": t, "detail": "full"} for t in c300])
    write(os.path.join(out_dir, "c300_summary.jsonl"), [{"text": t, "detail": "summary"} for t in c300])
    write(os.path.join(out_dir, "long.jsonl"), [{"text": t} for t in long])
    batches = [{"items": [{"id": i, "text": t} for i, t in enumerate(rng.sample(mixed, 100))]} for _ in range(50)]
    write(os.path.join(out_dir, "batch100.jsonl"), batches)
    for name, docs in [("mixed", mixed), ("c300", c300), ("long", long)]:
        chars = sum(len(t) for t in docs) / max(1, len(docs))
        print(f"{name}: {len(docs)} comments, mean {chars:.0f} characters", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
