// `trackprint watch`: a scan, then the store kept current as files change (Library::watch),
// one line (stderr) or JSON event (stdout) per change.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/output.hpp"
#include "cli/progress.hpp"
#include "cli/stop_signals.hpp"
#include "trackprint/library.hpp"

namespace trackprint::cli {
namespace {

struct WatchCommand {
  ScanCommand scan;
  double settle_s = 2;
  double poll_s = 0;  // 0: inotify
};

// Seconds from `least` to a day, for --settle and --poll.
CLI::Validator seconds_from(double least) {
  const std::string range = (least == 0 ? "0" : "1") + std::string(" to 86400");
  return CLI::Validator(
      [least, range](std::string& text) -> std::string {
        char* end = nullptr;
        const double s = std::strtod(text.c_str(), &end);
        if (text.empty() || *end != '\0' || !(s >= least) || s > 86400)
          return "'" + text + "' is not a number of seconds from " + range;
        return {};
      },
      "");
}

std::chrono::milliseconds milliseconds_of(double seconds) {
  return std::chrono::milliseconds(std::llround(seconds * 1000));
}

void print_json_event(const WatchEvent& e) {
  Json o = {{"event", std::string(to_string(e.kind))}};
  switch (e.kind) {
    case WatchEvent::Kind::watching:
      o["mode"] = e.detail;
      break;
    case WatchEvent::Kind::warning:
      o["message"] = e.detail;
      break;
    case WatchEvent::Kind::renamed:
      library::set_path(o, "from", e.from);
      library::set_path(o, "path", e.path);
      break;
    case WatchEvent::Kind::failed:
      library::set_path(o, "path", e.path);
      o["kind"] = std::string(to_string(e.error->kind));
      o["reason"] = e.error->reason;
      break;
    case WatchEvent::Kind::analysed:
      library::set_path(o, "path", e.path);
      o["analysis_s"] = e.analysis_s;
      break;
    case WatchEvent::Kind::unchanged:
    case WatchEvent::Kind::missing:
    case WatchEvent::Kind::removed:
      library::set_path(o, "path", e.path);
      break;
  }
  print_json_line(stdout, o);
  std::fflush(stdout);
}

// For people, on stderr: what changed in the store (unchanged files are not worth a line).
void print_line(const WatchEvent& e) {
  switch (e.kind) {
    case WatchEvent::Kind::watching:
    case WatchEvent::Kind::warning:
    case WatchEvent::Kind::unchanged:
      return;
    case WatchEvent::Kind::analysed:
      std::fprintf(stderr, "watch: analysed %s (%.1f s)\n", e.path.c_str(), e.analysis_s);
      return;
    case WatchEvent::Kind::failed:
      std::fprintf(stderr, "watch: failed %s\n", e.error->message().c_str());
      return;
    case WatchEvent::Kind::renamed:
      std::fprintf(stderr, "watch: renamed %s -> %s\n", e.from.c_str(), e.path.c_str());
      return;
    case WatchEvent::Kind::missing:
      std::fprintf(stderr, "watch: missing %s\n", e.path.c_str());
      return;
    case WatchEvent::Kind::removed:
      std::fprintf(stderr, "watch: removed %s\n", e.path.c_str());
      return;
  }
}

int run_watch(WatchCommand& c) {
  auto lib = open_store(c.scan.db, Library::Mode::read_write);
  if (!lib) return kExitFailed;

  // Ctrl-C or SIGTERM: the files being analysed are finished and committed, then it stops.
  StopSignal stop;
  catch_stop_signals(&stop);
  const ProgressStyle style = progress_style(c.scan);
  ProgressDisplay display(style);
  WatchOptions watch;
  watch.settle = milliseconds_of(c.settle_s);
  if (c.poll_s > 0) {
    watch.poll = true;
    watch.rescan_interval = milliseconds_of(c.poll_s);
  }
  watch.scan = c.scan.options;
  watch.scan.progress = [&display, &stop](const ScanProgress& p) {
    display.update(p);
    return !stop.requested();
  };
  const bool json = style == ProgressStyle::json;
  const bool quiet = c.scan.quiet;
  const std::string store = lib->path();
  const std::size_t roots = c.scan.roots.size();
  bool scan_shown = false;
  const auto show_scan = [&](const ScanSummary& s) {
    display.finish(s, store, quiet);
    scan_shown = true;
  };
  watch.on_event = [&](const WatchEvent& e) {
    if (e.kind == WatchEvent::Kind::watching && e.scanned != nullptr) {
      show_scan(*e.scanned);
      for (const Error& w : e.scanned->warnings)
        std::fprintf(stderr, "trackprint: warning: %s\n", w.message().c_str());
      if (!quiet && !json) {
        std::fprintf(stderr, "watching %zu folder%s (%s); Ctrl-C to stop\n", roots,
                     roots == 1 ? "" : "s", e.detail.c_str());
      }
    }
    if (e.kind == WatchEvent::Kind::warning)
      std::fprintf(stderr, "trackprint: warning: %s\n", e.detail.c_str());
    if (json) {
      print_json_event(e);
    } else if (!quiet) {
      print_line(e);
    }
  };
  const ScanSummary summary = lib->watch(c.scan.roots, watch, stop);
  // Stopped during the first scan, or the store failed in it (not when it was busy from the start).
  if (!scan_shown && !(summary.store_error && summary.found == 0)) show_scan(summary);
  if (summary.store_error) {
    std::fprintf(stderr, "trackprint: store %s\n", summary.store_error->message().c_str());
    return kExitFailed;
  }
  const int signal = stop_signal();
  if (json) {
    print_json_line(stdout, Json{{"event", "stopped"}, {"signal", signal}});
  } else if (!quiet) {
    std::fprintf(stderr, "stopped: the store is current up to the last change committed\n");
  }
  return signal != 0 ? 128 + signal : kExitOk;
}

}  // namespace

void add_watch_commands(CLI::App& app, int& exit_status) {
  auto c = std::make_shared<WatchCommand>();
  CLI::App* cmd = app.add_subcommand(
      "watch", "Scan DIR, then keep the store current as files are added, changed or removed");
  cmd->footer(
      "First does what scan does, then watches the folders (inotify): a file is analysed once\n"
      "it has been closed and left alone for --settle seconds; a renamed file or folder keeps\n"
      "its fingerprints; a deleted one is marked missing (--prune: deleted). Without inotify,\n"
      "or with --poll S, the folders are rescanned every S seconds (default 300). Holds the\n"
      "store: a scan meanwhile exits with 'store busy'. --progress json prints one event per\n"
      "change. Ctrl-C or SIGTERM stops it after committing the files in hand.\n"
      "Exit status: 1 if the store failed, 2 bad usage, 130 (SIGINT) or 143 (SIGTERM).");
  add_scan_options(*cmd, c->scan);
  cmd->add_option("--settle", c->settle_s,
                  "seconds a written file is left alone before it is analysed (default 2)")
      ->check(seconds_from(0))
      ->type_name("S");
  cmd->add_option("--poll", c->poll_s, "rescan every S seconds instead of using inotify")
      ->check(seconds_from(1))
      ->type_name("S");
  cmd->callback([c, &exit_status] { exit_status = run_watch(*c); });
}

}  // namespace trackprint::cli
