import pytest

from sandbox.services import sandbox_bootstrap


@pytest.fixture
def demo_server(sandbox_url, live_server, settings, eager_celery):
    """The demo as scripts/demo runs it: the sandbox and Growth Hub's callbacks served over HTTP by one server, the
    hub's tasks run (inline here, as the worker would), the sandbox's apps and demo accounts in place."""
    settings.SITE_URL = live_server.url
    sandbox_bootstrap()
    return live_server
