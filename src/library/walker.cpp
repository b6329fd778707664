#include "library/walker.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <string_view>
#include <utility>

namespace trackprint::library {
namespace {

constexpr std::array<std::string_view, 29> kAudioExtensions{
    "aac", "ac3",  "aif", "aifc", "aiff", "alac", "ape",  "au",  "caf", "dff",
    "dsf", "flac", "m4a", "m4b",  "mka",  "mp1",  "mp2",  "mp3", "mpc", "oga",
    "ogg", "opus", "spx", "tta",  "w64",  "wav",  "wave", "wma", "wv"};

struct DirCloser {
  void operator()(DIR* d) const { closedir(d); }
};

std::int64_t mtime_ns_of(const struct stat& st) {
  return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

class Walker {
 public:
  Walker(WalkResult& out, const std::function<bool(std::int64_t)>& keep_going)
      : out_(out), keep_going_(keep_going) {}

  bool root(const std::string& path) {
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) return report(path, std::strerror(errno));
    if (S_ISDIR(st.st_mode)) return directory(path, st);
    if (S_ISREG(st.st_mode)) return file(path, st);  // named explicitly: no extension needed
    return report(path, "neither a folder nor a regular file");
  }

 private:
  bool report(const std::string& path, std::string reason) {
    out_.errors.push_back(Error{ErrorKind::io, path, std::move(reason)});
    return true;
  }

  bool file(const std::string& path, const struct stat& st) {
    out_.files.push_back(FoundFile{path, static_cast<std::int64_t>(st.st_size), mtime_ns_of(st)});
    return keep_going_(static_cast<std::int64_t>(out_.files.size()));
  }

  bool directory(const std::string& path, const struct stat& st) {
    const auto key = std::make_pair(st.st_dev, st.st_ino);
    const auto [seen, inserted] = visited_.emplace(key, path);
    if (!inserted) {
      // A link back to an ancestor is a loop; a second link to a folder walked elsewhere only
      // repeats tracks already found under their first path.
      if (path.starts_with(seen->second + "/"))
        report(path, "symlink loop (leads back to " + seen->second + "); not followed");
      return true;
    }
    std::unique_ptr<DIR, DirCloser> dir(opendir(path.c_str()));
    if (!dir) {
      out_.unreadable_dirs.push_back(path);
      return report(path, std::string("cannot read folder: ") + std::strerror(errno));
    }
    std::vector<std::string> names;
    errno = 0;
    while (const dirent* e = readdir(dir.get())) {
      const std::string_view name = e->d_name;
      if (name != "." && name != "..") names.emplace_back(name);
    }
    if (errno != 0) {
      out_.unreadable_dirs.push_back(path);
      report(path, std::string("cannot read folder: ") + std::strerror(errno));
    }
    dir.reset();
    std::sort(names.begin(), names.end());
    const std::string prefix = path == "/" ? path : path + "/";
    for (const std::string& name : names) {
      const std::string child = prefix + name;
      struct stat cst {};
      if (stat(child.c_str(), &cst) != 0) {
        // Only worth a word when it would have been a track (a dangling link to a song).
        if (has_audio_extension(child)) report(child, std::strerror(errno));
        continue;
      }
      if (S_ISDIR(cst.st_mode)) {
        if (!directory(child, cst)) return false;
      } else if (S_ISREG(cst.st_mode) && has_audio_extension(child)) {
        if (!file(child, cst)) return false;
      }
    }
    return true;
  }

  WalkResult& out_;
  const std::function<bool(std::int64_t)>& keep_going_;
  std::map<std::pair<dev_t, ino_t>, std::string> visited_;
};

}  // namespace

std::string absolute_path(const std::string& path) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::absolute(path, ec);
  if (ec) p = path;
  std::string s = p.lexically_normal().string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

bool is_under(const std::string& path, const std::string& root) {
  if (!path.starts_with(root)) return false;
  return path.size() == root.size() || path[root.size()] == '/' || root == "/";
}

bool has_audio_extension(const std::string& path) {
  const std::size_t dot = path.rfind('.');
  if (dot == std::string::npos || path.find('/', dot) != std::string::npos) return false;
  std::string ext = path.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::find(kAudioExtensions.begin(), kAudioExtensions.end(), ext) != kAudioExtensions.end();
}

WalkResult walk(const std::vector<std::string>& absolute_roots,
                const std::function<bool(std::int64_t)>& keep_going) {
  WalkResult out;
  Walker walker(out, keep_going);
  for (const std::string& root : absolute_roots) {
    if (!walker.root(root)) break;
  }
  return out;
}

}  // namespace trackprint::library
