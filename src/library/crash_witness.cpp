#include "library/crash_witness.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstring>

namespace trackprint::library {
namespace {

constexpr std::array<int, 5> kFatalSignals{SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

// What the handler may touch: fixed storage, set before the handlers are installed.
std::atomic<bool> g_watching{false};
char g_mark_path[4096];
struct sigaction g_previous[kFatalSignals.size()];

std::string mark_path(const std::string& store_path) {
  return store_path + "-crashed";
}

extern "C" void on_fatal_signal(int signal) {
  // Only async-signal-safe calls: open, close, sigaction.
  const int fd = open(g_mark_path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd >= 0) close(fd);
  for (std::size_t i = 0; i < kFatalSignals.size(); ++i) {
    if (kFatalSignals[i] == signal) sigaction(signal, &g_previous[i], nullptr);
  }
  // Returning re-runs the faulting instruction (or abort() raises again) under the previous
  // handler, which then does what it would have done without us.
}

}  // namespace

CrashWitness::CrashWitness(const std::string& store_path) {
  bool expected = false;
  const std::string path = mark_path(store_path);
  if (path.size() >= sizeof g_mark_path) return;
  if (!g_watching.compare_exchange_strong(expected, true)) return;
  std::memcpy(g_mark_path, path.c_str(), path.size() + 1);
  struct sigaction action {};
  action.sa_handler = on_fatal_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_NODEFER;
  for (std::size_t i = 0; i < kFatalSignals.size(); ++i)
    sigaction(kFatalSignals[i], &action, &g_previous[i]);
  installed_ = true;
}

CrashWitness::~CrashWitness() {
  if (!installed_) return;
  for (std::size_t i = 0; i < kFatalSignals.size(); ++i)
    sigaction(kFatalSignals[i], &g_previous[i], nullptr);
  g_watching = false;
}

bool CrashWitness::take_mark(const std::string& store_path) {
  return std::remove(mark_path(store_path).c_str()) == 0;
}

}  // namespace trackprint::library
