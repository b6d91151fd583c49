// The only file that calls MPI (built when CMake finds it: DESCENT_WITH_MPI). Blocking collectives on
// MPI_COMM_WORLD; the buffers are the caller's, reduced in place, through a shared window when they lie
// in one (exchange_memory).
#include <mpi.h>
#include <sched.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "descent/error.hpp"
#include "mpi_world.hpp"

namespace descent::distributed {
namespace {

void check(int code, const char* what) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw Error(std::string(what) + " failed: " + std::string(text, static_cast<std::size_t>(length)));
}

// MPI counts are ints: a buffer beyond INT_MAX elements goes in pieces.
template <class T>
void all_reduce(std::span<T> data, MPI_Datatype type, MPI_Op op) {
  for (std::size_t at = 0; at < data.size(); at += INT_MAX) {
    const int n = static_cast<int>(std::min<std::size_t>(data.size() - at, INT_MAX));
    check(MPI_Allreduce(MPI_IN_PLACE, data.data() + at, n, type, op, MPI_COMM_WORLD), "MPI_Allreduce");
  }
}

// A shared window of exchange memory: each rank's segment, as this process sees it, and after it
// (ranks' own lines) the words through which the ranks' sums progress.
struct Control {
  alignas(64) std::int64_t progress;  // this rank's: (round << kRoundShift) | its segment's final bytes
  alignas(64) std::int64_t claimed;   // rank 0's alone: chunks of the sums claimed so far, every round
};
constexpr int kRoundShift = 40;  // a segment's bytes stay below 1 TiB (exchange_memory checks)

struct Window {
  MPI_Win win;
  std::size_t bytes;
  std::vector<std::byte*> segments;  // by rank
  bool in_use = true;                // handed out and not released
  std::int64_t round = 0;            // sums made in it, the same count on every rank
  std::int64_t claim_base = 0;       // rank 0's `claimed` when this round began
};

// A segment's control words: after its bytes, at the next 64-byte address. Segments need not start at
// one, but a shared mapping keeps its offset within a page in every process, so every rank finds the
// same place.
constexpr std::size_t kControlRoom = sizeof(Control) + alignof(Control) - 1;
Control& control(const Window& w, int rank) {
  std::byte* end = w.segments[static_cast<std::size_t>(rank)] + w.bytes;
  const std::size_t past = reinterpret_cast<std::uintptr_t>(end) % alignof(Control);
  return *reinterpret_cast<Control*>(end + (past ? alignof(Control) - past : 0));
}

// Until `word` reaches `value`: the other rank runs on a core of its own (mpirun --bind-to core), and a
// yield now and then lets it run where ranks share a core (--oversubscribe).
void wait_for(const std::int64_t& word, std::int64_t value) {
  const std::atomic_ref<const std::int64_t> at(word);
  for (unsigned spins = 0; at.load(std::memory_order_acquire) < value; ++spins) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
    if (spins % 1024 == 1023) sched_yield();
  }
}

void mark(Control& mine, std::int64_t value) {
  const std::atomic_ref<std::int64_t> progress(mine.progress);
  if (progress.load(std::memory_order_relaxed) < value) progress.store(value, std::memory_order_release);
}

