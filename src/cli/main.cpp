// The trackprint command line: one CLI11 parser for every command (the families in
// cli/commands.hpp), the global --help and --version, and usage errors (exit 2).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "trackprint/numbers_version.hpp"
#include "trackprint/trackprint.hpp"

namespace {

using namespace trackprint::cli;

// The numbers version too: which exact bits this build computes (what makes a stored
// fingerprint current), so that a user or a script can tell two builds' outputs apart.
std::string version_text() {
  return "trackprint " + std::string(trackprint::engine_version()) + " (fingerprint v" +
         std::to_string(trackprint::kFingerprintVersion) + ", numbers " +
         std::to_string(trackprint::kNumbersVersion) + ")";
}

// `trackprint help [COMMAND]`: the same text as `trackprint [COMMAND] --help`.
void add_help_command(CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* command : app.get_subcommands({})) names.push_back(command->get_name());
  auto topic = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("help", "Show this help, or a command's");
  cmd->add_option("COMMAND", *topic, "the command")->check(CLI::IsMember(names));
  cmd->callback([&app, topic] {
    // app.help() would describe the command being run (this one); ask the formatter instead.
    std::cout << (topic->empty() ? app.get_formatter()->make_help(&app, app.get_name(),
                                                                  CLI::AppFormatMode::Normal)
                                 : app.get_subcommand(*topic)->help(app.get_name()));
  });
}

// "trackprint analyze: reason" and where to read more, on stderr. Arguments nobody took are
// named first (CLI11 checks required options before them), and when no command was recognised
// the first word is what went wrong (CLI11 would only say a command is required).
int usage_error(const CLI::App& app, const CLI::ParseError& e, int argc, char** argv) {
  const std::vector<CLI::App*> chosen = app.get_subcommands();
  const CLI::App& where = chosen.empty() ? app : *chosen.back();
  const std::string command = app.get_name() + (chosen.empty() ? "" : " " + where.get_name());
  std::string reason = e.what();
  if (chosen.empty() && argc > 1) {
    reason =
        (argv[1][0] == '-' ? "unknown option '" : "unknown command '") + std::string(argv[1]) + "'";
  } else if (std::vector<std::string> extras = where.remaining(); !extras.empty()) {
    std::reverse(extras.begin(), extras.end());  // ExtrasError lists them last to first
    reason = CLI::ExtrasError(extras).what();
  }
  std::fprintf(stderr, "%s: %s\n(see '%s --help')\n", command.c_str(), reason.c_str(),
               command.c_str());
  return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("trackprint: the 25-number fingerprint (v1) of music tracks, and a library of them",
               "trackprint");
  app.set_version_flag("-V,--version", version_text(),
                       "show the engine, fingerprint and numbers versions");
  app.require_subcommand(1);
  app.footer(
      "See 'trackprint COMMAND --help' for a command's options.\n"
      "Exit status: 0 success, 1 a file (or the store) failed, 2 bad usage, 130 a scan was\n"
      "interrupted (a watch stopped: 130 by SIGINT, 143 by SIGTERM).");
  int exit_status = kExitOk;
  add_track_commands(app, exit_status);
  add_library_commands(app, exit_status);
  add_watch_commands(app, exit_status);
  add_report_commands(app, exit_status);
  add_parquet_commands(app, exit_status);
  add_similarity_commands(app, exit_status);
  add_help_command(app);

  if (argc < 2) {
    std::cerr << app.help();
    return kExitUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return usage_error(app, e, argc, argv);
  }
  return exit_status;
}
