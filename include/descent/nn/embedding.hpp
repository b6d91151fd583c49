#pragma once
// Embedding: a lookup table of num_embeddings rows of embedding_dim values, indexed by int64 tensors
// of any shape, as torch.nn.Embedding; the weight starts N(0, 1), its padding_idx row (if any) at 0.
#include <cstdint>
#include <optional>

#include "descent/nn/module.hpp"
#include "descent/tensor/generator.hpp"

namespace descent::nn {

struct EmbeddingOptions {
  std::optional<std::int64_t> padding_idx =
      std::nullopt;  // this row stays 0 and gets no gradient; negative counts from the end
  Dtype dtype = Dtype::Float32;
  Generator* generator = nullptr;  // default_generator() when null
};

class Embedding : public Module {
 public:
  Embedding(std::int64_t num_embeddings, std::int64_t embedding_dim, EmbeddingOptions options = {});
  // indices (int64, any shape) -> (*indices.shape, embedding_dim)
  Tensor forward(const Tensor& indices) override;
  std::string describe() const override;  // "Embedding(10, 3)", "Embedding(10, 3, padding_idx=0)"

  const Tensor& weight() const { return weight_; }  // (num_embeddings, embedding_dim)
  std::int64_t num_embeddings() const { return num_; }
  std::int64_t embedding_dim() const { return dim_; }

 private:
  std::int64_t num_, dim_;
  std::optional<std::int64_t> padding_idx_;
  Tensor weight_;
};

}  // namespace descent::nn
