#include "library/inotify_tree.hpp"

#include <dirent.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <memory>

#include "library/walker.hpp"

namespace trackprint::library {
namespace {

constexpr std::uint32_t kMask = IN_CLOSE_WRITE | IN_MODIFY | IN_CREATE | IN_ATTRIB | IN_MOVED_FROM |
                                IN_MOVED_TO | IN_DELETE | IN_ONLYDIR | IN_DONT_FOLLOW;

struct DirCloser {
  void operator()(DIR* d) const { closedir(d); }
};

}  // namespace

std::optional<InotifyTree> InotifyTree::open(std::string& why) {
  const int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) {
    why = std::string("inotify is unavailable: ") + std::strerror(errno);
    return std::nullopt;
  }
  return InotifyTree(fd);
}

InotifyTree::InotifyTree(InotifyTree&& other) noexcept
    : fd_(other.fd_), paths_(std::move(other.paths_)), watches_(std::move(other.watches_)) {
  other.fd_ = -1;
}

InotifyTree& InotifyTree::operator=(InotifyTree&& other) noexcept {
  std::swap(fd_, other.fd_);
  std::swap(paths_, other.paths_);
  std::swap(watches_, other.watches_);
  return *this;
}

InotifyTree::~InotifyTree() {
  if (fd_ >= 0) close(fd_);
}

bool InotifyTree::add_tree(const std::string& dir, std::string& why) {
  const int wd = inotify_add_watch(fd_, dir.c_str(), kMask);
  if (wd < 0) {
    if (errno == ENOSPC) {
      why = "out of inotify watches (fs.inotify.max_user_watches) at " + dir;
      return false;
    }
    return true;  // gone meanwhile, unreadable, not a folder: nothing to watch
  }
  // The same folder reached twice (a symlink inside the tree) keeps one watch and one path.
  if (!paths_.emplace(wd, dir).second) return true;
  watches_[dir] = wd;
  std::unique_ptr<DIR, DirCloser> d(opendir(dir.c_str()));
  if (!d) return true;
  std::vector<std::string> children;
  while (const dirent* e = readdir(d.get())) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    const std::string child = dir == "/" ? dir + name : dir + "/" + name;
    struct stat st {};
    if (stat(child.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) children.push_back(child);
  }
  d.reset();
  for (const std::string& child : children) {
    if (!add_tree(child, why)) return false;
  }
  return true;
}

void InotifyTree::remove_tree(const std::string& dir) {
  for (auto it = watches_.begin(); it != watches_.end();) {
    if (is_under(it->first, dir)) {
      inotify_rm_watch(fd_, it->second);
      paths_.erase(it->second);
      it = watches_.erase(it);
    } else {
      ++it;
    }
  }
}

void InotifyTree::rename_tree(const std::string& from, const std::string& to) {
  std::vector<std::pair<std::string, int>> moved;
  for (auto it = watches_.begin(); it != watches_.end();) {
    if (is_under(it->first, from)) {
      moved.emplace_back(to + it->first.substr(from.size()), it->second);
      it = watches_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& [path, wd] : moved) {
    paths_[wd] = path;
    watches_[path] = wd;
  }
}

std::vector<InotifyTree::Event> InotifyTree::read() {
  std::vector<Event> out;
  alignas(inotify_event) std::array<char, 64 * 1024> buf;
  for (;;) {
    const ssize_t n = ::read(fd_, buf.data(), buf.size());
    if (n <= 0) break;  // EAGAIN: nothing more now
    for (ssize_t at = 0; at < n;) {
      const auto* e = reinterpret_cast<const inotify_event*>(buf.data() + at);
      at += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
      if ((e->mask & IN_Q_OVERFLOW) != 0) {
        out.push_back({Kind::overflow, {}, false, 0});
        continue;
      }
      if ((e->mask & IN_IGNORED) != 0) {
        // The folder is gone (or its watch removed): forget it.
        const auto it = paths_.find(e->wd);
        if (it != paths_.end()) {
          const auto w = watches_.find(it->second);
          if (w != watches_.end() && w->second == e->wd) watches_.erase(w);
          paths_.erase(it);
        }
        continue;
      }
      const auto dir = paths_.find(e->wd);
      if (dir == paths_.end() || e->len == 0) continue;
      const std::string path =
          (dir->second == "/" ? dir->second : dir->second + "/") + std::string(e->name);
      const bool is_dir = (e->mask & IN_ISDIR) != 0;
      const auto add = [&](Kind kind) { out.push_back({kind, path, is_dir, e->cookie}); };
      if ((e->mask & IN_CLOSE_WRITE) != 0) add(Kind::closed_written);
      if ((e->mask & IN_MODIFY) != 0) add(Kind::modified);
      if ((e->mask & IN_CREATE) != 0) add(Kind::created);
      if ((e->mask & IN_ATTRIB) != 0) add(Kind::attributes);
      if ((e->mask & IN_MOVED_FROM) != 0) add(Kind::moved_from);
      if ((e->mask & IN_MOVED_TO) != 0) add(Kind::moved_to);
      if ((e->mask & IN_DELETE) != 0) add(Kind::deleted);
    }
  }
  return out;
}

}  // namespace trackprint::library
