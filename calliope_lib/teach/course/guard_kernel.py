"""The grading guard's body: runs inside a kid's grading kernel, never imported.

:func:`calliope_lib.teach.course.guard.install_code` sends this text to the kernel and runs
it in a namespace of its own that already holds ``_NONCE`` (the answer's mark),
``_WORKSPACE`` (the kid's folder: code from there is the kid's), ``_TRUSTED`` (folders of
trusted code: the Python installation and ``calliope_lib``), ``_NAME`` (the builtins name the
guard is reachable under) and ``_LESSON_MODULES``. See :mod:`.guard` for what it does.
"""
# ruff: noqa: F821  (the names above come from the namespace this runs in)

import ast as _ast
import builtins as _builtins
import importlib as _importlib
import json as _json
import sys as _sys
import types as _types

_getattr, _setattr, _type, _isinstance, _id = getattr, setattr, type, isinstance, id
_dict_items, _object_eq = dict.items, object.__eq__
_ROOTS = tuple(p for p in _TRUSTED if p)
_VALUE_BASES = {int: int.__int__, float: float.__float__, complex: complex.__complex__,
                str: str.__str__, bytes: bytes.__bytes__}
_OWN_MODULES = ("calliope_lib",)

def _module_trusted(mod, key=""):
    """A module from the Python installation (not the kid's, not ``__main__``); ``key`` is
    the name it was found under in ``sys.modules`` (``_io`` calls itself ``io``)."""
    if mod is None:
        return False
    name = _getattr(mod, "__name__", "")
    if name == "__main__" or key == "__main__":
        return False
    file = _getattr(mod, "__file__", None)
    if not file:
        return (key or name) in _sys.builtin_module_names or name in _sys.builtin_module_names
    if _WORKSPACE and file.startswith(_WORKSPACE):
        return False
    return file.startswith(_ROOTS) or name.split(".")[0] in _OWN_MODULES

_trusted_types = {}

def _type_trusted(cls):
    """False for a class the kid made: from ``__main__`` or the workspace, with a method
    written in a notebook cell, or dressed up with a library's module name."""
    known = _trusted_types.get(cls)
    if known is not None:
        return known
    key = _getattr(cls, "__module__", None) or ""
    if not _module_trusted(_sys.modules.get(key), key):
        return False
    own = _getattr(cls, "__dict__", {})
    methods = [_getattr(v, "__func__", v) for v in own.values()]
    methods = [f for f in methods if _isinstance(f, _types.FunctionType)]
    if any(not _function_trusted(f) for f in methods):
        return False
    qualname = _getattr(cls, "__qualname__", "")
    if methods and "<locals>" not in qualname:
        target = _sys.modules.get(key)
        for part in qualname.split("."):
            target = _getattr(target, part, None)
        if target is not cls:
            return False
    _trusted_types[cls] = True
    return True

def _kid_file(file):
    """Code the kid wrote: a notebook cell (IPython keeps cells as files in TMPDIR, which is
    in the workspace) or a file in the workspace."""
    return (not file or file.startswith("<ipython-input") or "ipykernel_" in file
            or (_WORKSPACE and file.startswith(_WORKSPACE)))

def _function_trusted(func):
    code = _getattr(func, "__code__", None)
    return code is None or not _kid_file(code.co_filename)

class _Opaque:
    """A kid-made object in a test: equal only to itself, never true by accident."""
    __slots__ = ("_value",)
    def __init__(self, value):
        object.__setattr__(self, "_value", value)
    def __eq__(self, other):
        other = other._value if _type(other) is _Opaque else other
        return self._value is other
    def __ne__(self, other):
        return not self.__eq__(other)
    __hash__ = object.__hash__
    def __repr__(self):
        return "<eigenes Objekt>"

_notes = []

def honest(value, _depth=0):
    cls = _type(value)
    if cls in _trusted_types:
        if _depth < 3 and cls in (list, tuple, set, frozenset, dict):
            return _container(value, cls, _depth)
        return value
    if cls is _types.FunctionType or cls is _types.MethodType:
        func = value.__func__ if cls is _types.MethodType else value
        if _function_trusted(func):
            return value
        def honest_call(*args, **kwargs):
            return honest(value(*args, **kwargs))
        honest_call.__name__ = _getattr(func, "__name__", "f")
        honest_call.__wrapped__ = value
        return honest_call
    if _type_trusted(cls):
        if _depth < 3 and cls in (list, tuple, set, frozenset, dict):
            return _container(value, cls, _depth)
        return value
    if _isinstance(value, type):   # a class object (the kid's or a library's)
        return value
    for base in cls.__mro__[1:]:
        convert = _VALUE_BASES.get(base)
        if convert is not None:
            _notes.append("eigene Unterklasse von " + base.__name__ + " in einem Test")
            return convert(value)
        if base in (list, tuple, set, frozenset):
            _notes.append("eigene Unterklasse von " + base.__name__ + " in einem Test")
            return _container(base(base.__iter__(value)), base, _depth)
        if base is dict:
            _notes.append("eigene Unterklasse von dict in einem Test")
            return _container(dict(_dict_items(value)), dict, _depth)
        if base is not object and _type_trusted(base):
            np = _sys.modules.get("numpy")
            if np is not None and base is np.ndarray:
                return np.ndarray.view(value, np.ndarray)
            return value
    if cls.__eq__ is not object.__eq__ or _getattr(cls, "__bool__", None) is not None:
        _notes.append("Objekt mit eigenem Vergleich (" + cls.__name__ + ") in einem Test")
    return _Opaque(value)

