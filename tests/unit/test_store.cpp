// The library layer without the command line: the store's rows round-trip exactly, rows merged
// from elsewhere follow the merge rule, the scan plan follows the incremental rules, the walker
// finds what it should, and a scan through the public header gives the same store for any
// number of workers.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "library/merge.hpp"
#include "library/plan.hpp"
#include "library/sidecar.hpp"
#include "library/store.hpp"
#include "library/walker.hpp"
#include "temp_dir.hpp"
#include "trackprint/extraction_queue.hpp"
#include "trackprint/library.hpp"
#include "trackprint/numbers_version.hpp"
#include "trackprint/trackprint.hpp"

namespace trackprint::library {
namespace {

namespace fs = std::filesystem;

using unit::TempDir;

Fingerprint sample_fingerprint(double seed) {
  Fingerprint fp;
  // Values whose decimal forms are long: a REAL column that rounded would lose them.
  for (std::size_t i = 0; i < kDimensionCount; ++i)
    fp.values[i] = seed + static_cast<double>(i) / 3.0 + std::numbers::pi * 1e-9;
  fp.values[7] = -14.123456789012345;
  fp.values[13] = 5e-324;  // the smallest denormal
  fp.duration_s = 123.456;
  fp.sample_rate = 44100;
  fp.channels = 2;
  fp.codec = "flac";
  return fp;
}

AnalysisResult analysed(const std::string& path, double seed) {
  AnalysisResult r;
  r.path = path;
  r.size = 1000;
  r.mtime_ns = 1'700'000'000'123'456'789;
  r.fingerprint = sample_fingerprint(seed);
  r.analysis_s = 0.5;
  r.analysed_at = "2026-01-01T00:00:00Z";
  return r;
}

AnalysisResult failed(const std::string& path, ErrorKind kind, const std::string& reason) {
  AnalysisResult r;
  r.path = path;
  r.size = 7;
  r.mtime_ns = 42;
  r.error = Error{kind, path, reason};
  return r;
}

TEST(Store, FingerprintsRoundTripBitForBit) {
  TempDir dir;
  Store store(dir / "s.db", false);
  EXPECT_EQ(store.schema_version(), kSchemaVersion);
  store.begin();
  store.put_result(analysed("/m/a.flac", 0.1));
  store.commit();
  const auto t = store.by_path("/m/a.flac");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->status, TrackStatus::analysed);
  ASSERT_TRUE(t->fingerprint.has_value());
  const Fingerprint expected = sample_fingerprint(0.1);
  for (std::size_t i = 0; i < kDimensionCount; ++i)
    EXPECT_EQ(t->fingerprint->values[i], expected.values[i]) << kDimensions[i].name;
  EXPECT_EQ(t->fingerprint->codec, "flac");
  EXPECT_EQ(t->fingerprint->sample_rate, 44100);
  EXPECT_EQ(t->mtime_ns, 1'700'000'000'123'456'789);
  EXPECT_EQ(t->engine_version, engine_version());
  EXPECT_FALSE(t->outdated);
  EXPECT_FALSE(t->error_kind.has_value());
  const auto by_id = store.by_id(t->id);
  ASSERT_TRUE(by_id.has_value());
  EXPECT_EQ(by_id->path, "/m/a.flac");
}

TEST(Store, TagsRoundTripAndAnAbsentTagStaysAbsent) {
  TempDir dir;
  Store store(dir / "s.db", false);
  auto tagged = analysed("/m/a.flac", 0.1);
  tagged.tags.title = "Überschrift, \"quoted\"";
  tagged.tags.artist = "Artist";
  tagged.tags.album = "Album";
  tagged.tags.album_artist = "Various";
  tagged.tags.genre = "Jazz";
  tagged.tags.track_number = 7;
  tagged.tags.date = "1999-12-31";
  tagged.tags.musicbrainz_recording_id = "0b3a8bd6-0b6c-4a2f-9a3c-5b1d8f5e1c2a";
  auto bare = analysed("/m/b.flac", 0.2);
  bare.tags.artist = "Only Artist";
  store.begin();
  store.put_result(tagged);
  store.put_result(bare);
  store.commit();
  EXPECT_EQ(store.by_path("/m/a.flac")->tags, tagged.tags);
  const Tags b = store.by_path("/m/b.flac")->tags;
  EXPECT_EQ(b.artist, "Only Artist");
  EXPECT_TRUE(b.title.empty());
  EXPECT_FALSE(b.track_number.has_value());
  for (const KnownRow& r : store.known_rows()) EXPECT_TRUE(r.tags_read) << r.path;

  // A changed file forgets its tags with its values; the tags of an unchanged row can be set.
  store.begin();
  store.put_pending("/m/a.flac", 1, 2);
  Tags later;
  later.title = "Later";
  store.put_tags("/m/b.flac", later);
  store.commit();
  EXPECT_EQ(store.by_path("/m/a.flac")->tags, Tags{});
  EXPECT_EQ(store.by_path("/m/b.flac")->tags, later);
  EXPECT_TRUE(store.by_path("/m/b.flac")->fingerprint.has_value()) << "put_tags keeps the values";
  for (const KnownRow& r : store.known_rows())
    EXPECT_EQ(r.tags_read, r.path == "/m/b.flac") << r.path;
}

TEST(Store, AMetricIsKeptWithAnIdThatGrowsAndOnlyTheLastFitOfANameIsRead) {
  TempDir dir;
  Store store(dir / "s.db", false);
  EXPECT_FALSE(store.metric("auralis").has_value());
  StoredMetric m;
  m.name = "auralis";
  m.normalisation = "minmax";
  for (std::size_t i = 0; i < kDimensionCount; ++i) {
    m.centre[i] = static_cast<double>(i) / 7.0;
    m.scale[i] = 1.0 + static_cast<double>(i) / 3.0;
    m.weight[i] = 1.0 / 25.0;
  }
  m.tracks = 12;
  m.fingerprints_digest = "00ff";
  const StoredMetric first = store.put_metric(m);
  EXPECT_GT(first.id, 0);
  EXPECT_EQ(first.fitted_at.size(), std::string("2026-01-01T00:00:00Z").size());
  m.tracks = 13;
  const StoredMetric second = store.put_metric(m);
  EXPECT_GT(second.id, first.id);
  m.name = "equal";
  const StoredMetric other = store.put_metric(m);
  const auto back = store.metric("auralis");
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->id, second.id);
  EXPECT_EQ(back->tracks, 13);
  EXPECT_EQ(back->centre, m.centre);
  EXPECT_EQ(back->scale, m.scale);
  EXPECT_EQ(back->weight, m.weight);
  EXPECT_EQ(back->fingerprints_digest, "00ff");
  EXPECT_EQ(store.metric("equal")->id, other.id);
  EXPECT_FALSE(store.metric("zscore").has_value());
}

