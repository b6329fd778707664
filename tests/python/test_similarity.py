"""trackprint.Library's similar(), playlist() and duplicates(), and the tags of its tracks."""

import shutil
import subprocess

import pytest

import trackprint

# name: (ffmpeg lavfi source, artist, album); electro.ogg and electro.mp3 come from the corpus.
MADE = {
    "tones/low.flac": ("sine=frequency=220:duration=3", "Low", "Tones"),
    "tones/mid.flac": ("aevalsrc=0.5*sin(2*PI*440*t):d=3", "Low", "Tones"),
    "tones/high.flac": ("aevalsrc=0.25*sin(2*PI*1320*t):d=3", "High", "Tones"),
    "noise/pink.flac": ("anoisesrc=d=3:c=pink:seed=1", "Noise", "Colours"),
    "noise/brown.flac": ("anoisesrc=d=3:c=brown:seed=2", "Noise", "Colours"),
    "noise/white.flac": ("anoisesrc=d=3:c=white:seed=3", "Noise", "Colours"),
}


@pytest.fixture(scope="module")
def library(corpus, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("similarity")
    music = tmp / "music"
    for name, (source, artist, album) in MADE.items():
        (music / name).parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", source, "-metadata",
                        f"title={name.split('/')[1][:-5]}", "-metadata", f"artist={artist}",
                        "-metadata", f"album={album}", "-metadata", "track=2/9",
                        str(music / name)], check=True)  # fmt: skip
    (music / "electro").mkdir()
    for name in ("electro.ogg", "electro.mp3"):
        shutil.copyfile(corpus / "formats" / name, music / "electro" / name)
    lib = trackprint.Library(tmp / "store.db")
    assert lib.scan(music, jobs=2).analysed == len(MADE) + 2
    return lib, music


def test_tracks_carry_their_tags(library):
    lib, music = library
    tags = lib.get(music / "tones/low.flac").tags
    assert (tags.title, tags.artist, tags.album, tags.track_number) == ("low", "Low", "Tones", 2)
    assert tags.album_artist is None and tags.musicbrainz_recording_id is None
    assert tags.as_dict() == {"title": "low", "artist": "Low", "album": "Tones",
                              "album_artist": None, "genre": None, "track_number": 2,
                              "date": None, "musicbrainz_recording_id": None}  # fmt: skip
    assert lib.get(music / "electro/electro.ogg").tags.title is None


def test_similar_gives_the_nearest_tracks_with_their_distances_never_the_seed(library):
    lib, music = library
    seed = lib.get(music / "electro/electro.ogg")
    found = lib.similar(music / "electro/electro.ogg", n=4)
    assert len(found) == 4
    assert [type(s) for s in found] == [trackprint.Similar] * 4
    assert found[0].path == str(music / "electro/electro.mp3"), "its other encoding is nearest"
    assert seed.id not in [s.track.id for s in found]
    distances = [s.distance for s in found]
    assert distances == sorted(distances) and distances[0] > 0
    assert [s.track.id for s in lib.similar(seed.id, n=4)] == [s.track.id for s in found]
    by_equal = lib.similar(seed.id, n=8, metric="equal-zscore")
    assert len(by_equal) == 7, "every other analysed track, no more"
    assert found[1].track.tags.artist in {"Low", "High", "Noise"}


def test_an_unknown_seed_or_metric_raises(library):
    lib, music = library
    with pytest.raises(trackprint.InvalidInputError, match="not in the store"):
        lib.similar(music / "nope.flac")
    with pytest.raises(trackprint.InvalidInputError, match="unknown metric 'cosine'"):
        lib.similar(music / "tones/low.flac", metric="cosine")


def test_a_playlist_starts_at_its_seed_and_a_path_ends_at_its_target(library):
    lib, music = library
    seed, target = music / "tones/low.flac", music / "noise/white.flac"
    mix = lib.playlist(seed, n=5)
    assert len(mix) == 5 and mix[0].path == str(seed) and mix[0].distance == 0
    assert len({s.track.id for s in mix}) == 5
    path = lib.playlist([seed], n=4, to=target)
    assert [p.path for p in (path[0], path[-1])] == [str(seed), str(target)]
    assert all(s.distance > 0 for s in path[1:]), "each entry's step from the one before"
    capped = lib.playlist(seed, n=8, max_per_album=1)
    albums = [s.track.tags.album for s in capped]
    assert len([a for a in albums if a is not None]) == len({a for a in albums if a is not None})
    electro = lib.playlist(music / "electro/electro.mp3", n=8)
    assert str(music / "electro/electro.ogg") not in [s.path for s in electro], "a duplicate"
    with pytest.raises(trackprint.InvalidInputError, match="cannot hold"):
        lib.playlist(seed, n=1, to=target)


def test_duplicates_are_the_two_encodings_of_one_track(library):
    lib, music = library
    groups = lib.duplicates()
    assert len(groups) == 1
    assert sorted(t.path for t in groups[0].tracks) == [str(music / "electro/electro.mp3"),
                                                        str(music / "electro/electro.ogg")]  # fmt: skip
    assert [t.id for t in groups[0].tracks] == sorted(t.id for t in groups[0].tracks)
    assert 0 < groups[0].distance <= 1


def test_a_scan_makes_the_next_query_see_the_new_tracks(library, tmp_path):
    lib, music = library
    extra = tmp_path / "extra.flac"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                    "sine=frequency=230:duration=3", str(extra)], check=True)  # fmt: skip
    before = lib.similar(music / "tones/low.flac", n=20)
    lib.scan(extra)
    after = lib.similar(music / "tones/low.flac", n=20)
    assert len(after) == len(before) + 1
    assert str(extra) in [s.path for s in after]
