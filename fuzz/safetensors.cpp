// safetensors files (data/safetensors.hpp) and, through them, checkpoints (train/checkpoint.hpp): each
// input is read as a safetensors file, then loaded as a checkpoint and as weights into the model of the
// config below (fuzz/corpus/safetensors/ holds checkpoints of that model, written by descent train).
#include <memory>
#include <string>

#include "descent/data/data_loader.hpp"
#include "descent/data/safetensors.hpp"
#include "descent/tensor/creation.hpp"
#include "descent/tensor/generator.hpp"
#include "descent/train/checkpoint.hpp"
#include "descent/train/config.hpp"
#include "descent/train/model_from_config.hpp"
#include "fuzz_input.hpp"
#include "fuzz_targets.hpp"

namespace descent::fuzz {
namespace {

// fuzz/corpus/safetensors/README.md gives the command that wrote the seeds with it.
constexpr const char* kConfig = R"(# the model of the safetensors fuzz target's checkpoints
[model]
layers = [2, 3, 2]
[data]
inputs = [[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]]
targets = [[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]]
[loss]
name = "mse"
[optim]
name = "adam"
[scheduler]
name = "steplr"
step_size = 1
[train]
epochs = 2
batch_size = 2
)";

// The config's inline examples.
data::Dataset examples() {
  data::Dataset d;
  d.set_inputs(from_vector(std::vector<double>{0, 1, 1, 0, 0.5, 0.5}, Shape{3, 2}));
  d.targets = from_vector(std::vector<double>{1, 0, 0, 1, 0.5, 0.5}, Shape{3, 2});
  return d;
}

// What a checkpoint restores: built once, overwritten by every input that loads.
struct Parts {
  train::TrainConfig config = train::parse_config_string(kConfig, "checkpoint.toml");
  Generator gen{1};
  std::shared_ptr<nn::Module> model = train::build_network(config, gen);
  std::unique_ptr<optim::Optimizer> optimizer = train::build_optimizer(config, *model);
  data::Dataset dataset = examples();
  data::DataLoader loader{dataset, {.batch_size = 2, .shuffle = true}};
  std::unique_ptr<optim::LRScheduler> scheduler = train::build_scheduler(config, *optimizer, loader.num_batches());
};

}  // namespace

int fuzz_safetensors(const std::uint8_t* data, std::size_t size) {
  static Parts parts;
  return run_input([&] {
    const std::string path = input_file(data, size, "checkpoint.safetensors");
    data::load_safetensors(path);
    try {
      train::load_checkpoint(path, parts.config,
                             {.model = *parts.model,
                              .optimizer = *parts.optimizer,
                              .scheduler = parts.scheduler.get(),
                              .loader = parts.loader});
    } catch (const descent::Error&) {
    }
    train::load_weights(path, parts.config, *parts.model);
  });
}

}  // namespace descent::fuzz