TEST(Store, TheFingerprintTableHoldsTheAnalysedRowsInIdOrder) {
  TempDir dir;
  Store store(dir / "s.db", false);
  store.begin();
  store.put_result(analysed("/m/z.flac", 0.1));
  store.put_result(failed("/m/bad.mp3", ErrorKind::decode, "broken"));
  store.put_result(analysed("/m/a.flac", 0.2));
  store.commit();
  const FingerprintTable t = store.fingerprint_table();
  ASSERT_EQ(t.size(), 2u);
  EXPECT_LT(t.ids[0], t.ids[1]);
  EXPECT_EQ(store.by_id(t.ids[0])->path, "/m/z.flac");
  ASSERT_EQ(t.values.size(), 2 * kDimensionCount);
  const Fingerprint second = sample_fingerprint(0.2);
  for (std::size_t i = 0; i < kDimensionCount; ++i)
    EXPECT_EQ(t.values[kDimensionCount + i], second.values[i]);
  EXPECT_EQ(t.durations_s[1], second.duration_s);
}

TEST(Store, AFailureReplacesAFingerprintAndCountsByKind) {
  TempDir dir;
  Store store(dir / "s.db", false);
  store.begin();
  store.put_result(analysed("/m/a.flac", 0.1));
  store.put_result(analysed("/m/b.flac", 0.2));
  store.put_result(failed("/m/a.flac", ErrorKind::decode, "truncated"));
  store.put_result(failed("/m/c.mp3", ErrorKind::not_audio, "empty file"));
  store.put_result(failed("/m/d.mp3", ErrorKind::not_audio, "no container"));
  store.commit();
  const auto a = store.by_path("/m/a.flac");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->status, TrackStatus::failed);
  EXPECT_FALSE(a->fingerprint.has_value()) << "no value of the earlier analysis survives";
  EXPECT_EQ(a->error_kind, ErrorKind::decode);
  EXPECT_EQ(a->reason, "truncated");

  const LibraryStatus st = store.status();
  EXPECT_EQ(st.tracks, 4);
  EXPECT_EQ(st.analysed, 1);
  EXPECT_EQ(st.failed, 3);
  ASSERT_EQ(st.failed_by_kind.size(), 2u);
  EXPECT_EQ(st.failed_by_kind[0], std::make_pair(ErrorKind::decode, std::int64_t{1}));
  EXPECT_EQ(st.failed_by_kind[1], std::make_pair(ErrorKind::not_audio, std::int64_t{2}));
  ASSERT_EQ(st.failures.size(), 3u);
  EXPECT_EQ(st.failures[1].path, "/m/c.mp3");
  EXPECT_EQ(st.failures[1].reason, "empty file");
  ASSERT_EQ(store.analysed().size(), 1u);
  EXPECT_EQ(store.analysed()[0].path, "/m/b.flac");
}

TEST(Store, AnOlderFingerprintVersionIsOutdated) {
  TempDir dir;
  Store store(dir / "s.db", false);
  auto old = analysed("/m/old.flac", 0.3);
  old.fingerprint->version = kFingerprintVersion - 1;
  store.begin();
  store.put_result(old);
  store.put_result(analysed("/m/new.flac", 0.4));
  store.commit();
  EXPECT_EQ(store.status().outdated, 1);
  EXPECT_TRUE(store.by_path("/m/old.flac")->outdated);
  const auto rows = store.known_rows();
  ASSERT_EQ(rows.size(), 2u);
  for (const KnownRow& r : rows) EXPECT_EQ(r.current, r.path == "/m/new.flac") << r.path;
}

TEST(Store, AnotherNumbersVersionIsOutdatedAndAnotherReleaseIsNot) {
  TempDir dir;
  {
    Store store(dir / "s.db", false);
    store.begin();
    store.put_result(analysed("/m/a.flac", 0.3));
    store.put_result(analysed("/m/b.flac", 0.4));
    store.commit();
  }
  // What an older build would have left: other numbers for a.flac, another release for b.flac.
  {
    Store store(dir / "s.db", false);
    EXPECT_EQ(store.by_path("/m/a.flac")->numbers_version, kNumbersVersion);
    EXPECT_EQ(store.status().outdated, 0);
  }
  const std::string db = dir / "s.db";
  ASSERT_EQ(std::system(("python3 -c \"import sqlite3; c = sqlite3.connect('" + db +
                         "'); c.execute(\\\"UPDATE tracks SET numbers_version = 0 WHERE path = "
                         "'/m/a.flac'\\\"); c.execute(\\\"UPDATE tracks SET engine_version = "
                         "'0.0.1' WHERE path = '/m/b.flac'\\\"); c.commit()\"")
                            .c_str()),
            0);
  Store store(db, false);
  EXPECT_EQ(store.status().outdated, 1);
  EXPECT_TRUE(store.by_path("/m/a.flac")->outdated);
  EXPECT_FALSE(store.by_path("/m/b.flac")->outdated);
  for (const KnownRow& r : store.known_rows())
    EXPECT_EQ(r.current, r.path == "/m/b.flac") << r.path;
}

TEST(Store, InFlightMarksAreClearedByTheirResultAndCrashesAreFailures) {
  TempDir dir;
  Store store(dir / "s.db", false);
  store.begin();
  store.put_pending("/m/a.flac", 1, 1);
  store.put_pending("/m/b.flac", 1, 1);
  store.mark_in_flight("/m/a.flac", false, 0);
  store.mark_in_flight("/m/b.flac", true, 2);
  store.commit();
  auto marks = store.in_flight();
  ASSERT_EQ(marks.size(), 2u);
  EXPECT_EQ(marks[1].path, "/m/b.flac");
  EXPECT_TRUE(marks[1].alone);
  EXPECT_EQ(marks[1].alone_deaths, 2);
  EXPECT_EQ(store.status().in_flight, (std::vector<std::string>{"/m/a.flac", "/m/b.flac"}));
  store.begin();
  store.put_result(analysed("/m/a.flac", 0.2));
  store.put_crashed("/m/b.flac", "it crashed", "2026-01-01T00:00:00Z");
  store.commit();
  EXPECT_TRUE(store.in_flight().empty());
  const auto b = store.by_path("/m/b.flac");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->status, TrackStatus::failed);
  EXPECT_EQ(b->error_kind, ErrorKind::crashed);
  EXPECT_EQ(b->reason, "it crashed");
  EXPECT_EQ(store.status().failed_by_kind,
            (std::vector<std::pair<ErrorKind, std::int64_t>>{{ErrorKind::crashed, 1}}));
}

