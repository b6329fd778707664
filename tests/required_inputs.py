"""What a test does when an input it needs is missing (the corpus, the oracle, ffmpeg).

In CI (the CI variable set to anything but "", "0" or "false"; .ci/run sets CI=true) the test
fails: a CI run must never pass by skipping what it could not find. Elsewhere it is skipped,
with a message that says how to get the input. Standard library only.
"""

import functools
import os
import unittest


def in_ci():
    return os.environ.get("CI", "").lower() not in ("", "0", "false")


def needs(present, what):
    """A decorator for a unittest class or test: nothing if `present`; else a skip saying
    `what` is missing, or, in CI, a failure saying so."""
    if present:
        return lambda item: item
    if not in_ci():
        return unittest.skip(what)
    message = f"{what} (CI is set: a missing input fails instead of skipping)"

    def failing(item):
        if isinstance(item, type):

            def setUpClass(cls):
                raise AssertionError(message)

            item.setUpClass = classmethod(setUpClass)
            return item

        @functools.wraps(item)
        def test(*args, **kwargs):
            raise AssertionError(message)

        return test

    return failing
