#!/usr/bin/env python3
"""Run the WebAssembly/wasi-testsuite preview1 tests against Spindle.

Usage:
    run-wasi-testsuite.py TESTSUITE_DIR [--spindle PATH] [--filter SUBSTRING]
                          [--timeout SECONDS] [-v] [--json OUT]

TESTSUITE_DIR is a checkout of https://github.com/WebAssembly/wasi-testsuite
(branch prod/testsuite-all), which holds prebuilt test modules with JSON
expectations.  The preview1 suites live in
tests/{c,rust,assemblyscript}/testsuite/wasm32-wasip1; the wasm32-wasip3 suites
and tests/proposals are reported and skipped.

Each test module is run as

    spindle run --env K=V ... --dir HOST::GUEST ... TEST.wasm ARGS...

with stdin a pipe, stdout and stderr captured and the test's directory as the
working directory.  The expectations are checked the way the reference runner
(test-runner/wasi_test_runner) checks them.  Standard library only.
"""

import argparse
import codecs
import io
import json
import os
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time

LEGACY_KEYS = {"args", "dirs", "env", "exit_code", "stderr", "stdout"}
OPERATION_KEYS = {"operations", "proposals", "world"}
KNOWN_OPERATIONS = {"run", "wait", "read", "write", "connect", "send", "recv",
                    "request", "kill"}
# Operations that need a network peer (sockets / http proposals).
NETWORK_OPERATIONS = {"connect", "send", "recv", "request"}
CLI_WORLD = "wasi:cli/command"
PREVIEW1 = "wasm32-wasip1"
LANGUAGES = ("c", "rust", "assemblyscript")
# Keep at most this many characters of a stream (the rest is still drained).
STREAM_CAP = 16 * 1024 * 1024


class SpecError(Exception):
    """The test's JSON specification is malformed."""


# ---------------------------------------------------------------------------
# Test specifications
# ---------------------------------------------------------------------------

def _str_list(value, what):
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SpecError("%s must be a list of strings" % what)
    return list(value)


def _env_dict(value):
    if not isinstance(value, dict):
        raise SpecError("env must be an object")
    env = {}
    for k, v in value.items():
        if isinstance(v, bool) or not isinstance(v, (str, int, float)):
            raise SpecError("env value for %r must be a string" % k)
        env[k] = v if isinstance(v, str) else str(v)
    return env


def _payload(op):
    value = op.get("payload", "")
    if not isinstance(value, str):
        raise SpecError("%s payload must be a string" % op.get("type"))
    return value


def _run_op(config):
    return {
        "type": "run",
        "args": _str_list(config.get("args", []), "args"),
        "env": _env_dict(config.get("env", {})),
        "dirs": _str_list(config.get("dirs", []), "dirs"),
    }


def _wait_op(config):
    code = config.get("exit_code", 0)
    if isinstance(code, bool) or not isinstance(code, int):
        raise SpecError("exit_code must be an integer")
    return {"type": "wait", "exit_code": code}


def _operation(op):
    if not isinstance(op, dict):
        raise SpecError("an operation must be an object")
    kind = op.get("type")
    if kind not in KNOWN_OPERATIONS:
        raise SpecError("unsupported operation type %r" % (kind,))
    if kind == "run":
        return _run_op(op)
    if kind == "wait":
        return _wait_op(op)
    if kind == "read":
        return {"type": "read", "id": op.get("id", "stdout"), "payload": _payload(op)}
    if kind == "write":
        # The reference runner's default id is "write", which names no stream
        # and is therefore rejected by validation below.
        return {"type": "write", "id": op.get("id", "write"), "payload": _payload(op)}
    if kind == "kill":
        name = op.get("signal", "SIGTERM")
        if not isinstance(name, str) or not isinstance(getattr(signal, name, None), signal.Signals):
            raise SpecError("unknown signal name %r" % (name,))
        return {"type": "kill", "signal": name}
    if kind == "connect":
        return {"type": "connect", "id": op.get("id", "server"),
                "protocol_type": op.get("protocol_type", "tcp")}
    if kind in ("send", "recv"):
        if "id" not in op:
            raise SpecError("%s operation requires an 'id'" % kind)
        return {"type": kind, "id": op["id"], "payload": _payload(op)}
    return dict(op)  # request: only ever skipped


