#include "errors.hpp"

namespace nb = nanobind;

namespace trackprint::python {

nb::str text(std::string_view s) {
  PyObject* decoded = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
  if (decoded == nullptr) throw nb::python_error();
  return nb::steal<nb::str>(decoded);
}

nb::object path_text(const std::string& path) {
  if (path.empty()) return nb::none();
  return nb::module_::import_("os").attr("fsdecode")(nb::bytes(path.data(), path.size()));
}

std::string fs_path(nb::handle path) {
  const nb::bytes encoded(nb::module_::import_("os").attr("fsencode")(path));
  return {encoded.c_str(), encoded.size()};
}

nb::object error_object(ErrorKind kind, std::string_view reason, nb::handle path) {
  nb::object errors = nb::module_::import_("trackprint._errors");
  return errors.attr("error_class")(text(to_string(kind)))(text(reason), path);
}

nb::object error_object(const Error& error) {
  return error_object(error.kind, error.reason, path_text(error.path));
}

void raise(ErrorKind kind, std::string_view reason, nb::handle path) {
  nb::object exc = error_object(kind, reason, path);
  PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc.ptr())), exc.ptr());
  throw nb::python_error();
}

void raise(const Error& error) {
  raise(error.kind, error.reason, path_text(error.path));
}

void raise_invalid(std::string_view reason) {
  raise(ErrorKind::invalid_input, reason, nb::none());
}

}  // namespace trackprint::python
