// libarchive, loaded on first use, for the same reason as libcurl
// (curl_loader.cc): only `spindle build --image` writes tar layers, yet
// linking libarchive.so made every start load it with libxml2, ICU, lzma,
// zstd and more, about 2 ms. These stand-ins forward the functions Spindle
// calls to the real ones, looked up the first time any of them runs.
#include <archive.h>
#include <archive_entry.h>
#include <dlfcn.h>

#include <cstdio>
#include <mutex>

namespace {

struct ArchiveApi {
  archive_entry* (*entry_new)();
  void (*entry_free)(archive_entry*);
  void (*entry_set_filetype)(archive_entry*, unsigned int);
  void (*entry_set_gid)(archive_entry*, la_int64_t);
  void (*entry_set_uid)(archive_entry*, la_int64_t);
  void (*entry_set_mtime)(archive_entry*, time_t, long);
  void (*entry_set_pathname)(archive_entry*, const char*);
  void (*entry_set_perm)(archive_entry*, __LA_MODE_T);
  void (*entry_set_size)(archive_entry*, la_int64_t);
  const char* (*error_string)(archive*);
  archive* (*write_new)();
  int (*write_set_format_pax_restricted)(archive*);
  int (*write_open_fd)(archive*, int);
  int (*write_open2)(archive*, void*, archive_open_callback*, archive_write_callback*,
                     archive_close_callback*, archive_free_callback*);
  int (*write_header)(archive*, archive_entry*);
  la_ssize_t (*write_data)(archive*, const void*, size_t);
  int (*write_close)(archive*);
  int (*write_free)(archive*);
};

template <typename F>
bool Resolve(void* library, const char* name, F& function) {
  function = reinterpret_cast<F>(dlsym(library, name));
  return function != nullptr;
}

const ArchiveApi* Api() {
  static ArchiveApi api;
  static bool loaded = false;
  static std::once_flag once;
  std::call_once(once, [] {
    void* library = dlopen("libarchive.so.13", RTLD_NOW | RTLD_LOCAL);
    loaded = library && Resolve(library, "archive_entry_new", api.entry_new) &&
             Resolve(library, "archive_entry_free", api.entry_free) &&
             Resolve(library, "archive_entry_set_filetype", api.entry_set_filetype) &&
             Resolve(library, "archive_entry_set_gid", api.entry_set_gid) &&
             Resolve(library, "archive_entry_set_uid", api.entry_set_uid) &&
             Resolve(library, "archive_entry_set_mtime", api.entry_set_mtime) &&
             Resolve(library, "archive_entry_set_pathname", api.entry_set_pathname) &&
             Resolve(library, "archive_entry_set_perm", api.entry_set_perm) &&
             Resolve(library, "archive_entry_set_size", api.entry_set_size) &&
             Resolve(library, "archive_error_string", api.error_string) &&
             Resolve(library, "archive_write_new", api.write_new) &&
             Resolve(library, "archive_write_set_format_pax_restricted",
                     api.write_set_format_pax_restricted) &&
             Resolve(library, "archive_write_open_fd", api.write_open_fd) &&
             Resolve(library, "archive_write_open2", api.write_open2) &&
             Resolve(library, "archive_write_header", api.write_header) &&
             Resolve(library, "archive_write_data", api.write_data) &&
             Resolve(library, "archive_write_close", api.write_close) &&
             Resolve(library, "archive_write_free", api.write_free);
    if (!loaded) {
      std::fprintf(stderr,
                   "spindle: cannot load libarchive.so.13, which image building needs "
                   "(install libarchive13): %s\n",
                   dlerror());
    }
  });
  return loaded ? &api : nullptr;
}

}  // namespace

extern "C" {

archive_entry* archive_entry_new() {
  const ArchiveApi* api = Api();
  return api ? api->entry_new() : nullptr;
}
void archive_entry_free(archive_entry* entry) {
  if (const ArchiveApi* api = Api()) api->entry_free(entry);
}
void archive_entry_set_filetype(archive_entry* entry, unsigned int type) {
  if (const ArchiveApi* api = Api()) api->entry_set_filetype(entry, type);
}
void archive_entry_set_gid(archive_entry* entry, la_int64_t gid) {
  if (const ArchiveApi* api = Api()) api->entry_set_gid(entry, gid);
}
void archive_entry_set_uid(archive_entry* entry, la_int64_t uid) {
  if (const ArchiveApi* api = Api()) api->entry_set_uid(entry, uid);
}
void archive_entry_set_mtime(archive_entry* entry, time_t seconds, long nanoseconds) {
  if (const ArchiveApi* api = Api()) api->entry_set_mtime(entry, seconds, nanoseconds);
}
void archive_entry_set_pathname(archive_entry* entry, const char* path) {
  if (const ArchiveApi* api = Api()) api->entry_set_pathname(entry, path);
}
void archive_entry_set_perm(archive_entry* entry, __LA_MODE_T mode) {
  if (const ArchiveApi* api = Api()) api->entry_set_perm(entry, mode);
}
void archive_entry_set_size(archive_entry* entry, la_int64_t size) {
  if (const ArchiveApi* api = Api()) api->entry_set_size(entry, size);
}
const char* archive_error_string(archive* handle) {
  const ArchiveApi* api = Api();
  return api ? api->error_string(handle) : "libarchive is not available";
}
archive* archive_write_new() {
  const ArchiveApi* api = Api();
  return api ? api->write_new() : nullptr;
}
int archive_write_set_format_pax_restricted(archive* handle) {
  const ArchiveApi* api = Api();
  return api ? api->write_set_format_pax_restricted(handle) : ARCHIVE_FATAL;
}
int archive_write_open_fd(archive* handle, int fd) {
  const ArchiveApi* api = Api();
  return api ? api->write_open_fd(handle, fd) : ARCHIVE_FATAL;
}
int archive_write_open2(archive* handle, void* client, archive_open_callback* on_open,
                        archive_write_callback* on_write, archive_close_callback* on_close,
                        archive_free_callback* on_free) {
  const ArchiveApi* api = Api();
  return api ? api->write_open2(handle, client, on_open, on_write, on_close, on_free)
             : ARCHIVE_FATAL;
}
int archive_write_header(archive* handle, archive_entry* entry) {
  const ArchiveApi* api = Api();
  return api ? api->write_header(handle, entry) : ARCHIVE_FATAL;
}
la_ssize_t archive_write_data(archive* handle, const void* data, size_t size) {
  const ArchiveApi* api = Api();
  return api ? api->write_data(handle, data, size) : ARCHIVE_FATAL;
}
int archive_write_close(archive* handle) {
  const ArchiveApi* api = Api();
  return api ? api->write_close(handle) : ARCHIVE_FATAL;
}
int archive_write_free(archive* handle) {
  const ArchiveApi* api = Api();
  return api ? api->write_free(handle) : ARCHIVE_FATAL;
}

}  // extern "C"
