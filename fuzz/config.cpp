// Training configs (train/config.hpp): the TOML parsed and checked, then the model, loss, optimizer and
// schedule built from it, as `descent train` does before its first update (no data is read, nothing
// trains). Data files the config names are looked up relative to the working directory.
#include <string>

#include "descent/tensor/generator.hpp"
#include "descent/train/config.hpp"
#include "descent/train/model_from_config.hpp"
#include "fuzz_input.hpp"
#include "fuzz_targets.hpp"

namespace descent::fuzz {

int fuzz_config(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  return run_input([&] {
    const train::TrainConfig config = train::parse_config_string(text, "fuzz.toml");
    Generator gen(config.seed);
    const auto model = train::build_network(config, gen);
    train::build_loss(config);
    const auto optimizer = train::build_optimizer(config, *model);
    train::build_scheduler(config, *optimizer, 3);
  });
}

}  // namespace descent::fuzz
