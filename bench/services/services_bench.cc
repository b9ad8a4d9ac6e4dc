// Host services through a guest against the same work done directly:
//   KvSetGet/guest        key-value set + get from wasm (bench guest kv_bench)
//   KvSetGet/direct       the same statements on SQLite from C++, with the
//                         settings of Spindle's store (WAL, synchronous=FULL)
//   KvSetGet/*-memory     the same on an in-memory database: no fsync, so
//                         what remains is the import and ABI cost
//   OutboundHttp/guest    wasi-outbound-http GET from wasm (http_bench)
//   OutboundHttp/direct   the same GET with libcurl from C++
// Both HTTP rows hit spindle-bench-native-hello on loopback. Items per
// second are operations (one set+get pair, or one request).
#include <benchmark/benchmark.h>
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "app/manifest.h"
#include "engine/embed/call.h"
#include "triggers/common/component_host.h"

namespace {

namespace fs = std::filesystem;
using spindle::Value;

constexpr int kOpsPerCall = 200;

fs::path MakeTempDir() {
  std::string pattern = (fs::temp_directory_path() / "spindle-services-bench-XXXXXX").string();
  if (!mkdtemp(pattern.data())) std::abort();
  return pattern;
}

// A loopback port nothing listens on: the guest's allowed hosts must name
// it before the server starts.
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

// The native hello server, started once for the HTTP rows.
struct HelloServer {
  HelloServer() {
    port = FreePort();
    pid = fork();
    if (pid == 0) {
      const std::string listen = "127.0.0.1:" + std::to_string(port);
      const std::string binary = std::string(SPINDLE_BIN_DIR) + "/spindle-bench-native-hello";
      freopen("/dev/null", "w", stdout);
      execl(binary.c_str(), binary.c_str(), "--listen", listen.c_str(), "--threads", "1", nullptr);
      _exit(127);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  ~HelloServer() {
    kill(pid, SIGTERM);
    waitpid(pid, nullptr, 0);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port) + "/hello"; }
  int port = 0;
  pid_t pid = -1;
};

HelloServer& Hello() {
  static HelloServer server;
  return server;
}

// One app with the bench guest, loaded as `spindle up` would load it.
struct GuestApp {
  explicit GuestApp(bool memory_store = false) {
    dir = MakeTempDir();
    const std::string url = Hello().url();
    std::ofstream(dir / "spin.toml")
        << "spin_manifest_version = 2\n[application]\nname = \"bench\"\n"
           "[[trigger.http]]\nroute = \"/...\"\ncomponent = \"bench\"\n"
           "[component.bench]\nsource = \"" SPINDLE_SERVICES_BENCH_GUEST "\"\n"
           "key_value_stores = [\"default\"]\n"
           "allowed_outbound_hosts = [\"http://127.0.0.1:" + std::to_string(Hello().port) + "\"]\n"
           "environment = { BENCH_URL = \"" + url + "\" }\n";
    auto loaded = spindle::app::LoadManifest(dir / "spin.toml");
    if (!loaded.ok()) std::abort();
    app = std::move(loaded).value();
    spindle::triggers::HostOptions options;
    options.request_timeout = std::chrono::minutes(10);
    options.staging_dir = dir / "staging";
    options.runtime_config = spindle::services::DefaultRuntimeConfig(dir);
    if (memory_store) options.runtime_config->key_value_stores["default"].path.reset();
    auto loaded_host = spindle::triggers::ComponentHost::Load(app, options);
    if (!loaded_host.ok()) {
      std::fprintf(stderr, "%s\n", loaded_host.error().ToString().c_str());
      std::abort();
    }
    host = std::move(loaded_host).value();
  }
  ~GuestApp() {
    host.reset();
    fs::remove_all(dir);
  }

  // Runs `export_name(n)` in a fresh instance; returns failed operations.
  int Run(const char* export_name, int n) {
    const auto& component = *host->Find("bench");
    spindle::triggers::Invocation invocation(*host, component);
    if (!invocation.Start(host->GuestStdio(component)).ok()) std::abort();
    const Value args[] = {Value::I32(n)};
    auto results = spindle::Call(invocation.store(),
                                 invocation.instance()->GetFunction(export_name), args);
    if (!results.ok()) {
      std::fprintf(stderr, "%s\n", results.error().ToString().c_str());
      std::abort();
    }
    return (*results)[0].i32();
  }

