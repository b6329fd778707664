// An analysis that Ctrl-C can stop: it runs on a thread of its own while the calling thread,
// without the GIL between polls, asks Python about pending signals 10 times a second. On Ctrl-C
// (KeyboardInterrupt, or any exception a signal handler raised) the analysis's cancel flag is
// set, it stops within a fraction of a second, and the exception is raised.
#pragma once

#include <nanobind/nanobind.h>

#include <atomic>
#include <chrono>
#include <future>
#include <utility>

#include "trackprint/trackprint.hpp"

namespace trackprint::python {

// `analyse(options)` with options.cancel pointing at a flag of its own; called with the GIL held.
template <class Analyse>
auto analyse_interruptibly(AnalysisOptions options, Analyse&& analyse) {
  std::atomic<bool> cancel{false};
  options.cancel = &cancel;
  auto running = std::async(std::launch::async, [&] { return analyse(options); });
  for (;;) {
    {
      nanobind::gil_scoped_release unlocked;
      if (running.wait_for(std::chrono::milliseconds(100)) == std::future_status::ready) break;
    }
    // Signals are only handled on the main thread; elsewhere this returns 0 and costs nothing.
    if (PyErr_CheckSignals() != 0) {
      cancel = true;
      {
        nanobind::gil_scoped_release unlocked;
        running.wait();
      }
      throw nanobind::python_error();
    }
  }
  return running.get();
}

}  // namespace trackprint::python
