// [data] validation and [train] early_stopping, read and checked as every other key: each message
// names the file, the key, the value and what is allowed.
#include "config_workflow.hpp"

#include <array>
#include <optional>
#include <string_view>

#include "descent/train/config_keys.hpp"

namespace descent::train::config_reader {
namespace {

constexpr std::string_view kTableExample = "a table, e.g. {metric = \"val_loss\", patience = 5, min_delta = 0}";

}  // namespace

void read_validation(const Section& data, DataConfig& d) {
  data.get("validation", d.validation);
  data.check("validation", d.validation >= 0, "validation >= 0 (0: no validation set)");
}

std::optional<EarlyStoppingConfig> read_early_stopping(const Section& train) {
  const toml::node* node = train.find("early_stopping");
  if (!node) return std::nullopt;
  if (!node->is_table()) train.fail("early_stopping", kTableExample);
  const Section s(train.path(), "train.early_stopping", node->as_table());
  s.reject_unknown(config_key_names("train.early_stopping"));
  EarlyStoppingConfig e;
  s.get_choice("metric", e.metric, config_key("train.early_stopping", "metric").choices);
  s.get("patience", e.patience);
  s.check("patience", e.patience >= 1, "patience >= 1 (epochs without improvement before stopping)");
  s.get("min_delta", e.min_delta);
  s.check("min_delta", e.min_delta >= 0, "min_delta >= 0");
  return e;
}

void check_workflow(const Section& data, const Section& train, const TrainConfig& c) {
  const std::int64_t validation = c.data.validation;
  const bool pairs = c.model.siamese != "none";
  if (validation > 0 && pairs)
    data.fail("validation", "0 with model.siamese: pairs are drawn from the whole training set");
  const auto rows = static_cast<std::int64_t>(c.data.inputs.size());
  if (validation > 0 && rows > 0 && validation >= rows)
    data.fail("validation", "fewer than the " + std::to_string(rows) +
                                " rows of data.inputs: validation = N holds out the last N rows and at least one "
                                "must be left to train on");
  if (!c.early_stopping) return;
  const std::string& metric = c.early_stopping->metric;
  const Section s(train.path(), "train.early_stopping", train.find("early_stopping")->as_table());
  if (metric.starts_with("val_") && validation == 0)
    s.fail("metric", "data.validation > 0 to measure " + metric +
                         " (no examples are held out); or one of "
                         "train_loss, test_loss, test_accuracy");
  const bool regression = rows > 0;
  if (metric.ends_with("_accuracy") && regression)
    s.fail("metric",
           "a loss (val_loss, train_loss, test_loss) with inline data: its targets are numbers, no "
           "accuracy is measured");
  if (metric == "test_loss" && pairs)
    s.fail("metric", "train_loss or test_accuracy with model.siamese: the test pairs are measured by accuracy alone");
}

}  // namespace descent::train::config_reader
