#include "cli/options.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>

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

}  // namespace trackprint::cli
