#include "descent/data/safetensors.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <bit>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <vector>

#include "descent/error.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "descent/util/atomic_file.hpp"
#include "descent/util/excerpt.hpp"
#include "descent/util/memory_limit.hpp"

namespace descent::data {
namespace {

static_assert(std::endian::native == std::endian::little, "safetensors data is little-endian");

// Past this a header is not a checkpoint's: refuse before allocating for it.
constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;
constexpr std::uint64_t kMaxDimension = std::uint64_t{1} << 63;

const char* dtype_code(Dtype d) {
  switch (d) {
    case Dtype::Float32: return "F32";
    case Dtype::Float64: return "F64";
    case Dtype::Int64: return "I64";
    case Dtype::UInt8: return "U8";
  }
  return "?";
}

std::optional<Dtype> dtype_from_code(const std::string& code) {
  if (code == "F32") return Dtype::Float32;
  if (code == "F64") return Dtype::Float64;
  if (code == "I64") return Dtype::Int64;
  if (code == "U8") return Dtype::UInt8;
  return std::nullopt;
}

}  // namespace

void save_safetensors(const std::string& path, const SafetensorsFile& file) {
  nlohmann::ordered_json header;
  if (!file.metadata.empty()) header["__metadata__"] = file.metadata;
  std::uint64_t offset = 0;
  std::vector<Tensor> data;
  for (const auto& [name, t] : file.tensors) {
    const Tensor c = kernels::contiguous(t);
    const std::uint64_t bytes = static_cast<std::uint64_t>(c.numel()) * itemsize(c.dtype());
    header[name] = {{"dtype", dtype_code(c.dtype())},
                    {"shape", std::vector<std::int64_t>(c.shape().begin(), c.shape().end())},
                    {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
    data.push_back(c);
  }
  std::string text = header.dump();
  text.resize((text.size() + 7) / 8 * 8, ' ');  // the data starts 8-byte aligned

  util::write_file_atomically(
      path,
      [&](std::ostream& out) {
        const std::uint64_t n = text.size();
        out.write(reinterpret_cast<const char*>(&n), 8);
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        for (const Tensor& t : data)
          out.write(static_cast<const char*>(t.raw_data()),
                    static_cast<std::streamsize>(t.numel() * itemsize(t.dtype())));
      },
      "the safetensors file");
}

SafetensorsFile load_safetensors(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path + ": cannot open");
  std::error_code ec;
  const std::uint64_t size = std::filesystem::file_size(path, ec);
  if (ec) throw IoError(path + ": cannot read its size");
  if (size < 8)
    throw IoError(path + ": truncated: " + std::to_string(size) + " bytes, expected at least the 8-byte header length");
  std::uint64_t n = 0;
  in.read(reinterpret_cast<char*>(&n), 8);
  if (n > kMaxHeaderBytes || n > size - 8)
    throw IoError(path + ": byte 0: header length " + std::to_string(n) + " exceeds the file (" + std::to_string(size) +
                  " bytes): truncated or not a safetensors file");
  std::string text(n, '\0');
  in.read(text.data(), static_cast<std::streamsize>(n));
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw IoError(path + ": byte 8: the header is not JSON: " + e.what());
  }
  if (!header.is_object()) throw IoError(path + ": byte 8: expected a JSON object as the header");

  const std::uint64_t data_start = 8 + n, data_bytes = size - data_start;
  SafetensorsFile file;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
  for (auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      if (!entry.is_object()) throw IoError(path + ": __metadata__: expected an object of strings");
      for (auto& [k, v] : entry.items()) {
        if (!v.is_string()) throw IoError(path + ": __metadata__." + util::excerpt(k) + ": expected a string");
        file.metadata[k] = v.get<std::string>();
      }
      continue;
    }
    const std::string& tensor_name = name;  // clang cannot capture a structured binding yet
    const auto bad = [&](const std::string& what) {
      return IoError(path + ": tensor \"" + util::excerpt(tensor_name) + "\": " + what);
    };
    if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") || !entry.contains("data_offsets"))
      throw bad("expected {dtype, shape, data_offsets}");
    const auto dtype = entry["dtype"].is_string() ? dtype_from_code(entry["dtype"].get<std::string>()) : std::nullopt;
    if (!dtype) throw bad("dtype " + util::excerpt(entry["dtype"].dump()) + ": expected F32, F64, I64 or U8");
    Shape shape;
    if (!entry["shape"].is_array()) throw bad("shape: expected an array of sizes");
    if (entry["shape"].size() > static_cast<std::size_t>(Shape::kMaxDims))
      throw bad("shape of " + std::to_string(entry["shape"].size()) + " dimensions: expected at most " +
                std::to_string(Shape::kMaxDims));
    for (const auto& d : entry["shape"]) {
      if (!d.is_number_unsigned() || d.get<std::uint64_t>() >= kMaxDimension)
        throw bad("shape " + util::excerpt(entry["shape"].dump()) + ": expected non-negative integers below 2^63");
      shape.push_back(d.get<std::int64_t>());
    }
    // Overflow-checked, and against the memory limit before allocating: the byte count below must
    // not wrap around to match a short data range.
    const std::optional<std::uint64_t> bytes = util::checked_bytes(shape, itemsize(*dtype));
    if (!bytes) throw bad("shape " + to_string(shape) + ": too many elements for 64 bits");
    util::check_memory(path + ": tensor \"" + util::excerpt(tensor_name) + "\" of shape " + to_string(shape), bytes);
    const auto& off = entry["data_offsets"];
    if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() || !off[1].is_number_unsigned())
      throw bad("data_offsets: expected [begin, end]");
    const std::uint64_t begin = off[0].get<std::uint64_t>(), end = off[1].get<std::uint64_t>();
    if (begin > end || end > data_bytes)
      throw bad("data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) + "] run past the data (" +
                std::to_string(data_bytes) + " bytes): the file is truncated or corrupt");
    if (end - begin != *bytes)
      throw bad("data_offsets hold " + std::to_string(end - begin) + " bytes, but shape " + to_string(shape) + " of " +
                std::string(to_string(*dtype)) + " needs " + std::to_string(*bytes));
    Tensor t = Tensor::empty(shape, *dtype);
    in.seekg(static_cast<std::streamoff>(data_start + begin));
    in.read(static_cast<char*>(t.raw_data()), static_cast<std::streamsize>(end - begin));
    if (!in) throw bad("could not read its data");
    ranges.emplace_back(begin, end);
    file.tensors[name] = t;
  }
  std::sort(ranges.begin(), ranges.end());
  std::uint64_t covered = 0;
  for (const auto& [b, e] : ranges) {
    if (b != covered)
      throw IoError(path + ": tensor data ranges overlap or leave a gap at byte " +
                    std::to_string(data_start + covered));
    covered = e;
  }
  if (covered != data_bytes)
    throw IoError(path + ": " + std::to_string(data_bytes - covered) + " bytes after the last tensor: corrupt file");
  return file;
}

}  // namespace descent::data
