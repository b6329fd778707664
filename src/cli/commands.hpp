// The command families of `trackprint`, each in its own file. A family adds its subcommands
// (name, options, help) to the app; the one the user chose runs from its callback, once the
// whole command line has parsed, and leaves the process's exit status in `exit_status`.
// A new family is a file with its add_*_commands, declared here and called in main.cpp.
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace trackprint::cli {

void add_track_commands(CLI::App& app, int& exit_status);    // analyze, decode, dimensions
void add_library_commands(CLI::App& app, int& exit_status);  // scan, status, show, export
void add_report_commands(CLI::App& app, int& exit_status);   // report, map
void add_watch_commands(CLI::App& app, int& exit_status);    // watch
// similar, playlist, duplicates
void add_similarity_commands(CLI::App& app, int& exit_status);
void add_parquet_commands(CLI::App& app, int& exit_status);  // import (export's parquet: below)

// `export --format parquet --out DIR`, once --db is known (cli/parquet_commands.cpp).
int run_parquet_export(const std::string& db, const std::string& out);

}  // namespace trackprint::cli
