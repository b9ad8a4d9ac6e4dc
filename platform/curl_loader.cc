// libcurl, loaded on first use. Linking libcurl.so directly made every start
// of `spindle` and of the shim load it and its dependencies (GnuTLS, Kerberos,
// LDAP, ...) and run their constructors: about 4 ms, four times the whole
// start-up of `spindle run`. The functions below stand in for the libcurl
// API that Spindle calls; each forwards to the real one, which is looked up
// the first time any of them runs.
//
// Callers include <curl/curl.h> and call libcurl as usual. Only the
// functions listed here are available; a new one needs a forwarder.
#define CURL_DISABLE_TYPECHECK  // the checking macros would rename the definitions below
#include <curl/curl.h>
#include <dlfcn.h>

#include <cstdarg>
#include <cstdio>
#include <mutex>

namespace {

struct CurlApi {
  CURLcode (*global_init)(long);
  CURL* (*easy_init)();
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
  CURLcode (*easy_perform)(CURL*);
  void (*easy_cleanup)(CURL*);
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
  const char* (*easy_strerror)(CURLcode);
  void (*easy_reset)(CURL*);
  curl_slist* (*slist_append)(curl_slist*, const char*);
  void (*slist_free_all)(curl_slist*);
  CURLU* (*url)();
  CURLUcode (*url_set)(CURLU*, CURLUPart, const char*, unsigned int);
  CURLUcode (*url_get)(CURLU*, CURLUPart, char**, unsigned int);
  void (*url_cleanup)(CURLU*);
  void (*free)(void*);
};

template <typename F>
bool Resolve(void* library, const char* name, F& function) {
  function = reinterpret_cast<F>(dlsym(library, name));
  return function != nullptr;
}

// Null when libcurl cannot be loaded; said once on stderr.
const CurlApi* Api() {
  static CurlApi api;
  static bool loaded = false;
  static std::once_flag once;
  std::call_once(once, [] {
    void* library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    loaded = library && Resolve(library, "curl_global_init", api.global_init) &&
             Resolve(library, "curl_easy_init", api.easy_init) &&
             Resolve(library, "curl_easy_setopt", api.easy_setopt) &&
             Resolve(library, "curl_easy_perform", api.easy_perform) &&
             Resolve(library, "curl_easy_cleanup", api.easy_cleanup) &&
             Resolve(library, "curl_easy_getinfo", api.easy_getinfo) &&
             Resolve(library, "curl_easy_strerror", api.easy_strerror) &&
             Resolve(library, "curl_easy_reset", api.easy_reset) &&
             Resolve(library, "curl_slist_append", api.slist_append) &&
             Resolve(library, "curl_slist_free_all", api.slist_free_all) &&
             Resolve(library, "curl_url", api.url) &&
             Resolve(library, "curl_url_set", api.url_set) &&
             Resolve(library, "curl_url_get", api.url_get) &&
             Resolve(library, "curl_url_cleanup", api.url_cleanup) &&
             Resolve(library, "curl_free", api.free);
    if (!loaded) {
      std::fprintf(stderr,
                   "spindle: cannot load libcurl.so.4, which outbound HTTP and registries "
                   "need (install libcurl4): %s\n",
                   dlerror());
    }
  });
  return loaded ? &api : nullptr;
}

}  // namespace

// clang warns about va_start after an enum parameter, in case the enum
// promotes; CURLoption and CURLINFO are int-sized, so nothing is promoted,
// and the signatures are curl.h's.
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wvarargs"
#endif

extern "C" {

CURLcode curl_global_init(long flags) {
  const CurlApi* api = Api();
  return api ? api->global_init(flags) : CURLE_FAILED_INIT;
}

CURL* curl_easy_init() {
  const CurlApi* api = Api();
  return api ? api->easy_init() : nullptr;
}

// The one argument after `option` has the type the option's number range
// gives it (curl.h, CURLOPTTYPE_*).
CURLcode curl_easy_setopt(CURL* handle, CURLoption option, ...) {
  const CurlApi* api = Api();
  if (!api) return CURLE_FAILED_INIT;
  va_list args;
  va_start(args, option);
  CURLcode code;
  if (option < CURLOPTTYPE_OBJECTPOINT) {
    code = api->easy_setopt(handle, option, va_arg(args, long));
  } else if (option >= CURLOPTTYPE_OFF_T && option < CURLOPTTYPE_BLOB) {
    code = api->easy_setopt(handle, option, va_arg(args, curl_off_t));
  } else {
    code = api->easy_setopt(handle, option, va_arg(args, void*));
  }
  va_end(args);
  return code;
}

CURLcode curl_easy_perform(CURL* handle) {
  const CurlApi* api = Api();
  return api ? api->easy_perform(handle) : CURLE_FAILED_INIT;
}

void curl_easy_cleanup(CURL* handle) {
  if (const CurlApi* api = Api()) api->easy_cleanup(handle);
}

// Every CURLINFO_* takes a pointer to where the answer goes.
CURLcode curl_easy_getinfo(CURL* handle, CURLINFO info, ...) {
  const CurlApi* api = Api();
  if (!api) return CURLE_FAILED_INIT;
  va_list args;
  va_start(args, info);
  const CURLcode code = api->easy_getinfo(handle, info, va_arg(args, void*));
  va_end(args);
  return code;
}

const char* curl_easy_strerror(CURLcode code) {
  const CurlApi* api = Api();
  return api ? api->easy_strerror(code) : "libcurl is not available";
}

void curl_easy_reset(CURL* handle) {
  if (const CurlApi* api = Api()) api->easy_reset(handle);
}

curl_slist* curl_slist_append(curl_slist* list, const char* text) {
  const CurlApi* api = Api();
  return api ? api->slist_append(list, text) : nullptr;
}

void curl_slist_free_all(curl_slist* list) {
  if (const CurlApi* api = Api()) api->slist_free_all(list);
}

CURLU* curl_url() {
  const CurlApi* api = Api();
  return api ? api->url() : nullptr;
}

CURLUcode curl_url_set(CURLU* url, CURLUPart part, const char* content, unsigned int flags) {
  const CurlApi* api = Api();
  return api ? api->url_set(url, part, content, flags) : CURLUE_OUT_OF_MEMORY;
}

CURLUcode curl_url_get(CURLU* url, CURLUPart part, char** content, unsigned int flags) {
  const CurlApi* api = Api();
  return api ? api->url_get(url, part, content, flags) : CURLUE_OUT_OF_MEMORY;
}

void curl_url_cleanup(CURLU* url) {
  if (const CurlApi* api = Api()) api->url_cleanup(url);
}

void curl_free(void* pointer) {
  if (const CurlApi* api = Api()) api->free(pointer);
}

}  // extern "C"
