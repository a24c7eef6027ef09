"""A classical reference model on tamiz's own training data, to tell what the data allows.

TF-IDF over word 1-2-grams and character 2-5-grams, one L2 logistic regression trained on the
three training sets pooled as `tamiz train` pools them (Davidson rows weighted 0.3, the same
blake3 folds, fold 0 held back). It prints the cross-validated figures over folds 1-4, then the
held-back fold 0 and, when ../shared is beside the clone, unseen OLID. The F1 shown is the best
over thresholds, so an upper bound for this model. Not part of the tests; see QUALITY.md.

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install scikit-learn blake3
    /tmp/venv/bin/python scripts/linear_baseline.py [C]
"""

import csv
import os
import sys

import blake3
import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_curve, roc_auc_score

HERE = os.path.dirname(os.path.abspath(__file__))
TRAIN = os.path.join(HERE, "..", "data", "train")
OLID = os.path.join(HERE, "..", "..", "shared", "data", "labeled", "en_olid2019_train_abc.csv")
SETS = [
    ("jigsaw2018", "en_jigsaw2018_train_subsets.csv", 1.0),
    ("davidson2017", "en_davidson2017.csv", 0.3),
    ("convabuse", "en_convabuse_train_valid.csv", 1.0),
]


def fold_of(text):
    # Same rule as tamiz::quality::data::fold_of.
    digest = blake3.blake3(text.strip().lower().encode()).digest()
    return int.from_bytes(digest[:8], "little") % 5


def load(path):
    csv.field_size_limit(1 << 30)
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [r["text"] for r in rows], np.array([int(r["is_toxic"]) for r in rows])


def fit(texts, labels, weights, c):
    words = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=300_000)
    chars = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True, max_features=400_000
    )
    x = hstack([words.fit_transform(texts), chars.fit_transform(texts)]).tocsr()
    model = LogisticRegression(C=c, max_iter=3000).fit(x, labels, sample_weight=weights)

    def predict(new):
        xn = hstack([words.transform(new), chars.transform(new)]).tocsr()
        return model.predict_proba(xn)[:, 1]

    return predict


def report(name, labels, scores):
    p, r, _ = precision_recall_curve(labels, scores)
    best_f1 = (2 * p * r / np.maximum(p + r, 1e-12)).max()
    auc = roc_auc_score(labels, scores)
    print(f"{name:<28} rows {len(labels):6d}  ROC-AUC {auc:.3f}  best F1 {best_f1:.3f}")


def main():
    c = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    data = []
    for name, file, weight in SETS:
        texts, labels = load(os.path.join(TRAIN, file))
        folds = np.array([fold_of(t) for t in texts])
        data.append((name, texts, labels, folds, weight))

    def pooled(keep):
        t, y, w = [], [], []
        for _, texts, labels, folds, weight in data:
            idx = [i for i in range(len(texts)) if keep(folds[i])]
            t += [texts[i] for i in idx]
            y += list(labels[idx])
            w += [weight] * len(idx)
        return t, np.array(y), np.array(w)

    oof = {name: np.zeros(len(texts)) for name, texts, *_ in data}
    for k in (1, 2, 3, 4):
        predict = fit(*pooled(lambda f, k=k: f not in (0, k)), c)
        for name, texts, _, folds, _ in data:
            idx = np.flatnonzero(folds == k)
            oof[name][idx] = predict([texts[i] for i in idx])
    for name, _, labels, folds, _ in data:
        mask = folds != 0
        report(f"{name} cross-validated", labels[mask], oof[name][mask])

    predict = fit(*pooled(lambda f: f != 0), c)
    for name, texts, labels, folds, _ in data:
        idx = np.flatnonzero(folds == 0)
        report(f"{name} held-back fold 0", labels[idx], predict([texts[i] for i in idx]))
    if os.path.exists(OLID):
        texts, labels = load(OLID)
        report("olid2019 unseen", labels, predict(texts))


if __name__ == "__main__":
    main()
