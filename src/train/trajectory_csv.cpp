#include "descent/train/trajectory_csv.hpp"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "descent/error.hpp"

namespace descent::train {
namespace {

std::string one_line(std::string text) {
  for (char& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  return text;
}

}  // namespace

std::string format_exact(double value, Dtype dtype) {
  char buf[64];
  constexpr auto kGeneral = std::chars_format::general;
  const auto result = dtype == Dtype::Float32 ? std::to_chars(buf, buf + sizeof buf, static_cast<float>(value), kGeneral, 9)
                                              : std::to_chars(buf, buf + sizeof buf, value, kGeneral, 17);
  return std::string(buf, result.ptr);
}

TrajectoryCsv::TrajectoryCsv(std::string path, const std::vector<std::string>& comments,
                             const std::vector<std::string>& variable_names, Dtype dtype)
    : path_(std::move(path)), temp_path_(path_ + ".tmp." + std::to_string(::getpid())), dtype_(dtype) {
  file_ = std::fopen(temp_path_.c_str(), "wb");
  if (!file_) throw IoError(path_ + ": cannot write the trace: " + std::strerror(errno));
  for (const std::string& c : comments) put("# " + one_line(c) + "\r\n");
  std::string header = "step";
  for (const std::string& name : variable_names) header += "," + name;
  put(header + ",loss,grad_norm\r\n");
}

TrajectoryCsv::~TrajectoryCsv() {
  if (!file_) return;
  std::fclose(file_);
  std::remove(temp_path_.c_str());
}

void TrajectoryCsv::put(const std::string& text) { std::fwrite(text.data(), 1, text.size(), file_); }

void TrajectoryCsv::write(const MinimizePoint& p) {
  std::string row = std::to_string(p.step);
  for (double v : p.x) row.append(1, ',').append(format_exact(v, dtype_));
  row.append(1, ',').append(format_exact(p.loss, dtype_)).append(1, ',').append(format_exact(p.grad_norm, dtype_));
  put(row + "\r\n");
}

void TrajectoryCsv::commit() {
  const bool written = std::ferror(file_) == 0;
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!written || !closed) {
    std::remove(temp_path_.c_str());
    throw IoError(path_ + ": cannot write the trace");
  }
  if (std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    std::remove(temp_path_.c_str());
    throw IoError(path_ + ": cannot write the trace: " + reason);
  }
}

}  // namespace descent::train
