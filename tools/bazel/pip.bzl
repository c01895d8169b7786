"""Repository rules for third-party Python packages: one per lock file, and a hub over them.

rules_python cannot be downloaded here, so Dockyard brings its own. `pip_lock` downloads every
pinned wheel of a lock (`--require-hashes`, no dependency resolution at build time), keeps
them as a wheelhouse (`@<name>//:wheelhouse`, for installs without an index) and installs
them; a generator writes one `py_library` per distribution, wired to its own dependencies.

`pip_hub` is what BUILD files name (`@pip//docker`): an alias per distribution that selects
the lock chosen by the `//tools/python:lock` flag (`--config=lowest`, `--config=newest`).
"""

def _pip(rctx, arguments, what):
    result = rctx.execute(
        [
            rctx.attr.python,
            "-m",
            "pip",
        ] + arguments,
        timeout = 900,
        quiet = True,
    )
    if result.return_code != 0:
        fail("pip could not %s %s (exit %d). pip said:\n%s\n%s\nCheck that the package index is reachable and the lock file is current (tools/python/lock.sh)." % (
            what,
            rctx.attr.lock,
            result.return_code,
            result.stdout,
            result.stderr,
        ))

def _pip_lock_impl(rctx):
    lock = rctx.path(rctx.attr.lock)
    generator = rctx.path(rctx.attr._generator)
    common = ["--quiet", "--disable-pip-version-check", "--require-hashes", "--only-binary=:all:", "--no-deps"]
    rctx.report_progress("pip download --require-hashes -r %s" % lock)
    _pip(rctx, ["download"] + common + ["--dest", "wheelhouse", "-r", lock], "download")

    # The install reads only the wheelhouse, so what Bazel runs is what the wheelhouse holds.
    rctx.report_progress("pip install --no-index from the wheelhouse")
    _pip(
        rctx,
        ["install", "--no-index", "--find-links", "wheelhouse", "--no-compile", "--target", "site", "-r", lock] + common,
        "install",
    )
    result = rctx.execute([rctx.attr.python, generator, "site", rctx.attr.name], quiet = True)
    if result.return_code != 0:
        fail("generating BUILD files for @%s failed:\n%s\n%s" % (rctx.name, result.stdout, result.stderr))

pip_lock = repository_rule(
    implementation = _pip_lock_impl,
    attrs = {
        "lock": attr.label(mandatory = True, allow_single_file = True),
        "python": attr.string(default = "/usr/bin/python3"),
        "_generator": attr.label(default = Label("//tools/bazel:pip_generate_build.py")),
    },
    doc = "Installs a --require-hashes lock file; exposes @<name>//<distribution> and @<name>//:wheelhouse.",
)

def _pip_hub_impl(rctx):
    arguments = [rctx.attr.python, rctx.path(rctx.attr._generator), rctx.attr.flag]
    for lock, choice_and_repository in rctx.attr.locks.items():
        arguments.append("%s=%s" % (choice_and_repository, rctx.path(lock)))
    result = rctx.execute(arguments, quiet = True)
    if result.return_code != 0:
        fail("generating the hub @%s failed:\n%s\n%s" % (rctx.name, result.stdout, result.stderr))

pip_hub = repository_rule(
    implementation = _pip_hub_impl,
    attrs = {
        "locks": attr.label_keyed_string_dict(
            mandatory = True,
            allow_files = True,
            doc = "lock file → `<flag value>=<its pip_lock repository>`",
        ),
        "flag": attr.string(mandatory = True, doc = "the string_flag that chooses, e.g. @//tools/python:lock"),
        "python": attr.string(default = "/usr/bin/python3"),
        "_generator": attr.label(default = "//tools/bazel:pip_generate_hub.py"),
    },
    doc = "@<name>//<distribution>: an alias to the same distribution of the chosen lock.",
)
