"""Benchmark: word2vec training time on the shipped corpus (not a timed test).

    .venv/bin/python bench/bench_training.py [--epochs 20] [--dim 16] [--repeat 3]

Trains from scratch (no cache) with the lesson defaults, prints wall and CPU
time per run, pairs per second, the loss curve's ends and a few cosines, then
times a cache hit (what a re-render pays).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from embedcore import training  # noqa: E402
from embedcore.similarity import cosine  # noqa: E402
from embedcore.sources.trained import SHIPPED_CORPUS  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--dim", type=int, default=16)
    ap.add_argument("--lr", type=float, default=0.025)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    data = SHIPPED_CORPUS.read_bytes()
    p = training.TrainParams(dim=args.dim, epochs=args.epochs, learning_rate=args.lr)
    print(f"corpus: {SHIPPED_CORPUS.name} ({len(data) / 1024:.0f} KB), {os.cpu_count()} CPU(s)")
    print(f"params: {p}")
    walls = []
    for i in range(args.repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        r = training.train(data.decode("utf-8"), p)
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        walls.append(wall)
        print(f"run {i + 1}: {wall:.2f} s wall, {cpu:.2f} s CPU, {r.n_pairs / wall / 1e6:.2f} M pairs/s "
              f"(V = {len(r.vocab)}, {r.n_tokens:,} tokens, {r.n_pairs:,} pairs)")
    print(f"training time: best {min(walls):.2f} s, median {sorted(walls)[len(walls) // 2]:.2f} s "
          f"for {p.epochs} epochs")
    print(f"loss: epoch 1 {r.losses[0]:.3f} -> epoch {p.epochs} {r.losses[-1]:.3f}")
    ix = {w: i for i, w in enumerate(r.vocab)}
    print("cosines:", ", ".join(f"{a}·{b} {cosine(r.vectors[ix[a]], r.vectors[ix[b]]):.2f}"
                                for a, b in (("cat", "dog"), ("cat", "bat"), ("car", "bus"), ("cat", "car"))))
    with tempfile.TemporaryDirectory() as tmp:
        training.train_cached(data, p, cache=Path(tmp))
        t0 = time.perf_counter()
        _, hit = training.train_cached(data, p, cache=Path(tmp))
        print(f"cache hit: {hit}, {1000 * (time.perf_counter() - t0):.0f} ms")


if __name__ == "__main__":
    main()