def _validate(operations):
    """The checks of the reference runner's TestCaseValidator."""
    has_proc = False
    streams = {}
    for op in operations:
        kind = op["type"]
        if kind == "run":
            if has_proc:
                raise SpecError("run while a process is still running")
            streams = {"stdin": "w", "stdout": "r", "stderr": "r"}
            has_proc = True
            continue
        if not has_proc:
            raise SpecError("%s without a running process" % kind)
        if kind == "wait":
            has_proc = False
            streams = {}
        elif kind in ("read", "write"):
            want = "r" if kind == "read" else "w"
            if streams.get(op["id"]) != want:
                raise SpecError("%s from/to %r, which is no %s stream" % (
                    kind, op["id"], "readable" if want == "r" else "writable"))
        elif kind == "connect":
            if op["id"] in streams:
                raise SpecError("connection id %r used twice" % op["id"])
            streams[op["id"]] = "s"
        elif kind in ("send", "recv"):
            if streams.get(op["id"]) != "s":
                raise SpecError("%s on unknown connection %r" % (kind, op["id"]))
    if has_proc:
        raise SpecError("run without a matching wait")


def load_spec(wasm_path):
    """Returns {"operations", "proposals", "world", "warnings", "format"}."""
    json_path = wasm_path[:-len(".wasm")] + ".json"
    if not os.path.exists(json_path):
        return {"operations": [_run_op({}), _wait_op({})], "proposals": [],
                "world": CLI_WORLD, "warnings": [], "format": "default"}
    try:
        with open(json_path, encoding="utf-8") as f:
            config = json.load(f)
    except (OSError, ValueError) as e:
        raise SpecError("cannot read %s: %s" % (os.path.basename(json_path), e))
    if not isinstance(config, dict):
        raise SpecError("%s is not a JSON object" % os.path.basename(json_path))

    keys = set(config)
    if keys & OPERATION_KEYS and keys & LEGACY_KEYS:
        raise SpecError("mixes legacy and operation-based keys")
    warnings = []
    if config.get("operations") is not None or config.get("proposals") is not None:
        fmt = "operations"
        expected = OPERATION_KEYS
        ops = config.get("operations") or []
        if not isinstance(ops, list):
            raise SpecError("operations must be a list")
        operations = [_operation(op) for op in ops]
        proposals = config.get("proposals") or []
        if not isinstance(proposals, list):
            raise SpecError("proposals must be a list")
        proposals = [str(p) for p in proposals]
        world = config.get("world", CLI_WORLD)
    else:
        # The legacy format, in terms of run, read and wait (as the reference
        # runner converts it): stdout/stderr are only checked when present.
        fmt = "legacy"
        expected = LEGACY_KEYS
        operations = [_run_op(config)]
        for stream in ("stdout", "stderr"):
            if config.get(stream) is not None:
                payload = config[stream]
                if not isinstance(payload, str):
                    raise SpecError("%s must be a string" % stream)
                operations.append({"type": "read", "id": stream, "payload": payload})
        operations.append(_wait_op(config))
        proposals = []
        world = CLI_WORLD
    for key in sorted(keys - expected):
        warnings.append("unknown field in %s: %s" % (os.path.basename(json_path), key))
    _validate(operations)
    return {"operations": operations, "proposals": proposals, "world": world,
            "warnings": warnings, "format": fmt}


def skip_reason(spec):
    if spec["proposals"]:
        return "requires proposals: %s" % ", ".join(spec["proposals"])
    if spec["world"] != CLI_WORLD:
        return "world %s is not %s" % (spec["world"], CLI_WORLD)
    network = sorted({op["type"] for op in spec["operations"]} & NETWORK_OPERATIONS)
    if network:
        return "uses %s operations (sockets/http proposals)" % "/".join(network)
    return None


