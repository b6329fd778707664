// Engine failures as Python exceptions: the trackprint.Error subclasses of
// src/python/trackprint/_errors.py, one per ErrorKind, with kind, path and reason.
#pragma once

#include <nanobind/nanobind.h>

#include <string>
#include <string_view>

#include "trackprint/error.hpp"

namespace trackprint::python {

// A Python str from engine text (FFmpeg's messages, paths), never failing on bad UTF-8.
nanobind::str text(std::string_view s);

// A path the engine reports, as Python spells file names (os.fsdecode of its bytes).
nanobind::object path_text(const std::string& path);
// The other way: any path Python can name (str, bytes, PathLike) as the file system's bytes.
std::string fs_path(nanobind::handle path);

// The exception object for `kind` (not raised). `path` is a str or None.
nanobind::object error_object(ErrorKind kind, std::string_view reason, nanobind::handle path);
nanobind::object error_object(const Error& error);

// Raises the trackprint.Error subclass of `kind`.
[[noreturn]] void raise(ErrorKind kind, std::string_view reason, nanobind::handle path);
[[noreturn]] void raise(const Error& error);
[[noreturn]] void raise_invalid(std::string_view reason);

}  // namespace trackprint::python
