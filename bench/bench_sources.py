"""Benchmark: looking up n tokens in a small vs a very large memory-mapped matrix.

Not a test: it prints figures. Each case runs in a fresh subprocess so its
peak memory (``ru_maxrss``) is its own. The files' pages are evicted from the
OS page cache before the cold lookup (``posix_fadvise(DONTNEED)``), so "cold"
means read from disk.

    .venv/bin/python bench/bench_sources.py            # 1,000,000 × 256 float32 (~1 GB) in /tmp
    .venv/bin/python bench/bench_sources.py --rows 200000 --keep

Cases
  npy          np.load(mmap_mode="r"), the ``npy`` source's path
  safetensors  embedcore's header parser + np.memmap of the tensor's byte range
  load-whole   np.load into memory: what a lookup would cost without mmap
  text         GloVe-style .txt: one-time conversion, then the cached mmap load
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _status(key: str) -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def rss_mb() -> float:
    return _status("VmRSS")


def anon_mb() -> float:
    """Private (heap) memory: what the process really costs, unlike mapped file pages."""
    return _status("RssAnon")


def peak_mb() -> float:
    """Peak RSS of this process image (VmHWM; ru_maxrss would include the parent's, kept across exec)."""
    return _status("VmHWM")


def evict(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- child: one measurement


def child(case: str, path: Path, n: int, seed: int) -> dict:
    import tracemalloc

    from embedcore.sources.hf import open_matrix, read_safetensors_header  # imported before timing

    base_rss, base_anon = rss_mb(), anon_mb()
    evict(path)
    t0 = time.perf_counter()
    if case == "npy":
        m = np.load(path, mmap_mode="r", allow_pickle=False)
    elif case == "load-whole":
        m = np.load(path, allow_pickle=False)
    elif case == "safetensors":
        entries = read_safetensors_header(path, ("bench",))
        m = open_matrix(entries["embeddings.word_embeddings.weight"], ("bench",), path.name)
    else:
        raise SystemExit(f"unknown case {case}")
    t_open = time.perf_counter() - t0
    V, d = m.shape
    ids = np.random.default_rng(seed).integers(0, V, size=n)
    tracemalloc.start()
    t0 = time.perf_counter()
    rows = np.asarray(m[ids], dtype=np.float64)          # what EmbeddingTable.rows does
    t_cold = time.perf_counter() - t0
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    t0 = time.perf_counter()
    for _ in range(20):
        rows = np.asarray(m[ids], dtype=np.float64)
    t_warm = (time.perf_counter() - t0) / 20
    assert rows.shape == (n, d) and np.isfinite(rows).all()
    return {"case": case, "V": V, "d": d, "n": n, "open_ms": t_open * 1e3, "cold_ms": t_cold * 1e3,
            "warm_ms": t_warm * 1e3, "rss_growth_mb": rss_mb() - base_rss, "anon_growth_mb": anon_mb() - base_anon, "peak_rss_mb": peak_mb(),
            "base_rss_mb": base_rss, "traced_peak_kb": traced_peak / 1024, "file_mb": path.stat().st_size / 2**20}


def child_text(path: Path, cache: Path, n: int, seed: int) -> dict:
    from embedcore.sources.text import load_text_vectors

    base_rss = rss_mb()
    t0 = time.perf_counter()
    vocab, m, meta = load_text_vectors(path, cache, path.name)
    t_load = time.perf_counter() - t0
    ids = np.random.default_rng(seed).integers(0, m.shape[0], size=n)
    t0 = time.perf_counter()
    rows = np.asarray(m[ids], dtype=np.float64)
    t_lookup = time.perf_counter() - t0
    assert rows.shape == (n, m.shape[1])
    return {"case": "text", "V": m.shape[0], "d": m.shape[1], "n": n, "load_s": t_load,
            "lookup_ms": t_lookup * 1e3, "peak_rss_mb": peak_mb(), "base_rss_mb": base_rss,
            "file_mb": path.stat().st_size / 2**20}


# --------------------------------------------------------------------------- parent: make files, run cases


def make_npy(path: Path, V: int, d: int) -> None:
    if path.exists() and np.load(path, mmap_mode="r").shape == (V, d):
        return
    out = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(V, d))
    rng = np.random.default_rng(0)
    for s in range(0, V, 65536):                      # written in blocks: never all in memory
        out[s:s + 65536] = rng.standard_normal((min(65536, V - s), d), dtype=np.float32)
    out.flush()
    del out


def make_safetensors(path: Path, npy: Path) -> None:
    m = np.load(npy, mmap_mode="r")
    header = {"__metadata__": {"format": "np"},
              "embeddings.position_embeddings.weight": {"dtype": "F32", "shape": [512, m.shape[1]],
                                                        "data_offsets": [0, 512 * m.shape[1] * 4]}}
    start = 512 * m.shape[1] * 4
    header["embeddings.word_embeddings.weight"] = {"dtype": "F32", "shape": list(m.shape),
                                                   "data_offsets": [start, start + m.nbytes]}
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    if path.exists() and path.stat().st_size == 8 + len(h) + start + m.nbytes:
        return
    with open(path, "wb") as f:
        f.write(len(h).to_bytes(8, "little") + h)
        f.write(np.zeros((512, m.shape[1]), np.float32).tobytes())
        for s in range(0, m.shape[0], 65536):
            f.write(np.ascontiguousarray(m[s:s + 65536]).tobytes())


def make_text(path: Path, V: int, d: int) -> None:
    if path.exists():
        return
    rng = np.random.default_rng(1)
    with open(path, "w", encoding="utf-8") as f:
        for s in range(0, V, 10000):
            block = rng.standard_normal((min(10000, V - s), d)).round(5)
            f.write("".join(f"w{s + i} " + " ".join(f"{x:.5f}" for x in row) + "\n" for i, row in enumerate(block)))


def run_child(*args: str) -> dict:
    r = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=True)
    return json.loads(r.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000, help="V of the large matrix")
    ap.add_argument("--small", type=int, default=10_000, help="V of the small matrix")
    ap.add_argument("--dim", type=int, default=256)
    ap.add_argument("--n", type=int, nargs="+", default=[16, 1000])
    ap.add_argument("--text-rows", type=int, default=50_000, help="rows of the GloVe-style text file (d = 300)")
    ap.add_argument("--dir", default=os.path.join(tempfile.gettempdir(), "embedviz-bench"))
    ap.add_argument("--keep", action="store_true", help="keep the generated files")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        if a.child[0] == "text":
            print(json.dumps(child_text(Path(a.child[1]), Path(a.child[2]), int(a.child[3]), 0)))
        else:
            print(json.dumps(child(a.child[0], Path(a.child[1]), int(a.child[2]), 0)))
        return

    work = Path(a.dir)
    work.mkdir(parents=True, exist_ok=True)
    small, large = work / f"small-{a.small}x{a.dim}.npy", work / f"large-{a.rows}x{a.dim}.npy"
    st_large = work / f"large-{a.rows}x{a.dim}.safetensors"
    print(f"generating files in {work} ...", flush=True)
    make_npy(small, a.small, a.dim)
    make_npy(large, a.rows, a.dim)
    make_safetensors(st_large, large)

    print("\nlookup of n random token ids (cold = file evicted from the page cache first; warm = mean of 20)")
    hdr = f"{'case':<12} {'V':>10} {'file MB':>8} {'n':>5} {'open ms':>8} {'cold ms':>8} {'warm ms':>8} " \
          f"{'RSS +MB':>8} {'anon +MB':>8} {'peak RSS MB':>11} {'traced KB':>9}"
    print(hdr)
    print("-" * len(hdr))
    for case, path in (("npy", small), ("npy", large), ("safetensors", st_large), ("load-whole", small),
                       ("load-whole", large)):
        for n in a.n:
            if case == "load-whole" and n != a.n[0]:
                continue
            r = run_child(case, str(path), str(n))
            print(f"{r['case']:<12} {r['V']:>10,} {r['file_mb']:>8.0f} {r['n']:>5} {r['open_ms']:>8.2f} "
                  f"{r['cold_ms']:>8.2f} {r['warm_ms']:>8.3f} {r['rss_growth_mb']:>8.1f} {r['anon_growth_mb']:>8.1f} "
                  f"{r['peak_rss_mb']:>11.1f} "
                  f"{r['traced_peak_kb']:>9.1f}")
    base = run_child("npy", str(small), "1")["base_rss_mb"]
    print(f"(a fresh interpreter with numpy imported has ~{base:.0f} MB RSS. 'RSS +MB' is the growth from open + "
          f"lookup,\n counting mapped file pages the kernel read ahead (reclaimable page cache); 'anon +MB' is the "
          f"private\n memory; 'traced KB' is what numpy allocated during the lookup itself: n × d × 8 bytes and its "
          f"float32 gather)")

    if a.text_rows:
        txt = work / f"glove-like-{a.text_rows}x300.txt"
        make_text(txt, a.text_rows, 300)
        cache = work / "text-cache"
        if cache.exists():                       # the first load must parse
            for p in cache.iterdir():
                p.unlink()
        first = run_child("text", str(txt), str(cache), "16")
        again = run_child("text", str(txt), str(cache), "16")
        print(f"\ntext source, {first['V']:,} × {first['d']} ({first['file_mb']:.0f} MB of text):")
        print(f"  first load (parse + write .npy cache): {first['load_s']:.2f} s, peak RSS {first['peak_rss_mb']:.0f} MB"
              f"  -> {first['load_s'] / first['V'] * 400_000:.0f} s expected for 400,000 × 300")
        print(f"  later loads (cache, memory-mapped):    {again['load_s'] * 1e3:.0f} ms, peak RSS "
              f"{again['peak_rss_mb']:.0f} MB; lookup of 16 rows {again['lookup_ms']:.2f} ms")

    if not a.keep:
        for p in work.rglob("*"):
            if p.is_file():
                p.unlink()
        for p in sorted(work.rglob("*"), reverse=True):
            p.rmdir()
        work.rmdir()


if __name__ == "__main__":
    main()
