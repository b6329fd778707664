"""Which 2-D projection the map should use: PCA (the map's), classical MDS and t-SNE, judged by
how many of each track's 5 nearest neighbours in the metric are among its 5 nearest on the map
(recall@5; 1 = the map keeps every neighbourhood), and by time.

    bench/map/run STORE.db [STORE.db ...]

The metric here is the map's former stand-in (every dimension z-scored, equal weights), read
from the store's columns; the map now uses the similarity layer's (`--metric`, default auralis),
which this benchmark does not yet reproduce; PCA and MDS are computed with numpy, t-SNE with scikit-learn (the pins are in
bench/map/requirements.txt; neither is a dependency of trackprint)."""

import json
import sqlite3
import subprocess
import sys
import time

import numpy as np
from sklearn.manifold import TSNE

DIMS = [d["name"] for d in json.loads(
    subprocess.run([sys.argv[1], "dimensions", "--json"], capture_output=True, text=True,
                   check=True).stdout)]


def rows_of(db):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rows = np.array(con.execute(f"SELECT {', '.join(DIMS)} FROM tracks WHERE status = 'analysed'")
                    .fetchall(), dtype=float)
    scale = rows.std(axis=0)
    scale[scale == 0] = np.inf
    return (rows - rows.mean(axis=0)) / scale / np.sqrt(len(DIMS))


def knn(points, k):
    d = ((points[:, None, :] - points[None, :, :]) ** 2).sum(-1)
    np.fill_diagonal(d, np.inf)
    return np.argsort(d, axis=1, kind="stable")[:, :k]


def recall(truth, found):
    return np.mean([len(set(a) & set(b)) / len(a) for a, b in zip(truth, found)])


def pca(x):
    centred = x - x.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    return centred @ vt[:2].T


def classical_mds(x):
    d2 = ((x[:, None, :] - x[None, :, :]) ** 2).sum(-1)
    n = len(x)
    j = np.eye(n) - np.ones((n, n)) / n
    b = -0.5 * j @ d2 @ j
    w, v = np.linalg.eigh(b)
    return v[:, -2:][:, ::-1] * np.sqrt(np.maximum(w[-2:][::-1], 0))


def tsne(x):
    perplexity = min(30.0, (len(x) - 1) / 3.0)
    return TSNE(2, perplexity=perplexity, init="pca", random_state=0).fit_transform(x)


for db in sys.argv[2:]:
    x = rows_of(db)
    truth = knn(x, 5)
    print(f"{db}: {len(x)} tracks")
    for name, method in (("PCA", pca), ("classical MDS", classical_mds), ("t-SNE", tsne)):
        t0 = time.perf_counter()
        y = method(x)
        seconds = time.perf_counter() - t0
        print(f"  {name:14s} recall@5 {recall(truth, knn(y, 5)):.3f}   {seconds:7.2f} s")
    # Classical MDS of Euclidean distances is PCA: the same map up to each axis' sign.
    a, b = pca(x), classical_mds(x)
    print(f"  |MDS| - |PCA| at most {np.abs(np.abs(a) - np.abs(b)).max():.2e}")
