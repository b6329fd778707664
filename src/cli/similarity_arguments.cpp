// The similarity commands' options, parsed the way main.cpp parses every command today. When
// the command line moves to CLI11 this file goes: each option below is one add_option on the
// same struct field, and run_similar / run_playlist / run_duplicates stay as they are.
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "cli/similarity_commands.hpp"

namespace trackprint::cli {
namespace {

constexpr int kExitUsage = 2;

int usage(const std::string& message) {
  std::fprintf(stderr, "trackprint: %s\n(see 'trackprint --help')\n", message.c_str());
  return kExitUsage;
}

std::optional<long> whole_number(const std::string& text, long min, long max) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return {};
  const long n = std::strtol(text.c_str(), nullptr, 10);
  if (n < min || n > max || text.size() > 9) return {};
  return n;
}

// Walks the arguments: `option(name, value)` takes an option (returning false when unknown),
// everything else is positional. Values follow their option as the next argument.
class Arguments {
 public:
  Arguments(std::string command, const std::vector<std::string>& args)
      : command_(std::move(command)), args_(args) {}

  std::optional<std::string> error;
  bool next(std::string& arg) {
    if (i_ >= args_.size()) return false;
    arg = args_[i_++];
    return true;
  }
  std::optional<std::string> value(const std::string& option) {
    if (i_ >= args_.size()) {
      error = command_ + ": " + option + " needs a value";
      return std::nullopt;
    }
    return args_[i_++];
  }
  std::optional<long> number(const std::string& option, long min, long max) {
    const auto text = value(option);
    if (!text) return std::nullopt;
    const auto n = whole_number(*text, min, max);
    if (!n) {
      error = command_ + ": " + option + " takes a whole number from " + std::to_string(min) +
              " to " + std::to_string(max);
    }
    return n;
  }
  const std::string& command() const { return command_; }

 private:
  std::string command_;
  const std::vector<std::string>& args_;
  std::size_t i_ = 0;
};

bool is_option(const std::string& a) {
  return a.size() > 1 && a[0] == '-';
}

}  // namespace

int similar_from_arguments(const std::vector<std::string>& args) {
  SimilarCommand c;
  Arguments a("similar", args);
  std::string arg;
  while (a.next(arg)) {
    if (arg == "--db") {
      if (auto v = a.value(arg)) c.db = *v;
    } else if (arg == "-n") {
      if (auto n = a.number(arg, 1, 10000)) c.n = static_cast<std::size_t>(*n);
    } else if (arg == "--metric") {
      if (auto v = a.value(arg)) c.metric = *v;
    } else if (arg == "--explain") {
      c.explain = true;
    } else if (arg == "--json") {
      c.json = true;
    } else if (arg == "--all") {
      c.all = true;
    } else if (is_option(arg)) {
      return usage("similar: unknown option " + arg);
    } else {
      c.seeds.push_back(arg);
    }
    if (a.error) return usage(*a.error);
  }
  if (c.all && !c.seeds.empty()) return usage("similar: --all takes no PATH or ID");
  if (!c.all && c.seeds.empty()) return usage("similar: needs a PATH or an ID (or --all)");
  return run_similar(c);
}

int playlist_from_arguments(const std::vector<std::string>& args) {
  PlaylistCommand c;
  Arguments a("playlist", args);
  std::string arg;
  while (a.next(arg)) {
    if (arg == "--db") {
      if (auto v = a.value(arg)) c.db = *v;
    } else if (arg == "-n") {
      if (auto n = a.number(arg, 1, 10000)) c.n = static_cast<std::size_t>(*n);
    } else if (arg == "--to") {
      if (auto v = a.value(arg)) c.to.push_back(*v);
    } else if (arg == "--metric") {
      if (auto v = a.value(arg)) c.metric = *v;
    } else if (arg == "--max-per-artist") {
      if (auto n = a.number(arg, 1, 10000)) c.max_per_artist = static_cast<int>(*n);
    } else if (arg == "--max-per-album") {
      if (auto n = a.number(arg, 1, 10000)) c.max_per_album = static_cast<int>(*n);
    } else if (arg == "--min-distance") {
      if (auto v = a.value(arg)) {
        char* end = nullptr;
        c.min_distance = std::strtod(v->c_str(), &end);
        if (v->empty() || *end != '\0' || !(c.min_distance >= 0))
          return usage("playlist: --min-distance takes a distance of 0 or more");
      }
    } else if (arg == "-o" || arg == "--output") {
      if (auto v = a.value(arg)) c.output = *v;
    } else if (arg == "--json") {
      c.json = true;
    } else if (is_option(arg)) {
      return usage("playlist: unknown option " + arg);
    } else {
      c.seeds.push_back(arg);
    }
    if (a.error) return usage(*a.error);
  }
  if (c.seeds.empty()) return usage("playlist: needs a SEED (a PATH or an ID)");
  if (c.json && !c.output.empty()) return usage("playlist: -o writes M3U8; --json prints JSON");
  return run_playlist(c);
}

int duplicates_from_arguments(const std::vector<std::string>& args) {
  DuplicatesCommand c;
  Arguments a("duplicates", args);
  std::string arg;
  while (a.next(arg)) {
    if (arg == "--db") {
      if (auto v = a.value(arg)) c.db = *v;
    } else if (arg == "--json") {
      c.json = true;
    } else {
      return usage("duplicates: unknown argument " + arg);
    }
    if (a.error) return usage(*a.error);
  }
  return run_duplicates(c);
}

}  // namespace trackprint::cli
