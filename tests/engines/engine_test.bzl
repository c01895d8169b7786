"""dockyard_engine_test: a selection of test files run against an engine started for it."""

load("//tools/bazel:defs.bzl", "image_data_and_env", "requirement")

_RUNNER = [
    "run_on_engine.py",
    "second_docker.py",
    "podman_service.py",
    "ssh_server.py",
    "certs.py",
    "machine_lock.py",
    "transfer.py",
]

def dockyard_engine_test(name, engine, tests, support = [], images = [], deps = [], tags = [], **kwargs):
    """pytest over `tests` (labels of test files) on the engine `engine` ("tls", "podman",
    "ssh").

    Tagged `engine-<engine>` (and `engines`) so a run can pick or skip the selections:
    `bazel test //... --test_tag_filters=-engines`. The runner starts an engine process,
    changes the machine's network setup for it and tears it down, so it runs unsandboxed
    (`local`) as root.
    """
    data, env = image_data_and_env(images, True, [], {"DOCKYARD_TEST_ENGINE": engine})
    native.py_test(
        name = name,
        srcs = _RUNNER + tests + support + [Label("//tools/bazel:pytest_main.py"), Label("//tools/bazel:image_env.py")],
        main = "run_on_engine.py",
        args = ["$(rootpath %s)" % test for test in tests],
        deps = deps + [requirement("pytest")],
        data = data,
        env = env,
        legacy_create_init = 0,
        python_version = "PY3",
        srcs_version = "PY3",
        size = "large",
        tags = tags + ["engines", "engine-" + engine, "local", "requires-docker", "requires-network"],
        **kwargs
    )
