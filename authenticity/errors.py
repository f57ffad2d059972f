"""One exception hierarchy; each class subclasses the matching built-in.

The CLI maps :class:`AuthenticityError` to a one-line message on stderr and
exit code 2; anything else is a bug and shows a traceback only with --debug.
"""

from __future__ import annotations

__all__ = [
    "AuthenticityError",
    "InputError",
    "LabelError",
    "ModelFormatError",
    "NotFittedError",
    "OutputError",
]


class AuthenticityError(Exception):
    """Base class of every error this package raises on purpose."""


class InputError(AuthenticityError, ValueError):
    """A file, column or value the user gave cannot be used."""


class LabelError(InputError):
    """The label column cannot be used for training or evaluation."""


class OutputError(AuthenticityError, OSError):
    """An output cannot be written (or would overwrite an input)."""


class ModelFormatError(AuthenticityError, ValueError):
    """A model file is not one of ours, is truncated, tampered with or too new."""


class NotFittedError(AuthenticityError, ValueError, AttributeError):
    """A model was used before it was trained."""
