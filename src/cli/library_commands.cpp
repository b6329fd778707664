// The commands on the library's store: scan, status, show, export (docs/store.md); watch is
// in watch_commands.cpp.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <optional>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/output.hpp"
#include "cli/progress.hpp"
#include "cli/stop_signals.hpp"
#include "cli/tags_output.hpp"
#include "trackprint/library.hpp"
#include "trackprint/trackprint.hpp"

namespace trackprint::cli {
namespace {

Json record_json(const TrackRecord& t) {
  Json object = {{"id", t.id}};
  library::set_path(object, "path", t.path);
  object["size"] = t.size;
  object["mtime_ns"] = t.mtime_ns;
  object["status"] = std::string(to_string(t.status));
  add_tag_fields(object, t.tags);
  if (t.error_kind) {
    object["error_kind"] = std::string(to_string(*t.error_kind));
    object["reason"] = t.reason;
  }
  if (t.fingerprint) {
    add_fingerprint_fields(object, *t.fingerprint);
    object["fingerprint_version"] = t.fingerprint->version;
    object["outdated"] = t.outdated;
  }
  object["engine_version"] = t.engine_version;
  object["analysed_at"] = t.analysed_at;
  object["analysis_s"] = t.analysis_s;
  return object;
}

int run_scan(ScanCommand& c) {
  auto lib = open_store(c.db, Library::Mode::read_write);
  if (!lib) return kExitFailed;

  // Ctrl-C or SIGTERM: finish the files in hand, commit, stop.
  catch_stop_signals(nullptr);
  ProgressDisplay display(progress_style(c));
  c.options.progress = [&display](const ScanProgress& p) {
    display.update(p);
    return stop_signal() == 0;
  };
  const ScanSummary summary = lib->scan(c.roots, c.options);
  display.finish(summary, lib->path(), c.quiet);
  for (const Error& e : summary.warnings)
    std::fprintf(stderr, "trackprint: warning: %s\n", e.message().c_str());
  if (summary.store_error) {
    std::fprintf(stderr, "trackprint: store %s\n", summary.store_error->message().c_str());
    return kExitFailed;
  }
  if (summary.cancelled) {
    if (!c.quiet)
      std::fprintf(stderr, "interrupted: finished tracks are saved; scan again to continue\n");
    return kExitInterrupted;
  }
  return summary.failed > 0 ? kExitFailed : kExitOk;
}

void add_scan(CLI::App& app, int& exit_status) {
  auto c = std::make_shared<ScanCommand>();
  CLI::App* cmd =
      app.add_subcommand("scan", "Fingerprint every audio file under DIR into the store");
  cmd->footer(
      "Unchanged files (same path, size, mtime, versions) are skipped; failures are recorded\n"
      "with their reason and retried when the file changes or with --retry-failed; files gone\n"
      "are marked missing (--prune: deleted). --sidecars reads and writes FILE.25d fingerprints\n"
      "(JSON) next to the audio, trusted only when size, mtime and versions match. Ctrl-C stops\n"
      "after saving finished tracks; scan again to continue.\n"
      "One scan of a store at a time: a second exits with 'store busy'. A file whose analysis\n"
      "crashes trackprint is retried alone by the next scan, then recorded as failed (kind\n"
      "crashed). Files outside the limits of docs/limits.md fail with their reason.\n"
      "Exit status: 0, 1 if a file failed, 2 bad usage, 130 when interrupted.");
  add_scan_options(*cmd, *c);
  cmd->callback([c, &exit_status] { exit_status = run_scan(*c); });
}

struct StatusCommand {
  std::string db;
  bool json = false;
};

Json status_json(const LibraryStatus& s) {
  Json object = Json::object();
  library::set_path(object, "store", s.path);
  object["schema_version"] = s.schema_version;
  object["tracks"] = s.tracks;
  object["analysed"] = s.analysed;
  object["outdated"] = s.outdated;
  object["pending"] = s.pending;
  object["failed"] = s.failed;
  Json kinds = Json::object();
  for (const auto& [kind, n] : s.failed_by_kind) kinds[std::string(to_string(kind))] = n;
  object["failed_by_kind"] = kinds;
  object["missing"] = s.missing;
  Json in_flight = Json::array();
  for (const std::string& path : s.in_flight) {
    Json entry = Json::object();
    library::set_path(entry, "path", path);
    in_flight.push_back(entry);
  }
  object["in_flight"] = in_flight;
  Json failures = Json::array();
  for (const TrackRecord& t : s.failures) failures.push_back(record_json(t));
  object["failures"] = failures;
  return object;
}

int run_status(const StatusCommand& c) {
  auto lib = open_store(c.db, Library::Mode::read_only);
  if (!lib) return kExitFailed;
  const auto st = lib->status();
  if (!st.ok()) {
    std::fprintf(stderr, "trackprint: store %s\n", st.error().message().c_str());
    return kExitFailed;
  }
  const LibraryStatus& s = st.value();
  if (c.json) {
    print_json_line(stdout, status_json(s));
    return kExitOk;
  }
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
  if (!s.in_flight.empty()) {
    std::printf(
        "in flight: %zu (being analysed, or left by a scan that stopped; the next scan\n"
        "           retries each alone)\n",
        s.in_flight.size());
    for (const std::string& path : s.in_flight) std::printf("  %s\n", path.c_str());
  }
  if (!s.failures.empty()) std::printf("failures:\n");
  for (const TrackRecord& t : s.failures) {
    std::printf("  %s: %s: %s\n", t.path.c_str(),
                std::string(to_string(t.error_kind.value_or(ErrorKind::internal))).c_str(),
                t.reason.c_str());
  }
  return kExitOk;
}

void add_status(CLI::App& app, int& exit_status) {
  auto c = std::make_shared<StatusCommand>();
  CLI::App* cmd = app.add_subcommand("status", "Count the store's tracks and list the failures");
  cmd->footer(
      "Counts (analysed, outdated, pending, failed by kind, missing), the files in flight\n"
      "(being analysed, or left by a scan that stopped) and the failures; --json prints them\n"
      "as one JSON object (docs/store.md).");
  add_store_option(*cmd, c->db);
  cmd->add_flag("--json", c->json, "as one JSON object");
  cmd->callback([c, &exit_status] { exit_status = run_status(*c); });
}

struct ShowCommand {
  std::string db;
  bool json = false;
  std::vector<std::string> keys;
};

int run_show(const ShowCommand& c) {
  auto lib = open_store(c.db, Library::Mode::read_only);
  if (!lib) return kExitFailed;
  int status = kExitOk;
  for (const std::string& key : c.keys) {
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
    if (c.json) {
      print_json_line(stdout, record_json(t));
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
    for (std::size_t i = 0; i < kTagNames.size(); ++i) {
      if (const auto text = tag_text(t.tags, i)) {
        std::printf("  %.*s: %s\n", static_cast<int>(kTagNames[i].size()), kTagNames[i].data(),
                    text->c_str());
      }
    }
    if (t.fingerprint) print_fingerprint(stdout, Format::table, t.path, *t.fingerprint);
  }
  return status;
}

void add_show(CLI::App& app, int& exit_status) {
  auto c = std::make_shared<ShowCommand>();
  CLI::App* cmd = app.add_subcommand("show", "Print tracks of the store, by path or id");
  cmd->footer("One track of the store per KEY: identity, status, reason or fingerprint.");
  add_store_option(*cmd, c->db);
  cmd->add_flag("--json", c->json, "one JSON object per track");
  cmd->add_option("KEY", c->keys, "a track's path, or its id")->required();
  cmd->callback([c, &exit_status] { exit_status = run_show(*c); });
}

struct ExportCommand {
  std::string db;
  std::string format;
  std::string out;  // --format parquet: the dataset's folder
};

int run_export(const ExportCommand& c) {
  if (c.format == "parquet") return run_parquet_export(c.db, c.out);
  auto lib = open_store(c.db, Library::Mode::read_only);
  if (!lib) return kExitFailed;
  const auto tracks = lib->tracks();
  if (!tracks.ok()) {
    std::fprintf(stderr, "trackprint: store %s\n", tracks.error().message().c_str());
    return kExitFailed;
  }
  if (c.format == "jsonl") {
    for (const TrackRecord& t : tracks.value()) print_json_line(stdout, record_json(t));
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
      "analysed_at,size,mtime_ns";
  for (const std::string_view name : kTagNames) {
    header += ',';
    header += name;
  }
  header += '\n';
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
    for (std::size_t i = 0; i < kTagNames.size(); ++i)
      field(csv_field(tag_text(t.tags, i).value_or("")));
    line += '\n';
    std::fputs(line.c_str(), stdout);
  }
  return kExitOk;
}

void add_export(CLI::App& app, int& exit_status) {
  auto c = std::make_shared<ExportCommand>();
  CLI::App* cmd = app.add_subcommand("export", "Print every analysed track with its fingerprint");
  cmd->footer(
      "Every analysed track with its fingerprint (columns and keys: the spec's names).\n"
      "parquet writes the analysed and failed tracks as a Parquet dataset in --out DIR; it needs\n"
      "Python 3 with the trackprint module and pyarrow ($TRACKPRINT_PYTHON, default python3).");
  add_store_option(*cmd, c->db);
  cmd->add_option("--format", c->format, "csv, jsonl or parquet")
      ->required()
      ->check(CLI::IsMember({"csv", "jsonl", "parquet"}))
      ->type_name("FORMAT");
  CLI::Option* out = cmd->add_option("--out", c->out, "the Parquet dataset's folder")
                         ->check(not_an_option())
                         ->type_name("DIR");
  cmd->callback([c, out, &exit_status] {
    if (c->format == "parquet" && c->out.empty())
      throw CLI::RequiredError("--out (for --format parquet)");
    if (c->format != "parquet" && out->count() > 0)
      throw CLI::ValidationError("--out", "is for --format parquet");
    exit_status = run_export(*c);
  });
}

}  // namespace

void add_library_commands(CLI::App& app, int& exit_status) {
  add_scan(app, exit_status);
  add_status(app, exit_status);
  add_show(app, exit_status);
  add_export(app, exit_status);
}

}  // namespace trackprint::cli
