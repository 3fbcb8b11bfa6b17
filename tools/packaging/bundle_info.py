"""The facts an installed desktop app carries on each platform, built from app.__version__.

build.spec imports this, so Windows and macOS builds need no hand edits: the Windows version
resource (what Explorer's Properties -> Details and installers show) and the macOS
Info.plist. Without NSMicrophoneUsageDescription and NSCameraUsageDescription macOS silently
refuses the microphone (professional discussions) and the camera (photo evidence). Kept
apart from the spec so tests can check both on Linux, where neither is used.
"""
from __future__ import annotations

import re
from pathlib import Path

APP_NAME = "Fieldfolio"
BUNDLE_ID = "uk.fieldfolio.Fieldfolio"
DESCRIPTION = "Evidence, signatures and claim forms for vocational assessors"
COPYRIGHT = "Copyright (c) 2026 Fieldfolio. All rights reserved."
MICROPHONE_REASON = ("Fieldfolio records professional discussions with a learner as evidence, "
                     "when you press Record.")
CAMERA_REASON = ("Fieldfolio takes photographs of a learner's work as evidence, when you "
                 "press Take photo.")


def version_tuple(version: str) -> tuple[int, int, int, int]:
    """'0.1.0' -> (0, 1, 0, 0), '2.0rc1' -> (2, 0, 0, 0): Windows wants four numbers."""
    numbers = [int(re.match(r"\d*", part).group() or 0) for part in version.split(".")]
    return tuple((numbers + [0, 0, 0, 0])[:4])  # type: ignore[return-value]


def info_plist(version: str) -> dict:
    return {
        "CFBundleName": APP_NAME,
        "CFBundleDisplayName": APP_NAME,
        "CFBundleIdentifier": BUNDLE_ID,
        "CFBundleVersion": ".".join(str(n) for n in version_tuple(version)[:3]),
        "CFBundleShortVersionString": version,
        "NSHumanReadableCopyright": COPYRIGHT,
        "LSApplicationCategoryType": "public.app-category.education",
        "LSMinimumSystemVersion": "11.0",
        "NSHighResolutionCapable": True,
        "NSPrincipalClass": "NSApplication",
        "NSRequiresAquaSystemAppearance": False,
        "NSMicrophoneUsageDescription": MICROPHONE_REASON,
        "NSCameraUsageDescription": CAMERA_REASON,
    }


def windows_version_text(version: str, executable: str) -> str:
    """PyInstaller's version-file format (a VSVersionInfo expression), for one executable."""
    numbers = version_tuple(version)
    strings = {
        "CompanyName": APP_NAME,
        "FileDescription": DESCRIPTION if executable == APP_NAME else f"{APP_NAME} command line",
        "FileVersion": version,
        "InternalName": executable,
        "LegalCopyright": COPYRIGHT,
        "OriginalFilename": f"{executable}.exe",
        "ProductName": APP_NAME,
        "ProductVersion": version,
    }
    entries = ",\n          ".join(f"StringStruct({k!r}, {v!r})" for k, v in strings.items())
    return f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={numbers}, prodvers={numbers}, mask=0x3f, flags=0x0,
                    OS=0x40004, fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('080904B0', [
          {entries}])]),
    VarFileInfo([VarStruct('Translation', [2057, 1200])])
  ]
)
"""


def write_windows_version_file(version: str, executable: str, folder: str | Path) -> str:
    path = Path(folder) / f"{executable}-version.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(windows_version_text(version, executable), encoding="utf-8")
    return str(path)
