// A page is one of the embedded templates with its {{slots}} filled: the shared style sheet and
// script, the page's title, and its data as JSON inside a <script type="application/json">.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace trackprint::report {

using Slot = std::pair<std::string_view, std::string_view>;

// The embedded template `name` with every {{slot}} replaced by its text (HTML-escaped for
// "title", taken as is otherwise) and {{common_style}} / {{common_script}} by common.css and
// common.js. A slot the template names but `slots` lacks is a defect (std::logic_error).
std::string filled_page(std::string_view name, std::initializer_list<Slot> slots);

// JSON text made safe inside a <script> element: "</" cannot close it, U+2028/9 are escaped.
std::string script_safe(std::string json);

}  // namespace trackprint::report
