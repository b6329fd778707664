// Synthetic libraries for the similarity benchmarks: n fingerprints drawn around 500 "album"
// centres within each dimension's usual range (so neighbours are near, as in real music), with
// artist and album tags, written straight into a store. The same n and seed give the same store.
#pragma once

#include <cstddef>
#include <string>

namespace trackprint::bench {

// Creates the store at `path` with n analysed rows unless it already holds n; returns its path.
std::string synthetic_store(const std::string& path, std::size_t n, unsigned seed = 1);

}  // namespace trackprint::bench
