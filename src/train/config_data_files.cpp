#include "config_data_files.hpp"

#include <filesystem>
#include <string>
#include <tuple>

#include "descent/train/config_keys.hpp"

namespace descent::train::config_reader {
namespace {

constexpr std::array<std::string_view, 3> kExtensions = {".csv", ".npy", ".npz"};

std::string extension(const std::string& path) { return std::filesystem::path(path).extension().string(); }

void read_augment(const Section& data, data::AugmentOptions& a) {
  const toml::node* node = data.find("augment");
  if (!node) return;
  if (!node->is_table())
    data.fail("augment", "a table, e.g. {crop_padding = 2, hflip = 0.5, rotation = 10, translate = 0.1}");
  const std::string name = data.full("augment");
  const Section s(data.path(), name, node->as_table());
  s.reject_unknown(config_key_names("data.augment"));
  s.get("crop_padding", a.crop_padding);
  s.check("crop_padding", a.crop_padding >= 0, "crop_padding >= 0 (pixels of zeros on every side; 0: off)");
  s.get("hflip", a.hflip);
  s.check("hflip", a.hflip >= 0 && a.hflip <= 1, "a probability in [0, 1] (0: off)");
  s.get("rotation", a.rotation);
  s.check("rotation", a.rotation >= 0 && a.rotation <= 180, "degrees in [0, 180] (0: off)");
  s.get("translate", a.translate);
  s.check("translate", a.translate >= 0 && a.translate <= 1, "a fraction of the image size in [0, 1] (0: off)");
}

}  // namespace

std::string read_path(const Section& s, std::string_view key, std::string_view expected) {
  const toml::node* node = s.find(key);
  if (!node) return {};
  const auto* text = node->as_string();
  if (!text || text->get().empty()) s.fail(key, expected);
  const std::filesystem::path path(text->get());
  if (path.is_absolute()) return path.string();
  return (std::filesystem::path(s.path()).parent_path() / path).lexically_normal().string();
}

void read_data_files(const Section& s, DataConfig& d) {
  read_augment(s, d.augment);
  if (d.augment.any() && !d.inputs.empty())
    s.fail("augment", "no augment with inline data.inputs: augmentation transforms images");
  constexpr std::string_view file = "a file name ending in .csv, .npy or .npz";
  d.train = read_path(s, "train", file);
  d.test = read_path(s, "test", file);
  for (const auto& [key, path] : {std::pair{"train", d.train}, {"test", d.test}})
    if (!path.empty() && !contains(kExtensions, extension(path))) s.fail(key, file);
  if (d.train.empty() != d.test.empty())
    s.missing(d.train.empty() ? "train" : "test",
              "data.train and data.test name the training and the test set's files together");
  if (!d.train.empty() && !d.inputs.empty())
    s.fail("train", "either data files (train, test) or inline data.inputs, not both");

  constexpr std::string_view labels = "a .npy file of labels, beside a .npy file of inputs";
  d.train_labels = read_path(s, "train_labels", labels);
  d.test_labels = read_path(s, "test_labels", labels);
  for (const auto& [key, set, inputs, path] :
       {std::tuple{"train_labels", "train", d.train, d.train_labels}, {"test_labels", "test", d.test, d.test_labels}}) {
    const bool npy = extension(inputs) == ".npy";
    if (npy && path.empty())
      s.missing(key, std::string("the labels y, a .npy file, as data.") + set + " = \"*.npy\" holds the inputs x");
    if (!npy && !path.empty())
      s.fail(key, std::string("no labels file unless data.") + set +
                      " is a .npy file (.csv has a label column, .npz an array y)");
    if (npy && extension(path) != ".npy") s.fail(key, labels);
  }

  if (const toml::node* node = s.find("label_column")) {
    constexpr std::string_view expected = "a column name of the header, or a 0-based column index >= 0";
    if (extension(d.train) != ".csv" && extension(d.test) != ".csv")
      s.fail("label_column", "no label_column unless data.train or data.test is a .csv file");
    if (const auto* name = node->as_string(); name && !name->get().empty()) d.label_column = name->get();
    else if (const auto* index = node->as_integer(); index && index->get() >= 0) d.label_index = index->get();
    else s.fail("label_column", expected);
  }
}

}  // namespace descent::train::config_reader
