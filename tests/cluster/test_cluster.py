"""trackprint.cluster on a real Dask cluster on this machine: a scheduler and two worker processes,
one killed with SIGKILL in the middle of a batch, then the driver killed and rerun. Every file
must then have exactly one row, equal bit for bit to a local `trackprint scan` of the same files,
and `trackprint import` must give the store that scan gives."""

import json
import os
import re
import signal
import struct
import subprocess
import sys
import wave

import numpy as np
import pyarrow.parquet as pq

import trackprint
from trackprint import dataset
from conftest import wait_for

# Real music in several formats and the odd files (empty, not audio, truncated, too short,
# 5.1, 8 kHz to 192 kHz): the failures are rows too. And the three smallest tracks of flac/.
ROOTS = ["formats", "odd"]
IGNORED = {"id", "analysed_at", "analysis_s"}  # when and how fast, not what


def inputs(corpus):
    for root in ROOTS:
        assert len(list((corpus / root).iterdir())) >= 9, f"the corpus lacks {root}/"
    flac = sorted((corpus / "flac").glob("*.flac"), key=lambda p: (p.stat().st_size, p.name))
    assert len(flac) >= 3, "the corpus lacks flac/"
    return [str(corpus / r) for r in ROOTS] + [str(p) for p in flac[:3]]


def driver(out, scheduler_file, roots, log):
    return subprocess.Popen([sys.executable, "-m", "trackprint.cluster", "--scheduler-file",
                             str(scheduler_file), "--out", str(out), "--batch-files", "2", *roots],
                            stdout=log, stderr=subprocess.STDOUT)  # fmt: skip


def parts_rows(out):
    return sum(pq.ParquetFile(p).metadata.num_rows for p in dataset.part_files(out))


def rows_by_path(out):
    rows = {}
    for part in dataset.part_files(out):
        for row in dataset.read_part(part).to_pylist():
            rows.setdefault(dataset.row_path(row), []).append(row)
    return rows


