"""The `shared_world` fixture: one prepared bot for all the examples of a property."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import pytest

from tests.properties.support import SharedWorld


@pytest.fixture
async def shared_world() -> AsyncIterator[SharedWorld]:
    async with AsyncExitStack() as stack:
        yield SharedWorld(stack)
