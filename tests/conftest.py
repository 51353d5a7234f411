"""Shared fixtures: small test projects under tests/roots/, built with Sphinx in-process.

The commands the nox sessions run (``lscb-kb``, ``sphinx-build``) are run in this process
through their own entry points (:func:`lscb_kb.cli.main`, :func:`sphinx.cmd.build.build_main`)
with the same arguments, which is what makes the suite fast. A few tests run each command in a
subprocess too (:meth:`Project.cli_subprocess`, :meth:`Project.sphinx_build_subprocess`), one
for each exit status the command promises, so that the programs themselves stay tested.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import importlib.metadata
import json
import logging
import os
import shutil
import subprocess
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from io import StringIO
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jinja2
import pytest
from bs4 import BeautifulSoup
from filelock import FileLock
from sphinx.application import Sphinx
from sphinx.cmd.build import build_main
from sphinx.jinja2glue import BuiltinTemplateLoader
from sphinx.testing.util import _clean_up_global_state
from sphinx.util import logging as sphinx_logging
from sphinx.util.console import strip_escape_sequences
from sphinx.util.docutils import docutils_namespace, patch_docutils

from lscb_kb.cli import main as lscb_kb_main

ROOTS = Path(__file__).parent / "roots"
REPO = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    # ``xdist_group`` keeps the tests that read one costly build on one pytest-xdist worker
    # (``nox -s tests`` runs with ``--dist loadgroup``), so that the build is made once.
    # pytest-xdist registers the mark; without it (plain pytest) the mark must still be known.
    config.addinivalue_line(
        "markers", "xdist_group(name): tests that read one costly build run on one worker"
    )


def pytest_collection_finish(session: pytest.Session) -> None:
    # What is alive once the tests are collected (the modules of Sphinx, docutils, pydantic,
    # Hypothesis and the project, and what they made) lives to the end of the run. Python's
    # collector of reference cycles walked all of it again at every full collection, and the
    # builds' many nodes make those frequent; frozen, it is left out of them (it is still
    # freed as usual when nothing refers to it).
    gc.collect()
    gc.freeze()


SPHINX_BUILD = ("-b", "html", "-c", "conf", "-E", "-n", "-W", "--keep-going", "--no-color")
"""The options of ``nox -s build`` that :meth:`Project.sphinx_build` gives ``sphinx-build``."""


@contextlib.contextmanager
def sphinx_state(confdir: Path | None = None) -> Iterator[None]:
    """Keep one in-process Sphinx build from leaking into the next, as ``sphinx.testing`` does.

    Docutils' registries of directives, roles and nodes, Sphinx's translators and ``sys.path``
    are put back as they were; with *confdir*, the build runs inside ``patch_docutils`` and
    ``docutils_namespace`` as ``sphinx-build`` runs it (``build_main`` enters them itself).
    """
    saved_path = sys.path.copy()
    _clean_up_global_state()
    try:
        if confdir is None:
            yield
        else:
            with patch_docutils(confdir), docutils_namespace():
                yield
    finally:
        sys.path[:] = saved_path
        _clean_up_global_state()


class CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's bytecode cache, in memory: each template file is compiled once in this process.

    Jinja checks a template's source against the compiled code it is given and compiles the
    template again if the source has changed, so a build sees exactly what a fresh process
    would; only the compiling is saved (a third of an in-process build of a small root).
    """

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.compiled.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


@pytest.fixture(scope="session", autouse=True)
def compiled_templates() -> Iterator[None]:
    """Sphinx's template environment of every in-process build shares compiled templates, those
    of template files and those made from a string, with the builds before it that had the
    same Jinja settings (its extensions)."""
    caches: dict[tuple[type, tuple[str, ...]], CompiledTemplates] = {}
    strings: dict[tuple[type, tuple[str, ...], str], Any] = {}
    init = BuiltinTemplateLoader.init

    def settings(environment: jinja2.Environment) -> tuple[type, tuple[str, ...]]:
        return (type(environment), tuple(sorted(environment.extensions)))

    def init_sharing_compiled_templates(
        self: BuiltinTemplateLoader, *args: Any, **kwargs: Any
    ) -> None:
        init(self, *args, **kwargs)
        environment = self.environment
        environment.bytecode_cache = caches.setdefault(settings(environment), CompiledTemplates())

    def render_string_compiled_once(
        self: BuiltinTemplateLoader, source: str, context: dict[str, Any]
    ) -> str:
        # Jinja's from_string, with the code compiled from the same source under the same
        # settings kept: the theme's static templates (basic.css_t and the rest) are rendered by
        # every build, and no bytecode cache reaches a template made from a string.
        environment = self.environment
        key = (*settings(environment), source)
        if key not in strings:
            strings[key] = environment.compile(source)
        template = environment.template_class.from_code(
            environment, strings[key], environment.make_globals(None), None
        )
        return template.render(context)

    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(BuiltinTemplateLoader, "init", init_sharing_compiled_templates)
        monkeypatch.setattr(BuiltinTemplateLoader, "render_string", render_string_compiled_once)
        yield


