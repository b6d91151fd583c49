#pragma once
// The walk of minimize() as a CSV file (util/csv.hpp: RFC 4180, CRLF line ends), after '#' comment
// lines that say how it was made:
//   # descent minimize 'x^2' --optimizer sgd --lr 0.1 --x0 3 --steps 2 --trace walk.csv
//   step,x,loss,grad_norm
//   0,3,9,6
//   1,2.3999999999999999,5.7599999999999998,4.7999999999999998
// Row k is the point after k steps and the value and gradient norm there. Numbers have 17 significant
// digits for float64 and 9 for float32, so that each reads back as exactly the number computed.
// Rows go to a temporary file beside PATH, which commit() renames to PATH (util/atomic_file.hpp): a
// reader never sees half a walk, and a failed run leaves any older file in place.
#include <string>
#include <vector>

#include "descent/tensor/dtype.hpp"
#include "descent/train/minimize.hpp"
#include "descent/util/atomic_file.hpp"
#include "descent/util/csv.hpp"

namespace descent::train {

// `value` with 17 (float64) or 9 (float32) significant digits, as printf's %.17g: 0.1 -> 0.10000000000000001.
std::string format_exact(double value, Dtype dtype);

class TrajectoryCsv {
 public:
  // Opens the temporary file and writes the comments (one '#' line each; line breaks inside one become
  // spaces) and the header step,<variable names>,loss,grad_norm. Throws IoError when it cannot.
  TrajectoryCsv(const std::string& path, const std::vector<std::string>& comments,
                const std::vector<std::string>& variable_names, Dtype dtype);
  // Destroyed uncommitted, it removes the temporary file.

  void write(const MinimizePoint& point);
  // Closes the file and renames it to the path given; throws IoError on a write or rename failure.
  void commit();

 private:
  util::AtomicFile file_;
  util::CsvWriter csv_;
  Dtype dtype_;
};

}  // namespace descent::train
