"""The one exception type the command line catches at its edge."""

from __future__ import annotations


class OkrError(Exception):
    """A problem the user can fix: bad arguments, a broken config, a missing repository.

    The message is a plain sentence naming the file and what to do. The command line prints it
    and exits with ``exit_code`` (2 for usage, config and internal errors, by convention).
    """

    def __init__(self, message: str, *, exit_code: int = 2) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
