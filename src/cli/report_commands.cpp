#include "cli/report_commands.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "report/track_page.hpp"
#include "trackprint/trace.hpp"

namespace trackprint::cli {
namespace {

namespace fs = std::filesystem;

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

int usage(const std::string& message) {
  std::fprintf(stderr, "trackprint: %s\n(see 'trackprint --help')\n", message.c_str());
  return kExitUsage;
}

bool ends_with_html(const std::string& path) {
  const std::string ext = fs::path(path).extension().string();
  return ext == ".html" || ext == ".htm";
}

// DIR/STEM.html, with -2, -3 ... when two tracks share a stem.
fs::path page_path(const fs::path& dir, const std::string& file, std::set<fs::path>& taken) {
  const std::string stem = fs::path(file).stem().string();
  fs::path out = dir / (stem + ".html");
  for (int n = 2; taken.count(out) > 0; ++n) out = dir / (stem + "-" + std::to_string(n) + ".html");
  taken.insert(out);
  return out;
}

bool write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  return static_cast<bool>(out);
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

std::optional<ReportOptions> parse_report_options(const std::vector<std::string>& args) {
  ReportOptions o;
  bool options_done = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const bool takes_value = a == "-o" || a == "--out" || a == "--db" || a == "--threads";
    if (!options_done && takes_value) {
      if (i + 1 >= args.size()) {
        usage("report: " + a + " needs a value");
        return std::nullopt;
      }
      const std::string& v = args[++i];
      if (a == "--db") {
        o.db = v;
      } else if (a == "--threads") {
        char* end = nullptr;
        const long n = std::strtol(v.c_str(), &end, 10);
        if (v.empty() || *end != '\0' || n < 1 || n > 256) {
          usage("report: --threads takes a number from 1 to 256");
          return std::nullopt;
        }
        o.threads = static_cast<int>(n);
      } else {
        o.out = v;
      }
    } else if (!options_done && a == "--") {
      options_done = true;
    } else if (!options_done && a.size() > 1 && a[0] == '-') {
      usage("report: unknown option " + a);
      return std::nullopt;
    } else {
      o.files.push_back(a);
    }
  }
  if (o.files.empty()) {
    usage("report: no FILE given");
    return std::nullopt;
  }
  if (ends_with_html(o.out) && o.files.size() > 1) {
    usage("report: -o " + o.out + " names one page, but " + std::to_string(o.files.size()) +
          " files were given: pass a directory");
    return std::nullopt;
  }
  return o;
}

int run_report(const std::vector<std::string>& args) {
  const std::optional<ReportOptions> o = parse_report_options(args);
  if (!o) return kExitUsage;
  const bool single_page = ends_with_html(o->out);
  const fs::path dir =
      single_page ? fs::path(o->out).parent_path() : fs::path(o->out.empty() ? "." : o->out);
  std::error_code ec;
  if (!dir.empty()) fs::create_directories(dir, ec);
  if (ec) {
    std::fprintf(stderr, "%s: cannot make the folder: %s\n", dir.string().c_str(),
                 ec.message().c_str());
    return kExitFailed;
  }
  int status = kExitOk;
  std::set<fs::path> taken;
  for (const std::string& file : o->files) {
    const auto t0 = std::chrono::steady_clock::now();
    Trace trace;
    const Result<Fingerprint> fp = analyze_file(file, AnalysisOptions{o->threads}, trace);
    if (!fp.ok()) {
      std::fprintf(stderr, "%s\n", fp.error().message().c_str());
      status = kExitFailed;
      continue;
    }
    const double analysis_s = seconds_since(t0);
    const auto t1 = std::chrono::steady_clock::now();
    report::TrackPageInput input{{fs::path(file).stem().string(), "", fs::absolute(file).string()},
                                 fp.value(),
                                 trace,
                                 std::nullopt};
    const std::string page = report::track_page(input);
    const fs::path out = single_page ? fs::path(o->out) : page_path(dir, file, taken);
    if (!write_file(out, page)) {
      std::fprintf(stderr, "%s: cannot write the page\n", out.string().c_str());
      status = kExitFailed;
      continue;
    }
    std::printf("%s: %s (%.0f KB; analysis %.2f s, page %.2f s)\n", file.c_str(),
                out.string().c_str(), static_cast<double>(page.size()) / 1024.0, analysis_s,
                seconds_since(t1));
  }
  return status;
}

}  // namespace trackprint::cli
