"""A warm Python for the oracle scripts: imports the frameworks once and forks a copy per run.

Each oracle run used to start Python and import PyTorch and Keras (TensorFlow) afresh: about
6 s of one core, over forty times in a cold test run. The host imports them once and runs each
script in a fork of itself, so a run starts where a fresh process would be after its imports.
A forked child is a copy of a process that has imported the frameworks and run nothing: no
framework state (sessions, thread pools, random generators in use) exists yet, and each script
seeds its own randomness, so a script computes what it computes in a process of its own.

    python -S oracle_host.py run SOCKET LOCK -- SCRIPT [ARGS...]

runs SCRIPT with ARGS, stdin, the environment and the working directory of this command through
the host listening on SOCKET (started under LOCK if none answers), and ends as the script ended:
its stdout, its stderr, its exit status, or the signal that killed it. A host that cannot start
or answer is not an error: the script then runs in a process of its own, as before. The host
serves only its owner (the socket sits in a folder only the owner may enter) and exits after
IDLE_SECONDS without a run.

Uses only the standard library in the client: `-S` keeps its start to a few milliseconds.
"""
import fcntl
import json
import os
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

IDLE_SECONDS = 120
START_SECONDS = 120
PRELOAD = ("numpy", "torch", "keras")


# --- wire: one length-prefixed JSON message each way ---------------------------------------

def send_message(conn, obj):
    data = json.dumps(obj).encode()
    conn.sendall(struct.pack("!Q", len(data)) + data)


def recv_exact(conn, n):
    chunks = []
    while n:
        chunk = conn.recv(min(n, 1 << 20))
        if not chunk:
            raise ConnectionError("connection closed")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def recv_message(conn):
    (size,) = struct.unpack("!Q", recv_exact(conn, 8))
    return json.loads(recv_exact(conn, size))


# --- client ---------------------------------------------------------------------------------

def connect(path):
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(path)
        return conn
    except OSError:
        conn.close()
        return None


def start_host(path, lock_path):
    """Starts a host unless one answers; returns a connection to it, or None."""
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        conn = connect(path)
        if conn:
            return conn
        if os.path.exists(path):
            os.unlink(path)  # a host that died left its socket: no one answers it
        log = open(path + ".log", "ab")
        subprocess.Popen([sys.executable, os.path.abspath(__file__), "serve", path], stdin=subprocess.DEVNULL,
                         stdout=log, stderr=log, start_new_session=True, close_fds=True)
        log.close()
        deadline = time.time() + START_SECONDS
        while time.time() < deadline:
            conn = connect(path)
            if conn:
                return conn
            time.sleep(0.1)
    return None


def run_alone(argv, stdin):
    """The script in a process of its own: the way every run went before the host."""
    done = subprocess.run([sys.executable] + argv, input=stdin)
    end_like(done.returncode)


def end_like(status):
    """Exits as the script did: with its status, or killed by its signal."""
    sys.stdout.flush()
    sys.stderr.flush()
    if status < 0:
        signal.signal(-status, signal.SIG_DFL)
        os.kill(os.getpid(), -status)
    os._exit(status)


def client(path, lock_path, argv):
    stdin = sys.stdin.buffer.read()
    conn = connect(path) or start_host(path, lock_path)
    if not conn:
        run_alone(argv, stdin)
    try:
        send_message(conn, {"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ), "stdin": stdin.decode("latin-1")})
        reply = recv_message(conn)
    except (OSError, ConnectionError, ValueError):
        run_alone(argv, stdin)  # the host went away before it answered: nothing ran to the end
    sys.stdout.buffer.write(reply["stdout"].encode("latin-1"))
    sys.stderr.buffer.write(reply["stderr"].encode("latin-1"))
    end_like(reply["status"])


# --- host -----------------------------------------------------------------------------------

def serve(path):
    for name in PRELOAD:
        try:
            __import__(name)
        except Exception:  # a venv without it: the scripts import what they need themselves
            pass
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    os.chmod(path, 0o600)
    listener.listen(16)
    listener.settimeout(IDLE_SECONDS)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # handlers are reaped by the kernel
    try:
        while True:
            try:
                conn, _ = listener.accept()
            except socket.timeout:
                return
            if os.fork() == 0:
                listener.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                handle(conn)
                os._exit(0)
            conn.close()
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass


def handle(conn):
    """One run: forks the script's process, waits for it (or for the client to hang up)."""
    request = recv_message(conn)
    # mkdtemp, not TemporaryDirectory: the script's process runs the atexit functions at its
    # end, and a TemporaryDirectory it inherited would be cleaned up by them.
    tmp = tempfile.mkdtemp(prefix="oracle-run-")
    try:
        names = [os.path.join(tmp, n) for n in ("stdin", "stdout", "stderr")]
        with open(names[0], "wb") as f:
            f.write(request["stdin"].encode("latin-1"))
        pid = os.fork()
        if pid == 0:
            run_script(request, names)
        status = wait_or_abandon(pid, conn)
        if status is None:
            return
        outputs = []
        for name in names[1:]:
            with open(name, "rb") as f:
                outputs.append(f.read().decode("latin-1"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    send_message(conn, {"stdout": outputs[0], "stderr": outputs[1], "status": status})


def wait_or_abandon(pid, conn):
    """The script's exit status (negative: the signal that killed it), or None when the client
    hung up first (it timed out): the script is killed, as a timed-out process would be."""
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        readable, _, _ = select.select([conn], [], [], 0.1)
        if readable and not conn.recv(1, socket.MSG_PEEK):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return None


def run_script(request, names):
    """In the forked child: becomes the script's process and runs it as `python SCRIPT ARGS`.
    Never returns: the child ends here, whatever happens."""
    try:
        run_script_as_main(request, names)
    finally:
        os._exit(70)  # reached only if setting up the run failed (EX_SOFTWARE)


def run_script_as_main(request, names):
    import atexit
    import runpy
    import traceback

    for fd, name, mode in ((0, names[0], os.O_RDONLY), (1, names[1], os.O_WRONLY), (2, names[2], os.O_WRONLY)):
        new = os.open(name, mode | (os.O_CREAT | os.O_TRUNC if fd else 0), 0o600)
        os.dup2(new, fd)
        os.close(new)
    os.chdir(request["cwd"])
    # The run's environment, over the host's: what the venv's .pth files set at the host's
    # start (the oracle's oneDNN settings, read by TensorFlow when it first computes) stays
    # set, as it would be in a process of the run's own.
    os.environ.update(request["env"])
    script, *args = request["argv"]
    sys.argv = [script, *args]
    sys.path[0] = os.path.dirname(os.path.abspath(script))
    code = 0
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as e:
        if e.code is None:
            code = 0
        elif isinstance(e.code, int):
            code = e.code
        else:
            print(e.code, file=sys.stderr)
            code = 1
    except BaseException as e:
        # As Python prints it: from the script's own frame (the host's and runpy's are not shown).
        tb = e.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename != script:
            tb = tb.tb_next
        traceback.print_exception(type(e), e, tb or e.__traceback__)
        code = 1
    try:
        atexit._run_exitfuncs()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def main():
    if sys.argv[1] == "serve":
        serve(sys.argv[2])
    elif sys.argv[1] == "run" and sys.argv[4] == "--":
        client(sys.argv[2], sys.argv[3], sys.argv[5:])
    else:
        sys.exit("usage: oracle_host.py run SOCKET LOCK -- SCRIPT [ARGS...] | serve SOCKET")


if __name__ == "__main__":
    main()
