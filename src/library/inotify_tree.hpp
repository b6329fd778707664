// The folders under a watch's roots as inotify watches (Linux): every folder is watched for
// files written and closed, created, changed in their attributes, moved in or out and deleted,
// and the events come back with their full paths. Folders created or moved in are added by the
// caller (add_tree); a folder renamed inside the tree keeps its watches under its new path.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace trackprint::library {

class InotifyTree {
 public:
  enum class Kind {
    closed_written,  // a file opened for writing was closed
    modified,        // a file was written to (it may still be open)
    created,         // a file or folder was made
    attributes,      // a file's mtime (or mode, owner) changed
    moved_from,      // renamed away from `path`; `cookie` pairs it with its moved_to
    moved_to,        // renamed to `path`
    deleted,         // a file or folder was removed
    overflow,        // the kernel dropped events: what changed is unknown
  };
  struct Event {
    Kind kind;
    std::string path;
    bool dir = false;
    std::uint32_t cookie = 0;
  };

  // nullopt with `why` when inotify cannot be used.
  static std::optional<InotifyTree> open(std::string& why);
  InotifyTree(InotifyTree&& other) noexcept;
  InotifyTree& operator=(InotifyTree&& other) noexcept;
  InotifyTree(const InotifyTree&) = delete;
  ~InotifyTree();

  // Watches `dir` and every folder under it. False with `why` when the system's watches ran out
  // (ENOSPC: fs.inotify.max_user_watches); a folder that cannot be read is skipped.
  bool add_tree(const std::string& dir, std::string& why);
  // Stops watching `dir` and every folder under it (moved out of the tree).
  void remove_tree(const std::string& dir);
  // `from` was renamed `to`: its watches report the new paths.
  void rename_tree(const std::string& from, const std::string& to);

  int fd() const { return fd_; }
  // The events ready now; never blocks.
  std::vector<Event> read();

 private:
  explicit InotifyTree(int fd) : fd_(fd) {}
  int fd_;
  std::unordered_map<int, std::string> paths_;  // watch descriptor -> folder
  std::unordered_map<std::string, int> watches_;
};

}  // namespace trackprint::library
