#include "descent/nn/embedding.hpp"

#include <string>

#include "descent/autograd/ops/indexing.hpp"
#include "descent/error.hpp"
#include "descent/tensor/creation.hpp"

namespace descent::nn {

Embedding::Embedding(std::int64_t num_embeddings, std::int64_t embedding_dim, EmbeddingOptions options)
    : num_(num_embeddings), dim_(embedding_dim), padding_idx_(options.padding_idx) {
  if (num_embeddings < 1 || embedding_dim < 1)
    throw ValueError("Embedding(" + std::to_string(num_embeddings) + ", " + std::to_string(embedding_dim) +
                     "): expected positive sizes");
  if (padding_idx_) {
    if (*padding_idx_ < -num_ || *padding_idx_ >= num_)
      throw ValueError("Embedding: padding_idx " + std::to_string(*padding_idx_) + " must be within num_embeddings " +
                       std::to_string(num_));
    if (*padding_idx_ < 0) *padding_idx_ += num_;
  }
  weight_ = register_parameter("weight", normal(Shape{num_, dim_}, 0.0, 1.0, options.dtype, options.generator));
  if (padding_idx_) fill_(weight_.view_narrowed(*padding_idx_, 1), 0.0);
}

Tensor Embedding::forward(const Tensor& indices) { return embedding(indices, weight_, padding_idx_); }

std::string Embedding::describe() const {
  std::string s = "Embedding(" + std::to_string(num_) + ", " + std::to_string(dim_);
  if (padding_idx_) s += ", padding_idx=" + std::to_string(*padding_idx_);
  return s + ")";
}

}  // namespace descent::nn
