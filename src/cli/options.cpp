#include "cli/options.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "trackprint/library.hpp"

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

CLI::Option* add_store_option(CLI::App& command, std::string& db) {
  db = default_library_path();
  return command
      .add_option("--db", db, "the store (default: $XDG_DATA_HOME/trackprint/library.db)")
      ->type_name("PATH");
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

}  // namespace trackprint::cli