# ---------------------------------------------------------------------------
# Cleanup of *.cleanup artifacts
# ---------------------------------------------------------------------------

def _make_writable(func, path, _exc_info):
    # rmtree error handler: give the parent directory (and the entry) write
    # permission, then retry once.
    for p in (os.path.dirname(path), path):
        try:
            if not os.path.islink(p):
                os.chmod(p, os.stat(p).st_mode | stat.S_IRWXU)
        except OSError:
            pass
    func(path)


def remove_cleanup_artifacts(host_dir):
    """Removes every entry named *.cleanup under host_dir (files, symlinks and
    whole directories), without following symlinks.  Nothing else is touched.
    Returns a list of error messages."""
    errors = []
    if not os.path.isdir(host_dir) or os.path.islink(host_dir):
        return errors
    for root, dirs, files in os.walk(host_dir, followlinks=False):
        for name in list(dirs) + list(files):
            if not name.endswith(".cleanup"):
                continue
            path = os.path.join(root, name)
            try:
                if os.path.islink(path) or not os.path.isdir(path):
                    os.unlink(path)
                else:
                    shutil.rmtree(path, onerror=_make_writable)
            except OSError as e:
                errors.append("cannot remove %s: %s" % (path, e))
            if name in dirs:
                dirs.remove(name)
    return errors


# ---------------------------------------------------------------------------
# Running a test
# ---------------------------------------------------------------------------

class Stream:
    """Drains one output pipe on a thread, decoding it as the reference runner's
    text-mode pipes do (UTF-8, universal newlines)."""

    def __init__(self, pipe):
        self._pipe = pipe
        self._cond = threading.Condition()
        self._decoder = io.IncrementalNewlineDecoder(
            codecs.getincrementaldecoder("utf-8")("replace"), translate=True)
        self.text = ""
        self.pos = 0  # characters consumed by read operations
        self.eof = False
        self.truncated = False
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    def _append(self, chunk):
        if not chunk:
            return
        with self._cond:
            room = STREAM_CAP - len(self.text)
            if len(chunk) > room:
                chunk = chunk[:max(room, 0)]
                self.truncated = True
            self.text += chunk
            self._cond.notify_all()

    def _drain(self):
        fd = self._pipe.fileno()
        try:
            while True:
                data = os.read(fd, 65536)
                if not data:
                    break
                self._append(self._decoder.decode(data))
        except OSError:
            pass
        finally:
            self._append(self._decoder.decode(b"", final=True))
            with self._cond:
                self.eof = True
                self._cond.notify_all()

    def read(self, count, deadline):
        """Next `count` characters (fewer at end of stream), or None if the
        deadline passed first."""
        with self._cond:
            while len(self.text) - self.pos < count and not self.eof:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._cond.wait(left)
            got = self.text[self.pos:self.pos + count]
            self.pos += len(got)
            return got

    def finish(self, timeout):
        self._thread.join(timeout)
        try:
            self._pipe.close()
        except OSError:
            pass


class Process:
    def __init__(self, argv, cwd):
        self.argv = argv
        self.proc = subprocess.Popen(
            argv, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, start_new_session=True)
        self.streams = {"stdout": Stream(self.proc.stdout),
                        "stderr": Stream(self.proc.stderr)}
        self.timed_out = False
        self.killed = False

    def close_stdin(self):
        try:
            if not self.proc.stdin.closed:
                self.proc.stdin.close()
        except OSError:
            pass

    def kill(self):
        """Kills the process group this runner started for the test."""
        if self.proc.poll() is not None:
            return
        self.killed = True
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:
            try:
                self.proc.kill()
            except OSError:
                pass

    def wait(self, deadline):
        """Closes stdin (as communicate() does) and waits for the exit until
        the deadline; on timeout kills the process.  Returns the exit code or
        None after a timeout."""
        self.close_stdin()
        code = None
        try:
            code = self.proc.wait(timeout=max(deadline - time.monotonic(), 0))
        except subprocess.TimeoutExpired:
            self.timed_out = True
            self.kill()
            self.proc.wait()
        self.finish()
        return code

    def finish(self):
        # A leftover grandchild could keep the pipes open after the process
        # exits; don't wait for it forever.
        for s in self.streams.values():
            s.finish(2)