// tests/data/store-schema2: written by main's trackprint just before the tags migration (schema
// 2: numbers_version and in_flight, no tags), from the three files of store-v0.1.0/music.
TEST(Store, AStoreOfSchema2UpgradesKeepsEveryValueAndAwaitsItsTags) {
  TempDir dir;
  const std::string db = dir / "library.db";
  fs::copy_file(std::string(TRACKPRINT_TEST_DATA) + "/store-schema2/library.db", db);
  const std::string root = "/tmp/trackprint-schema2-store/music/";
  std::optional<TrackRecord> before;
  {
    Store old(db, true);  // read as it is
    EXPECT_EQ(old.schema_version(), 2);
    before = old.by_path(root + "a_tone.flac");
  }
  ASSERT_TRUE(before && before->fingerprint);
  EXPECT_EQ(before->fingerprint->values[static_cast<std::size_t>(Dim::lufs)], -21.707787780295405);
  EXPECT_EQ(before->numbers_version, 1);
  EXPECT_TRUE(before->tags.title.empty());

  Store store(db, false);
  EXPECT_EQ(store.schema_version(), kSchemaVersion);
  const auto after = store.by_path(root + "a_tone.flac");
  ASSERT_TRUE(after && after->fingerprint);
  for (std::size_t i = 0; i < kDimensionCount; ++i)
    EXPECT_EQ(after->fingerprint->values[i], before->fingerprint->values[i]) << kDimensions[i].name;
  EXPECT_EQ(after->analysed_at, before->analysed_at);
  EXPECT_EQ(after->engine_version, before->engine_version);
  EXPECT_EQ(after->numbers_version, 1);
  const auto broken = store.by_path(root + "broken.mp3");
  ASSERT_TRUE(broken.has_value());
  EXPECT_EQ(broken->error_kind, ErrorKind::not_audio);
  EXPECT_TRUE(store.in_flight().empty());
  EXPECT_FALSE(store.metric("auralis").has_value());

  // Its analysed rows keep their fingerprints and wait for their tags (a scan reads them).
  for (const KnownRow& r : store.known_rows()) {
    EXPECT_FALSE(r.tags_read) << r.path;
    EXPECT_EQ(r.current, r.status == TrackStatus::analysed && kNumbersVersion == 1) << r.path;
  }
  Tags tags;
  tags.title = "A Tone";
  tags.track_number = 3;
  store.begin();
  store.put_tags(root + "a_tone.flac", tags);
  store.commit();
  const auto tagged = store.by_path(root + "a_tone.flac");
  EXPECT_EQ(tagged->tags.title, "A Tone");
  EXPECT_EQ(tagged->tags.track_number, 3);
  EXPECT_EQ(tagged->fingerprint->values, before->fingerprint->values);
}

TEST(Store, PendingClearsTheOldFingerprint) {
  TempDir dir;
  Store store(dir / "s.db", false);
  store.begin();
  store.put_result(analysed("/m/a.flac", 0.1));
  store.put_pending("/m/a.flac", 2000, 99);
  store.commit();
  const auto a = store.by_path("/m/a.flac");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->status, TrackStatus::pending);
  EXPECT_EQ(a->size, 2000);
  EXPECT_FALSE(a->fingerprint.has_value());
  EXPECT_EQ(store.status().pending, 1);
}

TEST(Store, RowsSurviveReopening) {
  TempDir dir;
  {
    Store store(dir / "s.db", false);
    store.begin();
    store.put_result(analysed("/m/a.flac", 0.1));
    store.commit();
  }
  Store again(dir / "s.db", true);
  EXPECT_EQ(again.status().analysed, 1);
}

