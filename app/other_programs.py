"""The environment other programs get when Fieldfolio opens something in them (the PDF
viewer to print, the file manager, a photo or video viewer).

A PyInstaller bundle starts with LD_LIBRARY_PATH pointing at its own libraries (the user's
value kept in LD_LIBRARY_PATH_ORIG), Qt's start-up hook sets QT_PLUGIN_PATH and
QML2_IMPORT_PATH to the bundle's plugins, and on Windows and macOS the bundle's folder is put
in front of PATH or DYLD_LIBRARY_PATH. A viewer started with those loads the bundle's Qt and
libraries instead of its own and can crash. So the user's own environment is rebuilt: the
saved values restored, the bundle's folders taken out of every search path, PyInstaller's
private variables dropped. From a checkout or an installed wheel nothing is changed.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

SEARCH_PATHS = ("LD_LIBRARY_PATH", "DYLD_LIBRARY_PATH", "DYLD_FRAMEWORK_PATH", "LIBPATH",
                "PATH", "QT_PLUGIN_PATH", "QML2_IMPORT_PATH", "QML_IMPORT_PATH",
                "QT_QPA_PLATFORM_PLUGIN_PATH")


def user_environment(environ: dict[str, str] | None = None,
                     bundle_dir: str | os.PathLike | None = None) -> dict[str, str]:
    """The environment to start another program with. `bundle_dir` is the bundle's folder
    (sys._MEIPASS; None outside a bundle, when the environment is returned unchanged)."""
    env = dict(os.environ if environ is None else environ)
    bundle = bundle_dir if bundle_dir is not None else getattr(sys, "_MEIPASS", None)
    if bundle is None:
        return env
    bundle = Path(bundle).resolve()
    for name in SEARCH_PATHS:
        saved = env.pop(name + "_ORIG", None)
        value = saved if saved is not None else env.get(name)
        kept = [] if value is None else [p for p in value.split(os.pathsep)
                                         if p and not _inside(p, bundle)]
        if kept:
            env[name] = os.pathsep.join(kept)
        else:
            env.pop(name, None)
    for name in [n for n in env if n.startswith("_PYI_") or n == "_MEIPASS2"]:
        del env[name]
    return env


def _inside(path: str, folder: Path) -> bool:
    try:
        return Path(path).resolve().is_relative_to(folder)
    except (OSError, ValueError):
        return False
