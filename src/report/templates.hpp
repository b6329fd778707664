// The files of src/report/templates (page templates, their style sheet and script), embedded in
// the binary at build time by embed_templates.cmake: a page never reads or fetches anything.
#pragma once

#include <string_view>

namespace trackprint::report {

// The whole text of the template file `name` (e.g. "track.html"); throws std::logic_error for a
// name that was not embedded (a defect).
std::string_view embedded_file(std::string_view name);

}  // namespace trackprint::report
