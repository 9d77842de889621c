"""An IR's two files, ``.xml`` and ``.bin``, published as a pair and checked before they are used.

``publish_ir`` saves the model into a staging folder ``.saving-<random>`` beside the target, writes a record of
both files' sha256 beside them (``<model>.sha256``, in ``sha256sum -c``'s format) and moves the three into place,
the ``.xml`` last, all while it holds an exclusive lock on the target folder (``flock`` on the folder itself, which
the kernel releases when the process ends, even when it is killed). So two runs saving into one folder take turns
and each leaves a whole pair; and, since only the lock's holder makes staging folders, the holder removes any that
a killed run left. Files are replaced by renaming, never rewritten: a process that has the old ``.bin`` mapped
(OpenVINO maps it) keeps reading the old file instead of meeting a changed one (SIGBUS).

``check_ir`` reads an IR only after checking it: both files there, an ``.xml`` that is XML, a model OpenVINO reads,
and, where a record is beside them, an ``.xml`` and a ``.bin`` whose sha256 are the recorded ones. An IR made
elsewhere, or saved with ``ov.save_model``, has no record. (The record is a file of its own, not rt_info: rt_info
would be carried into every model derived from the IR and saved, where it would be wrong.) Any fault is a
``DamagedIRError`` naming the file and the command that makes it again. Reading writes nothing, so a read-only
models folder (a shared classroom copy) can be used as it is.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import openvino as ov

from helpers import config
from helpers.errors import DamagedIRError, FolderBusyError, ModelNotFoundError, TutorialError
from helpers.hashing import file_hash
from helpers.model_card import INT8, PRECISIONS
from helpers.openvino_core import core, openvino_reason, read_model

STAGING_PREFIX = ".saving-"
RECORD_SUFFIX = ".sha256"  # the record beside an IR: <model>.sha256
LOCK_TIMEOUT_S = 300.0  # publishing takes about a second; a longer wait means a stuck process


def _made_by(xml: Path) -> tuple[str | None, str]:
    """(the IR's precision, the step that makes it), from the folder it is in (Open Model Zoo's layout); the
    precision is None for an IR outside that layout."""
    folder = Path(xml).parent.name
    if folder == INT8:
        return "INT8", "Lesson 06 (06_int8_quantization.ipynb) or python -m helpers.quantize"
    return (folder if folder in PRECISIONS else None), "Lesson 01 or python -m helpers.prepare"


def missing_ir(xml: Path | str, missing: Path | None = None) -> ModelNotFoundError:
    """The one error for an IR that is not there yet: ``No FP32 IR at <xml>: make it first with <the step>.``
    (``missing``: the one file of the pair that is absent, when the other is there)."""
    xml = Path(xml)
    precision, maker = _made_by(xml)
    detail = f" (its {missing.name} is missing)" if missing is not None and missing != xml else ""
    if precision is None:
        return ModelNotFoundError(f"No IR at {xml}{detail}: check the path, or make it first with {maker}.")
    return ModelNotFoundError(f"No {precision} IR at {xml}{detail}: make it first with {maker}.")


def remake_hint(xml: Path) -> str:
    """The command that makes the IR at ``xml`` again, from the folder it is in (Open Model Zoo's layout)."""
    precision, _ = _made_by(xml)
    if precision == "INT8":
        return "make it again with python -m helpers.quantize --rebuild (or Lesson 06)"
    if precision is not None:
        return "make it again with python -m helpers.prepare --rebuild"
    return "replace it with a good copy of the IR, or make it again"


def check_ir(xml: Path | str) -> ov.Model:
    """The model of the IR at ``xml``, read after checking that its files are whole and belong together.

    Raises ModelNotFoundError (``missing_ir``) when a file is missing and DamagedIRError (one line: the file, what
    is wrong, the command that makes it again) when the ``.xml`` is not XML, OpenVINO cannot read the IR, or the
    ``.bin`` is not the one the ``.xml`` was saved with.
    """
    xml = Path(xml)
    weights = xml.with_suffix(".bin")
    fix = remake_hint(xml)
    for path in (xml, weights):
        if not path.is_file():
            raise missing_ir(xml, path)
    try:  # before OpenVINO, which would try every frontend on a broken file (and TensorFlow's prints to stderr)
        root = ElementTree.parse(xml).getroot()
    except ElementTree.ParseError as error:
        raise DamagedIRError(
            f"{xml} cannot be read as an OpenVINO IR: it is not whole XML ({error}); {fix}.") from error
    if root.tag != "net":
        raise DamagedIRError(f"{xml} cannot be read as an OpenVINO IR: its XML is not a <net>; {fix}.")
    try:
        model = core().read_model(xml)
    except RuntimeError as error:
        raise DamagedIRError(f"{xml} cannot be read as an OpenVINO IR ({openvino_reason(error)}: the .bin is cut "
                             f"short or does not match); {fix}.") from error
    recorded = recorded_hashes(xml)
    if recorded is not None:
        for path in (xml, weights):
            if file_hash(path, "sha256") != recorded.get(path.name):
                raise DamagedIRError(f"{path} does not belong with the rest of its IR: its sha256 is not the one "
                                     f"recorded in {xml.with_suffix(RECORD_SUFFIX).name} when the IR was saved (a "
                                     f"damaged file, or one from another run); {fix}.")
    return model


def recorded_hashes(xml: Path | str) -> dict[str, str] | None:
    """{file name: sha256} of the IR's .xml and .bin as ``publish_ir`` recorded them, or None without a record."""
    record = Path(xml).with_suffix(RECORD_SUFFIX)
    try:
        lines = record.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError):
        return {}  # an unreadable record matches nothing
    return {name: digest for digest, _, name in (line.partition("  ") for line in lines if line.strip())}


