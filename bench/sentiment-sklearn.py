"""Reference side of bench/sentiment.bench.ts: scikit-learn on the same labelled set and folds.

Usage: sentiment-sklearn.py DATA.tsv   (columns: fold, label, text; label 1 = negative)
Prints JSON: out-of-fold ROC AUC and accuracy of a bag-of-words (1-2 grams) MultinomialNB and a
TF-IDF LogisticRegression, each fitted on the other folds.
"""
import csv
import json
import sys

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.naive_bayes import MultinomialNB


def main(path):
    with open(path, newline="", encoding="utf8") as f:
        rows = list(csv.reader(f, delimiter="\t"))[1:]
    fold = np.array([int(r[0]) for r in rows])
    y = np.array([int(r[1]) for r in rows])
    x = [r[2] for r in rows]
    out = {}
    for name, make in {
        "nb": lambda: (CountVectorizer(ngram_range=(1, 2)), MultinomialNB()),
        "tfidfLr": lambda: (TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True), LogisticRegression(C=10, max_iter=2000)),
    }.items():
        p = np.zeros(len(y))
        for k in sorted(set(fold)):
            tr, te = fold != k, fold == k
            vec, clf = make()
            clf.fit(vec.fit_transform([x[i] for i in np.where(tr)[0]]), y[tr])
            p[te] = clf.predict_proba(vec.transform([x[i] for i in np.where(te)[0]]))[:, 1]
        out[name] = {"auc": roc_auc_score(y, p), "accuracy": accuracy_score(y, p > 0.5)}
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1])
