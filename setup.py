"""Packaging hook (the rest is in pyproject.toml): a wheel carries specs/, resources/ and
db/migrations/ inside the `app` package, as app/shipped/.

The design card keeps those folders at the top of the repository, where the checkout and the
PyInstaller bundle find them; an installed wheel has no repository, so the build copies them
in and app/paths.py looks there first. Setuptools' package-data cannot map a folder outside
a package into one, hence this one step. Editable installs (tools/dev.py) keep using the
checkout's folders and copy nothing.
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHIPPED = ("specs", "resources", "db/migrations")


class BuildWithShippedFolders(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "app" / "shipped"
        shutil.rmtree(target, ignore_errors=True)  # a file deleted here must not linger in build/
        for folder in SHIPPED:
            for source in sorted((ROOT / folder).rglob("*")):
                if source.is_file() and "__pycache__" not in source.parts:
                    destination = target / folder / source.relative_to(ROOT / folder)
                    self.mkpath(str(destination.parent))
                    self.copy_file(str(source), str(destination))


setup(cmdclass={"build_py": BuildWithShippedFolders})
