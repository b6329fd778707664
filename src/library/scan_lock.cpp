#include "library/scan_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace trackprint::library {

std::optional<ScanLock> ScanLock::take(const std::string& store_path, std::string& why) {
  const std::string path = store_path + "-scan.lock";
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) {
    why = "cannot create " + path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    // The holder's pid, written below, makes the message actionable.
    char pid[32] = {};
    const ssize_t n = pread(fd, pid, sizeof pid - 1, 0);
    close(fd);
    if (error == EWOULDBLOCK) {
      why = "store busy: another scan is using it";
      if (n > 0)
        why += std::string(" (process ") + std::string(pid, static_cast<std::size_t>(n)) + ")";
      why += "; wait for it to finish, or stop it";
    } else {
      why = "cannot lock " + path + ": " + std::strerror(error);
    }
    return std::nullopt;
  }
  char pid[32];
  const int len = std::snprintf(pid, sizeof pid, "%d", static_cast<int>(getpid()));
  if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, static_cast<std::size_t>(len), 0) != len) {
    // Only the message of a refused scan loses the pid; the lock itself holds.
  }
  return ScanLock(fd);
}

ScanLock::ScanLock(ScanLock&& other) noexcept : fd_(other.fd_) {
  other.fd_ = -1;
}

ScanLock::~ScanLock() {
  if (fd_ >= 0) close(fd_);  // closing the last descriptor drops the lock
}

}  // namespace trackprint::library
