#include "descent/train/data_fingerprint.hpp"

#include <algorithm>
#include <bit>
#include <cstdio>

#include "descent/error.hpp"
#include "descent/util/join.hpp"
#include "descent/util/split.hpp"

namespace descent::train {
namespace {

// FNV-1a, 64 bits (Fowler, Noll, Vo): a fixed, portable hash; not for security, only to tell data sets apart.
class Fnv1a {
 public:
  void add(std::uint64_t word) {
    for (int i = 0; i < 8; ++i) {
      h_ ^= (word >> (8 * i)) & 0xff;
      h_ *= 1099511628211ULL;
    }
  }
  std::string hex() const {
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(h_));
    return text;
  }

 private:
  std::uint64_t h_ = 14695981039346656037ULL;
};

// The first rows of `t` (one example a row), each value rounded to float32: the dtype leaves the hash alone.
void add_values(Fnv1a& hash, const Tensor& t, std::int64_t rows) {
  if (!t.defined()) return;
  for (const std::int64_t d : t.shape()) hash.add(static_cast<std::uint64_t>(d));
  for (const double v : t.view_narrowed(0, rows).to_vector())
    hash.add(std::bit_cast<std::uint32_t>(static_cast<float>(v)));
}

void add_set(Fnv1a& hash, const data::Dataset& set) {
  const std::int64_t rows = std::min(set.size(), kFingerprintExamples);
  hash.add(static_cast<std::uint64_t>(set.size()));
  // The bytes as stored when the set keeps them: the pixel scale (normalize) is not the data's.
  add_values(hash, set.pixels.defined() ? set.pixels : set.inputs(), rows);
  add_values(hash, set.targets, rows);
}

std::int64_t read_count(const std::map<std::string, std::string>& metadata, const std::string& key) {
  auto it = metadata.find(key);
  if (it == metadata.end()) return -1;
  try {
    return std::stoll(it->second);
  } catch (const std::exception&) {
    return -1;
  }
}

std::string value_or_empty(const std::map<std::string, std::string>& metadata, const std::string& key) {
  auto it = metadata.find(key);
  return it == metadata.end() ? std::string() : it->second;
}

}  // namespace

std::string DataFingerprint::describe() const {
  std::string text = kind;
  text.append(" data from ").append(source);
  if (!files.empty()) text.append(" (").append(util::join(files)).append(")");
  text.append(": ")
      .append(std::to_string(train_examples))
      .append(" training and ")
      .append(std::to_string(test_examples))
      .append(" test examples, first examples' hash ")
      .append(hash);
  return text;
}

DataFingerprint fingerprint_data(const data::Dataset& train, const data::Dataset& test, std::string kind,
                                 std::string source, std::vector<std::string> files) {
  Fnv1a hash;
  add_set(hash, train);
  add_set(hash, test);
  return {.kind = std::move(kind),
          .source = std::move(source),
          .files = std::move(files),
          .train_examples = train.size(),
          .test_examples = test.size(),
          .hash = hash.hex()};
}

bool same_data(const DataFingerprint& a, const DataFingerprint& b) {
  return a.train_examples == b.train_examples && a.test_examples == b.test_examples && a.hash == b.hash;
}

void write_fingerprint(const DataFingerprint& f, std::map<std::string, std::string>& metadata) {
  metadata["data.kind"] = f.kind;
  metadata["data.source"] = f.source;
  metadata["data.files"] = util::join(f.files, "\n");
  metadata["data.train_examples"] = std::to_string(f.train_examples);
  metadata["data.test_examples"] = std::to_string(f.test_examples);
  metadata["data.hash"] = f.hash;
}

std::optional<DataFingerprint> read_fingerprint(const std::map<std::string, std::string>& metadata) {
  if (!metadata.contains("data.hash")) return std::nullopt;
  DataFingerprint f{.kind = value_or_empty(metadata, "data.kind"),
                    .source = value_or_empty(metadata, "data.source"),
                    .train_examples = read_count(metadata, "data.train_examples"),
                    .test_examples = read_count(metadata, "data.test_examples"),
                    .hash = value_or_empty(metadata, "data.hash")};
  if (const std::string files = value_or_empty(metadata, "data.files"); !files.empty())
    f.files = util::split(files, '\n');
  return f;
}

void check_same_data(const std::string& checkpoint, const std::optional<DataFingerprint>& trained,
                     const DataFingerprint& now, std::ostream& warnings) {
  if (!trained) {
    warnings << "descent: warning: " << checkpoint
             << " records no data set (it was written before checkpoints did), so nothing checks that it was "
                "trained on "
             << now.describe() << "\n";
    return;
  }
  if (same_data(*trained, now)) return;
  throw IoError(checkpoint + " was trained on " + trained->describe() + ", but this run reads " + now.describe() +
                ": a checkpoint's results mean something only on its own data; pass the data it was trained on "
                "(--data-dir, or the config's [data])");
}

}  // namespace descent::train
