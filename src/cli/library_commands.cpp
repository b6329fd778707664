#include "cli/library_commands.hpp"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <variant>

#include "cli/output.hpp"
#include "cli/progress.hpp"
#include "trackprint/library.hpp"
#include "trackprint/trackprint.hpp"

namespace trackprint::cli {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitInterrupted = 130;  // 128 + SIGINT, as shells report it

std::atomic<int> g_signal{0};
std::atomic<StopSignal*> g_stop{nullptr};
static_assert(std::atomic<int>::is_always_lock_free, "set from a signal handler");
static_assert(std::atomic<StopSignal*>::is_always_lock_free, "read from a signal handler");

extern "C" void on_stop_signal(int signal) {
  g_signal.store(signal);
  if (StopSignal* stop = g_stop.load()) stop->request();
}

}  // namespace

void catch_stop_signals(StopSignal* stop) {
  g_stop.store(stop);
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  action.sa_flags = SA_RESETHAND;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int stop_signal() {
  return g_signal.load();
}

int usage(const std::string& message) {
  std::fprintf(stderr, "trackprint: %s\n(see 'trackprint --help')\n", message.c_str());
  return kExitUsage;
}

namespace {

// The options every library command shares; the rest are handed back in `rest`.
struct Common {
  std::string db = default_library_path();
  std::vector<std::string> rest;
};

std::optional<Common> common_options(const std::string& command,
                                     const std::vector<std::string>& args) {
  Common c;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--db") {
      if (i + 1 >= args.size()) {
        usage(command + ": --db needs a path");
        return std::nullopt;
      }
      c.db = args[++i];
    } else {
      c.rest.push_back(args[i]);
    }
  }
  return c;
}

}  // namespace

std::optional<Library> open_store(const std::string& path, Library::Mode mode) {
  auto lib = Library::open(path, mode);
  if (!lib.ok()) {
    std::fprintf(stderr, "trackprint: store %s\n", lib.error().message().c_str());
    return std::nullopt;
  }
  return std::move(lib.value());
}

namespace {

std::string record_json(const TrackRecord& t) {
  JsonObject object;
  const auto field = [&object](std::string_view key, const std::string& value) {
    object.field(key, value);
  };
  field("id", std::to_string(t.id));
  field("path", json_string(t.path));
  field("size", std::to_string(t.size));
  field("mtime_ns", std::to_string(t.mtime_ns));
  field("status", json_string(std::string(to_string(t.status))));
  if (t.error_kind) {
    field("error_kind", json_string(std::string(to_string(*t.error_kind))));
    field("reason", json_string(t.reason));
  }
  if (t.fingerprint) {
    add_fingerprint_fields(object, *t.fingerprint);
    field("fingerprint_version", std::to_string(t.fingerprint->version));
    field("outdated", t.outdated ? "true" : "false");
  }
  field("engine_version", json_string(t.engine_version));
  field("analysed_at", json_string(t.analysed_at));
  field("analysis_s", number_text(t.analysis_s));
  return object.text();
}

}  // namespace

std::variant<ScanCommand, int> parse_scan_command(const std::string& name,
                                                  const std::vector<std::string>& args,
                                                  const ExtraOption& extra) {
  const auto common = common_options(name, args);
  if (!common) return kExitUsage;
  ScanCommand c;
  c.db = common->db;
  std::optional<ProgressStyle> style;
  const auto& a = common->rest;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] == "--jobs" || a[i] == "-j") {
      if (i + 1 >= a.size()) return usage(name + ": " + a[i] + " needs a number");
      char* end = nullptr;
      const long n = std::strtol(a[++i].c_str(), &end, 10);
      if (*end != '\0' || n < 1 || n > 256) return usage(name + ": --jobs takes 1 to 256");
      c.options.jobs = static_cast<int>(n);
    } else if (a[i] == "--retry-failed") {
      c.options.retry_failed = true;
    } else if (a[i] == "--prune") {
      c.options.prune = true;
    } else if (a[i] == "--sidecars") {
      c.options.sidecars = true;
    } else if (a[i] == "--quiet" || a[i] == "-q") {
      c.quiet = true;
    } else if (a[i] == "--progress") {
      if (i + 1 >= a.size()) return usage(name + ": --progress needs bar, plain or json");
      const std::string& v = a[++i];
      if (v == "bar")
        style = ProgressStyle::bar;
      else if (v == "plain")
        style = ProgressStyle::plain;
      else if (v == "json")
        style = ProgressStyle::json;
      else
        return usage(name + ": --progress takes bar, plain or json");
    } else if (extra && a[i].size() > 1 && a[i][0] == '-') {
      const std::optional<std::string> value =
          i + 1 < a.size() ? std::optional<std::string>(a[i + 1]) : std::nullopt;
      const int taken = extra(a[i], value);
      if (taken < 0) return kExitUsage;
      if (taken == 0) return usage(name + ": unknown option " + a[i]);
      i += static_cast<std::size_t>(taken - 1);
    } else if (a[i].size() > 1 && a[i][0] == '-') {
      return usage(name + ": unknown option " + a[i]);
    } else {
      c.roots.push_back(a[i]);
    }
  }
  if (c.roots.empty()) return usage(name + ": no DIR given");
  c.style = style                   ? *style
            : c.quiet               ? ProgressStyle::none
            : isatty(STDERR_FILENO) ? ProgressStyle::bar
                                    : ProgressStyle::plain;
  return c;
}