def _short(text, limit=120):
    r = repr(text)
    return r if len(r) <= limit else r[:limit - 4] + "...'"


def _stderr_hint(text):
    """The most telling stderr line for a one-line failure reason: the first
    non-empty line, or for a Rust panic the panic message after it."""
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    if not lines:
        return ""
    line = lines[0]
    if "panicked at" in line and len(lines) > 1:
        line = lines[1]
    return line if len(line) <= 160 else line[:157] + "..."


def _describe_exit(code):
    if code is None:
        return "none"
    if code < 0:
        try:
            return "signal %s" % signal.Signals(-code).name
        except ValueError:
            return "signal %d" % -code
    return str(code)


def build_argv(spindle, wasm_path, run_op, test_dir):
    argv = list(spindle) + ["run"]
    for k, v in run_op["env"].items():
        argv += ["--env", "%s=%s" % (k, v)]
    for d in run_op["dirs"]:
        argv += ["--dir", "%s::%s" % (os.path.join(test_dir, d), d)]
    argv.append(wasm_path)
    argv += run_op["args"]
    return argv


def run_test(spindle, wasm_path, spec, timeout):
    """Executes the operations.  Returns a result dict."""
    test_dir = os.path.dirname(wasm_path)
    result = {"status": "PASS", "reason": "", "argv": [], "exit_code": None,
              "stdout": "", "stderr": "", "cleanup_errors": []}
    failures = []
    cleanup_dirs = []
    proc = None
    deadline = 0.0

    def collect(p):
        result["exit_code"] = p.proc.returncode
        result["stdout"] = p.streams["stdout"].text
        result["stderr"] = p.streams["stderr"].text

    try:
        for op in spec["operations"]:
            if failures:
                break
            kind = op["type"]
            if kind == "run":
                for d in op["dirs"]:
                    host = os.path.join(test_dir, d)
                    result["cleanup_errors"] += remove_cleanup_artifacts(host)
                    if host not in cleanup_dirs:
                        cleanup_dirs.append(host)
                argv = build_argv(spindle, wasm_path, op, test_dir)
                result["argv"] = argv
                try:
                    proc = Process(argv, test_dir)
                except (OSError, ValueError) as e:
                    failures.append("failed to start: %s" % e)
                    break
                deadline = time.monotonic() + timeout
            elif kind == "read":
                want = op["payload"]
                got = proc.streams[op["id"]].read(len(want), deadline)
                if got is None:
                    failures.append("timeout after %gs waiting for %s %s" % (
                        timeout, op["id"], _short(want)))
                elif got != want:
                    failures.append("%s: expected %s, got %s" % (
                        op["id"], _short(want), _short(got)))
            elif kind == "write":
                try:
                    proc.proc.stdin.write(op["payload"].encode("utf-8"))
                    proc.proc.stdin.flush()
                except OSError as e:
                    failures.append("writing to stdin failed: %s" % e)
            elif kind == "kill":
                try:
                    proc.proc.send_signal(getattr(signal, op["signal"]))
                except OSError as e:
                    failures.append("sending %s failed: %s" % (op["signal"], e))
            elif kind == "wait":
                code = proc.wait(deadline)
                collect(proc)
                p, proc = proc, None
                if code is None:
                    failures.append("timeout: killed after %gs" % timeout)
                elif code != op["exit_code"]:
                    failures.append("exit code: expected %d, got %s" % (
                        op["exit_code"], _describe_exit(code)))
            else:  # network operations are skipped before we get here
                failures.append("unsupported operation %s" % kind)
    except BaseException:
        if proc is not None:  # interrupted: stop the process at once
            proc.kill()
            proc.wait(time.monotonic())
            proc = None
        raise
    finally:
        if proc is not None:
            # A check failed (or we were interrupted) while the process runs:
            # let it finish within the deadline for the diagnostics, then kill.
            code = proc.wait(deadline)
            collect(proc)
            if code is None and not failures:
                failures.append("timeout: killed after %gs" % timeout)
            elif code is not None and failures and failures[-1].startswith(("stdout", "stderr")):
                failures[-1] += " (exit code %s)" % _describe_exit(code)
        for d in cleanup_dirs:
            result["cleanup_errors"] += remove_cleanup_artifacts(d)

    if failures:
        result["status"] = "FAIL"
        reason = failures[0]
        hint = _stderr_hint(result["stderr"])
        if hint and not reason.startswith("stderr"):
            reason += " [stderr: %s]" % hint
        result["reason"] = reason
    return result


