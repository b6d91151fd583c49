// The picture of a confusion matrix that descent eval --json wrote (train/evaluate.hpp).
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "descent/error.hpp"
#include "descent/train/trace_figures.hpp"
#include "descent/util/number_text.hpp"

namespace descent::train {
namespace {

// The whole file as one JSON value; discarded (null) when it is not one (metrics hold one a line).
nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw IoError(path + ": cannot open");
  return nlohmann::json::parse(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>(), nullptr, false);
}

IoError bad(const std::string& path, const std::string& what) {
  return IoError(path + ": " + what + ": expected the JSON that descent eval --json writes");
}

}  // namespace

bool is_evaluation_file(const std::string& path) {
  const nlohmann::json j = read_json(path);
  return j.is_object() && j.contains("task") && j.contains("split") && j.contains("checkpoint");
}

plot::Figure confusion_figure(const std::string& path) {
  const nlohmann::json j = read_json(path);
  if (!j.is_object()) throw bad(path, "not a JSON object");
  if (!j.contains("confusion_matrix"))
    throw IoError(path + ": a " + j.value("task", std::string("?")) +
                  " evaluation holds no confusion matrix: expected one of a classification or pairs model");
  const nlohmann::json& rows = j["confusion_matrix"];
  const nlohmann::json& names = j.value("class_names", nlohmann::json());
  if (!rows.is_array() || rows.empty() || !names.is_array() || names.size() != rows.size())
    throw bad(path, "confusion_matrix and class_names of different sizes");
  plot::MatrixImage m{.label = j.value("task", std::string()) == "pairs" ? "pairs" : "examples"};
  for (const nlohmann::json& name : names) {
    if (!name.is_string()) throw bad(path, "class_names holds " + name.dump());
    m.row_names.push_back(name.get<std::string>());
  }
  m.column_names = m.row_names;
  for (const nlohmann::json& row : rows) {
    if (!row.is_array() || row.size() != rows.size()) throw bad(path, "a confusion_matrix row of another size");
    std::vector<double> values;
    for (const nlohmann::json& v : row) {
      if (!v.is_number()) throw bad(path, "confusion_matrix holds " + v.dump());
      values.push_back(v.get<double>());
    }
    m.values.push_back(std::move(values));
  }
  std::string title = "Confusion matrix of ";
  title.append(std::filesystem::path(j.value("checkpoint", path)).filename().string())
      .append(" on the ")
      .append(j.value("split", std::string("test")))
      .append(" set");
  if (j.contains("accuracy") && j["accuracy"].is_number())
    title.append(": accuracy ").append(util::format_number(100 * j["accuracy"].get<double>(), ".2f")).append("%");
  plot::Figure f{.title = title, .xlabel = "predicted class", .ylabel = "true class"};
  f.matrix = std::move(m);
  return f;
}

}  // namespace descent::train
