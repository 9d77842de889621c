"""The package's own errors: one base class, one subclass per kind of problem.

Every message names the thing that is wrong and how to fix it, in one line where it can, so that
the command lines (``helpers.cli``) and the widgets can show it as it is. Each class also derives
from the built-in exception a caller would have caught before (ValueError, RuntimeError), so
``except ValueError`` around ``load_image`` keeps working.

Chaining, one way: an error raised while handling another is raised ``from error``, never ``from None``, so the
cause (OpenVINO's, the OS's) stays in the traceback for whoever debugs; the command lines and widgets show only the
message, so a learner still sees one line.
"""
from __future__ import annotations


class TutorialError(Exception):
    """A problem the learner can fix (a setting, a file, a device); never a bug in the helpers."""


class ConfigError(TutorialError, ValueError):
    """An environment variable holds a value that cannot be used."""


class DownloadError(TutorialError, RuntimeError):
    """No URL gave the file; the message names each URL, what went wrong and the fix. ``cannot_write`` is True when
    the file could not be written (a full disk, a read-only folder): no other URL can help then."""

    def __init__(self, message: str, *, cannot_write: bool = False):
        super().__init__(message)
        self.cannot_write = cannot_write


class HubError(TutorialError, RuntimeError):
    """A workshop hub (``python -m helpers.hub``) cannot be prepared or started."""


class MirrorError(TutorialError, RuntimeError):
    """A room mirror (``python -m helpers.mirror``) cannot be written."""


class WeightsFileError(TutorialError, ValueError):
    """A weights file is missing or is not a usable MobileNetV3-Small weights file."""


class ConversionError(TutorialError, RuntimeError):
    """Converting the Keras model to OpenVINO IR, or saving the IR, failed."""


class ModelNotFoundError(TutorialError, FileNotFoundError):
    """An IR that another step makes (for example the INT8 one of Lesson 06) is not there yet."""


class DamagedIRError(TutorialError, RuntimeError):
    """An IR's files are damaged or do not belong together; the message names the file and the command that
    makes it again."""


class NotWritableError(TutorialError, PermissionError):
    """A folder the helpers must write into (the models folder) is read-only or cannot be created."""


class FolderBusyError(TutorialError, TimeoutError):
    """Another process has held a folder's lock for too long."""


class CompileError(TutorialError, RuntimeError):
    """OpenVINO could not compile a model for a device."""


class ImageLoadError(TutorialError, ValueError):
    """An image cannot be used; the message names the file, what is wrong and what to do."""


class DatasetError(TutorialError, ValueError):
    """A folder does not hold labelled images in a layout these readers understand."""


class StreamError(TutorialError, ValueError):
    """A video, camera, folder or output that the stream pipeline (``helpers.stream``) cannot use."""


class NotAnIRError(TutorialError, ValueError):
    """A model path that is not an OpenVINO IR (.xml with its .bin beside it)."""


class BenchmarkAppError(TutorialError, RuntimeError):
    """benchmark_app is missing, failed, or wrote no usable report."""


class BundleError(TutorialError, RuntimeError):
    """The bundle cannot be built; the message says what is missing and how to get it."""


class QuantizationError(TutorialError, RuntimeError):
    """NNCF could not quantize the model, or the INT8 IR could not be saved."""


# Signals passed between the helpers' own functions. They are caught inside the package and never reach a
# learner, so they are not TutorialErrors.


class UrlFailed(Exception):
    """One URL failed; the message says why. Another URL may still work."""


class CannotWrite(Exception):
    """The download could not be written to disk (its cause says why): no other URL can help."""


class Placeholder(Exception):
    """The learner's function is still the placeholder: it raised NotImplementedError, returned ``...``, or
    returned None with a body that does nothing."""


class LearnerError(Exception):
    """The learner's code raised, did not finish, or gave something that is not an answer; one line."""


class LearnerTimedOut(BaseException):
    """Raised inside learner code that ran past its time (a BaseException, so ``except Exception`` in the
    learner's own code does not swallow it)."""
