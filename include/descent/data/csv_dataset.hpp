#pragma once
// A labelled data set from a CSV file, one example a line: the feature columns as numbers and one
// column of integer class labels, as Kaggle's mnist_train.csv or pandas' DataFrame.to_csv(index=False)
// write them. The first line is a header when any of its fields is not a number. Lines starting with
// '#' and empty lines are skipped; fields may be quoted (RFC 4180); LF and CRLF line ends read alike.
// The values are used as stored: no scaling.
//
//   label,pixel0,pixel1,...          data::load_csv_dataset("train.csv", {.classes = 10})
//   5,0,0.5,...                      -> inputs (N, 784), targets (N) int64
#include <cstdint>
#include <string>

#include "descent/data/dataset.hpp"

namespace descent::data {

struct CsvDatasetOptions {
  // The label column: by its header name, or by its 0-based index (label_index >= 0, which wins), the
  // only way for a file without a header. Neither: the column named "label" of the header.
  std::string label_name = {};
  std::int64_t label_index = -1;
  std::int64_t classes = 10;  // labels must lie in [0, classes)
  Dtype dtype = Dtype::Float32;
  std::int64_t limit = 0;  // > 0: the first `limit` examples only
};

// Throws IoError naming the file, the line (from 1), the column (0-based, with its header name) and
// the field's text: a missing file, no label column (the message lists the header's columns), a line
// with another number of fields than the first, a field that is not a finite number, a label that is not
// an integer in [0, classes), a file with no examples. ValueError for bad options.
Dataset load_csv_dataset(const std::string& path, const CsvDatasetOptions& options);

}  // namespace descent::data
