#include "shim/task_service.h"

#include <google/protobuf/empty.pb.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "shim/oci_spec.h"
#include "shim/proto/cgroup_metrics.pb.h"
#include "shim/proto/shim_task.pb.h"
#include "shim/proto/task_events.pb.h"
#include "shim/rootfs.h"
#include "shim/task_process.h"
#include "shim/ttrpc/codes.h"

namespace spindle::shim {

namespace fs = std::filesystem;
namespace task_v2 = containerd::task::v2;
namespace events = containerd::events;
using ttrpc::Call;
using ttrpc::Reply;
using TaskStatus = containerd::v1::types::Status;

constexpr char kService[] = "containerd.task.v2.Task";
constexpr char kVersion[] = "spindle 0.1.0";
// Loading an app compiles every component; allow big apps on slow nodes.
constexpr std::chrono::seconds kLoadTimeout{120};
constexpr std::chrono::seconds kStartTimeout{30};

struct Task {
  std::string id;
  std::string namespace_name;
  std::string bundle;
  std::string stdin_path, stdout_path, stderr_path;
  fs::path rootfs;
  std::unique_ptr<TaskProcess> process;
  uint32_t pid = 0;

  std::mutex mutex;  // guards everything below
  std::condition_variable exited;
  TaskStatus status = containerd::v1::types::CREATED;
  uint32_t exit_status = 0;
  timespec exited_at{};
  bool start_published = false;
  bool exit_published = false;
};

namespace {

timespec Now() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  return now;
}

void SetTimestamp(const timespec& when, google::protobuf::Timestamp* out) {
  out->set_seconds(when.tv_sec);
  out->set_nanos(static_cast<int32_t>(when.tv_nsec));
}

template <typename Message>
bool Parse(const Call& call, Message& message) {
  return message.ParseFromString(call.payload);
}

Reply BadRequest(const Call& call) {
  return Reply::Error(ttrpc::kInvalidArgument, "malformed " + call.method + " request");
}

Reply NoSuchTask(const std::string& id) {
  return Reply::Error(ttrpc::kNotFound, "task " + id + " not found");
}

Reply NoExecs() {
  return Reply::Error(ttrpc::kNotFound, "exec processes are not supported by this shim");
}

// TaskExit must follow TaskStart; the caller holds task.mutex.
void PublishExitLocked(EventPublisher& events_out, Task& task) {
  events::TaskExit exit;
  exit.set_container_id(task.id);
  exit.set_id(task.id);
  exit.set_pid(task.pid);
  exit.set_exit_status(task.exit_status);
  SetTimestamp(task.exited_at, exit.mutable_exited_at());
  events_out.Publish(task.namespace_name, "/tasks/exit", exit);
  task.exit_published = true;
}

// CPU time and resident memory of one process, from /proc.
struct ProcessUsage {
  uint64_t user_ns = 0, kernel_ns = 0, rss_bytes = 0, threads = 0;
};

ProcessUsage ReadUsage(pid_t pid) {
  ProcessUsage usage;
  std::ifstream stat_file("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
  // The command name may hold spaces; fields resume after its ')'.
  const size_t close_paren = text.rfind(')');
  if (close_paren != std::string::npos) {
    std::istringstream fields(text.substr(close_paren + 2));
    std::vector<std::string> values;
    for (std::string value; fields >> value;) values.push_back(value);
    // state is field 3; utime 14, stime 15, num_threads 20, rss 24.
    auto field = [&](size_t number) -> uint64_t {
      return number - 3 < values.size() ? std::stoull(values[number - 3]) : 0;
    };
    const uint64_t ticks = static_cast<uint64_t>(sysconf(_SC_CLK_TCK));
    usage.user_ns = field(14) * 1000000000ull / ticks;
    usage.kernel_ns = field(15) * 1000000000ull / ticks;
    usage.threads = field(20);
    usage.rss_bytes = field(24) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  }
  return usage;
}

}  // namespace

TaskService::TaskService(ShimContext context, std::function<void()> shutdown)
    : context_(std::move(context)), shutdown_(std::move(shutdown)) {}

TaskService::~TaskService() = default;

void TaskService::Register(ttrpc::Server& server) {
  auto bind = [this](Reply (TaskService::*method)(const Call&)) {
    return [this, method](const Call& call) { return (this->*method)(call); };
  };
  server.Register(kService, "Create", bind(&TaskService::Create));
  server.Register(kService, "Start", bind(&TaskService::Start));
  server.Register(kService, "Wait", bind(&TaskService::Wait));
  server.Register(kService, "Kill", bind(&TaskService::Kill));
  server.Register(kService, "Delete", bind(&TaskService::Delete));
  server.Register(kService, "State", bind(&TaskService::State));
  server.Register(kService, "Connect", bind(&TaskService::Connect));
  server.Register(kService, "Shutdown", bind(&TaskService::Shutdown));
  server.Register(kService, "Stats", bind(&TaskService::Stats));
  server.Register(kService, "Pids", bind(&TaskService::Pids));
  server.Register(kService, "CloseIO", bind(&TaskService::Accept));
  server.Register(kService, "Update", bind(&TaskService::Accept));
}

std::shared_ptr<Task> TaskService::Find(const std::string& id) {
  std::lock_guard lock(mutex_);
  auto found = tasks_.find(id);
  return found == tasks_.end() ? nullptr : found->second;
}

std::string TaskService::NamespaceOf(const Call& call) const {
  auto found = call.metadata.find("containerd-namespace-ttrpc");
  return found != call.metadata.end() && !found->second.empty() ? found->second
                                                                : context_.namespace_name;
}

Reply TaskService::Create(const Call& call) {
  task_v2::CreateTaskRequest request;
  if (!Parse(call, request)) return BadRequest(call);
  if (request.terminal()) {
    return Reply::Error(ttrpc::kInvalidArgument, "terminal (tty) tasks are not supported");
  }
  if (!request.checkpoint().empty()) {
    return Reply::Error(ttrpc::kUnimplemented, "checkpoint restore is not supported");
  }
  std::lock_guard create_lock(create_mutex_);
  if (Find(request.id())) {
    return Reply::Error(ttrpc::kAlreadyExists, "task " + request.id() + " already exists");
  }
  auto spec = ReadOciSpec(request.bundle());
  if (!spec.ok()) return Reply::Error(ttrpc::kInvalidArgument, spec.error().message);

  auto task = std::make_shared<Task>();
  task->id = request.id();
  task->namespace_name = NamespaceOf(call);
  task->bundle = request.bundle();
  task->stdin_path = request.stdin();
  task->stdout_path = request.stdout();
  task->stderr_path = request.stderr();
  task->rootfs = spec->root;

  std::vector<RootfsMount> mounts;
  for (const auto& mount : request.rootfs()) {
    mounts.push_back({mount.type(), mount.source(),
                      std::vector<std::string>(mount.options().begin(), mount.options().end())});
  }
  if (Status mounted = MountRootfs(mounts, task->rootfs); !mounted.ok()) {
    return Reply::Error(ttrpc::kInternal, mounted.error().message);
  }
  TaskLaunch launch{context_.executable, task->bundle, task->id, task->namespace_name,
                    task->stdout_path, task->stderr_path};
  auto process = TaskProcess::Launch(launch, kLoadTimeout);
  if (!process.ok()) {
    (void)UnmountRootfs(task->rootfs);
    spdlog::warn("create {}: {}", task->id, process.error().message);
    return Reply::Error(ttrpc::kFailedPrecondition, process.error().message);
  }
  task->process = std::move(process).value();
  task->pid = static_cast<uint32_t>(task->process->pid());
  // For `delete` after a crash of this shim: which process to end.
  std::ofstream(fs::path(task->bundle) / "spindle-task.pid") << task->pid << "\n";
  {
    std::lock_guard lock(mutex_);
    tasks_[task->id] = task;
  }
  std::thread([this, task] { OnExit(task, task->process->Wait()); }).detach();

  events::TaskCreate created;
  created.set_container_id(task->id);
  created.set_bundle(task->bundle);
  *created.mutable_rootfs() = request.rootfs();
  created.mutable_io()->set_stdin(task->stdin_path);
  created.mutable_io()->set_stdout(task->stdout_path);
  created.mutable_io()->set_stderr(task->stderr_path);
  created.set_pid(task->pid);
  context_.events->Publish(task->namespace_name, "/tasks/create", created);

  task_v2::CreateTaskResponse response;
  response.set_pid(task->pid);
  return Reply::Of(response);
}

void TaskService::OnExit(const std::shared_ptr<Task>& task, uint32_t exit_status) {
  std::lock_guard lock(task->mutex);
  task->status = containerd::v1::types::STOPPED;
  task->exit_status = exit_status;
  task->exited_at = Now();
  // Not started yet: Start publishes both, in order.
  if (task->start_published) PublishExitLocked(*context_.events, *task);
  task->exited.notify_all();
}

Reply TaskService::Start(const Call& call) {
  task_v2::StartRequest request;
  if (!Parse(call, request)) return BadRequest(call);
  if (!request.exec_id().empty()) return NoExecs();
  std::shared_ptr<Task> task = Find(request.id());
  if (!task) return NoSuchTask(request.id());
  {
    std::lock_guard lock(task->mutex);
    if (task->status != containerd::v1::types::CREATED || task->start_published) {
      return Reply::Error(ttrpc::kFailedPrecondition, "task " + task->id + " was already started");
    }
  }
  // Not under the task's lock: State and Kill stay answerable meanwhile.
  auto running = task->process->Start(kStartTimeout);
  if (!running.ok()) {
    spdlog::warn("start {}: {}", task->id, running.error().message);
    kill(static_cast<pid_t>(task->pid), SIGKILL);
    return Reply::Error(ttrpc::kFailedPrecondition, running.error().message);
  }
  std::lock_guard lock(task->mutex);
  if (task->status == containerd::v1::types::CREATED) task->status = containerd::v1::types::RUNNING;
  events::TaskStart started;
  started.set_container_id(task->id);
  started.set_pid(task->pid);
  context_.events->Publish(task->namespace_name, "/tasks/start", started);
  task->start_published = true;
  if (task->status == containerd::v1::types::STOPPED && !task->exit_published) {
    PublishExitLocked(*context_.events, *task);
  }
  task_v2::StartResponse response;
  response.set_pid(task->pid);
  return Reply::Of(response);
}

Reply TaskService::Wait(const Call& call) {
  task_v2::WaitRequest request;
  if (!Parse(call, request)) return BadRequest(call);
  if (!request.exec_id().empty()) return NoExecs();
  std::shared_ptr<Task> task = Find(request.id());
  if (!task) return NoSuchTask(request.id());
  std::unique_lock lock(task->mutex);
  task->exited.wait(lock, [&] { return task->status == containerd::v1::types::STOPPED; });
  task_v2::WaitResponse response;
  response.set_exit_status(task->exit_status);
  SetTimestamp(task->exited_at, response.mutable_exited_at());
  return Reply::Of(response);
}

Reply TaskService::Kill(const Call& call) {
  task_v2::KillRequest request;
  if (!Parse(call, request)) return BadRequest(call);
  if (!request.exec_id().empty()) return NoExecs();
  std::shared_ptr<Task> task = Find(request.id());
  if (!task) return NoSuchTask(request.id());
  std::lock_guard lock(task->mutex);
  if (task->status == containerd::v1::types::STOPPED) {
    return Reply::Error(ttrpc::kNotFound, "process already finished");
  }
  if (kill(static_cast<pid_t>(task->pid), static_cast<int>(request.signal())) != 0) {
    if (errno == ESRCH) return Reply::Error(ttrpc::kNotFound, "process already finished");
    return Reply::Error(ttrpc::kInternal, std::string("kill: ") + std::strerror(errno));
  }
  return Reply::Of(google::protobuf::Empty());
}

Reply TaskService::Delete(const Call& call) {
  task_v2::DeleteRequest request;
  if (!Parse(call, request)) return BadRequest(call);
  if (!request.exec_id().empty()) return NoExecs();
  std::shared_ptr<Task> task = Find(request.id());
  if (!task) return NoSuchTask(request.id());
  {
    std::unique_lock lock(task->mutex);
    if (task->status == containerd::v1::types::RUNNING) {
      return Reply::Error(ttrpc::kFailedPrecondition,
                          "task " + task->id + " is running; kill it first");
    }
    // Created but never started: it only waits for "go"; end it.
    if (task->status == containerd::v1::types::CREATED) kill(static_cast<pid_t>(task->pid), SIGKILL);
    task->exited.wait(lock, [&] { return task->status == containerd::v1::types::STOPPED; });
  }
  {
    std::lock_guard lock(mutex_);
    tasks_.erase(task->id);
  }
  task->process.reset();  // drains the stdio relay
  if (Status unmounted = UnmountRootfs(task->rootfs); !unmounted.ok()) {
    spdlog::warn("delete {}: {}", task->id, unmounted.error().message);
  }
  std::error_code ignored;
  fs::remove(fs::path(task->bundle) / "spindle-task.pid", ignored);

  std::lock_guard lock(task->mutex);
  events::TaskDelete deleted;
  deleted.set_container_id(task->id);
  deleted.set_pid(task->pid);
  deleted.set_exit_status(task->exit_status);
  SetTimestamp(task->exited_at, deleted.mutable_exited_at());
  context_.events->Publish(task->namespace_name, "/tasks/delete", deleted);

  task_v2::DeleteResponse response;
  response.set_pid(task->pid);
  response.set_exit_status(task->exit_status);
  SetTimestamp(task->exited_at, response.mutable_exited_at());
  return Reply::Of(response);
}

Reply TaskService::State(const Call& call) {
  task_v2::StateRequest request;
  if (!Parse(call, request)) return BadRequest(call);
  if (!request.exec_id().empty()) return NoExecs();
  std::shared_ptr<Task> task = Find(request.id());
  if (!task) return NoSuchTask(request.id());
  std::lock_guard lock(task->mutex);
  task_v2::StateResponse response;
  response.set_id(task->id);
  response.set_bundle(task->bundle);
  response.set_pid(task->pid);
  response.set_status(task->status);
  response.set_stdin(task->stdin_path);
  response.set_stdout(task->stdout_path);
  response.set_stderr(task->stderr_path);
  if (task->status == containerd::v1::types::STOPPED) {
    response.set_exit_status(task->exit_status);
    SetTimestamp(task->exited_at, response.mutable_exited_at());
  }
  return Reply::Of(response);
}

Reply TaskService::Connect(const Call& call) {
  task_v2::ConnectRequest request;
  if (!Parse(call, request)) return BadRequest(call);
  task_v2::ConnectResponse response;
  response.set_shim_pid(static_cast<uint32_t>(getpid()));
  if (std::shared_ptr<Task> task = Find(request.id())) response.set_task_pid(task->pid);
  response.set_version(kVersion);
  return Reply::Of(response);
}

Reply TaskService::Shutdown(const Call& call) {
  task_v2::ShutdownRequest request;
  if (!Parse(call, request)) return BadRequest(call);
  bool idle = false;
  {
    std::lock_guard lock(mutex_);
    idle = tasks_.empty();
  }
  Reply reply = Reply::Of(google::protobuf::Empty());
  // With tasks left the shim stays, unless told to go now.
  if (idle || request.now()) reply.after_sent = shutdown_;
  return reply;
}

Reply TaskService::Stats(const Call& call) {
  task_v2::StatsRequest request;
  if (!Parse(call, request)) return BadRequest(call);
  std::shared_ptr<Task> task = Find(request.id());
  if (!task) return NoSuchTask(request.id());
  const ProcessUsage usage = ReadUsage(static_cast<pid_t>(task->pid));
  io::containerd::cgroups::v1::Metrics metrics;
  metrics.mutable_pids()->set_current(usage.threads);
  metrics.mutable_cpu()->mutable_usage()->set_user(usage.user_ns);
  metrics.mutable_cpu()->mutable_usage()->set_kernel(usage.kernel_ns);
  metrics.mutable_cpu()->mutable_usage()->set_total(usage.user_ns + usage.kernel_ns);
  metrics.mutable_memory()->set_rss(usage.rss_bytes);
  metrics.mutable_memory()->mutable_usage()->set_usage(usage.rss_bytes);
  task_v2::StatsResponse response;
  response.mutable_stats()->set_type_url(metrics.GetTypeName());
  response.mutable_stats()->set_value(metrics.SerializeAsString());
  return Reply::Of(response);
}

Reply TaskService::Pids(const Call& call) {
  task_v2::PidsRequest request;
  if (!Parse(call, request)) return BadRequest(call);
  std::shared_ptr<Task> task = Find(request.id());
  if (!task) return NoSuchTask(request.id());
  task_v2::PidsResponse response;
  std::lock_guard lock(task->mutex);
  if (task->status != containerd::v1::types::STOPPED) response.add_processes()->set_pid(task->pid);
  return Reply::Of(response);
}

Reply TaskService::Accept(const Call& call) {
  // CloseIORequest and UpdateTaskRequest both carry the task id in field 1.
  task_v2::PidsRequest request;
  if (!Parse(call, request)) return BadRequest(call);
  if (!Find(request.id())) return NoSuchTask(request.id());
  return Reply::Of(google::protobuf::Empty());
}

void TaskService::KillAll() {
  std::map<std::string, std::shared_ptr<Task>> tasks;
  {
    std::lock_guard lock(mutex_);
    tasks.swap(tasks_);
  }
  for (auto& entry : tasks) {
    // Not a structured binding: clang 14 cannot capture one in the lambda below.
    const std::shared_ptr<Task>& task = entry.second;
    std::unique_lock lock(task->mutex);
    if (task->status != containerd::v1::types::STOPPED) kill(static_cast<pid_t>(task->pid), SIGKILL);
    task->exited.wait(lock, [&] { return task->status == containerd::v1::types::STOPPED; });
    lock.unlock();
    task->process.reset();
    (void)UnmountRootfs(task->rootfs);
  }
}

}  // namespace spindle::shim
