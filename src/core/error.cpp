#include "trackprint/error.hpp"

namespace trackprint {

std::string_view to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::io:
      return "io";
    case ErrorKind::not_audio:
      return "not_audio";
    case ErrorKind::no_audio:
      return "no_audio";
    case ErrorKind::decode:
      return "decode";
    case ErrorKind::unsupported:
      return "unsupported";
    case ErrorKind::too_short:
      return "too_short";
    case ErrorKind::too_long:
      return "too_long";
    case ErrorKind::invalid_audio:
      return "invalid_audio";
    case ErrorKind::crashed:
      return "crashed";
    case ErrorKind::cancelled:
      return "cancelled";
    case ErrorKind::invalid_input:
      return "invalid_input";
    case ErrorKind::internal:
      return "internal";
  }
  return "unknown";
}

std::optional<ErrorKind> error_kind_named(std::string_view name) {
  for (const ErrorKind k : kErrorKinds) {
    if (to_string(k) == name) return k;
  }
  return std::nullopt;
}

std::string Error::message() const {
  return path.empty() ? reason : path + ": " + reason;
}

}  // namespace trackprint
