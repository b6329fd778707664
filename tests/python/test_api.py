"""The module's surface: the dimension table, the Fingerprint object, versions and stubs."""

import ast
import subprocess
from pathlib import Path

import numpy as np
import pytest

import trackprint
from conftest import _env_path

SPEC_ORDER = [
    "sub_bass_pct", "bass_pct", "low_mid_pct", "mid_pct", "upper_mid_pct", "presence_pct",
    "air_pct", "lufs", "crest_db", "bass_mid_ratio", "tempo_bpm", "rhythm_stability",
    "transient_density", "silence_ratio", "spectral_centroid", "spectral_rolloff",
    "spectral_flatness", "harmonic_ratio", "pitch_stability", "chroma_energy",
    "dynamic_range_variation", "loudness_variation_std", "peak_consistency", "stereo_width",
    "phase_correlation",
]  # fmt: skip


def test_dimensions_are_the_spec_s_in_order():
    # The spec's §2 list, written out once here to check the C++ table the module reads.
    assert [d.name for d in trackprint.DIMENSIONS] == SPEC_ORDER
    tempo = trackprint.DIMENSIONS[SPEC_ORDER.index("tempo_bpm")]
    assert (tempo.family, tempo.unit, tempo.min, tempo.max) == ("temporal", "BPM", 40, 200)
    assert (tempo.tolerance, tempo.tolerance_kind, tempo.decision_based) == (0.5, "absolute", True)
    bass_mid = trackprint.DIMENSIONS[SPEC_ORDER.index("bass_mid_ratio")]
    assert (bass_mid.min, bass_mid.max) == (-np.inf, np.inf)
    silence = trackprint.DIMENSIONS[SPEC_ORDER.index("silence_ratio")]
    assert silence.tolerance_kind == "one_frame"
    assert repr(tempo) == "Dimension(name='tempo_bpm', family='temporal', unit='BPM', min=40, max=200)"


def test_dimensions_equal_the_cli_s_table():
    cli = _env_path("TRACKPRINT_BIN", "needs the trackprint CLI")
    import json

    table = json.loads(subprocess.run([cli, "dimensions", "--json"], capture_output=True,
                                      text=True, check=True).stdout)  # fmt: skip
    assert [(d["name"], d["family"], d["unit"]) for d in table] == [
        (d.name, d.family, d.unit) for d in trackprint.DIMENSIONS]  # fmt: skip


def test_a_dimension_is_read_only():
    with pytest.raises(AttributeError):
        trackprint.DIMENSIONS[0].name = "bass"
    assert isinstance(trackprint.DIMENSIONS, tuple)


def test_fingerprint_fields_and_repr(corpus):
    fp = trackprint.analyze_file(corpus / "odd" / "mono.flac")
    assert (fp.sample_rate, fp.channels, fp.codec, fp.version) == (44100, 1, "flac", 1)
    assert fp.duration == pytest.approx(195.64, abs=0.01)
    text = repr(fp)
    assert text.startswith("<trackprint.Fingerprint v1 flac 44100 Hz 1 ch 195.64 s: tempo_bpm=")
    assert f"lufs={fp['lufs']:.4g}" in text
    with pytest.raises(KeyError, match="no dimension named 'loudness'"):
        fp["loudness"]
    with pytest.raises(AttributeError):
        fp.channels = 2
    with pytest.raises(TypeError):
        trackprint.Fingerprint()


def test_as_array_and_as_dict_are_fresh_copies():
    fp = trackprint.analyze(np.sin(np.arange(44100, dtype=np.float32) / 7), 22050)
    array = fp.as_array()
    array[:] = -1
    assert fp.as_array()[0] != -1
    values = fp.as_dict()
    values["lufs"] = 0
    assert fp.as_dict()["lufs"] == fp["lufs"] != 0


def test_versions():
    assert trackprint.__version__ == trackprint.engine_version()
    assert trackprint.FINGERPRINT_VERSION == 1
    cmake = (Path(__file__).resolve().parents[2] / "CMakeLists.txt").read_text()
    assert f"project(trackprint VERSION {trackprint.__version__} " in cmake


def test_the_stubs_ship_and_name_exactly_the_public_api():
    package = Path(trackprint.__file__).parent
    assert (package / "py.typed").is_file()
    stub = ast.parse((package / "__init__.pyi").read_text())
    functions = (ast.FunctionDef, ast.AsyncFunctionDef)
    stubbed = {node.name for node in stub.body if isinstance(node, (*functions, ast.ClassDef))}
    stubbed |= {t.id for node in stub.body if isinstance(node, ast.AnnAssign)
                for t in [node.target]}  # fmt: skip
    assert stubbed - {"__version__"} == set(trackprint.__all__)
    methods = {node.name: {m.name for m in node.body if isinstance(m, functions)}
               for node in stub.body if isinstance(node, ast.ClassDef)}  # fmt: skip
    assert {"as_dict", "as_array", "__getitem__", "duration", "codec"} <= methods["Fingerprint"]
    for name in ("Fingerprint", "Dimension", "Library", "LibraryStatus", "Track", "ScanProgress",
                 "ScanSummary", "Tags", "Similar", "DuplicateGroup", "MergeSummary", "Queue",
                 "QueueResult", "QueueStatus"):  # fmt: skip
        public = {m for m in dir(getattr(trackprint, name)) if not m.startswith("_")}
        assert public == {m for m in methods[name] if not m.startswith("_")}, name


def test_a_fingerprint_pickles_whole(corpus):
    import pickle

    fp = trackprint.analyze_file(corpus / "odd" / "mono.flac")
    back = pickle.loads(pickle.dumps(fp))
    assert type(back) is trackprint.Fingerprint
    assert back.as_dict() == fp.as_dict()
    assert (back.duration, back.sample_rate, back.channels, back.codec, back.version) == (
        fp.duration, fp.sample_rate, fp.channels, fp.codec, fp.version)  # fmt: skip
