"""trackprint.Library: scans into a SQLite store, and what it gives back."""

import json
import os
import shutil
import subprocess
import sys
import threading

import numpy as np
import pytest

import trackprint
from conftest import _env_path

GOOD = ["half_silence.flac", "silence_10s.flac", "deeper/electro.ogg"]
BAD = {  # file: the kind its failure is stored with
    "short_0.3s.flac": "too_short",
    "deeper/truncated.flac": "decode",
    "not_audio.mp3": "not_audio",
    "empty.mp3": "not_audio",
}


@pytest.fixture
def music(corpus, tmp_path):
    """A small collection: three tracks that fingerprint and four that fail, in two folders."""
    root = tmp_path / "music"
    (root / "deeper").mkdir(parents=True)
    for name in [*GOOD, *BAD]:
        source = corpus / ("formats" if name.endswith(".ogg") else "odd") / name.split("/")[-1]
        shutil.copyfile(source, root / name)
    return root


@pytest.fixture
def library(tmp_path):
    return trackprint.Library(tmp_path / "store.db")


def test_a_scan_stores_every_file_with_its_fingerprint_or_its_failure(music, library):
    summary = library.scan(music, jobs=2)
    assert (summary.found, summary.analysed, summary.failed, summary.unchanged) == (7, 3, 4, 0)
    assert not summary.cancelled and summary.warnings == []
    status = library.status()
    assert (status.tracks, status.analysed, status.failed, status.pending, status.missing) == (
        7, 3, 4, 0, 0)  # fmt: skip
    assert status.failed_by_kind == {"too_short": 1, "decode": 1, "not_audio": 2}
    assert sorted(t.path for t in status.failures) == sorted(str(music / n) for n in BAD)
    for name in GOOD:
        track = library.get(music / name)
        assert track.status == "analysed" and track.error is None
        assert track.fingerprint.as_dict() == trackprint.analyze_file(music / name).as_dict()
        assert track.engine_version == trackprint.__version__ and not track.outdated
        assert library.get(track.id).path == str(music / name)
    for name, kind in BAD.items():
        track = library.get(str(music / name))
        assert track.status == "failed" and track.fingerprint is None
        assert isinstance(track.error, trackprint.Error) and track.error.kind == kind
        assert track.error.path == str(music / name) and track.error.reason
    assert library.get(music / "nowhere.flac") is None


def test_fingerprints_are_one_array_with_their_paths(music, library):
    library.scan([music / "deeper", music / "half_silence.flac", music / "silence_10s.flac"])
    paths, values = library.fingerprints()
    assert paths == sorted(str(music / n) for n in GOOD)
    assert values.dtype == np.float64 and values.shape == (3, 25)
    for path, row in zip(paths, values):
        assert list(row) == list(trackprint.analyze_file(path).as_array())
    assert [t.path for t in library.tracks()] == paths


def test_an_empty_library_has_an_empty_array(library):
    paths, values = library.fingerprints()
    assert paths == [] and values.shape == (0, 25)


def test_a_rescan_skips_what_has_not_changed(music, library):
    library.scan(music)
    again = library.scan(music)
    assert (again.found, again.unchanged, again.analysed, again.failed) == (7, 7, 0, 0)
    retried = library.scan(music, retry_failed=True)
    assert (retried.unchanged, retried.analysed, retried.failed) == (3, 0, 4)
    (music / "silence_10s.flac").unlink()
    pruned = library.scan(music, prune=True)
    assert pruned.missing == 1 and library.get(music / "silence_10s.flac") is None


def test_progress_is_called_on_this_thread_until_finished(music, library):
    seen = []

    def progress(p):
        seen.append((threading.current_thread(), p.phase, p.done, p.total, p.failed))

    library.scan(music, jobs=1, progress=progress)
    assert seen and all(thread is threading.current_thread() for thread, *_ in seen)
    assert seen[-1][1:] == ("finished", 7, 7, 4)
    phases = [phase for _, phase, *_ in seen]
    assert phases == sorted(phases, key=["walking", "analysing", "finished"].index)


