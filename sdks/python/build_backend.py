"""A PEP 517 build backend in the standard library only, so ``pip install ./sdks/python`` works on a
machine without internet (no setuptools or wheel fetched). It packs the ``agenttrail`` folder."""

import base64
import hashlib
import io
import os
import tarfile
import zipfile

NAME = "agenttrail"
VERSION = "0.1.0"
HERE = os.path.dirname(os.path.abspath(__file__))
DIST_INFO = "%s-%s.dist-info" % (NAME, VERSION)
METADATA = """Metadata-Version: 2.1
Name: %s
Version: %s
Summary: AgentTrail's Python SDK: record what your AI agents do and control them.
License: Apache-2.0
Requires-Python: >=3.9
""" % (NAME, VERSION)
WHEEL = "Wheel-Version: 1.0\nGenerator: agenttrail-build-backend\nRoot-Is-Purelib: true\nTag: py3-none-any\n"


def _sources():
    root = os.path.join(HERE, NAME)
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py") or name == "py.typed":
                path = os.path.join(folder, name)
                yield path, os.path.relpath(path, HERE).replace(os.sep, "/")


def _digest(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def get_requires_for_build_wheel(config_settings=None):
    return []


get_requires_for_build_sdist = get_requires_for_build_editable = get_requires_for_build_wheel


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    target = os.path.join(metadata_directory, DIST_INFO)
    os.makedirs(target, exist_ok=True)
    for name, text in (("METADATA", METADATA), ("WHEEL", WHEEL)):
        with open(os.path.join(target, name), "w") as f:
            f.write(text)
    return DIST_INFO


def _write_wheel(wheel_directory, files):
    filename = "%s-%s-py3-none-any.whl" % (NAME, VERSION)
    records = []
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w", zipfile.ZIP_DEFLATED) as zf:
        entries = list(files) + [(DIST_INFO + "/METADATA", METADATA.encode()),
                                 (DIST_INFO + "/WHEEL", WHEEL.encode())]
        for arcname, data in entries:
            zf.writestr(arcname, data)
            records.append("%s,%s,%d" % (arcname, _digest(data), len(data)))
        records.append(DIST_INFO + "/RECORD,,")
        zf.writestr(DIST_INFO + "/RECORD", "\n".join(records) + "\n")
    return filename


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    files = []
    for path, arcname in _sources():
        with open(path, "rb") as f:
            files.append((arcname, f.read()))
    return _write_wheel(wheel_directory, files)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    return _write_wheel(wheel_directory, [(NAME + ".pth", (HERE + "\n").encode())])


prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel


def build_sdist(sdist_directory, config_settings=None):
    base = "%s-%s" % (NAME, VERSION)
    filename = base + ".tar.gz"
    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz") as tar:
        extra = ["pyproject.toml", "build_backend.py", "NOTES.md"]
        for rel in extra + [arc for _, arc in _sources()]:
            path = os.path.join(HERE, rel)
            if os.path.exists(path):
                tar.add(path, arcname=base + "/" + rel)
        info = tarfile.TarInfo(base + "/PKG-INFO")
        data = METADATA.encode()
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return filename