TEST(Store, AFileThatIsNotAStoreIsRefusedAndLeftAsItIs) {
  TempDir dir;
  const std::string path = dir / "notes.db";
  const std::string text = "these are my notes, not a database\n";
  std::ofstream(path) << text;
  try {
    Store store(path, false);
    FAIL() << "opened a text file as a store";
  } catch (const Failure& e) {
    EXPECT_EQ(e.kind(), ErrorKind::invalid_input);
    EXPECT_NE(e.reason().find("not a"), std::string::npos) << e.reason();
  }
  std::ifstream in(path);
  const std::string after((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(after, text);
  EXPECT_FALSE(fs::exists(path + "-wal"));
}

TEST(Store, ReadOnlyNeedsAnExistingStore) {
  TempDir dir;
  try {
    Store store(dir / "none.db", true);
    FAIL() << "a store appeared from nothing";
  } catch (const Failure& e) {
    EXPECT_EQ(e.kind(), ErrorKind::io);
  }
  EXPECT_FALSE(fs::exists(dir / "none.db"));
}

// --- the plan ---

KnownRow row(std::int64_t id, const std::string& path, TrackStatus status, bool current = true) {
  KnownRow r;
  r.id = id;
  r.path = path;
  r.size = 10;
  r.mtime_ns = 20;
  r.status = status;
  r.has_fingerprint = status == TrackStatus::analysed || status == TrackStatus::missing;
  r.has_error = status == TrackStatus::failed;
  r.current = current;
  return r;
}

WalkResult found(const std::vector<std::string>& paths) {
  WalkResult w;
  for (const std::string& p : paths) w.files.push_back(FoundFile{p, 10, 20});
  return w;
}

std::vector<std::string> paths_of(const std::vector<FoundFile>& files) {
  std::vector<std::string> out;
  for (const FoundFile& f : files) out.push_back(f.path);
  return out;
}

TEST(Plan, UnchangedFilesAreNotAnalysed) {
  const auto plan = plan_scan(
      found({"/m/a.flac", "/m/b.flac"}), {"/m"},
      {row(1, "/m/a.flac", TrackStatus::analysed), row(2, "/m/b.flac", TrackStatus::failed)}, {});
  EXPECT_TRUE(plan.to_analyse.empty());
  EXPECT_TRUE(plan.to_pending.empty());
  EXPECT_EQ(plan.unchanged, 2);
}

TEST(Plan, NewChangedPendingAndOutdatedFilesAreAnalysed) {
  WalkResult w =
      found({"/m/new.flac", "/m/size.flac", "/m/mtime.flac", "/m/pending.flac", "/m/old.flac"});
  w.files[1].size = 11;
  w.files[2].mtime_ns = 21;
  const auto plan = plan_scan(
      w, {"/m"},
      {row(1, "/m/size.flac", TrackStatus::analysed), row(2, "/m/mtime.flac", TrackStatus::failed),
       row(3, "/m/pending.flac", TrackStatus::pending),
       row(4, "/m/old.flac", TrackStatus::analysed, false)},
      {});
  EXPECT_EQ(paths_of(plan.to_analyse),
            (std::vector<std::string>{"/m/new.flac", "/m/size.flac", "/m/mtime.flac",
                                      "/m/pending.flac", "/m/old.flac"}));
  EXPECT_EQ(paths_of(plan.to_pending),
            (std::vector<std::string>{"/m/new.flac", "/m/size.flac", "/m/mtime.flac"}));
  EXPECT_EQ(plan.unchanged, 0);
}

TEST(Plan, UnchangedRowsFromBeforeTagsHaveOnlyTheirTagsRead) {
  KnownRow old = row(1, "/m/old.flac", TrackStatus::analysed);
  old.tags_read = false;
  KnownRow failed_before = row(2, "/m/bad.mp3", TrackStatus::failed);
  KnownRow tagged = row(3, "/m/new.flac", TrackStatus::analysed);
  tagged.tags_read = true;
  const auto plan = plan_scan(found({"/m/old.flac", "/m/bad.mp3", "/m/new.flac"}), {"/m"},
                              {old, failed_before, tagged}, {});
  EXPECT_TRUE(plan.to_analyse.empty());
  EXPECT_EQ(paths_of(plan.to_read_tags), std::vector<std::string>{"/m/old.flac"});
  EXPECT_EQ(plan.unchanged, 3);
}

TEST(Plan, FailedFilesAreRetriedOnlyWhenAsked) {
  const std::vector<KnownRow> known{row(1, "/m/bad.mp3", TrackStatus::failed)};
  EXPECT_TRUE(plan_scan(found({"/m/bad.mp3"}), {"/m"}, known, {}).to_analyse.empty());
  EXPECT_EQ(
      plan_scan(found({"/m/bad.mp3"}), {"/m"}, known, {.retry_failed = true}).to_analyse.size(),
      1u);
}

TEST(Plan, GoneFilesAreMissingOrPrunedOnlyUnderTheRootsWalked) {
  const std::vector<KnownRow> known{row(1, "/m/gone.flac", TrackStatus::analysed),
                                    row(2, "/m/sub/gone.flac", TrackStatus::failed),
                                    row(3, "/other/kept.flac", TrackStatus::analysed),
                                    row(4, "/mm/prefix-but-not-under.flac", TrackStatus::analysed),
                                    row(5, "/m/locked/unknown.flac", TrackStatus::analysed),
                                    row(6, "/m/already.flac", TrackStatus::missing)};
  WalkResult w = found({});
  w.unreadable_dirs.push_back("/m/locked");
  const auto plan = plan_scan(w, {"/m"}, known, {});
  EXPECT_EQ(plan.to_mark_missing, (std::vector<std::int64_t>{1, 2}));
  EXPECT_TRUE(plan.to_delete.empty());
  const auto pruned = plan_scan(w, {"/m"}, known, {.prune = true});
  EXPECT_EQ(pruned.to_delete, (std::vector<std::int64_t>{1, 2, 6}));
  EXPECT_TRUE(pruned.to_mark_missing.empty());
}

TEST(Plan, AMissingFileBackUnchangedIsRestoredWithoutAnalysis) {
  KnownRow back = row(7, "/m/back.flac", TrackStatus::missing);
  const auto plan = plan_scan(found({"/m/back.flac"}), {"/m"}, {back}, {});
  ASSERT_EQ(plan.to_restore.size(), 1u);
  EXPECT_EQ(plan.to_restore[0].id, 7);
  EXPECT_EQ(plan.to_restore[0].status, TrackStatus::analysed);
  EXPECT_TRUE(plan.to_analyse.empty());
}

TEST(Plan, AFileReachedFromTwoRootsCountsOnce) {
  const auto plan = plan_scan(found({"/m/a.flac", "/m/a.flac"}), {"/m", "/m/a.flac"}, {}, {});
  EXPECT_EQ(plan.to_analyse.size(), 1u);
  EXPECT_EQ(plan.to_pending.size(), 1u);
}

// --- the walker ---

TEST(Walker, AudioIsPickedByExtensionInAnyCase) {
  EXPECT_TRUE(has_audio_extension("/a/b.flac"));
  EXPECT_TRUE(has_audio_extension("/a/b.MP3"));
  EXPECT_TRUE(has_audio_extension("/a/b.c.Opus"));
  // Every format of the corpus's formats/ folder.
  for (const char* ext : {"aiff", "mp3", "ogg", "opus", "wav", "wv", "m4a", "flac"})
    EXPECT_TRUE(has_audio_extension(std::string("/f/electro.") + ext)) << ext;
  EXPECT_FALSE(has_audio_extension("/a/b.txt"));
  EXPECT_FALSE(has_audio_extension("/a/flac"));
  EXPECT_FALSE(has_audio_extension("/a.flac/cover"));
}

TEST(Walker, FindsAudioRecursivelyAndReportsASymlinkLoop) {
  TempDir dir;
  fs::create_directories(dir.path() / "b" / "deep");
  for (const char* name : {"b/deep/z.flac", "a.mp3", "b/y.WAV", "cover.jpg", "notes.txt"})
    std::ofstream(dir / name) << "x";
  fs::create_directory_symlink(dir.path(), dir.path() / "b" / "loop");
  fs::create_symlink(dir.path() / "nowhere.flac", dir.path() / "dangling.flac");
  const std::string root = dir.path().string();
  const WalkResult w = walk({root}, [](std::int64_t) { return true; });
  EXPECT_EQ(paths_of(w.files), (std::vector<std::string>{root + "/a.mp3", root + "/b/deep/z.flac",
                                                         root + "/b/y.WAV"}));
  ASSERT_EQ(w.errors.size(), 2u);
  EXPECT_EQ(w.errors[0].path, root + "/b/loop");
  EXPECT_NE(w.errors[0].reason.find("symlink loop"), std::string::npos);
  EXPECT_EQ(w.errors[1].path, root + "/dangling.flac");
  EXPECT_EQ(w.files[0].size, 1);
}

TEST(Walker, AbsolutePathsAreNormal) {
  EXPECT_EQ(absolute_path("/a/./b/../c/"), "/a/c");
  EXPECT_EQ(absolute_path("/"), "/");
  EXPECT_EQ(absolute_path("x"), (fs::current_path() / "x").string());
}

// --- through the public header ---

// A 16-bit PCM WAV file of a tone: enough to analyse, written without any library.
void write_wav(const std::string& path, double freq, double seconds, int rate) {
  const auto frames = static_cast<std::uint32_t>(seconds * rate);
  std::ofstream out(path, std::ios::binary);
  const auto u32 = [&out](std::uint32_t v) { out.write(reinterpret_cast<const char*>(&v), 4); };
  const auto u16 = [&out](std::uint16_t v) { out.write(reinterpret_cast<const char*>(&v), 2); };
  out.write("RIFF", 4);
  u32(36 + frames * 4);
  out.write("WAVEfmt ", 8);
  u32(16);
  u16(1);
  u16(2);
  u32(static_cast<std::uint32_t>(rate));
  u32(static_cast<std::uint32_t>(rate) * 4);
  u16(4);
  u16(16);
  out.write("data", 4);
  u32(frames * 4);
  for (std::uint32_t i = 0; i < frames; ++i) {
    const double t = static_cast<double>(i) / rate;
    const auto l = static_cast<std::int16_t>(8000 * std::sin(2 * std::numbers::pi * freq * t));
    const auto r =
        static_cast<std::int16_t>(6000 * std::sin(2 * std::numbers::pi * freq * 1.5 * t));
    u16(static_cast<std::uint16_t>(l));
    u16(static_cast<std::uint16_t>(r));
  }
}

TEST(Library, AScanGivesTheSameFingerprintsForAnyNumberOfWorkers) {
  TempDir dir;
  fs::create_directory(dir.path() / "music");
  for (int i = 0; i < 5; ++i)
    write_wav(dir / ("music/t" + std::to_string(i) + ".wav"), 220.0 * (i + 1), 1.0, 22050);
  std::ofstream(dir / "music/broken.mp3") << "not audio at all";

  std::vector<std::vector<TrackRecord>> results;
  for (const int jobs : {1, 3}) {
    auto lib = Library::open(dir / ("store" + std::to_string(jobs) + ".db"));
    ASSERT_TRUE(lib.ok()) << lib.error().message();
    ScanOptions options;
    options.jobs = jobs;
    const auto caller = std::this_thread::get_id();
    bool called_elsewhere = false;
    options.progress = [&](const ScanProgress&) {
      called_elsewhere |= std::this_thread::get_id() != caller;
      return true;
    };
    const ScanSummary s = lib.value().scan({dir / "music"}, options);
    EXPECT_FALSE(called_elsewhere) << "the progress callback ran on a worker";
    EXPECT_EQ(s.found, 6);
    EXPECT_EQ(s.analysed, 5);
    EXPECT_EQ(s.failed, 1);
    EXPECT_FALSE(s.store_error.has_value());
    const ScanSummary again = lib.value().scan({dir / "music"}, options);
    EXPECT_EQ(again.analysed + again.failed, 0);
    EXPECT_EQ(again.unchanged, 6);
    const auto bad = lib.value().get(dir / "music/broken.mp3");
    ASSERT_TRUE(bad.ok() && bad.value().has_value());
    EXPECT_EQ(bad.value()->status, TrackStatus::failed);
    EXPECT_EQ(bad.value()->error_kind, ErrorKind::not_audio);
    results.push_back(lib.value().tracks().value());
  }
  ASSERT_EQ(results[0].size(), 5u);
  ASSERT_EQ(results[1].size(), 5u);
  for (std::size_t t = 0; t < 5; ++t) {
    EXPECT_EQ(results[0][t].path, results[1][t].path);
    EXPECT_EQ(results[0][t].fingerprint->values, results[1][t].fingerprint->values);
  }
  // And the same as analysing the file on its own.
  const auto direct = analyze_file(results[0][0].path);
  ASSERT_TRUE(direct.ok());
  EXPECT_EQ(direct.value().values, results[0][0].fingerprint->values);
}

TEST(Library, ACancelledScanLeavesPendingRowsAndTheNextOneCompletesThem) {
  TempDir dir;
  fs::create_directory(dir.path() / "music");
  for (int i = 0; i < 6; ++i)
    write_wav(dir / ("music/t" + std::to_string(i) + ".wav"), 300.0 + i, 1.0, 22050);
  auto lib = Library::open(dir / "s.db");
  ASSERT_TRUE(lib.ok());
  ScanOptions options;
  std::int64_t analysing_calls = 0;
  std::int64_t total = -1;
  options.progress = [&](const ScanProgress& p) {
    analysing_calls += p.phase == ScanProgress::Phase::analysing ? 1 : 0;
    total = p.total;
    return p.phase != ScanProgress::Phase::analysing;  // cancel as soon as the analysis starts
  };
  const ScanSummary first = lib.value().scan({dir / "music"}, options);
  EXPECT_TRUE(first.cancelled);
  EXPECT_EQ(first.analysed + first.failed, 0);
  EXPECT_EQ(analysing_calls, 1) << "not called again after cancelling, but for the end";
  EXPECT_EQ(total, 6);
  const LibraryStatus st = lib.value().status().value();
  EXPECT_EQ(st.pending, 6);
  EXPECT_EQ(st.analysed, 0);

  options.progress = nullptr;
  const ScanSummary second = lib.value().scan({dir / "music"}, options);
  EXPECT_FALSE(second.cancelled);
  EXPECT_EQ(second.analysed, 6);
  EXPECT_EQ(lib.value().status().value().analysed, 6);
}

TEST(Library, AnExceptionFromTheCallbackStopsTheScanAndIsRethrown) {
  TempDir dir;
  fs::create_directory(dir.path() / "music");
  for (int i = 0; i < 4; ++i)
    write_wav(dir / ("music/t" + std::to_string(i) + ".wav"), 500.0 + i, 1.0, 22050);
  auto lib = Library::open(dir / "s.db");
  ASSERT_TRUE(lib.ok());
  ScanOptions options;
  options.progress = [](const ScanProgress& p) {
    if (p.phase == ScanProgress::Phase::analysing) throw std::runtime_error("from Python");
    return true;
  };
  EXPECT_THROW(lib.value().scan({dir / "music"}, options), std::runtime_error);
  const LibraryStatus st = lib.value().status().value();
  EXPECT_EQ(st.pending, 4) << "the plan was committed, nothing analysed";
  options.progress = nullptr;
  EXPECT_EQ(lib.value().scan({dir / "music"}, options).analysed, 4);
}

TEST(Library, OpeningSomethingElseIsAnErrorNamingIt) {
  TempDir dir;
  std::ofstream(dir / "x.db") << "plain text";
  const auto lib = Library::open(dir / "x.db");
  ASSERT_FALSE(lib.ok());
  EXPECT_EQ(lib.error().path, dir / "x.db");
  EXPECT_NE(lib.error().message().find("not a"), std::string::npos);
}

TEST(Library, TheDefaultStoreFollowsXdgDataHome) {
  const char* saved = std::getenv("XDG_DATA_HOME");
  const std::string before = saved != nullptr ? saved : "";
  setenv("XDG_DATA_HOME", "/xdg/data", 1);
  EXPECT_EQ(default_library_path(), "/xdg/data/trackprint/library.db");
  setenv("XDG_DATA_HOME", "relative/is/ignored", 1);
  EXPECT_EQ(default_library_path(),
            std::string(std::getenv("HOME")) + "/.local/share/trackprint/library.db");
  if (saved != nullptr) {
    setenv("XDG_DATA_HOME", before.c_str(), 1);
  } else {
    unsetenv("XDG_DATA_HOME");
  }
}

}  // namespace
}  // namespace trackprint::library

