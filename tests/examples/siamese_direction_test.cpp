// The Siamese founding bug, as a test of the library's losses on each example's tower: from the initial
// weights, in float64, a step of SGD on one pair alone moves the pair's score toward its target
// (similarity up for a +1 pair, down for a -1 pair; distance down for a similar pair, up for a
// dissimilar one), for at least 97% of 200 seeded Fashion-MNIST pairs with a non-zero loss; and one
// SGD step on a batch of 128 pairs lowers that batch's loss. A loss whose gradient has the wrong sign
// for one kind of pair (examples/siamese/siamese_sign_flipped.cpp) moves those pairs the wrong way.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <sstream>

#include "app.hpp"
#include "descent/autograd/ops/shape.hpp"
#include "descent/data/pairs.hpp"
#include "descent/descent.hpp"
#include "descent/train/config.hpp"
#include "descent/train/model_from_config.hpp"
#include "support/text.hpp"

namespace descent {
namespace {

using descent::testing::kFashionMnist;
constexpr double kLr = 1e-3;

// (B, 784) rows as (B, 1, 28, 28) images.
class Images : public nn::Module {
 public:
  Tensor forward(const Tensor& x) override { return reshape(x, {x.size(0), 1, 28, 28}); }
  std::string describe() const override { return "Unflatten(1, (1, 28, 28))"; }
};

// examples/siamese/cnn.toml's tower, built here as the layer-sequence config would build it.
std::shared_ptr<nn::Module> lenet_tower(Generator& gen) {
  const auto conv = [&](std::int64_t in, std::int64_t out, std::int64_t padding) {
    return std::make_shared<nn::Conv2d>(
        in, out, 5, nn::Conv2dOptions{.padding = padding, .dtype = Dtype::Float64, .generator = &gen});
  };
  const auto linear = [&](std::int64_t in, std::int64_t out) {
    return std::make_shared<nn::Linear>(in, out, nn::LinearOptions{.dtype = Dtype::Float64, .generator = &gen});
  };
  return std::make_shared<nn::Sequential>(std::initializer_list<std::shared_ptr<nn::Module>>{
      std::make_shared<Images>(), conv(1, 6, 2), std::make_shared<nn::ReLU>(), std::make_shared<nn::MaxPool2d>(2),
      conv(6, 16, 0), std::make_shared<nn::ReLU>(), std::make_shared<nn::MaxPool2d>(2), std::make_shared<nn::Flatten>(),
      linear(400, 120), std::make_shared<nn::ReLU>(), linear(120, 84), std::make_shared<nn::ReLU>(), linear(84, 64)});
}

struct Case {
  std::string name;
  std::shared_ptr<nn::Siamese> model;
  train::LossFn loss;
  nn::PairScore score;
  double dissimilar;  // the dissimilar pairs' target: -1 or 0
};

Case from_config(const std::string& file) {
  train::TrainConfig config = train::parse_config(std::string(DESCENT_SOURCE_DIR) + "/examples/siamese/" + file);
  config.dtype = Dtype::Float64;
  Generator gen(config.seed);
  auto model = std::dynamic_pointer_cast<nn::Siamese>(train::build_network(config, gen));
  const nn::PairScore score = *train::siamese_score(config);
  return {file, model, train::build_loss(config), score, config.loss.name == "contrastive" ? 0.0 : -1.0};
}

Case lenet() {
  Generator gen(1);
  const auto loss = [](const Tensor& e, const Tensor& y) {
    const auto [a, b] = nn::Siamese::halves(e);
    return nn::cosine_embedding_loss(a, b, y, {.margin = 0.3});  // as cnn.toml
  };
  return {"cnn.toml (built in C++)", std::make_shared<nn::Siamese>(lenet_tower(gen)), loss, nn::PairScore::Cosine,
          -1.0};
}

std::map<std::string, Tensor> snapshot(const nn::Module& m) {
  std::map<std::string, Tensor> out;
  for (const auto& [name, t] : m.state_dict()) out[name] = t.clone();
  return out;
}

void check_directions(const Case& c) {
  const data::Dataset images = data::load_mnist(kFashionMnist, true, 10, Dtype::Float64, 5000);
  const data::Dataset pairs = data::make_pairs(images, {.count = 400, .seed = 3, .dissimilar = c.dissimilar});
  nn::Siamese& model = *c.model;
  const auto initial = snapshot(model);
  optim::SGD sgd(model.named_parameters(), {.lr = kLr});

  int stepped = 0, toward = 0;
  for (std::int64_t i = 0; i < pairs.size() && stepped < 200; ++i) {
    const Tensor x = pairs.inputs().view_narrowed(i, 1), y = pairs.targets.view_narrowed(i, 1);
    sgd.zero_grad();
    const Tensor loss = c.loss(model(x), y);
    if (loss.item() <= 0) continue;  // a pair already past its margin: no gradient, no direction
    double before = 0;
    {
      NoGradGuard no_grad;
      before = nn::pair_score(model(x), c.score).item();
    }
    loss.backward();
    sgd.step();
    NoGradGuard no_grad;
    const double after = nn::pair_score(model(x), c.score).item();
    const bool similar = y.item() > 0.5;
    const bool up = after > before;
    toward += (c.score == nn::PairScore::Cosine) == similar ? up : after < before;
    ++stepped;
    model.load_state_dict(initial);
  }
  ASSERT_EQ(stepped, 200) << c.name << ": too few pairs with a non-zero loss";
  const double share = static_cast<double>(toward) / stepped;
  std::printf("[ %s ] %d of %d single-pair steps move the score toward the target (%.1f%%)\n", c.name.c_str(), toward,
              stepped, 100 * share);
  EXPECT_GE(share, 0.97) << c.name;

  // One step on a batch of 128 pairs lowers that batch's loss.
  const Tensor x = pairs.inputs().view_narrowed(0, 128), y = pairs.targets.view_narrowed(0, 128);
  sgd.zero_grad();
  const Tensor loss = c.loss(model(x), y);
  loss.backward();
  sgd.step();
  NoGradGuard no_grad;
  const double before = loss.item(), after = c.loss(model(x), y).item();
  std::printf("[ %s ] batch of 128: loss %.10f -> %.10f\n", c.name.c_str(), before, after);
  EXPECT_LT(after, before) << c.name;
  model.load_state_dict(initial);
}

class SiameseDirection : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!data::has_idx_files(kFashionMnist))
      GTEST_SKIP() << "Fashion-MNIST is not installed in " << kFashionMnist
                   << " (apt-get install dataset-fashion-mnist); this test draws its pairs from it";
  }
};

TEST_F(SiameseDirection, CosineTowerStepsTowardTheTarget) { check_directions(from_config("cosine.toml")); }
TEST_F(SiameseDirection, ContrastiveTowerStepsTowardTheTarget) { check_directions(from_config("contrastive.toml")); }
TEST_F(SiameseDirection, ConvolutionalTowerStepsTowardTheTarget) { check_directions(lenet()); }

// `descent check` with its default samples, as a user runs it; a test a config, for CTest to spread.
void expect_descent_check_passes(const std::string& file) {
  std::ostringstream out, err;
  const int status = cli::run(
      {"check", std::string(DESCENT_SOURCE_DIR) + "/examples/siamese/" + file, "--data-dir", kFashionMnist}, out, err);
  EXPECT_EQ(status, 0) << file << "\n" << out.str() << err.str();
}

TEST_F(SiameseDirection, DescentCheckPassesOnTheCosineConfig) { expect_descent_check_passes("cosine.toml"); }
TEST_F(SiameseDirection, DescentCheckPassesOnTheContrastiveConfig) { expect_descent_check_passes("contrastive.toml"); }

}  // namespace
}  // namespace descent
