"""An engine reached over SSH: Debian's sshd on a 127.0.0.1 port, for DOCKER_HOST=ssh://.

docker-py's ssh transport (paramiko) opens a session that runs ``docker system dial-stdio``
on the far side, which talks to that side's engine: here, the machine's main engine. The
server accepts only a key made for this run; the client side gets a HOME of its own whose
~/.ssh/config names the key and whose known_hosts holds the server's key (docker-py rejects
unknown host keys).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from second_docker import BASE, EngineStartError, _run, dead_runs, free_port

PREFIX = "dockyard-sshd-"
START_TIMEOUT = 30.0


@dataclass
class SshServer:
    directory: Path
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"ssh://root@127.0.0.1:{self.port}"

    @property
    def home(self) -> Path:
        return self.directory / "home"

    def environment(self) -> dict[str, str]:
        return {"DOCKER_HOST": self.url, "HOME": str(self.home)}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.directory, ignore_errors=True)


def sweep_leftovers() -> None:
    """Stop the sshd and remove the directory of runs whose process is gone."""
    for directory in dead_runs(PREFIX):
        with contextlib.suppress(OSError, ValueError):
            os.kill(int((directory / "sshd.pid").read_text()), signal.SIGTERM)
        shutil.rmtree(directory, ignore_errors=True)


def start_ssh_server() -> SshServer:
    sshd = shutil.which("sshd") or "/usr/sbin/sshd"
    if not Path(sshd).exists():
        raise EngineStartError("sshd is missing: run tools/bootstrap/engines.sh")
    sweep_leftovers()
    directory = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=BASE))
    directory.chmod(0o700)
    _run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(directory / "host_key"))
    _run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(directory / "client_key"))
    (directory / "authorized_keys").write_bytes((directory / "client_key.pub").read_bytes())
    port = free_port()
    config = directory / "sshd_config"
    config.write_text(
        "\n".join(
            [
                f"Port {port}",
                "ListenAddress 127.0.0.1",
                f"HostKey {directory / 'host_key'}",
                f"AuthorizedKeysFile {directory / 'authorized_keys'}",
                f"PidFile {directory / 'sshd.pid'}",
                "PermitRootLogin prohibit-password",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                "StrictModes no",
                # docker-py opens one channel per pooled connection, and every running
                # container holds one (its log stream): sshd's default of 10 is soon reached.
                "MaxSessions 256",
                "",
            ]
        ),
        encoding="ascii",
    )
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege separation dir
    ssh_dir = directory / "home" / ".ssh"
    ssh_dir.mkdir(parents=True, mode=0o700)
    (ssh_dir / "config").write_text(
        f"Host 127.0.0.1\n  IdentityFile {directory / 'client_key'}\n", encoding="ascii"
    )
    host_key = (directory / "host_key.pub").read_text(encoding="ascii").split()
    (ssh_dir / "known_hosts").write_text(
        f"[127.0.0.1]:{port} {host_key[0]} {host_key[1]}\n", encoding="ascii"
    )
    with open(directory / "sshd.log", "wb") as log_file:
        process = subprocess.Popen(
            [sshd, "-D", "-e", "-f", str(config)],
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    server = SshServer(directory, port, process)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (directory / "sshd.log").read_text(errors="replace")
            server.stop()
            raise EngineStartError(f"sshd exited: {log}")
        probe = _run(
            "ssh",
            "-F",
            str(ssh_dir / "config"),
            "-o",
            f"UserKnownHostsFile={ssh_dir / 'known_hosts'}",
            "-o",
            "BatchMode=yes",
            "-p",
            str(port),
            "root@127.0.0.1",
            "docker",
            "version",
            "--format",
            "{{.Server.Version}}",
            check=False,
        )
        if probe.returncode == 0:
            return server
        time.sleep(0.3)
    log = (directory / "sshd.log").read_text(errors="replace")
    server.stop()
    raise EngineStartError(f"sshd did not let us run docker within {START_TIMEOUT:.0f}s: {log}")
