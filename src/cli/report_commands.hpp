// The commands that draw pages: `report` (one HTML page per track, from its trace) and `map`
// (the library as a 2-D map). The pages themselves are made by src/report.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace trackprint::cli {

struct ReportOptions {
  std::vector<std::string> files;
  std::string out;                // a directory, or FILE.html for a single track; "" = "."
  std::optional<std::string> db;  // percentiles and neighbours from this store
  int threads = 1;
};
// nullopt after a usage error has been printed.
std::optional<ReportOptions> parse_report_options(const std::vector<std::string>& args);

struct MapOptions {
  std::string db;  // default_library_path() unless given
  std::string out = "map.html";
  std::string colour;  // album, genre, lufs, tempo_bpm; "" = genre if any track has one
};
std::optional<MapOptions> parse_map_options(const std::vector<std::string>& args);

// Each returns the process's exit status.
int run_report(const std::vector<std::string>& args);
int run_map(const std::vector<std::string>& args);

}  // namespace trackprint::cli
