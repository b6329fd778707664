// Failures are values: a kind a program can branch on, the file, and a reason a person can read.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "trackprint/export.hpp"

namespace trackprint {

enum class ErrorKind {
  io,             // the file cannot be opened or read
  not_audio,      // not a container FFmpeg recognises, or empty
  no_audio,       // a container without an audio stream
  decode,         // the audio stream cannot be decoded (corrupt, truncated before any audio)
  unsupported,    // a codec or layout this build cannot handle
  too_short,      // under 0.5 s of analysis signal (spec §1.4)
  too_long,       // longer than the duration limit (AnalysisOptions::max_duration_s)
  invalid_audio,  // the decoded samples are unusable: NaN, infinity, or so large they overflow
  invalid_input,  // arguments handed to the API are unusable (wrong shape, bad rate, threads)
  crashed,        // the analysis killed the process twice (recorded by a library scan)
  cancelled,      // the caller asked the analysis to stop (AnalysisOptions::cancel); not stored
  internal,       // a defect in trackprint itself; reported, never a crash
};

// Every kind, in declaration order (for readers of stored kinds and for tests).
inline constexpr ErrorKind kErrorKinds[] = {
    ErrorKind::io,       ErrorKind::not_audio,     ErrorKind::no_audio,
    ErrorKind::decode,   ErrorKind::unsupported,   ErrorKind::too_short,
    ErrorKind::too_long, ErrorKind::invalid_audio, ErrorKind::invalid_input,
    ErrorKind::crashed,  ErrorKind::cancelled,     ErrorKind::internal};

TRACKPRINT_API std::string_view to_string(ErrorKind kind);
// The kind whose to_string() is `name`, if any (for kinds read back from a store or a file).
TRACKPRINT_API std::optional<ErrorKind> error_kind_named(std::string_view name);

struct TRACKPRINT_API Error {
  ErrorKind kind;
  std::string path;  // empty when the input was samples, not a file
  std::string reason;

  // "path: reason" (or just the reason), the line a CLI prints.
  std::string message() const;
};

// Thrown inside the engine; the public entry points turn it into a Result.
class TRACKPRINT_API Failure : public std::runtime_error {
 public:
  Failure(ErrorKind kind, std::string reason)
      : std::runtime_error(reason), kind_(kind), reason_(std::move(reason)) {}
  ErrorKind kind() const { return kind_; }
  const std::string& reason() const { return reason_; }

 private:
  ErrorKind kind_;
  std::string reason_;
};

template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT
  bool ok() const { return std::holds_alternative<T>(v_); }
  const T& value() const { return std::get<T>(v_); }
  T& value() { return std::get<T>(v_); }
  const Error& error() const { return std::get<Error>(v_); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace trackprint