@pytest.fixture(scope="session", autouse=True)
def sphinx_logs_what_it_shows() -> Iterator[None]:
    """Sphinx's logger of every in-process build makes records only at the level its handlers
    show (``VERBOSITY_MAP``; INFO for the builds here), not at DEBUG.

    ``sphinx.util.logging.setup`` sets the logger to DEBUG whatever the verbosity and leaves the
    handlers to drop what is below theirs, so each build made and dropped thousands of debug
    records (a twentieth of a small root's build). What every handler shows is unchanged.
    """
    setup = sphinx_logging.setup

    def setup_at_the_shown_level(*args: Any, verbosity: int = 0, **kwargs: Any) -> None:
        setup(*args, verbosity=verbosity, **kwargs)
        shown = sphinx_logging.VERBOSITY_MAP[max(verbosity, 0)]
        logging.getLogger(sphinx_logging.NAMESPACE).setLevel(shown)

    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(sphinx_logging, "setup", setup_at_the_shown_level)
        yield


@functools.cache
def _installed_entry_points(**selection: str) -> importlib.metadata.EntryPoints:
    return importlib.metadata.entry_points(**selection)


@pytest.fixture(scope="session", autouse=True)
def entry_points_read_once() -> Iterator[None]:
    """Sphinx's theme factory (on every build) and pybtex's plugin look-ups (on every style
    and every citation role) read the entry points of every installed distribution each
    time; the installed distributions do not change during a run, so each selection is read
    once."""
    import pybtex.plugin  # noqa: PLC0415
    import sphinx.theming  # noqa: PLC0415

    with pytest.MonkeyPatch.context() as monkeypatch:
        for module in (sphinx.theming, pybtex.plugin):
            monkeypatch.setattr(module, "entry_points", _installed_entry_points)
        yield


def run_here(
    main: Callable[[list[str]], int], argv: Sequence[str], cwd: Path, name: str
) -> subprocess.CompletedProcess[str]:
    """Run a command's entry point in this process as its program would run in *cwd*.

    What it prints to stdout and stderr is kept apart, as ``capture_output`` keeps it. An
    exception that escapes is printed to stderr with its traceback and gives status 1, and
    ``SystemExit`` gives its code, as the interpreter does at the end of a program.
    """
    out, err = StringIO(), StringIO()
    with contextlib.chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exit_:
            if exit_.code is None or isinstance(exit_.code, int):
                code = exit_.code or 0
            else:
                print(exit_.code, file=sys.stderr)
                code = 1
        except Exception:
            traceback.print_exc()
            code = 1
    return subprocess.CompletedProcess([name, *argv], code, out.getvalue(), err.getvalue())


