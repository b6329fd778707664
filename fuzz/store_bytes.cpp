// Fuzz target: a store made of arbitrary bytes. Opened read-only it is queried (status, every
// track, one by id); opened for a scan it is scanned (an empty folder: the walk, the plan, the
// recovery of files left in flight). Every failure must be an Error; a file refused as not a
// trackprint store must be left byte for byte as it was.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "trackprint/library.hpp"

namespace {

std::vector<char> read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace trackprint;
  namespace fs = std::filesystem;
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("trackprint-fuzz-store-" + std::to_string(getpid()));
    fs::create_directories(d / "empty");
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(
          fs::temp_directory_path() / ("trackprint-fuzz-store-" + std::to_string(getpid())), ec);
    });
    return d;
  }();
  const std::string db = (dir / "store.db").string();
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(db + suffix);
  {
    std::ofstream out(db, std::ios::binary);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  {
    auto lib = Library::open(db, Library::Mode::read_only);
    if (lib.ok()) {
      (void)lib.value().status();
      (void)lib.value().tracks();
      (void)lib.value().get("1");
    }
  }
  const std::vector<char> before = read_all(db);
  auto lib = Library::open(db, Library::Mode::read_write);
  if (!lib.ok()) {
    if (read_all(db) != before) std::abort();  // a refused file must stay untouched
    return 0;
  }
  ScanOptions options;
  options.jobs = 1;
  (void)lib.value().scan({(dir / "empty").string()}, options);
  (void)lib.value().status();
  return 0;
}