# ---------------------------------------------------------------------------
# Discovery
# ---------------------------------------------------------------------------

def _count_wasm(path):
    try:
        return len([n for n in os.listdir(path) if n.endswith(".wasm")])
    except OSError:
        return 0


def _manifest_name(path, default):
    try:
        with open(os.path.join(path, "manifest.json"), encoding="utf-8") as f:
            name = json.load(f).get("name")
        if isinstance(name, str) and name:
            return " ".join(name.split())
    except (OSError, ValueError, AttributeError):
        pass
    return default


def discover(root):
    """Returns (suites, skipped_suites).  A suite is {"key", "name", "path"};
    a skipped suite is {"path", "modules", "reason"}."""
    suites, skipped = [], []
    tests = os.path.join(root, "tests")
    if not os.path.isdir(tests) and os.path.exists(os.path.join(root, "manifest.json")):
        # A single suite directory was given.
        key = os.path.basename(os.path.normpath(root))
        return [{"key": key, "name": _manifest_name(root, key), "path": root}], []
    if not os.path.isdir(tests):
        return suites, skipped
    for lang in sorted(os.listdir(tests)):
        base = os.path.join(tests, lang)
        if not os.path.isdir(base):
            continue
        if lang == "proposals":
            for sub in sorted(os.listdir(base)):
                p = os.path.join(base, sub)
                if os.path.isdir(p):
                    skipped.append({"path": os.path.relpath(p, root), "modules": _count_wasm(p),
                                    "reason": "proposal tests, not preview1 commands"})
            continue
        ts = os.path.join(base, "testsuite")
        if not os.path.isdir(ts):
            continue
        for version in sorted(os.listdir(ts)):
            p = os.path.join(ts, version)
            if not os.path.isdir(p):
                continue
            if version != PREVIEW1:
                skipped.append({"path": os.path.relpath(p, root), "modules": _count_wasm(p),
                                "reason": "%s is not preview1" % version})
                continue
            suites.append({"key": lang, "name": _manifest_name(p, lang), "path": p})
    order = {lang: i for i, lang in enumerate(LANGUAGES)}
    suites.sort(key=lambda s: (order.get(s["key"], len(order)), s["key"]))
    return suites, skipped


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------