def test_progress_returning_false_cancels_and_keeps_what_was_finished(music, library):
    summary = library.scan(music, jobs=1, progress=lambda p: p.done == 0)
    assert summary.cancelled
    stored = library.status()
    finished = stored.analysed + stored.failed
    assert 1 <= finished < 7 and stored.pending + finished == stored.tracks
    rest = library.scan(music)
    assert (rest.unchanged, rest.analysed + rest.failed) == (finished, 7 - finished)


def test_an_exception_in_progress_cancels_and_is_raised(music, library):
    def progress(p):
        raise LookupError("the app's own bug")

    with pytest.raises(LookupError, match="the app's own bug"):
        library.scan(music, progress=progress)
    assert library.scan(music).found == 7  # the library is still usable


def test_the_library_cannot_be_queried_from_its_own_progress(music, library):
    with pytest.raises(RuntimeError, match="its own scan's progress"):
        library.scan(music, progress=lambda p: library.status())


def test_other_python_threads_run_during_a_scan(music, library):
    finished = threading.Event()
    worker = threading.Thread(target=lambda: (library.scan(music, jobs=1), finished.set()))
    worker.start()
    wake_ups = 0
    while not finished.wait(0.002):
        wake_ups += 1
    worker.join()
    assert wake_ups >= 20
    assert library.status().tracks == 7


def test_a_second_scan_of_the_same_store_raises_store_busy(music, library):
    other = trackprint.Library(library.path)
    caught = []

    def second(progress):
        # Inside the first scan's progress: the store is locked by it.
        if not caught:
            try:
                other.scan(music)
            except trackprint.FileReadError as e:
                caught.append(e)

    library.scan(music, jobs=1, progress=second)
    assert caught and "store busy: another scan is using it" in caught[0].reason
    assert caught[0].path == library.path
    assert library.status().tracks == 7  # the first scan was not disturbed
    assert other.scan(music).unchanged == 7  # once it is over, the other one may scan


def test_a_file_that_is_not_a_store_is_refused_and_left_alone(tmp_path):
    impostor = tmp_path / "notes.db"
    impostor.write_bytes(b"shopping list\n" * 100)
    with pytest.raises(trackprint.Error) as caught:
        trackprint.Library(impostor)
    assert caught.value.path == str(impostor)
    assert impostor.read_bytes() == b"shopping list\n" * 100


def test_read_only_does_not_create_a_store(tmp_path):
    with pytest.raises(trackprint.Error):
        trackprint.Library(tmp_path / "absent.db", read_only=True)
    assert not (tmp_path / "absent.db").exists()


def test_bad_arguments(music, library):
    with pytest.raises(trackprint.InvalidInputError, match="jobs"):
        library.scan(music, jobs=-1)
    with pytest.raises(trackprint.InvalidInputError, match="callable"):
        library.scan(music, progress=3)


def test_repr_and_path(tmp_path, library):
    assert library.path == str(tmp_path / "store.db")
    assert repr(library) == f"<trackprint.Library {tmp_path / 'store.db'}>"


