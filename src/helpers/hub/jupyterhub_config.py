"""JupyterHub's configuration for a workshop room, read by ``jupyterhub -f`` as ``python -m helpers.hub`` starts it.

Everything that varies (addresses, folders, the proxy, the learners' settings) comes from the settings file that
``python -m helpers.hub`` writes (``TUTORIAL_HUB_SETTINGS``); the passwords come from the environment only.
"""
# ruff: noqa: F821 - JupyterHub runs this file with ``c``, its configuration object, already defined
import json
import os
from pathlib import Path

from helpers.hub import (
    ENV_ADMIN_PASSWORD,
    ENV_PASSWORD,
    ENV_SETTINGS,
    KERNEL_IDLE_TIMEOUT_S,
    USERNAME_PATTERN,
    Room,
    set_up_learner,
)

settings = json.loads(Path(os.environ[ENV_SETTINGS]).read_text(encoding="utf-8"))
room = Room(Path(settings["root"]))

c.JupyterHub.ip = settings["ip"]
c.JupyterHub.port = settings["port"]
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = settings["hub_port"]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings['proxy_api_port']}"
c.ConfigurableHTTPProxy.command = [settings["proxy"]]
c.JupyterHub.db_url = f"sqlite:///{room.state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(room.state / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(room.state / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every learner's server and the proxy
c.JupyterHub.cleanup_proxy = True

# Learners pick their own name and sign in with the room's password; the instructor is the admin.
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = os.environ[ENV_PASSWORD]
c.Authenticator.allow_all = True
c.Authenticator.username_pattern = USERNAME_PATTERN
if settings["admin"]:
    c.Authenticator.admin_users = {settings["admin"]}
    c.SharedPasswordAuthenticator.admin_password = os.environ[ENV_ADMIN_PASSWORD]

# Each learner's server: this project's environment and kernel, in a folder of their own.
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(room.users / "{username}")
c.Spawner.cmd = [settings["singleuser"]]
c.Spawner.args = [f"--MappingKernelManager.cull_idle_timeout={KERNEL_IDLE_TIMEOUT_S}",
                  "--MappingKernelManager.cull_interval=60"] + (["--allow-root"] if settings["allow_root"] else [])
c.Spawner.notebook_dir = str(room.users / "{username}")
c.Spawner.default_url = "/lab"
c.Spawner.environment = dict(settings["learner_env"])
c.Spawner.http_timeout = 120  # a loaded room server may take a while to start one more Jupyter server
c.Spawner.start_timeout = 120


def _copy_the_lessons(spawner):
    set_up_learner(room.users / spawner.user.name)


c.Spawner.pre_spawn_hook = _copy_the_lessons

# Servers idle for the instructor's time are stopped (their files stay).
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [settings["python"], "-m", "jupyterhub_idle_culler", f"--timeout={settings['idle_timeout']}"],
}]
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]
