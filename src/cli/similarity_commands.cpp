#include "cli/similarity_commands.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <optional>
#include <unordered_map>

#include "cli/output.hpp"
#include "cli/tags_output.hpp"
#include "trackprint/similarity.hpp"

namespace trackprint::cli {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;

// Written to when the metric is fitted, so read-write; a store this user may not write still
// answers (its metric is then fitted anew each time). No store yet is an error, not a new one.
std::optional<Library> open_store(const std::string& path) {
  std::error_code ec;
  auto lib = std::filesystem::exists(path, ec) ? Library::open(path, Library::Mode::read_write)
                                               : Library::open(path, Library::Mode::read_only);
  if (!lib.ok() && lib.error().kind == ErrorKind::io && std::filesystem::exists(path, ec))
    lib = Library::open(path, Library::Mode::read_only);
  if (!lib.ok()) {
    std::fprintf(stderr, "trackprint: store %s\n", lib.error().message().c_str());
    return std::nullopt;
  }
  return std::move(lib.value());
}

std::optional<SimilarityIndex> open_index(Library& lib, const std::string& metric) {
  auto index = SimilarityIndex::open(lib, metric);
  if (!index.ok()) {
    std::fprintf(stderr, "trackprint: %s\n", index.error().message().c_str());
    return std::nullopt;
  }
  const MetricInfo& m = index.value().metric();
  if (m.refitted) {
    std::fprintf(stderr, "trackprint: metric %s fitted on %lld tracks%s\n", m.name.c_str(),
                 static_cast<long long>(m.tracks),
                 m.id > 0 ? (" (saved as metric " + std::to_string(m.id) + ")").c_str()
                          : " (the store is read-only: not saved)");
  }
  return std::move(index.value());
}

// "Artist - Title", or the file name when the tags say nothing.
std::string display_name(const TrackRecord& t) {
  const std::string& artist = t.tags.artist.empty() ? t.tags.album_artist : t.tags.artist;
  if (t.tags.title.empty()) return std::filesystem::path(t.path).filename().string();
  return artist.empty() ? t.tags.title : artist + " - " + t.tags.title;
}

// {"id", "path", [extra fields], tags...}
JsonObject track_json(const TrackRecord& t) {
  JsonObject o;
  o.field("id", std::to_string(t.id));
  o.field("path", json_string(t.path));
  return o;
}

// Every record a command prints, read once each.
class Records {
 public:
  explicit Records(const Library& lib) : lib_(lib) {}
  const TrackRecord& operator[](std::int64_t id) {
    auto it = cache_.find(id);
    if (it == cache_.end()) {
      auto found = lib_.by_id(id);
      if (!found.ok()) throw Failure(found.error().kind, found.error().message());
      if (!found.value()) throw Failure(ErrorKind::io, "track " + std::to_string(id) + " is gone");
      it = cache_.emplace(id, std::move(*found.value())).first;
    }
    return it->second;
  }
  void preload_all() {
    auto all = lib_.tracks();
    if (!all.ok()) throw Failure(all.error().kind, all.error().message());
    for (TrackRecord& t : all.value()) cache_.emplace(t.id, std::move(t));
  }

 private:
  const Library& lib_;
  std::unordered_map<std::int64_t, TrackRecord> cache_;
};

// Resolves every key; each one that fails is reported. nullopt if any did.
std::optional<std::vector<std::int64_t>> resolve(const SimilarityIndex& index,
                                                 const std::vector<std::string>& keys) {
  std::vector<std::int64_t> ids;
  bool failed = false;
  for (const std::string& key : keys) {
    const auto id = index.find(key);
    if (id.ok()) {
      ids.push_back(id.value());
    } else {
      std::fprintf(stderr, "trackprint: %s\n", id.error().message().c_str());
      failed = true;
    }
  }
  if (failed) return std::nullopt;
  return ids;
}

std::string percent(double share) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.0f%%", 100 * share);
  return buf;
}

void print_similar(const SimilarCommand& c, const SimilarityIndex& index, Records& records,
                   std::int64_t seed, const std::vector<SimilarTrack>& found) {
  const TrackRecord& s = records[seed];
  if (c.json) {
    JsonObject seed_object = track_json(s);
    add_tag_fields(seed_object, s.tags);
    std::string list = "[";
    for (const SimilarTrack& t : found) {
      const TrackRecord& r = records[t.id];
      JsonObject o = track_json(r);
      o.field("distance", number_text(t.distance));
      add_tag_fields(o, r.tags);
      if (c.explain) {
        JsonObject shares;
        const auto e = index.explain(seed, t.id);
        for (std::size_t i = 0; i < kDimensionCount; ++i)
          shares.field(kDimensions[i].name, number_text(e[i]));
        o.field("explain", shares.text());
      }
      if (list.size() > 1) list += ',';
      list += o.text();
    }
    JsonObject line;
    line.field("seed", seed_object.text());
    line.field("similar", list + "]");
    std::printf("%s\n", line.text().c_str());
    return;
  }
  std::printf("%s (id %lld): %s\n", s.path.c_str(), static_cast<long long>(s.id),
              display_name(s).c_str());
  int rank = 1;
  for (const SimilarTrack& t : found) {
    const TrackRecord& r = records[t.id];
    std::printf("  %3d  %.5f  %s  (id %lld: %s)\n", rank++, t.distance, r.path.c_str(),
                static_cast<long long>(r.id), display_name(r).c_str());
    if (!c.explain) continue;
    const auto e = index.explain(seed, t.id);
    std::vector<std::size_t> order(kDimensionCount);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&e](std::size_t a, std::size_t b) { return e[a] > e[b]; });
    std::string line = "       ";
    for (std::size_t k = 0; k < 5 && e[order[k]] > 0; ++k) {
      line += "  " + std::string(kDimensions[order[k]].name) + " " + percent(e[order[k]]);
    }
    std::printf("%s\n", line.c_str());
  }
}

}  // namespace

