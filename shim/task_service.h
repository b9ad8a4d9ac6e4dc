// containerd.task.v2.Task for Spindle: one entry per container this shim
// runs (containerd starts one shim per container). Create mounts the rootfs
// and launches the task process (which loads the app), Start lets it
// serve, and its exit is noticed by a reaper thread. Events are published
// in the order containerd requires: create < start < exit < delete.
//
// Thread safety: every handler may run concurrently with the others.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "shim/event_publisher.h"
#include "shim/ttrpc/server.h"

namespace spindle::shim {

struct ShimContext {
  std::string namespace_name;  // -namespace; requests may name their own
  std::string executable;      // this binary, re-executed for task processes
  EventPublisher* events = nullptr;
};

struct Task;

class TaskService {
 public:
  // `shutdown` runs after the reply to a Shutdown that ends the shim.
  TaskService(ShimContext context, std::function<void()> shutdown);
  ~TaskService();
  TaskService(const TaskService&) = delete;
  TaskService& operator=(const TaskService&) = delete;

  void Register(ttrpc::Server& server);

  // Kills and reaps every task process and unmounts its rootfs; for a shim
  // told to exit while tasks remain.
  void KillAll();

 private:
  ttrpc::Reply Create(const ttrpc::Call& call);
  ttrpc::Reply Start(const ttrpc::Call& call);
  ttrpc::Reply Wait(const ttrpc::Call& call);
  ttrpc::Reply Kill(const ttrpc::Call& call);
  ttrpc::Reply Delete(const ttrpc::Call& call);
  ttrpc::Reply State(const ttrpc::Call& call);
  ttrpc::Reply Connect(const ttrpc::Call& call);
  ttrpc::Reply Shutdown(const ttrpc::Call& call);
  ttrpc::Reply Stats(const ttrpc::Call& call);
  ttrpc::Reply Pids(const ttrpc::Call& call);
  ttrpc::Reply Accept(const ttrpc::Call& call);  // CloseIO, Update: nothing to do

  std::shared_ptr<Task> Find(const std::string& id);
  std::string NamespaceOf(const ttrpc::Call& call) const;
  void OnExit(const std::shared_ptr<Task>& task, uint32_t exit_status);

  ShimContext context_;
  std::function<void()> shutdown_;
  std::mutex create_mutex_;  // one Create at a time: ids are checked, then taken
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Task>> tasks_;
};

}  // namespace spindle::shim
