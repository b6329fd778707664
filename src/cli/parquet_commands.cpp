#include "cli/parquet_commands.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "trackprint/library.hpp"
#include "trackprint/trackprint.hpp"

namespace trackprint::cli {
namespace {

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

// Run by the Python interpreter: names what is missing instead of a traceback, and warns when
// the module is another build than this CLI (the rows it writes carry its engine's versions).
constexpr const char* kBootstrap = R"py(import os, sys
command = sys.argv[1]
try:
    import trackprint
except ImportError:
    sys.exit(f"trackprint: {command} needs the trackprint Python module, which {sys.executable} "
             "cannot import: pip install '.[parquet]' in a checkout (docs/python.md), or set "
             "TRACKPRINT_PYTHON to a Python that has it")
try:
    import pyarrow
except ImportError:
    sys.exit(f"trackprint: {command} needs pyarrow, which {sys.executable} cannot import: "
             "pip install 'pyarrow==26.0.1' (or trackprint[parquet])")
import trackprint.parquet
cli = os.environ.get("TRACKPRINT_CLI_VERSION")
if cli and cli != trackprint.__version__:
    print(f"trackprint: warning: the Python module is trackprint {trackprint.__version__}, "
          f"this command trackprint {cli}", file=sys.stderr)
sys.exit(trackprint.parquet.main(sys.argv[1:]))
)py";

// Replaces this process with the Python module; returns only when it cannot be started.
int run_python(std::vector<std::string> args) {
  const char* chosen = std::getenv("TRACKPRINT_PYTHON");
  const std::string python = chosen != nullptr && chosen[0] != '\0' ? chosen : "python3";
  const std::string version(engine_version());
  setenv("TRACKPRINT_CLI_VERSION", version.c_str(), 1);
  args.insert(args.begin(), {python, "-c", kBootstrap});
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::fflush(stdout);
  execvp(argv[0], argv.data());
  std::fprintf(stderr,
               "trackprint: %s: cannot run %s (%s): the Parquet commands need Python 3 with the "
               "trackprint module and pyarrow; set TRACKPRINT_PYTHON to one\n",
               args[3].c_str(), python.c_str(), std::strerror(errno));
  return kExitFailed;
}

int usage(const std::string& message) {
  std::fprintf(stderr, "trackprint: %s\n(see 'trackprint --help')\n", message.c_str());
  return kExitUsage;
}

}  // namespace

int run_import(const std::vector<std::string>& args) {
  std::string db = default_library_path();
  std::vector<std::string> dirs;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--db") {
      if (i + 1 >= args.size()) return usage("import: --db needs a path");
      db = args[++i];
    } else if (args[i].size() > 1 && args[i][0] == '-') {
      return usage("import: unknown option " + args[i]);
    } else {
      dirs.push_back(args[i]);
    }
  }
  if (dirs.size() != 1) return usage("import: needs one DIR (a Parquet dataset)");
  return run_python({"import", dirs[0], "--db", db});
}

int run_parquet_export(const std::string& db, const std::string& out) {
  if (out.empty()) return usage("export: --format parquet needs --out DIR");
  return run_python({"export", "--out", out, "--db", db});
}

}  // namespace trackprint::cli
