"""python -m helpers.hub: prepare a room's cache, start its JupyterHub, or reset a learner's lesson."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from helpers import cli
from helpers.hub import (
    DEFAULT_IDLE_TIMEOUT_S,
    DEFAULT_ROOT,
    ENV_ADMIN_PASSWORD,
    ENV_PASSWORD,
    Room,
    find_proxy,
    hub_command,
    hub_settings,
    prepare_cache,
    reset_lesson,
    set_up_learner,
    write_settings,
)


def build_parser() -> cli.ArgumentParser:
    parser = cli.ArgumentParser(prog="python -m helpers.hub", description=__doc__.splitlines()[0].split(": ", 1)[1])
    parser.add_argument("action", nargs="*", metavar="reset NN | copy-lessons",
                        help="reset NN: put lesson NN back as shipped in the current folder (a learner's), "
                             "keeping their copy as .bak; copy-lessons: copy the lessons the current folder lacks "
                             "(a container's start hook)")
    parser.add_argument("--prepare", action="store_true", help="make the room's shared cache (once), then exit")
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT,
                        help="the room's folder: cache/, users/, state/ (default: build/hub in the project)")
    parser.add_argument("--ip", default="127.0.0.1", help="the address learners reach (0.0.0.0: every interface)")
    parser.add_argument("--port", type=cli.whole_number(1, 65535), default=8000, help="the port (default 8000)")
    parser.add_argument("--admin", default=None, metavar="NAME",
                        help=f"the instructor's name, who signs in with {ENV_ADMIN_PASSWORD}")
    parser.add_argument("--idle-timeout", type=cli.whole_number(60), default=DEFAULT_IDLE_TIMEOUT_S,
                        metavar="SECONDS", help=f"stop servers idle this long (default {DEFAULT_IDLE_TIMEOUT_S})")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.action == ["copy-lessons"]:
        return cli.run(lambda: print(f"copied {len(set_up_learner(Path.cwd()))} lesson file(s)"))
    if args.action:
        if len(args.action) != 2 or args.action[0] != "reset":
            parser.error(f"unknown action {' '.join(args.action)!r}: use 'reset NN' or 'copy-lessons'")
        return cli.run(lambda: _reset(args.action[1]))
    room = Room(args.root.resolve())
    if args.prepare:
        return cli.run(lambda: _prepare(room))
    return cli.run(lambda: _serve(room, args))


def _reset(number: str) -> int:
    lesson, backup = reset_lesson(Path.cwd(), number)
    print(f"{lesson.name} is back as shipped" + (f"; your copy is {backup.name}" if backup else ""))
    return 0


def _prepare(room: Room) -> int:
    record = prepare_cache(room)
    print(f"The room's cache is ready and read-only: {room.cache} ({len(record['files'])} files, weights "
          f"{record['weights']}). Start the hub with: {ENV_PASSWORD}=... ./tutorial hub")
    return 0


def _serve(room: Room, args) -> int:
    settings = hub_settings(room, ip=args.ip, port=args.port, admin=args.admin, idle_timeout=args.idle_timeout,
                            proxy=find_proxy())
    command, env = hub_command(write_settings(room, settings))
    print(f"Learners open http://{'<this machine>' if args.ip == '0.0.0.0' else args.ip}:{args.port}/ and sign in "
          f"with a name of their own and the room's password; their folders are in {room.users}", flush=True)
    # JupyterHub takes this process's place, so that Ctrl+C or a SIGTERM reaches it and it stops every learner's
    # server and the proxy (JupyterHub runs on Linux and macOS only, where exec does exactly that).
    os.chdir(room.state)
    os.execve(command[0], command, env)


if __name__ == "__main__":
    sys.exit(main())