def _container(value, cls, depth):
    if len(value) > 10000:
        return value
    if cls is dict:
        return {honest(k, depth + 1): honest(v, depth + 1) for k, v in _dict_items(value)}
    items = [honest(v, depth + 1) for v in value]
    return cls(items) if cls is not list else items

class _Honest(_ast.NodeTransformer):
    """Wrap every value a test cell reads in the guard's honest()."""
    def _wrap(self, node):
        call = _ast.Call(func=_ast.Attribute(value=_ast.Name(id=_NAME, ctx=_ast.Load()),
                                             attr="honest", ctx=_ast.Load()),
                         args=[node], keywords=[])
        return _ast.copy_location(call, node)
    def visit_Name(self, node):
        if _isinstance(node.ctx, _ast.Load) and node.id != _NAME and node.id not in (
                "True", "False", "None"):
            return self._wrap(node)
        return node
    def visit_Attribute(self, node):
        self.generic_visit(node)
        return self._wrap(node) if _isinstance(node.ctx, _ast.Load) else node
    def visit_Subscript(self, node):
        self.generic_visit(node)
        return self._wrap(node) if _isinstance(node.ctx, _ast.Load) else node
    def visit_Call(self, node):
        self.generic_visit(node)
        return self._wrap(node)

def _snapshot_object(obj):
    return dict(_getattr(obj, "__dict__", {}))

def _callable_kind(value):
    return _isinstance(value, (_types.FunctionType, _types.BuiltinFunctionType, type,
                               _types.MethodType, staticmethod, classmethod, property,
                               _types.ModuleType))

def _restore_dict(obj, saved, what, changed, drop_new=True, callables_only=True):
    """Put back what ``obj`` held at setup: functions, classes and descriptors (its plain
    data, such as counters and parent headers, changes legitimately); with
    ``callables_only=False`` every public name (the lesson modules' constants too)."""
    current = _getattr(obj, "__dict__", None)
    if current is None:
        return
    for key, value in saved.items():
        if key.startswith("__") and key.endswith("__"):
            continue
        now = current.get(key, _notes)
        if now is value:
            continue
        if callables_only and not (_callable_kind(value) or _callable_kind(now)):
            continue
        try:
            _setattr(obj, key, value)
        except (AttributeError, TypeError):
            continue
        changed.append(what + "." + key)
    if drop_new:
        for key in [k for k in current if k not in saved]:
            value = current[key]
            if (_isinstance(value, _types.FunctionType) and not _function_trusted(value)) or (
                    _isinstance(value, type) and not _type_trusted(value)):
                try:
                    delattr(obj, key)
                except (AttributeError, TypeError):
                    continue
                changed.append(what + "." + key + " (neu)")

def _trusted_hook(item):
    func = _getattr(item, "__func__", item)
    if _isinstance(func, _types.FunctionType):
        return _function_trusted(func)
    return _type_trusted(_type(item))

def _restore_list(current, saved, what, changed):
    """Hooks and transformers: what the kid added goes, what the kid removed comes back;
    a library's own additions (matplotlib's post_execute hook) stay."""
    kept = [item for item in current if item in saved or _trusted_hook(item)]
    missing = [item for item in saved if item not in current]
    if len(kept) != len(current) or missing:
        current[:] = kept + missing
        changed.append(what)

_LISTS = ("input_transformers_cleanup", "input_transformers_post", "ast_transformers")

