"""python_wheel: a pure-Python wheel of one library's own `dockyard/…` files.

Native Bazel 4.2.3 has no wheel rule and rules_python cannot be downloaded, so the wheel is
written by wheel_builder.py from the library's files and the distribution's pyproject.toml
(name, version, dependencies are read from there, never repeated in BUILD files).
"""

def _python_wheel_impl(ctx):
    package = ctx.label.package
    prefix = (package + "/dockyard/") if package else "dockyard/"
    info = ctx.attr.library[DefaultInfo]
    files = depset(transitive = [info.files, info.default_runfiles.files]).to_list()
    top_level = [f.short_path for f in ctx.files.top_level]
    own = [f for f in files if f.short_path.startswith(prefix) or f.short_path in top_level]
    if not own:
        fail("%s holds no file under %s" % (ctx.attr.library.label, prefix))
    out = ctx.actions.declare_directory(ctx.label.name)
    args = ctx.actions.args()
    args.add("--pyproject", ctx.file.pyproject)
    args.add("--strip", (package + "/") if package else "")
    args.add("--out", out.path)
    args.add_all([f for f in own], map_each = _path_and_short_path)
    ctx.actions.run(
        executable = "/usr/bin/python3",
        arguments = [ctx.file._builder.path, args],
        inputs = own + [ctx.file.pyproject, ctx.file._builder],
        outputs = [out],
        mnemonic = "PythonWheel",
        progress_message = "Building wheel of %s" % ctx.attr.library.label,
    )
    return [DefaultInfo(files = depset([out]), runfiles = ctx.runfiles(files = [out]))]

def _path_and_short_path(f):
    return "%s=%s" % (f.path, f.short_path)

python_wheel = rule(
    implementation = _python_wheel_impl,
    attrs = {
        "library": attr.label(mandatory = True),
        # Top-level modules of the distribution (pyproject's py-modules), beside dockyard/.
        "top_level": attr.label_list(allow_files = [".py"]),
        "pyproject": attr.label(mandatory = True, allow_single_file = ["pyproject.toml"]),
        "_builder": attr.label(default = Label("//tools/bazel:wheel_builder.py"), allow_single_file = True),
    },
)