// Why a shared window rather than MPI_Allreduce on it: on one machine Open MPI copies an all-reduce's
// buffers through its shared-memory transport (or the kernel's cross-memory attach), several passes over
// the data; here each rank reads the ranks' slices where they lie and writes the sum back, one pass. On
// the [784, 1024, 1024, 10] MLP's 7.45 MB of gradients, 2 ranks: 0.2 ms against MPI_Allreduce's 1.0 to
// 1.3 ms (docs/distributed.md).
//
// The ranks' buffers at `offset` of `w`, summed: the buffer goes in chunks, which the ranks claim one at a
// time from a counter they share. A chunk is summed once every rank has marked it final (mark_final, or
// this call, which marks the whole buffer), in rank order (the same sum whichever rank makes it), and
// written into every rank's buffer. So a rank that finished its backward first sums what the others
// have finished, instead of waiting for all of it: the ranks' cores are rarely equally fast. Each rank
// makes exactly one claim past the last chunk, so every rank knows where the next round's claims begin.
// The barrier after: every chunk is written; MPI_Win_sync orders this process's loads and stores around
// it, and the progress words' release and acquire order the gradients before it.
template <class T>
void shared_sum(Window& w, std::size_t offset, std::size_t n, int rank, int size) {
  const std::int64_t round = ++w.round;
  check(MPI_Win_sync(w.win), "MPI_Win_sync");
  mark(control(w, rank), round << kRoundShift | static_cast<std::int64_t>(offset + n * sizeof(T)));
  constexpr std::size_t kClaim = (64 << 10) / sizeof(T);  // 64 KB a claim: 114 for the MLP's gradients
  constexpr std::size_t kChunk = 2048;                    // the running sum stays in L1
  const auto claims = static_cast<std::int64_t>((n + kClaim - 1) / kClaim);
  const std::atomic_ref<std::int64_t> claimed(control(w, 0).claimed);
  T sum[kChunk];
  for (;;) {
    const std::int64_t k = claimed.fetch_add(1, std::memory_order_relaxed) - w.claim_base;
    if (k >= claims) break;
    const std::size_t begin = static_cast<std::size_t>(k) * kClaim, end = std::min(n, begin + kClaim);
    for (int r = 0; r < size; ++r)
      wait_for(control(w, r).progress, round << kRoundShift | static_cast<std::int64_t>(offset + end * sizeof(T)));
    for (std::size_t at = begin; at < end; at += kChunk) {
      const std::size_t m = std::min(kChunk, end - at);
      std::memcpy(sum, reinterpret_cast<const T*>(w.segments[0] + offset) + at, m * sizeof(T));
      for (int r = 1; r < size; ++r) {
        const T* x = reinterpret_cast<const T*>(w.segments[static_cast<std::size_t>(r)] + offset) + at;
        for (std::size_t i = 0; i < m; ++i) sum[i] += x[i];
      }
      for (std::byte* segment : w.segments)
        std::memcpy(reinterpret_cast<T*>(segment + offset) + at, sum, m * sizeof(T));
    }
  }
  w.claim_base += claims + size;
  check(MPI_Win_sync(w.win), "MPI_Win_sync");
  check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier");
  check(MPI_Win_sync(w.win), "MPI_Win_sync");
}

