// `trackprint import` and `trackprint export --format parquet`: the Parquet side lives in the
// Python package (pyarrow; Debian has no Arrow C++ library), so these run
// `python3 -m trackprint.parquet`, whose store writes go through the engine's store code.
#pragma once

#include <string>
#include <vector>

namespace trackprint::cli {

// import DIR [--db PATH]: merges the Parquet dataset in DIR into the store.
int run_import(const std::vector<std::string>& args);
// The rest of `export --format parquet --out DIR`, once --db is known.
int run_parquet_export(const std::string& db, const std::string& out);

}  // namespace trackprint::cli
