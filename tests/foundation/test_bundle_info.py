"""What the Windows and macOS bundles carry besides the program, checked here on Linux where
neither is built: a Windows version resource PyInstaller can read, and an Info.plist that
lets macOS give Fieldfolio the microphone and camera."""
from __future__ import annotations

import ast
import plistlib

from app import __version__
from tools.packaging import bundle_info


def test_info_plist_asks_for_microphone_and_camera_and_carries_the_version():
    plist = plistlib.loads(plistlib.dumps(bundle_info.info_plist(__version__)))
    assert "professional discussions" in plist["NSMicrophoneUsageDescription"]
    assert "photographs" in plist["NSCameraUsageDescription"]
    assert plist["CFBundleShortVersionString"] == __version__
    assert plist["CFBundleIdentifier"] == bundle_info.BUNDLE_ID


def test_windows_version_resource_is_an_expression_with_four_numbers(tmp_path):
    path = bundle_info.write_windows_version_file("1.12.3", "fieldfolio-cli", tmp_path)
    tree = ast.parse(open(path, encoding="utf-8").read(), mode="eval")
    calls = {node.func.id: node for node in ast.walk(tree) if isinstance(node, ast.Call)}
    assert {"VSVersionInfo", "FixedFileInfo", "StringStruct", "VarStruct"} <= set(calls)
    filevers = next(k.value for k in calls["FixedFileInfo"].keywords if k.arg == "filevers")
    assert ast.literal_eval(filevers) == (1, 12, 3, 0)
    text = open(path, encoding="utf-8").read()
    assert "'OriginalFilename', 'fieldfolio-cli.exe'" in text
    assert "'ProductVersion', '1.12.3'" in text


def test_version_numbers_with_letters_keep_their_digits():
    assert bundle_info.version_tuple("2.0rc1") == (2, 0, 0, 0)
    assert bundle_info.version_tuple("1.2.3.4.5") == (1, 2, 3, 4)