class MpiCommunicator final : public Communicator {
 public:
  MpiCommunicator() {
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
    // Errors come back as codes, which check() turns into exceptions, instead of ending the process.
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  }
  // Collective, as MPI_Finalize is, which follows it: world.cpp's finish().
  ~MpiCommunicator() override {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (finalized) return;
    for (Window& w : windows_) {
      MPI_Win_unlock_all(w.win);
      MPI_Win_free(&w.win);
    }
    if (node_ != MPI_COMM_NULL) MPI_Comm_free(&node_);
  }
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  void* exchange_memory(std::size_t bytes) override {
    // (the same bytes on every rank, so every rank returns here alike)
    if (bytes == 0 || bytes >= (std::size_t{1} << kRoundShift) || !one_machine()) return nullptr;
    for (Window& w : windows_)  // the same choice on every rank: they release and ask alike
      if (!w.in_use && w.bytes >= bytes) {
        w.in_use = true;
        return w.segments[static_cast<std::size_t>(rank_)];
      }
    if (!may_share(bytes)) return nullptr;
    MPI_Info info;
    MPI_Info_create(&info);
    MPI_Info_set(info, "alloc_shared_noncontig", "true");  // each segment near its own rank's core
    Window w{MPI_WIN_NULL, bytes, std::vector<std::byte*>(static_cast<std::size_t>(size_))};
    void* mine = nullptr;
    const auto room = static_cast<MPI_Aint>(bytes + kControlRoom);
    const int code = MPI_Win_allocate_shared(room, 1, info, node_, &mine, &w.win);
    MPI_Info_free(&info);
    check(code, "MPI_Win_allocate_shared (DESCENT_SHARED_EXCHANGE=0 sums the gradients through MPI_Allreduce instead)");
    for (int r = 0; r < size_; ++r) {
      MPI_Aint size = 0;
      int unit = 0;
      void* base = nullptr;
      check(MPI_Win_shared_query(w.win, r, &size, &unit, &base), "MPI_Win_shared_query");
      w.segments[static_cast<std::size_t>(r)] = static_cast<std::byte*>(base);
    }
    check(MPI_Win_lock_all(MPI_MODE_NOCHECK, w.win), "MPI_Win_lock_all");  // MPI_Win_sync needs an epoch
    control(w, rank_) = Control{};
    check(MPI_Win_sync(w.win), "MPI_Win_sync");
    check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier");  // every rank's control words zero before any sum
    windows_.push_back(std::move(w));
    return mine;
  }
  void release_exchange_memory(void* memory) override {
    for (Window& w : windows_)
      if (w.segments[static_cast<std::size_t>(rank_)] == memory) w.in_use = false;
  }
  void mark_final(const void* data, std::size_t bytes) override {
    const auto* p = static_cast<const std::byte*>(data);
    for (const Window& w : windows_) {
      const std::byte* mine = w.segments[static_cast<std::size_t>(rank_)];
      if (p < mine || p + bytes > mine + w.bytes) continue;
      mark(control(w, rank_), (w.round + 1) << kRoundShift | static_cast<std::int64_t>(p + bytes - mine));
      return;
    }
  }
  void all_reduce_sum(std::span<double> data) override {
    if (!shared(data)) all_reduce(data, MPI_DOUBLE, MPI_SUM);
  }
  void all_reduce_sum(std::span<float> data) override {
    if (!shared(data)) all_reduce(data, MPI_FLOAT, MPI_SUM);
  }
  void all_reduce_max(std::span<std::int64_t> data) override { all_reduce(data, MPI_INT64_T, MPI_MAX); }
  void broadcast(std::span<std::byte> data, int root) override {
    for (std::size_t at = 0; at < data.size(); at += INT_MAX) {
      const int n = static_cast<int>(std::min<std::size_t>(data.size() - at, INT_MAX));
      check(MPI_Bcast(data.data() + at, n, MPI_BYTE, root, MPI_COMM_WORLD), "MPI_Bcast");
    }
  }
  void barrier() override { check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier"); }
  [[noreturn]] void abort(int status) override {
    MPI_Abort(MPI_COMM_WORLD, status);
    std::exit(status);  // MPI_Abort does not return; this keeps the promise if it ever did
  }

 private:
  // Whether every rank runs on this machine, so that they can share memory.
  bool one_machine() {
    if (node_ == MPI_COMM_NULL) {
      check(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node_), "MPI_Comm_split_type");
      int node_size = 0;
      MPI_Comm_size(node_, &node_size);
      one_machine_ = node_size == size_;
    }
    return one_machine_;
  }
  // Whether the ranks may take `bytes` each of shared memory. Not when DESCENT_SHARED_EXCHANGE=0 (then the
  // gradients go through MPI_Allreduce, as on several machines), nor when /dev/shm, where Open MPI maps
  // shared windows, lacks room for all of it with a quarter to spare: a container's is often 64 MB, and a
  // page beyond its end would end the process with SIGBUS when first touched. Decided together, so that
  // every rank makes the same collective calls: any rank's no is no.
  bool may_share(std::size_t bytes) {
    std::int64_t no[1] = {0};
    const char* env = std::getenv("DESCENT_SHARED_EXCHANGE");
    struct statvfs fs {};
    if (env && std::string_view(env) == "0") no[0] = 1;
    else if (statvfs("/dev/shm", &fs) == 0)
      no[0] = static_cast<double>(fs.f_bavail) * static_cast<double>(fs.f_frsize) <
              1.25 * static_cast<double>(bytes) * static_cast<double>(size_);
    all_reduce(std::span<std::int64_t>(no), MPI_INT64_T, MPI_MAX);
    return no[0] == 0;
  }
  // Sums `data` through its shared window when it lies in one; false when it does not.
  template <class T>
  bool shared(std::span<T> data) {
    const auto* p = reinterpret_cast<const std::byte*>(data.data());
    for (Window& w : windows_) {
      const std::byte* mine = w.segments[static_cast<std::size_t>(rank_)];
      if (p < mine || p + data.size_bytes() > mine + w.bytes) continue;
      shared_sum<T>(w, static_cast<std::size_t>(p - mine), data.size(), rank_, size_);
      return true;
    }
    return false;
  }

  int rank_ = 0;
  int size_ = 1;
  MPI_Comm node_ = MPI_COMM_NULL;  // the ranks on this machine, ordered as in MPI_COMM_WORLD
  bool one_machine_ = false;
  std::vector<Window> windows_;
};

}  // namespace

std::unique_ptr<Communicator> start_mpi(int* argc, char*** argv) {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) check(MPI_Init(argc, argv), "MPI_Init");
  return std::make_unique<MpiCommunicator>();
}

void finish_mpi() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

}  // namespace descent::distributed