int run_scan(const std::vector<std::string>& args) {
  auto parsed = parse_scan_command("scan", args, {});
  if (const int* status = std::get_if<int>(&parsed)) return *status;
  ScanCommand& command = std::get<ScanCommand>(parsed);
  const bool quiet = command.quiet;
  auto lib = open_store(command.db, Library::Mode::read_write);
  if (!lib) return kExitFailed;

  // Ctrl-C or SIGTERM: finish the files in hand, commit, stop.
  catch_stop_signals(nullptr);
  ProgressDisplay display(command.style);
  command.options.progress = [&display](const ScanProgress& p) {
    display.update(p);
    return stop_signal() == 0;
  };
  const ScanSummary summary = lib->scan(command.roots, command.options);
  display.finish(summary, lib->path(), quiet);
  for (const Error& e : summary.warnings)
    std::fprintf(stderr, "trackprint: warning: %s\n", e.message().c_str());
  if (summary.store_error) {
    std::fprintf(stderr, "trackprint: store %s\n", summary.store_error->message().c_str());
    return kExitFailed;
  }
  if (summary.cancelled) {
    if (!quiet)
      std::fprintf(stderr, "interrupted: finished tracks are saved; scan again to continue\n");
    return kExitInterrupted;
  }
  return summary.failed > 0 ? kExitFailed : kExitOk;
}

int run_status(const std::vector<std::string>& args) {
  const auto common = common_options("status", args);
  if (!common) return kExitUsage;
  if (!common->rest.empty()) return usage("status: unknown argument " + common->rest[0]);
  auto lib = open_store(common->db, Library::Mode::read_only);
  if (!lib) return kExitFailed;
  const auto st = lib->status();
  if (!st.ok()) {
    std::fprintf(stderr, "trackprint: store %s\n", st.error().message().c_str());
    return kExitFailed;
  }
  const LibraryStatus& s = st.value();
  std::printf("store: %s (schema %d)\n", s.path.c_str(), s.schema_version);
  std::printf("tracks:   %lld\n", static_cast<long long>(s.tracks));
  std::printf("analysed: %lld\n", static_cast<long long>(s.analysed));
  std::printf("outdated: %lld (analysed by another version; a scan recomputes them)\n",
              static_cast<long long>(s.outdated));
  std::printf("pending:  %lld\n", static_cast<long long>(s.pending));
  std::string kinds;
  for (const auto& [kind, n] : s.failed_by_kind) {
    kinds += kinds.empty() ? " (" : ", ";
    kinds += std::string(to_string(kind)) + " " + std::to_string(n);
  }
  if (!kinds.empty()) kinds += ")";
  std::printf("failed:   %lld%s\n", static_cast<long long>(s.failed), kinds.c_str());
  std::printf("missing:  %lld\n", static_cast<long long>(s.missing));
  if (!s.failures.empty()) std::printf("failures:\n");
  for (const TrackRecord& t : s.failures) {
    std::printf("  %s: %s: %s\n", t.path.c_str(),
                std::string(to_string(t.error_kind.value_or(ErrorKind::internal))).c_str(),
                t.reason.c_str());
  }
  return kExitOk;
}

