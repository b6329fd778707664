// Tells the next scan whether the last one crashed or was killed. While a scan runs, a fatal
// signal (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT) first creates `STORE-crashed`, then goes on
// to the handler that was there before (the default, a sanitizer's, Python's faulthandler), so
// the process still dies as it would have. A SIGKILL or a power cut leaves no such file: the
// files in flight are then retried without being blamed (docs/store.md, Crashes).
#pragma once

#include <string>

namespace trackprint::library {

class CrashWitness {
 public:
  // Watches for the scan of the store at `store_path` (one scan per process at a time is
  // watched; a second one meanwhile is not, and its crashes count as kills).
  explicit CrashWitness(const std::string& store_path);
  ~CrashWitness();
  CrashWitness(const CrashWitness&) = delete;
  CrashWitness& operator=(const CrashWitness&) = delete;

  // Whether a scan of this store crashed since the last call; clears the mark.
  static bool take_mark(const std::string& store_path);

 private:
  bool installed_ = false;
};

}  // namespace trackprint::library
