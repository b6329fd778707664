// The commands on audio files, without a store: analyze, decode, dimensions.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "analysis/signal_builder.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/output.hpp"
#include "cli/stop_signals.hpp"
#include "trackprint/trackprint.hpp"

namespace trackprint::cli {
namespace {

struct AnalyzeOptions {
  Format format = Format::table;
  AnalysisOptions analysis;
  int jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::string> files;
};

int run_analyze(AnalyzeOptions o) {
  const std::vector<std::string>& files = o.files;
  // Ctrl-C stops the files in hand within a fraction of a second (and the rest at once); what
  // finished before is printed. A second Ctrl-C kills.
  catch_stop_signals(nullptr);
  o.analysis.cancel = &stop_requested();
  // Up to `jobs` files are analysed at once; results are printed in the order the files were
  // given, each as soon as it and all before it are done, so the output never depends on jobs.
  std::vector<std::optional<Result<Fingerprint>>> results(files.size());
  std::mutex mutex;
  std::condition_variable done;
  std::atomic<std::size_t> next{0};
  std::vector<std::jthread> workers;
  for (int w = 0; w < std::min<int>(o.jobs, static_cast<int>(files.size())); ++w) {
    workers.emplace_back([&] {
      for (std::size_t i = next++; i < files.size(); i = next++) {
        auto result = analyze_file(files[i], o.analysis);
        const std::lock_guard lock(mutex);
        results[i].emplace(std::move(result));
        done.notify_all();
      }
    });
  }

  if (o.format == Format::csv) print_csv_header(stdout);
  int status = kExitOk;
  bool first = true;
  for (std::size_t i = 0; i < files.size(); ++i) {
    std::unique_lock lock(mutex);
    done.wait(lock, [&] { return results[i].has_value(); });
    const auto result = std::move(*results[i]);
    results[i].reset();
    lock.unlock();
    if (!result.ok() && result.error().kind == ErrorKind::cancelled) {
      std::fflush(stdout);
      std::fprintf(stderr, "trackprint: interrupted\n");
      return kExitInterrupted;  // the workers stop at once: each file left is cancelled
    }
    if (!result.ok()) {
      std::fflush(stdout);
      std::fprintf(stderr, "%s\n", result.error().message().c_str());
      status = kExitFailed;
      continue;
    }
    if (o.format == Format::table && !first) std::fputc('\n', stdout);
    first = false;
    print_fingerprint(stdout, o.format, files[i], result.value());
  }
  return status;
}

void add_analyze(CLI::App& app, int& exit_status) {
  auto o = std::make_shared<AnalyzeOptions>();
  CLI::App* cmd = app.add_subcommand("analyze", "Print the 25-dimension fingerprint of each file");
  cmd->footer(
      "Prints the fingerprint (v1) of each FILE: a table, JSON Lines (one object per file) or\n"
      "CSV (a header row, one row per file). A file that fails is reported on stderr as\n"
      "'FILE: reason' and the others are still analysed. Results come in the order the files\n"
      "were given and are byte-identical for any --jobs and --threads.\n"
      "Accepted input: 1 to 64 channels, 1000 to 768000 Hz, at most --max-duration seconds;\n"
      "other files fail with a reason (docs/limits.md).\n"
      "Ctrl-C stops within about a second (a second Ctrl-C kills).\n"
      "Exit status: 0 all files analysed, 1 some file failed, 2 bad usage, 130 interrupted.");
  CLI::Option* json = cmd->add_flag_callback(
      "--json", [o] { o->format = Format::json; }, "one JSON object per file (JSON Lines)");
  cmd->add_flag_callback(
         "--csv", [o] { o->format = Format::csv; }, "a CSV header, a row per file")
      ->excludes(json);
  cmd->add_option("-j,--jobs", o->jobs, "files analysed at once, 1 to 256 (default: one per core)")
      ->transform(whole_number(1, 256))
      ->type_name("N");
  cmd->add_option("--threads", o->analysis.threads,
                  "threads inside each track, 1 to 256 (default 1)")
      ->transform(whole_number(1, 256))
      ->type_name("N");
  add_max_duration_option(*cmd, o->analysis.max_duration_s);
  cmd->add_option("FILE", o->files, "audio files")->required();
  cmd->callback([o, &exit_status] { exit_status = run_analyze(*o); });
}

struct DecodeOptions {
  int channel = -1;  // the mono mix
  std::string file;
  std::string out;
};

int run_decode(const DecodeOptions& o) {
  try {
    const auto track = analysis::stream_file(o.file, /*keep_stereo_channels=*/true);
    if (o.channel >= 0 && track.info.channels < 2) {
      std::fprintf(stderr, "%s: is mono: the analysis has no channel %d\n", o.file.c_str(),
                   o.channel);
      return kExitFailed;
    }
    const std::vector<float>& out = o.channel < 0    ? track.signal.y()
                                    : o.channel == 0 ? track.signal.left()
                                                     : track.signal.right();
    std::FILE* f = std::fopen(o.out.c_str(), "wb");
    const bool written =
        f != nullptr && std::fwrite(out.data(), sizeof(float), out.size(), f) == out.size();
    if (f == nullptr || std::fclose(f) != 0 || !written) {
      std::fprintf(stderr, "%s: cannot write: %s\n", o.out.c_str(), std::strerror(errno));
      return kExitFailed;
    }
  } catch (const Failure& e) {
    std::fprintf(stderr, "%s: %s\n", o.file.c_str(), e.reason().c_str());
    return kExitFailed;
  }
  return kExitOk;
}

void add_decode(CLI::App& app, int& exit_status) {
  auto o = std::make_shared<DecodeOptions>();
  CLI::App* cmd = app.add_subcommand("decode", "Write the analysis signal as raw float32");
  cmd->footer(
      "Writes the signal the analysis reads (22050 Hz; the mono mix, or channel N) as raw\n"
      "little-endian float32 to OUT.");
  cmd->add_option("--channel", o->channel, "0 (left) or 1 (right) instead of the mono mix")
      ->transform(whole_number(0, 1))
      ->type_name("N");
  cmd->add_option("FILE", o->file, "the audio file")->required();
  cmd->add_option("OUT", o->out, "the raw output file")->required();
  cmd->callback([o, &exit_status] { exit_status = run_decode(*o); });
}

int run_dimensions(bool json) {
  if (json) {
    // The table as data, so tools (the fidelity harness, other languages) need no copy of it:
    // an array with one dimension per line, as it has always been laid out.
    std::string text = "[";
    for (const auto& d : kDimensions) {
      const Json dimension = {
          {"name", d.name},
          {"family", d.family},
          {"unit", d.unit},
          {"min", d.min},
          {"max", d.max},
          {"tolerance",
           d.tolerance_kind == ToleranceKind::one_frame ? Json("one_frame") : Json(d.tolerance)},
          {"decision_based", d.decision_based}};
      text += text.size() > 1 ? ",\n" : "\n";
      text += library::json_text(dimension);
    }
    std::printf("%s\n]\n", text.c_str());
    return kExitOk;
  }
  std::printf("%-3s %-24s %-10s %-15s %s\n", "#", "name", "family", "unit", "range");
  int i = 1;
  for (const auto& d : kDimensions) {
    std::printf("%-3d %-24.*s %-10.*s %-15.*s %g..%g\n", i++, static_cast<int>(d.name.size()),
                d.name.data(), static_cast<int>(d.family.size()), d.family.data(),
                static_cast<int>(d.unit.size()), d.unit.data(), d.min, d.max);
  }
  return kExitOk;
}

void add_dimensions(CLI::App& app, int& exit_status) {
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("dimensions", "List the 25 dimensions of the fingerprint");
  cmd->footer(
      "Lists the 25 dimensions: name, family, unit, range (and, with --json, the tolerance\n"
      "against the reference oracle).");
  cmd->add_flag("--json", *json, "as a JSON array, with the tolerances");
  cmd->callback([json, &exit_status] { exit_status = run_dimensions(*json); });
}

}  // namespace

void add_track_commands(CLI::App& app, int& exit_status) {
  add_analyze(app, exit_status);
  add_decode(app, exit_status);
  add_dimensions(app, exit_status);
}

}  // namespace trackprint::cli
