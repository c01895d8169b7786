"""dockyard_image: a container image as a Bazel input.

The target's output is a small JSON record of the image (tag, the upstream name it stands in
for, what identifies its content). Tests list image targets as data; the test launcher turns
the records into DOCKYARD_IMAGE_SUBSTITUTIONS, and because the record changes whenever the
image's content does, every test that lists the image re-runs then, and only then.

Two sources:
- `image` (+ `manifest`, `recipe`, `deps`): an entry of an image manifest (Dockyard's
  tools/images/images.toml). The action runs build.py, which builds the image if its recipe
  hash is not what the engine has, and records the recipe hash and the image id. The recipe
  files are the action's inputs, so editing a recipe re-runs the action and its tests.
- `reference`: an image pinned by digest in a registry or mirror
  (`mirror.example/postgres@sha256:…`). Nothing is built; the digest is the identity, and the
  container is pulled by it.
"""

DockyardImageInfo = provider(
    doc = "The record of one image and the recipe files its identity depends on.",
    fields = {
        "record": "File: the JSON record",
        "recipe": "depset of File: recipe files of this image and the images it builds on",
    },
)

# An image lives in one engine: its record must never come from a remote cache or run on an
# executor without this machine's engine, and building may need the network (apt, Maven).
_LOCAL_DOCKER = {
    "local": "1",
    "no-remote": "1",
    "requires-docker": "1",
    "requires-network": "1",
}

def _reference_record(ctx):
    reference = ctx.attr.reference
    if "@sha256:" not in reference:
        fail("%s: reference %r must be pinned by digest (name@sha256:...), or the tests " % (ctx.label, reference) +
             "cannot know when it changes; for a local build use `image` from a manifest")
    upstream = ctx.attr.upstream
    substitutes = upstream.rsplit(":", 1)[0] if upstream and ":" in upstream.split("/")[-1] else upstream
    return json.encode({
        "name": ctx.label.name,
        "tag": reference,
        "upstream": upstream,
        "substitutes": substitutes,
        "reference": reference,
    })

def _dockyard_image_impl(ctx):
    out = ctx.actions.declare_file(ctx.label.name + ".image.json")
    dep_infos = [dep[DockyardImageInfo] for dep in ctx.attr.deps]
    recipe = depset(ctx.files.recipe, transitive = [info.recipe for info in dep_infos])
    if ctx.attr.reference:
        if ctx.attr.image or ctx.files.recipe:
            fail("%s: give either `reference` or `image` (with its recipe), not both" % ctx.label)
        ctx.actions.write(out, _reference_record(ctx) + "\n")
    elif ctx.attr.image:
        if not ctx.file.manifest:
            fail("%s: `image` names an entry of `manifest`; set manifest" % ctx.label)
        args = ctx.actions.args()
        args.add(ctx.file._build)
        args.add("--manifest", ctx.file.manifest)
        args.add("--record", out)
        args.add(ctx.attr.image)
        ctx.actions.run(
            executable = ctx.attr.python,
            arguments = [args],
            inputs = depset(
                [ctx.file._build, ctx.file._reader, ctx.file.manifest] + [i.record for i in dep_infos],
                transitive = [recipe],
            ),
            outputs = [out],
            mnemonic = "DockyardImage",
            progress_message = "Bringing image %s up to date with its recipe" % ctx.attr.image,
            execution_requirements = _LOCAL_DOCKER,
            # PATH for the docker CLI, and DOCKER_HOST when given with --action_env.
            use_default_shell_env = True,
        )
    else:
        fail("%s: set `image` (an entry of a manifest) or `reference` (name@sha256:...)" % ctx.label)
    return [
        DefaultInfo(files = depset([out]), runfiles = ctx.runfiles(files = [out])),
        DockyardImageInfo(record = out, recipe = recipe),
    ]

dockyard_image = rule(
    implementation = _dockyard_image_impl,
    doc = "A container image whose JSON record tests list as data (see the module docstring).",
    attrs = {
        "image": attr.string(doc = "The entry of `manifest` to build and record."),
        "manifest": attr.label(allow_single_file = [".toml"], doc = "The image manifest."),
        "recipe": attr.label_list(allow_files = True, doc = "The recipe directory's files."),
        "deps": attr.label_list(
            providers = [DockyardImageInfo],
            doc = "The images this one is built from (their records come first).",
        ),
        "reference": attr.string(doc = "A registry reference pinned by digest, instead of a build."),
        "upstream": attr.string(
            doc = "With `reference`: the image name the code uses, e.g. postgres:16.",
        ),
        "python": attr.string(default = "/usr/bin/python3", doc = "Runs build.py."),
        "_build": attr.label(
            default = Label("//tools/images:build.py"),
            allow_single_file = True,
        ),
        "_reader": attr.label(
            default = Label("//tools/images:image_manifest.py"),
            allow_single_file = True,
        ),
    },
)
