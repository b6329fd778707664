// The trackprint command line: parse, call the library, print. No signal processing here.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "analysis/analyze.hpp"
#include "cli/library_commands.hpp"
#include "cli/output.hpp"
#include "cli/watch_command.hpp"
#include "trackprint/trackprint.hpp"

namespace {

using trackprint::cli::Format;

constexpr int kExitOk = 0;
constexpr int kExitFileFailed = 1;
constexpr int kExitUsage = 2;

const char* const kUsage =
    "usage: trackprint <command> [options] [arguments]\n"
    "\n"
    "commands:\n"
    "  analyze [--json | --csv] [--jobs N] [--threads N] FILE...\n"
    "      Print the 25-dimension fingerprint (v1) of each file: a table, JSON Lines (one\n"
    "      object per file) or CSV (a header row, one row per file). A file that fails is\n"
    "      reported on stderr as 'FILE: reason' and the others are still analysed.\n"
    "      --jobs N (-j N) analyses N files at once (default: one per core); --threads N\n"
    "      uses N threads inside each track (default 1). Results come in the order the\n"
    "      files were given and are byte-identical for any N.\n"
    "  decode [--channel N] FILE OUT\n"
    "      Write the analysis signal (22050 Hz; the mono mix, or channel N) as raw\n"
    "      little-endian float32 to OUT.\n"
    "  dimensions [--json]\n"
    "      List the 25 dimensions: name, family, unit, range (and, with --json, the\n"
    "      tolerance against the reference oracle).\n"
    "  scan [--db PATH] [--jobs N] [--retry-failed] [--prune] [--sidecars] [--quiet]\n"
    "       [--progress bar|plain|json] DIR...\n"
    "      Fingerprint every audio file under DIR into the store (default:\n"
    "      $XDG_DATA_HOME/trackprint/library.db). Unchanged files (same path, size, mtime,\n"
    "      versions) are skipped; failures are recorded with their reason and retried when\n"
    "      the file changes or with --retry-failed; files gone are marked missing (--prune:\n"
    "      deleted). --sidecars reads and writes FILE.25d fingerprints (JSON) next to the\n"
    "      audio, trusted only when size, mtime and versions match. Ctrl-C stops after\n"
    "      saving finished tracks; scan again to continue.\n"
    "      Exit 0, 1 if a file failed, 130 when interrupted.\n"
    "  watch [scan's options] [--settle SECONDS] [--poll SECONDS] DIR...\n"
    "      Scan, then keep the store current as files are added, changed, renamed, moved\n"
    "      or deleted (inotify): a file is analysed once it has been closed and left alone\n"
    "      for --settle seconds (default 2); a renamed file or folder keeps its\n"
    "      fingerprints; a deleted one is marked missing (--prune: deleted). Without\n"
    "      inotify, or with --poll N, the folders are rescanned every N seconds (default\n"
    "      300). Holds the store: a scan meanwhile says it is busy. --progress json prints\n"
    "      one event per change. Ctrl-C or SIGTERM stops it (exit 130 or 143).\n"
    "  status [--db PATH]\n"
    "      Counts (analysed, outdated, pending, failed by kind, missing) and the failures.\n"
    "  show [--db PATH] [--json] PATH|ID...\n"
    "      One track of the store: identity, status, reason or fingerprint.\n"
    "  export [--db PATH] --format csv|jsonl\n"
    "      Every analysed track with its fingerprint (columns: the spec's names).\n"
    "\n"
    "options:\n"
    "  -h, --help       show this help\n"
    "  -V, --version    show the engine and fingerprint versions\n"
    "\n"
    "exit status: 0 all files analysed, 1 some file failed, 2 bad usage\n";

int usage_error(const std::string& message) {
  std::fprintf(stderr, "trackprint: %s\n(see 'trackprint --help')\n", message.c_str());
  return kExitUsage;
}

// A count option's value: 1..256, or nothing (a usage error).
std::optional<int> count_value(const std::string& text) {
  char* end = nullptr;
  const long n = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || n < 1 || n > 256) return std::nullopt;
  return static_cast<int>(n);
}

int run_analyze(const std::vector<std::string>& args) {
  Format format = Format::table;
  trackprint::AnalysisOptions options;
  int jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::string> files;
  bool options_done = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (!options_done && (a == "--threads" || a == "--jobs" || a == "-j")) {
      if (i + 1 >= args.size()) return usage_error("analyze: " + a + " needs a number");
      const std::optional<int> n = count_value(args[++i]);
      if (!n) return usage_error("analyze: " + a + " takes a number from 1 to 256");
      (a == "--threads" ? options.threads : jobs) = *n;
    } else if (!options_done && a == "--json") {
      format = Format::json;
    } else if (!options_done && a == "--csv") {
      format = Format::csv;
    } else if (!options_done && a == "--") {
      options_done = true;
    } else if (!options_done && a.size() > 1 && a[0] == '-') {
      return usage_error("analyze: unknown option " + a);
    } else {
      files.push_back(a);
    }
  }
  if (files.empty()) return usage_error("analyze: no FILE given");

  // Up to `jobs` files are analysed at once; results are printed in the order the files were
  // given, each as soon as it and all before it are done, so the output never depends on jobs.
  std::vector<std::optional<trackprint::Result<trackprint::Fingerprint>>> results(files.size());
  std::mutex mutex;
  std::condition_variable done;
  std::atomic<std::size_t> next{0};
  std::vector<std::jthread> workers;
  for (int w = 0; w < std::min<int>(jobs, static_cast<int>(files.size())); ++w) {
    workers.emplace_back([&] {
      for (std::size_t i = next++; i < files.size(); i = next++) {
        auto result = trackprint::analyze_file(files[i], options);
        const std::lock_guard lock(mutex);
        results[i].emplace(std::move(result));
        done.notify_all();
      }
    });
  }

  if (format == Format::csv) trackprint::cli::print_csv_header(stdout);
  int status = kExitOk;
  bool first = true;
  for (std::size_t i = 0; i < files.size(); ++i) {
    std::unique_lock lock(mutex);
    done.wait(lock, [&] { return results[i].has_value(); });
    const auto result = std::move(*results[i]);
    results[i].reset();
    lock.unlock();
    if (!result.ok()) {
      std::fflush(stdout);
      std::fprintf(stderr, "%s\n", result.error().message().c_str());
      status = kExitFileFailed;
      continue;
    }
    if (format == Format::table && !first) std::fputc('\n', stdout);
    first = false;
    trackprint::cli::print_fingerprint(stdout, format, files[i], result.value());
  }
  return status;
}