def recorded_provenance(model: ov.Model | Path | str, key: str) -> dict[str, str]:
    """What the tutorial recorded under ``key`` in a model's rt_info (an IR path is read first), as strings;
    empty for a model made elsewhere."""
    model = read_model(model)
    if not model.has_rt_info([key]):
        return {}
    return {name: str(value) for name, value in model.get_rt_info([key]).value.items()}


def reusable_ir(xml: Path | str, key: str, wanted: dict[str, str], *, exact: bool = False) -> bool:
    """Whether the IR at ``xml`` can be used instead of made again: both files there, whole (``check_ir``), a record
    of their sha256 beside them, and every entry of ``wanted`` recorded under ``key`` in its rt_info (with
    ``exact``, those entries and no others, for a record that holds only what ``wanted`` can hold). Reads only, so
    a read-only models folder is reused as it is."""
    xml = Path(xml)
    if not (xml.is_file() and xml.with_suffix(".bin").is_file()):
        return False
    try:
        model = check_ir(xml)
    except TutorialError:  # a damaged IR, or a .bin from another run, is made again
        return False
    recorded = recorded_provenance(model, key)
    if recorded_hashes(xml) is None:
        return False
    return recorded == wanted if exact else all(recorded.get(name) == value for name, value in wanted.items())


def publish_ir(model: ov.Model, xml: Path | str, *, compress_to_fp16: bool = False) -> Path:
    """Save ``model`` as the IR ``xml`` (its .bin and record beside it): staged, recorded and moved into place under
    the folder's lock.

    An interrupted save leaves no IR that looks complete: the old .xml goes first, then the new .bin, the record and
    the new .xml come in by rename. Raises NotWritableError when the folder cannot be written (naming TUTORIAL_MODELS).
    """
    xml = Path(xml)
    folder = config.writable_folder(xml.parent)
    with _folder_lock(folder):
        remove_stale_staging(folder)
        try:
            staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=folder))
        except OSError as error:
            raise config.not_writable(folder, error) from error
        try:
            staged = staging / xml.name
            ov.save_model(model, staged, compress_to_fp16=compress_to_fp16)
            staged.with_suffix(RECORD_SUFFIX).write_text(
                "".join(f"{file_hash(path, 'sha256')}  {xml.with_suffix(path.suffix).name}\n"
                        for path in (staged, staged.with_suffix(".bin"))), encoding="utf-8")
            xml.unlink(missing_ok=True)  # no .xml: no IR, until the new pair is whole
            for suffix in (".bin", RECORD_SUFFIX, ".xml"):
                os.replace(staged.with_suffix(suffix), xml.with_suffix(suffix))
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return xml


def remove_stale_staging(folder: Path) -> list[Path]:
    """Remove the staging folders in ``folder`` (those a killed run left); call it holding the folder's lock, when
    no live process can be staging there. Returns what was removed."""
    stale = [path for path in Path(folder).glob(f"{STAGING_PREFIX}*") if path.is_dir()]
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)
    return stale


@contextlib.contextmanager
def _folder_lock(folder: Path, timeout: float = LOCK_TIMEOUT_S):
    """An exclusive ``flock`` on ``folder`` itself (no lock file to leave behind); waits up to ``timeout`` seconds."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError as error:
                if time.monotonic() > deadline:
                    raise FolderBusyError(
                        f"Another process has been saving an IR into {folder} for {timeout:.0f} s; let it finish "
                        "or stop it, then run again.") from error
                time.sleep(0.05)
        yield
    finally:
        os.close(descriptor)  # closing it releases the lock
