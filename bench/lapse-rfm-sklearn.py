"""Reference side of bench/lapse.bench.ts: the baselines a learned lapse model must beat.

Usage: lapse-rfm-sklearn.py TRAIN.csv TEST.csv
Columns: recency,frequency90,frequency365,monetary365,label (one row per as-of snapshot).
Fits a recency/frequency/monetary logistic regression (scikit-learn, standardised log1p
features) on TRAIN (the fit period) and scores TEST (the held-out period); prints JSON with the
held-out ROC AUC of that model and of recency alone (more days since the last activity = riskier).
"""
import json
import sys

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def load(path):
    d = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    return d[:, :-1], d[:, -1]


def main(train_path, test_path):
    x, y = load(train_path)
    xt, yt = load(test_path)
    f = np.log1p
    model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=2000))
    model.fit(f(x), y)
    p = model.predict_proba(f(xt))[:, 1]
    out = {
        "rfmAuc": roc_auc_score(yt, p),
        "recencyAuc": roc_auc_score(yt, xt[:, 0]),
        "frequencyAuc": roc_auc_score(yt, -xt[:, 1]),
        "coef": model[-1].coef_[0].tolist(),
        "train": int(len(y)),
        "test": int(len(yt)),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
