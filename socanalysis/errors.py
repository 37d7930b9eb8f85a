"""Errors that a user can act on.

Every error raised for a user's mistake (a missing column, an unreadable file, a bad setting)
is a :class:`SocanalysisError`. The command line prints its message without a traceback and
exits with status 2.
"""

from __future__ import annotations


class SocanalysisError(Exception):
    """Base class for errors caused by input or settings, with a message meant for the user."""


class InputError(SocanalysisError, ValueError):
    """An input file or table cannot be read as reports; the message says where and what to do."""


class ConfigError(SocanalysisError, ValueError):
    """A configuration value or file is invalid; the message names the setting."""


class CacheError(SocanalysisError, OSError):
    """Cached files could not be deleted; the message names one and says what to do."""
