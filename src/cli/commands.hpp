// The command families of `trackprint`, each in its own file. A family adds its subcommands
// (name, options, help) to the app; the one the user chose runs from its callback, once the
// whole command line has parsed, and leaves the process's exit status in `exit_status`.
// A new family is a file with its add_*_commands, declared here and called in main.cpp.
#pragma once

namespace CLI {
class App;
}

namespace trackprint::cli {

void add_track_commands(CLI::App& app, int& exit_status);    // analyze, decode, dimensions
void add_library_commands(CLI::App& app, int& exit_status);  // scan, status, show, export
void add_report_commands(CLI::App& app, int& exit_status);   // report, map
void add_watch_commands(CLI::App& app, int& exit_status);    // watch

}  // namespace trackprint::cli
