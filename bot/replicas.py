"""`make run REPLICAS=N`: N Rasa servers, each with its own action server, behind nginx.

nginx listens where one Rasa server would (RASA_HOST:RASA_PORT), so the channels, the console
and the chat page do not change. REST goes to the least busy replica; socket.io sticks to one
replica per client address (its long-polling requests must reach the server holding the
session), and rooms are shared through Redis (bot/channels/socket_io.py), so agent replies reach a buyer
on any replica. One buyer's messages stay in order and are handled once on any replica: the
lock store (bot/rasa_runtime/lock_store.py) serialises them in Redis.

A replica that dies: nginx stops sending to it and, for a request it could not deliver at all,
tries the next replica. A request already delivered to the replica that died is not retried
(a POST is not idempotent: its turn may have been stored), so the client gets a 502, a clear
error it can retry. The runner restarts the replica.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Sequence

NGINX_CANDIDATES = ("nginx", "/usr/sbin/nginx")


def nginx_binary() -> str:
    for candidate in NGINX_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    raise RuntimeError("REPLICAS needs nginx (Debian: apt-get install nginx)")


def listen_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def nginx_config(listen_host: str, listen_port: int, replica_ports: Sequence[int], prefix: Path) -> str:
    servers = "\n".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in replica_ports)
    temp = "\n".join(f"  {kind}_temp_path {prefix / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""# Written by bot/replicas.py for `make run REPLICAS={len(replica_ports)}`; rewritten at every start.
worker_processes 1;
pid {prefix / 'nginx.pid'};
error_log {prefix / 'error.log'} warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
{temp}
  client_max_body_size 1m;
  # Bodies and replies stay in memory: nginx's workers (user nobody when started as root)
  # never need to write under the runner's folder.
  client_body_buffer_size 1m;
  proxy_buffering off;
  upstream rasa {{
    least_conn;
{servers}
    keepalive 64;
  }}
  upstream rasa_sticky {{
    ip_hash;
{servers}
  }}
  map $http_upgrade $connection_upgrade {{ default upgrade; '' ''; }}
  server {{
    listen {listen_address(listen_host, listen_port)};
    location /socket.io/ {{
      proxy_pass http://rasa_sticky;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $host;
      proxy_read_timeout 3600s;
    }}
    location / {{
      proxy_pass http://rasa;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_read_timeout 300s;
      proxy_next_upstream error timeout http_502 http_503;
      proxy_next_upstream_tries 2;
    }}
  }}
}}
"""


def write_nginx_config(listen_host: str, listen_port: int, replica_ports: Sequence[int], prefix: Path) -> Path:
    prefix.mkdir(parents=True, exist_ok=True)
    path = prefix / "nginx.conf"
    path.write_text(nginx_config(listen_host, listen_port, replica_ports, prefix.resolve()), encoding="utf-8")
    return path


def nginx_command(config: Path) -> list:
    return [nginx_binary(), "-p", str(config.parent.resolve()), "-c", str(config.resolve()), "-g", "daemon off;"]
