#include "descent/train/trajectory_csv.hpp"

#include "descent/util/number_text.hpp"

namespace descent::train {

std::string format_exact(double value, Dtype dtype) {
  // A float's value is exact as a double, so %.9g of the double is the float's nine digits.
  return dtype == Dtype::Float32 ? util::format_number(static_cast<float>(value), ".9g")
                                 : util::format_number(value, ".17g");
}

TrajectoryCsv::TrajectoryCsv(const std::string& path, const std::vector<std::string>& comments,
                             const std::vector<std::string>& variable_names, Dtype dtype)
    : file_(path, "the trace"), csv_(file_.stream()), dtype_(dtype) {
  for (const std::string& c : comments) csv_.comment(c);
  std::vector<std::string> header = {"step"};
  header.insert(header.end(), variable_names.begin(), variable_names.end());
  header.insert(header.end(), {"loss", "grad_norm"});
  csv_.row(header);
}

void TrajectoryCsv::write(const MinimizePoint& p) {
  std::vector<std::string> row = {std::to_string(p.step)};
  for (double v : p.x) row.push_back(format_exact(v, dtype_));
  row.push_back(format_exact(p.loss, dtype_));
  row.push_back(format_exact(p.grad_norm, dtype_));
  csv_.row(row);
}

void TrajectoryCsv::commit() { file_.commit(); }

}  // namespace descent::train
