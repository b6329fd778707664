#include "cli/watch_command.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <variant>

#include "cli/library_commands.hpp"
#include "cli/output.hpp"
#include "cli/progress.hpp"
#include "trackprint/library.hpp"

namespace trackprint::cli {
namespace {

constexpr int kExitFailed = 1;

// Seconds as a duration, for --settle and --poll: a number from 0 (settle) or 1 (poll).
std::optional<std::chrono::milliseconds> seconds_value(const std::string& text, double least) {
  char* end = nullptr;
  const double s = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !(s >= least) || s > 86400) return std::nullopt;
  return std::chrono::milliseconds(std::llround(s * 1000));
}

void print_json_event(const WatchEvent& e) {
  JsonObject o;
  o.field("event", json_string(std::string(to_string(e.kind))));
  switch (e.kind) {
    case WatchEvent::Kind::watching:
      o.field("mode", json_string(e.detail));
      break;
    case WatchEvent::Kind::warning:
      o.field("message", json_string(e.detail));
      break;
    case WatchEvent::Kind::renamed:
      o.field("from", json_string(e.from));
      o.field("path", json_string(e.path));
      break;
    case WatchEvent::Kind::failed:
      o.field("path", json_string(e.path));
      o.field("kind", json_string(std::string(to_string(e.error->kind))));
      o.field("reason", json_string(e.error->reason));
      break;
    case WatchEvent::Kind::analysed:
      o.field("path", json_string(e.path));
      o.field("analysis_s", number_text(e.analysis_s));
      break;
    case WatchEvent::Kind::unchanged:
    case WatchEvent::Kind::missing:
    case WatchEvent::Kind::removed:
      o.field("path", json_string(e.path));
      break;
  }
  std::printf("%s\n", o.text().c_str());
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

}  // namespace

int run_watch(const std::vector<std::string>& args) {
  WatchOptions watch;
  const auto extra = [&watch](const std::string& option,
                              const std::optional<std::string>& value) -> int {
    if (option != "--settle" && option != "--poll") return 0;
    const bool poll = option == "--poll";
    const auto ms = value ? seconds_value(*value, poll ? 1 : 0) : std::nullopt;
    if (!ms) {
      usage("watch: " + option + " takes seconds (" + (poll ? "1" : "0") + " to 86400)");
      return -1;
    }
    if (poll) {
      watch.poll = true;
      watch.rescan_interval = *ms;
    } else {
      watch.settle = *ms;
    }
    return 2;
  };
  auto parsed = parse_scan_command("watch", args, extra);
  if (const int* status = std::get_if<int>(&parsed)) return *status;
  ScanCommand& command = std::get<ScanCommand>(parsed);
  auto lib = open_store(command.db, Library::Mode::read_write);
  if (!lib) return kExitFailed;

  // Ctrl-C or SIGTERM: the files being analysed are finished and committed, then it stops.
  StopSignal stop;
  catch_stop_signals(&stop);
  ProgressDisplay display(command.style);
  watch.scan = command.options;
  watch.scan.progress = [&display, &stop](const ScanProgress& p) {
    display.update(p);
    return !stop.requested();
  };
  const bool json = command.style == ProgressStyle::json;
  const bool quiet = command.quiet;
  const std::string store = lib->path();
  const std::size_t roots = command.roots.size();
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
  const ScanSummary summary = lib->watch(command.roots, watch, stop);
  // Stopped during the first scan, or the store failed in it (not when it was busy from the start).
  if (!scan_shown && !(summary.store_error && summary.found == 0)) show_scan(summary);
  if (summary.store_error) {
    std::fprintf(stderr, "trackprint: store %s\n", summary.store_error->message().c_str());
    return kExitFailed;
  }
  const int signal = stop_signal();
  if (json) {
    JsonObject o;
    o.field("event", "\"stopped\"");
    o.field("signal", std::to_string(signal));
    std::printf("%s\n", o.text().c_str());
  } else if (!quiet) {
    std::fprintf(stderr, "stopped: the store is current up to the last change committed\n");
  }
  return signal != 0 ? 128 + signal : 0;
}

}  // namespace trackprint::cli
