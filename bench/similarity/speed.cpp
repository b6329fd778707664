// bench/similarity: the exact query, the k = 10 graph and the sonic path on synthetic stores
// (bench/similarity/run prints the figures with the machine's load). Stores are kept in
// $TMPDIR (trackprint-bench-N.db) and written once.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <random>

#include "similarity/distance_kernel.hpp"
#include "similarity/quantised_rows.hpp"
#include "similarity/weights.hpp"
#include "synthetic_store.hpp"
#include "trackprint/similarity.hpp"

namespace trackprint::bench {
namespace {

double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // KiB on Linux
}

struct Loaded {
  Library library;
  std::optional<SimilarityIndex> index;
  double open_s = 0;
};

// One store and index per size, opened on first use and kept for the process.
Loaded& loaded(std::size_t n) {
  static std::map<std::size_t, std::unique_ptr<Loaded>> all;
  auto& slot = all[n];
  if (!slot) {
    const std::string path =
        (std::filesystem::temp_directory_path() / ("trackprint-bench-" + std::to_string(n) + ".db"))
            .string();
    synthetic_store(path, n);
    auto lib = Library::open(path);
    if (!lib.ok()) std::abort();
    slot.reset(new Loaded{std::move(lib.value()), std::nullopt, 0});
    const auto start = std::chrono::steady_clock::now();
    auto index = SimilarityIndex::open(slot->library);
    if (!index.ok()) std::abort();
    slot->open_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    slot->index.emplace(std::move(index.value()));
  }
  return *slot;
}

void Query(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Loaded& l = loaded(n);
  std::mt19937 rng(7);
  std::uniform_int_distribution<std::size_t> pick(0, n - 1);
  for (auto _ : state) {
    const std::int64_t seed = l.index->ids()[pick(rng)];
    benchmark::DoNotOptimize(l.index->similar(seed, 10));
  }
  state.counters["open_s"] = l.open_s;
  state.counters["peak_rss_MB"] = peak_rss_mb();
  state.SetLabel(similarity::distance_kernel_target());
}
BENCHMARK(Query)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();

void Graph(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Loaded& l = loaded(n);
  for (auto _ : state)
    benchmark::DoNotOptimize(l.index->graph(10, static_cast<int>(state.range(1))));
  state.counters["peak_rss_MB"] = peak_rss_mb();
}
BENCHMARK(Graph)
    ->Args({100'000, 2})
    ->Args({100'000, 1})
    ->Unit(benchmark::kSecond)
    ->UseRealTime()
    ->Iterations(1);

void SonicPath(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Loaded& l = loaded(n);
  std::mt19937 rng(9);
  std::uniform_int_distribution<std::size_t> pick(0, n - 1);
  PlaylistOptions options;
  options.length = 30;
  options.max_per_album = 3;
  for (auto _ : state) {
    options.to = {l.index->ids()[pick(rng)]};
    const auto path = l.index->playlist({l.index->ids()[pick(rng)]}, options);
    if (!path.ok() || path.value().size() != 30) state.SkipWithError("no path of 30");
  }
}
BENCHMARK(SonicPath)->Arg(100'000)->Unit(benchmark::kMillisecond)->UseRealTime();

void SeedPlaylist(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Loaded& l = loaded(n);
  std::mt19937 rng(10);
  std::uniform_int_distribution<std::size_t> pick(0, n - 1);
  PlaylistOptions options;
  options.length = 30;
  options.max_per_artist = 2;
  for (auto _ : state) {
    const auto list = l.index->playlist({l.index->ids()[pick(rng)]}, options);
    if (!list.ok() || list.value().size() != 30) state.SkipWithError("no playlist of 30");
  }
}
BENCHMARK(SeedPlaylist)->Arg(100'000)->Unit(benchmark::kMillisecond)->UseRealTime();

// The brute-force pass alone: rows per second of the integer kernel over rows that fit in L3
// (100k) and rows that do not (1M), without the selection that follows it.
void Kernel(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> unit(0, 1);
  std::vector<double> rows(n * kDimensionCount);
  for (double& v : rows) v = unit(rng);
  const similarity::QuantisedRows q(rows, *similarity::weight_preset("auralis"));
  std::array<std::int16_t, kDimensionCount> query{};
  q.quantise(rows.data(), query.data());
  std::vector<std::int32_t> out(q.blocks() * similarity::QuantisedRows::kBlockRows);
  for (auto _ : state) {
    similarity::squared_distances(q.data(), q.blocks(), query.data(), out.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.SetLabel(similarity::distance_kernel_target());
}
BENCHMARK(Kernel)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace trackprint::bench

BENCHMARK_MAIN();
