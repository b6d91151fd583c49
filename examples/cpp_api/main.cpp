// An MLP trained through descent's public API alone, on data it makes itself: 20 random features per
// example, labelled by the argmax of a fixed random linear "teacher" over 4 classes. Prints the loss
// and held-out accuracy per epoch; exits 1 unless the loss of the last epoch is below half the first's.
#include <cstdint>
#include <iostream>
#include <memory>
#include <vector>

#include <descent/descent.hpp>

using namespace descent;

namespace {

constexpr std::int64_t kFeatures = 20, kClasses = 4;

// n examples (n, kFeatures) labelled argmax(x W) by the teacher W (kFeatures, kClasses).
data::Dataset make_examples(std::int64_t n, const Tensor& teacher, Generator& gen) {
  data::Dataset set;
  set.set_inputs(randn(Shape{n, kFeatures}, Dtype::Float32, &gen));
  set.targets = argmax(matmul(set.inputs(), teacher), 1);
  return set;
}

double accuracy(nn::Module& model, const data::Dataset& set) {
  NoGradGuard no_grad;
  const std::vector<double> predicted = argmax(model(set.inputs()), 1).to_vector();
  const std::vector<double> labels = set.targets.to_vector();
  std::int64_t correct = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) correct += predicted[i] == labels[i];
  return static_cast<double>(correct) / static_cast<double>(labels.size());
}

}  // namespace

int main() {
  Generator gen(1);
  const Tensor teacher = randn(Shape{kFeatures, kClasses}, Dtype::Float32, &gen);
  const data::Dataset train = make_examples(2000, teacher, gen);
  const data::Dataset test = make_examples(500, teacher, gen);

  nn::Sequential model({std::make_shared<nn::Linear>(kFeatures, 32), std::make_shared<nn::ReLU>(),
                        std::make_shared<nn::Linear>(32, kClasses)});
  optim::Adam opt(model.named_parameters(), {.lr = 1e-2});
  data::DataLoader loader(train, {.batch_size = 32, .shuffle = true, .seed = 1});

  double first_loss = 0, loss_sum = 0;
  data::Batch batch;
  for (int epoch = 0; epoch < 10; ++epoch) {
    model.train();
    loss_sum = 0;
    for (loader.start_epoch(); loader.next(batch);) {
      opt.zero_grad();
      Tensor loss = nn::cross_entropy(model(batch.inputs), batch.targets);
      loss.backward();
      opt.step();
      loss_sum += loss.item();
    }
    loss_sum /= static_cast<double>(loader.num_batches());
    if (epoch == 0) first_loss = loss_sum;
    model.eval();
    std::cout << "epoch " << epoch << ": train loss " << util::format_number(loss_sum, ".4f") << ", test accuracy "
              << util::format_number(accuracy(model, test), ".3f") << "\n";
  }
  return loss_sum < first_loss / 2 ? 0 : 1;
}
