#include "oci/image_layout.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>

#include "oci/atomic_file.h"
#include "oci/digest.h"

namespace spindle::oci {
namespace {

Status WriteEntry(struct archive* archive, const std::string& path, bool directory,
                  std::string_view body) {
  archive_entry* entry = archive_entry_new();
  archive_entry_set_pathname(entry, path.c_str());
  archive_entry_set_filetype(entry, directory ? AE_IFDIR : AE_IFREG);
  archive_entry_set_perm(entry, directory ? 0755 : 0644);
  archive_entry_set_mtime(entry, 0, 0);
  archive_entry_set_size(entry, directory ? 0 : static_cast<la_int64_t>(body.size()));
  Status status;
  if (archive_write_header(archive, entry) != ARCHIVE_OK ||
      (!directory && !body.empty() &&
       archive_write_data(archive, body.data(), body.size()) != static_cast<la_ssize_t>(body.size()))) {
    status = MakeError(Phase::kIo, "tar: " + path + ": " + archive_error_string(archive));
  }
  archive_entry_free(entry);
  return status;
}

}  // namespace

Status WriteImageLayoutTar(const std::filesystem::path& out, const std::string& index_json,
                           const std::vector<Blob>& blobs) {
  std::vector<const Blob*> sorted;
  for (const Blob& blob : blobs) {
    if (!IsSha256Digest(blob.digest)) {
      return MakeError(Phase::kUsage, "image layout: bad blob digest '" + blob.digest + "'");
    }
    sorted.push_back(&blob);
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const Blob* a, const Blob* b) { return a->digest < b->digest; });
  sorted.erase(std::unique(sorted.begin(), sorted.end(),
                           [](const Blob* a, const Blob* b) { return a->digest == b->digest; }),
               sorted.end());

  AtomicFile file(out);
  SPINDLE_TRY(file.Open());
  struct archive* archive = archive_write_new();
  archive_write_set_format_pax_restricted(archive);
  if (archive_write_open_fd(archive, file.fd()) != ARCHIVE_OK) {
    Error error = MakeError(Phase::kIo, out.string() + ": " + archive_error_string(archive));
    archive_write_free(archive);
    return error;
  }
  Status status = WriteEntry(archive, "oci-layout", false, R"({"imageLayoutVersion":"1.0.0"})");
  if (status.ok()) status = WriteEntry(archive, "index.json", false, index_json);
  if (status.ok()) status = WriteEntry(archive, "blobs/", true, "");
  if (status.ok()) status = WriteEntry(archive, "blobs/sha256/", true, "");
  for (const Blob* blob : sorted) {
    if (!status.ok()) break;
    status = WriteEntry(archive, "blobs/sha256/" + std::string(DigestHex(blob->digest)), false,
                        blob->bytes);
  }
  if (archive_write_close(archive) != ARCHIVE_OK && status.ok()) {
    status = MakeError(Phase::kIo, out.string() + ": " + archive_error_string(archive));
  }
  archive_write_free(archive);
  SPINDLE_TRY(status);
  return file.Commit();
}

}  // namespace spindle::oci
