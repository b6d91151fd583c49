// [model.blocks]: blocks of layers written once and used by {type = "block"} tables. The block form of
// the ResNet example gives fashion.toml's model layer for layer; parameters, names and the block's
// input expand as config_blocks.hpp says; each bad block or use is a ConfigError naming the key.
#include <gtest/gtest.h>

#include <string>

#include "config_error.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "descent/train/model_from_config.hpp"

namespace descent::train {
namespace {

using Dims = std::vector<std::int64_t>;

// A block "pair": a conv2d of $c channels and a relu, plus the block's input when add_in.
std::string pair_block(bool add_in) {
  std::string text =
      "[[model.blocks.pair.layer]]\ntype = \"conv2d\"\nout_channels = \"$c\"\nkernel_size = [\"$k\", \"$k\"]\n"
      "padding = \"$p\"\nname = \"conv\"\n[[model.blocks.pair.layer]]\ntype = \"relu\"\n";
  if (add_in) text += "[[model.blocks.pair.layer]]\ntype = \"add\"\ninputs = [\"in\"]\n";
  return text;
}

std::string with_model(const std::string& blocks, const std::string& layers) {
  return "[model]\ninput_shape = [2, 4, 4]\n" + blocks +
         "[[model.layer]]\ntype = \"conv2d\"\nout_channels = 3\nkernel_size = 1\n" + layers +
         "[[model.layer]]\ntype = \"flatten\"\n[[model.layer]]\ntype = \"linear\"\nout_features = 10\n";
}

TEST(ConfigBlocks, TheBlockFormOfTheResNetIsFashionToml) {
  const TrainConfig flat = parse_config(DESCENT_SOURCE_DIR "/examples/resnet/fashion.toml");
  const TrainConfig blocks = parse_config(DESCENT_SOURCE_DIR "/examples/resnet/fashion_blocks.toml");
  ASSERT_EQ(blocks.model.layer.size(), flat.model.layer.size());
  for (std::size_t i = 0; i < flat.model.layer.size(); ++i) {
    SCOPED_TRACE("layer " + std::to_string(i));
    const LayerConfig &a = flat.model.layer[i], &b = blocks.model.layer[i];
    EXPECT_EQ(b.type, a.type);
    EXPECT_EQ(b.in_shape, a.in_shape);
    EXPECT_EQ(b.out_shape, a.out_shape);
    EXPECT_EQ(b.from, a.from);
    EXPECT_EQ(b.merged, a.merged);
    if (a.type != "add") {  // an add's inputs name other outputs
      EXPECT_EQ(b.options, a.options);
    }
  }
  EXPECT_EQ(blocks.model.layer[11].name, "stage2.shortcut");
  EXPECT_EQ(blocks.model.layer[18].name, "stage2");
  EXPECT_EQ(blocks.model.layer[17].option("inputs"), "stage2.shortcut");
  EXPECT_EQ(blocks.optim.options, flat.optim.options);
  // The same parameters, drawn in the same order from the same seed.
  Generator g1(7), g2(7);
  const auto state_a = build_model(flat, g1)->state_dict(), state_b = build_model(blocks, g2)->state_dict();
  ASSERT_EQ(state_a.size(), state_b.size());
  for (const auto& [name, t] : state_a) {
    ASSERT_TRUE(state_b.count(name)) << name;
    EXPECT_EQ(state_b.at(name).to_vector(), t.to_vector()) << name;
  }
}

TEST(ConfigBlocks, ParametersNamesAndTheBlocksInput) {
  const TrainConfig c = parse_config_string(
      with_model(pair_block(true),
                 "[[model.layer]]\ntype = \"block\"\nblock = \"pair\"\nc = 3\nk = 3\np = 1\n"
                 "[[model.layer]]\ntype = \"block\"\nblock = \"pair\"\nname = \"second\"\nc = 3\nk = 1\np = 0\n"
                 "input = \"block1\"\n"),
      "blocks.toml");
  const auto& l = c.model.layer;
  ASSERT_EQ(l.size(), 9u);            // conv, 3 + 3 block layers, flatten, linear
  EXPECT_EQ(l[0].name, "block1.in");  // the layer before the first use had no name
  EXPECT_EQ(l[1].name, "block1.conv");
  EXPECT_EQ(l[1].option("out_channels"), "3");
  EXPECT_EQ(l[1].option("kernel_size"), "3");  // [3, 3] as Size2 writes it
  EXPECT_EQ(l[3].name, "block1");              // the last layer takes the use's name
  EXPECT_EQ(l[3].merged, (std::vector<std::size_t>{0}));
  EXPECT_EQ(l[4].name, "second.conv");
  EXPECT_EQ(l[4].from, std::optional<std::size_t>(3));  // the use's input
  EXPECT_EQ(l[4].option("kernel_size"), "1");
  EXPECT_EQ(l[6].name, "second");
  EXPECT_EQ(l[6].merged, (std::vector<std::size_t>{3}));
  EXPECT_EQ(l[6].out_shape, (Dims{3, 4, 4}));
}

TEST(ConfigBlocks, BadUsesNameTheKey) {
  const std::string use = "[[model.layer]]\ntype = \"block\"\n";
  EXPECT_EQ(config_error(with_model(pair_block(false), use + "block = \"triple\"\nc = 3\nk = 3\np = 1\n")),
            "cfg.toml: model.layer[1].block = \"triple\": expected one of pair");
  EXPECT_EQ(config_error(with_model(pair_block(false), use + "c = 3\nk = 3\np = 1\n")),
            "cfg.toml: missing required key model.layer[1].block (the name of a [model.blocks.NAME])");
  EXPECT_EQ(config_error(with_model("", use + "block = \"pair\"\n")),
            "cfg.toml: model.layer[1].block = \"pair\": expected the name of a [model.blocks.NAME], but the model "
            "defines none");
  EXPECT_EQ(config_error(with_model(pair_block(false), use + "block = \"pair\"\nc = 3\n")),
            "cfg.toml: missing required key model.layer[1].k (a parameter of block \"pair\")");
  EXPECT_EQ(config_error(with_model(pair_block(false), use + "block = \"pair\"\nc = 3\nk = 3\np = 1\nd = 1\n")),
            "cfg.toml: unknown key model.layer[1].d (known keys in [model.layer[1]] for block = \"pair\": type, "
            "block, name, input, c, k, p)");
  // A parameter's value is checked where the block uses it, at the expanded layer's index.
  EXPECT_EQ(config_error(with_model(pair_block(false), use + "block = \"pair\"\nc = 0\nk = 3\np = 1\n")),
            "cfg.toml: model.layer[1].out_channels = 0: expected an integer out_channels >= 1");
}

TEST(ConfigBlocks, BadBlocksNameTheKey) {
  const std::string use = "[[model.layer]]\ntype = \"block\"\nblock = \"b\"\n";
  EXPECT_EQ(config_error(with_model("blocks = 3\n", "")),
            "cfg.toml: model.blocks = 3: expected tables [model.blocks.NAME], each with [[model.blocks.NAME.layer]]");
  EXPECT_EQ(config_error(with_model("[model.blocks.b]\nlayers = 1\n", use)),
            "cfg.toml: unknown key model.blocks.b.layers (known keys in [model.blocks.b]: layer)");
  EXPECT_EQ(config_error(with_model("[model.blocks.b]\n", use)),
            "cfg.toml: missing required key model.blocks.b.layer (at least one [[model.blocks.b.layer]] table)");
  EXPECT_EQ(config_error(with_model("[[model.blocks.b.layer]]\ntype = \"block\"\nblock = \"b\"\n", use)),
            "cfg.toml: model.blocks.b.layer[0].type = \"block\": expected a layer type: a block's layers use no "
            "block");
  // "in" of a use that is the first layer: there is no layer before it.
  EXPECT_EQ(config_error("[model]\ninput_shape = [3]\n[[model.blocks.b.layer]]\ntype = \"add\"\ninputs = [\"in\"]\n"
                         "[[model.layer]]\ntype = \"block\"\nblock = \"b\"\n"),
            "cfg.toml: model.layer[0].block = \"b\": expected a block whose \"in\" has a layer before it (this use "
            "is the first layer)");
}

}  // namespace
}  // namespace descent::train
