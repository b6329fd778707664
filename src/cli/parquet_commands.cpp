// `trackprint import` and `trackprint export --format parquet`: the Parquet side lives in the
// Python package (pyarrow; Debian has no Arrow C++ library), so these run
// `python3 -m trackprint.parquet`, whose store writes go through the engine's store code.
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "trackprint/library.hpp"
#include "trackprint/trackprint.hpp"

namespace trackprint::cli {
namespace {

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

struct ImportCommand {
  std::string db;
  std::string dataset;
};

}  // namespace

void add_parquet_commands(CLI::App& app, int& exit_status) {
  auto c = std::make_shared<ImportCommand>();
  CLI::App* cmd =
      app.add_subcommand("import", "Merge a Parquet dataset of fingerprints into the store");
  cmd->footer(
      "DIR is a dataset of python -m trackprint.cluster, or of export --format parquet. Its rows\n"
      "are written as a scan writes them. Needs Python 3 with the trackprint module and pyarrow\n"
      "($TRACKPRINT_PYTHON, default python3).");
  add_store_option(*cmd, c->db);
  cmd->add_option("DIR", c->dataset, "the Parquet dataset's folder")->required();
  cmd->callback([c, &exit_status] {
    exit_status = run_python({"import", c->dataset, "--db", c->db});
  });
}

int run_parquet_export(const std::string& db, const std::string& out) {
  return run_python({"export", "--out", out, "--db", db});
}

}  // namespace trackprint::cli
