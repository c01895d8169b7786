"""A repository rule that installs a hashed pip lock file offline-first into Bazel.

rules_python cannot be downloaded here, so Dockyard brings its own: pip installs every
pinned distribution (`--require-hashes`, no dependency resolution at build time) and a
generator writes one `py_library` per distribution, wired to its own dependencies.
"""

def _pip_lock_impl(rctx):
    python = rctx.attr.python
    lock = rctx.path(rctx.attr.lock)
    generator = rctx.path(rctx.attr._generator)
    rctx.report_progress("pip install --require-hashes -r %s" % lock)
    result = rctx.execute(
        [
            python,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-compile",
            "--disable-pip-version-check",
            "--require-hashes",
            "--only-binary=:all:",
            "--target",
            "site",
            "-r",
            lock,
        ],
        timeout = 900,
        quiet = True,
    )
    if result.return_code != 0:
        fail("pip could not install %s (exit %d). pip said:\n%s\n%s\nCheck that the package index is reachable and the lock file is current (tools/python/lock.sh)." % (
            lock,
            result.return_code,
            result.stdout,
            result.stderr,
        ))
    result = rctx.execute([python, generator, "site", rctx.attr.name], quiet = True)
    if result.return_code != 0:
        fail("generating BUILD files for @%s failed:\n%s\n%s" % (rctx.name, result.stdout, result.stderr))

pip_lock = repository_rule(
    implementation = _pip_lock_impl,
    attrs = {
        "lock": attr.label(mandatory = True, allow_single_file = True),
        "python": attr.string(default = "/usr/bin/python3"),
        "_generator": attr.label(default = Label("//tools/bazel:pip_generate_build.py")),
    },
    doc = "Installs a --require-hashes lock file and exposes @<name>//<distribution>.",
)
