#include "library/watcher.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>

#include "library/crash_witness.hpp"
#include "library/inotify_tree.hpp"
#include "library/pipeline.hpp"
#include "library/plan.hpp"
#include "library/queue_core.hpp"
#include "library/scan_lock.hpp"
#include "library/scanner.hpp"
#include "library/walker.hpp"

namespace trackprint::library {
namespace {

using Clock = std::chrono::steady_clock;
using Kind = InotifyTree::Kind;

// A MOVED_FROM whose MOVED_TO has not come by then was a move out of the tree.
constexpr std::chrono::milliseconds kMoveWindow{500};

// What the watch knows of a file being written: analysed once `due` has passed with no writer.
struct Settling {
  Clock::time_point due;
  bool writing = false;  // written to since it was last closed
};

struct MoveAway {
  std::string path;
  bool dir = false;
  Clock::time_point at;
};

std::vector<KnownRow> rows_at(Store& store, const std::string& path, bool dir) {
  if (dir) return store.rows_under(path);
  std::vector<KnownRow> out;
  if (const std::optional<TrackRecord> t = store.by_path(path)) {
    KnownRow row;
    row.id = t->id;
    row.path = t->path;
    row.status = t->status;
    out.push_back(std::move(row));
  }
  return out;
}

bool is_audio_file(const std::string& path) {
  struct stat st {};
  return has_audio_extension(path) && stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

class Watcher {
 public:
  Watcher(Store& store, const std::vector<std::string>& roots, const WatchOptions& options,
          const StopSignal& stop)
      : store_(store), options_(options), stop_(stop) {
    for (const std::string& r : roots) roots_.push_back(absolute_path(r));
  }

  ScanSummary run() {
    std::string busy;
    const std::optional<ScanLock> lock = ScanLock::take(store_.path(), busy);
    if (!lock) {
      ScanSummary summary;
      summary.store_error = Error{ErrorKind::io, store_.path(), busy};
      return summary;
    }
    // For the whole watch, not only its first scan: a crash in the queue leaves its mark too.
    const CrashWitness witness(store_.path());
    // Watches before the first scan: nothing written during it goes unseen.
    if (!options_.poll) start_inotify();
    ScanSummary summary = run_scan(store_, roots_, options_.scan, /*lock_held=*/true);
    if (summary.store_error || summary.cancelled || stop_.requested()) return summary;

    wake_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    QueueOptions q;
    q.workers = options_.scan.jobs;
    q.retry_failed = options_.scan.retry_failed;
    q.sidecars = options_.scan.sidecars;
    q.max_duration_s = options_.scan.max_duration_s;
    q.on_result = [this](const QueueResult& r) { post(event_of(r)); };
    try {
      queue_.emplace(store_, std::move(q), real_folders(roots_));
    } catch (const Failure& e) {  // its read-only connection to the store cannot be opened
      summary.store_error = Error{e.kind(), store_.path(), e.reason()};
      close(wake_);
      return summary;
    }

    WatchEvent watching;
    watching.kind = WatchEvent::Kind::watching;
    watching.detail = tree_ ? std::string("inotify") : rescans_text();
    watching.scanned = &summary;
    emit(watching);
    next_rescan_ = Clock::now() + options_.rescan_interval;
    loop();
    queue_->close(false);
    if (std::optional<Error> failure = queue_->status().store_error)
      summary.store_error = std::move(failure);
    queue_.reset();
    deliver();
    close(wake_);
    return summary;
  }

 private:
  std::string rescans_text() const {
    return "rescans every " +
           std::to_string(
               std::chrono::duration_cast<std::chrono::seconds>(options_.rescan_interval).count()) +
           " s";
  }

  void warn(const std::string& what) {
    WatchEvent e;
    e.kind = WatchEvent::Kind::warning;
    e.detail = what;
    emit(e);
  }

  void start_inotify() {
    std::string why;
    tree_ = InotifyTree::open(why);
    for (const std::string& root : roots_) {
      if (tree_ && !tree_->add_tree(root, why)) tree_.reset();
    }
    if (!tree_) warn(why + "; watching by " + rescans_text() + " instead");
  }

  // Out of watches while running: the rest of the watch is rescans.
  void fall_back(const std::string& why) {
    tree_.reset();
    warn(why + "; watching by " + rescans_text() + " instead");
    resync(roots_);
    next_rescan_ = Clock::now() + options_.rescan_interval;
  }

  void loop() {
    while (!stop_.requested()) {
      const auto now = Clock::now();
      std::optional<Clock::time_point> next;
      const auto consider = [&](Clock::time_point t) { next = next ? std::min(*next, t) : t; };
      for (const auto& [path, s] : settling_) {
        if (!s.writing) consider(s.due);
      }
      for (const auto& [cookie, m] : moves_) consider(m.at + kMoveWindow);
      if (!tree_) consider(next_rescan_);
      int timeout = -1;  // nothing due: sleep until an event
      if (next) {
        const auto ms = std::chrono::ceil<std::chrono::milliseconds>(*next - now).count();
        timeout = static_cast<int>(std::clamp<std::int64_t>(ms, 0, 60'000));
      }
      pollfd fds[3] = {{stop_.fd(), POLLIN, 0}, {wake_, POLLIN, 0}, {-1, POLLIN, 0}};
      if (tree_) fds[2].fd = tree_->fd();
      if (::poll(fds, 3, timeout) < 0 && errno != EINTR) break;
      if (stop_.requested()) break;
      if ((fds[1].revents & POLLIN) != 0) deliver();
      if (tree_ && (fds[2].revents & POLLIN) != 0) {
        for (const InotifyTree::Event& e : tree_->read()) {
          handle(e);
          if (!tree_) break;
        }
      }
      expire_moves();
      submit_settled();
      if (!tree_ && Clock::now() >= next_rescan_) {
        resync(roots_);
        next_rescan_ = Clock::now() + options_.rescan_interval;
      }
    }
  }

  void handle(const InotifyTree::Event& e) {
    const auto now = Clock::now();
    switch (e.kind) {
      case Kind::overflow:
        warn("inotify dropped events; rescanning");
        resync(roots_);
        break;
      case Kind::closed_written:
        if (!e.dir && has_audio_extension(e.path))
          settling_[e.path] = {now + options_.settle, false};
        break;
      case Kind::modified:
        if (!e.dir && has_audio_extension(e.path)) settling_[e.path].writing = true;
        break;
      case Kind::created:
        if (e.dir) {
          arrived_folder(e.path, now + options_.settle);
        } else if (has_audio_extension(e.path)) {
          settling_.try_emplace(e.path, Settling{now + options_.settle, false});
        }
        break;
      case Kind::attributes:
        if (!e.dir && has_audio_extension(e.path))
          settling_.try_emplace(e.path, Settling{now + options_.settle, false});
        break;
      case Kind::moved_from:
        moves_[e.cookie] = MoveAway{e.path, e.dir, now};
        break;
      case Kind::moved_to: {
        const auto it = moves_.find(e.cookie);
        if (it == moves_.end()) {
          // From outside the tree: whole already, so no settling.
          if (e.dir) {
            arrived_folder(e.path, now);
          } else if (has_audio_extension(e.path)) {
            settling_[e.path] = {now, false};
          }
        } else {
          const MoveAway from = std::move(it->second);
          moves_.erase(it);
          renamed(from.path, e.path, e.dir);
        }
        break;
      }
      case Kind::deleted:
        gone(e.path, e.dir);
        break;
    }
  }

  // A folder made or moved in: watched, and every track in it settles from `due`.
  void arrived_folder(const std::string& dir, Clock::time_point due) {
    std::string why;
    if (tree_ && !tree_->add_tree(dir, why)) {
      fall_back(why);
      return;
    }
    const WalkResult found = walk({dir}, [](std::int64_t) { return true; });
    for (const FoundFile& f : found.files) settling_.try_emplace(f.path, Settling{due, false});
  }

  void renamed(const std::string& from, const std::string& to, bool dir) {
    if (dir) {
      if (tree_) tree_->rename_tree(from, to);
      std::map<std::string, Settling> moved;
      for (auto it = settling_.begin(); it != settling_.end();) {
        if (is_under(it->first, from)) {
          moved.emplace(to + it->first.substr(from.size()), it->second);
          it = settling_.erase(it);
        } else {
          ++it;
        }
      }
      settling_.merge(moved);
      for (const std::string& p : queue_->cancel_under(from))
        queue_->submit(to + p.substr(from.size()), 0);
    } else {
      if (!has_audio_extension(to)) {
        gone(from, false);
        return;
      }
      const auto it = settling_.find(from);
      if (it != settling_.end()) {
        settling_[to] = it->second;
        settling_.erase(it);
      }
      if (queue_->cancel(from)) queue_->submit(to, 0);
      if (!has_audio_extension(from)) {
        settling_.try_emplace(to, Settling{Clock::now(), false});
        return;
      }
    }
    change([from, to, dir](Store& store, std::vector<WatchEvent>& events,
                           std::vector<std::string>& unknown) {
      const std::vector<KnownRow> rows = rows_at(store, from, dir);
      for (const KnownRow& row : rows) {
        const std::string path = to + row.path.substr(from.size());
        // A file renamed over another: the one replaced is gone.
        if (const std::optional<TrackRecord> replaced = store.by_path(path))
          store.remove(replaced->id);
        store.set_path(row.id, path);
        WatchEvent e;
        e.kind = WatchEvent::Kind::renamed;
        e.from = row.path;
        e.path = path;
        events.push_back(std::move(e));
      }
      // A file the store did not know yet (new, or never settled): analyse it where it is now.
      if (!dir && rows.empty()) unknown.push_back(to);
    });
  }

  void gone(const std::string& path, bool dir) {
    if (dir) {
      if (tree_) tree_->remove_tree(path);
      std::erase_if(settling_, [&](const auto& s) { return is_under(s.first, path); });
      queue_->cancel_under(path);
    } else {
      if (!has_audio_extension(path)) return;
      settling_.erase(path);
      queue_->cancel(path);
    }
    const bool prune = options_.scan.prune;
    change([path, dir, prune](Store& store, std::vector<WatchEvent>& events,
                              std::vector<std::string>&) {
      for (const KnownRow& row : rows_at(store, path, dir)) {
        WatchEvent e;
        e.path = row.path;
        if (prune) {
          store.remove(row.id);
          e.kind = WatchEvent::Kind::removed;
        } else if (row.status != TrackStatus::missing) {
          store.set_status(row.id, TrackStatus::missing);
          e.kind = WatchEvent::Kind::missing;
        } else {
          continue;
        }
        events.push_back(std::move(e));
      }
    });
  }

  // What a scan of `dirs` would do, through the queue: rows of files gone become missing,
  // files new or changed are queued (unchanged ones cost a stat and a look-up).
  void resync(const std::vector<std::string>& dirs) {
    auto walked = std::make_shared<WalkResult>(walk(dirs, [](std::int64_t) { return true; }));
    const PlanRules rules{options_.scan.retry_failed, options_.scan.prune};
    change([walked, dirs, rules](Store& store, std::vector<WatchEvent>& events,
                                 std::vector<std::string>& unknown) {
      const std::vector<KnownRow> known = store.known_rows();
      const ScanPlan plan = plan_scan(*walked, dirs, known, rules);
      write_plan(store, plan);
      // Rows analysed before the store kept tags: a probe each, on the writer (once per store).
      for (const FoundFile& f : plan.to_read_tags)
        store.put_tags(f.path, read_tags_or_none(f.path));
      std::unordered_map<std::int64_t, const KnownRow*> by_id;
      for (const KnownRow& row : known) by_id.emplace(row.id, &row);
      const auto report = [&](const std::vector<std::int64_t>& ids, WatchEvent::Kind kind) {
        for (const std::int64_t id : ids) {
          WatchEvent e;
          e.kind = kind;
          e.path = by_id.at(id)->path;
          events.push_back(std::move(e));
        }
      };
      report(plan.to_mark_missing, WatchEvent::Kind::missing);
      report(plan.to_delete, WatchEvent::Kind::removed);
      for (const FoundFile& f : plan.to_analyse) unknown.push_back(f.path);
    });
  }

  // Sends a change to the queue's writer. Its events are reported once it is committed, and
  // so are the files it finds the store does not know (`unknown`), which are then queued.
  using Change = std::function<void(Store&, std::vector<WatchEvent>& events,
                                    std::vector<std::string>& unknown)>;
  void change(Change apply) {
    struct Found {
      std::vector<WatchEvent> events;
      std::vector<std::string> unknown;
    };
    auto found = std::make_shared<Found>();
    WriterItem item;
    item.change = [found, apply = std::move(apply)](Store& store) {
      *found = Found{};
      apply(store, found->events, found->unknown);
    };
    item.committed = [this, found] {
      for (WatchEvent& e : found->events) post(std::move(e));
      for (const std::string& p : found->unknown) queue_->submit(p, 0);
    };
    queue_->send(std::move(item));
  }

  void submit_settled() {
    const auto now = Clock::now();
    for (auto it = settling_.begin(); it != settling_.end();) {
      if (!it->second.writing && it->second.due <= now) {
        if (is_audio_file(it->first)) queue_->submit(it->first, 0);
        it = settling_.erase(it);
      } else {
        ++it;
      }
    }
  }

  void expire_moves() {
    const auto now = Clock::now();
    for (auto it = moves_.begin(); it != moves_.end();) {
      if (now - it->second.at >= kMoveWindow) {
        const MoveAway m = std::move(it->second);
        it = moves_.erase(it);
        gone(m.path, m.dir);
      } else {
        ++it;
      }
    }
  }

  static WatchEvent event_of(const QueueResult& r) {
    WatchEvent e;
    e.path = r.path;
    e.analysis_s = r.analysis_s;
    e.error = r.error;
    e.kind = r.error        ? WatchEvent::Kind::failed
             : r.from_store ? WatchEvent::Kind::unchanged
                            : WatchEvent::Kind::analysed;
    return e;
  }

  // From the writer thread: kept for the watch's thread, which is woken.
  void post(WatchEvent e) {
    {
      const std::lock_guard lock(posted_mutex_);
      posted_.push_back(std::move(e));
    }
    const std::uint64_t one = 1;
    if (write(wake_, &one, sizeof one) < 0) {
      // The counter is full only if nobody reads it: the events still wait in posted_.
    }
  }

  void deliver() {
    std::uint64_t count = 0;
    if (read(wake_, &count, sizeof count) < 0) {
      // Nothing to read: events may still wait (posted before the last read).
    }
    std::vector<WatchEvent> events;
    {
      const std::lock_guard lock(posted_mutex_);
      events.swap(posted_);
    }
    for (const WatchEvent& e : events) emit(e);
  }

  void emit(const WatchEvent& e) {
    if (options_.on_event) options_.on_event(e);
  }

  Store& store_;
  const WatchOptions& options_;
  const StopSignal& stop_;
  std::vector<std::string> roots_;
  std::optional<InotifyTree> tree_;
  std::map<std::string, Settling> settling_;
  std::unordered_map<std::uint32_t, MoveAway> moves_;
  Clock::time_point next_rescan_;
  int wake_ = -1;
  std::mutex posted_mutex_;
  std::vector<WatchEvent> posted_;
  std::optional<QueueCore> queue_;
};

}  // namespace

ScanSummary run_watch(Store& store, const std::vector<std::string>& roots,
                      const WatchOptions& options, const StopSignal& stop) {
  Watcher watcher(store, roots, options, stop);
  return watcher.run();
}

}  // namespace trackprint::library
