#include "cli/stop_signals.hpp"

#include <atomic>
#include <csignal>

#include "trackprint/library.hpp"

namespace trackprint::cli {
namespace {

std::atomic<int> g_signal{0};
std::atomic<bool> g_requested{false};
std::atomic<StopSignal*> g_stop{nullptr};
static_assert(std::atomic<int>::is_always_lock_free, "set from a signal handler");
static_assert(std::atomic<StopSignal*>::is_always_lock_free, "read from a signal handler");

extern "C" void on_stop_signal(int signal) {
  g_signal.store(signal);
  g_requested.store(true);
  if (StopSignal* stop = g_stop.load()) stop->request();  // an eventfd write: signal-safe
}

}  // namespace

void catch_stop_signals(StopSignal* stop) {
  g_stop.store(stop);
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  action.sa_flags = SA_RESETHAND;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int stop_signal() {
  return g_signal.load();
}

const std::atomic<bool>& stop_requested() {
  return g_requested;
}

}  // namespace trackprint::cli