namespace trackprint::library {
namespace {

TrackRecord record(const std::string& path, std::int64_t mtime_ns, TrackStatus status) {
  TrackRecord t;
  t.path = path;
  t.size = 1000;
  t.mtime_ns = mtime_ns;
  t.status = status;
  t.engine_version = "9.9.9-elsewhere";
  t.analysed_at = "2026-02-03T04:05:06Z";
  t.analysis_s = 1.25;
  if (status == TrackStatus::analysed) t.fingerprint = sample_fingerprint(0.7);
  if (status == TrackStatus::failed) {
    t.error_kind = ErrorKind::decode;
    t.reason = "truncated";
  }
  return t;
}

TEST(Merge, TheRuleKeepsWhatIsNewerAndNeverLosesAFingerprint) {
  const TrackRecord fp = record("/m/a.flac", 10, TrackStatus::analysed);
  const TrackRecord failure = record("/m/a.flac", 10, TrackStatus::failed);
  EXPECT_EQ(merge_action(std::nullopt, fp), MergeAction::add);
  EXPECT_EQ(merge_action(fp, fp), MergeAction::unchanged);
  EXPECT_EQ(merge_action(failure, failure), MergeAction::unchanged);
  EXPECT_EQ(merge_action(failure, fp), MergeAction::replace) << "a fingerprint beats a failure";
  EXPECT_EQ(merge_action(fp, failure), MergeAction::keep) << "a failure never replaces it";
  TrackRecord other_engine = fp;
  other_engine.engine_version = "0.0.1";
  EXPECT_EQ(merge_action(other_engine, fp), MergeAction::replace);
  EXPECT_EQ(merge_action(record("/m/a.flac", 20, TrackStatus::analysed), fp), MergeAction::keep)
      << "the store's file is newer";
  EXPECT_EQ(merge_action(fp, record("/m/a.flac", 20, TrackStatus::failed)), MergeAction::replace)
      << "the file changed since: its new failure is the truth";
  EXPECT_EQ(merge_action(record("/m/a.flac", 10, TrackStatus::pending), fp), MergeAction::replace);
  EXPECT_EQ(merge_action(record("/m/a.flac", 10, TrackStatus::missing), fp), MergeAction::replace);
}

TEST(Merge, MergedRowsAreStoredAsAScanStoresThemWithTheirOwnVersions) {
  TempDir dir;
  Store store(dir / "s.db", false);
  store.begin();
  store.put_result(analysed("/m/kept.flac", 0.1));
  store.commit();
  TrackRecord of_an_older_file = record("/m/kept.flac", 1, TrackStatus::analysed);
  const MergeSummary s =
      merge_records(store, {record("/m/a.flac", 10, TrackStatus::analysed),
                            record("/m/../m/b.mp3", 10, TrackStatus::failed), of_an_older_file});
  EXPECT_EQ(s.added, 2);
  EXPECT_EQ(s.kept, 1);
  const auto a = store.by_path("/m/a.flac");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->status, TrackStatus::analysed);
  EXPECT_EQ(a->fingerprint->values, sample_fingerprint(0.7).values);
  EXPECT_EQ(a->fingerprint->codec, "flac");
  EXPECT_EQ(a->engine_version, "9.9.9-elsewhere");
  EXPECT_TRUE(a->outdated) << "another engine's fingerprint: a scan recomputes it";
  EXPECT_EQ(a->analysed_at, "2026-02-03T04:05:06Z");
  EXPECT_EQ(a->analysis_s, 1.25);
  const auto b = store.by_path("/m/b.mp3");
  ASSERT_TRUE(b.has_value()) << "paths are made absolute and normal, as a scan's";
  EXPECT_EQ(b->status, TrackStatus::failed);
  EXPECT_EQ(b->error_kind, ErrorKind::decode);
  EXPECT_EQ(b->reason, "truncated");
  EXPECT_EQ(store.by_path("/m/kept.flac")->engine_version, engine_version());

