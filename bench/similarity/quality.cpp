// bench/similarity/quality: how often a track's nearest neighbours come from its own album, for
// each metric, against chance; and the hubness of the k = 10 graph. Albums are labels from a
// manifest (the corpus's albums/manifest.tsv: a `file` column, from the corpus root or the
// manifest's folder, and an `album` column, else `package`), never the files' tags. Over every
// labelled track of at least 30 s in the store.
//
//   similarity_quality --db STORE --manifest albums/manifest.tsv [--min-seconds 30]
//
// Besides the presets, "learned" weighs each dimension by how much more it varies between
// albums than within them, learned with each album held out in turn: a held-out album's tracks
// are ranked with weights learned on the other albums only.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "similarity/album_weights.hpp"
#include "similarity/exact_search.hpp"
#include "similarity/metric.hpp"
#include "trackprint/library.hpp"

namespace fs = std::filesystem;
using namespace trackprint;
using namespace trackprint::similarity;

namespace {

constexpr std::size_t D = kDimensionCount;

struct Measured {
  std::vector<double> raw;  // rows of the measured tracks
  std::vector<int> album;   // label index per row
  std::vector<std::string> albums;
};

std::map<std::string, std::string> read_manifest(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  std::stringstream h(line);
  for (std::string f; std::getline(h, f, '\t');) header.push_back(f);
  const auto column = [&header](const std::string& name) {
    return static_cast<int>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  const int file = column("file");
  int album = column("album");
  if (album >= static_cast<int>(header.size())) album = column("package");
  if (file >= static_cast<int>(header.size()) || album >= static_cast<int>(header.size()))
    throw std::runtime_error(path + ": needs a file column and an album or package column");
  const fs::path base = fs::absolute(path).parent_path();
  std::map<std::string, std::string> labels;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream s(line);
    for (std::string v; std::getline(s, v, '\t');) f.push_back(v);
    if (static_cast<int>(f.size()) <= std::max(file, album)) continue;
    // The corpus builder's albums/manifest.tsv names files from the corpus root
    // (albums/ALBUM/FILE); a manifest may also name them from its own folder.
    const std::string& name = f[static_cast<std::size_t>(file)];
    fs::path where = base / name;
    std::error_code ec;
    if (!fs::exists(where, ec)) where = base.parent_path() / name;
    labels[where.lexically_normal().string()] = f[static_cast<std::size_t>(album)];
  }
  return labels;
}

struct Scores {
  double p5 = 0, p10 = 0;
  double never_share = 0;  // share of tracks in no one's top 10
  int max_occurrence = 0;
};

// Precision at 5 and 10 of the queries in `queries` (all rows when empty) against `labels`,
// ranked by `search`; the hubness over the same queries' lists.
Scores score(const ExactSearch& search, const Measured& m,
             const std::vector<std::uint32_t>& queries) {
  Scores s;
  std::vector<int> occurrence(search.size(), 0);
  for (const std::uint32_t q : queries) {
    const auto near = search.nearest(search.row(q), 10, {&q, 1});
    int same5 = 0, same10 = 0;
    for (std::size_t k = 0; k < near.size(); ++k) {
      const bool same = m.album[near[k].row] == m.album[q];
      same10 += same;
      if (k < 5) same5 += same;
      ++occurrence[near[k].row];
    }
    s.p5 += same5 / 5.0;
    s.p10 += same10 / 10.0;
  }
  s.p5 /= static_cast<double>(queries.size());
  s.p10 /= static_cast<double>(queries.size());
  s.never_share = static_cast<double>(std::count(occurrence.begin(), occurrence.end(), 0)) /
                  static_cast<double>(occurrence.size());
  s.max_occurrence = *std::max_element(occurrence.begin(), occurrence.end());
  return s;
}

std::vector<double> normalised(const Metric& metric, std::vector<double> rows) {
  for (std::size_t r = 0; r < rows.size() / D; ++r)
    metric.normaliser.apply_row(&rows[r * D], &rows[r * D]);
  return rows;
}

void print_row(const std::string& name, const Scores& s, const char* note = "") {
  std::printf("| %-26s | %5.3f | %5.3f | %5.1f %% | %3d |%s\n", name.c_str(), s.p5, s.p10,
              100 * s.never_share, s.max_occurrence, note);
}

}  // namespace

