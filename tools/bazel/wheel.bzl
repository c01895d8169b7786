"""python_distribution: one distribution's sdist and wheel, built by its own PEP 517 backend.

Native Bazel 4.2.3 has no wheel rule and rules_python cannot be downloaded. The action runs
tools/bazel/build_dist.py (pypa/build with setuptools from tools/python/packaging.lock, no
network, no isolation downloads) on a copy of the distribution: its pyproject.toml, the files
it names (readme), the repository's LICENSE and the library's own `dockyard/…` files. Name,
version, dependencies and all other metadata come from pyproject.toml alone.

The output is the directory `<name>/` holding `<dist>-<version>.tar.gz` and
`<dist>-<version>-py3-none-any.whl`. With `perturb = True` the same build runs under other
conditions (see build_dist.py), for the reproducibility test to compare.

The backend reaches the action as plain inputs on PYTHONPATH, never as runfiles: setuptools
ships files whose names hold spaces, which Bazel 4's runfiles trees cannot represent.
"""

def _import_roots(files):
    # pip_lock installs each distribution under <repository>/<dist>/site/.
    roots = {}
    for f in files:
        if "/site/" in f.path:
            roots[f.path[:f.path.index("/site/") + len("/site")]] = True
    return sorted(roots.keys())

def _python_distribution_impl(ctx):
    package = ctx.label.package
    prefix = (package + "/dockyard/") if package else "dockyard/"
    info = ctx.attr.library[DefaultInfo]
    files = depset(transitive = [info.files, info.default_runfiles.files]).to_list()
    top_level = [f.short_path for f in ctx.files.top_level]
    own = [
        f
        for f in files
        if (f.short_path.startswith(prefix) or f.short_path in top_level) and "__pycache__" not in f.short_path
    ]
    if not own:
        fail("%s holds no file under %s" % (ctx.attr.library.label, prefix))
    sources = [ctx.file.pyproject] + ctx.files.srcs + [ctx.file.license] + own
    tools = depset(transitive = [t[DefaultInfo].default_runfiles.files for t in ctx.attr._backend]).to_list()

    out = ctx.actions.declare_directory(ctx.label.name)
    args = ctx.actions.args()
    args.add(ctx.file._builder)
    args.add("--out", out.path)
    args.add("--project-dir", package)
    if ctx.attr.perturb:
        args.add("--perturb")
    args.add_all(sources)
    ctx.actions.run(
        executable = ctx.attr.python,
        arguments = [args],
        inputs = sources + tools + [ctx.file._builder],
        outputs = [out],
        env = {"PYTHONPATH": ":".join(_import_roots(tools))},
        mnemonic = "PythonDistribution",
        progress_message = "Building sdist and wheel of %s%s" % (package, " (perturbed)" if ctx.attr.perturb else ""),
    )
    return [DefaultInfo(files = depset([out]), runfiles = ctx.runfiles(files = [out]))]

python_distribution = rule(
    implementation = _python_distribution_impl,
    attrs = {
        "library": attr.label(mandatory = True, doc = "the py_library whose own dockyard/… files ship"),
        "top_level": attr.label_list(allow_files = [".py"], doc = "top-level modules beside dockyard/ (pyproject's py-modules)"),
        "pyproject": attr.label(mandatory = True, allow_single_file = ["pyproject.toml"]),
        "srcs": attr.label_list(allow_files = True, doc = "other files pyproject.toml names, e.g. its readme"),
        "license": attr.label(allow_single_file = True, default = Label("//:LICENSE")),
        "perturb": attr.bool(default = False, doc = "build under other conditions (reproducibility test)"),
        "python": attr.string(default = "/usr/bin/python3"),
        "_builder": attr.label(default = Label("//tools/bazel:build_dist.py"), allow_single_file = True),
        "_backend": attr.label_list(default = ["@pip_packaging//build", "@pip_packaging//setuptools"]),
    },
)
