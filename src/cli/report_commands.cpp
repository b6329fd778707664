// The commands that draw pages: `report` (one HTML page per track, from its trace) and `map`
// (the library as a 2-D map). The pages themselves are made by src/report.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "report/library_view.hpp"
#include "report/map_page.hpp"
#include "report/map_projection.hpp"
#include "report/track_page.hpp"
#include "trackprint/library.hpp"
#include "trackprint/trace.hpp"

namespace trackprint::cli {
namespace {

namespace fs = std::filesystem;

bool ends_with_html(const std::string& path) {
  const std::string ext = fs::path(path).extension().string();
  return ext == ".html" || ext == ".htm";
}

// DIR/STEM.html, with -2, -3 ... when two tracks share a stem.
fs::path page_path(const fs::path& dir, const std::string& file, std::set<fs::path>& taken) {
  const std::string stem = fs::path(file).stem().string();
  fs::path out = dir / (stem + ".html");
  for (int n = 2; taken.count(out) > 0; ++n) out = dir / (stem + "-" + std::to_string(n) + ".html");
  taken.insert(out);
  return out;
}

bool write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  return static_cast<bool>(out);
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::optional<report::LibraryView> open_view(const std::string& db, const std::string& metric) {
  auto view = report::LibraryView::open(db, metric);
  if (!view.ok()) {
    std::fprintf(stderr, "trackprint: store %s\n", view.error().message().c_str());
    return std::nullopt;
  }
  return std::move(view.value());
}

// Where the track stands in the library: percentiles and the 5 nearest (itself left out).
report::LibraryContext context_in(const report::LibraryView& view, const std::string& path,
                                  const Fingerprint& fp) {
  report::LibraryContext c;
  c.db_path = view.db_path();
  c.tracks = view.tracks().size();
  c.percentile = view.percentiles(fp);
  for (const report::NearTrack& near : view.nearest(fp, 5, view.find(path))) {
    c.neighbours.push_back({view.tracks()[near.index].label, near.distance});
  }
  return c;
}

struct ReportOptions {
  std::vector<std::string> files;
  std::string out;                 // a directory, or FILE.html for a single track; "" = "."
  std::string db;                  // percentiles and neighbours from this store; "" = none
  std::string metric = "auralis";  // the neighbours' distance
  int threads = 1;
};

int run_report(const ReportOptions& o) {
  const bool single_page = ends_with_html(o.out);
  const fs::path dir =
      single_page ? fs::path(o.out).parent_path() : fs::path(o.out.empty() ? "." : o.out);
  std::error_code ec;
  if (!dir.empty()) fs::create_directories(dir, ec);
  if (ec) {
    std::fprintf(stderr, "%s: cannot make the folder: %s\n", dir.string().c_str(),
                 ec.message().c_str());
    return kExitFailed;
  }
  std::optional<report::LibraryView> view;
  if (!o.db.empty()) {
    view = open_view(o.db, o.metric);
    if (!view) return kExitFailed;
  }
  int status = kExitOk;
  std::set<fs::path> taken;
  for (const std::string& file : o.files) {
    const auto t0 = std::chrono::steady_clock::now();
    Trace trace;
    const Result<Fingerprint> fp = analyze_file(file, AnalysisOptions{o.threads}, trace);
    if (!fp.ok()) {
      std::fprintf(stderr, "%s\n", fp.error().message().c_str());
      status = kExitFailed;
      continue;
    }
    const double analysis_s = seconds_since(t0);
    const auto t1 = std::chrono::steady_clock::now();
    const std::string path = fs::absolute(file).string();
    report::TrackPageInput input{
        {fs::path(file).stem().string(), "", path}, fp.value(), trace, std::nullopt};
    if (view) {
      if (const auto row = view->find(path)) input.track = view->tracks()[*row].label;
      input.library = context_in(*view, path, fp.value());
    }
    const std::string page = report::track_page(input);
    const fs::path out = single_page ? fs::path(o.out) : page_path(dir, file, taken);
    if (!write_file(out, page)) {
      std::fprintf(stderr, "%s: cannot write the page\n", out.string().c_str());
      status = kExitFailed;
      continue;
    }
    std::printf("%s: %s (%.0f KB; analysis %.2f s, page %.2f s)\n", file.c_str(),
                out.string().c_str(), static_cast<double>(page.size()) / 1024.0, analysis_s,
                seconds_since(t1));
  }
  return status;
}

void add_report(CLI::App& app, int& exit_status) {
  auto o = std::make_shared<ReportOptions>();
  CLI::App* cmd = app.add_subcommand("report", "Write one self-contained HTML page per track");
  cmd->footer(
      "Writes one self-contained HTML page per FILE (default: STEM.html here): its waveform and\n"
      "loudness, spectrogram with the harmonic/percussive balance, onset envelope with beats,\n"
      "chroma, pitch and the 25 values by family; with --db, each value's percentile in the\n"
      "library and the 5 nearest tracks by --metric, as `similar` finds them (docs/report.md).\n"
      "A file that fails is reported on stderr and the others still get their page.\n"
      "Exit status: 0 every page written, 1 some file failed, 2 bad usage.");
  cmd->add_option("-o,--out", o->out, "a folder for the pages, or FILE.html for a single FILE")
      ->check(not_an_option())
      ->type_name("DIR|FILE.html");
  cmd->add_option("--db", o->db, "show percentiles and neighbours from this store")
      ->check(not_an_option())
      ->type_name("PATH");
  add_metric_option(*cmd, o->metric);
  cmd->add_option("--threads", o->threads, "threads inside each track, 1 to 256 (default 1)")
      ->transform(whole_number(1, 256))
      ->type_name("N");
  cmd->add_option("FILE", o->files, "audio files")->required();
  cmd->callback([o, &exit_status] {
    if (ends_with_html(o->out) && o->files.size() > 1) {
      throw CLI::ValidationError("-o", o->out + " names one page, but " +
                                           std::to_string(o->files.size()) +
                                           " files were given: pass a directory");
    }
    exit_status = run_report(*o);
  });
}

struct MapOptions {
  std::string db;
  std::string out = "map.html";
  std::string colour;              // album, genre, lufs, tempo_bpm; "" = genre if any track has one
  std::string metric = "auralis";  // the map's space and the neighbours' distance
};

int run_map(const MapOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::optional<report::LibraryView> view = open_view(o.db, o.metric);
  if (!view) return kExitFailed;
  if (view->tracks().empty()) {
    std::fprintf(stderr, "%s: no analysed track to map (trackprint scan DIR first)\n",
                 view->db_path().c_str());
    return kExitFailed;
  }
  report::MapColour colour = report::MapColour::genre;
  if (!o.colour.empty()) {
    colour = *report::map_colour_named(o.colour);
  } else if (std::none_of(view->tracks().begin(), view->tracks().end(),
                          [](const report::LibraryTrack& t) { return !t.genre.empty(); })) {
    colour = report::MapColour::tempo_bpm;  // no genres to tell tracks apart by
  }
  const report::MapProjection projection =
      report::principal_components(view->metric_rows(), kDimensionCount);
  const auto neighbours = view->all_nearest(5);
  const std::string page = report::map_page({*view, projection, neighbours, colour});
  if (!write_file(o.out, page)) {
    std::fprintf(stderr, "%s: cannot write the page\n", o.out.c_str());
    return kExitFailed;
  }
  std::printf("%s: %zu tracks, coloured by %s (%.0f KB, %.2f s)\n", o.out.c_str(),
              view->tracks().size(), std::string(report::to_string(colour)).c_str(),
              static_cast<double>(page.size()) / 1024.0, seconds_since(t0));
  return kExitOk;
}

void add_map(CLI::App& app, int& exit_status) {
  auto o = std::make_shared<MapOptions>();
  CLI::App* cmd = app.add_subcommand("map", "Write the library as a 2-D map on one HTML page");
  cmd->footer(
      "Writes the library as a 2-D map (principal components of the normalised fingerprints)\n"
      "to one HTML page: a point per track, coloured as asked (default: genre, or tempo_bpm\n"
      "when no track has a genre); hover for title, artist and path, click for the nearest\n"
      "neighbours (docs/report.md).\n"
      "Exit status: 0 the page written, 1 the store could not be read or is empty, 2 bad usage.");
  add_store_option(*cmd, o->db);
  cmd->add_option("-o,--out", o->out, "the page (default map.html)")
      ->check(not_an_option())
      ->type_name("FILE.html");
  const CLI::Validator colour_named(
      [](std::string& text) -> std::string {
        if (report::map_colour_named(text)) return {};
        return "'" + text + "' is not album, genre, lufs or tempo_bpm";
      },
      "");
  cmd->add_option("--color,--colour", o->colour, "album, genre, lufs or tempo_bpm")
      ->check(colour_named)
      ->type_name("BY");
  add_metric_option(*cmd, o->metric);
  cmd->callback([o, &exit_status] { exit_status = run_map(*o); });
}

}  // namespace

void add_report_commands(CLI::App& app, int& exit_status) {
  add_report(app, exit_status);
  add_map(app, exit_status);
}

}  // namespace trackprint::cli
