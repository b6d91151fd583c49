// Configs that claim too much: nesting past what the TOML parser's stack takes, sizes whose products
// overflow 64 bits, layers and parameters past the memory limit (util/memory_limit.hpp). Each is an
// error naming the file, the key and the sizes, before anything is allocated.
#include <gtest/gtest.h>

#include <string>

#include "descent/error.hpp"
#include "descent/tensor/generator.hpp"
#include "descent/train/config.hpp"
#include "descent/train/model_from_config.hpp"
#include "descent/util/memory_limit.hpp"
#include "support/scoped_env.hpp"
#include "support/text.hpp"

namespace descent::train {
namespace {

using descent::testing::ScopedEnv;

// The message of the descent::Error that reading `text` (and building its model) throws.
std::string error_of(const std::string& text) {
  try {
    const TrainConfig c = parse_config_string(text, "cfg.toml");
    Generator gen(1);
    const auto model = build_network(c, gen);
    build_scheduler(c, *build_optimizer(c, *model), 1000);
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error for:\n" << text.substr(0, 200);
  return {};
}

using descent::testing::contains;

std::string repeated(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

TEST(ConfigLimits, DeepNestingIsAnErrorNotAStackOverflow) {
  // A table header 60,000 keys deep crashed inside toml++.
  const std::string header = "[" + repeated("a.", 60000) + "a]\n";
  const std::string m = error_of(header);
  EXPECT_TRUE(contains(m, "cfg.toml:1:")) << m;
  EXPECT_TRUE(contains(m, "nested more than 64 levels deep")) << m;
  EXPECT_LT(m.size(), 200u);
  EXPECT_TRUE(contains(error_of("[model]\n" + repeated("a.", 60000) + "a = 1\n"), "cfg.toml:2:"));
  EXPECT_TRUE(contains(error_of("[model]\nx = " + repeated("{a.b = ", 30) + "1" + repeated("}", 30) + "\n"),
                       "nested more than 64 levels deep"));
  EXPECT_TRUE(contains(error_of("[data]\ninputs = " + repeated("[", 200) + repeated("]", 200) + "\n"),
                       "nested more than 64 levels deep"));
  // Dots in strings, numbers and comments are not keys; a few levels are fine.
  const std::string fine = "[model]  # a.b.c.d\nlayers = [2, 3, 2]  # " + repeated("x.", 100) + "\nactivation = \"" +
                           repeated("y.", 100) + "\"\n[optim]\nlr = 1.5\n";
  EXPECT_TRUE(contains(error_of(fine), "activation = \"y.y.y.")) << error_of(fine);  // not a nesting error
}

TEST(ConfigLimits, NonAsciiWhereTomlppCannotReadIt) {
  // toml++ 3.3 reaches __builtin_unreachable when it asks whether U+00A1..U+0499 is whitespace: outside
  // strings (a bare key "lay\u0466rs", found by the fuzzer) and after a multi-line string's backslash.
  EXPECT_EQ(error_of("[model]\nlay\xd1\xa6rs = [2, 2]\n"),
            "cfg.toml:2:4: a non-ASCII byte outside a string or comment: expected ASCII (TOML keys and values other "
            "than strings are ASCII)");
  EXPECT_TRUE(contains(error_of("[model]\nlayers = [2, 2]\nactivation = \"\"\"\\\n  \xc3\xa9\"\"\"\n"),
                       "cfg.toml:4:3: a non-ASCII character after a backslash in a multi-line string"));
  // A quote inside a bare word starts no string for toml++, which asks about what follows it: U+FEF6
  // (another range it cannot look at) after 92233"""..., found by the fuzzer.
  EXPECT_EQ(error_of("[model]\nlayers = [7864, 92233n_\"\"\"4_h\xef\xbb\xb6"
                     "annels\"\n"),
            "cfg.toml:2:30: a non-ASCII byte outside a string or comment: expected ASCII (TOML keys and values "
            "other than strings are ASCII)");
  // In strings and comments, and as a byte order mark, it is read as before.
  EXPECT_TRUE(contains(error_of("\xEF\xBB\xBF# caf\xc3\xa9\n[model]\nlayers = [2, 2]  # \xc3\xa9\nactivation = "
                                "\"\xc3\xa9\"\n"),
                       "cfg.toml: model.activation = \"\xc3\xa9\": expected one of"));
}

TEST(ConfigLimits, HugeFilesAreRefusedUnread) {
  const std::string big(std::size_t{17} << 20, '#');
  EXPECT_EQ(error_of(big), "cfg.toml: 17 MiB: expected a config of at most 16 MiB");
}

TEST(ConfigLimits, SizesNear2To63AreErrors) {
  const std::string mlp = error_of("[model]\nlayers = [784, 9223372036854775807, 10]\n");
  EXPECT_TRUE(contains(mlp,
                       "cfg.toml: model.layers[1] = 9223372036854775807: one example's values (as float32) "
                       "needs more than 2^63 bytes, more than the 2 GiB allowed"))
      << mlp;
  const std::string conv = "[model]\ninput_shape = [1, 28, 28]\n[[model.layer]]\ntype = \"conv2d\"\n";
  const std::string tail =
      "[[model.layer]]\ntype = \"flatten\"\n[[model.layer]]\ntype = \"linear\"\nout_features = 10\n";
  const std::string channels = error_of(conv + "out_channels = 9223372036854775807\nkernel_size = 3\n" + tail);
  EXPECT_TRUE(contains(channels, "cfg.toml: model.layer[0] (conv2d): the output [9223372036854775807, 26, 26]"))
      << channels;
  const std::string padding =
      error_of(conv + "out_channels = 2\nkernel_size = 3\npadding = 4611686018427387904\n" + tail);
  EXPECT_TRUE(contains(padding,
                       "model.layer[0].padding = 4611686018427387904: expected a padded input whose size "
                       "fits in 64 bits"))
      << padding;
  const std::string input = error_of(
      "[model]\ninput_shape = [1, 3037000500, 3037000500]\n[[model.layer]]\ntype = \"flatten\"\n[[model.layer]]\n"
      "type = \"linear\"\nout_features = 10\n");
  EXPECT_TRUE(contains(input, "cfg.toml: model.input_shape = [1, 3037000500, 3037000500] of one example")) << input;
}

TEST(ConfigLimits, LayersPastTheMemoryLimitAreRefusedBeforeAllocating) {
  // 10^11 outputs: std::bad_alloc (exit 3) before the limit.
  const std::string m = error_of("[model]\nlayers = [784, 100000000000, 10]\n");
  EXPECT_TRUE(contains(m,
                       "model.layers[1] = 100000000000: one example's values (as float32) needs 372.5 GiB "
                       "(400000000000 bytes), more than the 2 GiB allowed"))
      << m;
  ScopedEnv limit("DESCENT_MAX_MEMORY", "8M");
  // The MLP's parameters counted before any layer is made: (784 + 1) x 2000 + (2000 + 1) x 2000 +
  // (2000 + 1) x 10 floats, 22,368,040 bytes.
  const std::string mlp = error_of("[model]\nlayers = [784, 2000, 2000, 10]\n");
  EXPECT_TRUE(contains(mlp,
                       "cfg.toml: model.layers = [784, 2000, 2000, 10]: the model (float32 parameters) needs 21.33 MiB "
                       "(22368040 bytes), more than the 8 MiB allowed"))
      << mlp;
  // The layer form: each tensor checked before it is made, then the sum after each layer. One weight
  // past the limit, [2000, 2000] float32 (15.26 MiB); each weight within it, their sum not: 3.0 + 3.8
  // + 3.8 MiB (784 x 1000, 1000 x 1000 and 1000 x 1000 floats, and the biases).
  const std::string flat = "[model]\ninput_shape = [784]\n";
  auto linear = [](int n) { return "[[model.layer]]\ntype = \"linear\"\nout_features = " + std::to_string(n) + "\n"; };
  const std::string one = error_of(flat + linear(2000) + linear(2000) + linear(10));
  EXPECT_TRUE(
      contains(one, "cfg.toml: model.layer[1] (linear): a tensor of shape [2000, 2000] (float32) needs 15.26 MiB"))
      << one;
  const std::string sum = error_of(flat + linear(1000) + linear(1000) + linear(1000) + linear(10));
  EXPECT_TRUE(contains(
      sum, "cfg.toml: model.layer[2] (linear): the sum of the model's parameters up to this layer needs 10.63 MiB"))
      << sum;
  const std::string conv = error_of(
      "[model]\ninput_shape = [64, 8, 8]\n[[model.layer]]\ntype = \"conv2d\"\nout_channels = 2048\nkernel_size = 5\n"
      "[[model.layer]]\ntype = \"flatten\"\n[[model.layer]]\ntype = \"linear\"\nout_features = 10\n");
  EXPECT_TRUE(contains(conv,
                       "cfg.toml: model.layer[0] (conv2d): a tensor of shape [2048, 64, 5, 5] (float32) needs "
                       "12.5 MiB"))
      << conv;
}

TEST(ConfigLimits, BlocksExpandToAtMostTenThousandLayers) {
  // 101 uses of a block of 100 layers: 10,100 layers from a config of a few kilobytes.
  const std::string m =
      error_of("[model]\ninput_shape = [4]\n" + repeated("[[model.blocks.b.layer]]\ntype = \"relu\"\n", 100) +
               repeated("[[model.layer]]\ntype = \"block\"\nblock = \"b\"\n", 101));
  EXPECT_TRUE(contains(m,
                       "cfg.toml: model.layer[100].block = \"b\": expected at most 10000 layers in the model once "
                       "blocks are expanded, got 10100 by this use"))
      << m;
}

TEST(ConfigLimits, OneCycleStepsPast2To63AreAnError) {
  const std::string m = error_of(
      "[model]\nlayers = [2, 2]\n[data]\ninputs = [[0.0, 1.0]]\ntargets = [[1.0, 0.0]]\n[loss]\nname = \"mse\"\n"
      "[optim]\nname = \"adam\"\n[scheduler]\nname = \"onecyclelr\"\nmax_lr = 0.1\n[train]\n"
      "epochs = 9223372036854775807\n");
  EXPECT_TRUE(contains(m, "train.epochs = 9223372036854775807: expected at most 9223372036854775 with 1000 batches"))
      << m;
}

TEST(ConfigLimits, MessagesQuoteLongValuesInPart) {
  const std::string m = error_of("[model]\nlayers = [" + repeated("1, ", 100000) + "0]\n");
  EXPECT_TRUE(contains(m, "cfg.toml: model.layers = [1, 1, 1, ")) << m.substr(0, 300);
  EXPECT_TRUE(contains(m, "...]: expected an array of at least 2 positive integers")) << m.substr(0, 300);
  EXPECT_LT(m.size(), 300u);
  const std::string key = error_of("[train]\n" + std::string(100000, 'k') + " = 1\n");
  EXPECT_LT(key.size(), 400u) << key.substr(0, 400);
}

}  // namespace
}  // namespace descent::train