  const MergeSummary again = merge_records(store, {record("/m/a.flac", 10, TrackStatus::analysed)});
  EXPECT_EQ(again.unchanged, 1);

  TrackRecord of_this_build = record("/m/c.flac", 10, TrackStatus::analysed);
  of_this_build.engine_version = engine_version();
  of_this_build.numbers_version = kNumbersVersion;
  merge_records(store, {of_this_build});
  EXPECT_FALSE(store.by_path("/m/c.flac")->outdated) << "this build's numbers: current";
  EXPECT_EQ(store.by_path("/m/c.flac")->numbers_version, kNumbersVersion);
}

TEST(Merge, ARowThatIsNeitherAnalysedNorFailedWritesNothing) {
  TempDir dir;
  Store store(dir / "s.db", false);
  TrackRecord no_values = record("/m/c.flac", 10, TrackStatus::analysed);
  no_values.fingerprint.reset();
  for (const TrackRecord& bad : {record("/m/b.flac", 10, TrackStatus::pending), no_values}) {
    try {
      merge_records(store, {record("/m/a.flac", 10, TrackStatus::analysed), bad});
      ADD_FAILURE() << "merged a bad row";
    } catch (const Failure& e) {
      EXPECT_EQ(e.kind(), ErrorKind::invalid_input);
      EXPECT_NE(e.reason().find(bad.path), std::string::npos) << e.reason();
    }
  }
  EXPECT_EQ(store.status().tracks, 0);
}
// A fingerprint the engine could make: every value inside its dimension's range, with long
// decimal forms (the JSON text must read back to the same bits).
Fingerprint in_range_fingerprint(double seed) {
  Fingerprint fp = sample_fingerprint(seed);
  for (std::size_t i = 0; i < kDimensionCount; ++i) {
    const DimensionInfo& d = kDimensions[i];
    const double lo = std::isfinite(d.min) ? d.min : -100;
    const double hi = std::isfinite(d.max) ? d.max : 100;
    fp.values[i] = lo + (hi - lo) * (0.5 + 0.4 * std::sin(seed + static_cast<double>(i)));
  }
  return fp;
}

const std::vector<std::string> kAnywhere{"/"};

TEST(Sidecar, TrustedOnlyWhenIdentityAndVersionsMatch) {
  TempDir dir;
  const std::string audio = dir / "song.flac";
  std::ofstream(audio) << "audio";
  const Fingerprint fp = in_range_fingerprint(0.7);
  ASSERT_FALSE(write_sidecar(audio, 5, 1234, fp, "2026-01-01T00:00:00Z", kAnywhere).has_value());
  EXPECT_TRUE(fs::exists(dir / "song.flac.25d"));
  const auto back = read_sidecar(audio, 5, 1234);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->values, fp.values) << "the JSON text must read back to the same bits";
  EXPECT_EQ(back->codec, "flac");
  EXPECT_EQ(back->duration_s, fp.duration_s);
  EXPECT_FALSE(read_sidecar(audio, 6, 1234).has_value()) << "size differs";
  EXPECT_FALSE(read_sidecar(audio, 5, 1235).has_value()) << "mtime differs";
  EXPECT_FALSE(read_sidecar(dir / "other.flac", 5, 1234).has_value()) << "no sidecar";
  // A file name that is not UTF-8 (JSON must be) still gets its sidecar.
  const std::string latin1 = dir / "caf\xe9.flac";
  ASSERT_FALSE(write_sidecar(latin1, 5, 1234, fp, "2026-01-01T00:00:00Z", kAnywhere).has_value());
  EXPECT_TRUE(read_sidecar(latin1, 5, 1234).has_value());