def _indent(text, prefix="      "):
    if not text:
        return prefix + "(empty)"
    return "\n".join(prefix + line for line in text.rstrip("\n").split("\n"))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(here))
    ap = argparse.ArgumentParser(
        description="Run the wasi-testsuite preview1 tests against Spindle.")
    ap.add_argument("testsuite", metavar="TESTSUITE_DIR",
                    help="checkout of WebAssembly/wasi-testsuite (branch prod/testsuite-all)")
    ap.add_argument("--spindle", metavar="PATH", default=os.path.join(repo, "build", "bin", "spindle"),
                    help="runtime binary, invoked as PATH run ... (default: %(default)s)")
    ap.add_argument("--filter", action="append", default=[], metavar="SUBSTRING",
                    help="only run tests whose id (e.g. rust/fd_readdir) contains "
                         "SUBSTRING; may be repeated")
    ap.add_argument("--timeout", type=float, default=5.0, metavar="SECONDS",
                    help="seconds before a test is killed and fails (default: 5)")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print argv, exit code, stdout and stderr of failures")
    ap.add_argument("--json", metavar="OUT", help="write per-test results as JSON to OUT")
    opts = ap.parse_args()

    root = os.path.abspath(opts.testsuite)
    spindle = [os.path.abspath(opts.spindle) if os.sep in opts.spindle else opts.spindle]
    suites, skipped_suites = discover(root)
    if not suites:
        print("error: no wasm32-wasip1 suites under %s (expected "
              "tests/{c,rust,assemblyscript}/testsuite/wasm32-wasip1)" % root,
              file=sys.stderr)
        return 2

    print("wasi-testsuite: %s" % root)
    print("runtime: %s" % " ".join(spindle))
    for s in skipped_suites:
        print("SKIP suite %s (%d modules): %s" % (s["path"], s["modules"], s["reason"]))

    results = []
    summaries = []
    for suite in suites:
        names = sorted(n[:-len(".wasm")] for n in os.listdir(suite["path"])
                       if n.endswith(".wasm"))
        selected = [n for n in names
                    if not opts.filter or any(f in "%s/%s" % (suite["key"], n) for f in opts.filter)]
        summary = {"key": suite["key"], "name": suite["name"],
                   "path": os.path.relpath(suite["path"], root), "tests": len(selected),
                   "passed": 0, "failed": 0, "skipped": 0}
        summaries.append(summary)
        if not selected:
            continue
        print("\n== %s (%s, %d tests)" % (suite["name"], summary["path"], len(selected)))
        for name in selected:
            test_id = "%s/%s" % (suite["key"], name)
            wasm = os.path.join(suite["path"], name + ".wasm")
            start = time.monotonic()
            warnings = []
            try:
                spec = load_spec(wasm)
                warnings = spec["warnings"]
                reason = skip_reason(spec)
                if reason:
                    res = {"status": "SKIP", "reason": reason}
                else:
                    res = run_test(spindle, wasm, spec, opts.timeout)
            except SpecError as e:
                res = {"status": "FAIL", "reason": "invalid test spec: %s" % e}
            res.update({"suite": suite["name"], "id": test_id, "name": name,
                        "duration_s": round(time.monotonic() - start, 3),
                        "warnings": warnings})
            results.append(res)
            summary[{"PASS": "passed", "FAIL": "failed", "SKIP": "skipped"}[res["status"]]] += 1

            line = "%s %s" % (res["status"], test_id)
            if res["reason"]:
                line += ": " + res["reason"]
            print(line)
            for e in res.get("cleanup_errors", []):
                print("    warning: " + e)
            if opts.verbose:
                for w in warnings:
                    print("    warning: " + w)
                if res["status"] == "FAIL" and res.get("argv"):
                    print("    argv: " + shlex.join(res["argv"]))
                    print("    exit code: %s" % _describe_exit(res["exit_code"]))
                    print("    stdout:\n" + _indent(res["stdout"]))
                    print("    stderr:\n" + _indent(res["stderr"]))
            sys.stdout.flush()

    print()
    for s in summaries:
        if s["tests"]:
            print("%s: %d passed, %d failed, %d skipped (%d tests)" % (
                s["name"], s["passed"], s["failed"], s["skipped"], s["tests"]))
    passed = sum(s["passed"] for s in summaries)
    failed = sum(s["failed"] for s in summaries)
    skipped = sum(s["skipped"] for s in summaries)

    if opts.json:
        doc = {"testsuite": root, "runtime": spindle, "timeout_s": opts.timeout,
               "suites": summaries, "skipped_suites": skipped_suites,
               "totals": {"passed": passed, "failed": failed, "skipped": skipped},
               "tests": results}
        with open(opts.json, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")

    if skipped:
        print("%d skipped" % skipped)
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