def test_a_file_name_that_is_not_utf8_round_trips(corpus, tmp_path, library):
    music = tmp_path / "music"
    music.mkdir()
    names = [b"caf\xe9.flac", b"\xff.flac"]  # Latin-1, and a byte no UTF-8 text holds
    for name in names:
        shutil.copyfile(corpus / "odd" / "silence_10s.flac", bytes(music) + b"/" + name)
    broken = bytes(music) + b"/broken\xff.mp3"
    shutil.copyfile(corpus / "odd" / "not_audio.mp3", broken)
    reported = []
    summary = library.scan(music, progress=lambda p: reported.extend(p.new_failures))
    assert (summary.analysed, summary.failed) == (2, 1)
    tracks = library.tracks()
    assert sorted(os.fsencode(t.path) for t in tracks) == sorted(bytes(music) + b"/" + n
                                                                 for n in names)  # fmt: skip
    for track in tracks:
        assert library.get(track.path).id == track.id
        assert library.get(os.fsencode(track.path)).id == track.id
        assert repr(track) == f"<trackprint.Track analysed {track.path}>"
    assert library.fingerprints()[0] == [t.path for t in tracks]
    (failure,) = library.status().failures
    assert os.fsencode(failure.path) == broken and os.fsencode(failure.error.path) == broken
    assert failure.error.kind == "not_audio" and failure.error.reason
    assert [os.fsencode(e.path) for e in reported] == [broken]


def test_json_path_gives_back_the_name_the_cli_wrote(corpus, tmp_path, library):
    """The CLI's JSON writes a name that is not UTF-8 with U+FFFD and its bytes beside it;
    json_path turns such a record into the path Library and open() take."""
    cli = _env_path("TRACKPRINT_BIN", "needs the trackprint CLI")
    music = tmp_path / "music"
    music.mkdir()
    weird = bytes(music) + b"/\xff live.flac"
    shutil.copyfile(corpus / "odd" / "silence_10s.flac", weird)
    shutil.copyfile(corpus / "odd" / "silence_10s.flac", music / "plain.flac")
    library.scan(music)
    out = subprocess.run([cli, "export", "--db", library.path, "--format", "jsonl"],
                         capture_output=True, check=True).stdout  # fmt: skip
    records = [json.loads(line) for line in out.decode("utf-8").splitlines()]
    assert sorted(os.fsencode(trackprint.json_path(r)) for r in records) == sorted(
        [weird, bytes(music / "plain.flac")])  # fmt: skip
    for record in records:
        assert library.get(trackprint.json_path(record)).id == record["id"]
    assert trackprint.json_path({"store": "/a.db"}, "store") == "/a.db"


SCAN_IN_A_CHILD = """
import sys, trackprint
summary = trackprint.Library(sys.argv[1]).scan(sys.argv[2], jobs=2)
print("done", summary.analysed, summary.failed)
"""


def test_a_file_that_crashes_python_s_scan_is_blamed_by_the_third_scan(music, tmp_path):
    """Library.scan goes through the engine's scanner: a file whose analysis kills the Python
    process is retried alone by the next scan, then stored as failed (kind crashed), and every
    other file gets its fingerprint."""
    shim = os.environ.get("TRACKPRINT_FAULTY_IO")
    if not shim:
        if os.environ.get("CI") == "true":
            pytest.fail("TRACKPRINT_FAULTY_IO (the fault shim) is not set")
        pytest.skip("fault shim not built (TRACKPRINT_FAULTY_IO)")
    shutil.copyfile(music / "half_silence.flac", music / "crash-me.flac")
    env = dict(os.environ, LD_PRELOAD=shim, TRACKPRINT_FAULT="crash",
               TRACKPRINT_FAULT_PATH="crash-me.flac")
    db = tmp_path / "crash.db"
    codes = []
    for _ in range(4):
        r = subprocess.run([sys.executable, "-c", SCAN_IN_A_CHILD, str(db), str(music)],
                           capture_output=True, text=True, env=env, timeout=600)
        codes.append(r.returncode)
        if r.returncode == 0:
            break
    assert codes[:2] == [-11, -11] and codes[2:] == [0], (codes, r.stderr)
    library = trackprint.Library(db, read_only=True)
    crashed = library.get(music / "crash-me.flac")
    assert crashed.status == "failed" and crashed.error.kind == "crashed"
    assert isinstance(crashed.error, trackprint.CrashedError)
    assert library.status().failed_by_kind["crashed"] == 1
    assert library.status().in_flight == []
    assert sorted(t.path for t in library.tracks()) == sorted(str(music / n) for n in GOOD)
