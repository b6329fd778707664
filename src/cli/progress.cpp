#include "cli/progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cmath>

#include "cli/output.hpp"

namespace trackprint::cli {
namespace {

// Off a terminal a line every few seconds is enough to show life in a log.
constexpr std::chrono::seconds kPlainInterval{5};
constexpr std::chrono::seconds kJsonInterval{1};

int terminal_width() {
  winsize ws{};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20) return ws.ws_col;
  return 80;
}

std::string duration_text(double s) {
  if (s < 0) return "--:--";
  const auto total = static_cast<long>(std::lround(s));
  char buf[32];
  if (total >= 3600) {
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", total / 3600, total / 60 % 60, total % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%ld:%02ld", total / 60, total % 60);
  }
  return buf;
}

}  // namespace

ProgressDisplay::ProgressDisplay(ProgressStyle style) : style_(style) {}

std::string ProgressDisplay::line_for(const ScanProgress& p, bool with_bar) const {
  char buf[160];
  if (p.phase == ScanProgress::Phase::walking) {
    std::snprintf(buf, sizeof buf, "walking: %lld audio files found",
                  static_cast<long long>(p.found));
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%lld/%lld  %.1f tracks/s  ETA %s  %lld failed",
                static_cast<long long>(p.done), static_cast<long long>(p.total), p.tracks_per_s,
                duration_text(p.eta_s).c_str(), static_cast<long long>(p.failed));
  std::string text = buf;
  if (!with_bar) return "scan: " + text;
  const int width = terminal_width() - static_cast<int>(text.size()) - 4;
  if (width < 10) return text.substr(0, static_cast<std::size_t>(terminal_width() - 1));
  const double fraction =
      p.total > 0 ? static_cast<double>(p.done) / static_cast<double>(p.total) : 1.0;
  const auto filled = static_cast<int>(fraction * std::min(width, 40));
  std::string bar = "[";
  for (int i = 0; i < std::min(width, 40); ++i) bar += i < filled ? '#' : '.';
  return bar + "] " + text;
}

void ProgressDisplay::clear_bar() {
  if (!bar_shown_) return;
  std::fputs("\r\033[K", stderr);
  bar_shown_ = false;
}

void ProgressDisplay::print_failures(const ScanProgress& p) {
  for (const Error& e : p.new_failures) {
    if (style_ == ProgressStyle::json) {
      Json event = {{"event", "failed"}};
      library::set_path(event, "path", e.path);
      event["kind"] = std::string(to_string(e.kind));
      event["reason"] = e.reason;
      print_json_line(stdout, event);
    } else {
      clear_bar();
      std::fprintf(stderr, "%s\n", e.message().c_str());
    }
  }
}

void ProgressDisplay::update(const ScanProgress& p) {
  print_failures(p);
  const auto now = std::chrono::steady_clock::now();
  switch (style_) {
    case ProgressStyle::none:
      break;
    case ProgressStyle::bar:
      std::fprintf(stderr, "\r%s\033[K", line_for(p, true).c_str());
      std::fflush(stderr);
      bar_shown_ = true;
      break;
    case ProgressStyle::plain:
      if (p.phase != ScanProgress::Phase::analysing || now - last_line_ < kPlainInterval) break;
      last_line_ = now;
      std::fprintf(stderr, "%s\n", line_for(p, false).c_str());
      break;
    case ProgressStyle::json:
      if (now - last_line_ < kJsonInterval) break;
      last_line_ = now;
      print_json_line(stdout,
                      {{"event", "progress"},
                       {"phase", p.phase == ScanProgress::Phase::walking ? "walking" : "analysing"},
                       {"found", p.found},
                       {"total", p.total},
                       {"done", p.done},
                       {"failed", p.failed},
                       {"tracks_per_s", p.tracks_per_s},
                       {"eta_s", p.eta_s < 0 ? Json() : Json(p.eta_s)}});
      std::fflush(stdout);
      break;
  }
}

void ProgressDisplay::finish(const ScanSummary& s, const std::string& store_path, bool quiet) {
  clear_bar();
  if (style_ == ProgressStyle::json) {
    Json event = {{"event", "done"},          {"found", s.found},
                  {"analysed", s.analysed},   {"from_sidecars", s.from_sidecars},
                  {"failed", s.failed},       {"unchanged", s.unchanged},
                  {"tags_read", s.tags_read}, {"missing", s.missing},
                  {"cancelled", s.cancelled}, {"seconds", s.seconds}};
    library::set_path(event, "store", store_path);
    print_json_line(stdout, event);
    std::fflush(stdout);
    return;
  }
  if (quiet) return;
  if (s.tags_read > 0) {
    std::printf("read the tags of %lld tracks analysed before the store kept tags\n",
                static_cast<long long>(s.tags_read));
  }
  std::printf(
      "%s %lld audio files in %.1f s: %lld analysed, %lld failed, %lld unchanged, "
      "%lld missing\nstore: %s\n",
      s.cancelled ? "interrupted after" : "scanned", static_cast<long long>(s.found), s.seconds,
      static_cast<long long>(s.analysed), static_cast<long long>(s.failed),
      static_cast<long long>(s.unchanged), static_cast<long long>(s.missing), store_path.c_str());
  std::fflush(stdout);
}

}  // namespace trackprint::cli
