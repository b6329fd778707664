// The brute-force pass of the exact search: the integer squared L2 distance of one query to
// every row of a run of QuantisedRows blocks. Integer arithmetic, so each SIMD target Highway
// compiled (chosen at run time for the CPU) returns exactly what the scalar reference returns.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace trackprint::similarity {

// out[k] = sum_d (row_k[d] - query[d])^2 for the QuantisedRows::kBlockRows * block_count rows
// of the blocks starting at `blocks`; `query` holds kDimensionCount levels. Returns the least
// of them (so that a search can pass over blocks with nothing near).
std::int32_t squared_distances(const std::int16_t* blocks, std::size_t block_count,
                               const std::int16_t* query, std::int32_t* out);
// The same, one row and one dimension at a time: what every target is tested against.
std::int32_t squared_distances_reference(const std::int16_t* blocks, std::size_t block_count,
                                         const std::int16_t* query, std::int32_t* out);

// The name of the target squared_distances() runs on ("AVX3", "AVX2", "SSE4", ...).
std::string distance_kernel_target();

}  // namespace trackprint::similarity