int run_similar(const SimilarCommand& c) {
  auto lib = open_store(c.db);
  if (!lib) return kExitFailed;
  auto index = open_index(*lib, c.metric);
  if (!index) return kExitFailed;
  try {
    Records records(*lib);
    if (c.all) {
      records.preload_all();
      const auto graph = index->graph(c.n);
      for (std::size_t r = 0; r < graph.size(); ++r)
        print_similar(c, *index, records, index->ids()[r], graph[r]);
      return kExitOk;
    }
    // Every seed is looked up first: one that is not there fails the command, the others are
    // still answered.
    int status = kExitOk;
    std::vector<std::int64_t> seeds;
    for (const std::string& key : c.seeds) {
      const auto id = index->find(key);
      if (id.ok()) {
        seeds.push_back(id.value());
      } else {
        std::fprintf(stderr, "trackprint: %s\n", id.error().message().c_str());
        status = kExitFailed;
      }
    }
    for (const std::int64_t seed : seeds)
      print_similar(c, *index, records, seed, index->similar(seed, c.n));
    return status;
  } catch (const Failure& e) {
    std::fprintf(stderr, "trackprint: store %s: %s\n", lib->path().c_str(), e.reason().c_str());
    return kExitFailed;
  }
}

int run_playlist(const PlaylistCommand& c) {
  auto lib = open_store(c.db);
  if (!lib) return kExitFailed;
  auto index = open_index(*lib, c.metric);
  if (!index) return kExitFailed;
  const auto seeds = resolve(*index, c.seeds);
  const auto to = resolve(*index, c.to);
  if (!seeds || !to) return kExitFailed;
  PlaylistOptions options;
  options.length = c.n;
  options.to = *to;
  options.max_per_artist = c.max_per_artist;
  options.max_per_album = c.max_per_album;
  options.min_distance = c.min_distance;
  const auto list = index->playlist(*seeds, options);
  if (!list.ok()) {
    std::fprintf(stderr, "trackprint: playlist: %s\n", list.error().reason.c_str());
    return kExitFailed;
  }
  try {
    Records records(*lib);
    if (list.value().size() < c.n) {
      std::fprintf(stderr, "trackprint: the library has only %zu tracks the playlist rules admit\n",
                   list.value().size());
    }
    if (c.json) {
      for (const SimilarTrack& t : list.value()) {
        const TrackRecord& r = records[t.id];
        JsonObject o = track_json(r);
        o.field("step", number_text(t.distance));
        o.field("duration_s", number_text(r.fingerprint ? r.fingerprint->duration_s : 0));
        add_tag_fields(o, r.tags);
        std::printf("%s\n", o.text().c_str());
      }
      return kExitOk;
    }
    std::vector<TrackRecord> tracks;
    for (const SimilarTrack& t : list.value()) tracks.push_back(records[t.id]);
    if (c.output.empty()) {
      std::fputs(m3u8_playlist(tracks, "").c_str(), stdout);
      return kExitOk;
    }
    const std::string where = std::filesystem::absolute(c.output).lexically_normal().string();
    std::ofstream out(where, std::ios::binary | std::ios::trunc);
    out << m3u8_playlist(tracks, where);
    out.close();
    if (!out) {
      std::fprintf(stderr, "trackprint: %s: cannot write the playlist\n", c.output.c_str());
      return kExitFailed;
    }
    std::fprintf(stderr, "wrote %zu tracks to %s\n", tracks.size(), c.output.c_str());
    return kExitOk;
  } catch (const Failure& e) {
    std::fprintf(stderr, "trackprint: store %s: %s\n", lib->path().c_str(), e.reason().c_str());
    return kExitFailed;
  }
}

int run_duplicates(const DuplicatesCommand& c) {
  auto lib = open_store(c.db);
  if (!lib) return kExitFailed;
  const auto groups = find_duplicates(*lib);
  if (!groups.ok()) {
    std::fprintf(stderr, "trackprint: store %s\n", groups.error().message().c_str());
    return kExitFailed;
  }
  try {
    Records records(*lib);
    if (!c.json) {
      std::printf("%zu groups of files that are the same recording\n", groups.value().size());
    }
    int number = 1;
    for (const DuplicateGroup& g : groups.value()) {
      if (c.json) {
        std::string files = "[";
        for (const std::int64_t id : g.ids) {
          JsonObject o = track_json(records[id]);
          add_tag_fields(o, records[id].tags);
          if (files.size() > 1) files += ',';
          files += o.text();
        }
        JsonObject line;
        line.field("files", files + "]");
        line.field("distance", number_text(g.distance));
        std::printf("%s\n", line.text().c_str());
        continue;
      }
      std::printf("group %d: %zu files, distance %.3f\n", number++, g.ids.size(), g.distance);
      for (const std::int64_t id : g.ids) {
        const TrackRecord& r = records[id];
        std::printf("  %s  (id %lld: %s)\n", r.path.c_str(), static_cast<long long>(id),
                    display_name(r).c_str());
      }
    }
    return kExitOk;
  } catch (const Failure& e) {
    std::fprintf(stderr, "trackprint: store %s: %s\n", lib->path().c_str(), e.reason().c_str());
    return kExitFailed;
  }
}

}  // namespace trackprint::cli
