// How far apart encodings of one recording are, and how close distinct recordings come, in
// recording distance (src/similarity/duplicates.hpp; <= 1 is the same recording): the evidence
// for its tolerances. Labels say which files are one recording.
//
//   similarity_duplicate_margins --db STORE --labels LABELS.tsv   (lines: PATH<TAB>RECORDING)
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "similarity/duplicates.hpp"
#include "trackprint/library.hpp"

using namespace trackprint;

int main(int argc, char** argv) {
  std::string db, labels_path;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--db") db = argv[i + 1];
    if (a == "--labels") labels_path = argv[i + 1];
  }
  std::map<std::string, std::string> labels;
  std::ifstream in(labels_path);
  for (std::string line; std::getline(in, line);) {
    const auto tab = line.find('\t');
    if (tab != std::string::npos) labels[line.substr(0, tab)] = line.substr(tab + 1);
  }
  auto lib = Library::open(db, Library::Mode::read_only);
  const auto tracks =
      lib.ok() ? lib.value().tracks() : Result<std::vector<TrackRecord>>(lib.error());
  if (db.empty() || labels.empty() || !tracks.ok()) {
    std::fprintf(stderr, "usage: similarity_duplicate_margins --db STORE --labels LABELS.tsv\n");
    return 2;
  }
  std::vector<const TrackRecord*> t;
  for (const TrackRecord& r : tracks.value())
    if (labels.contains(r.path)) t.push_back(&r);
  struct Pair {
    double distance;
    std::string a, b;
  };
  Pair same{-1, "", ""}, distinct{1e300, "", ""};
  std::map<std::string, double> widest;  // per recording
  for (std::size_t i = 0; i < t.size(); ++i) {
    for (std::size_t j = i + 1; j < t.size(); ++j) {
      const Fingerprint& a = *t[i]->fingerprint;
      const Fingerprint& b = *t[j]->fingerprint;
      const double d = similarity::recording_distance(a.values.data(), a.duration_s,
                                                      b.values.data(), b.duration_s);
      const std::string& la = labels[t[i]->path];
      if (la == labels[t[j]->path]) {
        widest[la] = std::max(widest[la], d);
        if (d > same.distance) same = {d, t[i]->path, t[j]->path};
      } else if (d < distinct.distance) {
        distinct = {d, t[i]->path, t[j]->path};
      }
    }
  }
  std::printf("%zu labelled files\n", t.size());
  for (const auto& [recording, d] : widest)
    std::printf("  %-28s widest pair %.3f\n", recording.c_str(), d);
  std::printf("same recording, farthest pair: %.3f  %s  %s\n", same.distance, same.a.c_str(),
              same.b.c_str());
  std::printf("distinct recordings, nearest pair: %.3f  %s  %s\n", distinct.distance,
              distinct.a.c_str(), distinct.b.c_str());
  return 0;
}
