#include "cli/report_commands.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "report/library_view.hpp"
#include "report/map_page.hpp"
#include "report/map_projection.hpp"
#include "report/track_page.hpp"
#include "trackprint/library.hpp"
#include "trackprint/trace.hpp"

namespace trackprint::cli {
namespace {

namespace fs = std::filesystem;

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

int usage(const std::string& message) {
  std::fprintf(stderr, "trackprint: %s\n(see 'trackprint --help')\n", message.c_str());
  return kExitUsage;
}

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

std::optional<report::LibraryView> open_view(const std::string& db) {
  auto view = report::LibraryView::open(db);
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

}  // namespace

std::optional<ReportOptions> parse_report_options(const std::vector<std::string>& args) {
  ReportOptions o;
  bool options_done = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const bool takes_value = a == "-o" || a == "--out" || a == "--db" || a == "--threads";
    if (!options_done && takes_value) {
      if (i + 1 >= args.size()) {
        usage("report: " + a + " needs a value");
        return std::nullopt;
      }
      const std::string& v = args[++i];
      if (a == "--db") {
        o.db = v;
      } else if (a == "--threads") {
        char* end = nullptr;
        const long n = std::strtol(v.c_str(), &end, 10);
        if (v.empty() || *end != '\0' || n < 1 || n > 256) {
          usage("report: --threads takes a number from 1 to 256");
          return std::nullopt;
        }
        o.threads = static_cast<int>(n);
      } else {
        o.out = v;
      }
    } else if (!options_done && a == "--") {
      options_done = true;
    } else if (!options_done && a.size() > 1 && a[0] == '-') {
      usage("report: unknown option " + a);
      return std::nullopt;
    } else {
      o.files.push_back(a);
    }
  }
  if (o.files.empty()) {
    usage("report: no FILE given");
    return std::nullopt;
  }
  if (ends_with_html(o.out) && o.files.size() > 1) {
    usage("report: -o " + o.out + " names one page, but " + std::to_string(o.files.size()) +
          " files were given: pass a directory");
    return std::nullopt;
  }
  return o;
}

int run_report(const std::vector<std::string>& args) {
  const std::optional<ReportOptions> o = parse_report_options(args);
  if (!o) return kExitUsage;
  const bool single_page = ends_with_html(o->out);
  const fs::path dir =
      single_page ? fs::path(o->out).parent_path() : fs::path(o->out.empty() ? "." : o->out);
  std::error_code ec;
  if (!dir.empty()) fs::create_directories(dir, ec);
  if (ec) {
    std::fprintf(stderr, "%s: cannot make the folder: %s\n", dir.string().c_str(),
                 ec.message().c_str());
    return kExitFailed;
  }
  std::optional<report::LibraryView> view;
  if (o->db) {
    view = open_view(*o->db);
    if (!view) return kExitFailed;
  }
  int status = kExitOk;
  std::set<fs::path> taken;
  for (const std::string& file : o->files) {
    const auto t0 = std::chrono::steady_clock::now();
    Trace trace;
    const Result<Fingerprint> fp = analyze_file(file, AnalysisOptions{o->threads}, trace);
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
    const fs::path out = single_page ? fs::path(o->out) : page_path(dir, file, taken);
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

std::optional<MapOptions> parse_map_options(const std::vector<std::string>& args) {
  MapOptions o;
  o.db = default_library_path();
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--db" || a == "-o" || a == "--out" || a == "--color" || a == "--colour") {
      if (i + 1 >= args.size()) {
        usage("map: " + a + " needs a value");
        return std::nullopt;
      }
      const std::string& v = args[++i];
      if (a == "--db") {
        o.db = v;
      } else if (a == "-o" || a == "--out") {
        o.out = v;
      } else if (!report::map_colour_named(v)) {
        usage("map: " + a + " takes album, genre, lufs or tempo_bpm, not " + v);
        return std::nullopt;
      } else {
        o.colour = v;
      }
    } else {
      usage("map: unknown argument " + a);
      return std::nullopt;
    }
  }
  return o;
}

int run_map(const std::vector<std::string>& args) {
  const std::optional<MapOptions> o = parse_map_options(args);
  if (!o) return kExitUsage;
  const auto t0 = std::chrono::steady_clock::now();
  const std::optional<report::LibraryView> view = open_view(o->db);
  if (!view) return kExitFailed;
  if (view->tracks().empty()) {
    std::fprintf(stderr, "%s: no analysed track to map (trackprint scan DIR first)\n",
                 view->db_path().c_str());
    return kExitFailed;
  }
  report::MapColour colour = report::MapColour::genre;
  if (!o->colour.empty()) {
    colour = *report::map_colour_named(o->colour);
  } else if (std::none_of(view->tracks().begin(), view->tracks().end(),
                          [](const report::LibraryTrack& t) { return !t.genre.empty(); })) {
    colour = report::MapColour::tempo_bpm;  // no genres to tell tracks apart by
  }
  const report::MapProjection projection =
      report::principal_components(view->metric_rows(), kDimensionCount);
  const auto neighbours = view->all_nearest(5);
  const std::string page = report::map_page({*view, projection, neighbours, colour});
  if (!write_file(o->out, page)) {
    std::fprintf(stderr, "%s: cannot write the page\n", o->out.c_str());
    return kExitFailed;
  }
  std::printf("%s: %zu tracks, coloured by %s (%.0f KB, %.2f s)\n", o->out.c_str(),
              view->tracks().size(), std::string(report::to_string(colour)).c_str(),
              static_cast<double>(page.size()) / 1024.0, seconds_since(t0));
  return kExitOk;
}

}  // namespace trackprint::cli
