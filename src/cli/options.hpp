// What the commands' parsers share: the exit statuses, the check of whole-number options, the
// --db option of the library commands (and opening that store), the --max-duration option of
// those that analyse, and the options that scan and watch both take.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/progress.hpp"
#include "trackprint/library.hpp"

namespace CLI {
class App;
class Option;
class Validator;
}  // namespace CLI

namespace trackprint::cli {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;  // a file could not be analysed, or the store failed
constexpr int kExitUsage = 2;
constexpr int kExitInterrupted = 130;  // 128 + SIGINT, as shells report it

// A whole number from `min` to `max` written in decimal. CLI11 alone would read "010" as
// octal 8 and "0x10" as 16; this check takes only digits, and hands CLI11 the plain number.
CLI::Validator whole_number(int min, int max);

// For an option whose value is a path or a track: CLI11 takes the next word as the value even
// when it is an option (`--to --db lib.db` would read "--db" as the track and the store from
// its default), so a value that starts with - is refused with a usage error.
CLI::Validator not_an_option();

// --db PATH: the store, by default $XDG_DATA_HOME/trackprint/library.db.
CLI::Option* add_store_option(CLI::App& command, std::string& db);

// --metric NAME: the similarity metric (a name of similarity_metric_names(); default auralis).
CLI::Option* add_metric_option(CLI::App& command, std::string& metric);

// The store at `path`, or nullopt after printing on stderr why it cannot be opened.
std::optional<Library> open_store(const std::string& path, Library::Mode mode);

// --max-duration S: the longest file analysed, in seconds, more than 0 (docs/limits.md). `seconds`
// keeps its default (the library's, 6 h) when the option is not given.
CLI::Option* add_max_duration_option(CLI::App& command, double& seconds);

// What `scan` and `watch` are asked to do.
struct ScanCommand {
  std::string db;
  ScanOptions options;
  std::vector<std::string> roots;
  bool quiet = false;
  std::string progress;  // bar, plain, json; empty: bar on a terminal, else plain
};

// --db, --jobs, --max-duration, --retry-failed, --prune, --sidecars, --quiet, --progress and
// the DIRs.
void add_scan_options(CLI::App& command, ScanCommand& c);

// How the progress is shown: --progress, else nothing with --quiet, else a bar on a terminal.
ProgressStyle progress_style(const ScanCommand& c);

}  // namespace trackprint::cli