int run_decode(const std::vector<std::string>& args) {
  int channel = -1;
  std::vector<std::string> rest;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--channel" && i + 1 < args.size()) {
      channel = std::atoi(args[++i].c_str());
      if (channel < 0 || channel > 1) return usage_error("decode: --channel is 0 or 1");
    } else {
      rest.push_back(args[i]);
    }
  }
  if (rest.size() != 2) return usage_error("decode: needs FILE and OUT");
  try {
    const auto track = trackprint::analysis::stream_file(rest[0], /*keep_stereo_channels=*/true);
    if (channel >= 0 && track.info.channels < 2) {
      std::fprintf(stderr, "%s: is mono: the analysis has no channel %d\n", rest[0].c_str(),
                   channel);
      return kExitFileFailed;
    }
    const std::vector<float>& out = channel < 0    ? track.signal.y()
                                    : channel == 0 ? track.signal.left()
                                                   : track.signal.right();
    std::FILE* f = std::fopen(rest[1].c_str(), "wb");
    const bool written =
        f != nullptr && std::fwrite(out.data(), sizeof(float), out.size(), f) == out.size();
    if (f == nullptr || std::fclose(f) != 0 || !written) {
      std::fprintf(stderr, "%s: cannot write: %s\n", rest[1].c_str(), std::strerror(errno));
      return kExitFileFailed;
    }
  } catch (const trackprint::Failure& e) {
    std::fprintf(stderr, "%s: %s\n", rest[0].c_str(), e.reason().c_str());
    return kExitFileFailed;
  }
  return kExitOk;
}

int run_dimensions(const std::vector<std::string>& args) {
  if (!args.empty() && args[0] == "--json") {
    // The table as data, so tools (the fidelity harness, other languages) need no copy of it.
    std::string out = "[";
    for (const auto& d : trackprint::kDimensions) {
      if (out.size() > 1) out += ",";
      out += "\n{\"name\":\"" + std::string(d.name) + "\",\"family\":\"" + std::string(d.family) +
             "\",\"unit\":\"" + std::string(d.unit) +
             "\",\"min\":" + trackprint::cli::number_text(d.min) +
             ",\"max\":" + trackprint::cli::number_text(d.max) + ",\"tolerance\":" +
             (d.tolerance_kind == trackprint::ToleranceKind::one_frame
                  ? std::string("\"one_frame\"")
                  : trackprint::cli::number_text(d.tolerance)) +
             ",\"decision_based\":" + (d.decision_based ? "true" : "false") + "}";
    }
    std::printf("%s\n]\n", out.c_str());
    return kExitOk;
  }
  if (!args.empty()) return usage_error("dimensions: unknown argument " + args[0]);
  std::printf("%-3s %-24s %-10s %-15s %s\n", "#", "name", "family", "unit", "range");
  int i = 1;
  for (const auto& d : trackprint::kDimensions) {
    std::printf("%-3d %-24.*s %-10.*s %-15.*s %g..%g\n", i++, static_cast<int>(d.name.size()),
                d.name.data(), static_cast<int>(d.family.size()), d.family.data(),
                static_cast<int>(d.unit.size()), d.unit.data(), d.min, d.max);
  }
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return kExitUsage;
  }
  const std::string_view command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "-h" || command == "--help" || command == "help") {
    std::fputs(kUsage, stdout);
    return kExitOk;
  }
  if (command == "-V" || command == "--version") {
    std::printf("trackprint %.*s (fingerprint v%d)\n",
                static_cast<int>(trackprint::engine_version().size()),
                trackprint::engine_version().data(), trackprint::kFingerprintVersion);
    return kExitOk;
  }
  for (const std::string& a : args) {
    if (a == "-h" || a == "--help") {
      std::fputs(kUsage, stdout);
      return kExitOk;
    }
  }
  if (command == "analyze") return run_analyze(args);
  if (command == "decode") return run_decode(args);
  if (command == "dimensions") return run_dimensions(args);
  if (command == "scan") return trackprint::cli::run_scan(args);
  if (command == "status") return trackprint::cli::run_status(args);
  if (command == "show") return trackprint::cli::run_show(args);
  if (command == "export") return trackprint::cli::run_export(args);
  if (command == "watch") return trackprint::cli::run_watch(args);
  return usage_error("unknown command '" + std::string(command) + "'");
}
