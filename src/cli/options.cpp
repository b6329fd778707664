#include "cli/options.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "trackprint/library.hpp"
#include "trackprint/similarity.hpp"

namespace trackprint::cli {

CLI::Validator whole_number(int min, int max) {
  const std::string range = std::to_string(min) + " to " + std::to_string(max);
  return CLI::Validator(
      [min, max, range](std::string& text) -> std::string {
        const bool digits =
            !text.empty() && text.size() <= 9 && std::all_of(text.begin(), text.end(), [](char c) {
              return std::isdigit(static_cast<unsigned char>(c));
            });
        const int n = digits ? std::stoi(text) : -1;
        if (!digits || n < min || n > max)
          return "'" + text + "' is not a whole number from " + range;
        text = std::to_string(n);
        return {};
      },
      "");
}

CLI::Validator not_an_option() {
  return CLI::Validator(
      [](const std::string& text) -> std::string {
        if (text.size() < 2 || text[0] != '-') return {};
        return "'" + text +
               "' is an option, not a value (a name that starts with - can be given as ./" + text +
               ")";
      },
      "");
}

CLI::Option* add_store_option(CLI::App& command, std::string& db) {
  db = default_library_path();
  return command
      .add_option("--db", db, "the store (default: $XDG_DATA_HOME/trackprint/library.db)")
      ->check(not_an_option())
      ->type_name("PATH");
}

CLI::Option* add_metric_option(CLI::App& command, std::string& metric) {
  return command
      .add_option("--metric", metric, "the distance (default auralis; docs/similarity.md)")
      ->check(CLI::IsMember(similarity_metric_names()))
      ->type_name("NAME");
}

std::optional<Library> open_store(const std::string& path, Library::Mode mode) {
  auto lib = Library::open(path, mode);
  if (!lib.ok()) {
    std::fprintf(stderr, "trackprint: store %s\n", lib.error().message().c_str());
    return std::nullopt;
  }
  return std::move(lib.value());
}

CLI::Option* add_max_duration_option(CLI::App& command, double& seconds) {
  const CLI::Validator positive_seconds(
      [](std::string& text) -> std::string {
        char* end = nullptr;
        const double s = std::strtod(text.c_str(), &end);
        // !(s > 0) also refuses NaN; 1e9 s (30 years) keeps frame counts far from overflow.
        if (text.empty() || *end != '\0' || !(s > 0) || s > 1e9)
          return "'" + text + "' is not a number of seconds over 0";
        return {};
      },
      "");
  return command
      .add_option("--max-duration", seconds,
                  "refuse files longer than S seconds, declared or decoded (default 21600, 6 h)")
      ->check(positive_seconds)
      ->type_name("S");
}

void add_scan_options(CLI::App& command, ScanCommand& c) {
  add_store_option(command, c.db);
  command
      .add_option("-j,--jobs", c.options.jobs,
                  "files analysed at once, 1 to 256 (default: one per core)")
      ->transform(whole_number(1, 256))
      ->type_name("N");
  add_max_duration_option(command, c.options.max_duration_s);
  command.add_flag("--retry-failed", c.options.retry_failed, "analyse failed files again");
  command.add_flag("--prune", c.options.prune, "delete the rows of files gone (else: missing)");
  command.add_flag("--sidecars", c.options.sidecars, "read and write FILE.25d next to the audio");
  command.add_flag("-q,--quiet", c.quiet, "print nothing but failures");
  command
      .add_option("--progress", c.progress,
                  "bar or plain lines on stderr, or json events on stdout (default: bar on a "
                  "terminal, else plain)")
      ->check(CLI::IsMember({"bar", "plain", "json"}))
      ->type_name("STYLE");
  command.add_option("DIR", c.roots, "folders (or files) to scan")->required();
}

ProgressStyle progress_style(const ScanCommand& c) {
  return c.progress == "bar"     ? ProgressStyle::bar
         : c.progress == "plain" ? ProgressStyle::plain
         : c.progress == "json"  ? ProgressStyle::json
         : c.quiet               ? ProgressStyle::none
         : isatty(STDERR_FILENO) ? ProgressStyle::bar
                                 : ProgressStyle::plain;
}

}  // namespace trackprint::cli
