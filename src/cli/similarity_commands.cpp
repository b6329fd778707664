// The similarity commands: similar, playlist, duplicates (docs/similarity.md). A sonic path is
// `playlist --to`.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <numeric>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/output.hpp"
#include "cli/tags_output.hpp"
#include "trackprint/library.hpp"
#include "trackprint/similarity.hpp"

namespace trackprint::cli {
namespace {

struct SimilarCommand {
  std::string db;
  std::vector<std::string> seeds;  // paths or ids; none with `all`
  std::size_t n = 10;
  std::string metric = "auralis";
  bool explain = false;  // each dimension's share of every distance
  bool json = false;     // JSON Lines: one object per seed
  bool all = false;      // every analysed track as a seed: the kNN graph
};

struct PlaylistCommand {
  std::string db;
  std::vector<std::string> seeds;
  std::vector<std::string> to;  // a sonic path through these, in order
  std::size_t n = 30;
  std::string metric = "auralis";
  int max_per_artist = 0;
  int max_per_album = 0;
  double min_distance = 0;
  std::string output;  // FILE.m3u8; empty: the playlist on stdout
  bool json = false;   // JSON Lines, one object per entry, instead of M3U8
};

struct DuplicatesCommand {
  std::string db;
  bool json = false;
};

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

// {"id", "path"}: what every object of a track starts with; its tags come last.
Json track_json(const TrackRecord& t) {
  Json o = {{"id", t.id}};
  library::set_path(o, "path", t.path);
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

// The ids of the tracks given by path or id. Each one that is not in the store (or has no
// fingerprint) is reported on stderr and clears `all_found`.
std::vector<std::int64_t> resolve(const SimilarityIndex& index,
                                  const std::vector<std::string>& keys, bool& all_found) {
  std::vector<std::int64_t> ids;
  for (const std::string& key : keys) {
    const auto id = index.find(key);
    if (id.ok()) {
      ids.push_back(id.value());
    } else {
      std::fprintf(stderr, "trackprint: %s\n", id.error().message().c_str());
      all_found = false;
    }
  }
  return ids;
}

// Runs `print` (which reads the records it prints); a store that fails meanwhile is reported.
template <class F>
int printing(const Library& lib, F&& print) {
  try {
    return print();
  } catch (const Failure& e) {
    std::fprintf(stderr, "trackprint: store %s: %s\n", lib.path().c_str(), e.reason().c_str());
    return kExitFailed;
  }
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
    Json seed_object = track_json(s);
    add_tag_fields(seed_object, s.tags);
    Json list = Json::array();
    for (const SimilarTrack& t : found) {
      const TrackRecord& r = records[t.id];
      Json o = track_json(r);
      o["distance"] = t.distance;
      add_tag_fields(o, r.tags);
      if (c.explain) {
        Json shares = Json::object();
        const auto e = index.explain(seed, t.id);
        for (std::size_t i = 0; i < kDimensionCount; ++i)
          shares[std::string(kDimensions[i].name)] = e[i];
        o["explain"] = std::move(shares);
      }
      list.push_back(std::move(o));
    }
    print_json_line(stdout, {{"seed", std::move(seed_object)}, {"similar", std::move(list)}});
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

int run_similar(const SimilarCommand& c) {
  auto lib = open_store(c.db);
  if (!lib) return kExitFailed;
  auto index = open_index(*lib, c.metric);
  if (!index) return kExitFailed;
  return printing(*lib, [&] {
    Records records(*lib);
    if (c.all) {
      records.preload_all();
      const auto graph = index->graph(c.n);
      for (std::size_t r = 0; r < graph.size(); ++r)
        print_similar(c, *index, records, index->ids()[r], graph[r]);
      return kExitOk;
    }
    // A seed that is not there fails the command; the others are still answered.
    bool all_found = true;
    for (const std::int64_t seed : resolve(*index, c.seeds, all_found))
      print_similar(c, *index, records, seed, index->similar(seed, c.n));
    return all_found ? kExitOk : kExitFailed;
  });
}

int run_playlist(const PlaylistCommand& c) {
  auto lib = open_store(c.db);
  if (!lib) return kExitFailed;
  auto index = open_index(*lib, c.metric);
  if (!index) return kExitFailed;
  bool all_found = true;
  const auto seeds = resolve(*index, c.seeds, all_found);
  PlaylistOptions options;
  options.to = resolve(*index, c.to, all_found);
  if (!all_found) return kExitFailed;
  options.length = c.n;
  options.max_per_artist = c.max_per_artist;
  options.max_per_album = c.max_per_album;
  options.min_distance = c.min_distance;
  const auto list = index->playlist(seeds, options);
  if (!list.ok()) {
    std::fprintf(stderr, "trackprint: playlist: %s\n", list.error().reason.c_str());
    return kExitFailed;
  }
  return printing(*lib, [&] {
    Records records(*lib);
    if (list.value().size() < c.n) {
      std::fprintf(stderr, "trackprint: the library has only %zu tracks the playlist rules admit\n",
                   list.value().size());
    }
    if (c.json) {
      for (const SimilarTrack& t : list.value()) {
        const TrackRecord& r = records[t.id];
        Json o = track_json(r);
        o["step"] = t.distance;
        o["duration_s"] = r.fingerprint ? r.fingerprint->duration_s : 0.0;
        add_tag_fields(o, r.tags);
        print_json_line(stdout, o);
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
  });
}

int run_duplicates(const DuplicatesCommand& c) {
  auto lib = open_store(c.db);
  if (!lib) return kExitFailed;
  const auto groups = find_duplicates(*lib);
  if (!groups.ok()) {
    std::fprintf(stderr, "trackprint: store %s\n", groups.error().message().c_str());
    return kExitFailed;
  }
  return printing(*lib, [&] {
    Records records(*lib);
    if (!c.json) {
      std::printf("%zu groups of files that are the same recording\n", groups.value().size());
    }
    int number = 1;
    for (const DuplicateGroup& g : groups.value()) {
      if (c.json) {
        Json files = Json::array();
        for (const std::int64_t id : g.ids) {
          Json o = track_json(records[id]);
          add_tag_fields(o, records[id].tags);
          files.push_back(std::move(o));
        }
        print_json_line(stdout, {{"files", std::move(files)}, {"distance", g.distance}});
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
  });
}

// A distance of 0 or more (CLI11 alone would take "-1" or "nan").
CLI::Validator distance_at_least_zero() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        char* end = nullptr;
        const double d = std::strtod(text.c_str(), &end);
        if (text.empty() || *end != '\0' || !(d >= 0) || !std::isfinite(d))
          return "'" + text + "' is not a distance of 0 or more";
        return {};
      },
      "");
}

// -n, --count N: how many tracks, 1 to 10000.
CLI::Option* add_count_option(CLI::App& command, std::size_t& n, const std::string& what) {
  return command.add_option("-n,--count", n, what)
      ->transform(whole_number(1, 10000))
      ->type_name("N");
}

void add_similar(CLI::App& app, int& exit_status) {
  auto c = std::make_shared<SimilarCommand>();
  CLI::App* cmd = app.add_subcommand("similar", "Print the tracks nearest to each seed, exact");
  cmd->footer(
      "The N tracks of the store nearest to each seed (a path or an id), exact, nearest first;\n"
      "ties go to the lower id, and a seed is never in its own list. --explain gives each\n"
      "dimension's share of a distance; --all every analysed track's neighbours (the kNN\n"
      "graph). The metric is fitted on the library and kept in the store (docs/similarity.md).\n"
      "JSON Lines: {\"seed\": {\"id\", \"path\", tags...}, \"similar\": [{..., \"distance\"}]}.\n"
      "Exit status: 0, 1 if a seed is not in the store or has no fingerprint, 2 bad usage.");
  add_store_option(*cmd, c->db);
  add_count_option(*cmd, c->n, "tracks per seed, 1 to 10000 (default 10)");
  add_metric_option(*cmd, c->metric);
  cmd->add_flag("--explain", c->explain, "each dimension's share of every distance");
  cmd->add_flag("--json", c->json, "one JSON object per seed (JSON Lines)");
  CLI::Option* all = cmd->add_flag("--all", c->all, "every analysed track as a seed");
  cmd->add_option("SEED", c->seeds, "tracks by path or id")->excludes(all)->type_name("PATH|ID");
  cmd->callback([c, &exit_status] {
    if (!c->all && c->seeds.empty())
      throw CLI::RequiredError("a SEED (a track's path or id) or --all");
    exit_status = run_similar(*c);
  });
}

void add_playlist(CLI::App& app, int& exit_status) {
  auto c = std::make_shared<PlaylistCommand>();
  CLI::App* cmd =
      app.add_subcommand("playlist", "Write a playlist from seeds, or a sonic path to a target");
  cmd->footer(
      "N entries, the first seed first: the tracks nearest the seeds in an order that flows,\n"
      "or with --to a sonic path of small steps ending at the (last) target; several --to are\n"
      "waypoints. No duplicate recordings, no two entries closer than --min-distance, at most\n"
      "--max-per-artist and --max-per-album. Extended M3U8 on stdout or in FILE (paths\n"
      "relative to its folder when it holds them), or JSON Lines (docs/similarity.md).\n"
      "Exit status: 0, 1 if a track is not in the store or the rules admit no playlist, 2 bad\n"
      "usage.");
  add_store_option(*cmd, c->db);
  add_count_option(*cmd, c->n, "entries, seeds and targets included, 1 to 10000 (default 30)");
  cmd->add_option("--to", c->to, "end at this track (several: waypoints, in order)")
      ->check(not_an_option())
      ->expected(1)
      ->allow_extra_args(false)  // one word per --to: the next is a SEED
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->type_name("TRACK");
  cmd->add_option("--max-per-artist", c->max_per_artist, "at most N entries of one artist")
      ->transform(whole_number(1, 10000))
      ->type_name("N");
  cmd->add_option("--max-per-album", c->max_per_album, "at most N entries of one album")
      ->transform(whole_number(1, 10000))
      ->type_name("N");
  cmd->add_option("--min-distance", c->min_distance, "no two entries closer than D")
      ->check(distance_at_least_zero())
      ->type_name("D");
  add_metric_option(*cmd, c->metric);
  CLI::Option* json = cmd->add_flag("--json", c->json, "one JSON object per entry, not M3U8");
  cmd->add_option("-o,--output", c->output, "write the M3U8 to FILE")
      ->excludes(json)
      ->check(not_an_option())
      ->type_name("FILE.m3u8");
  cmd->add_option("SEED", c->seeds, "tracks by path or id")->required()->type_name("PATH|ID");
  cmd->callback([c, &exit_status] { exit_status = run_playlist(*c); });
}

void add_duplicates(CLI::App& app, int& exit_status) {
  auto c = std::make_shared<DuplicatesCommand>();
  CLI::App* cmd =
      app.add_subcommand("duplicates", "Print the groups of files that are one recording");
  cmd->footer(
      "Groups of files of the store that are the same recording (another encoding, bitrate,\n"
      "rate or copy), judged by fingerprint and duration whatever the metric. --json: one\n"
      "object per group, {\"files\": [{\"id\", \"path\", tags...}], \"distance\"}.\n"
      "Exit status: 0, 1 if the store cannot be read, 2 bad usage.");
  add_store_option(*cmd, c->db);
  cmd->add_flag("--json", c->json, "one JSON object per group (JSON Lines)");
  cmd->callback([c, &exit_status] { exit_status = run_duplicates(*c); });
}

}  // namespace

void add_similarity_commands(CLI::App& app, int& exit_status) {
  add_similar(app, exit_status);
  add_playlist(app, exit_status);
  add_duplicates(app, exit_status);
}

}  // namespace trackprint::cli
