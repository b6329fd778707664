"""asyncio without blocking the loop: the analysis runs on a thread of an executor (the loop's
default one unless given) with the GIL released, and the loop only awaits its result."""

import asyncio
import functools

from ._trackprint import analyze_file


async def analyze_file_async(path, *, threads=1, executor=None):
    """await trackprint.analyze_file_async("song.flac"): analyze_file() on `executor` (a
    concurrent.futures executor; None: the running loop's default thread pool)."""
    call = functools.partial(analyze_file, path, threads=threads)
    return await asyncio.get_running_loop().run_in_executor(executor, call)