  fs::path dir;
  spindle::app::App app;
  std::unique_ptr<spindle::triggers::ComponentHost> host;
};

void KvSetGetGuest(benchmark::State& state) {
  GuestApp app(/*memory_store=*/state.range(0) == 1);
  for (auto _ : state) {
    if (app.Run("kv_bench", kOpsPerCall) != 0) state.SkipWithError("key-value calls failed");
  }
  state.SetItemsProcessed(state.iterations() * kOpsPerCall);
}

void KvSetGetDirect(benchmark::State& state) {
  const fs::path dir = MakeTempDir();
  sqlite3* db = nullptr;
  sqlite3_open(state.range(0) == 1 ? ":memory:" : (dir / "kv.db").c_str(), &db);
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
               "CREATE TABLE spin_key_value (store TEXT NOT NULL, key TEXT NOT NULL,"
               " value BLOB NOT NULL, PRIMARY KEY (store, key))",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* set = nullptr;
  sqlite3_stmt* get = nullptr;
  sqlite3_prepare_v2(db,
                     "INSERT INTO spin_key_value (store, key, value) VALUES ('default', ?, ?) "
                     "ON CONFLICT (store, key) DO UPDATE SET value = excluded.value",
                     -1, &set, nullptr);
  sqlite3_prepare_v2(db, "SELECT value FROM spin_key_value WHERE store = 'default' AND key = ?",
                     -1, &get, nullptr);
  const std::string value = "a value of some sixty-four bytes, a typical small cached record";
  for (auto _ : state) {
    for (int i = 0; i < kOpsPerCall; ++i) {
      const std::string key = "key-" + std::to_string(i % 1000);
      sqlite3_bind_text(set, 1, key.data(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
      sqlite3_bind_blob(set, 2, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
      if (sqlite3_step(set) != SQLITE_DONE) state.SkipWithError("set failed");
      sqlite3_reset(set);
      sqlite3_bind_text(get, 1, key.data(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
      if (sqlite3_step(get) != SQLITE_ROW) state.SkipWithError("get failed");
      std::string copy(static_cast<const char*>(sqlite3_column_blob(get, 0)),
                       static_cast<size_t>(sqlite3_column_bytes(get, 0)));
      benchmark::DoNotOptimize(copy);
      sqlite3_reset(get);
    }
  }
  sqlite3_finalize(set);
  sqlite3_finalize(get);
  sqlite3_close(db);
  fs::remove_all(dir);
  state.SetItemsProcessed(state.iterations() * kOpsPerCall);
}

void OutboundHttpGuest(benchmark::State& state) {
  GuestApp app;
  for (auto _ : state) {
    if (app.Run("http_bench", kOpsPerCall) != 0) state.SkipWithError("requests failed");
  }
  state.SetItemsProcessed(state.iterations() * kOpsPerCall);
}

size_t Collect(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

void OutboundHttpDirect(benchmark::State& state) {
  CURL* curl = curl_easy_init();
  const std::string url = Hello().url();
  std::string body;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &Collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  for (auto _ : state) {
    for (int i = 0; i < kOpsPerCall; ++i) {
      body.clear();
      if (curl_easy_perform(curl) != CURLE_OK) state.SkipWithError("request failed");
    }
  }
  curl_easy_cleanup(curl);
  state.SetItemsProcessed(state.iterations() * kOpsPerCall);
}

BENCHMARK(KvSetGetGuest)->Name("KvSetGet/guest")->Arg(0)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(KvSetGetDirect)->Name("KvSetGet/direct")->Arg(0)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(KvSetGetGuest)->Name("KvSetGet/guest-memory")->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(KvSetGetDirect)->Name("KvSetGet/direct-memory")->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(OutboundHttpGuest)->Name("OutboundHttp/guest")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(OutboundHttpDirect)->Name("OutboundHttp/direct")->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
