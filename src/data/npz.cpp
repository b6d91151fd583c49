#include "descent/data/npz.hpp"

#include <zip.h>

#include <filesystem>
#include <memory>
#include <vector>

#include "descent/error.hpp"
#include "descent/util/memory_limit.hpp"

namespace descent::data {
namespace {

struct ArchiveCloser {
  void operator()(zip_t* z) const { zip_discard(z); }  // read-only use: nothing to write back
};
struct FileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};

std::string open_error(int code) {
  zip_error_t error;
  zip_error_init_with_code(&error, code);
  std::string text = zip_error_strerror(&error);
  zip_error_fini(&error);
  return text;
}

constexpr std::string_view kSuffix = ".npy";

}  // namespace

std::map<std::string, NpyArray> read_npz(const std::string& path) {
  int code = 0;
  std::unique_ptr<zip_t, ArchiveCloser> archive(zip_open(path.c_str(), ZIP_RDONLY, &code));
  if (!archive)
    throw IoError(path + ": cannot open as a .npz (zip) archive: " + open_error(code) +
                  ": expected a file written by np.savez or np.savez_compressed");
  std::map<std::string, NpyArray> arrays;
  const zip_int64_t count = zip_get_num_entries(archive.get(), 0);
  for (zip_int64_t i = 0; i < count; ++i) {
    zip_stat_t st;
    if (zip_stat_index(archive.get(), static_cast<zip_uint64_t>(i), 0, &st) != 0)
      throw IoError(path + ": member " + std::to_string(i) + ": " + zip_strerror(archive.get()));
    const std::string member = st.name;
    const std::string where = path + ": " + member;
    if (member.size() <= kSuffix.size() || member.substr(member.size() - kSuffix.size()) != kSuffix)
      throw IoError(where + ": expected only .npy members in a .npz archive");
    std::unique_ptr<zip_file_t, FileCloser> file(zip_fopen_index(archive.get(), static_cast<zip_uint64_t>(i), 0));
    if (!file) throw IoError(where + ": cannot open the member: " + zip_strerror(archive.get()));
    // The archive's directory claims the size: check it before allocating for it.
    util::check_memory(where + ": the member, uncompressed,", st.size);
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(st.size));
    const zip_int64_t got = zip_fread(file.get(), bytes.data(), st.size);
    if (got < 0 || static_cast<zip_uint64_t>(got) != st.size)
      throw IoError(where + ": cannot read the member (" + std::to_string(got < 0 ? 0 : got) + " of " +
                    std::to_string(st.size) + " bytes): " + zip_file_strerror(file.get()));
    arrays.emplace(member.substr(0, member.size() - kSuffix.size()), parse_npy(bytes, where));
  }
  return arrays;
}

void save_npz(const std::string& path, const std::map<std::string, Tensor>& arrays) {
  const std::string temp = path + ".tmp";
  int code = 0;
  zip_t* archive = zip_open(temp.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
  if (!archive) throw IoError(path + ": cannot write .npz file: " + open_error(code));
  // libzip reads the buffers at zip_close: keep them alive until then.
  std::vector<std::vector<std::uint8_t>> buffers;
  buffers.reserve(arrays.size());
  for (const auto& [name, tensor] : arrays) {
    buffers.push_back(npy_bytes(tensor));
    zip_source_t* source = zip_source_buffer(archive, buffers.back().data(), buffers.back().size(), 0);
    const std::string member = name + std::string(kSuffix);
    const zip_int64_t index = source ? zip_file_add(archive, member.c_str(), source, ZIP_FL_OVERWRITE) : -1;
    if (index < 0 || zip_set_file_compression(archive, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0) != 0) {
      const std::string why = zip_strerror(archive);
      if (source && index < 0) zip_source_free(source);
      zip_discard(archive);
      throw IoError(path + ": cannot write .npz member " + member + ": " + why);
    }
  }
  if (zip_close(archive) != 0) {
    const std::string why = zip_strerror(archive);
    zip_discard(archive);
    std::error_code ec;
    std::filesystem::remove(temp, ec);
    throw IoError(path + ": cannot write .npz file: " + why);
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec) throw IoError(path + ": cannot write .npz file: " + ec.message());
}

}  // namespace descent::data