def sphinx_build_here(argv: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``sphinx-build`` *argv* (``python -m sphinx``) in this process, run from *cwd*."""
    with sphinx_state():
        return run_here(build_main, argv, cwd, "sphinx-build")


def lscb_kb_here(argv: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``lscb-kb`` *argv* in this process, run from *cwd*."""
    return run_here(lscb_kb_main, argv, cwd, "lscb-kb")


def _run_sphinx_in_this_process(
    command: Any, *, cwd: Any = None, check: bool = False, **options: Any
) -> Any:
    """``subprocess.run`` for :mod:`lscb_kb.publish`: ``python -m sphinx`` runs in this process
    with the same arguments, from the same folder, printing where the program would print;
    any other command (Pagefind), or one run with other options, runs as it is."""
    argv = [str(part) for part in command] if isinstance(command, list | tuple) else []
    if argv[:3] != [sys.executable, "-m", "sphinx"] or options:
        return subprocess.run(command, cwd=cwd, check=check, **options)
    with sphinx_state(), contextlib.chdir(cwd or "."):
        code = build_main(argv[3:])
    if check and code:
        raise subprocess.CalledProcessError(code, command)
    return subprocess.CompletedProcess(command, code)


@contextlib.contextmanager
def run_sphinx_in_this_process() -> Iterator[None]:
    """While open, :func:`lscb_kb.publish.publish` runs its ``sphinx-build`` in this process
    (its Pagefind still runs as a program)."""
    import lscb_kb.publish  # noqa: PLC0415

    patched = SimpleNamespace(**vars(subprocess))
    patched.run = _run_sphinx_in_this_process
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(lscb_kb.publish, "subprocess", patched)
        yield


@pytest.fixture
def sphinx_in_process() -> Iterator[None]:
    """The test's :func:`lscb_kb.publish.publish` runs its ``sphinx-build`` in this process."""
    with run_sphinx_in_this_process():
        yield


@dataclass
class BuildResult:
    """What one build printed and which pages it read."""

    status: str
    warnings: str
    read: list[str] = field(default_factory=list)


@dataclass
class Project:
    """A copy of a test root in a temporary folder."""

    root: Path

    @property
    def out(self) -> Path:
        return self.root / "build" / "html"

    def build(
        self, *, fresh: bool = False, parallel: int = 1, out: Path | None = None
    ) -> BuildResult:
        """Build HTML in-process, recording the pages Sphinx re-read (see :func:`sphinx_state`)."""
        status, warning = StringIO(), StringIO()
        outdir = out or self.out
        read: list[str] = []
        with sphinx_state(self.root / "conf"):
            app = Sphinx(
                srcdir=self.root / "docs",
                confdir=self.root / "conf",
                outdir=outdir,
                doctreedir=outdir.parent / f"{outdir.name}.doctrees",
                buildername="html",
                status=status,
                warning=warning,
                freshenv=fresh,
                parallel=parallel,
            )
            app.connect("env-before-read-docs", lambda _a, _e, docnames: read.extend(docnames))
            app.build()
        warnings = strip_escape_sequences(warning.getvalue())
        return BuildResult(status.getvalue(), self.relative(warnings), sorted(read))

    def sphinx_argv(self, *args: str) -> list[str]:
        """The arguments of ``sphinx-build`` as the nox session gives them, with *args*."""
        return [*SPHINX_BUILD, *args, "docs", str(self.out)]

    def sphinx_build(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``sphinx-build`` as the nox session runs it, in this process (its entry point)."""
        return sphinx_build_here(self.sphinx_argv(*args), self.root)

    def sphinx_build_subprocess(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``sphinx-build`` as the nox session runs it, in a subprocess."""
        return subprocess.run(
            [sys.executable, "-m", "sphinx", *self.sphinx_argv(*args)],
            cwd=self.root,
            capture_output=True,
            text=True,
            check=False,
        )

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """The ``lscb-kb`` command line in this project, in this process (its entry point)."""
        return lscb_kb_here(args, self.root)

    def cli_subprocess(self, *args: str) -> subprocess.CompletedProcess[str]:
        """The ``lscb-kb`` command line in this project, in a subprocess."""
        return subprocess.run(
            [sys.executable, "-m", "lscb_kb.cli", *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            check=False,
        )

    def relative(self, text: str) -> str:
        """Warnings with this project's folder taken off the paths, as an editor reads them."""
        return text.replace(f"{self.root}/", "")

    def html(self, page: str) -> BeautifulSoup:
        return BeautifulSoup((self.out / f"{page}.html").read_text("utf-8"), "html.parser")

    def edit(self, relpath: str, old: str, new: str) -> None:
        path = self.root / relpath
        text = path.read_text("utf-8")
        assert old in text, f"{old!r} not in {relpath}"
        path.write_text(text.replace(old, new, 1), "utf-8")

    def write(self, relpath: str, text: str) -> Path:
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
        return path


def copy_root(name: str, dest: Path) -> Path:
    """Copy ``tests/roots/<name>`` to *dest*, held to the shipped allowlist."""
    shutil.copytree(ROOTS / name, dest, dirs_exist_ok=True)
    allowlist = dest / "conf" / "safety.toml"
    if not allowlist.exists():  # every test root is held to the shipped allowlist
        shutil.copy(REPO / "conf" / "safety.toml", allowlist)
    return dest


@pytest.fixture
def make_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Project]:
    """Copy ``tests/roots/<name>`` to a temporary folder and work from there."""

    def make(name: str) -> Project:
        root = copy_root(name, tmp_path / name)
        monkeypatch.chdir(root)
        return Project(root)

    return make


@pytest.fixture
def project(make_project: Callable[[str], Project]) -> Iterator[Project]:
    yield make_project("basic")


Built = tuple[Project, BuildResult]
"""A test root built fresh, and what its build printed."""


class SharedBuilds:
    """Builds made once in a run of the suite, by whichever worker asks for one first, and read
    by every worker after it (pytest-xdist's workers share the folder above their own
    temporary folders, and a file lock makes the others wait for the first).

    Only tests that read a build may use it; a test that changes a project or builds it again
    takes its own copy.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.made: dict[str, Any] = {}

    def get(self, name: str, make: Callable[[Path], Any]) -> tuple[Path, Any]:
        """The folder of build *name* and what *make* returned (through JSON) when it built
        the build in that folder; *make* runs in the first worker that asks."""
        root = self.folder / name
        if name not in self.made:
            done = self.folder / f"{name}.json"
            with FileLock(self.folder / f"{name}.lock"):
                if not done.exists():
                    if root.exists():  # what a failed attempt left
                        shutil.rmtree(root)
                    root.mkdir(parents=True)
                    done.write_text(json.dumps(make(root)), "utf-8")
            self.made[name] = json.loads(done.read_text("utf-8"))
        return root, self.made[name]

    def project(self, name: str, make: Callable[[Project], Any]) -> tuple[Project, Any]:
        """:meth:`get` for a project: *make* is given the project to write and build, in its
        folder and working from it."""

        def build(root: Path) -> Any:
            with contextlib.chdir(root):
                return make(Project(root))

        root, made = self.get(name, build)
        return Project(root), made


@pytest.fixture(scope="session")
def shared_builds(tmp_path_factory: pytest.TempPathFactory) -> SharedBuilds:
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the folder every worker's temporary folder is in
    folder = base / "shared-builds"
    folder.mkdir(exist_ok=True)
    return SharedBuilds(folder)


def built(project: Project) -> dict[str, Any]:
    """Build *project* fresh: what the build printed, as :class:`SharedBuilds` keeps it."""
    return asdict(project.build(fresh=True))


@pytest.fixture(scope="session")
def built_roots(shared_builds: SharedBuilds) -> Callable[[str], Built]:
    """``tests/roots/<name>`` as it is, built fresh once for every test that only reads it.

    A test that changes the project or builds it again takes its own copy (``make_project``).
    """

    def get(name: str) -> Built:
        def make(project: Project) -> dict[str, Any]:
            copy_root(name, project.root)
            return built(project)

        project, result = shared_builds.project(f"root-{name}", make)
        return project, BuildResult(**result)

    return get


def copy_shipped(root: Path) -> None:
    """Copy the shipped knowledge base (conf/, data/ and docs/) to *root*."""
    for folder in ("conf", "data", "docs"):
        shutil.copytree(REPO / folder, root / folder, dirs_exist_ok=True)


Use = tuple[str, int, str, str]
"""A page's name for something: (docname, line, kind, target)."""


def build_recording_uses(project: Project, out: Path | None = None) -> tuple[BuildResult, set[Use]]:
    """Build *project* fresh, recording every ``{fig}`` role and dataset directive the build
    runs, where it runs it, as MyST hands them to the extension."""
    from lscb_kb.checks.pages import DATASET_DIRECTIVES  # noqa: PLC0415
    from lscb_kb.sphinxext import parser as build_parser  # noqa: PLC0415
    from lscb_kb.sphinxext.figure import FigureRole  # noqa: PLC0415

    uses: set[Use] = set()
    run_directive = build_parser.SafeRenderer.run_directive
    run_role = FigureRole.run

    def directive(self: Any, name: str, first_line: str, *args: Any, **kwargs: Any) -> Any:
        position = args[1]  # after the content: the line of the directive
        if name in DATASET_DIRECTIVES:
            uses.add((self.sphinx_env.docname, position, name, first_line.strip()))
        return run_directive(self, name, first_line, *args, **kwargs)

    def role(self: Any) -> Any:
        uses.add((self.env.docname, self.lineno, "fig", self.text.strip()))
        return run_role(self)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(build_parser.SafeRenderer, "run_directive", directive)
        patch.setattr(FigureRole, "run", role)
        result = project.build(fresh=True, out=out)
    return result, uses


@pytest.fixture(scope="session")
def shipped_build(shared_builds: SharedBuilds) -> tuple[Project, BuildResult, set[Use]]:
    """A copy of the shipped knowledge base, built fresh once in a run for the tests that only
    read it, with every figure and dataset the build used."""

    def make(project: Project) -> dict[str, Any]:
        copy_shipped(project.root)
        result, uses = build_recording_uses(project)
        return {"result": asdict(result), "uses": sorted(uses)}

    project, made = shared_builds.project("shipped", make)
    uses = {(doc, line, kind, target) for doc, line, kind, target in made["uses"]}
    return project, BuildResult(**made["result"]), uses


@pytest.fixture(scope="session")
def shipped_site(shipped_build: tuple[Project, BuildResult, set[Use]]) -> Built:
    """A copy of the shipped knowledge base (conf/, data/ and docs/), built fresh once for the
    tests that only read it."""
    project, result, _uses = shipped_build
    return project, result


@pytest.fixture
def built_root(
    built_roots: Callable[[str], Built], monkeypatch: pytest.MonkeyPatch
) -> Callable[[str], Built]:
    """:func:`built_roots`, working from the built project's folder as ``make_project`` does."""

    def get(name: str) -> Built:
        project, result = built_roots(name)
        monkeypatch.chdir(project.root)
        return project, result

    return get