  // Another numbers version's sidecar, and a damaged one, are not trusted; another release
  // with the same numbers is.
  std::ifstream in(dir / "song.flac.25d");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto replaced = [&text](const std::string& from, const std::string& to) {
    std::string out = text;
    const std::size_t at = out.find(from);
    EXPECT_NE(at, std::string::npos) << from << " in " << text;
    if (at != std::string::npos) out.replace(at, from.size(), to);
    return out;
  };
  const std::string numbers = "\"numbers_version\": " + std::to_string(kNumbersVersion);
  std::ofstream(dir / "song.flac.25d") << replaced(numbers, "\"numbers_version\": 999");
  EXPECT_FALSE(read_sidecar(audio, 5, 1234).has_value()) << "another numbers version";
  const std::string release = "\"engine_version\": \"" + std::string(engine_version()) + "\"";
  std::ofstream(dir / "song.flac.25d") << replaced(release, "\"engine_version\": \"9.9.9\"");
  EXPECT_TRUE(read_sidecar(audio, 5, 1234).has_value()) << "another release, same numbers";
  std::ofstream(dir / "song.flac.25d") << text.substr(0, text.size() / 2);
  EXPECT_FALSE(read_sidecar(audio, 5, 1234).has_value());
  std::ofstream(dir / "song.flac.25d") << replaced("\"lufs\"", "\"lufz\"");
  EXPECT_FALSE(read_sidecar(audio, 5, 1234).has_value());
}

TEST(Sidecar, ValuesOutsideTheirRangesAreNotTrusted) {
  TempDir dir;
  const std::string audio = dir / "song.flac";
  std::ofstream(audio) << "audio";
  for (const auto& [dim, value] :
       std::vector<std::pair<Dim, double>>{{Dim::bass_pct, 1.5},
                                           {Dim::tempo_bpm, 1e308},
                                           {Dim::lufs, -71},
                                           {Dim::phase_correlation, -2}}) {
    Fingerprint fp = in_range_fingerprint(0.3);
    fp[dim] = value;
    ASSERT_FALSE(write_sidecar(audio, 5, 1234, fp, "2026-01-01T00:00:00Z", kAnywhere));
    EXPECT_FALSE(read_sidecar(audio, 5, 1234).has_value()) << info(dim).name << " = " << value;
  }
  Fingerprint fp = in_range_fingerprint(0.3);
  fp.channels = 1000;
  ASSERT_FALSE(write_sidecar(audio, 5, 1234, fp, "2026-01-01T00:00:00Z", kAnywhere));
  EXPECT_FALSE(read_sidecar(audio, 5, 1234).has_value()) << "1000 channels";
}

TEST(Sidecar, NeverWrittenThroughASymlinkOrOutsideTheScannedFolders) {
  TempDir scanned, elsewhere;
  const Fingerprint fp = in_range_fingerprint(0.1);
  const std::vector<std::string> roots{fs::canonical(scanned.path()).string()};
  // A folder inside the scanned one that is a symlink to elsewhere: no sidecar there.
  fs::create_directory_symlink(elsewhere.path(), scanned / "linked");
  std::ofstream(elsewhere / "song.flac") << "audio";
  const auto refused = write_sidecar(scanned / "linked/song.flac", 5, 1, fp, "t", roots);
  ASSERT_TRUE(refused.has_value());
  EXPECT_NE(refused->find("outside the scanned folders"), std::string::npos) << *refused;
  EXPECT_FALSE(fs::exists(elsewhere / "song.flac.25d"));
  // A sidecar that is a symlink to a file elsewhere: the link is replaced, the file untouched.
  std::ofstream(scanned / "own.flac") << "audio";
  std::ofstream(elsewhere / "precious.txt") << "keep me";
  fs::create_symlink(elsewhere / "precious.txt", scanned / "own.flac.25d");
  ASSERT_FALSE(write_sidecar(scanned / "own.flac", 5, 1, fp, "t", roots).has_value());
  EXPECT_FALSE(fs::is_symlink(scanned / "own.flac.25d"));
  std::ifstream precious(elsewhere / "precious.txt");
  std::string kept;
  std::getline(precious, kept);
  EXPECT_EQ(kept, "keep me");
  EXPECT_TRUE(read_sidecar(scanned / "own.flac", 5, 1).has_value());
  // No temporary file is left behind.
  for (const auto& entry : fs::directory_iterator(scanned.path()))
    EXPECT_EQ(entry.path().string().find(".tmp"), std::string::npos) << entry.path();
}

// --- the extraction queue (trackprint/extraction_queue.hpp) ---

