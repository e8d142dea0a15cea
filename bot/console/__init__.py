"""The agent console: a small web app (aiohttp) where human agents take over handed-off chats.

`python -m bot.console` (or `make console`; `make run` starts it too) serves, on CONSOLE_HOST
(127.0.0.1 unless set) and CONSOLE_PORT (5006):

  /login, /logout       agent login (CONSOLE_AGENTS, hashed passwords; bot/console/auth.py)
  /                     the workbench: waiting and claimed chats, the summary card, reply box
  /api/handoffs...      what the workbench page calls (JSON; 401 without login, 409 on a chat
                        another agent holds)
  /chat?buyer=&item=    a buyer chat page on the Rasa server's socket.io, for trying and tests
"""
