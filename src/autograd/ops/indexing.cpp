#include "descent/autograd/ops/indexing.hpp"

#include "descent/autograd/node.hpp"
#include "descent/tensor/kernels/indexing.hpp"

namespace descent {

Tensor gather(const Tensor& a, std::int64_t dim, const Tensor& index) {
  Tensor out = kernels::gather(a, dim, index);
  if (!any_requires_grad({&a})) return out;
  // each picked element receives its output's gradient; the rest receive 0 (scatter-add)
  return record(out, "gather", {&a}, [shape = a.shape(), dim, index](const Tensor& g) {
    return std::vector<Tensor>{kernels::scatter_add(shape, dim, index, g)};
  });
}

}  // namespace descent
