// The expressions of `descent minimize` (functions/expression.hpp, functions/objective.hpp): parsed,
// then evaluated with their gradient at a point, as minimize's first step does.
#include <algorithm>
#include <string>
#include <vector>

#include "descent/functions/expression.hpp"
#include "descent/functions/objective.hpp"
#include "descent/tensor/creation.hpp"
#include "fuzz_input.hpp"
#include "fuzz_targets.hpp"

namespace descent::fuzz {

int fuzz_expression(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  return run_input([&] {
    const functions::Objective objective(text);
    std::size_t n = 2;
    if (!objective.test_function()) {
      const functions::Expression expression(text);
      expression.to_string();
      n = std::max<std::size_t>(expression.arity(), 1);
    }
    objective.check_variables(n);
    std::vector<Tensor> x;
    for (std::size_t i = 0; i < n; ++i) x.push_back(scalar_tensor(0.5 - 1.25 * i, Dtype::Float64).requires_grad_());
    Tensor y = objective(x);
    if (y.requires_grad()) y.backward();
  });
}

}  // namespace descent::fuzz