int run_show(const std::vector<std::string>& args) {
  const auto common = common_options("show", args);
  if (!common) return kExitUsage;
  bool json = false;
  std::vector<std::string> keys;
  for (const std::string& a : common->rest) {
    if (a == "--json") {
      json = true;
    } else if (a.size() > 1 && a[0] == '-') {
      return usage("show: unknown option " + a);
    } else {
      keys.push_back(a);
    }
  }
  if (keys.empty()) return usage("show: needs a PATH or an ID");
  auto lib = open_store(common->db, Library::Mode::read_only);
  if (!lib) return kExitFailed;
  int status = kExitOk;
  for (const std::string& key : keys) {
    const auto found = lib->get(key);
    if (!found.ok()) {
      std::fprintf(stderr, "trackprint: store %s\n", found.error().message().c_str());
      return kExitFailed;
    }
    if (!found.value()) {
      std::fprintf(stderr, "%s: not in the store\n", key.c_str());
      status = kExitFailed;
      continue;
    }
    const TrackRecord& t = *found.value();
    if (json) {
      std::printf("%s\n", record_json(t).c_str());
      continue;
    }
    std::printf("id %lld: %s\n  status: %s%s\n  size %lld bytes, mtime_ns %lld\n",
                static_cast<long long>(t.id), t.path.c_str(),
                std::string(to_string(t.status)).c_str(), t.outdated ? " (outdated)" : "",
                static_cast<long long>(t.size), static_cast<long long>(t.mtime_ns));
    if (t.error_kind) {
      std::printf("  error: %s: %s\n", std::string(to_string(*t.error_kind)).c_str(),
                  t.reason.c_str());
    }
    if (!t.analysed_at.empty()) {
      std::printf("  analysed %s in %.2f s by engine %s\n", t.analysed_at.c_str(), t.analysis_s,
                  t.engine_version.c_str());
    }
    if (t.fingerprint) print_fingerprint(stdout, Format::table, t.path, *t.fingerprint);
  }
  return status;
}

int run_export(const std::vector<std::string>& args) {
  const auto common = common_options("export", args);
  if (!common) return kExitUsage;
  std::string format;
  const auto& a = common->rest;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] == "--format" && i + 1 < a.size()) {
      format = a[++i];
    } else {
      return usage("export: unknown argument " + a[i]);
    }
  }
  if (format != "csv" && format != "jsonl") return usage("export: --format csv or jsonl");
  auto lib = open_store(common->db, Library::Mode::read_only);
  if (!lib) return kExitFailed;
  const auto tracks = lib->tracks();
  if (!tracks.ok()) {
    std::fprintf(stderr, "trackprint: store %s\n", tracks.error().message().c_str());
    return kExitFailed;
  }
  if (format == "jsonl") {
    for (const TrackRecord& t : tracks.value()) std::printf("%s\n", record_json(t).c_str());
    return kExitOk;
  }
  // Appended piece by piece: GCC 12 misreads `"," + std::string` (a -Wrestrict false alarm).
  std::string header = "id,path";
  for (const auto& d : kDimensions) {
    header += ',';
    header += d.name;
  }
  header +=
      ",duration_s,sample_rate,channels,codec,fingerprint_version,engine_version,"
      "analysed_at,size,mtime_ns\n";
  std::fputs(header.c_str(), stdout);
  for (const TrackRecord& t : tracks.value()) {
    const Fingerprint& fp = t.fingerprint.value();
    std::string line = std::to_string(t.id);
    const auto field = [&line](const std::string& value) {
      line += ',';
      line += value;
    };
    field(csv_field(t.path));
    for (const double v : fp.values) field(number_text(v));
    field(number_text(fp.duration_s));
    field(std::to_string(fp.sample_rate));
    field(std::to_string(fp.channels));
    field(csv_field(fp.codec));
    field(std::to_string(fp.version));
    field(csv_field(t.engine_version));
    field(t.analysed_at);
    field(std::to_string(t.size));
    field(std::to_string(t.mtime_ns));
    line += '\n';
    std::fputs(line.c_str(), stdout);
  }
  return kExitOk;
}

}  // namespace trackprint::cli