std::vector<QueueResult> drain(ExtractionQueue& queue) {
  std::vector<QueueResult> out;
  QueueResult r;
  while (queue.next_result(r) == ExtractionQueue::Wait::result) out.push_back(r);
  return out;
}

TEST(ExtractionQueue, TakesHigherPrioritiesFirstAndForgetsWhatIsCancelled) {
  TempDir dir;
  for (int i = 0; i < 4; ++i)
    write_wav(dir / ("t" + std::to_string(i) + ".wav"), 220.0 * (i + 1), 0.6, 22050);
  QueueOptions options;
  options.workers = 1;
  auto opened = ExtractionQueue::open(dir / "store.db", options);
  ASSERT_TRUE(opened.ok()) << opened.error().message();
  ExtractionQueue& queue = opened.value();
  queue.pause();
  EXPECT_EQ(queue.submit_many({dir / "t0.wav", dir / "t1.wav", dir / "t2.wav"}), 3u);
  EXPECT_TRUE(queue.submit(dir / "t3.wav", 5));
  EXPECT_TRUE(queue.submit(dir / "t0.wav", 1));   // re-prioritised
  EXPECT_FALSE(queue.submit(dir / "t0.wav", 1));  // already pending so
  EXPECT_TRUE(queue.cancel(dir / "t1.wav"));
  EXPECT_FALSE(queue.cancel(dir / "t1.wav"));
  QueueResult r;
  EXPECT_EQ(queue.next_result(r, std::chrono::milliseconds(50)), ExtractionQueue::Wait::timeout);
  EXPECT_EQ(queue.status().pending, 3);
  queue.resume();
  EXPECT_TRUE(queue.close(true).empty());
  const std::vector<QueueResult> results = drain(queue);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].path, dir / "t3.wav");
  EXPECT_EQ(results[0].priority, 5);
  EXPECT_EQ(results[1].path, dir / "t0.wav");
  EXPECT_EQ(results[2].path, dir / "t2.wav");
  const QueueStatus s = queue.status();
  EXPECT_EQ(s.done, 3);
  EXPECT_EQ(s.failed, 0);
  EXPECT_TRUE(s.closed);
  EXPECT_FALSE(queue.submit(dir / "t1.wav"));
}

TEST(ExtractionQueue, AnswersAnUnchangedFileFromTheStoreAndHoldsTheScanLock) {
  TempDir dir;
  write_wav(dir / "a.wav", 330.0, 0.6, 22050);
  std::vector<QueueResult> seen;
  for (int round = 0; round < 2; ++round) {
    QueueOptions options;
    options.workers = 2;
    options.on_result = [&seen](const QueueResult& r) { seen.push_back(r); };
    auto opened = ExtractionQueue::open(dir / "store.db", options);
    ASSERT_TRUE(opened.ok()) << opened.error().message();
    // While it is open, a scan of the same store is refused.
    auto lib = Library::open(dir / "store.db");
    ASSERT_TRUE(lib.ok());
    const ScanSummary busy = lib.value().scan({dir / "a.wav"});
    ASSERT_TRUE(busy.store_error.has_value());
    EXPECT_NE(busy.store_error->reason.find("store busy"), std::string::npos);
    opened.value().submit(dir / "a.wav");
    opened.value().close(true);
  }
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_FALSE(seen[0].from_store);
  EXPECT_TRUE(seen[1].from_store);
  ASSERT_TRUE(seen[0].fingerprint && seen[1].fingerprint);
  EXPECT_EQ(seen[0].fingerprint->values, seen[1].fingerprint->values);
  const auto direct = analyze_file(dir / "a.wav");
  ASSERT_TRUE(direct.ok());
  EXPECT_EQ(direct.value().values, seen[0].fingerprint->values);
}

TEST(ExtractionQueue, WritesTheRowsAScanWrites) {
  TempDir dir;
  fs::create_directory(dir.path() / "music");
  write_wav(dir / "music/tone.wav", 440.0, 0.8, 22050);
  write_wav(dir / "music/long.wav", 550.0, 2.0, 22050);  // over the limit below: too_long
  std::ofstream(dir / "music/broken.mp3") << "not audio at all";
  const std::vector<std::string> files{dir / "music/tone.wav", dir / "music/long.wav",
                                       dir / "music/broken.mp3"};
  constexpr double kLimit = 1.5;
  {
    QueueOptions options;
    options.workers = 2;
    options.max_duration_s = kLimit;
    auto opened = ExtractionQueue::open(dir / "queue.db", options);
    ASSERT_TRUE(opened.ok()) << opened.error().message();
    EXPECT_EQ(opened.value().submit_many(files), 3u);
    opened.value().close(true);
  }
  auto scanned = Library::open(dir / "scan.db");
  ASSERT_TRUE(scanned.ok());
  ScanOptions options;
  options.max_duration_s = kLimit;
  EXPECT_EQ(scanned.value().scan({dir / "music"}, options).found, 3);
  auto queued = Library::open(dir / "queue.db", Library::Mode::read_only);
  ASSERT_TRUE(queued.ok());
  for (const std::string& path : files) {
    const auto q = queued.value().get(path);
    const auto s = scanned.value().get(path);
    ASSERT_TRUE(q.ok() && q.value() && s.ok() && s.value()) << path;
    const TrackRecord& a = *q.value();
    const TrackRecord& b = *s.value();
    EXPECT_EQ(a.status, b.status) << path;
    EXPECT_EQ(a.error_kind, b.error_kind) << path;
    EXPECT_EQ(a.reason, b.reason) << path;
    EXPECT_EQ((std::pair{a.size, a.mtime_ns}), (std::pair{b.size, b.mtime_ns})) << path;
    EXPECT_EQ(a.numbers_version, b.numbers_version) << path;
    EXPECT_EQ(a.engine_version, b.engine_version) << path;
    EXPECT_FALSE(a.outdated) << path;
    ASSERT_EQ(a.fingerprint.has_value(), b.fingerprint.has_value()) << path;
    if (a.fingerprint) {
      EXPECT_EQ(a.fingerprint->values, b.fingerprint->values) << path;
      EXPECT_EQ(a.numbers_version, kNumbersVersion) << path;
    }
  }
  EXPECT_EQ(queued.value().get(files[0]).value()->status, TrackStatus::analysed);
  EXPECT_EQ(queued.value().get(files[1]).value()->error_kind, ErrorKind::too_long);
  EXPECT_EQ(queued.value().get(files[2]).value()->error_kind, ErrorKind::not_audio);
  // Every mark made before an analysis was cleared with its result.
  EXPECT_TRUE(queued.value().status().value().in_flight.empty());
}

}  // namespace
}  // namespace trackprint::library