def scan_store(cli, db, roots):
    done = subprocess.run([str(cli), "scan", "--db", str(db), "--jobs", "2", "--quiet", *roots],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode in (0, 1), done.stderr  # 1: some files failed, as they should
    return trackprint.Library(db, read_only=True)


def exported(cli, db):
    """`trackprint export --format jsonl`, without the fields that say when and how fast."""
    out = subprocess.run([str(cli), "export", "--db", str(db), "--format", "jsonl"],
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    return [{k: v for k, v in json.loads(line).items() if k not in IGNORED}
            for line in out.splitlines()]  # fmt: skip


def failures(library):
    return sorted((t.path, t.error.kind, t.error.reason) for t in library.status().failures)


def bits(x):
    return struct.pack("<d", x).hex() if x is not None else None


def test_a_killed_worker_and_a_killed_driver_still_give_every_file_once_as_a_scan(
        corpus, cli, cli_env, cluster, tmp_path):  # fmt: skip
    roots = inputs(corpus)
    out = tmp_path / "dataset"
    cluster.start_worker("a")
    cluster.start_worker("b")

    # 1. Worker a is killed while it analyses a batch.
    first_log = open(tmp_path / "driver-1.log", "wb")
    first = driver(out, cluster.scheduler_file, roots, first_log)
    started = re.compile(rb"trackprint.cluster: \S+ starts batch (\w+)")
    wait_for(lambda: started.search(cluster.log("a")), 300, "worker a to start a batch")
    cluster.kill("a")
    killed_batch = started.search(cluster.log("a")).group(1).decode()
    assert f"wrote batch {killed_batch}".encode() not in cluster.log("a")
    print(f"worker a killed (SIGKILL) in the middle of batch {killed_batch}")

    # Its batch is run again by worker b (and writes the part a never wrote).
    wait_for(lambda: f"wrote batch {killed_batch}".encode() in cluster.log("b"), 600,
             "worker b to finish the killed worker's batch")  # fmt: skip
    assert (out / dataset.part_name(killed_batch)).exists()

    # 2. The driver is killed while worker b works on alone.
    assert first.poll() is None, "the run ended before its driver could be killed: more input"
    first.send_signal(signal.SIGKILL)
    first.wait()
    rows_at_kill = parts_rows(out)
    print((tmp_path / "driver-1.log").read_text(), end="")
    print(f"driver killed (SIGKILL) with {rows_at_kill} rows written")

    # 3. The rerun, with a new worker beside b, skips what is done and finishes the rest.
    cluster.start_worker("c")
    rerun = subprocess.run([sys.executable, "-m", "trackprint.cluster", "--scheduler-file",
                            str(cluster.scheduler_file), "--out", str(out), "--batch-files", "2",
                            *roots], capture_output=True, text=True, timeout=900)  # fmt: skip
    print(rerun.stderr)
    assert rerun.returncode == 0, rerun.stderr
    summary = re.search(r"(\d+) found, (\d+) already done, (\d+) analysed, (\d+) failed",
                        rerun.stderr)  # fmt: skip
    found, skipped, analysed, failed = map(int, summary.groups())
    assert skipped >= rows_at_kill
    assert skipped + analysed + failed == found

    # Every file exactly once, the killed worker's batch among them.
    rows = rows_by_path(out)
    assert {p: len(r) for p, r in rows.items() if len(r) != 1} == {}
    scan_db = tmp_path / "scan.db"
    scan = scan_store(cli, scan_db, roots)
    stored = {t.path: t for t in scan.tracks()}
    assert len(rows) == found == len(stored) + len(scan.status().failures)

    # Equal to the local scan, bit for bit.
    for path, [row] in rows.items():
        if row["status"] == "analysed":
            fp = stored[path].fingerprint
            assert [bits(row[n]) for n in dataset.DIMENSION_NAMES] == [bits(v) for v in fp.as_array()], path
            assert (row["duration_s"], row["sample_rate"], row["channels"], row["codec"]) == (
                fp.duration, fp.sample_rate, fp.channels, fp.codec)  # fmt: skip
            assert (row["size"], row["mtime_ns"]) == (stored[path].size, stored[path].mtime_ns)
    assert sorted((p, r[0]["error_kind"], r[0]["reason"]) for p, r in rows.items()
                  if r[0]["status"] == "failed") == failures(scan)  # fmt: skip
    assert len(failures(scan)) >= 5  # empty, not audio, truncated x2, too short

    # 4. `trackprint import` gives the store the scan gave, and a scan of it has nothing to do.
    imported_db = tmp_path / "imported.db"
    done = subprocess.run([str(cli), "import", "--db", str(imported_db), str(out)],
                          capture_output=True, text=True, env=cli_env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    print(done.stderr)
    assert exported(cli, imported_db) == exported(cli, scan_db)
    assert failures(trackprint.Library(imported_db, read_only=True)) == failures(scan)
    rescan = subprocess.run([str(cli), "scan", "--db", str(imported_db), "--progress", "plain",
                             *roots], capture_output=True, text=True)  # fmt: skip
    assert rescan.returncode == 0, rescan.stderr
    assert f"0 analysed, 0 failed, {found} unchanged" in rescan.stdout, rescan.stdout

    # 5. And `export --format parquet` writes the same rows back.
    back = tmp_path / "exported"
    done = subprocess.run([str(cli), "export", "--db", str(scan_db), "--format", "parquet",
                           "--out", str(back)], capture_output=True, text=True, env=cli_env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    strip = lambda r: {k: r[k] for k in r if k not in IGNORED}  # noqa: E731
    assert {p: strip(r[0]) for p, r in rows_by_path(back).items()} == {
        p: strip(r[0]) for p, r in rows.items()}  # fmt: skip


def write_wav(path, freq, seconds=1.0, rate=22050):
    t = np.arange(int(seconds * rate)) / rate
    samples = (0.3 * np.sin(2 * np.pi * freq * t) * 32767).astype("<i2")
    with wave.open(os.fsdecode(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())


def test_a_local_cluster_takes_folders_manifests_file_urls_and_any_file_name(tmp_path, cli, cli_env):
    music = tmp_path / "music"
    music.mkdir()
    odd_name = os.fsencode(music) + b"/caf\xe9.wav"  # Latin-1, not UTF-8
    write_wav(odd_name, 330)
    write_wav(music / "a.wav", 220)
    (music / "notes.txt").write_text("not a track: no audio extension")
    (music / "broken.flac").write_bytes(b"fLaC but nothing else")
    listed = tmp_path / "listed.wav"
    write_wav(listed, 440)
    by_url = tmp_path / "by url.wav"
    write_wav(by_url, 550)
    manifest = tmp_path / "manifest.txt"
    manifest.write_text(f"# one path a line\n\n{listed}\n")
    out = tmp_path / "dataset"
    run = [sys.executable, "-m", "trackprint.cluster", "--local", "1", "--out", str(out)]

    done = subprocess.run([*run, "--manifest", str(manifest), str(music), by_url.as_uri()],
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "5 found, 0 already done, 4 analysed, 1 failed" in done.stderr, done.stderr
    rows = rows_by_path(out)
    assert sorted(rows) == sorted([os.fsdecode(odd_name), str(music / "a.wav"), str(listed),
                                   str(by_url), str(music / "broken.flac")])  # fmt: skip
    [odd] = rows[os.fsdecode(odd_name)]
    assert odd["path_bytes"] == odd_name and odd["path"].endswith("caf\\xe9.wav")
    for path, [row] in rows.items():
        if row["status"] == "analysed":
            expected = trackprint.analyze_file(path).as_array()
            assert [row[n] for n in dataset.DIMENSION_NAMES] == expected.tolist(), path
            assert all(row[tag] is None for tag in dataset.TAG_NAMES)
    assert rows[str(music / "broken.flac")][0]["error_kind"] in ("decode", "not_audio")

    again = subprocess.run([*run, "--manifest", str(manifest), str(music), by_url.as_uri()],
                           capture_output=True, text=True, timeout=300)  # fmt: skip
    assert "5 found, 5 already done, 0 analysed" in again.stderr, again.stderr

    db = tmp_path / "store.db"
    subprocess.run([str(cli), "import", "--db", str(db), str(out)], check=True, env=cli_env)
    track = trackprint.Library(db, read_only=True).get(os.fsdecode(odd_name))
    assert track is not None and track.status == "analysed", "the exact name reached the store"

    refused = subprocess.run([*run, "s3://bucket/music"], capture_output=True, text=True)
    assert refused.returncode == 2
    assert "mount the storage at the same path on every worker" in refused.stderr


def test_import_names_what_is_missing(tmp_path, cli):
    # This venv's Python without its site-packages: neither trackprint nor pyarrow.
    bare = tmp_path / "python-without-packages"
    bare.write_text(f'#!/bin/sh\nexec "{sys.executable}" -S "$@"\n')
    bare.chmod(0o755)
    done = subprocess.run([str(cli), "import", "--db", str(tmp_path / "s.db"), str(tmp_path)],
                          capture_output=True, text=True,
                          env=dict(os.environ, TRACKPRINT_PYTHON=str(bare)))  # fmt: skip
    assert done.returncode == 1
    assert "import needs the trackprint Python module" in done.stderr, done.stderr
    assert not (tmp_path / "s.db").exists()


def test_two_parts_holding_one_file_are_deduplicated_to_the_later_analysis(tmp_path):
    rows = []
    for at in ("2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"):
        rows.append(dataset.failed_row("/m/a.flac", 10, 20, "decode", f"at {at}", at, 0.5, "x"))
    dataset.write_part(tmp_path, "later", [rows[1]])
    dataset.write_part(tmp_path, "earlier", [rows[0], dataset.failed_row(
        "/m/b.flac", 1, 2, "io", "gone", rows[0]["analysed_at"], 0.0, "x")])  # fmt: skip
    assert dataset.dedup(tmp_path) == 1
    left = rows_by_path(tmp_path)
    assert [r["reason"] for r in left["/m/a.flac"]] == ["at 2026-01-02T00:00:00Z"]
    assert sorted(left) == ["/m/a.flac", "/m/b.flac"]
