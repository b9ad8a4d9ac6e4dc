#include "oci/tar_layer.h"

#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "oci/digest.h"

namespace spindle::oci {
namespace {

la_ssize_t AppendToString(struct archive*, void* user, const void* data, size_t size) {
  static_cast<std::string*>(user)->append(static_cast<const char*>(data), size);
  return static_cast<la_ssize_t>(size);
}

Result<std::string> ReadWholeFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(Phase::kIo, "cannot read " + path.string());
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) return MakeError(Phase::kIo, "cannot read " + path.string());
  return bytes.str();
}

// Writes one header (and body) with the fixed ownership, mode and time.
Status WriteEntry(struct archive* archive, const std::string& path, bool directory,
                  const std::string& body) {
  archive_entry* entry = archive_entry_new();
  archive_entry_set_pathname(entry, path.c_str());
  archive_entry_set_filetype(entry, directory ? AE_IFDIR : AE_IFREG);
  archive_entry_set_perm(entry, directory ? 0755 : 0644);
  archive_entry_set_uid(entry, 0);
  archive_entry_set_gid(entry, 0);
  archive_entry_set_mtime(entry, 0, 0);
  archive_entry_set_size(entry, directory ? 0 : static_cast<la_int64_t>(body.size()));
  Status status;
  if (archive_write_header(archive, entry) != ARCHIVE_OK) {
    status = MakeError(Phase::kIo, "tar: " + path + ": " + archive_error_string(archive));
  } else if (!directory && !body.empty() &&
             archive_write_data(archive, body.data(), body.size()) !=
                 static_cast<la_ssize_t>(body.size())) {
    status = MakeError(Phase::kIo, "tar: " + path + ": " + archive_error_string(archive));
  }
  archive_entry_free(entry);
  return status;
}

}  // namespace

Result<std::string> GzipDeterministic(std::string_view bytes) {
  z_stream stream{};
  // 15 window bits + 16 selects the gzip wrapper; zlib writes MTIME 0 and
  // no name unless given a header, which is what makes it reproducible.
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
    return MakeError(Phase::kIo, "gzip: cannot initialize zlib");
  }
  std::string out;
  out.resize(deflateBound(&stream, static_cast<uLong>(bytes.size())) + 64);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int result = deflate(&stream, Z_FINISH);
  const size_t written = stream.total_out;
  deflateEnd(&stream);
  if (result != Z_STREAM_END) return MakeError(Phase::kIo, "gzip: compression failed");
  out.resize(written);
  return out;
}

Result<TarLayer> BuildTarLayer(std::vector<LayerFile> files) {
  std::stable_sort(files.begin(), files.end(),
                   [](const LayerFile& a, const LayerFile& b) { return a.path < b.path; });
  files.erase(std::unique(files.begin(), files.end(),
                          [](const LayerFile& a, const LayerFile& b) { return a.path == b.path; }),
              files.end());
  // Every parent directory gets its own entry, as docker's COPY creates them.
  std::set<std::string> directories;
  for (const LayerFile& file : files) {
    for (size_t slash = file.path.find('/'); slash != std::string::npos;
         slash = file.path.find('/', slash + 1)) {
      directories.insert(file.path.substr(0, slash) + "/");
    }
  }
  struct Item {
    std::string path;
    const LayerFile* file;  // null for a directory
  };
  std::vector<Item> items;
  for (const std::string& directory : directories) items.push_back({directory, nullptr});
  for (const LayerFile& file : files) items.push_back({file.path, &file});
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.path < b.path; });

  std::string tar;
  struct archive* archive = archive_write_new();
  archive_write_set_format_pax_restricted(archive);
  if (archive_write_open2(archive, &tar, nullptr, AppendToString, nullptr, nullptr) != ARCHIVE_OK) {
    Error error = MakeError(Phase::kIo, std::string("tar: ") + archive_error_string(archive));
    archive_write_free(archive);
    return error;
  }
  Status status;
  for (const Item& item : items) {
    std::string body;
    if (item.file) {
      if (item.file->content) {
        body = *item.file->content;
      } else {
        auto read = ReadWholeFile(item.file->source);
        if (!read.ok()) {
          status = std::move(read).error();
          break;
        }
        body = std::move(read).value();
      }
    }
    status = WriteEntry(archive, item.path, item.file == nullptr, body);
    if (!status.ok()) break;
  }
  if (archive_write_close(archive) != ARCHIVE_OK && status.ok()) {
    status = MakeError(Phase::kIo, std::string("tar: ") + archive_error_string(archive));
  }
  archive_write_free(archive);
  SPINDLE_TRY(status);

  TarLayer layer;
  layer.diff_id = DigestOf(tar);
  layer.uncompressed_size = tar.size();
  SPINDLE_ASSIGN_OR_RETURN(layer.gzip, GzipDeterministic(tar));
  layer.digest = DigestOf(layer.gzip);
  return layer;
}

}  // namespace spindle::oci