class _Guard:
    def __init__(self):
        self.ready = False
        self.seen = set()

    def _answer(self, **fields):
        fields["nonce"] = _NONCE
        return _json.dumps(fields)

    def setup(self):
        errors = []
        for name in _LESSON_MODULES:
            try:
                _importlib.import_module(name)
            except Exception as exc:  # noqa: BLE001  (a lesson may not use them)
                errors.append(name + ": " + _type(exc).__name__)
        self.builtins = dict(_builtins.__dict__)
        self.modules = dict(_sys.modules)
        self.module_dicts = {name: _snapshot_object(mod) for name, mod in self.modules.items()
                             if mod is not None and (name.split(".")[0] in (
                                 "calliope_lib", "math", "numpy", "IPython", "ipykernel",
                                 "jupyter_client", "builtins"))}
        self.hooks = {name: _getattr(_sys, name, None) for name in (
            "excepthook", "displayhook", "stdout", "stderr")}
        self.trace = (_sys.gettrace(), _sys.getprofile())
        try:
            from IPython import get_ipython
            shell = get_ipython()
        except ImportError:
            shell = None
        self.shell = shell
        self.classes = {}
        if shell is not None:
            self.shell_dict = _snapshot_object(shell)
            self.lists = {name: list(_getattr(shell, name, []) or []) for name in _LISTS}
            self.custom_exceptions = shell.custom_exceptions
            manager = shell.input_transformer_manager
            self.manager = (manager, _snapshot_object(manager),
                            {k: list(v) for k, v in _snapshot_object(manager).items()
                             if _isinstance(v, list)})
            self.events = {k: list(v) for k, v in shell.events.callbacks.items()}
            kernel = _getattr(shell, "kernel", None)
            self.others = [(o, _snapshot_object(o)) for o in (
                kernel, _getattr(kernel, "session", None), shell.compile,
                _getattr(shell, "displayhook", None), _getattr(shell, "display_pub", None))
                if o is not None]
            for obj in (shell, kernel, _getattr(kernel, "session", None), shell.compile):
                if obj is None:
                    continue
                for cls in _type(obj).__mro__:
                    if cls is not object and cls not in self.classes:
                        self.classes[cls] = dict(cls.__dict__)
        for cls in (int, float, str, list, dict, tuple, bool, object):
            self.classes.setdefault(cls, dict(cls.__dict__))
        self.ready = True
        return self._answer(ok=True, errors=errors)

    def _restore(self):
        changed = []
        current = _builtins.__dict__
        for key, value in self.builtins.items():
            if current.get(key, _notes) is not value:
                current[key] = value
                changed.append("builtins." + key)
        for key in [k for k in current if k not in self.builtins]:
            value = current[key]
            if not (key.startswith("_calliope_guard_") or key == "_"):
                del current[key]
                changed.append("builtins." + key + " (neu)")
        for name, module in self.modules.items():
            if _sys.modules.get(name) is not module:
                _sys.modules[name] = module
                changed.append("sys.modules[" + repr(name) + "]")
        for name, saved in self.module_dicts.items():
            own = name.startswith(("calliope_lib", "math"))
            _restore_dict(self.modules[name], saved, name, changed, drop_new=own,
                          callables_only=not own)
        for name, value in self.hooks.items():
            if _getattr(_sys, name, None) is not value:
                _setattr(_sys, name, value)
                changed.append("sys." + name)
        if (_sys.gettrace(), _sys.getprofile()) != self.trace:
            _sys.settrace(self.trace[0])
            _sys.setprofile(self.trace[1])
            changed.append("sys.settrace")
        shell = self.shell
        if shell is not None:
            _restore_dict(shell, self.shell_dict, "IPython", changed)
            for name, saved in self.lists.items():
                _restore_list(_getattr(shell, name), saved, "IPython." + name, changed)
            if shell.custom_exceptions != self.custom_exceptions:  # set_custom_exc(...)
                shell.custom_exceptions = self.custom_exceptions
                changed.append("IPython.custom_exceptions")
            manager, saved, lists = self.manager
            _restore_dict(manager, saved, "IPython.input_transformer_manager", changed)
            for name, items in lists.items():
                _restore_list(_getattr(manager, name), items,
                              "IPython.input_transformer_manager." + name, changed)
            for event, saved_callbacks in self.events.items():
                _restore_list(shell.events.callbacks.setdefault(event, []), saved_callbacks,
                              "IPython.events." + event, changed)
            for obj, saved in self.others:
                _restore_dict(obj, saved, _type(obj).__name__, changed, drop_new=False)
        for cls, saved in self.classes.items():
            for key, value in saved.items():
                if key in ("__dict__", "__weakref__", "__doc__") or not _callable_kind(
                        value) and not callable(value):
                    continue
                if cls.__dict__.get(key, _notes) is not value:
                    try:
                        _setattr(cls, key, value)
                    except (AttributeError, TypeError):
                        continue
                    changed.append(cls.__name__ + "." + key)
        return changed

    def before_test(self):
        if not self.ready:
            return self._answer(ok=False, changed=["Schutz nicht bereit"])
        if self.shell is not None:  # ours from a test that never reached after_test
            self.shell.ast_transformers[:] = [
                t for t in self.shell.ast_transformers if _type(t) is not _Honest]
        changed = self._restore()
        del _notes[:]
        if self.shell is not None:
            self.shell.ast_transformers.append(_Honest())
        new = [c for c in changed if c not in self.seen]
        self.seen.update(changed)
        return self._answer(ok=True, changed=new)

    def after_test(self):
        notes = list(dict.fromkeys(_notes))
        del _notes[:]
        if self.shell is not None:
            self.shell.ast_transformers[:] = [
                t for t in self.shell.ast_transformers if _type(t) is not _Honest]
        return self._answer(ok=True, notes=notes)

    honest = staticmethod(honest)