int main(int argc, char** argv) {
  std::string db, manifest;
  double min_seconds = 30;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--db") db = argv[i + 1];
    if (a == "--manifest") manifest = argv[i + 1];
    if (a == "--min-seconds") min_seconds = std::atof(argv[i + 1]);
  }
  if (db.empty() || manifest.empty()) {
    std::fprintf(stderr, "usage: similarity_quality --db STORE --manifest MANIFEST.tsv\n");
    return 2;
  }
  const auto labels = read_manifest(manifest);
  auto lib = Library::open(db, Library::Mode::read_only);
  if (!lib.ok()) {
    std::fprintf(stderr, "%s\n", lib.error().message().c_str());
    return 1;
  }
  Measured m;
  std::map<std::string, int> album_index;
  const auto tracks = lib.value().tracks();
  if (!tracks.ok()) {
    std::fprintf(stderr, "%s\n", tracks.error().message().c_str());
    return 1;
  }
  for (const TrackRecord& t : tracks.value()) {
    const auto label = labels.find(t.path);
    if (label == labels.end() || t.fingerprint->duration_s < min_seconds) continue;
    const auto [it, fresh] = album_index.emplace(label->second, static_cast<int>(m.albums.size()));
    if (fresh) m.albums.push_back(label->second);
    m.album.push_back(it->second);
    m.raw.insert(m.raw.end(), t.fingerprint->values.begin(), t.fingerprint->values.end());
  }
  const std::size_t n = m.album.size();
  if (n < 2) {
    std::fprintf(stderr, "no labelled track of %g s or more in %s\n", min_seconds, db.c_str());
    return 1;
  }
  std::vector<int> sizes(m.albums.size(), 0);
  for (const int a : m.album) ++sizes[static_cast<std::size_t>(a)];
  std::printf("%zu tracks of %g s or more, %zu albums:", n, min_seconds, m.albums.size());
  int big = 0;
  for (std::size_t a = 0; a < m.albums.size(); ++a) {
    std::printf(" %s %d%s", m.albums[a].c_str(), sizes[a], a + 1 < m.albums.size() ? "," : "\n");
    big += sizes[a] >= 8;
  }
  std::printf("%d albums of 8 tracks or more\n\n", big);

  // Chance: a random other track is from the same album with probability (size - 1) / (n - 1).
  double chance = 0;
  for (const int a : m.album)
    chance += (sizes[static_cast<std::size_t>(a)] - 1.0) / static_cast<double>(n - 1);
  chance /= static_cast<double>(n);

  std::vector<std::uint32_t> all(n);
  std::iota(all.begin(), all.end(), 0u);
  std::printf("| metric                     |  P@5  | P@10  | in no top 10 | max k-occurrence |\n");
  std::printf("|----------------------------|-------|-------|------|-----|\n");
  std::printf("| %-26s | %5.3f | %5.3f |      |     |\n", "random (expected)", chance, chance);
  for (const std::string& name : metric_names()) {
    const Metric metric = fit_metric(*metric_spec(name), m.raw);
    const ExactSearch search(normalised(metric, m.raw), metric.weights);
    print_row(name, score(search, m, all));
  }

  // Learned weights, each album held out in turn (its tracks' neighbours are ranked with the
  // weights learned on the other albums); the normalisation, which sees no labels, is the
  // library's.
  const Metric minmax = fit_metric(*metric_spec("equal"), m.raw);
  const std::vector<double> rows = normalised(minmax, m.raw);
  Scores held_out;
  std::vector<int> occurrence(n, 0);
  for (std::size_t a = 0; a < m.albums.size(); ++a) {
    std::vector<int> train_labels = m.album;
    for (int& l : train_labels)
      if (l == static_cast<int>(a)) l = -1;  // unlabelled: not learned from
    const ExactSearch search(rows, learn_album_weights(rows, train_labels));
    for (std::uint32_t q = 0; q < n; ++q) {
      if (m.album[q] != static_cast<int>(a)) continue;
      const auto near = search.nearest(search.row(q), 10, {&q, 1});
      int same5 = 0, same10 = 0;
      for (std::size_t k = 0; k < near.size(); ++k) {
        const bool same = m.album[near[k].row] == m.album[q];
        same10 += same;
        if (k < 5) same5 += same;
        ++occurrence[near[k].row];
      }
      held_out.p5 += same5 / 5.0;
      held_out.p10 += same10 / 10.0;
    }
  }
  held_out.p5 /= static_cast<double>(n);
  held_out.p10 /= static_cast<double>(n);
  held_out.never_share = static_cast<double>(std::count(occurrence.begin(), occurrence.end(), 0)) /
                         static_cast<double>(n);
  held_out.max_occurrence = *std::max_element(occurrence.begin(), occurrence.end());
  print_row("learned (album held out)", held_out);

  const Weights learned = learn_album_weights(rows, m.album);
  std::printf("\nweights learned on every album (minmax-normalised; auralis for comparison):\n");
  const Weights auralis = *weight_preset("auralis");
  for (std::size_t d = 0; d < D; ++d)
    std::printf("  %-24.*s %.3f  (auralis %.3f)\n", static_cast<int>(kDimensions[d].name.size()),
                kDimensions[d].name.data(), learned[d], auralis[d]);
  return 0;
}
