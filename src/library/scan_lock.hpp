// One scan per store at a time: a scan holds an exclusive flock() on `STORE-scan.lock` from its
// start to its end. A second scan of the same store (another process, or another Library in
// this one) is refused at once with "store busy", so no file is analysed or written twice;
// readers (status, show, export) never take it. The kernel drops the lock when the process
// dies, so a crashed scan never leaves the store locked.
#pragma once

#include <optional>
#include <string>

namespace trackprint::library {

class ScanLock {
 public:
  // Takes the lock of the store at `store_path`, or returns nullopt with `why` set.
  static std::optional<ScanLock> take(const std::string& store_path, std::string& why);
  ScanLock(ScanLock&& other) noexcept;
  ScanLock& operator=(ScanLock&&) = delete;
  ScanLock(const ScanLock&) = delete;
  ~ScanLock();

 private:
  explicit ScanLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace trackprint::library
