// The parts of the extension module defined outside module.cpp.
#pragma once

#include <nanobind/nanobind.h>

namespace trackprint::python {

// trackprint.Library and its result types (library.cpp).
void bind_library(nanobind::module_& m);
// trackprint._trackprint.ExtractionQueue and its result types (queue.cpp).
void bind_queue(nanobind::module_& m);
// trackprint.trace() and trackprint.Trace (trace.cpp).
void bind_trace(nanobind::module_& m);

}  // namespace trackprint::python
